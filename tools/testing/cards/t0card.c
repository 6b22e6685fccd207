// SPDX-License-Identifier: GPL-2.0
/*
 * The card side of T=0 TPDUs (ISO/IEC 7816-3 clause 10, 7816-4 5.3).
 *
 * A TPDU is CLA INS P1 P2 P3 [data]. Whether P3 counts command data (the
 * card receives) or expected data (the card sends) is the instruction's
 * business, as on a real card: card_t0_ins_incoming().
 * - P3 data bytes in: the command runs as a case 3/4 command; when it
 *   produces data the card answers 61 xx and hands the data out through
 *   GET RESPONSE (00 C0 00 00 xx); 6C xx when P3 asks for more than is
 *   left.
 * - header only: a case 2 command with Ne = P3 (00: 256), or case 1 for
 *   an incoming instruction; when the data available differs from Ne the
 *   card answers 6C xx (xx = what it has) without data.
 */
#include <string.h>

#include "card.h"

int card_t0_ins_incoming(uint8_t ins)
{
	switch (ins) {
	case CARD_INS_SELECT:
	case CARD_INS_ECHO:
	case CARD_INS_NOP:
	case CARD_INS_VERIFY:
	case CARD_INS_CHANGE:
	case 0xD6:	/* UPDATE BINARY */
	case 0xE0:	/* CREATE FILE */
		return 1;
	default:
		return 0;
	}
}

void card_t0_reset(struct card_t0 *t, struct card_apdu_state *app)
{
	t->app = app;
	t->pending_len = 0;
	t->pending_off = 0;
}

static size_t sw2(uint8_t *r, size_t n, uint8_t sw1, uint8_t sw2)
{
	r[n] = sw1;
	r[n + 1] = sw2;
	return n + 2;
}

static size_t get_response(struct card_t0 *t, const uint8_t *h, uint8_t *r)
{
	size_t left = t->pending_len - t->pending_off;
	size_t ne = h[4] ? h[4] : 256;

	if (!left)
		return sw2(r, 0, 0x69, 0x85);
	if (ne > left)
		return sw2(r, 0, 0x6C, left & 0xff);
	memcpy(r, t->pending + t->pending_off, ne);
	t->pending_off += ne;
	left -= ne;
	if (left)
		return sw2(r, ne, 0x61, left > 255 ? 0 : left);
	return sw2(r, ne, t->pending_sw[0], t->pending_sw[1]);
}

size_t card_t0_tpdu(struct card_t0 *t, const uint8_t *tpdu, size_t len,
		    uint8_t *r)
{
	struct card_cmd c;
	size_t n, dlen;

	if (len < 5)
		return sw2(r, 0, 0x67, 0x00);
	if (tpdu[1] == CARD_INS_GET_RESPONSE && len == 5)
		return get_response(t, tpdu, r);
	t->pending_len = 0;
	t->pending_off = 0;
	memset(&c, 0, sizeof(c));
	c.cla = tpdu[0];
	c.ins = tpdu[1];
	c.p1 = tpdu[2];
	c.p2 = tpdu[3];
	if (len > 5 || (card_t0_ins_incoming(c.ins) && tpdu[4])) {
		if (len != 5 + (size_t)tpdu[4] || !tpdu[4])
			return sw2(r, 0, 0x67, 0x00);
		c.data = tpdu + 5;
		c.lc = tpdu[4];
		c.has_le = 1;
		c.le = 256;
		n = card_apdu(t->app, &c, r);
		dlen = n - 2;
		if (!dlen)
			return n;
		memcpy(t->pending, r, dlen);
		t->pending_len = dlen;
		t->pending_sw[0] = r[n - 2];
		t->pending_sw[1] = r[n - 1];
		return sw2(r, 0, 0x61, dlen > 255 ? 0 : dlen);
	}
	if (card_t0_ins_incoming(c.ins))
		return card_apdu(t->app, &c, r);	/* case 1 */
	c.has_le = 1;
	c.le = tpdu[4] ? tpdu[4] : 256;
	n = card_apdu(t->app, &c, r);
	dlen = n - 2;
	if (dlen && dlen != c.le)
		return sw2(r, 0, 0x6C, dlen & 0xff);
	return n;
}
