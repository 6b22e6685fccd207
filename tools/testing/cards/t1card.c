// SPDX-License-Identifier: GPL-2.0
/*
 * The card side of T=1 (ISO/IEC 7816-3 clause 11).
 *
 * The reader sends a block, the card answers one block (or, for a fault,
 * nothing). The card:
 * - answers S(IFS request) with S(IFS response) and adopts IFSD;
 *   S(RESYNCH request): N(S) = N(R) = 0, IFSD 32, chains dropped, E0;
 *   S(ABORT request): chains dropped, E2;
 * - acknowledges each chained I-block (M set) with R(N(R)), runs the
 *   command once the last block is in, and sends the response in I-blocks
 *   of at most IFSD bytes, waiting for R(N(R)) after each chained one;
 * - before a response, asks for S(WTX request) as often as the applet (or
 *   --fault wtx:N) wants, multiplier 2;
 * - answers a block with a bad EDC with R(N(R)) error 1, a bad length or
 *   an unknown PCB with error 2, a repeated I-block (N(S) already seen) or
 *   an R-block asking for it with its last block again.
 * Faults (struct card_faults) are counted over the blocks the card sends,
 * from 1, so runs are reproducible.
 */
#include <stdlib.h>
#include <string.h>

#include "card.h"

#define PCB_R		0x80
#define PCB_S		0xC0
#define S_RESYNCH	0x00
#define S_IFS		0x01
#define S_ABORT		0x02
#define S_WTX		0x03
#define S_RESP		0x20
#define WTX_MULT	2

uint16_t card_crc16(const uint8_t *p, size_t len)
{
	uint16_t crc = 0;
	int i;

	while (len--) {
		crc ^= *p++;
		for (i = 0; i < 8; i++)
			crc = crc & 1 ? (crc >> 1) ^ 0xA001 : crc >> 1;
	}
	return crc;
}

uint8_t card_lrc(const uint8_t *p, size_t len)
{
	uint8_t x = 0;

	while (len--)
		x ^= *p++;
	return x;
}

static size_t edc_len(const struct card_t1 *t)
{
	return t->crc ? 2 : 1;
}

static void put_edc(const struct card_t1 *t, uint8_t *b, size_t n)
{
	if (t->crc) {
		uint16_t c = card_crc16(b, n);

		b[n] = c >> 8;
		b[n + 1] = c & 0xff;
	} else {
		b[n] = card_lrc(b, n);
	}
}

static int edc_ok(const struct card_t1 *t, const uint8_t *b, size_t n)
{
	if (t->crc) {
		uint16_t c = card_crc16(b, n);

		return b[n] == c >> 8 && b[n + 1] == (c & 0xff);
	}
	return b[n] == card_lrc(b, n);
}

int card_t1_init(struct card_t1 *t, struct card_apdu_state *app,
		 const struct card_faults *f, unsigned int ifsc, int crc)
{
	memset(t, 0, sizeof(*t));
	t->app = app;
	t->faults = f;
	t->crc = crc;
	t->ifsc = ifsc;
	t->rx = malloc(CARD_MAX_CMD);
	t->tx = malloc(CARD_MAX_RESP);
	if (!t->rx || !t->tx) {
		card_t1_free(t);
		return -1;
	}
	card_t1_reset(t);
	return 0;
}

void card_t1_free(struct card_t1 *t)
{
	free(t->rx);
	free(t->tx);
	t->rx = NULL;
	t->tx = NULL;
}

void card_t1_reset(struct card_t1 *t)
{
	t->ns = 0;
	t->nr = 0;
	t->ifsd = 32;
	t->rx_len = 0;
	t->tx_active = 0;
	t->tx_more = 0;
	t->wtx_left = 0;
	t->in_abort = 0;
	t->last_len = 0;
}

size_t card_t1_block_len(const struct card_t1 *t, const uint8_t *prologue)
{
	return 3 + prologue[2] + edc_len(t);
}

/* Build a block into t->last and the (possibly faulty) copy into @out. */
static size_t send_block(struct card_t1 *t, uint8_t pcb, const uint8_t *inf,
			 size_t len, uint8_t *out)
{
	size_t n = 3 + len + edc_len(t);
	int is_i = !(pcb & 0x80);

	t->last[0] = t->nad;
	t->last[1] = pcb;
	t->last[2] = len;
	if (len)
		memcpy(t->last + 3, inf, len);
	put_edc(t, t->last, 3 + len);
	t->last_len = n;
	return card_t1_emit(t, is_i, out);
}

size_t card_t1_emit(struct card_t1 *t, int is_i, uint8_t *out)
{
	const struct card_faults *f = t->faults;
	size_t n = t->last_len;

	t->sent++;
	if (is_i)
		t->sent_i++;
	if (f->mute_after && !t->mute_done && t->sent > f->mute_after) {
		t->muted = 1;
		t->mute_done = 1;
		return 0;
	}
	if (f->lose_every && t->sent % f->lose_every == 0)
		return 0;
	memcpy(out, t->last, n);
	if (f->wrong_ns_every && is_i && t->sent_i % f->wrong_ns_every == 0) {
		out[1] ^= 0x40;
		put_edc(t, out, n - edc_len(t));
	}
	if (f->corrupt_every && t->sent % f->corrupt_every == 0)
		out[n - 1] ^= 0x5A;
	return n;
}

static size_t send_r(struct card_t1 *t, int err, uint8_t *out)
{
	return send_block(t, PCB_R | (t->nr << 4) | err, NULL, 0, out);
}

static size_t send_s(struct card_t1 *t, uint8_t type, const uint8_t *inf,
		     size_t len, uint8_t *out)
{
	return send_block(t, PCB_S | type, inf, len, out);
}

static size_t send_next_i(struct card_t1 *t, uint8_t *out)
{
	size_t chunk = t->tx_len - t->tx_off;
	uint8_t pcb;

	if (chunk > t->ifsd)
		chunk = t->ifsd;
	t->tx_more = t->tx_off + chunk < t->tx_len;
	pcb = (t->ns << 6) | (t->tx_more ? 0x20 : 0);
	t->tx_chunk = chunk;
	t->ns ^= 1;
	if (!t->tx_more)
		t->tx_active = 0;
	return send_block(t, pcb, t->tx + t->tx_off, chunk, out);
}

static size_t send_wtx_or_i(struct card_t1 *t, uint8_t *out)
{
	uint8_t m = WTX_MULT;

	if (t->wtx_left) {
		t->wtx_left--;
		t->wtx_sent++;
		return send_s(t, S_WTX, &m, 1, out);
	}
	return send_next_i(t, out);
}

static size_t resend_last(struct card_t1 *t, int is_i, uint8_t *out)
{
	if (!t->last_len)
		return send_r(t, 2, out);
	return card_t1_emit(t, is_i, out);
}

static size_t rx_i(struct card_t1 *t, uint8_t pcb, const uint8_t *inf,
		   size_t len, uint8_t *out)
{
	unsigned int ns = (pcb >> 6) & 1;

	if (ns != t->nr) {
		/* Seen already: our answer got lost. */
		return resend_last(t, t->last_len && !(t->last[1] & 0x80),
				   out);
	}
	if (len > t->ifsc)
		return send_r(t, 2, out);
	if (t->tx_active) {
		/* A new command while we chain: drop the old response. */
		t->tx_active = 0;
	}
	if (t->rx_len + len > CARD_MAX_CMD)
		return send_r(t, 2, out);
	memcpy(t->rx + t->rx_len, inf, len);
	t->rx_len += len;
	t->nr ^= 1;
	if (pcb & 0x20) {
		if (t->faults->abort && !t->in_abort) {
			t->in_abort = 1;
			return send_s(t, S_ABORT, NULL, 0, out);
		}
		return send_r(t, 0, out);
	}
	t->tx_len = card_apdu_raw(t->app, t->rx, t->rx_len, t->tx);
	t->rx_len = 0;
	t->tx_off = 0;
	t->tx_active = 1;
	t->wtx_left = t->app->wtx;
	return send_wtx_or_i(t, out);
}

static size_t rx_r(struct card_t1 *t, uint8_t pcb, uint8_t *out)
{
	unsigned int nr = (pcb >> 4) & 1;

	if (t->tx_active && t->tx_more && nr == t->ns) {
		/* The reader acknowledges our chained block: next one. */
		t->tx_off += t->tx_chunk;
		return send_next_i(t, out);
	}
	return resend_last(t, t->last_len && !(t->last[1] & 0x80), out);
}

static size_t rx_s(struct card_t1 *t, uint8_t pcb, const uint8_t *inf,
		   size_t len, uint8_t *out)
{
	switch (pcb & 0x3F) {
	case S_RESYNCH:
		card_t1_reset(t);
		t->resynchs++;
		return send_s(t, S_RESYNCH | S_RESP, NULL, 0, out);
	case S_IFS:
		if (len != 1 || inf[0] == 0 || inf[0] == 255)
			return send_r(t, 2, out);
		t->ifsd = inf[0];
		t->ifs_requests++;
		return send_s(t, S_IFS | S_RESP, inf, 1, out);
	case S_ABORT:
		t->rx_len = 0;
		t->tx_active = 0;
		return send_s(t, S_ABORT | S_RESP, NULL, 0, out);
	case S_ABORT | S_RESP:
		if (!t->in_abort)
			return send_r(t, 2, out);
		t->rx_len = 0;
		t->in_abort = 0;
		return send_r(t, 0, out);
	case S_WTX | S_RESP:
		if (!t->tx_active || t->last_len < 4 ||
		    t->last[1] != (PCB_S | S_WTX))
			return send_r(t, 2, out);
		return send_wtx_or_i(t, out);
	default:
		return send_r(t, 2, out);
	}
}

size_t card_t1_block(struct card_t1 *t, const uint8_t *b, size_t len,
		     uint8_t *out)
{
	size_t e = edc_len(t);
	uint8_t pcb;

	if (t->muted)
		return 0;
	t->received++;
	if (len < 3 + e || len != 3 + (size_t)b[2] + e || b[2] == 255) {
		t->bad_received++;
		return send_r(t, 2, out);
	}
	if (!edc_ok(t, b, len - e)) {
		t->bad_received++;
		return send_r(t, 1, out);
	}
	/* Answer with source and destination swapped. */
	t->nad = (uint8_t)((b[0] >> 4) | (b[0] << 4)) & 0x77;
	pcb = b[1];
	if (!(pcb & 0x80))
		return rx_i(t, pcb, b + 3, b[2], out);
	if ((pcb & 0xC0) == PCB_R)
		return rx_r(t, pcb, out);
	return rx_s(t, pcb, b + 3, b[2], out);
}
