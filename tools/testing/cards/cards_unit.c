// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the card side (applet, T=0 TPDUs, T=1 blocks) without a
 * kernel: a minimal reader drives the card functions directly. TAP output.
 * make check (runs under valgrind when it is installed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"

static int tn, failed, expect_fail;

#define OK(cond, ...) do {						\
	tn++;								\
	if (cond) {							\
		printf("ok %d ", tn);					\
	} else {							\
		printf("not ok %d ", tn);				\
		failed++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
} while (0)

static uint8_t resp[CARD_MAX_RESP];

static int sw_is(const uint8_t *r, size_t n, uint16_t sw)
{
	return n >= 2 && r[n - 2] == sw >> 8 && r[n - 1] == (sw & 0xff);
}

static void test_edc(void)
{
	static const uint8_t b[] = { 0x00, 0xC1, 0x01, 0xFE };

	OK(card_crc16(b, 4) == 0xECD1, "crc16 00 C1 01 FE = EC D1 (%04X)",
	   card_crc16(b, 4));
	OK(card_lrc(b, 4) == 0x3E, "lrc 00 C1 01 FE = 3E");
}

static void test_applet(void)
{
	struct card_apdu_state st = { .ext_allowed = 1 };
	static const uint8_t sel_ef[] = { 0, 0xA4, 0, 0x0C, 2, 0x01, 0x01 };
	static const uint8_t sel_aid[] = { 0, 0xA4, 4, 0, 6, 0xF0, 'S', 'C',
					   'A', 'R', 'D', 0 };
	static const uint8_t rb_ext[] = { 0, 0xB0, 0, 0, 0, 0, 0 };
	static const uint8_t rb_end[] = { 0, 0xB0, 0x01, 0x22, 0x10 };
	static const uint8_t sel_small[] = { 0, 0xA4, 0, 0, 2, 0x01, 0x02, 0 };
	static uint8_t cmd[5000 + 9];
	size_t n, i;
	int good;

	n = card_apdu_raw(&st, rb_end, sizeof(rb_end), resp);
	OK(sw_is(resp, n, 0x6986), "READ BINARY without EF: 69 86");
	n = card_apdu_raw(&st, sel_ef, sizeof(sel_ef), resp);
	OK(n == 2 && sw_is(resp, n, 0x9000), "SELECT EF 0101 P2 0C: 90 00");
	n = card_apdu_raw(&st, rb_ext, sizeof(rb_ext), resp);
	good = n == 65538 && sw_is(resp, n, 0x9000);
	for (i = 0; good && i < 65536; i++)
		good = resp[i] == card_pattern(i);
	OK(good, "READ BINARY Le 0000 (extended): 65536 pattern bytes");
	n = card_apdu_raw(&st, sel_small, sizeof(sel_small), resp);
	OK(n == 16 && resp[0] == 0x62 && sw_is(resp, n, 0x9000),
	   "SELECT EF 0102 case 4: FCP");
	n = card_apdu_raw(&st, rb_end, sizeof(rb_end), resp);
	OK(n == 12 && sw_is(resp, n, 0x6282) && resp[0] == card_pattern(0x122),
	   "READ BINARY past the end: 8 bytes + 62 82");
	n = card_apdu_raw(&st, sel_aid, sizeof(sel_aid), resp);
	OK(n == 12 && resp[0] == 0x6F && sw_is(resp, n, 0x9000),
	   "SELECT AID case 4: FCI");
	cmd[0] = 0;
	cmd[1] = CARD_INS_ECHO;
	cmd[2] = cmd[3] = cmd[4] = 0;
	cmd[5] = 5000 >> 8;
	cmd[6] = 5000 & 0xff;
	for (i = 0; i < 5000; i++)
		cmd[7 + i] = i * 7;
	cmd[5007] = cmd[5008] = 0;
	n = card_apdu_raw(&st, cmd, 5009, resp);
	OK(n == 5002 && !memcmp(resp, cmd + 7, 5000) && sw_is(resp, n, 0x9000),
	   "ECHO 5000 bytes extended");
	n = card_apdu_raw(&st, cmd, 5008, resp);
	OK(sw_is(resp, n, 0x6700), "malformed extended APDU: 67 00");
	st.ext_allowed = 0;
	n = card_apdu_raw(&st, cmd, 5009, resp);
	OK(sw_is(resp, n, 0x6700), "extended refused when not allowed");
}

static struct card_t0 t0;

static void test_pin(void)
{
	struct card_apdu_state st = { 0 };
	static const uint8_t state[] = { 0, 0x20, 0, 0x80 };
	static const uint8_t good[] = { 0, 0x20, 0, 0x80, 8, '1', '2', '3',
					'4', 0xFF, 0xFF, 0xFF, 0xFF };
	static const uint8_t bad[] = { 0, 0x20, 0, 0x80, 4, '1', '2', '3',
				       '5' };
	static const uint8_t change[] = { 0, 0x24, 0, 0x80, 10, '1', '2', '3',
					  '4', 0xFF, '9', '8', '7', '6', '5' };
	static const uint8_t echo[] = { 0, 0x20, 0, 0x81, 2, 0x24, 0x12 };
	static const uint8_t new_pin[] = { 0, 0x20, 0, 0x80, 5, '9', '8', '7',
					   '6', '5' };
	size_t n;

	n = card_apdu_raw(&st, state, sizeof(state), resp);
	OK(sw_is(resp, n, 0x63C3), "VERIFY state: 63 C3");
	n = card_apdu_raw(&st, bad, sizeof(bad), resp);
	OK(sw_is(resp, n, 0x63C2), "VERIFY wrong PIN: 63 C2");
	n = card_apdu_raw(&st, good, sizeof(good), resp);
	OK(n == 2 && sw_is(resp, n, 0x9000), "VERIFY 1234 padded FF: 90 00");
	n = card_apdu_raw(&st, state, sizeof(state), resp);
	OK(sw_is(resp, n, 0x9000), "VERIFY state after: 90 00");
	n = card_apdu_raw(&st, echo, sizeof(echo), resp);
	OK(n == 4 && resp[0] == 0x24 && resp[1] == 0x12 &&
	   sw_is(resp, n, 0x9000), "VERIFY 81 answers its data");
	n = card_apdu_raw(&st, change, sizeof(change), resp);
	OK(sw_is(resp, n, 0x9000), "CHANGE 1234 -> 98765: 90 00");
	n = card_apdu_raw(&st, good, sizeof(good), resp);
	OK(sw_is(resp, n, 0x63C2), "VERIFY old PIN after CHANGE: 63 C2");
	n = card_apdu_raw(&st, new_pin, sizeof(new_pin), resp);
	OK(sw_is(resp, n, 0x9000), "VERIFY new PIN: 90 00");
	st.pin_fails = 0;
	n = card_apdu_raw(&st, bad, sizeof(bad), resp);
	n = card_apdu_raw(&st, bad, sizeof(bad), resp);
	n = card_apdu_raw(&st, bad, sizeof(bad), resp);
	OK(sw_is(resp, n, 0x6983), "third wrong PIN: blocked, 69 83");
	n = card_apdu_raw(&st, new_pin, sizeof(new_pin), resp);
	OK(sw_is(resp, n, 0x6983), "blocked PIN stays blocked");
}

static void test_t0(void)
{
	struct card_apdu_state st = { 0 };
	static const uint8_t sel_aid[] = { 0, 0xA4, 4, 0, 6, 0xF0, 'S', 'C',
					   'A', 'R', 'D' };
	static const uint8_t gr[] = { 0, 0xC0, 0, 0, 10 };
	static const uint8_t gr_big[] = { 0, 0xC0, 0, 0, 11 };
	static const uint8_t sel_ef[] = { 0, 0xA4, 0, 0x0C, 2, 0x01, 0x02 };
	static const uint8_t rb[] = { 0, 0xB0, 0x01, 0x24, 0x10 };
	static const uint8_t rb8[] = { 0, 0xB0, 0x01, 0x24, 0x08 };
	static const uint8_t nop[] = { 0, CARD_INS_NOP, 0, 0, 0 };
	size_t n;

	card_t0_reset(&t0, &st);
	n = card_t0_tpdu(&t0, sel_aid, sizeof(sel_aid), resp);
	OK(n == 2 && sw_is(resp, n, 0x610A), "T=0 case 4 SELECT: 61 0A");
	n = card_t0_tpdu(&t0, gr_big, sizeof(gr_big), resp);
	OK(n == 2 && sw_is(resp, n, 0x6C0A), "GET RESPONSE 11: 6C 0A");
	n = card_t0_tpdu(&t0, gr, sizeof(gr), resp);
	OK(n == 12 && resp[0] == 0x6F && sw_is(resp, n, 0x9000),
	   "GET RESPONSE 10: FCI + 90 00");
	n = card_t0_tpdu(&t0, sel_ef, sizeof(sel_ef), resp);
	OK(sw_is(resp, n, 0x9000), "T=0 case 3 SELECT P2 0C: 90 00");
	n = card_t0_tpdu(&t0, rb, sizeof(rb), resp);
	OK(n == 2 && sw_is(resp, n, 0x6C08), "case 2 past the end: 6C 08");
	n = card_t0_tpdu(&t0, rb8, sizeof(rb8), resp);
	OK(n == 10 && sw_is(resp, n, 0x9000), "case 2 Le 08: data + 90 00");
	n = card_t0_tpdu(&t0, nop, sizeof(nop), resp);
	OK(n == 2 && sw_is(resp, n, 0x9000), "case 1 NOP: 90 00");
}

/* --- a minimal T=1 reader ------------------------------------------------ */

struct rd {
	struct card_t1 *c;
	int crc;
	unsigned int ns, nr, ifsc, ifsd;
	unsigned long retries, wtx, blocks;
};

static size_t rd_mk(struct rd *r, uint8_t *b, uint8_t pcb, const uint8_t *inf,
		    size_t len)
{
	b[0] = 0;
	b[1] = pcb;
	b[2] = len;
	if (len)
		memcpy(b + 3, inf, len);
	if (r->crc) {
		uint16_t c = card_crc16(b, 3 + len);

		b[3 + len] = c >> 8;
		b[4 + len] = c & 0xff;
		return 5 + len;
	}
	b[3 + len] = card_lrc(b, 3 + len);
	return 4 + len;
}

static int rd_ok(struct rd *r, const uint8_t *b, size_t n)
{
	size_t e = r->crc ? 2 : 1;

	if (n < 3 + e || n != 3 + b[2] + e)
		return 0;
	if (r->crc) {
		uint16_t c = card_crc16(b, n - 2);

		return b[n - 2] == c >> 8 && b[n - 1] == (c & 0xff);
	}
	return card_lrc(b, n - 1) == b[n - 1];
}

/* One exchange with retransmission of @tx on any error; returns rx length. */
static size_t rd_xchg(struct rd *r, const uint8_t *tx, size_t txn, uint8_t *rx)
{
	uint8_t rb[8];
	const uint8_t *cur = tx;
	size_t curn = txn, n;
	int tries;

	for (tries = 0; tries < 20; tries++) {
		r->blocks++;
		n = card_t1_block(r->c, cur, curn, rx);
		if (n && rd_ok(r, rx, n)) {
			/* card R-block with an error: send our block again */
			if ((rx[1] & 0xC0) == 0x80 && (rx[1] & 0x0F)) {
				r->retries++;
				cur = tx;
				curn = txn;
				continue;
			}
			/* unexpected N(S) of a card I-block */
			if (!(rx[1] & 0x80) && ((rx[1] >> 6) & 1) != r->nr) {
				r->retries++;
				curn = rd_mk(r, rb, 0x82 | (r->nr << 4), NULL, 0);
				cur = rb;
				continue;
			}
			return n;
		}
		r->retries++;
		curn = rd_mk(r, rb, 0x80 | (r->nr << 4) | (n ? 1 : 2), NULL,
			     0);
		cur = rb;
	}
	return 0;
}

/* Transmit an APDU; the response goes to @out; returns its length or 0. */
static size_t rd_apdu(struct rd *r, const uint8_t *apdu, size_t len,
		      uint8_t *out)
{
	uint8_t tx[T1_MAX_BLOCK], rx[T1_MAX_BLOCK];
	size_t off = 0, chunk, n, txn, olen = 0;
	int more;

	for (;;) {
		chunk = len - off > r->ifsc ? r->ifsc : len - off;
		more = off + chunk < len;
		txn = rd_mk(r, tx, (r->ns << 6) | (more ? 0x20 : 0),
			    apdu + off, chunk);
		n = rd_xchg(r, tx, txn, rx);
		if (!n)
			return 0;
		r->ns ^= 1;
		off += chunk;
		if (!more)
			break;
		if ((rx[1] & 0xC0) != 0x80 || ((rx[1] >> 4) & 1) != r->ns)
			return 0;
	}
	for (;;) {
		while ((rx[1] & 0xC0) == 0xC0 && (rx[1] & 0x3F) == 3) {
			r->wtx++;
			txn = rd_mk(r, tx, 0xE3, rx + 3, 1);
			n = rd_xchg(r, tx, txn, rx);
			if (!n)
				return 0;
		}
		if (rx[1] & 0x80)
			return 0;
		memcpy(out + olen, rx + 3, rx[2]);
		olen += rx[2];
		r->nr ^= 1;
		if (!(rx[1] & 0x20))
			return olen;
		txn = rd_mk(r, tx, 0x80 | (r->nr << 4), NULL, 0);
		n = rd_xchg(r, tx, txn, rx);
		if (!n)
			return 0;
	}
}

static int t1_run(const char *what, const struct card_faults *f,
		  unsigned int ifsc, unsigned int ifsd, int crc, size_t dlen,
		  unsigned long *retries)
{
	static uint8_t apdu[CARD_MAX_CMD], out[CARD_MAX_RESP];
	struct card_apdu_state st = { .ext_allowed = 1, .extra_wtx = f->wtx };
	struct card_t1 c;
	struct rd r = { .c = &c, .crc = crc, .ifsc = ifsc, .ifsd = ifsd };
	uint8_t blk[T1_MAX_BLOCK], rx[T1_MAX_BLOCK], v = ifsd;
	size_t n, i;
	int good, k;

	card_t1_init(&c, &st, f, ifsc, crc);
	n = rd_mk(&r, blk, 0xC1, &v, 1);
	n = rd_xchg(&r, blk, n, rx);
	good = n && rx[1] == 0xE1 && rx[3] == ifsd && c.ifsd == ifsd;
	apdu[0] = 0;
	apdu[1] = CARD_INS_ECHO;
	apdu[2] = apdu[3] = apdu[4] = 0;
	apdu[5] = dlen >> 8;
	apdu[6] = dlen & 0xff;
	for (i = 0; i < dlen; i++)
		apdu[7 + i] = i ^ (i >> 8);
	apdu[7 + dlen] = apdu[8 + dlen] = 0;
	/* three APDUs: sequence numbers carry over */
	for (k = 0; k < 3 && good; k++) {
		n = rd_apdu(&r, apdu, 9 + dlen, out);
		good = n == dlen + 2 && !memcmp(out, apdu + 7, dlen) &&
		       sw_is(out, n, 0x9000);
	}
	OK(good != expect_fail, "T=1 %s: ECHO %zu x3 (IFSC %u IFSD %u %s), %lu blocks, %lu retries, %lu wtx",
	   what, dlen, ifsc, ifsd, crc ? "CRC" : "LRC", r.blocks, r.retries,
	   r.wtx);
	if (retries)
		*retries = r.retries + r.wtx;
	card_t1_free(&c);
	return good;
}

static void test_t1(void)
{
	struct card_faults f = { 0 };
	unsigned long retr;

	t1_run("clean", &f, 16, 254, 0, 5000, &retr);
	OK(retr == 0, "clean run: no retries");
	t1_run("clean", &f, 254, 16, 1, 5000, NULL);
	t1_run("clean", &f, 254, 254, 1, 3, NULL);
	f.corrupt_every = 3;
	t1_run("corrupt-every:3", &f, 16, 32, 1, 1000, &retr);
	OK(retr > 0, "corrupt-every:3 causes retries (%lu)", retr);
	f.corrupt_every = 0;
	f.lose_every = 4;
	t1_run("lose-every:4", &f, 32, 16, 0, 1000, &retr);
	OK(retr > 0, "lose-every:4 causes retries (%lu)", retr);
	f.lose_every = 0;
	f.wrong_ns_every = 2;
	t1_run("wrong-ns:2", &f, 254, 16, 0, 600, &retr);
	OK(retr > 0, "wrong-ns:2 causes retries (%lu)", retr);
	f.wrong_ns_every = 0;
	f.wtx = 2;
	t1_run("wtx:2", &f, 254, 254, 0, 10, &retr);
	OK(retr == 6, "wtx:2 asks 2 WTX per APDU (%lu)", retr);
	f.wtx = 0;
	f.mute_after = 1;
	expect_fail = 1;
	t1_run("mute-after:1 fails", &f, 254, 254, 0, 10, NULL);
	expect_fail = 0;
}

static void test_t1_rules(void)
{
	struct card_faults f = { 0 };
	struct card_apdu_state st = { .ext_allowed = 1 };
	struct card_t1 c;
	struct rd r = { .c = &c };
	uint8_t b[T1_MAX_BLOCK], o[T1_MAX_BLOCK];
	static const uint8_t nop[] = { 0, CARD_INS_NOP, 0, 0 };
	size_t n;

	card_t1_init(&c, &st, &f, 32, 0);
	n = rd_mk(&r, b, 0x00, nop, 4);
	b[n - 1] ^= 1;
	n = card_t1_block(&c, b, n, o);
	OK(n == 4 && o[1] == 0x81, "bad LRC: R-block error 1 (%02X)", o[1]);
	n = rd_mk(&r, b, 0x00, nop, 4);
	n = card_t1_block(&c, b, n - 1, o);
	OK(n == 4 && o[1] == 0x82, "short block: R-block error 2 (%02X)", o[1]);
	n = rd_mk(&r, b, 0x00, nop, 4);
	n = card_t1_block(&c, b, n, o);
	OK(n == 6 && o[1] == 0x00 && o[3] == 0x90, "I(0) NOP: I(0) 90 00");
	n = rd_mk(&r, b, 0x00, nop, 4);
	n = card_t1_block(&c, b, n, o);
	OK(n == 6 && o[1] == 0x00, "repeated I(0): last block again");
	n = rd_mk(&r, b, 0x90, NULL, 0);
	n = card_t1_block(&c, b, n, o);
	OK(n == 6 && o[1] == 0x00, "R(1) after our I(0): I(0) again");
	n = rd_mk(&r, b, 0xC0, NULL, 0);
	n = card_t1_block(&c, b, n, o);
	OK(n == 4 && o[1] == 0xE0 && c.ns == 0 && c.nr == 0,
	   "RESYNCH: E0, sequence numbers 0");
	n = rd_mk(&r, b, 0xC3, (const uint8_t *)"\x01", 1);
	n = card_t1_block(&c, b, n, o);
	OK(n == 4 && o[1] == 0x82, "S(WTX request) from the reader: error 2");
	n = rd_mk(&r, b, 0x00, nop, 4);
	b[0] = 0x12;
	n = rd_mk(&r, b, 0x00, nop, 4);
	card_t1_free(&c);
}

int main(void)
{
	printf("TAP version 13\n");
	test_edc();
	test_applet();
	test_pin();
	test_t0();
	test_t1();
	test_t1_rules();
	printf("1..%d\n", tn);
	return failed ? 1 : 0;
}
