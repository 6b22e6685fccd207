// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the character-level exchanges (drivers/scard/charlvl.c)
 * and the ISO/IEC 7816-3 timing they use (drivers/scard/timing.c).
 *
 * The exchanges run over a fake character reader whose ops->send and
 * ops->recv follow a script: each step is either bytes the host must send
 * (H) or bytes the card sends (C), as they appear on the line. A receive
 * that reaches a host step or the end of the script times out, as a silent
 * card would.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard_proto.h>
#include <linux/string.h>

#include "scard_kunit.h"

struct scard_char_step {
	bool to_card;
	const u8 *b;
	size_t len;
};

#define H(...)	{ .to_card = true, .b = (const u8[]){ __VA_ARGS__ }, \
		  .len = sizeof((const u8[]){ __VA_ARGS__ }) }
#define C(...)	{ .to_card = false, .b = (const u8[]){ __VA_ARGS__ }, \
		  .len = sizeof((const u8[]){ __VA_ARGS__ }) }

#define SCARD_CHAR_LOG	8

struct scard_char_fake {
	struct kunit *test;
	const struct scard_char_step *steps;
	size_t n, i, off;
	bool short_ok;		/* a short receive returns 0, not -ETIMEDOUT */
	unsigned int recvs;
	unsigned int first_us[SCARD_CHAR_LOG];
	unsigned int next_us[SCARD_CHAR_LOG];
};

static int scard_char_fake_send(struct scard_reader *rdr, const u8 *buf,
				size_t len)
{
	struct scard_char_fake *f = scard_reader_get_drvdata(rdr);
	size_t k;

	for (k = 0; k < len; k++) {
		const struct scard_char_step *s = &f->steps[f->i];

		if (f->i >= f->n || !s->to_card) {
			KUNIT_FAIL(f->test, "unexpected byte %02x sent", buf[k]);
			return -EIO;
		}
		if (buf[k] != s->b[f->off]) {
			KUNIT_FAIL(f->test, "step %zu byte %zu: sent %02x, not %02x",
				   f->i, f->off, buf[k], s->b[f->off]);
			return -EIO;
		}
		if (++f->off == s->len) {
			f->i++;
			f->off = 0;
		}
	}
	return 0;
}

static int scard_char_fake_recv(struct scard_reader *rdr, u8 *buf,
				size_t len, size_t *got,
				unsigned int first_us, unsigned int next_us)
{
	struct scard_char_fake *f = scard_reader_get_drvdata(rdr);
	size_t k;

	if (f->recvs < SCARD_CHAR_LOG) {
		f->first_us[f->recvs] = first_us;
		f->next_us[f->recvs] = next_us;
	}
	f->recvs++;
	*got = 0;
	for (k = 0; k < len; k++) {
		const struct scard_char_step *s = &f->steps[f->i];

		if (f->i >= f->n || s->to_card)
			return f->short_ok ? 0 : -ETIMEDOUT;
		buf[k] = s->b[f->off];
		*got = k + 1;
		if (++f->off == s->len) {
			f->i++;
			f->off = 0;
		}
	}
	return 0;
}

static const struct scard_reader_ops scard_char_fake_ops = {
	.send = scard_char_fake_send,
	.recv = scard_char_fake_recv,
};

/* A reader in specific mode with T=0 defaults at 4 MHz, playing @steps. */
static struct scard_reader *
scard_char_reader(struct kunit *test, const struct scard_char_step *steps,
		  size_t n)
{
	struct scard_reader *rdr = kunit_kzalloc(test, sizeof(*rdr),
						 GFP_KERNEL);
	struct scard_char_fake *f = kunit_kzalloc(test, sizeof(*f),
						  GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rdr);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	f->steps = steps;
	f->n = n;
	rdr->ops = &scard_char_fake_ops;
	rdr->caps.level = SCARD_LEVEL_CHAR;
	rdr->caps.default_clk = 4000;
	rdr->caps.max_clk = 4000;
	rdr->params.protocol = SCARD_PROTOCOL_T0;
	rdr->params.fi = 1;
	rdr->params.di = 1;
	rdr->params.wi = 10;
	rdr->params.ifsc = 32;
	rdr->params.ifsd = 32;
	rdr->params.cwi = 13;
	rdr->params.bwi = 4;
	scard_reader_set_drvdata(rdr, f);
	return rdr;
}

static struct scard_char_fake *scard_char_f(struct scard_reader *rdr)
{
	return scard_reader_get_drvdata(rdr);
}

/* The whole script was played. */
static void scard_char_done(struct kunit *test, struct scard_reader *rdr)
{
	struct scard_char_fake *f = scard_char_f(rdr);

	KUNIT_EXPECT_EQ(test, f->i, f->n);
	KUNIT_EXPECT_EQ(test, f->off, 0);
}

/* WT for WI 10, Fi 1 at 4 MHz: 10 * 960 * 372 / 4 MHz. */
#define WT_US		892800

/* Run a TPDU; expect @ret and, on success, @rx_exp. */
static void scard_char_t0_run(struct kunit *test, struct scard_reader *rdr,
			      const u8 *tx, size_t tx_len, int ret,
			      const u8 *rx_exp, size_t rx_exp_len)
{
	u8 rx[SCARD_MAX_SHORT_RESP];
	size_t rx_len = 12345;

	KUNIT_ASSERT_EQ(test, scard_char_t0_xfr(rdr, tx, tx_len, rx,
						sizeof(rx), &rx_len), ret);
	if (ret)
		return;
	KUNIT_ASSERT_EQ(test, rx_len, rx_exp_len);
	KUNIT_EXPECT_MEMEQ(test, rx, rx_exp, rx_exp_len);
}

#define T0_RUN(test, rdr, tx, ret, ...) \
	scard_char_t0_run(test, rdr, tx, sizeof(tx), ret, \
			  (const u8[]){ __VA_ARGS__ }, \
			  sizeof((const u8[]){ __VA_ARGS__ }))

/* ---- T=0 procedure bytes ---- */

static const u8 scard_char_update[] = { 0x00, 0xd6, 0x00, 0x00, 0x02, 0xaa,
					0xbb };
static const u8 scard_char_read3[] = { 0x00, 0xb0, 0x00, 0x00, 0x03 };

static void scard_char_t0_xfr_ack_data_out(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xd6, 0x00, 0x00, 0x02), C(0xd6), H(0xaa, 0xbb),
		C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_update, 0, 0x90, 0x00);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_ack_data_in(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0xb0, 0x01, 0x02, 0x03),
		C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, 0, 0x01, 0x02, 0x03, 0x90, 0x00);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_ack_p3_00_is_256(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0xb0, 0x00, 0x00, 0x00 };
	static u8 data[256];
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x00), C(0xb0),
		{ .b = data, .len = sizeof(data) }, C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[SCARD_MAX_SHORT_RESP];
	size_t rx_len, i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i;
	KUNIT_ASSERT_EQ(test, scard_char_t0_xfr(rdr, tx, sizeof(tx), rx,
						sizeof(rx), &rx_len), 0);
	KUNIT_EXPECT_EQ(test, rx_len, 258);
	KUNIT_EXPECT_MEMEQ(test, rx, data, sizeof(data));
	KUNIT_EXPECT_EQ(test, rx[256], 0x90);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_complement_ack_out(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xd6, 0x00, 0x00, 0x02), C(0x29), H(0xaa), C(0x29),
		H(0xbb), C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_update, 0, 0x90, 0x00);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_complement_then_ack_in(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0x4f, 0x11), C(0x60),
		C(0xb0, 0x22, 0x33), C(0x62, 0x82),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, 0, 0x11, 0x22, 0x33, 0x62, 0x82);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_null_then_sw(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xd6, 0x00, 0x00, 0x02), C(0x60, 0x60, 0x60, 0xd6),
		H(0xaa, 0xbb), C(0x60, 0x60, 0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_update, 0, 0x90, 0x00);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_immediate_sw(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xd6, 0x00, 0x00, 0x02), C(0x6a, 0x82),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_update, 0, 0x6a, 0x82);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_61xx(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xd6, 0x00, 0x00, 0x02), C(0xd6), H(0xaa, 0xbb),
		C(0x61, 0x10),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_update, 0, 0x61, 0x10);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_bad_procedure_byte(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0x12),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, -EPROTO);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_ack_with_nothing_left(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0xb0, 0x01, 0x02, 0x03),
		C(0x4f),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, -EPROTO);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_timeout(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	struct scard_char_fake *f = scard_char_f(rdr);

	T0_RUN(test, rdr, scard_char_read3, -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f->first_us[0], WT_US);
	KUNIT_EXPECT_EQ(test, f->next_us[0], WT_US);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_data_timeout(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0xb0, 0x01, 0x02),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, -ETIMEDOUT);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_sw2_timeout(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0x6a),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, -ETIMEDOUT);
	scard_char_done(test, rdr);
}

/* WT follows the parameters: WI 20 and Fi 9 (512). */
static void scard_char_t0_xfr_wt_from_params(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	struct scard_char_fake *f = scard_char_f(rdr);

	rdr->params.wi = 20;
	rdr->params.fi = 9;
	rdr->params.di = 5;
	T0_RUN(test, rdr, scard_char_read3, 0, 0x90, 0x00);
	/* 20 * 960 * 512 / 4 MHz */
	KUNIT_EXPECT_EQ(test, f->first_us[0], 2457600);
	scard_char_done(test, rdr);
}

static u8 *scard_char_nulls(struct kunit *test, size_t n)
{
	u8 *b = kunit_kmalloc(test, n, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	memset(b, 0x60, n);
	return b;
}

static void scard_char_t0_xfr_max_nulls(struct kunit *test)
{
	struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03),
		{ .b = scard_char_nulls(test, SCARD_CHAR_T0_MAX_NULL),
		  .len = SCARD_CHAR_T0_MAX_NULL },
		C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, 0, 0x90, 0x00);
	scard_char_done(test, rdr);
}

static void scard_char_t0_xfr_too_many_nulls(struct kunit *test)
{
	struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03),
		{ .b = scard_char_nulls(test, SCARD_CHAR_T0_MAX_NULL + 1),
		  .len = SCARD_CHAR_T0_MAX_NULL + 1 },
		C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, scard_char_read3, -ETIMEDOUT);
}

static void scard_char_t0_xfr_malformed_tpdu(struct kunit *test)
{
	static const u8 short_hdr[] = { 0x00, 0xb0, 0x00, 0x00 };
	static const u8 bad_p3[] = { 0x00, 0xd6, 0x00, 0x00, 0x03, 0xaa };
	static const u8 p3_00_data[] = { 0x00, 0xd6, 0x00, 0x00, 0x00, 0xaa };
	const struct scard_char_step s[] = { C(0x90, 0x00) };
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	T0_RUN(test, rdr, short_hdr, -EINVAL);
	T0_RUN(test, rdr, bad_p3, -EINVAL);
	T0_RUN(test, rdr, p3_00_data, -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_char_f(rdr)->i, 0);
}

/* A response too long for rx is received to its end, then -EOVERFLOW. */
static void scard_char_t0_xfr_rx_too_small(struct kunit *test)
{
	const struct scard_char_step s[] = {
		H(0x00, 0xb0, 0x00, 0x00, 0x03), C(0xb0, 0x01, 0x02, 0x03),
		C(0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	size_t rx_len = 0;
	u8 rx[4];

	KUNIT_EXPECT_EQ(test, scard_char_t0_xfr(rdr, scard_char_read3,
						sizeof(scard_char_read3), rx,
						sizeof(rx), &rx_len),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, rx_len, 5);
	scard_char_done(test, rdr);
}

/* Inverse convention: every byte on the line is converted both ways. */
static void scard_char_t0_xfr_inverse(struct kunit *test)
{
	/*
	 * 00 B0 00 00 01 -> FF F2 FF FF 7F; ACK B0 is F2; data 3B is 23;
	 * 90 00 is F6 FF.
	 */
	static const u8 tx[] = { 0x00, 0xb0, 0x00, 0x00, 0x01 };
	const struct scard_char_step s[] = {
		H(0xff, 0xf2, 0xff, 0xff, 0x7f), C(0xf2, 0x23), C(0xf6, 0xff),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	rdr->params.inverse = true;
	T0_RUN(test, rdr, tx, 0, 0x3b, 0x90, 0x00);
	scard_char_done(test, rdr);
}

/* ---- byte send / receive ---- */

static void scard_char_send_inverse(struct kunit *test)
{
	static const u8 buf[] = { 0x3f, 0x00, 0x3b, 0xff, 0x03 };
	const struct scard_char_step s[] = {
		H(0x03, 0xff, 0x23, 0x00, 0x3f),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	rdr->params.inverse = true;
	KUNIT_EXPECT_EQ(test, scard_char_send(rdr, buf, sizeof(buf)), 0);
	scard_char_done(test, rdr);
}

static void scard_char_send_inverse_long(struct kunit *test)
{
	static u8 buf[100], line[100];
	const struct scard_char_step s[] = {
		{ .to_card = true, .b = line, .len = sizeof(line) },
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	size_t i;

	for (i = 0; i < sizeof(buf); i++) {
		buf[i] = i * 7;
		line[i] = scard_atr_inverse_byte(buf[i]);
	}
	rdr->params.inverse = true;
	KUNIT_EXPECT_EQ(test, scard_char_send(rdr, buf, sizeof(buf)), 0);
	scard_char_done(test, rdr);
}

static void scard_char_send_direct(struct kunit *test)
{
	static const u8 buf[] = { 0x3f, 0x00, 0x3b };
	const struct scard_char_step s[] = { H(0x3f, 0x00, 0x3b) };
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));

	KUNIT_EXPECT_EQ(test, scard_char_send(rdr, buf, sizeof(buf)), 0);
	scard_char_done(test, rdr);
}

static void scard_char_recv_inverse(struct kunit *test)
{
	const struct scard_char_step s[] = { C(0x03, 0xff, 0x23) };
	static const u8 exp[] = { 0x3f, 0x00, 0x3b };
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 buf[3];

	rdr->params.inverse = true;
	KUNIT_EXPECT_EQ(test, scard_char_recv(rdr, buf, 3, 100, 10), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, exp, sizeof(exp));
	KUNIT_EXPECT_EQ(test, scard_char_f(rdr)->first_us[0], 100);
	KUNIT_EXPECT_EQ(test, scard_char_f(rdr)->next_us[0], 10);
	scard_char_done(test, rdr);
}

static void scard_char_recv_short_times_out(struct kunit *test)
{
	const struct scard_char_step s[] = { C(0x01, 0x02) };
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 buf[3];

	KUNIT_EXPECT_EQ(test, scard_char_recv(rdr, buf, 3, 100, 10),
			-ETIMEDOUT);
}

/* A reader may report a short receive with *got alone. */
static void scard_char_recv_short_got(struct kunit *test)
{
	const struct scard_char_step s[] = { C(0x01, 0x02) };
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 buf[3];

	scard_char_f(rdr)->short_ok = true;
	KUNIT_EXPECT_EQ(test, scard_char_recv(rdr, buf, 3, 100, 10),
			-ETIMEDOUT);
}

static void scard_char_send_no_op(struct kunit *test)
{
	static const struct scard_reader_ops none = { };
	const struct scard_char_step s[] = { C(0x01) };
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 b = 0;

	rdr->ops = &none;
	KUNIT_EXPECT_EQ(test, scard_char_send(rdr, &b, 1), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, scard_char_recv(rdr, &b, 1, 1, 1), -EOPNOTSUPP);
}

/* ---- PPS over bytes ---- */

static void scard_char_pps_echo(struct kunit *test)
{
	static const u8 req[] = { 0xff, 0x11, 0x95, 0x7b };
	const struct scard_char_step s[] = {
		H(0xff, 0x11, 0x95, 0x7b), C(0xff, 0x11, 0x95, 0x7b),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	struct scard_params p = { .protocol = SCARD_PROTOCOL_T1, .fi = 9,
				  .di = 5 };
	u8 resp[SCARD_PPS_MAX];
	size_t len = 0;

	KUNIT_ASSERT_EQ(test, scard_char_pps(rdr, req, sizeof(req), resp,
					     sizeof(resp), &len), 0);
	KUNIT_ASSERT_EQ(test, len, 4);
	KUNIT_EXPECT_MEMEQ(test, resp, req, sizeof(req));
	KUNIT_EXPECT_EQ(test, scard_pps_check(req, sizeof(req), resp, len, &p),
			0);
	/* The initial waiting time: 9600 etu at 372 / 4 MHz. */
	KUNIT_EXPECT_EQ(test, scard_char_f(rdr)->first_us[0], WT_US);
	scard_char_done(test, rdr);
}

static void scard_char_pps_pps1_dropped(struct kunit *test)
{
	static const u8 req[] = { 0xff, 0x11, 0x95, 0x7b };
	static const u8 exp[] = { 0xff, 0x01, 0xfe };
	const struct scard_char_step s[] = {
		H(0xff, 0x11, 0x95, 0x7b), C(0xff, 0x01, 0xfe),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 resp[SCARD_PPS_MAX];
	size_t len = 0;

	KUNIT_ASSERT_EQ(test, scard_char_pps(rdr, req, sizeof(req), resp,
					     sizeof(resp), &len), 0);
	KUNIT_ASSERT_EQ(test, len, 3);
	KUNIT_EXPECT_MEMEQ(test, resp, exp, sizeof(exp));
	scard_char_done(test, rdr);
}

static void scard_char_pps_not_ppss(struct kunit *test)
{
	static const u8 req[] = { 0xff, 0x01, 0xfe };
	const struct scard_char_step s[] = {
		H(0xff, 0x01, 0xfe), C(0x3b, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 resp[SCARD_PPS_MAX];
	size_t len = 0;

	KUNIT_EXPECT_EQ(test, scard_char_pps(rdr, req, sizeof(req), resp,
					     sizeof(resp), &len), -EPROTO);
	scard_char_done(test, rdr);
}

static void scard_char_pps_mute(struct kunit *test)
{
	static const u8 req[] = { 0xff, 0x01, 0xfe };
	const struct scard_char_step s[] = {
		H(0xff, 0x01, 0xfe), C(0xff, 0x01),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 resp[SCARD_PPS_MAX];
	size_t len = 0;

	KUNIT_EXPECT_EQ(test, scard_char_pps(rdr, req, sizeof(req), resp,
					     sizeof(resp), &len), -ETIMEDOUT);
	scard_char_done(test, rdr);
}

/* The PPS uses the ATR's convention: the parameters are not set yet. */
static void scard_char_pps_inverse(struct kunit *test)
{
	static const u8 req[] = { 0xff, 0x01, 0xfe };
	const struct scard_char_step s[] = {
		H(0x00, 0x7f, 0x80), C(0x00, 0x7f, 0x80),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 resp[SCARD_PPS_MAX];
	size_t len = 0;

	rdr->atr.inverse = true;
	KUNIT_ASSERT_EQ(test, scard_char_pps(rdr, req, sizeof(req), resp,
					     sizeof(resp), &len), 0);
	KUNIT_ASSERT_EQ(test, len, 3);
	KUNIT_EXPECT_MEMEQ(test, resp, req, sizeof(req));
	scard_char_done(test, rdr);
}

/* ---- T=1 blocks over bytes ---- */

static void scard_char_t1(struct scard_reader *rdr, bool crc)
{
	rdr->params.protocol = SCARD_PROTOCOL_T1;
	rdr->params.edc_crc = crc;
}

/* CWT for CWI 13 at 372 / 4 MHz: (11 + 8192) * 93 us. */
#define CWT_US		762879

static void scard_char_t1_block_lrc(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x02, 0xaa, 0xbb, 0x13 };
	static const u8 exp[] = { 0x00, 0x00, 0x02, 0x90, 0x00, 0x92 };
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x02, 0xaa, 0xbb, 0x13),
		C(0x00, 0x00, 0x02, 0x90, 0x00, 0x92),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	struct scard_char_fake *f = scard_char_f(rdr);
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	KUNIT_ASSERT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1500),
			0);
	KUNIT_ASSERT_EQ(test, rx_len, sizeof(exp));
	KUNIT_EXPECT_MEMEQ(test, rx, exp, sizeof(exp));
	KUNIT_EXPECT_EQ(test, f->first_us[0], 1500000);
	KUNIT_EXPECT_EQ(test, f->next_us[0], CWT_US);
	KUNIT_EXPECT_EQ(test, f->first_us[1], CWT_US);
	KUNIT_EXPECT_EQ(test, f->next_us[1], CWT_US);
	scard_char_done(test, rdr);
}

static void scard_char_t1_block_crc(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0xc1, 0x01, 0xfe, 0x12, 0x34 };
	static const u8 exp[] = { 0x00, 0xe1, 0x01, 0xfe, 0x56, 0x78 };
	const struct scard_char_step s[] = {
		H(0x00, 0xc1, 0x01, 0xfe, 0x12, 0x34),
		C(0x00, 0xe1, 0x01, 0xfe, 0x56, 0x78),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, true);
	KUNIT_ASSERT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			0);
	KUNIT_ASSERT_EQ(test, rx_len, sizeof(exp));
	KUNIT_EXPECT_MEMEQ(test, rx, exp, sizeof(exp));
	scard_char_done(test, rdr);
}

/* An LRC block read as CRC lacks a byte: the card stays silent. */
static void scard_char_t1_block_truncated(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x00, 0x00), C(0x00, 0x00, 0x02, 0x90, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	KUNIT_EXPECT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			-ETIMEDOUT);
	scard_char_done(test, rdr);
}

static void scard_char_t1_block_no_answer(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x00, 0x00), C(0x00, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	KUNIT_EXPECT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			-ETIMEDOUT);
	scard_char_done(test, rdr);
}

static void scard_char_t1_block_len_255(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x00, 0x00), C(0x00, 0x00, 0xff),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	KUNIT_EXPECT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			-EPROTO);
	scard_char_done(test, rdr);
}

/* LEN 254 is the largest block, and fits the documented buffer size. */
static void scard_char_t1_block_len_254(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	static u8 inf[254 + 1];
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x00, 0x00), C(0x00, 0x00, 0xfe),
		{ .b = inf, .len = sizeof(inf) },
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	KUNIT_EXPECT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			0);
	KUNIT_EXPECT_EQ(test, rx_len, 3 + 254 + 1);
	scard_char_done(test, rdr);
}

static void scard_char_t1_block_rx_too_small(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x00, 0x00), C(0x00, 0x00, 0x02, 0x90, 0x00, 0x92),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	size_t rx_len = 0;
	u8 rx[5];

	scard_char_t1(rdr, false);
	KUNIT_EXPECT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, rx_len, 6);
	scard_char_done(test, rdr);
}

/* Timeout 0: BWT from the parameters (BWI 4 at 372 / 4 MHz). */
static void scard_char_t1_block_default_bwt(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	const struct scard_char_step s[] = {
		H(0x00, 0x00, 0x00, 0x00), C(0x00, 0x00, 0x00, 0x00),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	KUNIT_EXPECT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 0), 0);
	KUNIT_EXPECT_EQ(test, scard_char_f(rdr)->first_us[0], 1429503);
	scard_char_done(test, rdr);
}

static void scard_char_t1_block_inverse(struct kunit *test)
{
	static const u8 tx[] = { 0x00, 0x00, 0x00, 0x00 };
	static const u8 exp[] = { 0x00, 0x00, 0x01, 0x3b, 0x3a };
	/* 00 -> FF, 01 -> 7F, 3B -> 23, 3A -> A3 */
	const struct scard_char_step s[] = {
		H(0xff, 0xff, 0xff, 0xff), C(0xff, 0xff, 0x7f, 0x23, 0xa3),
	};
	struct scard_reader *rdr = scard_char_reader(test, s, ARRAY_SIZE(s));
	u8 rx[3 + 254 + 2];
	size_t rx_len = 0;

	scard_char_t1(rdr, false);
	rdr->params.inverse = true;
	KUNIT_ASSERT_EQ(test, scard_char_t1_block(rdr, tx, sizeof(tx), rx,
						  sizeof(rx), &rx_len, 1000),
			0);
	KUNIT_ASSERT_EQ(test, rx_len, sizeof(exp));
	KUNIT_EXPECT_MEMEQ(test, rx, exp, sizeof(exp));
	scard_char_done(test, rdr);
}

/* ---- timing ---- */

static void scard_char_etu_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, scard_etu_ns(1, 1, 4000), 93000);
	KUNIT_EXPECT_EQ(test, scard_etu_ns(1, 1, 0), 93000);
	KUNIT_EXPECT_EQ(test, scard_etu_ns(1, 1, 3571), 104173);
	KUNIT_EXPECT_EQ(test, scard_etu_ns(9, 5, 4000), 8000);
	KUNIT_EXPECT_EQ(test, scard_etu_ns(13, 9, 20000), 5120);
	KUNIT_EXPECT_EQ(test, scard_etu_ns(1, 8, 4000), 7750);
	/* Reserved indexes count as the defaults. */
	KUNIT_EXPECT_EQ(test, scard_etu_ns(7, 0, 4000), 93000);
}

static void scard_char_t0_wt_values(struct kunit *test)
{
	struct scard_params p = { .protocol = SCARD_PROTOCOL_T0, .fi = 1,
				  .di = 1, .wi = 10 };

	KUNIT_EXPECT_EQ(test, scard_t0_wt_us(&p, 4000), 892800);
	KUNIT_EXPECT_EQ(test, scard_t0_wt_us(&p, 0), 892800);
	KUNIT_EXPECT_EQ(test, scard_t0_wt_us(&p, 3571), 1000057);
	p.wi = 0;
	KUNIT_EXPECT_EQ(test, scard_t0_wt_us(&p, 4000), 892800);
	p.wi = 255;
	p.fi = 13;
	p.di = 9;	/* D does not enter WT */
	KUNIT_EXPECT_EQ(test, scard_t0_wt_us(&p, 20000), 25067520);
	KUNIT_EXPECT_EQ(test, scard_t0_wt_us(&p, 1), U32_MAX);
	KUNIT_EXPECT_EQ(test, scard_initial_wt_us(4000), 892800);
	KUNIT_EXPECT_EQ(test, scard_initial_wt_us(0), 892800);
}

static void scard_char_t1_bwt_values(struct kunit *test)
{
	struct scard_params p = { .protocol = SCARD_PROTOCOL_T1, .fi = 1,
				  .di = 1, .bwi = 4 };

	/* 11 etu (1023 us) + 16 * 960 * 372 / 4 MHz (1428480 us) */
	KUNIT_EXPECT_EQ(test, scard_t1_bwt_us(&p, 4000), 1429503);
	KUNIT_EXPECT_EQ(test, scard_t1_bwt_us(&p, 0), 1429503);
	/* Fd = 372 in the second term whatever Fi: 11 etu = 88 us here. */
	p.fi = 9;
	p.di = 5;
	KUNIT_EXPECT_EQ(test, scard_t1_bwt_us(&p, 4000), 1428568);
	p.fi = 1;
	p.di = 1;
	p.bwi = 0;
	KUNIT_EXPECT_EQ(test, scard_t1_bwt_us(&p, 4000), 90303);
	/* BWI 15 does not overflow 32 bits on the way. */
	p.bwi = 15;
	KUNIT_EXPECT_EQ(test, scard_t1_bwt_us(&p, 4000), 2925528063U);
	KUNIT_EXPECT_EQ(test, scard_t1_bwt_us(&p, 1000), U32_MAX);
}

static void scard_char_t1_cwt_values(struct kunit *test)
{
	struct scard_params p = { .protocol = SCARD_PROTOCOL_T1, .fi = 1,
				  .di = 1, .cwi = 13 };

	KUNIT_EXPECT_EQ(test, scard_t1_cwt_us(&p, 4000), 762879);
	p.cwi = 0;
	KUNIT_EXPECT_EQ(test, scard_t1_cwt_us(&p, 4000), 1116);
	p.cwi = 3;
	KUNIT_EXPECT_EQ(test, scard_t1_cwt_us(&p, 3571), 1980);
	p.cwi = 15;
	p.fi = 9;
	p.di = 5;
	/* (11 + 32768) * 8000 ns */
	KUNIT_EXPECT_EQ(test, scard_t1_cwt_us(&p, 4000), 262232);
}

static void scard_char_guard_values(struct kunit *test)
{
	struct scard_params p = { .protocol = SCARD_PROTOCOL_T0 };

	KUNIT_EXPECT_EQ(test, scard_guard_etu(&p), 12);
	p.n = 2;
	KUNIT_EXPECT_EQ(test, scard_guard_etu(&p), 14);
	p.n = 254;
	KUNIT_EXPECT_EQ(test, scard_guard_etu(&p), 266);
	p.n = 255;
	KUNIT_EXPECT_EQ(test, scard_guard_etu(&p), 12);
	p.protocol = SCARD_PROTOCOL_T1;
	KUNIT_EXPECT_EQ(test, scard_guard_etu(&p), 11);
}

static struct kunit_case scard_char_cases[] = {
	KUNIT_CASE(scard_char_t0_xfr_ack_data_out),
	KUNIT_CASE(scard_char_t0_xfr_ack_data_in),
	KUNIT_CASE(scard_char_t0_xfr_ack_p3_00_is_256),
	KUNIT_CASE(scard_char_t0_xfr_complement_ack_out),
	KUNIT_CASE(scard_char_t0_xfr_complement_then_ack_in),
	KUNIT_CASE(scard_char_t0_xfr_null_then_sw),
	KUNIT_CASE(scard_char_t0_xfr_immediate_sw),
	KUNIT_CASE(scard_char_t0_xfr_61xx),
	KUNIT_CASE(scard_char_t0_xfr_bad_procedure_byte),
	KUNIT_CASE(scard_char_t0_xfr_ack_with_nothing_left),
	KUNIT_CASE(scard_char_t0_xfr_timeout),
	KUNIT_CASE(scard_char_t0_xfr_data_timeout),
	KUNIT_CASE(scard_char_t0_xfr_sw2_timeout),
	KUNIT_CASE(scard_char_t0_xfr_wt_from_params),
	KUNIT_CASE(scard_char_t0_xfr_max_nulls),
	KUNIT_CASE(scard_char_t0_xfr_too_many_nulls),
	KUNIT_CASE(scard_char_t0_xfr_malformed_tpdu),
	KUNIT_CASE(scard_char_t0_xfr_rx_too_small),
	KUNIT_CASE(scard_char_t0_xfr_inverse),
	KUNIT_CASE(scard_char_send_inverse),
	KUNIT_CASE(scard_char_send_inverse_long),
	KUNIT_CASE(scard_char_send_direct),
	KUNIT_CASE(scard_char_recv_inverse),
	KUNIT_CASE(scard_char_recv_short_times_out),
	KUNIT_CASE(scard_char_recv_short_got),
	KUNIT_CASE(scard_char_send_no_op),
	KUNIT_CASE(scard_char_pps_echo),
	KUNIT_CASE(scard_char_pps_pps1_dropped),
	KUNIT_CASE(scard_char_pps_not_ppss),
	KUNIT_CASE(scard_char_pps_mute),
	KUNIT_CASE(scard_char_pps_inverse),
	KUNIT_CASE(scard_char_t1_block_lrc),
	KUNIT_CASE(scard_char_t1_block_crc),
	KUNIT_CASE(scard_char_t1_block_truncated),
	KUNIT_CASE(scard_char_t1_block_no_answer),
	KUNIT_CASE(scard_char_t1_block_len_255),
	KUNIT_CASE(scard_char_t1_block_len_254),
	KUNIT_CASE(scard_char_t1_block_rx_too_small),
	KUNIT_CASE(scard_char_t1_block_default_bwt),
	KUNIT_CASE(scard_char_t1_block_inverse),
	KUNIT_CASE(scard_char_etu_values),
	KUNIT_CASE(scard_char_t0_wt_values),
	KUNIT_CASE(scard_char_t1_bwt_values),
	KUNIT_CASE(scard_char_t1_cwt_values),
	KUNIT_CASE(scard_char_guard_values),
	{}
};

struct kunit_suite scard_char_suite = {
	.name = "scard_char",
	.test_cases = scard_char_cases,
};
