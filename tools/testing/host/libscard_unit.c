// SPDX-License-Identifier: GPL-2.0
/*
 * libscard unit tests (no reader needed). Prints one line per test:
 * "PASS <name>", "FAIL <name>: <why>" or "SKIP <name>: <why>"; run.sh turns
 * them into TAP. Exit status 1 if anything failed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libscard.h"

static int failed;
static const char *cur;
static int cur_failed;

#define CHECK(cond) do { \
	if (!(cond) && !cur_failed) { \
		printf("FAIL %s: line %d: %s\n", cur, __LINE__, #cond); \
		cur_failed = 1; \
		failed = 1; \
	} \
} while (0)

static void begin(const char *name)
{
	cur = name;
	cur_failed = 0;
}

static void end(void)
{
	if (!cur_failed)
		printf("PASS %s\n", cur);
}

static void test_hex_parse(void)
{
	uint8_t b[16];

	begin("hex_parse");
	CHECK(scard_hex_parse("00A40400", b, sizeof(b)) == 4);
	CHECK(b[0] == 0x00 && b[1] == 0xA4 && b[2] == 0x04 && b[3] == 0x00);
	CHECK(scard_hex_parse("00 a4 04 00 07", b, sizeof(b)) == 5);
	CHECK(b[1] == 0xA4 && b[4] == 0x07);
	CHECK(scard_hex_parse("3B:7A-18\t00\n", b, sizeof(b)) == 4);
	CHECK(b[0] == 0x3B && b[1] == 0x7A && b[2] == 0x18);
	CHECK(scard_hex_parse("0x3B 0x7a", b, sizeof(b)) == 2);
	CHECK(b[0] == 0x3B && b[1] == 0x7A);
	CHECK(scard_hex_parse("", b, sizeof(b)) == 0);
	CHECK(scard_hex_parse("   ", b, sizeof(b)) == 0);
	end();

	begin("hex_parse_rejects_bad_input");
	CHECK(scard_hex_parse("0", b, sizeof(b)) == -EINVAL);
	CHECK(scard_hex_parse("00 A", b, sizeof(b)) == -EINVAL);
	CHECK(scard_hex_parse("0 0", b, sizeof(b)) == -EINVAL);
	CHECK(scard_hex_parse("zz", b, sizeof(b)) == -EINVAL);
	CHECK(scard_hex_parse("00g0", b, sizeof(b)) == -EINVAL);
	CHECK(scard_hex_parse("000102", b, 2) == -ENOSPC);
	end();
}

static void test_hex_format(void)
{
	static const uint8_t d[] = { 0x3B, 0x7A, 0x00, 0xFF };
	char out[32];

	begin("hex_format");
	CHECK(!strcmp(scard_hex_format(d, 4, " ", out, sizeof(out)),
		      "3B 7A 00 FF"));
	CHECK(!strcmp(scard_hex_format(d, 4, "", out, sizeof(out)),
		      "3B7A00FF"));
	CHECK(!strcmp(scard_hex_format(d, 0, " ", out, sizeof(out)), ""));
	/* Truncates on whole bytes only. */
	CHECK(!strcmp(scard_hex_format(d, 4, " ", out, 7), "3B 7A"));
	end();
}

static void test_states(void)
{
	begin("state_names");
	CHECK(!strcmp(scard_state_name(SCARD_UNKNOWN), "unknown"));
	CHECK(!strcmp(scard_state_name(SCARD_ABSENT), "absent"));
	CHECK(!strcmp(scard_state_name(SCARD_PRESENT), "present"));
	CHECK(!strcmp(scard_state_name(SCARD_SWALLOWED), "swallowed"));
	CHECK(!strcmp(scard_state_name(SCARD_POWERED), "powered"));
	CHECK(!strcmp(scard_state_name(SCARD_NEGOTIABLE), "negotiable"));
	CHECK(!strcmp(scard_state_name(SCARD_SPECIFIC), "specific"));
	CHECK(!strcmp(scard_state_name(7), "invalid"));
	end();
}

static void test_protocols(void)
{
	char buf[64];
	uint32_t m = 0;

	begin("protocol_names");
	CHECK(!strcmp(scard_protocol_str(0, buf, sizeof(buf)), "none"));
	CHECK(!strcmp(scard_protocol_str(1, buf, sizeof(buf)), "T0"));
	CHECK(!strcmp(scard_protocol_str(2, buf, sizeof(buf)), "T1"));
	CHECK(!strcmp(scard_protocol_str(3, buf, sizeof(buf)), "T0|T1"));
	CHECK(!strcmp(scard_protocol_str(SCARD_PROTOCOL_RAW, buf, sizeof(buf)),
		      "RAW"));
	CHECK(!strcmp(scard_protocol_str(0x100, buf, sizeof(buf)), "0x100"));
	end();

	begin("protocol_parse");
	CHECK(!scard_protocol_parse("T0", &m) && m == SCARD_PROTOCOL_T0);
	CHECK(!scard_protocol_parse("t1", &m) && m == SCARD_PROTOCOL_T1);
	CHECK(!scard_protocol_parse("any", &m) && m == SCARD_PROTOCOL_Tx);
	CHECK(!scard_protocol_parse("T0|T1", &m) && m == SCARD_PROTOCOL_Tx);
	CHECK(!scard_protocol_parse("T=0", &m) && m == SCARD_PROTOCOL_T0);
	CHECK(!scard_protocol_parse("raw", &m) && m == SCARD_PROTOCOL_RAW);
	CHECK(scard_protocol_parse("T2", &m) == -EINVAL);
	CHECK(scard_protocol_parse("", &m) == -EINVAL);
	CHECK(scard_protocol_parse("T0|", &m) == -EINVAL);
	end();
}

static void test_ioctl_names(void)
{
	begin("ioctl_names");
	CHECK(!strcmp(scard_ioctl_name(IOCTL_SMARTCARD_POWER), "POWER"));
	CHECK(!strcmp(scard_ioctl_name(IOCTL_SMARTCARD_TRANSMIT), "TRANSMIT"));
	CHECK(!strcmp(scard_ioctl_name(IOCTL_CCID_ESCAPE), "CCID_ESCAPE"));
	CHECK(!strcmp(scard_ioctl_name(IOCTL_SMARTCARD_GET_FEATURE_REQUEST),
		      "GET_FEATURE_REQUEST"));
	CHECK(scard_ioctl_name(SCARD_CTL_CODE(8)) == NULL);
	end();
}

static void test_attrs(void)
{
	const struct scard_attr_desc *d, *e;

	begin("attr_by_name");
	d = scard_attr_by_name("vendor-name");
	CHECK(d && d->tag == SCARD_ATTR_VENDOR_NAME &&
	      d->type == SCARD_ATTR_T_STRING);
	CHECK(scard_attr_by_name("VENDOR_NAME") == d);
	CHECK(scard_attr_by_name("SCARD_ATTR_VENDOR_NAME") == d);
	d = scard_attr_by_name("atr-string");
	CHECK(d && d->tag == SCARD_ATTR_ATR_STRING);
	d = scard_attr_by_name("DEVICE_SYSTEM_NAME_A");
	CHECK(d && d->tag == SCARD_ATTR_DEVICE_SYSTEM_NAME_A);
	d = scard_attr_by_name("icc-presence");
	CHECK(d && d->type == SCARD_ATTR_T_BYTE);
	CHECK(scard_attr_by_name("no-such-attr") == NULL);
	CHECK(scard_attr_by_name("vendor-nam") == NULL);
	CHECK(scard_attr_by_name("vendor-namex") == NULL);
	end();

	begin("attr_table_round_trip");
	for (d = scard_attr_table; d->name; d++) {
		e = scard_attr_by_tag(d->tag);
		CHECK(e == d);
		CHECK(scard_attr_by_name(d->name) == d);
		CHECK(strchr(d->name, '_') == NULL);
	}
	CHECK(d - scard_attr_table >= 40);
	CHECK(scard_attr_by_tag(0x12345678) == NULL);
	end();
}

static void test_errnos(void)
{
	begin("errno_explanations");
	CHECK(!strcmp(scard_errno_name(ENOMEDIUM), "ENOMEDIUM"));
	CHECK(!strcmp(scard_errno_name(-ENOMEDIUM), "ENOMEDIUM"));
	CHECK(!strcmp(scard_strerror(ENOMEDIUM), "no card in the reader"));
	CHECK(strstr(scard_strerror(-EBADFD), "power it"));
	CHECK(!strcmp(scard_strerror(ETIMEDOUT), "card did not answer"));
	CHECK(!strcmp(scard_strerror(ENODEV), "reader was removed"));
	CHECK(!strcmp(scard_errno_name(EBADFD), "EBADFD"));
	CHECK(!strcmp(scard_errno_name(EOVERFLOW), "EOVERFLOW"));
	CHECK(!strcmp(scard_errno_name(EMEDIUMTYPE), "EMEDIUMTYPE"));
	CHECK(!strcmp(scard_errno_name(EINPROGRESS), "EINPROGRESS"));
	CHECK(!strcmp(scard_errno_name(EOPNOTSUPP), "EOPNOTSUPP"));
	CHECK(!strcmp(scard_errno_name(EPROTO), "EPROTO"));
	CHECK(!strcmp(scard_errno_name(ENOTTY), "ENOTTY"));
	CHECK(!strcmp(scard_errno_name(EBUSY), "EBUSY"));
	CHECK(!strcmp(scard_errno_name(0), "0"));
	CHECK(!strcmp(scard_errno_name(4000), "E?"));
	CHECK(!strcmp(scard_strerror(EEXIST), strerror(EEXIST)));
	end();
}

static void test_dev_path(void)
{
	char p[64];

	begin("dev_path");
	CHECK(!scard_dev_path("0", p, sizeof(p)) && !strcmp(p, "/dev/scard0"));
	CHECK(!scard_dev_path("12", p, sizeof(p)) &&
	      !strcmp(p, "/dev/scard12"));
	CHECK(!scard_dev_path("scard3", p, sizeof(p)) &&
	      !strcmp(p, "/dev/scard3"));
	CHECK(!scard_dev_path("/tmp/x", p, sizeof(p)) && !strcmp(p, "/tmp/x"));
	CHECK(!scard_dev_path(NULL, p, sizeof(p)) && !strcmp(p, "/dev/scard0"));
	CHECK(scard_dev_path("0123456789", p, 8) == -EINVAL);
	CHECK(scard_open("/nonexistent/scard", 0) == -ENOENT);
	end();
}

static void test_atr_decode(void)
{
	static const uint8_t cac[] = {
		0x3B, 0x7A, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74,
		0x65, 0x20, 0x63, 0x64, 0x31, 0x34, 0x34,
	};
	struct scard_atr_info a;
	int ret;

	begin("atr_decode_cac");
	ret = scard_atr_decode(cac, sizeof(cac), &a);
	if (ret == -ENOSYS) {
		printf("SKIP %s: libscard built without the kernel ATR parser\n",
		       cur);
		return;
	}
	CHECK(ret == 0);
	CHECK(!a.inverse);
	CHECK(a.len == sizeof(cac));
	CHECK(a.protocols == SCARD_PROTOCOL_T0);
	CHECK(a.fi == 1 && a.di == 8);
	CHECK(a.f == 372 && a.d == 12);
	CHECK(a.n == 0);
	CHECK(a.wi == 10);
	CHECK(!a.specific);
	CHECK(a.hist_len == 10 && !memcmp(a.hist, "sfte cd144", 10));
	CHECK(!a.has_tck);
	end();

	begin("atr_decode_rejects_garbage");
	CHECK(scard_atr_decode(cac, 3, &a) < 0);	/* truncated */
	CHECK(scard_atr_decode((const uint8_t *)"\x12\x00", 2, &a) < 0);
	end();
}

int main(void)
{
	test_hex_parse();
	test_hex_format();
	test_states();
	test_protocols();
	test_ioctl_names();
	test_attrs();
	test_errnos();
	test_dev_path();
	test_atr_decode();
	return failed;
}
