// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite scard_pin: scard_pin_parse(), the field-by-field check of
 * PC/SC part 10's PIN_VERIFY_STRUCTURE and PIN_MODIFY_STRUCTURE
 * (drivers/scard/pin.c), and the CCID PC_to_RDR_Secure built from it
 * (scard_ccid_build_secure(), drivers/scard/ccid_msg.c).
 *
 * Each case is a well-formed structure with one byte changed (or its
 * length), so a case fails for the one check it is about.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard.h>
#include <linux/string.h>

#include "../ccid_msg.h"
#include "scard_kunit.h"

/*
 * VERIFY 80, ISO 9564 format 2: BCD digits at byte 1 of an 8-byte block,
 * a 4-bit length at bit 4, 4 to 12 digits; bTimerOut 30 s.
 */
static const u8 verify_base[] = {
	30, 0, 0x89, 0x48, 0x04, 0x0C, 0x04, 0x02, 0x01, 0x09, 0x04, 0x00,
	0, 0, 0, 13, 0, 0, 0,
	0x00, 0x20, 0x00, 0x80, 0x08,
	0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

/*
 * CHANGE REFERENCE DATA: two 8-byte ASCII blocks at 0 and 8, 4 to 8
 * digits, current PIN and confirmation asked for, three messages.
 */
static const u8 modify_base[] = {
	30, 0, 0x82, 0x08, 0x00, 0, 8, 0x08, 0x04, 0x03, 0x02, 0x03,
	0x09, 0x04, 0, 1, 2, 0, 0, 0, 21, 0, 0, 0,
	0x00, 0x24, 0x00, 0x80, 16,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

#define NONE	0xFFFF

struct pin_case {
	const char *name;
	bool modify;
	u16 off;	/* byte to change, NONE: none */
	u8 val;
	int trim;	/* bytes cut off the end (ulDataLength kept) */
	int ret;
};

static const struct pin_case pin_cases[] = {
	{ "verify_ok", false, NONE, 0, 0, 0 },
	{ "verify_timeouts_any", false, 0, 0xFF, 0, 0 },
	{ "verify_default_messages", false, 8, 0xFF, 0, 0 },
	{ "verify_no_message", false, 8, 0x00, 0, 0 },
	{ "verify_two_messages", false, 8, 0x02, 0, -EINVAL },
	{ "verify_data_length_high", false, 15, 14, 0, -EINVAL },
	{ "verify_data_length_low", false, 15, 12, 0, -EINVAL },
	{ "verify_data_length_top_byte", false, 18, 1, 0, -EINVAL },
	{ "verify_input_short", false, NONE, 0, 1, -EINVAL },
	{ "verify_lc_high", false, 23, 0x09, 0, -EINVAL },
	{ "verify_lc_low", false, 23, 0x06, 0, -EINVAL },
	{ "verify_lc_extended", false, 23, 0x00, 0, -EINVAL },
	{ "verify_coding_rfu", false, 2, 0x8B, 0, -EINVAL },
	{ "verify_length_format_rfu", false, 4, 0x84, 0, -EINVAL },
	{ "verify_max_digits_0", false, 5, 0x00, 0, -EINVAL },
	{ "verify_min_above_max", false, 6, 0x0D, 0, -EINVAL },
	{ "verify_min_equal_max", false, 6, 0x0C, 0, 0 },
	{ "verify_min_does_not_fit", false, 3, 0x42, 0, -EINVAL },
	{ "verify_frame_past_block", false, 2, 0xF9, 0, -EINVAL },
	{ "verify_length_field_past_block", false, 4, 0x1F, 0, -EINVAL },
	{ "verify_length_field_narrow", false, 3, 0x28, 0, -EINVAL },
	{ "verify_length_without_block", false, 3, 0x40, 0, -EINVAL },
	{ "verify_length_in_pin_frame", false, 2, 0x81, 0, -EINVAL },
	{ "verify_block_larger_than_lc", false, 3, 0x49, 0, -EINVAL },
	{ "verify_entry_none", false, 7, 0x00, 0, -EINVAL },
	{ "verify_entry_rfu", false, 7, 0x08, 0, -EINVAL },
	{ "verify_entry_all", false, 7, 0x07, 0, 0 },
	{ "modify_ok", true, NONE, 0, 0, 0 },
	{ "modify_no_current", true, 9, 0x01, 0, 0 },
	{ "modify_new_only", true, 9, 0x00, 0, 0 },
	{ "modify_confirm_rfu", true, 9, 0x07, 0, -EINVAL },
	{ "modify_four_messages", true, 11, 0x04, 0, -EINVAL },
	{ "modify_default_messages", true, 11, 0xFF, 0, 0 },
	{ "modify_blocks_overlap", true, 6, 4, 0, -EINVAL },
	{ "modify_new_past_lc", true, 6, 9, 0, -EINVAL },
	{ "modify_old_past_lc", true, 5, 9, 0, -EINVAL },
	{ "modify_data_length_high", true, 20, 22, 0, -EINVAL },
	{ "modify_entry_none", true, 10, 0x00, 0, -EINVAL },
};

static void pin_case_desc(const struct pin_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pin, pin_cases, pin_case_desc);

/* Each structure is taken or refused, and a taken one reads back. */
static void scard_pin_parse_cases(struct kunit *test)
{
	const struct pin_case *c = test->param_value;
	const u8 *base = c->modify ? modify_base : verify_base;
	size_t len = c->modify ? sizeof(modify_base) : sizeof(verify_base);
	struct scard_pin_op op;
	u8 *buf;

	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, base, len);
	if (c->off != NONE)
		buf[c->off] = c->val;
	KUNIT_EXPECT_EQ(test, scard_pin_parse(&op, c->modify, buf,
					      len - c->trim), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, op.modify, c->modify);
	KUNIT_EXPECT_PTR_EQ(test, op.apdu, buf + (c->modify ?
			    SCARD_PIN_MODIFY_SIZE : SCARD_PIN_VERIFY_SIZE));
	KUNIT_EXPECT_EQ(test, op.apdu_len, c->modify ? 21 : 13);
	KUNIT_EXPECT_EQ(test, op.timeout, buf[0]);
	KUNIT_EXPECT_EQ(test, op.max_extra_digit,
			c->modify ? buf[7] | buf[8] << 8 : buf[5] | buf[6] << 8);
	KUNIT_EXPECT_EQ(test, op.lang_id, 0x0409);
}

/* The lone Lc form and CLA INS P1 P2 only: the reader sets Lc. */
static void scard_pin_parse_reader_lc(struct kunit *test)
{
	static const u8 ascii[] = {
		30, 0, 0x82, 0x00, 0x00, 0x08, 0x04, 0x02, 0x01, 0x09, 0x04,
		0x00, 0, 0, 0, 5, 0, 0, 0, 0x00, 0x20, 0x00, 0x80, 0x00,
	};
	struct scard_pin_op op;
	u8 buf[sizeof(ascii)];

	memcpy(buf, ascii, sizeof(buf));
	KUNIT_EXPECT_EQ(test, scard_pin_parse(&op, false, buf, sizeof(buf)), 0);
	buf[15] = 4;
	KUNIT_EXPECT_EQ(test, scard_pin_parse(&op, false, buf,
					      sizeof(buf) - 1), 0);
	KUNIT_EXPECT_EQ(test, op.apdu_len, 4);
	buf[15] = 3;
	KUNIT_EXPECT_EQ(test, scard_pin_parse(&op, false, buf,
					      sizeof(buf) - 2), -EINVAL);
}

/*
 * PC_to_RDR_Secure: bPINOperation, the CCID structure without bTimerOut2
 * and ulDataLength, bMsgIndex2/3 only when bNumberMessage asks for them.
 */
struct secure_case {
	const char *name;
	u8 n_messages;
	size_t struct_len;	/* bPINOperation to bTeoPrologue */
};

static const struct secure_case secure_cases[] = {
	{ "no_message", 0, 1 + 17 },
	{ "one_message", 1, 1 + 18 },
	{ "two_messages", 2, 1 + 18 },
	{ "three_messages", 3, 1 + 19 },
	{ "default_messages", 0xFF, 1 + 18 },
};

static void secure_case_desc(const struct secure_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(secure, secure_cases, secure_case_desc);

static void scard_ccid_build_secure_modify(struct kunit *test)
{
	const struct secure_case *c = test->param_value;
	struct scard_pin_op op;
	u8 in[sizeof(modify_base)], msg[128];
	const u8 *d = msg + CCID_HDR_SIZE;
	int len;

	memcpy(in, modify_base, sizeof(in));
	in[11] = c->n_messages;
	KUNIT_ASSERT_EQ(test, scard_pin_parse(&op, true, in, sizeof(in)), 0);
	len = scard_ccid_build_secure(msg, sizeof(msg), 1, 7, &op);
	KUNIT_ASSERT_EQ(test, len, CCID_HDR_SIZE + c->struct_len + 21);
	KUNIT_EXPECT_EQ(test, msg[0], CCID_PC_TO_RDR_SECURE);
	KUNIT_EXPECT_EQ(test, msg[1], c->struct_len + 21);
	KUNIT_EXPECT_EQ(test, msg[5], 1);
	KUNIT_EXPECT_EQ(test, msg[6], 7);
	KUNIT_EXPECT_EQ(test, d[0], 0x01);		/* modify */
	KUNIT_EXPECT_EQ(test, d[1], 30);		/* bTimeOut */
	KUNIT_EXPECT_EQ(test, d[2], 0x82);		/* bmFormatString */
	KUNIT_EXPECT_EQ(test, d[5], 0);			/* offset old */
	KUNIT_EXPECT_EQ(test, d[6], 8);			/* offset new */
	KUNIT_EXPECT_EQ(test, d[7], 0x08);		/* max digits */
	KUNIT_EXPECT_EQ(test, d[8], 0x04);		/* min digits */
	KUNIT_EXPECT_EQ(test, d[9], 0x03);		/* bConfirmPIN */
	KUNIT_EXPECT_EQ(test, d[11], c->n_messages);
	KUNIT_EXPECT_EQ(test, d[14], 0);		/* bMsgIndex1 */
	KUNIT_EXPECT_EQ(test, d[c->struct_len], 0x00);	/* APDU: CLA */
	KUNIT_EXPECT_EQ(test, d[c->struct_len + 1], 0x24);
	KUNIT_EXPECT_EQ(test, d[c->struct_len + 4], 16);
	/* No room: nothing half written. */
	KUNIT_EXPECT_EQ(test, scard_ccid_build_secure(msg, len - 1, 1, 7, &op),
			-EMSGSIZE);
}

static void scard_ccid_build_secure_verify(struct kunit *test)
{
	static const u8 want[] = {
		0x69, 28, 0, 0, 0, 0, 3, 0, 0, 0,
		0x00, 30, 0x89, 0x48, 0x04, 0x0C, 0x04, 0x02, 0x01, 0x09,
		0x04, 0x00, 0, 0, 0,
		0x00, 0x20, 0x00, 0x80, 0x08,
		0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	};
	struct scard_pin_op op;
	u8 msg[64];

	KUNIT_ASSERT_EQ(test, scard_pin_parse(&op, false, verify_base,
					      sizeof(verify_base)), 0);
	KUNIT_ASSERT_EQ(test, scard_ccid_build_secure(msg, sizeof(msg), 0, 3,
						      &op), sizeof(want));
	KUNIT_EXPECT_MEMEQ(test, msg, want, sizeof(want));
}

/* The reader's PIN outcomes become PC/SC part 10's status words. */
static void scard_ccid_pin_sw_map(struct kunit *test)
{
	struct scard_ccid_resp r = { .cmd_status = CCID_CMD_FAILED };
	u8 sw[2] = { 0, 0 };

	r.error = CCID_ERR_PIN_TIMEOUT;
	KUNIT_EXPECT_TRUE(test, scard_ccid_pin_sw(&r, sw));
	KUNIT_EXPECT_EQ(test, sw[0] << 8 | sw[1], 0x6400);
	r.error = CCID_ERR_PIN_CANCELLED;
	KUNIT_EXPECT_TRUE(test, scard_ccid_pin_sw(&r, sw));
	KUNIT_EXPECT_EQ(test, sw[0] << 8 | sw[1], 0x6401);
	r.error = CCID_ERR_ICC_MUTE;
	KUNIT_EXPECT_FALSE(test, scard_ccid_pin_sw(&r, sw));
	r.error = CCID_ERR_PIN_TIMEOUT;
	r.cmd_status = CCID_CMD_TIME_EXTENSION;
	KUNIT_EXPECT_FALSE(test, scard_ccid_pin_sw(&r, sw));
}

static struct kunit_case scard_pin_cases[] = {
	KUNIT_CASE_PARAM(scard_pin_parse_cases, pin_gen_params),
	KUNIT_CASE(scard_pin_parse_reader_lc),
	KUNIT_CASE_PARAM(scard_ccid_build_secure_modify, secure_gen_params),
	KUNIT_CASE(scard_ccid_build_secure_verify),
	KUNIT_CASE(scard_ccid_pin_sw_map),
	{}
};

struct kunit_suite scard_pin_suite = {
	.name = "scard_pin",
	.test_cases = scard_pin_cases,
};
