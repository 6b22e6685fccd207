// SPDX-License-Identifier: GPL-2.0
/*
 * The applet of scard-card: a tiny ISO/IEC 7816-4 file system.
 *
 *   MF 3F00
 *    +- EF 0101 (SFI 1): CARD_PATTERN_SIZE bytes, byte i = card_pattern(i)
 *    +- EF 0102 (SFI 2): CARD_SMALL_SIZE bytes, the same pattern
 *   application F0 53 43 41 52 44 ("\xF0SCARD")
 *
 * SELECT       00 A4 00 xx [FID]  (no data: MF), 00 A4 04 xx AID;
 *              P2 0C: 90 00 only, else the FCI when Le is present
 * READ BINARY  00 B0 P1 P2 Le: offset P1P2 (or SFI in P1), 62 82 after the
 *              data when the file ends before Le, 6B 00 past the end
 * ECHO         00 EE 00 00 Lc data Le: the data back (Le truncates)
 * NOP          00 E6 00 00 [Lc data]: 90 00
 * SLOW         00 E8 n 00: 90 00 after n time extensions
 * STATS        00 E2 00 00 Le: struct card_stats, big-endian
 * others       6D 00; CLA FF: 6E 00; malformed: 67 00
 */
#include <string.h>

#include "card.h"

int card_parse_apdu(const uint8_t *a, size_t len, struct card_cmd *c)
{
	memset(c, 0, sizeof(*c));
	if (len < 4)
		return -1;
	c->cla = a[0];
	c->ins = a[1];
	c->p1 = a[2];
	c->p2 = a[3];
	if (len == 4)
		return 0;
	if (len == 5) {
		c->has_le = 1;
		c->le = a[4] ? a[4] : 256;
		return 0;
	}
	if (a[4]) {
		c->lc = a[4];
		c->data = a + 5;
		if (len == 5 + c->lc)
			return 0;
		if (len == 6 + c->lc) {
			c->has_le = 1;
			c->le = a[len - 1] ? a[len - 1] : 256;
			return 0;
		}
		return -1;
	}
	/* extended */
	if (len < 7)
		return -1;
	c->extended = 1;
	if (len == 7) {
		c->has_le = 1;
		c->le = (a[5] << 8 | a[6]) ? (uint32_t)(a[5] << 8 | a[6]) : 65536;
		return 0;
	}
	c->lc = a[5] << 8 | a[6];
	if (!c->lc)
		return -1;
	c->data = a + 7;
	if (len == 7 + c->lc)
		return 0;
	if (len == 9 + c->lc) {
		uint32_t le = a[len - 2] << 8 | a[len - 1];

		c->has_le = 1;
		c->le = le ? le : 65536;
		return 0;
	}
	return -1;
}

static size_t sw(uint8_t *r, size_t n, uint16_t s)
{
	r[n] = s >> 8;
	r[n + 1] = s & 0xff;
	return n + 2;
}

static size_t do_select(struct card_apdu_state *st, const struct card_cmd *c,
			uint8_t *r)
{
	uint16_t fid = 0;
	size_t n = 0;
	int aid = 0;

	if (c->p1 == 0x04) {
		if (c->lc < 1 || c->lc > CARD_AID_LEN ||
		    memcmp(c->data, CARD_AID, c->lc))
			return sw(r, 0, 0x6A82);
		aid = 1;
	} else if (c->p1 == 0x00 || c->p1 == 0x02) {
		if (c->lc == 0)
			fid = CARD_FID_MF;
		else if (c->lc == 2)
			fid = c->data[0] << 8 | c->data[1];
		else
			return sw(r, 0, 0x6A87);
		if (fid != CARD_FID_MF && fid != CARD_FID_PATTERN &&
		    fid != CARD_FID_SMALL)
			return sw(r, 0, 0x6A82);
		st->current_ef = fid == CARD_FID_MF ? 0 : fid;
	} else {
		return sw(r, 0, 0x6A86);
	}
	if ((c->p2 & 0x0C) == 0x0C || !c->has_le)
		return sw(r, 0, 0x9000);
	if (aid) {
		r[n++] = 0x6F;
		r[n++] = 2 + CARD_AID_LEN;
		r[n++] = 0x84;
		r[n++] = CARD_AID_LEN;
		memcpy(r + n, CARD_AID, CARD_AID_LEN);
		n += CARD_AID_LEN;
	} else {
		r[n++] = 0x62;
		r[n++] = fid == CARD_FID_MF ? 7 : 12;
		r[n++] = 0x82;
		r[n++] = 1;
		r[n++] = fid == CARD_FID_MF ? 0x38 : 0x01;
		r[n++] = 0x83;
		r[n++] = 2;
		r[n++] = fid >> 8;
		r[n++] = fid & 0xff;
		if (fid != CARD_FID_MF) {
			uint32_t size = fid == CARD_FID_PATTERN ?
					CARD_PATTERN_SIZE : CARD_SMALL_SIZE;

			r[n++] = 0x80;
			r[n++] = 3;
			r[n++] = (size >> 16) & 0xff;
			r[n++] = (size >> 8) & 0xff;
			r[n++] = size & 0xff;
		}
	}
	if (c->le < n)
		n = c->le;
	return sw(r, n, 0x9000);
}

static size_t do_read_binary(struct card_apdu_state *st,
			     const struct card_cmd *c, uint8_t *r)
{
	uint32_t off, ne = c->has_le ? c->le : 256, n, i, size;

	if (c->p1 & 0x80) {
		if ((c->p1 & 0x1F) != 1 && (c->p1 & 0x1F) != 2)
			return sw(r, 0, 0x6A82);
		st->current_ef = (c->p1 & 0x1F) == 1 ? CARD_FID_PATTERN :
			CARD_FID_SMALL;
		off = c->p2;
	} else {
		off = (c->p1 << 8) | c->p2;
	}
	if (!st->current_ef)
		return sw(r, 0, 0x6986);
	if (c->lc)
		return sw(r, 0, 0x6700);
	size = st->current_ef == CARD_FID_PATTERN ? CARD_PATTERN_SIZE :
	       CARD_SMALL_SIZE;
	if (off >= size)
		return sw(r, 0, 0x6B00);
	n = size - off;
	if (n > ne)
		n = ne;
	for (i = 0; i < n; i++)
		r[i] = card_pattern(off + i);
	return sw(r, n, n < ne && c->has_le ? 0x6282 : 0x9000);
}

/* @len bytes without the FF padding at their end. */
static size_t pin_unpad(const uint8_t *p, size_t len)
{
	while (len && p[len - 1] == 0xFF)
		len--;
	return len;
}

static void pin_init(struct card_apdu_state *st)
{
	if (!st->pin_len) {
		st->pin_len = strlen(CARD_PIN_DEFAULT);
		memcpy(st->pin, CARD_PIN_DEFAULT, st->pin_len);
	}
}

/* Does @p start with the PIN? Returns the bytes it takes, 0 if not. */
static size_t pin_match(struct card_apdu_state *st, const uint8_t *p,
			size_t len)
{
	if (len < st->pin_len || memcmp(p, st->pin, st->pin_len))
		return 0;
	return st->pin_len;
}

static size_t pin_result(struct card_apdu_state *st, int ok, uint8_t *r)
{
	if (ok) {
		st->pin_fails = 0;
		st->pin_verified = 1;
		return sw(r, 0, 0x9000);
	}
	st->pin_verified = 0;
	if (++st->pin_fails >= CARD_PIN_TRIES)
		return sw(r, 0, 0x6983);
	return sw(r, 0, 0x63C0 | (CARD_PIN_TRIES - st->pin_fails));
}

static size_t do_verify(struct card_apdu_state *st, const struct card_cmd *c,
			uint8_t *r)
{
	size_t n;

	if (c->p1 || (c->p2 != CARD_PIN_REF && c->p2 != CARD_PIN_REF_ECHO))
		return sw(r, 0, 0x6A86);
	if (c->p2 == CARD_PIN_REF_ECHO) {
		if (c->lc)
			memmove(r, c->data, c->lc);
		return sw(r, c->lc, 0x9000);
	}
	pin_init(st);
	if (st->pin_fails >= CARD_PIN_TRIES)
		return sw(r, 0, 0x6983);
	if (!c->lc)	/* the state: verified, or the tries left */
		return sw(r, 0, st->pin_verified ? 0x9000 :
			  0x63C0 | (CARD_PIN_TRIES - st->pin_fails));
	n = pin_unpad(c->data, c->lc);
	return pin_result(st, n == st->pin_len && pin_match(st, c->data, n),
			  r);
}

/* Data: the current PIN (padding allowed), then the new one. */
static size_t do_change(struct card_apdu_state *st, const struct card_cmd *c,
			uint8_t *r)
{
	size_t old, n;

	if (c->p1 || c->p2 != CARD_PIN_REF)
		return sw(r, 0, 0x6A86);
	pin_init(st);
	if (st->pin_fails >= CARD_PIN_TRIES)
		return sw(r, 0, 0x6983);
	old = pin_match(st, c->data, c->lc);
	if (!old)
		return pin_result(st, 0, r);
	while (old < c->lc && c->data[old] == 0xFF)
		old++;
	n = pin_unpad(c->data + old, c->lc - old);
	if (!n || n > CARD_PIN_MAX)
		return sw(r, 0, 0x6A80);
	memcpy(st->pin, c->data + old, n);
	st->pin_len = n;
	return pin_result(st, 1, r);
}

size_t card_apdu(struct card_apdu_state *st, const struct card_cmd *c,
		 uint8_t *r)
{
	size_t n;

	st->wtx = st->extra_wtx;
	if (st->stats)
		st->stats->commands++;
	if (c->extended && !st->ext_allowed)
		return sw(r, 0, 0x6700);
	if (c->cla == 0xFF)
		return sw(r, 0, 0x6E00);
	switch (c->ins) {
	case CARD_INS_SELECT:
		return do_select(st, c, r);
	case CARD_INS_READ_BINARY:
		return do_read_binary(st, c, r);
	case CARD_INS_ECHO:
		if (!c->has_le)
			return sw(r, 0, 0x9000);
		n = c->lc < c->le ? c->lc : c->le;
		if (n)
			memmove(r, c->data, n);
		return sw(r, n, 0x9000);
	case CARD_INS_NOP:
		return sw(r, 0, 0x9000);
	case CARD_INS_VERIFY:
		return do_verify(st, c, r);
	case CARD_INS_CHANGE:
		return do_change(st, c, r);
	case CARD_INS_SLOW:
		st->wtx += c->p1;
		return sw(r, 0, 0x9000);
	case CARD_INS_GET_RESPONSE:
		return sw(r, 0, 0x6985);
	case CARD_INS_STATS: {
		const uint32_t *v = (const uint32_t *)st->stats;
		size_t i;

		if (!v)
			return sw(r, 0, 0x6985);
		for (i = 0; i < CARD_STATS_LEN / 4; i++) {
			r[4 * i] = v[i] >> 24;
			r[4 * i + 1] = v[i] >> 16;
			r[4 * i + 2] = v[i] >> 8;
			r[4 * i + 3] = v[i];
		}
		n = c->has_le && c->le < CARD_STATS_LEN ? c->le :
		    CARD_STATS_LEN;
		return sw(r, n, 0x9000);
	}
	default:
		return sw(r, 0, 0x6D00);
	}
}

size_t card_apdu_raw(struct card_apdu_state *st, const uint8_t *apdu,
		     size_t len, uint8_t *resp)
{
	struct card_cmd c;

	if (card_parse_apdu(apdu, len, &c)) {
		st->wtx = 0;
		return sw(resp, 0, 0x6700);
	}
	return card_apdu(st, &c, resp);
}
