// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite scard_ccid_quirks: scard_ccid's quirks table lookup, the
 * "quirks" parameter's parser and the names sysfs shows
 * (drivers/scard/ccid_quirks.c).
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../ccid_quirks.h"
#include "scard_kunit.h"

#define Q_MSG	CCID_QUIRK_MAX_MSG_384
#define Q_WAKE	CCID_QUIRK_LOST_WAKEUP
#define Q_INT	CCID_QUIRK_NO_INTERRUPT

/* One more than scard_ccid_quirks_parse_param() has room for. */
#define FIVE_ENTRIES \
	"0001:0001:,0002:0001:,0003:0001:,0004:0001:,0005:0001:"

/* 256 characters: one more than the parameter holds with its NUL. */
#define X16	"1209:0001:none,\n"
static const char too_long[] = X16 X16 X16 X16 X16 X16 X16 X16
			       X16 X16 X16 X16 X16 X16 X16 X16;

struct quirks_parse_case {
	const char *name;
	const char *in;
	int ret;			/* entries, or a negative errno */
	struct scard_ccid_quirk first;	/* the first entry, when ret > 0 */
};

static const struct quirks_parse_case quirks_parse_cases[] = {
	{ "empty", "", 0 },
	{ "newline_only", "\n", 0 },
	{ "one_flag", "08e6:4433:max_msg_384", 1,
	  { 0x08e6, 0x4433, 0, 0xffff, Q_MSG } },
	{ "two_flags", "08E6:4433:lost_wakeup+no_interrupt\n", 1,
	  { 0x08e6, 0x4433, 0, 0xffff, Q_WAKE | Q_INT } },
	{ "pin_pad_and_level", "076b:3031:no_pin_pad+ext_apdu", 1,
	  { 0x076b, 0x3031, 0, 0xffff,
	    CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU } },
	{ "none", "1209:0001:none", 1, { 0x1209, 0x0001, 0, 0xffff, 0 } },
	{ "no_flags", "1209:0001:", 1, { 0x1209, 0x0001, 0, 0xffff, 0 } },
	{ "two_entries", "1209:0001:no_interrupt,08e6:4433:none", 2,
	  { 0x1209, 0x0001, 0, 0xffff, Q_INT } },
	{ "trailing_comma", "1209:0001:no_interrupt,", 1,
	  { 0x1209, 0x0001, 0, 0xffff, Q_INT } },
	{ "unknown_flag", "1209:0001:bogus", -EINVAL },
	{ "one_bad_of_two", "1209:0001:none,1209:0002:max_msg", -EINVAL },
	{ "no_flags_field", "1209:0001", -EINVAL },
	{ "short_vid", "209:0001:none", -EINVAL },
	{ "long_pid", "1209:00011:none", -EINVAL },
	{ "not_hex", "12g9:0001:none", -EINVAL },
	{ "empty_entry", "1209:0001:none,,1209:0002:none", -EINVAL },
	{ "empty_flag", "1209:0001:no_interrupt+", -EINVAL },
	{ "too_many", FIVE_ENTRIES, -E2BIG },
	{ "too_long", too_long, -ENOSPC },
};

static void quirks_parse_desc(const struct quirks_parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(quirks_parse, quirks_parse_cases, quirks_parse_desc);

/* Each parameter string parses to its entries or is refused. */
static void scard_ccid_quirks_parse_param(struct kunit *test)
{
	const struct quirks_parse_case *c = test->param_value;
	struct scard_ccid_quirk q[4] = { };

	KUNIT_ASSERT_EQ(test, scard_ccid_quirks_parse(c->in, q, ARRAY_SIZE(q)),
			c->ret);
	if (c->ret <= 0)
		return;
	KUNIT_EXPECT_EQ(test, q[0].vid, c->first.vid);
	KUNIT_EXPECT_EQ(test, q[0].pid, c->first.pid);
	KUNIT_EXPECT_EQ(test, q[0].bcd_min, c->first.bcd_min);
	KUNIT_EXPECT_EQ(test, q[0].bcd_max, c->first.bcd_max);
	KUNIT_EXPECT_EQ(test, q[0].flags, c->first.flags);
}

static const struct scard_ccid_quirk find_table[] = {
	{ 0x1234, 0x0001, 0x0000, 0x01ff, Q_MSG },
	{ 0x1234, 0x0001, 0x0200, 0xffff, Q_WAKE },
	{ 0x1234, 0x0002, 0x0100, 0x0100, Q_INT },
	{ 0x1234, 0x0002, 0x0000, 0xffff, 0 },
};

struct quirks_find_case {
	const char *name;
	u16 vid, pid, bcd;
	int entry;			/* index in find_table, -1: none */
};

static const struct quirks_find_case quirks_find_cases[] = {
	{ "low_range", 0x1234, 0x0001, 0x0100, 0 },
	{ "range_end", 0x1234, 0x0001, 0x01ff, 0 },
	{ "high_range", 0x1234, 0x0001, 0x0200, 1 },
	{ "top", 0x1234, 0x0001, 0xffff, 1 },
	{ "exact_bcd", 0x1234, 0x0002, 0x0100, 2 },
	{ "first_match_wins", 0x1234, 0x0002, 0x0101, 3 },
	{ "other_pid", 0x1234, 0x0003, 0x0100, -1 },
	{ "other_vid", 0x4321, 0x0001, 0x0100, -1 },
};

static void quirks_find_desc(const struct quirks_find_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(quirks_find, quirks_find_cases, quirks_find_desc);

/* The first entry whose VID:PID and bcdDevice range match is found. */
static void scard_ccid_quirks_find(struct kunit *test)
{
	const struct quirks_find_case *c = test->param_value;
	const struct scard_ccid_quirk *q;

	q = scard_ccid_quirk_find(find_table, ARRAY_SIZE(find_table), c->vid,
				  c->pid, c->bcd);
	if (c->entry < 0)
		KUNIT_EXPECT_NULL(test, q);
	else
		KUNIT_EXPECT_PTR_EQ(test, q, &find_table[c->entry]);
}

/* sysfs shows the names in bit order, or "none". */
static void scard_ccid_quirks_names_shown(struct kunit *test)
{
	char buf[64];

	KUNIT_EXPECT_EQ(test, scard_ccid_quirks_names(0, buf, sizeof(buf)), 5);
	KUNIT_EXPECT_STREQ(test, buf, "none\n");
	scard_ccid_quirks_names(Q_INT | Q_MSG, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "max_msg_384 no_interrupt\n");
	scard_ccid_quirks_names(Q_MSG | Q_WAKE | Q_INT, buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "max_msg_384 lost_wakeup no_interrupt\n");
	scard_ccid_quirks_names(CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU,
				buf, sizeof(buf));
	KUNIT_EXPECT_STREQ(test, buf, "no_pin_pad ext_apdu\n");
	/* truncated, never overrun */
	scard_ccid_quirks_names(Q_MSG | Q_WAKE, buf, 8);
	KUNIT_EXPECT_EQ(test, strlen(buf), 7);
}

static struct kunit_case scard_ccid_quirks_cases[] = {
	KUNIT_CASE_PARAM(scard_ccid_quirks_parse_param,
			 quirks_parse_gen_params),
	KUNIT_CASE_PARAM(scard_ccid_quirks_find, quirks_find_gen_params),
	KUNIT_CASE(scard_ccid_quirks_names_shown),
	{}
};

struct kunit_suite scard_ccid_quirks_suite = {
	.name = "scard_ccid_quirks",
	.test_cases = scard_ccid_quirks_cases,
};
