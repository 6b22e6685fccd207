// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the APDU decoder (drivers/scard/apdu.c) and the T=0
 * mapping of APDUs onto TPDUs (drivers/scard/t0.c).
 *
 * The T=0 tests drive scard_t0_transmit() with a scripted exchange
 * function: each step names the TPDU the library must send and the reply
 * the card gives (or the error the reader returns).
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard.h>
#include <linux/string.h>

#include "scard_kunit.h"

/* The TPDU a step expects, and the reply it gives. */
#define TX(...)		.tx = (const u8[]){ __VA_ARGS__ }, \
			.tx_len = sizeof((const u8[]){ __VA_ARGS__ })
#define RX(...)		.rx = (const u8[]){ __VA_ARGS__ }, \
			.rx_len = sizeof((const u8[]){ __VA_ARGS__ })

/* ---- scard_apdu_parse() ---- */

struct scard_apdu_vec {
	const char *name;
	u8 buf[16];
	u8 len;
	u8 kase;
	bool extended;
	u32 lc;
	u32 le;
	u8 data_off;
};

#define APDU(...)	.buf = { __VA_ARGS__ }, \
			.len = sizeof((const u8[]){ __VA_ARGS__ })

static const struct scard_apdu_vec scard_apdu_good[] = {
	{ "case1", APDU(0x00, 0xa4, 0x00, 0x0c), .kase = 1 },
	{ "case2s", APDU(0x00, 0xb0, 0x00, 0x00, 0x10), .kase = 2, .le = 16 },
	{ "case2s_le_00", APDU(0x00, 0xb0, 0x00, 0x00, 0x00), .kase = 2,
	  .le = 256 },
	{ "case3s", APDU(0x00, 0xd6, 0x00, 0x00, 0x02, 0xaa, 0xbb), .kase = 3,
	  .lc = 2, .data_off = 5 },
	{ "case3s_lc_1", APDU(0x00, 0xd6, 0x00, 0x00, 0x01, 0xaa), .kase = 3,
	  .lc = 1, .data_off = 5 },
	{ "case4s", APDU(0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00, 0x20),
	  .kase = 4, .lc = 2, .le = 32, .data_off = 5 },
	{ "case4s_le_00", APDU(0x00, 0xa4, 0x04, 0x00, 0x01, 0x3f, 0x00),
	  .kase = 4, .lc = 1, .le = 256, .data_off = 5 },
	{ "case2e", APDU(0x00, 0xb0, 0x00, 0x00, 0x00, 0x01, 0x00), .kase = 2,
	  .extended = true, .le = 256 },
	{ "case2e_le_0000", APDU(0x00, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x00),
	  .kase = 2, .extended = true, .le = 65536 },
	{ "case3e", APDU(0x00, 0xd6, 0x00, 0x00, 0x00, 0x00, 0x02, 0xaa,
			 0xbb), .kase = 3, .extended = true, .lc = 2,
	  .data_off = 7 },
	{ "case4e", APDU(0x00, 0x2a, 0x9e, 0x9a, 0x00, 0x00, 0x01, 0xaa, 0x02,
			 0x00), .kase = 4, .extended = true, .lc = 1,
	  .le = 512, .data_off = 7 },
	{ "case4e_le_0000", APDU(0x00, 0x2a, 0x9e, 0x9a, 0x00, 0x00, 0x01,
				 0xaa, 0x00, 0x00), .kase = 4,
	  .extended = true, .lc = 1, .le = 65536, .data_off = 7 },
};

static void scard_apdu_good_desc(const struct scard_apdu_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_apdu_good, scard_apdu_good, scard_apdu_good_desc);

/* A copy of @len bytes of @buf in an allocation of exactly that size. */
static const u8 *scard_t0_dup(struct kunit *test, const u8 *buf, size_t len)
{
	u8 *p = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, buf, len);
	return p;
}

static void scard_t0_apdu_parse_valid(struct kunit *test)
{
	const struct scard_apdu_vec *v = test->param_value;
	const u8 *buf = scard_t0_dup(test, v->buf, v->len);
	struct scard_apdu apdu;

	KUNIT_ASSERT_EQ(test, scard_apdu_parse(&apdu, buf, v->len), 0);
	KUNIT_EXPECT_EQ(test, apdu.cla, v->buf[0]);
	KUNIT_EXPECT_EQ(test, apdu.ins, v->buf[1]);
	KUNIT_EXPECT_EQ(test, apdu.p1, v->buf[2]);
	KUNIT_EXPECT_EQ(test, apdu.p2, v->buf[3]);
	KUNIT_EXPECT_EQ(test, apdu.kase, v->kase);
	KUNIT_EXPECT_EQ(test, apdu.extended, v->extended);
	KUNIT_EXPECT_EQ(test, apdu.lc, v->lc);
	KUNIT_EXPECT_EQ(test, apdu.le, v->le);
	if (v->lc)
		KUNIT_EXPECT_PTR_EQ(test, apdu.data, &buf[v->data_off]);
}

struct scard_apdu_bad_vec {
	const char *name;
	u8 buf[16];
	u8 len;
};

static const struct scard_apdu_bad_vec scard_apdu_bad[] = {
	{ "empty", .len = 0 },
	{ "three_bytes", APDU(0x00, 0xa4, 0x00) },
	{ "short_lc_00_then_data", APDU(0x00, 0xd6, 0x00, 0x00, 0x00, 0xaa) },
	{ "short_lc_too_long", APDU(0x00, 0xd6, 0x00, 0x00, 0x02, 0xaa) },
	{ "short_lc_too_short", APDU(0x00, 0xd6, 0x00, 0x00, 0x01, 0xaa, 0xbb,
				    0xcc) },
	{ "extended_le_one_byte", APDU(0x00, 0xb0, 0x00, 0x00, 0x00, 0x01) },
	{ "extended_lc_0000", APDU(0x00, 0xd6, 0x00, 0x00, 0x00, 0x00, 0x00,
				   0xaa) },
	{ "extended_lc_0000_then_le", APDU(0x00, 0xd6, 0x00, 0x00, 0x00, 0x00,
					   0x00, 0x00, 0x01) },
	{ "extended_lc_too_long", APDU(0x00, 0xd6, 0x00, 0x00, 0x00, 0x00,
				       0x03, 0xaa, 0xbb) },
	{ "extended_le_truncated", APDU(0x00, 0xd6, 0x00, 0x00, 0x00, 0x00,
					0x01, 0xaa, 0x00) },
};

static void scard_apdu_bad_desc(const struct scard_apdu_bad_vec *v,
				char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_apdu_bad, scard_apdu_bad, scard_apdu_bad_desc);

static void scard_t0_apdu_parse_invalid(struct kunit *test)
{
	const struct scard_apdu_bad_vec *v = test->param_value;
	const u8 *buf = scard_t0_dup(test, v->buf, v->len);
	struct scard_apdu apdu;

	KUNIT_EXPECT_EQ(test, scard_apdu_parse(&apdu, buf, v->len), -EINVAL);
}

static void scard_t0_apdu_parse_null_buffer(struct kunit *test)
{
	struct scard_apdu apdu;

	KUNIT_EXPECT_EQ(test, scard_apdu_parse(&apdu, NULL, 4), -EINVAL);
}

/* ---- scard_t0_transmit() with a scripted card ---- */

struct scard_t0_step {
	const u8 *tx;
	size_t tx_len;
	const u8 *rx;
	size_t rx_len;
	int err;
};

struct scard_t0_script {
	struct kunit *test;
	const struct scard_t0_step *steps;
	size_t n_steps;
	size_t done;
	bool repeat_last;	/* the last step answers every further TPDU */
};

/* KUnit runs the cases of a suite one after the other. */
static struct scard_t0_script *scard_t0_cur;

static int scard_t0_fake_xfr(struct scard_reader *rdr, const u8 *tx,
			     size_t tx_len, u8 *rx, size_t rx_size,
			     size_t *rx_len)
{
	struct scard_t0_script *s = scard_t0_cur;
	struct kunit *test = s->test;
	const struct scard_t0_step *st;
	size_t i = s->done++;

	KUNIT_EXPECT_PTR_EQ(test, rdr, NULL);
	if (s->repeat_last && i >= s->n_steps)
		i = s->n_steps - 1;
	KUNIT_ASSERT_LT_MSG(test, i, s->n_steps, "unexpected TPDU %zu", i);
	st = &s->steps[i];

	KUNIT_EXPECT_EQ_MSG(test, tx_len, st->tx_len, "TPDU %zu length", i);
	if (tx_len == st->tx_len)
		KUNIT_EXPECT_MEMEQ_MSG(test, tx, st->tx, tx_len, "TPDU %zu", i);
	if (st->err)
		return st->err;
	KUNIT_ASSERT_LE(test, st->rx_len, rx_size);
	if (st->rx_len)
		memcpy(rx, st->rx, st->rx_len);
	*rx_len = st->rx_len;
	return 0;
}

static void scard_t0_script_start(struct kunit *test,
				  struct scard_t0_script *s,
				  const struct scard_t0_step *steps,
				  size_t n_steps)
{
	memset(s, 0, sizeof(*s));
	s->test = test;
	s->steps = steps;
	s->n_steps = n_steps;
	scard_t0_cur = s;
}

/*
 * Run @cmd against the @steps_size bytes of @steps; every step must have
 * been used.
 */
static int scard_t0_run(struct kunit *test, const struct scard_t0_step *steps,
			size_t steps_size, const u8 *cmd, size_t cmd_len,
			u8 *resp, size_t resp_size, size_t *resp_len)
{
	size_t n_steps = steps_size / sizeof(*steps);
	struct scard_t0_script s;
	int ret;

	scard_t0_script_start(test, &s, steps, n_steps);
	ret = scard_t0_transmit(NULL, scard_t0_fake_xfr, cmd, cmd_len, resp,
				resp_size, resp_len);
	KUNIT_EXPECT_EQ_MSG(test, s.done, n_steps, "TPDUs exchanged");
	scard_t0_cur = NULL;
	return ret;
}

#define RUN(steps, cmd, resp, resp_len) \
	scard_t0_run(test, steps, sizeof(steps), cmd, sizeof(cmd), resp, \
		     sizeof(resp), resp_len)

/* Fill @buf with a recognisable pattern (byte i = @seed + i). */
static u8 *scard_t0_pattern(struct kunit *test, size_t len, u8 seed)
{
	u8 *buf = kunit_kzalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = seed + i;
	return buf;
}

static void scard_t0_transmit_case1_p3_zero(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x00, 0x0c };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xa4, 0x00, 0x0c, 0x00), RX(0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, ((const u8[]){ 0x90, 0x00 }), 2);
}

static void scard_t0_transmit_case2_as_is(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x04 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x04),
		  RX(0x01, 0x02, 0x03, 0x04, 0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 6);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[0].rx, 6);
}

static void scard_t0_transmit_case2_le_00_reads_256(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x00 };
	u8 *reply = scard_t0_pattern(test, 258, 0);
	struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x00), .rx = reply, .rx_len = 258 },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	reply[256] = 0x90;
	reply[257] = 0x00;
	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 258);
	KUNIT_EXPECT_MEMEQ(test, resp, reply, 258);
}

static void scard_t0_transmit_case2_6c_resends(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x00 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x00), RX(0x6c, 0x03) },
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x03),
		  RX(0xaa, 0xbb, 0xcc, 0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 5);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[1].rx, 5);
}

static void scard_t0_transmit_case2_6c_only_once(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x10 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x10), RX(0x6c, 0x08) },
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x08), RX(0x6c, 0x04) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[1].rx, 2);
}

static void scard_t0_transmit_case2_61_passed_up(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x10 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x10), RX(0x61, 0x10) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[0].rx, 2);
}

static void scard_t0_transmit_case3_as_is(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xd6, 0x00, 0x00, 0x02, 0xaa, 0xbb };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd), RX(0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[0].rx, 2);
}

static void scard_t0_transmit_case3_61_passed_up(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0x88, 0x00, 0x00, 0x02, 0xaa, 0xbb };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd), RX(0x61, 0x08) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[0].rx, 2);
}

static void scard_t0_transmit_case4_without_61(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00,
				  0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x6a, 0x82) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 2);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[0].rx, 2);
}

static void scard_t0_transmit_case4_get_response(struct kunit *test)
{
	static const u8 cmd[] = { 0x80, 0xca, 0x00, 0x6e, 0x01, 0x00, 0x10 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x04) },
		{ TX(0x80, 0xc0, 0x00, 0x00, 0x04),
		  RX(0x11, 0x22, 0x33, 0x44, 0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 6);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[1].rx, 6);
}

static void scard_t0_transmit_case4_several_61(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x03) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x03),
		  RX(0x01, 0x02, 0x03, 0x61, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02),
		  RX(0x04, 0x05, 0x61, 0x01) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x01),
		  RX(0x06, 0x90, 0x00) },
	};
	static const u8 want[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
				   0x90, 0x00 };
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, sizeof(want));
	KUNIT_EXPECT_MEMEQ(test, resp, want, sizeof(want));
}

static void scard_t0_transmit_case4_le_limits_get_response(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x02 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x05) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02),
		  RX(0x01, 0x02, 0x61, 0x03) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	/* Ne bytes received: the 61 03 that follows is the caller's. */
	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[1].rx, 4);
}

static void scard_t0_transmit_case4_61_00_means_256(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb2, 0x01, 0x04, 0x01, 0xa0, 0x00 };
	u8 *reply = scard_t0_pattern(test, 258, 7);
	struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x00) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x00), .rx = reply, .rx_len = 258 },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	reply[256] = 0x90;
	reply[257] = 0x00;
	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 258);
	KUNIT_EXPECT_MEMEQ(test, resp, reply, 258);
}

static void scard_t0_transmit_case4_le_00_min_of_61(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb2, 0x01, 0x04, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02),
		  RX(0x0a, 0x0b, 0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[1].rx, 4);
}

static void scard_t0_transmit_case4_61_00_limited_by_le(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb2, 0x01, 0x04, 0x01, 0xa0, 0x03 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x00) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x03),
		  RX(0x0a, 0x0b, 0x0c, 0x61, 0xfd) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 5);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[1].rx, 5);
}

static void scard_t0_transmit_get_response_6c_resends(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x10) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x10), RX(0x6c, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02),
		  RX(0x0a, 0x0b, 0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_ASSERT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_ASSERT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[2].rx, 4);
}

static void scard_t0_transmit_get_response_loop_bounded(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x01) },
		/* A card that never delivers, forever. */
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x01), RX(0x61, 0x01) },
	};
	struct scard_t0_script s;
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;
	int ret;

	scard_t0_script_start(test, &s, steps, ARRAY_SIZE(steps));
	s.repeat_last = true;
	ret = scard_t0_transmit(NULL, scard_t0_fake_xfr, cmd, sizeof(cmd),
				resp, sizeof(resp), &len);
	scard_t0_cur = NULL;
	KUNIT_EXPECT_EQ(test, ret, -EPROTO);
	KUNIT_EXPECT_GT(test, s.done, 2);
	KUNIT_EXPECT_LE(test, s.done, 1024);
}

static void scard_t0_transmit_get_response_too_much_data(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x01) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x01),
		  RX(0x0a, 0x0b, 0x90, 0x00) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EPROTO);
}

static void scard_t0_transmit_short_reply_eproto(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x00, 0x0c };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xa4, 0x00, 0x0c, 0x00), RX(0x90) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EPROTO);
}

static void scard_t0_transmit_empty_reply_eproto(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x01 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x01) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EPROTO);
}

static void scard_t0_transmit_short_get_response_eproto(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02), RX(0x0a) },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EPROTO);
}

static void scard_t0_transmit_xfr_error_propagates(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x04 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x04), .err = -ETIMEDOUT },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -ETIMEDOUT);
}

static void scard_t0_transmit_xfr_overflow_is_eproto(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x04 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x04), .err = -EOVERFLOW },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	/* -EOVERFLOW is kept for "resp too small". */
	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EPROTO);
}

static void scard_t0_transmit_get_response_error_propagates(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02), .err = -ENODEV },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -ENODEV);
}

static void scard_t0_transmit_get_response_resend_error(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x10) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x10), RX(0x6c, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02), .err = -EIO },
	};
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EIO);
}

static void scard_t0_transmit_extended_rejected(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x00, 0x01, 0x00 };
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	/* No TPDU may go out. */
	KUNIT_EXPECT_EQ(test, scard_t0_run(test, NULL, 0, cmd, sizeof(cmd),
					   resp, sizeof(resp), &len),
			-EINVAL);
}

static void scard_t0_transmit_malformed_rejected(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xd6, 0x00, 0x00, 0x03, 0xaa };
	u8 resp[SCARD_MAX_SHORT_RESP];
	size_t len;

	KUNIT_EXPECT_EQ(test, scard_t0_run(test, NULL, 0, cmd, sizeof(cmd),
					   resp, sizeof(resp), &len),
			-EINVAL);
}

static void scard_t0_transmit_resp_too_small(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x04 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x04),
		  RX(0x01, 0x02, 0x03, 0x04, 0x90, 0x00) },
	};
	u8 resp[5];
	size_t len = 0;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, len, 6);
}

static void scard_t0_transmit_resp_exact_size(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xb0, 0x00, 0x00, 0x04 };
	const struct scard_t0_step steps[] = {
		{ TX(0x00, 0xb0, 0x00, 0x00, 0x04),
		  RX(0x01, 0x02, 0x03, 0x04, 0x90, 0x00) },
	};
	u8 resp[6];
	size_t len = 0;

	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 6);
	KUNIT_EXPECT_MEMEQ(test, resp, steps[0].rx, 6);
}

static void scard_t0_transmit_chain_too_small(struct kunit *test)
{
	static const u8 cmd[] = { 0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0, 0x00 };
	const struct scard_t0_step steps[] = {
		{ .tx = cmd, .tx_len = sizeof(cmd) - 1, RX(0x61, 0x03) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x03),
		  RX(0x01, 0x02, 0x03, 0x61, 0x02) },
		{ TX(0x00, 0xc0, 0x00, 0x00, 0x02),
		  RX(0x04, 0x05, 0x90, 0x00) },
	};
	u8 resp[4];
	size_t len = 0;

	/* The chain runs to its end so that the size needed is known. */
	KUNIT_EXPECT_EQ(test, RUN(steps, cmd, resp, &len), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, len, 7);
}

static struct kunit_case scard_t0_cases[] = {
	KUNIT_CASE_PARAM(scard_t0_apdu_parse_valid,
			 scard_apdu_good_gen_params),
	KUNIT_CASE_PARAM(scard_t0_apdu_parse_invalid,
			 scard_apdu_bad_gen_params),
	KUNIT_CASE(scard_t0_apdu_parse_null_buffer),
	KUNIT_CASE(scard_t0_transmit_case1_p3_zero),
	KUNIT_CASE(scard_t0_transmit_case2_as_is),
	KUNIT_CASE(scard_t0_transmit_case2_le_00_reads_256),
	KUNIT_CASE(scard_t0_transmit_case2_6c_resends),
	KUNIT_CASE(scard_t0_transmit_case2_6c_only_once),
	KUNIT_CASE(scard_t0_transmit_case2_61_passed_up),
	KUNIT_CASE(scard_t0_transmit_case3_as_is),
	KUNIT_CASE(scard_t0_transmit_case3_61_passed_up),
	KUNIT_CASE(scard_t0_transmit_case4_without_61),
	KUNIT_CASE(scard_t0_transmit_case4_get_response),
	KUNIT_CASE(scard_t0_transmit_case4_several_61),
	KUNIT_CASE(scard_t0_transmit_case4_le_limits_get_response),
	KUNIT_CASE(scard_t0_transmit_case4_61_00_means_256),
	KUNIT_CASE(scard_t0_transmit_case4_le_00_min_of_61),
	KUNIT_CASE(scard_t0_transmit_case4_61_00_limited_by_le),
	KUNIT_CASE(scard_t0_transmit_get_response_6c_resends),
	KUNIT_CASE(scard_t0_transmit_get_response_loop_bounded),
	KUNIT_CASE(scard_t0_transmit_get_response_too_much_data),
	KUNIT_CASE(scard_t0_transmit_short_reply_eproto),
	KUNIT_CASE(scard_t0_transmit_empty_reply_eproto),
	KUNIT_CASE(scard_t0_transmit_short_get_response_eproto),
	KUNIT_CASE(scard_t0_transmit_xfr_error_propagates),
	KUNIT_CASE(scard_t0_transmit_xfr_overflow_is_eproto),
	KUNIT_CASE(scard_t0_transmit_get_response_error_propagates),
	KUNIT_CASE(scard_t0_transmit_get_response_resend_error),
	KUNIT_CASE(scard_t0_transmit_extended_rejected),
	KUNIT_CASE(scard_t0_transmit_malformed_rejected),
	KUNIT_CASE(scard_t0_transmit_resp_too_small),
	KUNIT_CASE(scard_t0_transmit_resp_exact_size),
	KUNIT_CASE(scard_t0_transmit_chain_too_small),
	{}
};

struct kunit_suite scard_t0_suite = {
	.name = "scard_t0",
	.test_cases = scard_t0_cases,
};
