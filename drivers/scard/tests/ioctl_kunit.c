// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite scard_ioctl: the ioctl table's argument checks and the
 * attribute answers, on a reader that is never registered.
 *
 * This file also registers every scard suite: a module may hold only one
 * kunit_test_suites() list.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/scard.h>
#include <linux/string.h>

#include "../scard_core.h"
#include "scard_kunit.h"

static const u32 scard_known_codes[] = {
	IOCTL_SMARTCARD_POWER, IOCTL_SMARTCARD_GET_ATTRIBUTE,
	IOCTL_SMARTCARD_SET_ATTRIBUTE, IOCTL_SMARTCARD_CONFISCATE,
	IOCTL_SMARTCARD_TRANSMIT, IOCTL_SMARTCARD_EJECT,
	IOCTL_SMARTCARD_SWALLOW, IOCTL_SMARTCARD_IS_PRESENT,
	IOCTL_SMARTCARD_IS_ABSENT, IOCTL_SMARTCARD_SET_PROTOCOL,
	IOCTL_SMARTCARD_GET_STATE, IOCTL_SMARTCARD_GET_LAST_ERROR,
	IOCTL_SMARTCARD_GET_PERF_CNTR, IOCTL_SMARTCARD_GET_FEATURE_REQUEST,
	IOCTL_CCID_ESCAPE, IOCTL_SCARD_VERIFY_PIN_DIRECT,
	IOCTL_SCARD_MODIFY_PIN_DIRECT, IOCTL_SCARD_IFD_PIN_PROPERTIES,
	IOCTL_SCARD_GET_TLV_PROPERTIES,
};

static void scard_ioctl_find_known_codes(struct kunit *test)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scard_known_codes); i++) {
		const struct scard_ioctl_desc *d;

		d = scard_ioctl_find(scard_known_codes[i]);
		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_EXPECT_EQ(test, d->code, scard_known_codes[i]);
		KUNIT_EXPECT_NOT_NULL(test, d->handler);
		KUNIT_EXPECT_LE(test, d->min_in, d->max_in);
		KUNIT_EXPECT_LE(test, d->min_out, d->max_out);
	}
}

static void scard_ioctl_find_unknown_codes(struct kunit *test)
{
	/* Obsolete READ/WRITE, the unassigned 13, past the end, VFS codes. */
	static const u32 unknown[] = {
		SCARD_CTL_CODE(8), SCARD_CTL_CODE(9), SCARD_CTL_CODE(13),
		SCARD_CTL_CODE(17), SCARD_CTL_CODE(2048), SCARD_CTL_CODE(0),
		0x5421 /* FIONBIO */, 0x541B /* FIONREAD */, 0,
		0x00310005 /* POWER with METHOD_IN_DIRECT */,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(unknown); i++)
		KUNIT_EXPECT_NULL(test, scard_ioctl_find(unknown[i]));
}

static void scard_ioctl_codes_match_winsmcrd(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, IOCTL_SMARTCARD_POWER, 0x00310004U);
	KUNIT_EXPECT_EQ(test, IOCTL_SMARTCARD_TRANSMIT, 0x00310014U);
	KUNIT_EXPECT_EQ(test, IOCTL_SMARTCARD_SET_PROTOCOL, 0x00310030U);
	KUNIT_EXPECT_EQ(test, IOCTL_SMARTCARD_GET_PERF_CNTR, 0x00310040U);
	KUNIT_EXPECT_EQ(test, IOCTL_SMARTCARD_GET_FEATURE_REQUEST,
			0x00313520U);
	KUNIT_EXPECT_EQ(test, IOCTL_CCID_ESCAPE, 0x003136B0U);
	/* Part 10 features: SCARD_CTL_CODE(3400 + tag). */
	KUNIT_EXPECT_EQ(test, IOCTL_SCARD_VERIFY_PIN_DIRECT, 0x00313538U);
	KUNIT_EXPECT_EQ(test, IOCTL_SCARD_MODIFY_PIN_DIRECT, 0x0031353CU);
	KUNIT_EXPECT_EQ(test, IOCTL_SCARD_IFD_PIN_PROPERTIES, 0x00313548U);
	KUNIT_EXPECT_EQ(test, IOCTL_SCARD_GET_TLV_PROPERTIES, 0x00313568U);
}

static void scard_ioctl_check_flags_nonzero(struct kunit *test)
{
	const struct scard_ioctl_desc *d =
		scard_ioctl_find(IOCTL_SMARTCARD_GET_STATE);
	struct scard_dioc dioc = { .out_len = 4, .flags = 1 };
	u32 needed = 0;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), -EINVAL);
}

static void scard_ioctl_check_in_len_range(struct kunit *test)
{
	const struct scard_ioctl_desc *d =
		scard_ioctl_find(IOCTL_SMARTCARD_POWER);
	struct scard_dioc dioc = { .out_len = 33 };
	u32 needed = 0;

	KUNIT_ASSERT_NOT_NULL(test, d);
	dioc.in_len = 3;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), -EINVAL);
	dioc.in_len = 5;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), -EINVAL);
	dioc.in_len = 4;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), 0);
}

static void scard_ioctl_check_transmit_sizes(struct kunit *test)
{
	const struct scard_ioctl_desc *d =
		scard_ioctl_find(IOCTL_SMARTCARD_TRANSMIT);
	struct scard_dioc dioc = { .out_len = 10 };
	u32 needed = 0;

	KUNIT_ASSERT_NOT_NULL(test, d);
	dioc.in_len = 8 + 3;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), -EINVAL);
	dioc.in_len = 8 + 4;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), 0);
	dioc.in_len = 8 + SCARD_MAX_APDU + 1;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), -EINVAL);
	dioc.in_len = 8 + 5;
	dioc.out_len = 9;
	KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, needed, 10U);
}

static void scard_ioctl_check_out_len_reports_needed(struct kunit *test)
{
	static const struct { u32 code, min; } rows[] = {
		{ IOCTL_SMARTCARD_GET_STATE, 4 },
		{ IOCTL_SMARTCARD_GET_LAST_ERROR, 4 },
		{ IOCTL_SMARTCARD_SET_PROTOCOL, 4 },
		{ IOCTL_SMARTCARD_GET_PERF_CNTR, SCARD_PERF_CNTR_SIZE_VER0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct scard_ioctl_desc *d = scard_ioctl_find(rows[i].code);
		struct scard_dioc dioc = { .in_len = d ? d->min_in : 0 };
		u32 needed = 0;

		KUNIT_ASSERT_NOT_NULL(test, d);
		dioc.out_len = rows[i].min - 1;
		KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed),
				-EOVERFLOW);
		KUNIT_EXPECT_EQ(test, needed, rows[i].min);
		dioc.out_len = rows[i].min;
		KUNIT_EXPECT_EQ(test, scard_ioctl_check(d, &dioc, &needed), 0);
	}
}

static void scard_ioctl_perf_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct scard_perf_cntr),
			(size_t)SCARD_PERF_CNTR_SIZE_VER0);
	KUNIT_EXPECT_EQ(test, sizeof(struct scard_dioc), (size_t)32);
	KUNIT_EXPECT_EQ(test, sizeof(struct scard_io_request), (size_t)8);
}

/* A reader that was never registered: enough for the attribute code. */
static struct scard_reader *scard_test_reader(struct kunit *test, u32 state)
{
	struct scard_reader *rdr = kunit_kzalloc(test, sizeof(*rdr),
						 GFP_KERNEL);
	static const u8 cac_atr[] = {
		0x3b, 0x7a, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74,
		0x65, 0x20, 0x63, 0x64, 0x31, 0x34, 0x34,
	};

	KUNIT_ASSERT_NOT_NULL(test, rdr);
	spin_lock_init(&rdr->state_lock);
	rdr->state = state;
	strscpy(rdr->caps.vendor_name, "QEMU", sizeof(rdr->caps.vendor_name));
	strscpy(rdr->caps.ifd_type, "QEMU USB CCID",
		sizeof(rdr->caps.ifd_type));
	rdr->caps.protocols = SCARD_PROTOCOL_T0;
	rdr->caps.default_clk = 4000;
	KUNIT_ASSERT_EQ(test, scard_atr_parse(&rdr->atr, cac_atr,
					      sizeof(cac_atr)), 0);
	return rdr;
}

static u32 scard_test_get_u32(struct kunit *test, struct scard_reader *rdr,
			      u32 tag)
{
	u32 val = 0, returned = 0, needed = 0;

	KUNIT_EXPECT_EQ(test, scard_attr_get(rdr, tag, (u8 *)&val,
					     sizeof(val), &returned, &needed),
			0);
	KUNIT_EXPECT_EQ(test, returned, 4U);
	return val;
}

static void scard_ioctl_attr_vendor_name_no_nul(struct kunit *test)
{
	struct scard_reader *rdr = scard_test_reader(test, SCARD_PRESENT);
	u8 out[32];
	u32 returned = 0, needed = 0;

	KUNIT_EXPECT_EQ(test, scard_attr_get(rdr, SCARD_ATTR_VENDOR_NAME, out,
					     sizeof(out), &returned, &needed),
			0);
	KUNIT_EXPECT_EQ(test, returned, 4U);
	KUNIT_EXPECT_MEMEQ(test, out, "QEMU", 4);
}

static void scard_ioctl_attr_too_small_reports_needed(struct kunit *test)
{
	struct scard_reader *rdr = scard_test_reader(test, SCARD_NEGOTIABLE);
	u32 returned = 0, needed = 0;
	u8 out[4];

	KUNIT_EXPECT_EQ(test, scard_attr_get(rdr, SCARD_ATTR_ATR_STRING, out,
					     sizeof(out), &returned, &needed),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, needed, 15U);
	KUNIT_EXPECT_EQ(test, scard_attr_get(rdr, SCARD_ATTR_VENDOR_NAME, out,
					     3, &returned, &needed),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, needed, 4U);
}

static void scard_ioctl_attr_card_tags_need_atr(struct kunit *test)
{
	static const u32 tags[] = {
		SCARD_ATTR_ATR_STRING, SCARD_ATTR_CURRENT_PROTOCOL_TYPE,
		SCARD_ATTR_CURRENT_F, SCARD_ATTR_CURRENT_IFSC,
		SCARD_ATTR_ICC_TYPE_PER_ATR,
	};
	struct scard_reader *rdr = scard_test_reader(test, SCARD_PRESENT);
	u32 returned = 0, needed = 0;
	u8 out[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tags); i++)
		KUNIT_EXPECT_EQ(test, scard_attr_get(rdr, tags[i], out,
						     sizeof(out), &returned,
						     &needed),
				-EBADFD);
}

static void scard_ioctl_attr_icc_presence_by_state(struct kunit *test)
{
	static const struct { u32 state; int ret; u8 val; } rows[] = {
		{ SCARD_UNKNOWN, -EBADFD, 0 },
		{ SCARD_ABSENT, 0, 0 },
		{ SCARD_PRESENT, 0, 1 },
		{ SCARD_POWERED, 0, 2 },
		{ SCARD_SPECIFIC, 0, 2 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct scard_reader *rdr = scard_test_reader(test,
							     rows[i].state);
		u32 returned = 0, needed = 0;
		u8 val = 0xaa;

		KUNIT_EXPECT_EQ(test, scard_attr_get(rdr,
						     SCARD_ATTR_ICC_PRESENCE,
						     &val, 1, &returned,
						     &needed),
				rows[i].ret);
		if (!rows[i].ret)
			KUNIT_EXPECT_EQ(test, val, rows[i].val);
	}
}

static void scard_ioctl_attr_current_f_d(struct kunit *test)
{
	struct scard_reader *rdr = scard_test_reader(test, SCARD_NEGOTIABLE);

	/* TA1 = 0x18: Fi 1 (372), Di 8 (12), before PPS. */
	KUNIT_EXPECT_EQ(test, scard_test_get_u32(test, rdr,
						 SCARD_ATTR_CURRENT_F), 372U);
	KUNIT_EXPECT_EQ(test, scard_test_get_u32(test, rdr,
						 SCARD_ATTR_CURRENT_D), 12U);
	KUNIT_EXPECT_EQ(test, scard_test_get_u32(test, rdr,
						 SCARD_ATTR_CURRENT_W), 10U);
	KUNIT_EXPECT_EQ(test,
			scard_test_get_u32(test, rdr,
					   SCARD_ATTR_CURRENT_PROTOCOL_TYPE),
			0U);

	/* Selected with default parameters. */
	rdr->state = SCARD_SPECIFIC;
	rdr->params.protocol = SCARD_PROTOCOL_T0;
	rdr->params.fi = 1;
	rdr->params.di = 1;
	KUNIT_EXPECT_EQ(test, scard_test_get_u32(test, rdr,
						 SCARD_ATTR_CURRENT_D), 1U);
	KUNIT_EXPECT_EQ(test,
			scard_test_get_u32(test, rdr,
					   SCARD_ATTR_CURRENT_PROTOCOL_TYPE),
			SCARD_PROTOCOL_T0);
}

static void scard_ioctl_attr_unknown_tag(struct kunit *test)
{
	struct scard_reader *rdr = scard_test_reader(test, SCARD_SPECIFIC);
	u32 returned = 0, needed = 0;
	u8 out[64];

	KUNIT_EXPECT_EQ(test, scard_attr_get(rdr, 0x12345678, out, sizeof(out),
					     &returned, &needed),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, scard_attr_get(rdr,
					     SCARD_ATTR_SUPRESS_T1_IFS_REQUEST,
					     out, sizeof(out), &returned,
					     &needed),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, returned, 0U);
}

static struct kunit_case scard_ioctl_cases[] = {
	KUNIT_CASE(scard_ioctl_find_known_codes),
	KUNIT_CASE(scard_ioctl_find_unknown_codes),
	KUNIT_CASE(scard_ioctl_codes_match_winsmcrd),
	KUNIT_CASE(scard_ioctl_check_flags_nonzero),
	KUNIT_CASE(scard_ioctl_check_in_len_range),
	KUNIT_CASE(scard_ioctl_check_transmit_sizes),
	KUNIT_CASE(scard_ioctl_check_out_len_reports_needed),
	KUNIT_CASE(scard_ioctl_perf_layout),
	KUNIT_CASE(scard_ioctl_attr_vendor_name_no_nul),
	KUNIT_CASE(scard_ioctl_attr_too_small_reports_needed),
	KUNIT_CASE(scard_ioctl_attr_card_tags_need_atr),
	KUNIT_CASE(scard_ioctl_attr_icc_presence_by_state),
	KUNIT_CASE(scard_ioctl_attr_current_f_d),
	KUNIT_CASE(scard_ioctl_attr_unknown_tag),
	{}
};

struct kunit_suite scard_ioctl_suite = {
	.name = "scard_ioctl",
	.test_cases = scard_ioctl_cases,
};

kunit_test_suites(&scard_atr_suite, &scard_t0_suite, &scard_ccid_msg_suite,
		  &scard_ioctl_suite, &scard_pps_suite, &scard_char_suite,
		  &scard_t1_suite, &scard_serial_suite,
		  &scard_ccid_quirks_suite, &scard_pin_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the scard smart card library");
MODULE_LICENSE("GPL");
