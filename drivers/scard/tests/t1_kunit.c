// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the T=1 block protocol engine (drivers/scard/t1.c).
 *
 * The engine is driven through a scripted card: each step names the block
 * the engine must send (NAD PCB LEN INF; the fake appends the EDC with its
 * own LRC and CRC code and compares every byte) and the block the card
 * gives back (the fake appends the EDC, or a wrong one), or the error the
 * block function returns instead (-ETIMEDOUT for a lost block). Each step
 * also checks the waiting time passed to the block function.
 *
 * The "annex" tests follow the scenario patterns of ISO/IEC 7816-3 annex A
 * (exchanges written as I(N(S), M), R(N(R)), S(...)); they are
 * reconstructions of those patterns, not copies of the annex.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard.h>
#include <linux/scard_t1.h>
#include <linux/string.h>

#include "scard_kunit.h"

#define T1_BWT		1500

#define T1_BYTES(...)	((const u8[]){ __VA_ARGS__ })
#define T1_NBYTES(...)	sizeof((const u8[]){ __VA_ARGS__ })
/* A block without its EDC: NAD 00, PCB, LEN counted, INF. */
#define T1_BLK(pcb, ...) T1_BYTES(0x00, pcb, T1_NBYTES(__VA_ARGS__), \
				  __VA_ARGS__)
/* What the engine must send, and what the card answers. */
#define TX(pcb, ...)	.tx = T1_BLK(pcb, __VA_ARGS__), \
			.tx_len = 3 + T1_NBYTES(__VA_ARGS__)
#define TX0(pcb)	.tx = T1_BYTES(0x00, pcb, 0x00), .tx_len = 3
#define RX(pcb, ...)	.rx = T1_BLK(pcb, __VA_ARGS__), \
			.rx_len = 3 + T1_NBYTES(__VA_ARGS__)
#define RX0(pcb)	.rx = T1_BYTES(0x00, pcb, 0x00), .rx_len = 3
/* Bytes given back exactly as written (no EDC appended). */
#define RXRAW(...)	.rx = T1_BYTES(__VA_ARGS__), \
			.rx_len = T1_NBYTES(__VA_ARGS__), .rx_raw = true

struct t1_step {
	const u8 *tx;		/* expected block, EDC excluded */
	size_t tx_len;
	const u8 *rx;		/* card's block, EDC excluded unless rx_raw */
	size_t rx_len;
	int err;		/* returned by the block function instead */
	unsigned int timeout;	/* expected waiting time, 0: T1_BWT */
	bool rx_bad_edc;	/* the card's EDC is wrong */
	bool rx_raw;
	bool rx_overlong;	/* the block function claims too many bytes */
};

struct t1_script {
	struct kunit *test;
	const struct t1_step *steps;
	size_t n_steps;
	size_t done;
	bool crc;
	u8 nad;			/* expected NAD in our blocks */
	bool repeat_last;	/* the last step answers every further block */
};

/* Append the EDC, computed independently of the code under test. */
static size_t t1_test_edc(u8 *buf, size_t len, bool crc)
{
	size_t i;
	int bit;

	if (crc) {
		u16 c = 0;

		for (i = 0; i < len; i++) {
			c ^= buf[i];
			for (bit = 0; bit < 8; bit++)
				c = (c >> 1) ^ ((c & 1) ? 0xa001 : 0);
		}
		buf[len] = c >> 8;
		buf[len + 1] = c;
		return len + 2;
	}
	buf[len] = 0;
	for (i = 0; i < len; i++)
		buf[len] ^= buf[i];
	return len + 1;
}

static int t1_fake(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
		   size_t rx_size, size_t *rx_len, unsigned int timeout_ms)
{
	struct t1_script *s = ctx;
	struct kunit *test = s->test;
	const struct t1_step *st;
	u8 exp[SCARD_T1_MAX_BLOCK + 8];
	size_t i = s->done++;
	size_t len;

	if (s->repeat_last && i >= s->n_steps)
		i = s->n_steps - 1;
	if (i >= s->n_steps) {
		KUNIT_FAIL(test, "unexpected block %zu: %*ph", i,
			   (int)min_t(size_t, tx_len, 64), tx);
		return -ENODEV;	/* end the exchange without leaking */
	}
	st = &s->steps[i];

	memcpy(exp, st->tx, st->tx_len);
	exp[0] = s->nad;
	len = t1_test_edc(exp, st->tx_len, s->crc);
	KUNIT_EXPECT_EQ_MSG(test, tx_len, len, "block %zu length", i);
	if (tx_len == len)
		KUNIT_EXPECT_MEMEQ_MSG(test, tx, exp, len, "block %zu", i);
	KUNIT_EXPECT_EQ_MSG(test, timeout_ms, st->timeout ?: T1_BWT,
			    "block %zu waiting time", i);
	KUNIT_EXPECT_GE(test, rx_size, SCARD_T1_MAX_BLOCK);
	if (st->err)
		return st->err;

	if (st->rx_len)
		memcpy(rx, st->rx, st->rx_len);
	len = st->rx_raw ? st->rx_len : t1_test_edc(rx, st->rx_len, s->crc);
	if (st->rx_bad_edc && len)
		rx[len - 1] ^= 0x01;
	if (st->rx_overlong) {
		/* Not even the part that fits would pass for a block. */
		memset(rx, 0x5a, rx_size);
		len = rx_size + 1;
	}
	*rx_len = len;
	return 0;
}

/* A T=1 state as SET_PROTOCOL would leave it. */
static void t1_setup(struct scard_t1 *t1, u8 ifsc, u8 ifsd, bool crc,
		     bool suppress_ifs)
{
	struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T1,
		.ifsc = ifsc,
		.ifsd = ifsd,
		.edc_crc = crc,
	};

	memset(t1, 0, sizeof(*t1));
	scard_t1_init(t1, &p, T1_BWT, suppress_ifs);
}

static int t1_run_script(struct kunit *test, struct scard_t1 *t1,
			 const struct t1_step *steps, size_t n_steps,
			 bool repeat_last, size_t expect_done,
			 const u8 *apdu, size_t apdu_len, u8 *resp,
			 size_t resp_size, size_t *resp_len)
{
	struct t1_script s = {
		.test = test,
		.steps = steps,
		.n_steps = n_steps,
		.crc = t1->edc_crc,
		.nad = t1->nad,
		.repeat_last = repeat_last,
	};
	int ret;

	ret = scard_t1_transceive(t1, t1_fake, &s, apdu, apdu_len, resp,
				  resp_size, resp_len);
	KUNIT_EXPECT_EQ_MSG(test, s.done, expect_done, "blocks exchanged");
	return ret;
}

/* Run @apdu against all @steps_size bytes of @steps. */
static int t1_run(struct kunit *test, struct scard_t1 *t1,
		  const struct t1_step *steps, size_t steps_size,
		  const u8 *apdu, size_t apdu_len, u8 *resp, size_t resp_size,
		  size_t *resp_len)
{
	size_t n = steps_size / sizeof(*steps);

	return t1_run_script(test, t1, steps, n, false, n, apdu, apdu_len,
			     resp, resp_size, resp_len);
}

/* @steps, @apdu and @resp are arrays. */
#define RUN(t1, steps, apdu, resp, resp_len) \
	t1_run(test, t1, steps, sizeof(steps), apdu, sizeof(apdu), resp, \
	       sizeof(resp), resp_len)

static const u8 t1_select[] = { 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00 };
static const u8 t1_ok[] = { 0x90, 0x00 };

/* ---- runtime scripts for long exchanges ---- */

struct t1_builder {
	struct kunit *test;
	struct t1_step *steps;
	size_t n;
	size_t cap;
};

static void t1_builder_init(struct kunit *test, struct t1_builder *b,
			    size_t cap)
{
	b->test = test;
	b->n = 0;
	b->cap = cap;
	b->steps = kunit_kcalloc(test, cap, sizeof(*b->steps), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->steps);
}

static const u8 *t1_block(struct kunit *test, u8 pcb, const u8 *inf,
			  size_t len)
{
	u8 *p = kunit_kzalloc(test, 3 + len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p[1] = pcb;
	p[2] = len;
	if (len)
		memcpy(p + 3, inf, len);
	return p;
}

/* One step: we send @tpcb with @tinf, the card answers @rpcb with @rinf. */
static void t1_add(struct t1_builder *b, u8 tpcb, const u8 *tinf,
		   size_t tlen, u8 rpcb, const u8 *rinf, size_t rlen)
{
	struct t1_step *st;

	KUNIT_ASSERT_LT(b->test, b->n, b->cap);
	st = &b->steps[b->n++];
	st->tx = t1_block(b->test, tpcb, tinf, tlen);
	st->tx_len = 3 + tlen;
	st->rx = t1_block(b->test, rpcb, rinf, rlen);
	st->rx_len = 3 + rlen;
}

static u8 *t1_pattern(struct kunit *test, size_t len, u8 seed)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = seed + i * 7;
	return buf;
}

/* ---- codec ---- */

static void scard_t1_lrc_vectors(struct kunit *test)
{
	static const u8 ifs[] = { 0x00, 0xc1, 0x01, 0xfe };
	static const u8 ff[] = { 0xff, 0x0f, 0xf0 };

	KUNIT_EXPECT_EQ(test, scard_t1_lrc(ifs, sizeof(ifs)), 0x3e);
	KUNIT_EXPECT_EQ(test, scard_t1_lrc(ff, sizeof(ff)), 0x00);
	KUNIT_EXPECT_EQ(test, scard_t1_lrc(ff, 2), 0xf0);
	KUNIT_EXPECT_EQ(test, scard_t1_lrc(ff, 0), 0x00);
}

static void scard_t1_crc_windows_example(struct kunit *test)
{
	static const u8 ifs[] = { 0x00, 0xc1, 0x01, 0xfe };

	KUNIT_EXPECT_EQ(test, scard_t1_crc(ifs, sizeof(ifs)), 0xecd1);
}

static void scard_t1_crc_vectors(struct kunit *test)
{
	static const u8 check[] = "123456789";
	static const u8 one[] = { 0x01 };

	/* CRC-16 reflected 0xA001, initial 0: the "ARC" check value. */
	KUNIT_EXPECT_EQ(test, scard_t1_crc(check, 9), 0xbb3d);
	KUNIT_EXPECT_EQ(test, scard_t1_crc(one, 1), 0xc0c1);
	KUNIT_EXPECT_EQ(test, scard_t1_crc(check, 0), 0x0000);
}

static void scard_t1_build_block_lrc(struct kunit *test)
{
	static const u8 inf[] = { 0xfe };
	u8 buf[8];

	KUNIT_ASSERT_EQ(test, scard_t1_build_block(buf, sizeof(buf), 0x00,
						   0xc1, inf, 1, false), 5);
	KUNIT_EXPECT_MEMEQ(test, buf, T1_BYTES(0x00, 0xc1, 0x01, 0xfe, 0x3e),
			   5);
}

static void scard_t1_build_block_crc(struct kunit *test)
{
	static const u8 inf[] = { 0xfe };
	u8 buf[8];

	KUNIT_ASSERT_EQ(test, scard_t1_build_block(buf, sizeof(buf), 0x00,
						   0xc1, inf, 1, true), 6);
	KUNIT_EXPECT_MEMEQ(test, buf,
			   T1_BYTES(0x00, 0xc1, 0x01, 0xfe, 0xec, 0xd1), 6);
}

static void scard_t1_build_block_nad_empty_inf(struct kunit *test)
{
	u8 buf[4];

	KUNIT_ASSERT_EQ(test, scard_t1_build_block(buf, sizeof(buf), 0x21,
						   0x90, NULL, 0, false), 4);
	KUNIT_EXPECT_MEMEQ(test, buf, T1_BYTES(0x21, 0x90, 0x00, 0xb1), 4);
}

static void scard_t1_build_block_bad_size(struct kunit *test)
{
	u8 inf[SCARD_T1_MAX_INF + 1] = { 0 };
	u8 buf[SCARD_T1_MAX_BLOCK + 1];

	KUNIT_EXPECT_EQ(test, scard_t1_build_block(buf, 4, 0, 0, inf, 1,
						   false), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, scard_t1_build_block(buf, 5, 0, 0, inf, 1,
						   true), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, scard_t1_build_block(buf, sizeof(buf), 0, 0,
						   inf, sizeof(inf), false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_build_block(buf, sizeof(buf), 0, 0,
						   NULL, 1, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_t1_build_block(buf, sizeof(buf), 0, 0,
						   inf, SCARD_T1_MAX_INF, true),
			SCARD_T1_MAX_BLOCK);
}

struct t1_codec_vec {
	const char *name;
	size_t inf_len;
	bool crc;
};

static const struct t1_codec_vec t1_codec_vecs[] = {
	{ "lrc_empty", 0, false },
	{ "lrc_one", 1, false },
	{ "lrc_254", 254, false },
	{ "crc_empty", 0, true },
	{ "crc_one", 1, true },
	{ "crc_254", 254, true },
};

static void t1_codec_desc(const struct t1_codec_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t1_codec, t1_codec_vecs, t1_codec_desc);

static void scard_t1_parse_block_round_trip(struct kunit *test)
{
	const struct t1_codec_vec *v = test->param_value;
	const u8 *inf = t1_pattern(test, SCARD_T1_MAX_INF, 0x31);
	u8 buf[SCARD_T1_MAX_BLOCK];
	const u8 *pinf;
	size_t plen;
	u8 nad, pcb;
	int len;

	len = scard_t1_build_block(buf, sizeof(buf), 0x12, 0x40 | 0x20, inf,
				   v->inf_len, v->crc);
	KUNIT_ASSERT_EQ(test, len, 3 + v->inf_len + (v->crc ? 2 : 1));
	KUNIT_ASSERT_EQ(test, scard_t1_parse_block(buf, len, v->crc, &nad,
						   &pcb, &pinf, &plen), 0);
	KUNIT_EXPECT_EQ(test, nad, 0x12);
	KUNIT_EXPECT_EQ(test, pcb, 0x60);
	KUNIT_EXPECT_EQ(test, plen, v->inf_len);
	KUNIT_EXPECT_PTR_EQ(test, pinf, (const u8 *)buf + 3);
	KUNIT_EXPECT_MEMEQ(test, pinf, inf, v->inf_len);
	/* The other EDC does not match. */
	KUNIT_EXPECT_NE(test, scard_t1_parse_block(buf, len, !v->crc, NULL,
						   NULL, NULL, NULL), 0);
}

static void scard_t1_parse_block_bad_edc(struct kunit *test)
{
	u8 lrc[] = { 0x00, 0x00, 0x02, 0x90, 0x00, 0x92 };
	u8 crc[] = { 0x00, 0xc1, 0x01, 0xfe, 0xec, 0xd1 };

	KUNIT_ASSERT_EQ(test, scard_t1_parse_block(lrc, sizeof(lrc), false,
						   NULL, NULL, NULL, NULL), 0);
	KUNIT_ASSERT_EQ(test, scard_t1_parse_block(crc, sizeof(crc), true,
						   NULL, NULL, NULL, NULL), 0);
	lrc[5] ^= 0x80;
	crc[4] ^= 0x01;
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(lrc, sizeof(lrc), false,
						   NULL, NULL, NULL, NULL),
			-EBADMSG);
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(crc, sizeof(crc), true,
						   NULL, NULL, NULL, NULL),
			-EBADMSG);
	crc[4] ^= 0x01;
	crc[5] ^= 0x01;
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(crc, sizeof(crc), true,
						   NULL, NULL, NULL, NULL),
			-EBADMSG);
}

static void scard_t1_parse_block_malformed(struct kunit *test)
{
	/* EDCs right, lengths wrong. */
	static const u8 len_long[] = { 0x00, 0x00, 0x03, 0x90, 0x00, 0x93 };
	static const u8 len_short[] = { 0x00, 0x00, 0x01, 0x90, 0x00, 0x91 };
	static const u8 len_ff[] = { 0x00, 0x00, 0xff, 0xff };
	static const u8 two[] = { 0x00, 0x00 };
	static const u8 lrc_only[] = { 0x00, 0x90, 0x00, 0x90 };

	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(len_long, sizeof(len_long),
						   false, NULL, NULL, NULL,
						   NULL), -EPROTO);
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(len_short,
						   sizeof(len_short), false,
						   NULL, NULL, NULL, NULL),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(len_ff, sizeof(len_ff),
						   false, NULL, NULL, NULL,
						   NULL), -EPROTO);
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(two, sizeof(two), false,
						   NULL, NULL, NULL, NULL),
			-EPROTO);
	/* Four bytes: a whole LRC block, but too short for a CRC one. */
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(lrc_only, 4, false, NULL,
						   NULL, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(lrc_only, 4, true, NULL,
						   NULL, NULL, NULL), -EPROTO);
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(NULL, 4, false, NULL,
						   NULL, NULL, NULL), -EPROTO);
}

/* LEN 0xFF is RFU even when 255 bytes follow. */
static void scard_t1_parse_block_len_ff(struct kunit *test)
{
	u8 *buf = kunit_kzalloc(test, 3 + 255 + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	buf[2] = 0xff;
	buf[3 + 255] = 0xff;	/* the LRC */
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(buf, 3 + 255 + 1, false,
						   NULL, NULL, NULL, NULL),
			-EPROTO);
	buf[2] = 0xfe;
	buf[3 + 254] = 0xfe;
	KUNIT_EXPECT_EQ(test, scard_t1_parse_block(buf, 3 + 254 + 1, false,
						   NULL, NULL, NULL, NULL), 0);
}

static void scard_t1_init_defaults(struct kunit *test)
{
	struct scard_params p = { .ifsc = 0xff, .ifsd = 0, .edc_crc = true };
	struct scard_t1 t1;

	memset(&t1, 0xaa, sizeof(t1));
	t1.retransmissions = 1;
	t1.resynchs = 2;
	t1.wtx = 3;
	t1.errors = 4;
	scard_t1_init(&t1, &p, 321, false);
	KUNIT_EXPECT_EQ(test, t1.ns, 0);
	KUNIT_EXPECT_EQ(test, t1.nr, 0);
	KUNIT_EXPECT_EQ(test, t1.ifsc, 32);
	KUNIT_EXPECT_EQ(test, t1.ifsd, 32);
	KUNIT_EXPECT_EQ(test, t1.nad, 0);
	KUNIT_EXPECT_TRUE(test, t1.edc_crc);
	KUNIT_EXPECT_TRUE(test, t1.ifs_pending);
	KUNIT_EXPECT_FALSE(test, t1.broken);
	KUNIT_EXPECT_EQ(test, t1.bwt_ms, 321);
	/* Statistics only grow. */
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 1);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 2);
	KUNIT_EXPECT_EQ(test, t1.wtx, 3);
	KUNIT_EXPECT_EQ(test, t1.errors, 4);

	p.ifsc = 16;
	p.ifsd = 254;
	p.edc_crc = false;
	scard_t1_init(&t1, &p, 321, true);
	KUNIT_EXPECT_EQ(test, t1.ifsc, 16);
	KUNIT_EXPECT_EQ(test, t1.ifsd, 254);
	KUNIT_EXPECT_FALSE(test, t1.edc_crc);
	KUNIT_EXPECT_FALSE(test, t1.ifs_pending);

	scard_t1_init(&t1, NULL, 0, true);
	KUNIT_EXPECT_EQ(test, t1.ifsc, 32);
	KUNIT_EXPECT_EQ(test, t1.ifsd, 32);
	KUNIT_EXPECT_FALSE(test, t1.edc_crc);
}

/* ---- exchanges ---- */

/* Annex A pattern: I(0,0) / I(0,0), then I(1,0) / I(1,0). */
static void scard_t1_transceive_annex_simple(struct kunit *test)
{
	static const u8 apdu2[] = { 0x00, 0xb0, 0x00, 0x00, 0x02 };
	const struct t1_step first[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	const struct t1_step second[] = {
		{ TX(0x40, 0x00, 0xb0, 0x00, 0x00, 0x02),
		  RX(0x40, 0x12, 0x34, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, first, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, t1_ok, 2);
	KUNIT_EXPECT_EQ(test, t1.ns, 1);
	KUNIT_EXPECT_EQ(test, t1.nr, 1);

	KUNIT_ASSERT_EQ(test, RUN(&t1, second, apdu2, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, T1_BYTES(0x12, 0x34, 0x90, 0x00), 4);
	KUNIT_EXPECT_EQ(test, t1.ns, 0);
	KUNIT_EXPECT_EQ(test, t1.nr, 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions + t1.errors + t1.wtx +
			t1.resynchs, 0);
}

/* S(IFS request) with IFSD goes first, once: 00 C1 01 FE 3E. */
static void scard_t1_transceive_ifs_request_first(struct kunit *test)
{
	const struct t1_step first[] = {
		{ TX(0xc1, 0xfe), RX(0xe1, 0xfe) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	const struct t1_step second[] = {
		{ TX(0x40, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x40, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, false);
	KUNIT_ASSERT_EQ(test, RUN(&t1, first, t1_select, resp, &len), 0);
	KUNIT_EXPECT_FALSE(test, t1.ifs_pending);
	KUNIT_EXPECT_EQ(test, t1.ifsd, 254);
	KUNIT_ASSERT_EQ(test, RUN(&t1, second, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
}

/* The request carries the IFSD of the parameters. */
static void scard_t1_transceive_ifs_request_ifsd(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0xc1, 0x80), RX(0xe1, 0x80) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 0x80, false, false);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
}

static void scard_t1_transceive_ifs_suppressed(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_FALSE(test, t1.ifs_pending);
}

/* An I-block instead of S(IFS response): -EPROTO, as Windows does. */
static void scard_t1_transceive_ifs_answered_by_i_block(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0xc1, 0xfe), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len = 99;

	t1_setup(&t1, 32, 254, false, false);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), -EPROTO);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_TRUE(test, t1.ifs_pending);
	KUNIT_EXPECT_FALSE(test, t1.broken);
}

/* A response with another value, or a lost one: the request again. */
static void scard_t1_transceive_ifs_response_wrong(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0xc1, 0xfe), RX(0xe1, 0x20) },
		{ TX(0xc1, 0xfe), .err = -ETIMEDOUT },
		{ TX(0xc1, 0xfe), RX(0xe1, 0xfe) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, false);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
	KUNIT_EXPECT_EQ(test, t1.errors, 2);
}

/* Our NAD in every block; the card's is not checked. */
static void scard_t1_transceive_nad(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0xc1, 0xfe), RXRAW(0x12, 0xe1, 0x01, 0xfe, 0x0c) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RXRAW(0x12, 0x00, 0x02, 0x90, 0x00, 0x80) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, false);
	t1.nad = 0x21;
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, t1_ok, 2);
}

/* With CRC: 00 C1 01 FE EC D1 and CRC on every block. */
static void scard_t1_transceive_crc(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0xc1, 0xfe), RX(0xe1, 0xfe) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x61, 0x10) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, true, false);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, T1_BYTES(0x61, 0x10), 2);
}

/*
 * Annex A pattern, chaining by the interface device with IFSC 16:
 * I(0,1) / R(1), I(1,1) / R(0), I(0,0) / I(0,0).
 */
static void scard_t1_transceive_send_chaining_ifsc16(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 40, 0x01);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 3);
	t1_add(&b, 0x20, apdu, 16, 0x90, NULL, 0);
	t1_add(&b, 0x60, apdu + 16, 16, 0x80, NULL, 0);
	t1_add(&b, 0x00, apdu + 32, 8, 0x00, t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_ASSERT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 40, resp, sizeof(resp),
					    &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_EQ(test, t1.ns, 1);
	KUNIT_EXPECT_EQ(test, t1.nr, 1);
}

/* IFSC 254: 300 bytes go as 254 + 46. */
static void scard_t1_transceive_send_chaining_ifsc254(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 300, 0x05);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 2);
	t1_add(&b, 0x20, apdu, 254, 0x90, NULL, 0);
	t1_add(&b, 0x40, apdu + 254, 46, 0x00, t1_ok, 2);
	t1_setup(&t1, 254, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 300, resp, sizeof(resp),
					    &len), 0);
}

/* An APDU of exactly IFSC bytes needs no chaining. */
static void scard_t1_transceive_send_exactly_ifsc(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 16, 0x05);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 1);
	t1_add(&b, 0x00, apdu, 16, 0x00, t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 16, resp, sizeof(resp),
					    &len), 0);
}

/* R-block asking for the same chained block again: it is sent again. */
static void scard_t1_transceive_send_chaining_resend(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 20, 0x11);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 4);
	t1_add(&b, 0x20, apdu, 16, 0x81, NULL, 0);	/* R(0), EDC error */
	t1_add(&b, 0x20, apdu, 16, 0x80, NULL, 0);	/* R(0) */
	t1_add(&b, 0x20, apdu, 16, 0x90, NULL, 0);	/* R(1): next */
	t1_add(&b, 0x40, apdu + 16, 4, 0x00, t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 20, resp, sizeof(resp),
					    &len), 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
}

/* The card must acknowledge a chained block with an R-block. */
static void scard_t1_transceive_i_block_during_send_chain(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 20, 0x11);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 3);
	t1_add(&b, 0x20, apdu, 16, 0x00, t1_ok, 2);
	t1_add(&b, 0x82, NULL, 0, 0x90, NULL, 0);
	t1_add(&b, 0x40, apdu + 16, 4, 0x00, t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 20, resp, sizeof(resp),
					    &len), 0);
}

/*
 * Annex A pattern, chaining by the card: I(0,0) / I(0,1), R(1) / I(1,1),
 * R(0) / I(0,0).
 */
static void scard_t1_transceive_receive_chaining(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x20, 0x01, 0x02, 0x03) },
		{ TX0(0x90), RX(0x60, 0x04, 0x05) },
		{ TX0(0x80), RX(0x00, 0x06, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 8);
	KUNIT_EXPECT_MEMEQ(test, resp, T1_BYTES(0x01, 0x02, 0x03, 0x04, 0x05,
						0x06, 0x90, 0x00), 8);
	KUNIT_EXPECT_EQ(test, t1.ns, 1);
	KUNIT_EXPECT_EQ(test, t1.nr, 1);
}

/* A card block longer than IFSD is invalid. */
static void scard_t1_transceive_i_block_over_ifsd(struct kunit *test)
{
	const u8 *data = t1_pattern(test, 33, 0x40);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[64];
	size_t len;

	t1_builder_init(test, &b, 2);
	t1_add(&b, 0x00, t1_select, sizeof(t1_select), 0x00, data, 33);
	t1_add(&b, 0x82, NULL, 0, 0x00, data, 32);
	t1_setup(&t1, 32, 32, false, true);
	KUNIT_ASSERT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, t1_select, sizeof(t1_select),
					    resp, sizeof(resp), &len), 0);
	KUNIT_EXPECT_EQ(test, len, 32);
}

/*
 * Errors spread over a chained response: each block that arrives intact
 * starts the retransmission count afresh, so no resynchronisation.
 */
static void scard_t1_transceive_receive_errors_spread(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x20, 0x01), .rx_bad_edc = true },
		{ TX0(0x81), RX(0x20, 0x01), .rx_bad_edc = true },
		{ TX0(0x81), RX(0x20, 0x01) },
		{ TX0(0x90), RX(0x60, 0x02), .rx_bad_edc = true },
		{ TX0(0x91), .err = -ETIMEDOUT },
		{ TX0(0x92), RX(0x60, 0x02) },
		{ TX0(0x80), RX(0x00, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0x81), RX(0x00, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0x81), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, T1_BYTES(0x01, 0x02, 0x90, 0x00), 4);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 6);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 0);
}

/* The same when sending: every acknowledged block starts afresh. */
static void scard_t1_transceive_send_errors_spread(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 40, 0x09);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 9);
	t1_add(&b, 0x20, apdu, 16, 0x80, NULL, 0);
	t1_add(&b, 0x20, apdu, 16, 0x81, NULL, 0);
	t1_add(&b, 0x20, apdu, 16, 0x90, NULL, 0);
	t1_add(&b, 0x60, apdu + 16, 16, 0x92, NULL, 0);
	t1_add(&b, 0x60, apdu + 16, 16, 0x90, NULL, 0);
	t1_add(&b, 0x60, apdu + 16, 16, 0x80, NULL, 0);
	t1_add(&b, 0x00, apdu + 32, 8, 0x80, NULL, 0);
	t1_add(&b, 0x00, apdu + 32, 8, 0x81, NULL, 0);
	t1_add(&b, 0x00, apdu + 32, 8, 0x00, t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_ASSERT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 40, resp, sizeof(resp),
					    &len), 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 6);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 0);
}

/* Annex A pattern: S(WTX request) / S(WTX response), longer wait. */
static void scard_t1_transceive_wtx(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0xc3, 0x05) },
		{ TX(0xe3, 0x05), RX(0x20, 0x01), .timeout = 5 * T1_BWT },
		{ TX0(0x90), RX(0x40, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 3);
	KUNIT_EXPECT_EQ(test, t1.wtx, 1);
	KUNIT_EXPECT_EQ(test, t1.errors, 0);
}

/* The multiplied wait may exceed what 32 bits hold: it saturates. */
static void scard_t1_transceive_wtx_saturates(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0xc3, 0xff), .timeout = UINT_MAX / 2 },
		{ TX(0xe3, 0xff), RX(0x00, 0x90, 0x00), .timeout = UINT_MAX },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	t1.bwt_ms = UINT_MAX / 2;
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
}

/* A card that asks for more time forever is given up on. */
static void scard_t1_transceive_wtx_forever(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0xc3, 0x01) },
		{ TX(0xe3, 0x01), RX(0xc3, 0x01) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, steps,
					    ARRAY_SIZE(steps), true, 1025,
					    t1_select, sizeof(t1_select), resp,
					    sizeof(resp), &len), -EPROTO);
	KUNIT_EXPECT_EQ(test, t1.wtx, 1024);
}

/* S(WTX request) without its byte, or with 0, is invalid. */
static void scard_t1_transceive_wtx_invalid(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX0(0xc3) },
		{ TX0(0x82), RX(0xc3, 0x00) },
		{ TX0(0x82), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.wtx, 0);
}

struct t1_card_ifs_vec {
	const char *name;
	u8 ifs;			/* the card's S(IFS request) */
	u32 max_msg;		/* the reader's caps.max_msg, 0: no limit */
	size_t apdu_len;
};

static const struct t1_card_ifs_vec t1_card_ifs_vecs[] = {
	/* Annex A pattern: the next blocks use the card's new IFSC. */
	{ "raises_ifsc", 0x20, 0, 60 },
	/*
	 * A reader that carries small messages: the card's IFSC stands, but
	 * our I-blocks stay within what the reader carries (max_inf 16).
	 */
	{ "over_max_inf", 0xfe, 21, 40 },
};

static void t1_card_ifs_desc(const struct t1_card_ifs_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t1_card_ifs, t1_card_ifs_vecs, t1_card_ifs_desc);

/*
 * The card sends S(IFS request) in answer to the first of our chained
 * I-blocks (IFSC 16); we answer it, and send the rest in blocks of the
 * new IFSC, or of what the reader carries if that is less.
 */
static void scard_t1_transceive_card_ifs(struct kunit *test)
{
	const struct t1_card_ifs_vec *v = test->param_value;
	const u8 *apdu = t1_pattern(test, v->apdu_len, 0x21);
	u8 fit = min(v->ifs, scard_t1_max_inf(v->max_msg));
	size_t second = min_t(size_t, fit, v->apdu_len - 16);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	/* The script has room for two blocks after the first. */
	KUNIT_ASSERT_GT(test, v->apdu_len - 16 - second, 0);
	KUNIT_ASSERT_LE(test, v->apdu_len - 16 - second, fit);
	t1_builder_init(test, &b, 4);
	t1_add(&b, 0x20, apdu, 16, 0xc1, &v->ifs, 1);
	t1_add(&b, 0xe1, &v->ifs, 1, 0x90, NULL, 0);
	t1_add(&b, 0x60, apdu + 16, second, 0x80, NULL, 0);
	t1_add(&b, 0x00, apdu + 16 + second, v->apdu_len - 16 - second, 0x00,
	       t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	t1.max_inf = scard_t1_max_inf(v->max_msg);
	KUNIT_ASSERT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, v->apdu_len, resp,
					    sizeof(resp), &len), 0);
	KUNIT_EXPECT_EQ(test, t1.ifsc, v->ifs);
}

static void scard_t1_max_inf_vectors(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(0), 254);
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(259), 254);
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(258), 253);
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(64), 59);
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(21), 16);
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(6), 1);
	KUNIT_EXPECT_EQ(test, scard_t1_max_inf(1), 1);
}

/* S(IFS request) with 0 or 255 is an error; IFSC stays. */
static void scard_t1_transceive_card_ifs_out_of_range(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0xc1, 0xff) },
		{ TX0(0x82), RX(0xc1, 0x00) },
		{ TX0(0x82), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.ifsc, 32);
}

/* S(ABORT request): S(ABORT response), then -ECANCELED. */
static void scard_t1_transceive_abort(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 40, 0x21);
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len = 99;

	t1_builder_init(test, &b, 2);
	t1_add(&b, 0x20, apdu, 16, 0xc2, NULL, 0);
	t1_add(&b, 0xe2, NULL, 0, 0x80, NULL, 0);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 40, resp, sizeof(resp),
					    &len), -ECANCELED);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_FALSE(test, t1.broken);
}

static void scard_t1_transceive_vpp_error(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX0(0xe4) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), -EIO);
}

/* Annex A pattern: a block with a bad EDC, R(0) with error 1: 81. */
static void scard_t1_transceive_bad_edc_lrc(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0x81), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 1);
	KUNIT_EXPECT_EQ(test, t1.errors, 1);
}

/* With CRC and N(R) 1: 91. */
static void scard_t1_transceive_bad_edc_crc(struct kunit *test)
{
	const struct t1_step first[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	const struct t1_step second[] = {
		{ TX(0x40, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x40, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0x91), RX(0x40, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, true, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, first, t1_select, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, RUN(&t1, second, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 1);
}

/* Parity errors reported by the block function count as EDC errors. */
static void scard_t1_transceive_parity_error(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  .err = -EBADMSG },
		{ TX0(0x81), .err = -EPROTO },
		{ TX0(0x82), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
}

struct t1_bad_vec {
	const char *name;
	struct t1_step step;
};

/* Each answer to our I(0,0) must bring R(0) with error 2: 82. */
static const struct t1_bad_vec t1_bad_vecs[] = {
	{ "len_too_long", { RXRAW(0x00, 0x00, 0x03, 0x90, 0x00, 0x93) } },
	{ "len_too_short", { RXRAW(0x00, 0x00, 0x01, 0x90, 0x00, 0x91) } },
	{ "len_ff", { RXRAW(0x00, 0x00, 0xff, 0xff) } },
	{ "two_bytes", { RXRAW(0x00, 0x00) } },
	{ "nothing", { .rx_raw = true } },
	{ "wrong_ns", { RX(0x40, 0x90, 0x00) } },
	{ "i_rfu_bits", { RX(0x01, 0x90, 0x00) } },
	{ "r_with_inf", { RX(0x80, 0x00) } },
	{ "r_rfu_bit", { RX0(0xa0) } },
	{ "r_rfu_error", { RX0(0x83) } },
	{ "r_acks_last_block", { RX0(0x90) } },
	{ "s_rfu_c4", { RX0(0xc4) } },
	{ "s_resynch_request", { RX0(0xc0) } },
	{ "s_unsolicited_e3", { RX(0xe3, 0x01) } },
	{ "s_unsolicited_e1", { RX(0xe1, 0x20) } },
	{ "s_unsolicited_e0", { RX0(0xe0) } },
	{ "s_ff", { RX0(0xff) } },
	{ "too_big", { .err = -EOVERFLOW } },
	{ "rx_len_over_size", { RX(0x00, 0x90, 0x00), .rx_overlong = true } },
	{ "lost", { .err = -ETIMEDOUT } },
};

static void t1_bad_desc(const struct t1_bad_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t1_bad, t1_bad_vecs, t1_bad_desc);

static void scard_t1_transceive_invalid_block(struct kunit *test)
{
	const struct t1_bad_vec *v = test->param_value;
	struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00) },
		{ TX0(0x82), RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	steps[0].rx = v->step.rx;
	steps[0].rx_len = v->step.rx_len;
	steps[0].rx_raw = v->step.rx_raw;
	steps[0].err = v->step.err;
	steps[0].rx_overlong = v->step.rx_overlong;
	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 1);
	KUNIT_EXPECT_EQ(test, t1.errors, 1);
	KUNIT_EXPECT_EQ(test, t1.ns, 1);
	KUNIT_EXPECT_EQ(test, t1.nr, 1);
}

/*
 * Annex A pattern, our I-block lost: BWT time-out, R(0) / R(0) from the
 * card asking for it, I(0,0) again / I(0,0).
 */
static void scard_t1_transceive_lost_i_block(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  .err = -ETIMEDOUT },
		{ TX0(0x82), RX0(0x80) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
}

/* The card's answer to our R-block lost: the R-block again. */
static void scard_t1_transceive_lost_chained_block(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x20, 0x01) },
		{ TX0(0x90), .err = -ETIMEDOUT },
		{ TX0(0x92), RX(0x40, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 3);
}

/* The card missed our R-block and asks again: the R-block again. */
static void scard_t1_transceive_card_r_resends_r(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x20, 0x01) },
		{ TX0(0x90), RX0(0x82) },
		{ TX0(0x90), RX(0x40, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 3);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 1);
}

/* A card R-block with an error: our last I-block again. */
static void scard_t1_transceive_card_r_error(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX0(0x81) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX0(0x82) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 0);
}

/*
 * Annex A pattern, resynchronisation: three bad answers (two
 * retransmissions), S(RESYNCH request) / S(RESYNCH response), then the
 * APDU again from N(S) 0.
 */
static void scard_t1_transceive_resynch(struct kunit *test)
{
	const struct t1_step first[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	const struct t1_step second[] = {
		{ TX(0x40, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x40, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0x91), RX(0x40, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0x91), RX(0x40, 0x90, 0x00), .rx_bad_edc = true },
		{ TX0(0xc0), RX0(0xe0) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x6a, 0x82) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, first, t1_select, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, RUN(&t1, second, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, T1_BYTES(0x6a, 0x82), 2);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 1);
	KUNIT_EXPECT_EQ(test, t1.errors, 3);
	KUNIT_EXPECT_EQ(test, t1.ns, 1);
	KUNIT_EXPECT_EQ(test, t1.nr, 1);
	KUNIT_EXPECT_FALSE(test, t1.broken);
}

/* After resynchronisation a chained APDU restarts at its first block. */
static void scard_t1_transceive_resynch_restarts_chain(struct kunit *test)
{
	const u8 *apdu = t1_pattern(test, 20, 0x61);
	static const u8 part[] = { 0x01 };
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_builder_init(test, &b, 8);
	t1_add(&b, 0x20, apdu, 16, 0x90, NULL, 0);
	t1_add(&b, 0x40, apdu + 16, 4, 0x20, part, 1);	/* I(0,1) */
	/* Three answers with a bad EDC. */
	t1_add(&b, 0x90, NULL, 0, 0x40, t1_ok, 2);
	b.steps[b.n - 1].rx_bad_edc = true;
	t1_add(&b, 0x91, NULL, 0, 0x40, t1_ok, 2);
	b.steps[b.n - 1].rx_bad_edc = true;
	t1_add(&b, 0x91, NULL, 0, 0x40, t1_ok, 2);
	b.steps[b.n - 1].rx_bad_edc = true;
	t1_add(&b, 0xc0, NULL, 0, 0xe0, NULL, 0);
	t1_add(&b, 0x20, apdu, 16, 0x90, NULL, 0);
	t1_add(&b, 0x40, apdu + 16, 4, 0x00, t1_ok, 2);
	t1_setup(&t1, 16, 254, false, true);
	KUNIT_ASSERT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, 20, resp, sizeof(resp),
					    &len), 0);
	/* The data of the abandoned attempt is gone. */
	KUNIT_EXPECT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, t1_ok, 2);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 1);
}

/* A failed first S(RESYNCH request) is followed by another. */
static void scard_t1_transceive_resynch_second_attempt(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  .err = -ETIMEDOUT },
		{ TX0(0x82), .err = -ETIMEDOUT },
		{ TX0(0x82), .err = -ETIMEDOUT },
		{ TX0(0xc0), .err = -ETIMEDOUT },
		{ TX0(0xc0), RX(0xe0, 0x00) },	/* INF: not a response */
		{ TX0(0xc0), RX0(0xe0) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 3);
	KUNIT_EXPECT_FALSE(test, t1.broken);
}

/* The S(IFS request) is negotiated again after resynchronising there. */
static void scard_t1_transceive_resynch_during_ifs(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0xc1, 0xfe), .err = -ETIMEDOUT },
		{ TX(0xc1, 0xfe), .err = -ETIMEDOUT },
		{ TX(0xc1, 0xfe), .err = -ETIMEDOUT },
		{ TX0(0xc0), RX0(0xe0) },
		{ TX(0xc1, 0xfe), RX(0xe1, 0xfe) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;

	t1_setup(&t1, 32, 254, false, false);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
}

/*
 * Nothing ever answers: two retransmissions, three S(RESYNCH request),
 * -EPROTO, and the state stays broken until scard_t1_init().
 */
static void scard_t1_transceive_unrecoverable(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  .err = -ETIMEDOUT },
		{ TX0(0x82), .err = -ETIMEDOUT },
		{ TX0(0x82), .err = -ETIMEDOUT },
		{ TX0(0xc0), .err = -ETIMEDOUT },
		{ TX0(0xc0), RX(0x00, 0x90, 0x00) },
		{ TX0(0xc0), RX0(0xe0), .rx_bad_edc = true },
	};
	const struct t1_step after_init[] = {
		{ TX(0xc1, 0xfe), RX(0xe1, 0xfe) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_params p = { .ifsc = 32, .ifsd = 254 };
	struct scard_t1 t1;
	u8 resp[16];
	size_t len = 99;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), -EPROTO);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_TRUE(test, t1.broken);
	KUNIT_EXPECT_EQ(test, t1.retransmissions, 2);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 3);
	KUNIT_EXPECT_EQ(test, t1.errors, 6);

	/* No block at all while broken. */
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, steps, 0, false, 0,
					    t1_select, sizeof(t1_select), resp,
					    sizeof(resp), &len), -EPROTO);

	scard_t1_init(&t1, &p, T1_BWT, false);
	KUNIT_EXPECT_FALSE(test, t1.broken);
	KUNIT_EXPECT_EQ(test, RUN(&t1, after_init, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 3);
}

/* Errors again after a successful resynchronisation use up the rest. */
static void scard_t1_transceive_resynch_budget(struct kunit *test)
{
	struct t1_builder b;
	struct scard_t1 t1;
	u8 resp[16];
	size_t len;
	int round;

	t1_builder_init(test, &b, 15);
	for (round = 0; round < 4; round++) {
		t1_add(&b, 0x00, t1_select, sizeof(t1_select), 0, NULL, 0);
		b.steps[b.n - 1].err = -ETIMEDOUT;
		t1_add(&b, 0x82, NULL, 0, 0, NULL, 0);
		b.steps[b.n - 1].err = -ETIMEDOUT;
		t1_add(&b, 0x82, NULL, 0, 0, NULL, 0);
		b.steps[b.n - 1].err = -ETIMEDOUT;
		if (round < 3)
			t1_add(&b, 0xc0, NULL, 0, 0xe0, NULL, 0);
	}
	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, t1_select, sizeof(t1_select),
					    resp, sizeof(resp), &len),
			-EPROTO);
	KUNIT_EXPECT_TRUE(test, t1.broken);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 3);
}

struct t1_fatal_vec {
	const char *name;
	int err;
	bool in_resynch;
};

static const struct t1_fatal_vec t1_fatal_vecs[] = {
	{ "enodev", -ENODEV },
	{ "enomedium", -ENOMEDIUM },
	{ "eintr", -EINTR },
	{ "eio", -EIO },
	{ "enodev_in_resynch", -ENODEV, true },
};

static void t1_fatal_desc(const struct t1_fatal_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(t1_fatal, t1_fatal_vecs, t1_fatal_desc);

/* Block function errors other than the recoverable ones end at once. */
static void scard_t1_transceive_block_fn_error(struct kunit *test)
{
	const struct t1_fatal_vec *v = test->param_value;
	struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  .err = -ETIMEDOUT },
		{ TX0(0x82), .err = -ETIMEDOUT },
		{ TX0(0x82), .err = -ETIMEDOUT },
		{ TX0(0xc0) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len = 99;

	t1_setup(&t1, 32, 254, false, true);
	if (v->in_resynch) {
		steps[3].err = v->err;
		KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len),
				v->err);
	} else {
		steps[0].err = v->err;
		KUNIT_EXPECT_EQ(test, t1_run_script(test, &t1, steps, 1, false,
						    1, t1_select,
						    sizeof(t1_select), resp,
						    sizeof(resp), &len),
				v->err);
	}
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_FALSE(test, t1.broken);
	KUNIT_EXPECT_TRUE(test, t1.resynch_first);
}

/*
 * An exchange cut off by the block function (a signal, close(), the card
 * pulled) leaves the card in the middle of it: the next exchange starts
 * with S(RESYNCH request), then sends the APDU from N(S) = 0.
 */
static void scard_t1_transceive_resynch_after_cut(struct kunit *test)
{
	const struct t1_step cut[] = {
		/* The first block goes out with N(S) = 0, then: fatal signal. */
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  .err = -EINTR },
	};
	const struct t1_step next[] = {
		{ TX0(0xc0), RX0(0xe0) },
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x00, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[16];
	size_t len = 0;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, cut, t1_select, resp, &len), -EINTR);
	KUNIT_EXPECT_EQ(test, RUN(&t1, next, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, sizeof(t1_ok));
	KUNIT_EXPECT_MEMEQ(test, resp, t1_ok, sizeof(t1_ok));
	KUNIT_EXPECT_FALSE(test, t1.resynch_first);
	KUNIT_EXPECT_EQ(test, t1.resynchs, 1);
}

/*
 * The response does not fit: it is still received to the end, and the
 * size needed is reported.
 */
static void scard_t1_transceive_resp_too_small(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x20, 0x01, 0x02, 0x03) },
		{ TX0(0x90), RX(0x60, 0x04, 0x05) },
		{ TX0(0x80), RX(0x00, 0x06, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[4];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_EXPECT_EQ(test, RUN(&t1, steps, t1_select, resp, &len),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, len, 8);
	KUNIT_EXPECT_EQ(test, t1.nr, 1);
}

/* A response of exactly the buffer size fits. */
static void scard_t1_transceive_resp_exact_size(struct kunit *test)
{
	const struct t1_step steps[] = {
		{ TX(0x00, 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00),
		  RX(0x20, 0x01, 0x02) },
		{ TX0(0x90), RX(0x40, 0x90, 0x00) },
	};
	struct scard_t1 t1;
	u8 resp[4];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	KUNIT_ASSERT_EQ(test, RUN(&t1, steps, t1_select, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, T1_BYTES(0x01, 0x02, 0x90, 0x00), 4);
}

/* An extended APDU of 5000 bytes over IFSC 254, its response chained. */
static void scard_t1_transceive_extended_5000(struct kunit *test)
{
	const size_t n = 5000, rn = 3002;
	const u8 *apdu = t1_pattern(test, n, 0x03);
	const u8 *rdata = t1_pattern(test, rn, 0x77);
	struct t1_builder b;
	struct scard_t1 t1;
	size_t off, roff, chunk, len;
	u8 ns = 0, nr = 0;
	u8 *resp;

	resp = kunit_kzalloc(test, SCARD_MAX_SHORT_RESP * 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, resp);
	t1_builder_init(test, &b, 64);
	for (off = 0; off + 254 < n; off += 254, ns ^= 1)
		t1_add(&b, 0x20 | ns << 6, apdu + off, 254,
		       0x80 | (ns ^ 1) << 4, NULL, 0);
	/* The last block, answered by the first of the response. */
	chunk = min_t(size_t, rn, 254);
	t1_add(&b, ns << 6, apdu + off, n - off, 0x20 | nr << 6, rdata,
	       chunk);
	KUNIT_EXPECT_EQ(test, n - off, 174);
	for (roff = chunk, nr ^= 1; roff < rn; roff += chunk, nr ^= 1) {
		chunk = min_t(size_t, rn - roff, 254);
		t1_add(&b, 0x80 | nr << 4, NULL, 0,
		       (roff + chunk < rn ? 0x20 : 0) | nr << 6, rdata + roff,
		       chunk);
	}
	KUNIT_EXPECT_EQ(test, b.n, 20 + 11);
	t1_setup(&t1, 254, 254, false, true);
	KUNIT_ASSERT_EQ(test, t1_run_script(test, &t1, b.steps, b.n, false,
					    b.n, apdu, n, resp,
					    SCARD_MAX_SHORT_RESP * 16, &len),
			0);
	KUNIT_ASSERT_EQ(test, len, rn);
	KUNIT_EXPECT_MEMEQ(test, resp, rdata, rn);
}

/*
 * Bad arguments: -EINVAL, and the response length is 0 as on every error
 * but -EOVERFLOW (the fuzz target charlvl found it left alone).
 */
static void scard_t1_transceive_bad_args(struct kunit *test)
{
	static u8 big[1];
	struct scard_t1 t1;
	u8 resp[4];
	size_t len;

	t1_setup(&t1, 32, 254, false, true);
	len = 12345;
	KUNIT_EXPECT_EQ(test, scard_t1_transceive(&t1, t1_fake, NULL,
						  t1_select, 0, resp,
						  sizeof(resp), &len),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, len, 0);
	len = 12345;
	KUNIT_EXPECT_EQ(test, scard_t1_transceive(&t1, t1_fake, NULL,
						  big, SCARD_MAX_APDU + 1,
						  resp, sizeof(resp), &len),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, len, 0);
	len = 12345;
	KUNIT_EXPECT_EQ(test, scard_t1_transceive(&t1, NULL, NULL,
						  t1_select,
						  sizeof(t1_select), resp,
						  sizeof(resp), &len),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, len, 0);
	KUNIT_EXPECT_EQ(test, scard_t1_transceive(&t1, t1_fake, NULL,
						  t1_select,
						  sizeof(t1_select), resp,
						  sizeof(resp), NULL),
			-EINVAL);
}

static struct kunit_case scard_t1_cases[] = {
	KUNIT_CASE(scard_t1_lrc_vectors),
	KUNIT_CASE(scard_t1_crc_windows_example),
	KUNIT_CASE(scard_t1_crc_vectors),
	KUNIT_CASE(scard_t1_build_block_lrc),
	KUNIT_CASE(scard_t1_build_block_crc),
	KUNIT_CASE(scard_t1_build_block_nad_empty_inf),
	KUNIT_CASE(scard_t1_build_block_bad_size),
	KUNIT_CASE_PARAM(scard_t1_parse_block_round_trip, t1_codec_gen_params),
	KUNIT_CASE(scard_t1_parse_block_bad_edc),
	KUNIT_CASE(scard_t1_parse_block_malformed),
	KUNIT_CASE(scard_t1_parse_block_len_ff),
	KUNIT_CASE(scard_t1_init_defaults),
	KUNIT_CASE(scard_t1_transceive_annex_simple),
	KUNIT_CASE(scard_t1_transceive_ifs_request_first),
	KUNIT_CASE(scard_t1_transceive_ifs_request_ifsd),
	KUNIT_CASE(scard_t1_transceive_ifs_suppressed),
	KUNIT_CASE(scard_t1_transceive_ifs_answered_by_i_block),
	KUNIT_CASE(scard_t1_transceive_ifs_response_wrong),
	KUNIT_CASE(scard_t1_transceive_nad),
	KUNIT_CASE(scard_t1_transceive_crc),
	KUNIT_CASE(scard_t1_transceive_send_chaining_ifsc16),
	KUNIT_CASE(scard_t1_transceive_send_chaining_ifsc254),
	KUNIT_CASE(scard_t1_transceive_send_exactly_ifsc),
	KUNIT_CASE(scard_t1_transceive_send_chaining_resend),
	KUNIT_CASE(scard_t1_transceive_i_block_during_send_chain),
	KUNIT_CASE(scard_t1_transceive_receive_chaining),
	KUNIT_CASE(scard_t1_transceive_i_block_over_ifsd),
	KUNIT_CASE(scard_t1_transceive_receive_errors_spread),
	KUNIT_CASE(scard_t1_transceive_send_errors_spread),
	KUNIT_CASE(scard_t1_transceive_wtx),
	KUNIT_CASE(scard_t1_transceive_wtx_saturates),
	KUNIT_CASE(scard_t1_transceive_wtx_forever),
	KUNIT_CASE(scard_t1_transceive_wtx_invalid),
	KUNIT_CASE_PARAM(scard_t1_transceive_card_ifs,
			 t1_card_ifs_gen_params),
	KUNIT_CASE(scard_t1_max_inf_vectors),
	KUNIT_CASE(scard_t1_transceive_card_ifs_out_of_range),
	KUNIT_CASE(scard_t1_transceive_abort),
	KUNIT_CASE(scard_t1_transceive_vpp_error),
	KUNIT_CASE(scard_t1_transceive_bad_edc_lrc),
	KUNIT_CASE(scard_t1_transceive_bad_edc_crc),
	KUNIT_CASE(scard_t1_transceive_parity_error),
	KUNIT_CASE_PARAM(scard_t1_transceive_invalid_block, t1_bad_gen_params),
	KUNIT_CASE(scard_t1_transceive_lost_i_block),
	KUNIT_CASE(scard_t1_transceive_lost_chained_block),
	KUNIT_CASE(scard_t1_transceive_card_r_resends_r),
	KUNIT_CASE(scard_t1_transceive_card_r_error),
	KUNIT_CASE(scard_t1_transceive_resynch),
	KUNIT_CASE(scard_t1_transceive_resynch_restarts_chain),
	KUNIT_CASE(scard_t1_transceive_resynch_second_attempt),
	KUNIT_CASE(scard_t1_transceive_resynch_during_ifs),
	KUNIT_CASE(scard_t1_transceive_unrecoverable),
	KUNIT_CASE(scard_t1_transceive_resynch_budget),
	KUNIT_CASE(scard_t1_transceive_resynch_after_cut),
	KUNIT_CASE_PARAM(scard_t1_transceive_block_fn_error,
			 t1_fatal_gen_params),
	KUNIT_CASE(scard_t1_transceive_resp_too_small),
	KUNIT_CASE(scard_t1_transceive_resp_exact_size),
	KUNIT_CASE(scard_t1_transceive_extended_5000),
	KUNIT_CASE(scard_t1_transceive_bad_args),
	{}
};

struct kunit_suite scard_t1_suite = {
	.name = "scard_t1",
	.test_cases = scard_t1_cases,
};
