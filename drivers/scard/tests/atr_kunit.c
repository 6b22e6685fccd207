// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the ISO/IEC 7816-3 ATR parser (drivers/scard/atr.c).
 *
 * The ATRs are those of real cards and emulators, and the vectors the
 * Windows smart card library was observed with (winsmcrd.md 4.5). Every TCK
 * below was checked by computation.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard_atr.h>
#include <linux/string.h>

#include "scard_kunit.h"

#define T0	BIT(0)
#define T1	BIT(1)

#define ATR(...)	.atr = { __VA_ARGS__ }, \
			.len = sizeof((const u8[]){ __VA_ARGS__ })
/* Defaults of the fields an ATR does not set. */
#define FD_DEF		.fi = 1, .di = 1
#define WI_DEF		.wi = 10
#define T1_DEF		.ifsc = 32, .cwi = 13, .bwi = 4

struct scard_atr_vec {
	const char *name;
	u8 atr[SCARD_MAX_ATR + 1];
	u8 len;
	u32 protocols;
	u8 first_protocol;
	u8 fi, di, n, wi;
	u8 ifsc, cwi, bwi;
	bool edc_crc;
	u8 hist_len;
	bool has_tck;
	bool inverse;
	bool specific;
	u8 specific_protocol;
	bool specific_can_change;
	bool specific_implicit;
	u8 class_indicator, clock_stop;
};

static const struct scard_atr_vec scard_atr_good[] = {
	/* Cards and emulators. */
	{ .name = "qemu_libcacard_cac",
	  ATR(0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74, 0x65, 0x20,
	      0x63, 0x64, 0x31, 0x34, 0x34),
	  .protocols = T0, .fi = 1, .di = 8, WI_DEF, T1_DEF, .hist_len = 10 },
	{ .name = "nss_vcard",
	  ATR(0x3b, 0x89, 0x00, 0x56, 0x43, 0x41, 0x52, 0x44, 0x5f, 0x4e,
	      0x53, 0x53),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .hist_len = 9 },
	{ .name = "athena_asepcos",
	  ATR(0x3b, 0xd5, 0x18, 0xff, 0x80, 0x91, 0xfe, 0x1f, 0xc3, 0x80,
	      0x73, 0xc8, 0x21, 0x13, 0x08),
	  .protocols = T0 | T1, .fi = 1, .di = 8, .n = 255, WI_DEF,
	  .ifsc = 254, .cwi = 13, .bwi = 4, .hist_len = 5, .has_tck = true,
	  .class_indicator = 3, .clock_stop = 3 },
	{ .name = "openpgp_card_2",
	  ATR(0x3b, 0xda, 0x18, 0xff, 0x81, 0xb1, 0xfe, 0x75, 0x1f, 0x03,
	      0x00, 0x31, 0xc5, 0x73, 0xc0, 0x01, 0x40, 0x00, 0x90, 0x00,
	      0x0c),
	  .protocols = T1, .first_protocol = 1, .fi = 1, .di = 8, .n = 255,
	  WI_DEF, .ifsc = 254, .cwi = 5, .bwi = 7, .hist_len = 10,
	  .has_tck = true, .class_indicator = 3 },
	{ .name = "yubikey_4",
	  ATR(0x3b, 0xf8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x59,
	      0x75, 0x62, 0x69, 0x6b, 0x65, 0x79, 0x34, 0xd4),
	  .protocols = T1, .first_protocol = 1, .fi = 1, .di = 3, WI_DEF,
	  .ifsc = 254, .cwi = 5, .bwi = 1, .hist_len = 8, .has_tck = true },
	{ .name = "yubikey_5",
	  ATR(0x3b, 0xfd, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x80,
	      0x73, 0xc0, 0x21, 0xc0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4b,
	      0x65, 0x79, 0x40),
	  .protocols = T1, .first_protocol = 1, .fi = 1, .di = 3, WI_DEF,
	  .ifsc = 254, .cwi = 5, .bwi = 1, .hist_len = 13, .has_tck = true },
	{ .name = "jcop_v241_javacard",
	  ATR(0x3b, 0xf8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x45, 0x4a,
	      0x43, 0x4f, 0x50, 0x76, 0x32, 0x34, 0x31, 0xb7),
	  .protocols = T1, .first_protocol = 1, .fi = 1, .di = 3, WI_DEF,
	  .ifsc = 254, .cwi = 5, .bwi = 4, .hist_len = 8, .has_tck = true },
	{ .name = "german_eid_npa",
	  ATR(0x3b, 0x8a, 0x80, 0x01, 0x80, 0x31, 0xf8, 0x73, 0xf7, 0x41,
	      0xe0, 0x82, 0x90, 0x00, 0x75),
	  .protocols = T0 | T1, FD_DEF, WI_DEF, T1_DEF, .hist_len = 10,
	  .has_tck = true },
	{ .name = "belgian_eid",
	  ATR(0x3b, 0x98, 0x13, 0x40, 0x0a, 0xa5, 0x03, 0x01, 0x01, 0x01,
	      0xad, 0x13, 0x11),
	  .protocols = T0, .fi = 1, .di = 3, .wi = 10, T1_DEF, .hist_len = 8 },
	{ .name = "estonian_eid_2018",
	  ATR(0x3b, 0xdb, 0x96, 0x00, 0x80, 0xb1, 0xfe, 0x45, 0x1f, 0x83,
	      0x00, 0x12, 0x23, 0x3f, 0x53, 0x65, 0x49, 0x44, 0x0f, 0x90,
	      0x00, 0xf1),
	  .protocols = T0 | T1, .fi = 9, .di = 6, WI_DEF, .ifsc = 254,
	  .cwi = 5, .bwi = 4, .hist_len = 11, .has_tck = true,
	  .class_indicator = 3, .clock_stop = 2 },
	{ .name = "gemalto_idprime",
	  ATR(0x3b, 0x7f, 0x96, 0x00, 0x00, 0x80, 0x31, 0x80, 0x65, 0xb0,
	      0x84, 0x41, 0x3d, 0xf6, 0x12, 0x0f, 0xfe, 0x82, 0x90, 0x00),
	  .protocols = T0, .fi = 9, .di = 6, WI_DEF, T1_DEF, .hist_len = 15 },
	{ .name = "inverse_3f_65",
	  ATR(0x3f, 0x65, 0x25, 0x08, 0x33, 0x04, 0x20, 0x90, 0x00),
	  .protocols = T0, FD_DEF, .n = 8, WI_DEF, T1_DEF, .hist_len = 5,
	  .inverse = true },
	{ .name = "inverse_3f_65_undecoded",
	  ATR(0x03, 0x59, 0x5b, 0xef, 0x33, 0xdf, 0xfb, 0xf6, 0xff),
	  .protocols = T0, FD_DEF, .n = 8, WI_DEF, T1_DEF, .hist_len = 5,
	  .inverse = true },
	/*
	 * 33 bytes: every interface byte up to level 4, 15 historical bytes.
	 * The second T=1 TA/TB/TC (level 4) must not override the first.
	 */
	{ .name = "max_length_33",
	  ATR(0x3b, 0xff, 0x96, 0x00, 0x00, 0xe1, 0x00, 0x14, 0xf1, 0xfe,
	      0x55, 0x01, 0xf1, 0x20, 0x77, 0x00, 0x01, 0x41, 0x42, 0x43,
	      0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d,
	      0x4e, 0x4f, 0x20),
	  .protocols = T1, .first_protocol = 1, .fi = 9, .di = 6, .wi = 20,
	  .ifsc = 254, .cwi = 5, .bwi = 5, .edc_crc = true, .hist_len = 15,
	  .has_tck = true },
	{ .name = "t15_second_ta_ignored",
	  ATR(0x3b, 0x80, 0x80, 0x9f, 0x07, 0x1f, 0xc3, 0x44),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .has_tck = true,
	  .class_indicator = 7 },
	{ .name = "t15_needs_tck",
	  ATR(0x3b, 0x80, 0x80, 0x1f, 0x07, 0x18),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .has_tck = true,
	  .class_indicator = 7 },

	/* Accepted by the Windows library (winsmcrd.md 4.5). */
	{ .name = "win_3b_00", ATR(0x3b, 0x00),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF },
	{ .name = "win_3f_00", ATR(0x3f, 0x00),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .inverse = true },
	{ .name = "win_03_ff", ATR(0x03, 0xff),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .inverse = true },
	{ .name = "win_ta1_11", ATR(0x3b, 0x10, 0x11),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF },
	{ .name = "win_ta1_94", ATR(0x3b, 0x10, 0x94),
	  .protocols = T0, .fi = 9, .di = 4, WI_DEF, T1_DEF },
	{ .name = "win_ta1_01", ATR(0x3b, 0x10, 0x01),
	  .protocols = T0, .fi = 0, .di = 1, WI_DEF, T1_DEF },
	{ .name = "win_ta1_97", ATR(0x3b, 0x10, 0x97),
	  .protocols = T0, .fi = 9, .di = 7, WI_DEF, T1_DEF },
	{ .name = "win_15_historical",
	  ATR(0x3b, 0x0f, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
	      0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .hist_len = 15 },
	{ .name = "win_t1", ATR(0x3b, 0x80, 0x01, 0x81),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, T1_DEF,
	  .has_tck = true },
	{ .name = "win_t0_t1", ATR(0x3b, 0x80, 0x80, 0x01, 0x01),
	  .protocols = T0 | T1, FD_DEF, WI_DEF, T1_DEF, .has_tck = true },
	{ .name = "win_t2", ATR(0x3b, 0x80, 0x02, 0x82),
	  .protocols = BIT(2), .first_protocol = 2, FD_DEF, WI_DEF, T1_DEF,
	  .has_tck = true },
	{ .name = "win_t14", ATR(0x3b, 0x80, 0x0e, 0x8e),
	  .protocols = BIT(14), .first_protocol = 14, FD_DEF, WI_DEF, T1_DEF,
	  .has_tck = true },
	{ .name = "win_specific_t0", ATR(0x3b, 0x90, 0x11, 0x10, 0x00),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .specific = true,
	  .specific_protocol = 0, .specific_can_change = true },
	{ .name = "win_specific_t0_fast", ATR(0x3b, 0x90, 0x94, 0x10, 0x00),
	  .protocols = T0, .fi = 9, .di = 4, WI_DEF, T1_DEF, .specific = true,
	  .specific_protocol = 0, .specific_can_change = true },
	{ .name = "win_specific_t1", ATR(0x3b, 0x90, 0x11, 0x10, 0x01),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .specific = true,
	  .specific_protocol = 1, .specific_can_change = true },
	{ .name = "win_specific_t15", ATR(0x3b, 0x90, 0x11, 0x10, 0x0f),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .specific = true,
	  .specific_protocol = 15, .specific_can_change = true },
	{ .name = "specific_fixed_implicit", ATR(0x3b, 0x90, 0x11, 0x10, 0x91),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF, .specific = true,
	  .specific_protocol = 1, .specific_implicit = true },
	{ .name = "win_ifsc_ff_kept_default",
	  ATR(0x3b, 0x80, 0x81, 0x11, 0xff, 0xef),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, T1_DEF,
	  .has_tck = true },
	{ .name = "win_ifsc_00_kept_default",
	  ATR(0x3b, 0x80, 0x81, 0x11, 0x00, 0x10),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, T1_DEF,
	  .has_tck = true },
	{ .name = "ifsc_fe", ATR(0x3b, 0x80, 0x81, 0x11, 0xfe, 0xee),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, .ifsc = 254,
	  .cwi = 13, .bwi = 4, .has_tck = true },
	{ .name = "win_edc_crc", ATR(0x3b, 0x80, 0x81, 0x41, 0xff, 0xbf),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, T1_DEF,
	  .edc_crc = true, .has_tck = true },
	{ .name = "win_tb3_23", ATR(0x3b, 0x80, 0x81, 0x21, 0x23, 0x03),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, .ifsc = 32,
	  .cwi = 3, .bwi = 2, .has_tck = true },
	{ .name = "win_tb3_f0", ATR(0x3b, 0x80, 0x81, 0x21, 0xf0, 0xd0),
	  .protocols = T1, .first_protocol = 1, FD_DEF, WI_DEF, .ifsc = 32,
	  .cwi = 0, .bwi = 15, .has_tck = true },
	{ .name = "win_tc1_02", ATR(0x3b, 0x40, 0x02),
	  .protocols = T0, FD_DEF, .n = 2, WI_DEF, T1_DEF },
	{ .name = "win_tc1_fe", ATR(0x3b, 0x40, 0xfe),
	  .protocols = T0, FD_DEF, .n = 254, WI_DEF, T1_DEF },
	{ .name = "win_tc1_ff", ATR(0x3b, 0x40, 0xff),
	  .protocols = T0, FD_DEF, .n = 255, WI_DEF, T1_DEF },
	{ .name = "win_tc2_0a", ATR(0x3b, 0xc0, 0x00, 0x40, 0x0a),
	  .protocols = T0, FD_DEF, .wi = 10, T1_DEF },
	{ .name = "win_tc2_01", ATR(0x3b, 0xc0, 0x00, 0x40, 0x01),
	  .protocols = T0, FD_DEF, .wi = 1, T1_DEF },
	{ .name = "win_tc2_00", ATR(0x3b, 0xc0, 0x00, 0x40, 0x00),
	  .protocols = T0, FD_DEF, .wi = 0, T1_DEF },
	{ .name = "win_tc2_ff", ATR(0x3b, 0xc0, 0x00, 0x40, 0xff),
	  .protocols = T0, FD_DEF, .wi = 255, T1_DEF },
	{ .name = "win_tb1_tb2_ignored", ATR(0x3b, 0xa0, 0x00, 0x20, 0x5a),
	  .protocols = T0, FD_DEF, WI_DEF, T1_DEF },
};

static void scard_atr_good_desc(const struct scard_atr_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_atr_good, scard_atr_good, scard_atr_good_desc);

/* A copy of @len bytes of @buf in an allocation of exactly that size. */
static const u8 *scard_atr_dup(struct kunit *test, const u8 *buf, size_t len)
{
	u8 *p = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	memcpy(p, buf, len);
	return p;
}

static void scard_atr_parse_valid(struct kunit *test)
{
	const struct scard_atr_vec *v = test->param_value;
	const u8 *buf = scard_atr_dup(test, v->atr, v->len);
	struct scard_atr atr;
	size_t hist;

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, buf, v->len), 0);

	KUNIT_EXPECT_EQ(test, atr.len, v->len);
	KUNIT_EXPECT_EQ(test, atr.raw[0], v->inverse ? 0x3f : 0x3b);
	KUNIT_EXPECT_EQ(test, atr.inverse, v->inverse);
	KUNIT_EXPECT_EQ(test, atr.protocols, v->protocols);
	KUNIT_EXPECT_EQ(test, atr.first_protocol, v->first_protocol);
	KUNIT_EXPECT_EQ(test, atr.fi, v->fi);
	KUNIT_EXPECT_EQ(test, atr.di, v->di);
	KUNIT_EXPECT_EQ(test, atr.f, scard_atr_fi_to_f(v->fi));
	KUNIT_EXPECT_EQ(test, atr.fmax, scard_atr_fi_to_fmax(v->fi));
	KUNIT_EXPECT_EQ(test, atr.d, scard_atr_di_to_d(v->di));
	KUNIT_EXPECT_EQ(test, atr.n, v->n);
	KUNIT_EXPECT_EQ(test, atr.wi, v->wi);
	KUNIT_EXPECT_EQ(test, atr.ifsc, v->ifsc);
	KUNIT_EXPECT_EQ(test, atr.cwi, v->cwi);
	KUNIT_EXPECT_EQ(test, atr.bwi, v->bwi);
	KUNIT_EXPECT_EQ(test, atr.edc_crc, v->edc_crc);
	KUNIT_EXPECT_EQ(test, atr.specific, v->specific);
	KUNIT_EXPECT_EQ(test, atr.specific_protocol, v->specific_protocol);
	KUNIT_EXPECT_EQ(test, atr.specific_can_change, v->specific_can_change);
	KUNIT_EXPECT_EQ(test, atr.specific_implicit, v->specific_implicit);
	KUNIT_EXPECT_EQ(test, atr.class_indicator, v->class_indicator);
	KUNIT_EXPECT_EQ(test, atr.clock_stop, v->clock_stop);
	KUNIT_EXPECT_EQ(test, atr.has_tck, v->has_tck);

	/* The historical bytes are the last ones, TCK apart. */
	KUNIT_ASSERT_EQ(test, atr.hist_len, v->hist_len);
	hist = atr.len - atr.hist_len - (atr.has_tck ? 1 : 0);
	KUNIT_EXPECT_MEMEQ(test, atr.hist, &atr.raw[hist], atr.hist_len);
	if (!v->inverse || v->atr[0] == 0x3f)
		KUNIT_EXPECT_MEMEQ(test, atr.raw, v->atr, v->len);
}

struct scard_atr_bad_vec {
	const char *name;
	u8 atr[SCARD_MAX_ATR + 8];
	u8 len;
};

static const struct scard_atr_bad_vec scard_atr_bad[] = {
	{ .name = "empty", .len = 0 },
	{ .name = "ts_alone", ATR(0x3b) },
	{ .name = "inverse_ts_alone", ATR(0x03) },
	{ .name = "bad_ts_3a", ATR(0x3a, 0x00) },
	{ .name = "bad_ts_00", ATR(0x00, 0x00) },
	{ .name = "bad_ts_23", ATR(0x23, 0x00) },
	{ .name = "ta1_missing", ATR(0x3b, 0x10) },
	{ .name = "historical_missing", ATR(0x3b, 0x0f) },
	{ .name = "historical_short",
	  ATR(0x3b, 0x0f, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
	      0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e) },
	{ .name = "trailing_byte_no_tck", ATR(0x3b, 0x00, 0xff) },
	{ .name = "trailing_byte_t0_td1", ATR(0x3b, 0x80, 0x00, 0x80) },
	{ .name = "di_0", ATR(0x3b, 0x10, 0x10) },
	{ .name = "di_10", ATR(0x3b, 0x10, 0x1a) },
	{ .name = "di_15", ATR(0x3b, 0x10, 0x1f) },
	{ .name = "fi_7", ATR(0x3b, 0x10, 0x71) },
	{ .name = "fi_8", ATR(0x3b, 0x10, 0x81) },
	{ .name = "fi_14", ATR(0x3b, 0x10, 0xe1) },
	{ .name = "fi_15", ATR(0x3b, 0x10, 0xf1) },
	{ .name = "t1_tck_missing", ATR(0x3b, 0x80, 0x01) },
	{ .name = "t1_tck_wrong", ATR(0x3b, 0x80, 0x01, 0x00) },
	{ .name = "t0_t1_tck_missing", ATR(0x3b, 0x80, 0x80, 0x01) },
	{ .name = "t15_tck_missing", ATR(0x3b, 0x80, 0x80, 0x1f, 0x07) },
	{ .name = "td1_t15", ATR(0x3b, 0x80, 0x0f, 0x8f) },
	{ .name = "td_chain_truncated", ATR(0x3b, 0x80, 0x81, 0x91) },
	{ .name = "openpgp_tck_wrong",
	  ATR(0x3b, 0xda, 0x18, 0xff, 0x81, 0xb1, 0xfe, 0x75, 0x1f, 0x03,
	      0x00, 0x31, 0xc5, 0x73, 0xc0, 0x01, 0x40, 0x00, 0x90, 0x00,
	      0x0d) },
	{ .name = "openpgp_historical_corrupt",
	  ATR(0x3b, 0xda, 0x18, 0xff, 0x81, 0xb1, 0xfe, 0x75, 0x1f, 0x03,
	      0x00, 0x31, 0xc5, 0x73, 0xc0, 0x01, 0x40, 0x00, 0x90, 0x01,
	      0x0c) },
	{ .name = "yubikey_4_tck_missing",
	  ATR(0x3b, 0xf8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x59,
	      0x75, 0x62, 0x69, 0x6b, 0x65, 0x79, 0x34) },
	{ .name = "athena_truncated",
	  ATR(0x3b, 0xd5, 0x18, 0xff, 0x80, 0x91, 0xfe, 0x1f, 0xc3, 0x80,
	      0x73, 0xc8) },
	{ .name = "cac_extra_byte",
	  ATR(0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74, 0x65, 0x20,
	      0x63, 0x64, 0x31, 0x34, 0x34, 0x00) },
	{ .name = "max_length_plus_one",
	  ATR(0x3b, 0xff, 0x96, 0x00, 0x00, 0xe1, 0x00, 0x14, 0xf1, 0xfe,
	      0x55, 0x01, 0xf1, 0x20, 0x77, 0x00, 0x01, 0x41, 0x42, 0x43,
	      0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d,
	      0x4e, 0x4f, 0x20, 0x00) },
	/* Well formed, TCK right, but 34 bytes: one TD more than above. */
	{ .name = "well_formed_34",
	  ATR(0x3b, 0xff, 0x96, 0x00, 0x00, 0xe1, 0x00, 0x14, 0xf1, 0xfe,
	      0x55, 0x01, 0xf1, 0x20, 0x77, 0x00, 0x81, 0x01, 0x41, 0x42,
	      0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c,
	      0x4d, 0x4e, 0x4f, 0xa1) },
	{ .name = "inverse_undecoded_truncated",
	  ATR(0x03, 0x59, 0x5b, 0xef, 0x33, 0xdf, 0xfb, 0xf6) },
};

static void scard_atr_bad_desc(const struct scard_atr_bad_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(scard_atr_bad, scard_atr_bad, scard_atr_bad_desc);

static void scard_atr_parse_invalid(struct kunit *test)
{
	const struct scard_atr_bad_vec *v = test->param_value;
	const u8 *buf = scard_atr_dup(test, v->atr, v->len);
	struct scard_atr atr;

	KUNIT_EXPECT_EQ(test, scard_atr_parse(&atr, buf, v->len), -EINVAL);
}

static void scard_atr_parse_null_buffer(struct kunit *test)
{
	struct scard_atr atr;

	KUNIT_EXPECT_EQ(test, scard_atr_parse(&atr, NULL, 2), -EINVAL);
}

static void scard_atr_parse_keeps_raw_on_error(struct kunit *test)
{
	static const u8 bad[] = { 0x03, 0xf7 };	/* 3F 10: TA1 missing */
	struct scard_atr atr;

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, bad, sizeof(bad)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, atr.len, 2);
	KUNIT_EXPECT_EQ(test, atr.raw[0], 0x3f);
	KUNIT_EXPECT_EQ(test, atr.raw[1], 0x10);
}

static void scard_atr_parse_oversize_keeps_nothing(struct kunit *test)
{
	u8 big[SCARD_MAX_ATR + 1];
	struct scard_atr atr;

	memset(big, 0x3b, sizeof(big));
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, big, sizeof(big)), -EINVAL);
	KUNIT_EXPECT_EQ(test, atr.len, 0);
}

static void scard_atr_parse_undecoded_inverse_raw(struct kunit *test)
{
	static const u8 undecoded[] = {
		0x03, 0x59, 0x5b, 0xef, 0x33, 0xdf, 0xfb, 0xf6, 0xff,
	};
	static const u8 decoded[] = {
		0x3f, 0x65, 0x25, 0x08, 0x33, 0x04, 0x20, 0x90, 0x00,
	};
	struct scard_atr atr;

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, undecoded,
					      sizeof(undecoded)), 0);
	KUNIT_EXPECT_TRUE(test, atr.inverse);
	KUNIT_ASSERT_EQ(test, atr.len, sizeof(decoded));
	KUNIT_EXPECT_MEMEQ(test, atr.raw, decoded, sizeof(decoded));
	KUNIT_EXPECT_MEMEQ(test, atr.hist, &decoded[4], 5);
}

static void scard_atr_parse_historical_bytes(struct kunit *test)
{
	static const u8 yubikey[] = {
		0x3b, 0xf8, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x59,
		0x75, 0x62, 0x69, 0x6b, 0x65, 0x79, 0x34, 0xd4,
	};
	struct scard_atr atr;

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, yubikey, sizeof(yubikey)),
			0);
	KUNIT_ASSERT_EQ(test, atr.hist_len, 8);
	KUNIT_EXPECT_MEMEQ(test, atr.hist, "Yubikey4", 8);
}

static void scard_atr_parse_speed_values(struct kunit *test)
{
	static const u8 fast[] = { 0x3b, 0x10, 0x96 };
	static const u8 dflt[] = { 0x3b, 0x00 };
	struct scard_atr atr;

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, fast, sizeof(fast)), 0);
	KUNIT_EXPECT_EQ(test, atr.f, 512);
	KUNIT_EXPECT_EQ(test, atr.d, 32);
	KUNIT_EXPECT_EQ(test, atr.fmax, 5000);

	KUNIT_ASSERT_EQ(test, scard_atr_parse(&atr, dflt, sizeof(dflt)), 0);
	KUNIT_EXPECT_EQ(test, atr.f, 372);
	KUNIT_EXPECT_EQ(test, atr.d, 1);
	KUNIT_EXPECT_EQ(test, atr.fmax, 5000);
}

static void scard_atr_inverse_byte_known_values(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, scard_atr_inverse_byte(0x03), 0x3f);
	KUNIT_EXPECT_EQ(test, scard_atr_inverse_byte(0x3f), 0x03);
	KUNIT_EXPECT_EQ(test, scard_atr_inverse_byte(0xff), 0x00);
	KUNIT_EXPECT_EQ(test, scard_atr_inverse_byte(0x00), 0xff);
	KUNIT_EXPECT_EQ(test, scard_atr_inverse_byte(0x3b), 0x23);
	KUNIT_EXPECT_EQ(test, scard_atr_inverse_byte(0x80), 0xfe);
}

static void scard_atr_inverse_byte_involution(struct kunit *test)
{
	unsigned int b;

	for (b = 0; b < 256; b++)
		KUNIT_EXPECT_EQ(test,
				scard_atr_inverse_byte(scard_atr_inverse_byte(b)),
				b);
}

static void scard_atr_fi_to_f_table(struct kunit *test)
{
	static const u16 f[16] = {
		372, 372, 558, 744, 1116, 1488, 1860, 0,
		0, 512, 768, 1024, 1536, 2048, 0, 0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_EQ(test, scard_atr_fi_to_f(i), f[i]);
	KUNIT_EXPECT_EQ(test, scard_atr_fi_to_f(16), 0);
	KUNIT_EXPECT_EQ(test, scard_atr_fi_to_f(255), 0);
}

static void scard_atr_fi_to_fmax_table(struct kunit *test)
{
	static const u32 fmax[16] = {
		4000, 5000, 6000, 8000, 12000, 16000, 20000, 0,
		0, 5000, 7500, 10000, 15000, 20000, 0, 0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fmax); i++)
		KUNIT_EXPECT_EQ(test, scard_atr_fi_to_fmax(i), fmax[i]);
	KUNIT_EXPECT_EQ(test, scard_atr_fi_to_fmax(16), 0);
}

static void scard_atr_di_to_d_table(struct kunit *test)
{
	static const u8 d[16] = {
		0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(d); i++)
		KUNIT_EXPECT_EQ(test, scard_atr_di_to_d(i), d[i]);
	KUNIT_EXPECT_EQ(test, scard_atr_di_to_d(16), 0);
}

/*
 * A reader receiving a good ATR byte by byte: every prefix asks for more,
 * the whole ATR is complete, and a byte more is one too many. The same
 * for the bytes as an inverse-convention card sends them (undecoded).
 */
static void scard_atr_length_prefixes(struct kunit *test)
{
	const struct scard_atr_vec *v = test->param_value;
	u8 raw[SCARD_MAX_ATR + 1];
	unsigned int pass;
	size_t k;

	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < v->len; k++)
			raw[k] = pass ? scard_atr_inverse_byte(v->atr[k]) :
					v->atr[k];
		if (pass && v->atr[0] != 0x3f)
			break;
		for (k = 0; k < v->len; k++)
			KUNIT_EXPECT_GT_MSG(test, scard_atr_length(raw, k), (int)k,
					    "pass %u prefix %zu", pass, k);
		KUNIT_EXPECT_EQ(test, scard_atr_length(raw, v->len),
				(int)v->len);
		if (v->len < SCARD_MAX_ATR) {
			raw[v->len] = 0;
			KUNIT_EXPECT_EQ(test, scard_atr_length(raw, v->len + 1),
					(int)v->len);
		}
	}
}

/* TS not 3B/3F/03, and an ATR that announces 34 bytes. */
static void scard_atr_length_invalid(struct kunit *test)
{
	static const u8 bad_ts[] = { 0x3c, 0x00 };
	static const u8 too_long[] = { 0x3b, 0xff, 0x96, 0x00, 0x00, 0xe1,
				       0x00, 0x14, 0xf1, 0xfe, 0x55, 0x01,
				       0xf1, 0x20, 0x77, 0x00, 0x81, 0x01 };

	KUNIT_EXPECT_EQ(test, scard_atr_length(bad_ts, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, scard_atr_length(bad_ts, 0), 1);
	KUNIT_EXPECT_EQ(test, scard_atr_length(too_long, sizeof(too_long)),
			-EINVAL);
}

static struct kunit_case scard_atr_cases[] = {
	KUNIT_CASE_PARAM(scard_atr_parse_valid, scard_atr_good_gen_params),
	KUNIT_CASE_PARAM(scard_atr_parse_invalid, scard_atr_bad_gen_params),
	KUNIT_CASE(scard_atr_parse_null_buffer),
	KUNIT_CASE_PARAM(scard_atr_length_prefixes, scard_atr_good_gen_params),
	KUNIT_CASE(scard_atr_length_invalid),
	KUNIT_CASE(scard_atr_parse_keeps_raw_on_error),
	KUNIT_CASE(scard_atr_parse_oversize_keeps_nothing),
	KUNIT_CASE(scard_atr_parse_undecoded_inverse_raw),
	KUNIT_CASE(scard_atr_parse_historical_bytes),
	KUNIT_CASE(scard_atr_parse_speed_values),
	KUNIT_CASE(scard_atr_inverse_byte_known_values),
	KUNIT_CASE(scard_atr_inverse_byte_involution),
	KUNIT_CASE(scard_atr_fi_to_f_table),
	KUNIT_CASE(scard_atr_fi_to_fmax_table),
	KUNIT_CASE(scard_atr_di_to_d_table),
	{}
};

struct kunit_suite scard_atr_suite = {
	.name = "scard_atr",
	.test_cases = scard_atr_cases,
};
