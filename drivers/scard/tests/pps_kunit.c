// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the protocol and parameter selection of ISO/IEC 7816-3
 * clause 9 (drivers/scard/pps.c): scard_pps_select() over ATR, reader
 * capability and SET_PROTOCOL mask combinations, and the PPS request and
 * response bytes of scard_pps_build() and scard_pps_check().
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard_proto.h>
#include <linux/string.h>

#include "scard_kunit.h"

#define T0		SCARD_PROTOCOL_T0
#define T1		SCARD_PROTOCOL_T1
#define TX		SCARD_PROTOCOL_Tx
#define DEFAULT		SCARD_PROTOCOL_DEFAULT

/* ATR bytes without TCK; .tck appends it. */
#define ATR(...)	.atr = { __VA_ARGS__ }, \
			.atr_len = sizeof((const u8[]){ __VA_ARGS__ })

struct scard_pps_sel_vec {
	const char *name;
	u8 atr[SCARD_MAX_ATR];
	u8 atr_len;
	bool tck;
	u32 protocols;		/* reader; 0 means T=0 and T=1 */
	u32 default_clk;	/* 0 means 4000 */
	u32 max_clk;		/* 0 means 4000 */
	u32 max_rate;
	const u32 *rates;	/* the reader's data rate list, or NULL */
	unsigned int n_rates;
	u32 max_ifsd;
	u32 mask;
	int ret;
	u32 protocol;
	u8 fi;
	u8 di;
	bool needed;
	u8 ifsd;		/* 0 means 32 */
};

/*
 * Data rate lists, at 4 MHz and F 512 (Fi 9): D 1 7812, D 2 15625, D 4
 * 31250, D 8 62500, D 16 125000, D 32 250000 bps.
 */
static const u32 rates_d8[] = { 7812, 15625, 62500 };
static const u32 rates_d16_close[] = { 9600, 124000 };	/* 0.8 % off */
static const u32 rates_far[] = { 9600, 120000 };	/* 4 % off */

static const struct scard_pps_sel_vec scard_pps_sel_vecs[] = {
	{ "t0_defaults_no_pps", ATR(0x3b, 0x00), .mask = TX,
	  .protocol = T0, .fi = 1, .di = 1 },
	{ "t1_only_no_pps", ATR(0x3b, 0x80, 0x01), .tck = true, .mask = TX,
	  .protocol = T1, .fi = 1, .di = 1 },
	{ "t0_t1_prefers_t1", ATR(0x3b, 0x80, 0x80, 0x01), .tck = true,
	  .mask = TX, .protocol = T1, .fi = 1, .di = 1, .needed = true },
	{ "t0_t1_mask_t0_implicit_no_pps", ATR(0x3b, 0x80, 0x80, 0x01),
	  .tck = true, .mask = T0, .protocol = T0, .fi = 1, .di = 1 },
	{ "t1_first_t0_chosen", ATR(0x3b, 0x80, 0x81, 0x00), .tck = true,
	  .mask = T0, .protocol = T0, .fi = 1, .di = 1, .needed = true },
	{ "t0_t1_reader_t0_only", ATR(0x3b, 0x80, 0x80, 0x01), .tck = true,
	  .protocols = T0, .mask = TX, .protocol = T0, .fi = 1, .di = 1 },
	{ "none_in_mask", ATR(0x3b, 0x00), .mask = T1, .ret = -EOPNOTSUPP },
	{ "none_in_reader", ATR(0x3b, 0x80, 0x01), .tck = true,
	  .protocols = T0, .mask = TX, .ret = -EOPNOTSUPP },
	{ "mask_raw_only", ATR(0x3b, 0x00), .mask = SCARD_PROTOCOL_RAW,
	  .ret = -EOPNOTSUPP },
	{ "optimal_ta1", ATR(0x3b, 0x10, 0x95), .mask = TX,
	  .protocol = T0, .fi = 9, .di = 5, .needed = true },
	{ "default_bit_ta1", ATR(0x3b, 0x10, 0x95), .mask = T0 | DEFAULT,
	  .protocol = T0, .fi = 1, .di = 1 },
	{ "default_bit_two_protocols_implicit",
	  ATR(0x3b, 0x90, 0x95, 0x80, 0x01), .tck = true,
	  .mask = TX | DEFAULT, .protocol = T0, .fi = 1,
	  .di = 1 },
	{ "default_bit_implicit_not_in_mask",
	  ATR(0x3b, 0x90, 0x95, 0x80, 0x01), .tck = true,
	  .mask = T1 | DEFAULT, .protocol = T1, .fi = 1,
	  .di = 1, .needed = true },
	{ "default_bit_t1_first", ATR(0x3b, 0x80, 0x81, 0x00), .tck = true,
	  .mask = TX | DEFAULT, .protocol = T1, .fi = 1, .di = 1 },
	{ "optimal_ta1_default_values", ATR(0x3b, 0x10, 0x11), .mask = TX,
	  .protocol = T0, .fi = 1, .di = 1 },
	{ "optimal_fi0_is_proposed", ATR(0x3b, 0x10, 0x01), .mask = TX,
	  .protocol = T0, .fi = 0, .di = 1, .needed = true },
	/* D 32 at 4 MHz / 512 is 250000 bps; D 20 (Di 9) gives 156250. */
	{ "max_rate_d20_not_d32", ATR(0x3b, 0x10, 0x96), .max_rate = 200000,
	  .mask = TX, .protocol = T0, .fi = 9, .di = 9, .needed = true },
	{ "max_rate_exact", ATR(0x3b, 0x10, 0x96), .max_rate = 250000,
	  .mask = TX, .protocol = T0, .fi = 9, .di = 6, .needed = true },
	{ "rate_list_d8_not_d32", ATR(0x3b, 0x10, 0x96), .rates = rates_d8,
	  .n_rates = ARRAY_SIZE(rates_d8),
	  .mask = TX, .protocol = T0, .fi = 9, .di = 4, .needed = true },
	{ "rate_list_within_tolerance", ATR(0x3b, 0x10, 0x96),
	  .rates = rates_d16_close,
	  .n_rates = ARRAY_SIZE(rates_d16_close), .mask = TX, .protocol = T0,
	  .fi = 9, .di = 5, .needed = true },
	{ "rate_list_none_fits_d1", ATR(0x3b, 0x10, 0x96), .rates = rates_far,
	  .n_rates = ARRAY_SIZE(rates_far),
	  .mask = TX, .protocol = T0, .fi = 9, .di = 1, .needed = true },
	{ "rate_list_and_max_rate", ATR(0x3b, 0x10, 0x96), .rates = rates_d8,
	  .n_rates = ARRAY_SIZE(rates_d8),
	  .max_rate = 20000, .mask = TX, .protocol = T0, .fi = 9, .di = 2,
	  .needed = true },
	{ "max_rate_d12", ATR(0x3b, 0x10, 0x16), .max_rate = 140000,
	  .mask = TX, .protocol = T0, .fi = 1, .di = 8, .needed = true },
	{ "max_rate_below_d1", ATR(0x3b, 0x10, 0x95), .max_rate = 5000,
	  .mask = TX, .protocol = T0, .fi = 9, .di = 1, .needed = true },
	{ "max_rate_uses_max_clk", ATR(0x3b, 0x10, 0x13), .default_clk = 2000,
	  .max_clk = 5000, .max_rate = 40000, .mask = TX, .protocol = T0,
	  .fi = 1, .di = 2, .needed = true },
	{ "max_clk_above_fmax_default_fits", ATR(0x3b, 0x10, 0x95),
	  .default_clk = 4000, .max_clk = 8000, .max_rate = 130000,
	  .mask = TX, .protocol = T0, .fi = 9, .di = 5, .needed = true },
	{ "no_clock_fits_fi_falls_back", ATR(0x3b, 0x10, 0x05),
	  .default_clk = 4800, .max_clk = 4800, .mask = TX, .protocol = T0,
	  .fi = 1, .di = 5, .needed = true },
	{ "specific_ta1", ATR(0x3b, 0x90, 0x95, 0x11, 0x01), .tck = true,
	  .mask = TX, .protocol = T1, .fi = 9, .di = 5 },
	{ "specific_implicit", ATR(0x3b, 0x90, 0x95, 0x11, 0x11), .tck = true,
	  .mask = TX, .protocol = T1, .fi = 1, .di = 1 },
	{ "specific_ignores_max_rate", ATR(0x3b, 0x90, 0x95, 0x10, 0x00),
	  .max_rate = 9600, .mask = TX, .protocol = T0, .fi = 9, .di = 5 },
	{ "specific_default_bit_keeps_ta1", ATR(0x3b, 0x90, 0x95, 0x10, 0x00),
	  .mask = TX | DEFAULT, .protocol = T0, .fi = 9, .di = 5 },
	{ "specific_mask_excludes", ATR(0x3b, 0x90, 0x95, 0x11, 0x01),
	  .tck = true, .mask = T0, .ret = -EOPNOTSUPP },
	{ "specific_t1_not_in_td", ATR(0x3b, 0x90, 0x11, 0x10, 0x01),
	  .mask = TX, .protocol = T1, .fi = 1, .di = 1 },
	{ "specific_unknown_t", ATR(0x3b, 0x90, 0x11, 0x10, 0x0e), .mask = TX,
	  .ret = -EOPNOTSUPP },
	{ "ifsd_from_reader", ATR(0x3b, 0x80, 0x01), .tck = true,
	  .max_ifsd = 254, .mask = TX, .protocol = T1, .fi = 1, .di = 1,
	  .ifsd = 254 },
	{ "ifsd_reader_too_big", ATR(0x3b, 0x80, 0x01), .tck = true,
	  .max_ifsd = 255, .mask = TX, .protocol = T1, .fi = 1, .di = 1 },
};

static void scard_pps_sel_desc(const struct scard_pps_sel_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_pps_sel, scard_pps_sel_vecs, scard_pps_sel_desc);

/* Parse @len ATR bytes, with TCK appended when @tck. */
static void scard_pps_atr(struct kunit *test, struct scard_atr *atr,
			  const u8 *bytes, size_t len, bool tck)
{
	u8 buf[SCARD_MAX_ATR];
	size_t i;

	KUNIT_ASSERT_LT(test, len, sizeof(buf));
	memcpy(buf, bytes, len);
	if (tck) {
		buf[len] = 0;
		for (i = 1; i < len; i++)
			buf[len] ^= buf[i];
		len++;
	}
	KUNIT_ASSERT_EQ(test, scard_atr_parse(atr, buf, len), 0);
}

static void scard_pps_caps(struct scard_reader_caps *caps, u32 protocols,
			   u32 default_clk, u32 max_clk)
{
	memset(caps, 0, sizeof(*caps));
	caps->protocols = protocols ? protocols : TX;
	caps->default_clk = default_clk ? default_clk : 4000;
	caps->max_clk = max_clk ? max_clk : 4000;
}

static void scard_pps_select_vectors(struct kunit *test)
{
	const struct scard_pps_sel_vec *v = test->param_value;
	struct scard_reader_caps caps;
	struct scard_params p;
	struct scard_atr atr;
	bool needed = !v->needed;
	int ret;

	scard_pps_atr(test, &atr, v->atr, v->atr_len, v->tck);
	scard_pps_caps(&caps, v->protocols, v->default_clk, v->max_clk);
	caps.max_rate = v->max_rate;
	if (v->rates)
		memcpy(caps.data_rates, v->rates, v->n_rates * sizeof(u32));
	caps.n_data_rates = v->n_rates;
	caps.max_ifsd = v->max_ifsd;

	ret = scard_pps_select(&atr, &caps, v->mask, &p, &needed);
	KUNIT_ASSERT_EQ(test, ret, v->ret);
	if (ret)
		return;
	KUNIT_EXPECT_EQ(test, p.protocol, v->protocol);
	KUNIT_EXPECT_EQ(test, p.fi, v->fi);
	KUNIT_EXPECT_EQ(test, p.di, v->di);
	KUNIT_EXPECT_EQ(test, needed, v->needed);
	KUNIT_EXPECT_EQ(test, p.ifsd, v->ifsd ? v->ifsd : 32);
}

/* TC1 N=2, TC2 WI=20, T=1: TA3 IFSC 128, TB3 BWI 4 CWI 5, TC3 CRC. */
static const u8 scard_pps_atr_t1_fields[] = { 0x3b, 0xc0, 0x02, 0xc1, 0x14,
					      0x71, 0x80, 0x45, 0x01 };

/* Every other field of the parameters comes from the ATR. */
static void scard_pps_select_fields_from_atr(struct kunit *test)
{
	struct scard_reader_caps caps;
	struct scard_params p;
	struct scard_atr atr;
	bool needed = true;

	scard_pps_atr(test, &atr, scard_pps_atr_t1_fields,
		      sizeof(scard_pps_atr_t1_fields), true);
	scard_pps_caps(&caps, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, scard_pps_select(&atr, &caps, TX, &p, &needed),
			0);
	KUNIT_EXPECT_EQ(test, p.protocol, T1);
	KUNIT_EXPECT_FALSE(test, needed);
	KUNIT_EXPECT_EQ(test, p.n, 2);
	KUNIT_EXPECT_EQ(test, p.wi, 20);
	KUNIT_EXPECT_EQ(test, p.ifsc, 128);
	KUNIT_EXPECT_EQ(test, p.cwi, 5);
	KUNIT_EXPECT_EQ(test, p.bwi, 4);
	KUNIT_EXPECT_TRUE(test, p.edc_crc);
	KUNIT_EXPECT_FALSE(test, p.inverse);
}

/* IFSC and IFSD shrink so that a T=1 block fits the reader's max_msg. */
static void scard_pps_select_ifs_fit_max_msg(struct kunit *test)
{
	struct scard_reader_caps caps;
	struct scard_params p;
	struct scard_atr atr;

	/* T=1 with TA3 IFSC 128 */
	scard_pps_atr(test, &atr, scard_pps_atr_t1_fields,
		      sizeof(scard_pps_atr_t1_fields), true);
	scard_pps_caps(&caps, 0, 0, 0);
	caps.max_ifsd = 254;
	/* a 64-byte CCID message: 54 bytes of block, 49 of information */
	caps.max_msg = 54;
	KUNIT_ASSERT_EQ(test, scard_pps_select(&atr, &caps, TX, &p, NULL), 0);
	KUNIT_EXPECT_EQ(test, p.ifsc, 49);
	KUNIT_EXPECT_EQ(test, p.ifsd, 49);
	/* 271-byte messages hold the largest block */
	caps.max_msg = 261;
	KUNIT_ASSERT_EQ(test, scard_pps_select(&atr, &caps, TX, &p, NULL), 0);
	KUNIT_EXPECT_EQ(test, p.ifsc, 128);
	KUNIT_EXPECT_EQ(test, p.ifsd, 254);
	/* no limit */
	caps.max_msg = 0;
	KUNIT_ASSERT_EQ(test, scard_pps_select(&atr, &caps, TX, &p, NULL), 0);
	KUNIT_EXPECT_EQ(test, p.ifsc, 128);
	KUNIT_EXPECT_EQ(test, p.ifsd, 254);
}

/* The convention and the clock stop indicator are carried over too. */
static void scard_pps_select_inverse_clock_stop(struct kunit *test)
{
	/* TS 3F: inverse; TD1 T=0; TD2 T=15 with TA3 = C1: clock stop 3. */
	static const u8 bytes[] = { 0x3f, 0x80, 0x80, 0x1f, 0xc1 };
	struct scard_reader_caps caps;
	struct scard_params p;
	struct scard_atr atr;

	scard_pps_atr(test, &atr, bytes, sizeof(bytes), true);
	scard_pps_caps(&caps, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, scard_pps_select(&atr, &caps, TX, &p, NULL), 0);
	KUNIT_EXPECT_EQ(test, p.protocol, T0);
	KUNIT_EXPECT_TRUE(test, p.inverse);
	KUNIT_EXPECT_EQ(test, p.clock_stop, 3);
}

static void scard_pps_select_null_args(struct kunit *test)
{
	struct scard_reader_caps caps;
	struct scard_params p;
	struct scard_atr atr;
	static const u8 bytes[] = { 0x3b, 0x00 };

	scard_pps_atr(test, &atr, bytes, sizeof(bytes), false);
	scard_pps_caps(&caps, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, scard_pps_select(NULL, &caps, TX, &p, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_pps_select(&atr, NULL, TX, &p, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_pps_select(&atr, &caps, TX, NULL, NULL),
			-EINVAL);
}

static void scard_pps_clk_khz_choice(struct kunit *test)
{
	struct scard_reader_caps caps;

	scard_pps_caps(&caps, 0, 4000, 8000);
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 1), 4000);
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 3), 8000);
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 0), 4000);
	scard_pps_caps(&caps, 0, 6000, 8000);
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 1), 6000);
	memset(&caps, 0, sizeof(caps));
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 1), 4000);
	/* A listed clock: 4800 fits Fi 9's 5 MHz, 6000 does not. */
	scard_pps_caps(&caps, 0, 4000, 4000);
	caps.clocks[0] = 6000;
	caps.clocks[1] = 4800;
	caps.n_clocks = 2;
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 9), 4800);
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 3), 6000);
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 1), 4800);
	/* n_clocks beyond the array counts as the array */
	caps.n_clocks = 1000;
	KUNIT_EXPECT_EQ(test, scard_pps_clk_khz(&caps, 3), 6000);
}

/* The reader's own value is what matches, within 1/64; no list: as is. */
static void scard_pps_listed_rate_value(struct kunit *test)
{
	struct scard_reader_caps caps;

	scard_pps_caps(&caps, 0, 4000, 4000);
	KUNIT_EXPECT_EQ(test, scard_pps_listed_rate(&caps, 125000), 125000);
	caps.data_rates[0] = 9600;
	caps.data_rates[1] = 124000;
	caps.n_data_rates = 2;
	KUNIT_EXPECT_EQ(test, scard_pps_listed_rate(&caps, 125000), 124000);
	KUNIT_EXPECT_EQ(test, scard_pps_listed_rate(&caps, 9500), 9600);
	KUNIT_EXPECT_EQ(test, scard_pps_listed_rate(&caps, 130000), 0);
	KUNIT_EXPECT_EQ(test, scard_pps_listed_rate(&caps, 7812), 0);
}

/* ---- scard_pps_build() ---- */

struct scard_pps_build_vec {
	const char *name;
	u32 protocol;
	u8 fi, di;
	u8 req[SCARD_PPS_MAX];
	int len;
};

#define REQ(...)	.req = { __VA_ARGS__ }, \
			.len = sizeof((const u8[]){ __VA_ARGS__ })

static const struct scard_pps_build_vec scard_pps_build_vecs[] = {
	{ "t0_default", T0, 1, 1, REQ(0xff, 0x00, 0xff) },
	{ "t1_default", T1, 1, 1, REQ(0xff, 0x01, 0xfe) },
	{ "t1_fi9_di5", T1, 9, 5, REQ(0xff, 0x11, 0x95, 0x7b) },
	{ "t0_fi1_di3", T0, 1, 3, REQ(0xff, 0x10, 0x13, 0xfc) },
	{ "t0_fi0_di1", T0, 0, 1, REQ(0xff, 0x10, 0x01, 0xee) },
	{ "t1_fi13_di9", T1, 13, 9, REQ(0xff, 0x11, 0xd9, 0x37) },
	{ "raw_protocol", SCARD_PROTOCOL_RAW, 1, 1, .len = -EINVAL },
	{ "reserved_fi", T0, 7, 1, .len = -EINVAL },
	{ "reserved_di", T0, 1, 0, .len = -EINVAL },
};

static void scard_pps_build_desc(const struct scard_pps_build_vec *v,
				 char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_pps_build, scard_pps_build_vecs,
		  scard_pps_build_desc);

static void scard_pps_build_vectors(struct kunit *test)
{
	const struct scard_pps_build_vec *v = test->param_value;
	struct scard_params p = { .protocol = v->protocol, .fi = v->fi,
				  .di = v->di };
	u8 req[SCARD_PPS_MAX];
	int len;

	memset(req, 0xaa, sizeof(req));
	len = scard_pps_build(&p, req, sizeof(req));
	KUNIT_ASSERT_EQ(test, len, v->len);
	if (len < 0)
		return;
	KUNIT_EXPECT_MEMEQ(test, req, v->req, len);
	KUNIT_EXPECT_EQ(test, req[len], 0xaa);
}

static void scard_pps_build_too_small(struct kunit *test)
{
	struct scard_params p = { .protocol = T1, .fi = 9, .di = 5 };
	u8 req[SCARD_PPS_MAX];

	KUNIT_EXPECT_EQ(test, scard_pps_build(&p, req, 3), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, scard_pps_build(&p, req, 4), 4);
	p.fi = 1;
	p.di = 1;
	KUNIT_EXPECT_EQ(test, scard_pps_build(&p, req, 2), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, scard_pps_build(&p, req, 3), 3);
}

/* ---- scard_pps_check() ---- */

struct scard_pps_check_vec {
	const char *name;
	u8 req[SCARD_PPS_MAX];
	int req_len;
	u8 resp[SCARD_PPS_MAX + 1];
	int resp_len;
	int ret;
	u8 fi, di;	/* expected after the check (start: 9/5) */
};

#define RESP(...)	.resp = { __VA_ARGS__ }, \
			.resp_len = sizeof((const u8[]){ __VA_ARGS__ })
#define REQ_9_5		.req = { 0xff, 0x11, 0x95, 0x7b }, .req_len = 4
#define REQ_DEF		.req = { 0xff, 0x01, 0xfe }, .req_len = 3

static const struct scard_pps_check_vec scard_pps_check_vecs[] = {
	{ "echo", REQ_9_5, RESP(0xff, 0x11, 0x95, 0x7b), 0, 9, 5 },
	{ "echo_no_pps1", REQ_DEF, RESP(0xff, 0x01, 0xfe), 0, 9, 5 },
	{ "pps1_dropped_default", REQ_9_5, RESP(0xff, 0x01, 0xfe), 0, 1, 1 },
	{ "wrong_protocol", REQ_9_5, RESP(0xff, 0x10, 0x95, 0x7a), -EPROTO,
	  9, 5 },
	{ "wrong_protocol_no_pps1", REQ_9_5, RESP(0xff, 0x00, 0xff), -EPROTO,
	  9, 5 },
	{ "bad_pck", REQ_9_5, RESP(0xff, 0x11, 0x95, 0x7c), -EPROTO, 9, 5 },
	{ "other_pps1", REQ_9_5, RESP(0xff, 0x11, 0x94, 0x7a), -EPROTO, 9, 5 },
	{ "truncated", REQ_9_5, RESP(0xff, 0x11, 0x95), -EPROTO, 9, 5 },
	{ "truncated_two", REQ_9_5, .resp = { 0xff, 0x11, 0x95, 0x7b },
	  .resp_len = 2, .ret = -EPROTO, 9, 5 },
	{ "empty", REQ_9_5, .resp = { 0xff, 0x11, 0x95, 0x7b }, .resp_len = 0,
	  .ret = -EPROTO, 9, 5 },
	{ "trailing_byte", REQ_9_5, RESP(0xff, 0x11, 0x95, 0x7b, 0x00),
	  -EPROTO, 9, 5 },
	{ "bad_ppss", REQ_9_5, RESP(0x00, 0x11, 0x95, 0x84), -EPROTO, 9, 5 },
	{ "unrequested_pps1", REQ_DEF, RESP(0xff, 0x11, 0x95, 0x7b), -EPROTO,
	  9, 5 },
	{ "unrequested_pps1_equal_to_pck", REQ_DEF,
	  RESP(0xff, 0x11, 0xfe, 0x10), -EPROTO, 9, 5 },
	{ "unrequested_pps2", REQ_DEF, RESP(0xff, 0x21, 0x00, 0xde), -EPROTO,
	  9, 5 },
	{ "bit8_set", REQ_9_5, RESP(0xff, 0x91, 0x95, 0xfb), -EPROTO, 9, 5 },
	{ "bad_request", .req = { 0xff, 0x11, 0x95, 0x00 }, .req_len = 4,
	  RESP(0xff, 0x11, 0x95, 0x00), -EINVAL, 9, 5 },
};

static void scard_pps_check_desc(const struct scard_pps_check_vec *v,
				 char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_pps_check, scard_pps_check_vecs,
		  scard_pps_check_desc);

static void scard_pps_check_vectors(struct kunit *test)
{
	const struct scard_pps_check_vec *v = test->param_value;
	struct scard_params p = { .protocol = T1, .fi = 9, .di = 5 };

	KUNIT_EXPECT_EQ(test, scard_pps_check(v->req, v->req_len, v->resp,
					      v->resp_len, &p), v->ret);
	KUNIT_EXPECT_EQ(test, p.fi, v->fi);
	KUNIT_EXPECT_EQ(test, p.di, v->di);
	KUNIT_EXPECT_EQ(test, p.protocol, T1);
}

/* What scard_pps_build() makes, scard_pps_check() accepts as an echo. */
static void scard_pps_check_built_request_echo(struct kunit *test)
{
	struct scard_params p = { .protocol = T0, .fi = 13, .di = 9 };
	u8 req[SCARD_PPS_MAX];
	int len = scard_pps_build(&p, req, sizeof(req));

	KUNIT_ASSERT_EQ(test, len, 4);
	KUNIT_EXPECT_EQ(test, scard_pps_check(req, len, req, len, &p), 0);
	KUNIT_EXPECT_EQ(test, p.fi, 13);
	KUNIT_EXPECT_EQ(test, p.di, 9);
}

static struct kunit_case scard_pps_cases[] = {
	KUNIT_CASE_PARAM(scard_pps_select_vectors, scard_pps_sel_gen_params),
	KUNIT_CASE(scard_pps_select_fields_from_atr),
	KUNIT_CASE(scard_pps_select_ifs_fit_max_msg),
	KUNIT_CASE(scard_pps_select_inverse_clock_stop),
	KUNIT_CASE(scard_pps_select_null_args),
	KUNIT_CASE(scard_pps_clk_khz_choice),
	KUNIT_CASE(scard_pps_listed_rate_value),
	KUNIT_CASE_PARAM(scard_pps_build_vectors, scard_pps_build_gen_params),
	KUNIT_CASE(scard_pps_build_too_small),
	KUNIT_CASE_PARAM(scard_pps_check_vectors, scard_pps_check_gen_params),
	KUNIT_CASE(scard_pps_check_built_request_echo),
	{}
};

struct kunit_suite scard_pps_suite = {
	.name = "scard_pps",
	.test_cases = scard_pps_cases,
};
