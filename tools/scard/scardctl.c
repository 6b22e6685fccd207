// SPDX-License-Identifier: GPL-2.0
/*
 * scardctl: look at and drive smart card readers (/dev/scardN).
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "libscard.h"

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NOREADER	3

#define SYSFS_CLASS	"/sys/class/scard"

static const char *opt_dev = "0";
static const char *prog = "scardctl";

static const char usage_text[] =
"NAME\n"
"    scardctl - look at and drive smart card readers (/dev/scardN)\n"
"\n"
"SYNOPSIS\n"
"    scardctl [-d DEV] [-v] COMMAND [ARGS...]\n"
"\n"
"OPTIONS\n"
"    -d, --device DEV   reader: an index (0 = /dev/scard0), a name (scard1)\n"
"                       or a path; default 0\n"
"    -v, --verbose      print every ioctl exchange (code, bytes in and out)\n"
"    -h, --help         show this text\n"
"\n"
"COMMANDS\n"
"    list               every reader: name, slot, state, protocol and ATR\n"
"                       (from /sys/class/scard/scardN/)\n"
"    status             state, protocol, ATR and card presence (ioctls)\n"
"    power on|off|reset on = cold reset, reset = warm reset, off = power\n"
"                       down; prints the ATR and its decoding\n"
"    protocol T0|T1|any [--default]\n"
"                       select the transmission protocol (SET_PROTOCOL);\n"
"                       --default adds SCARD_PROTOCOL_DEFAULT\n"
"    transmit APDU...   send each APDU (hex, spaces allowed inside one\n"
"                       quoted argument; ';' separates APDUs) and print the\n"
"                       response data and SW1SW2\n"
"    attr [NAME|0xTAG]  read a reader attribute (e.g. vendor-name,\n"
"                       atr-string, current-protocol-type); no argument\n"
"                       reads them all\n"
"    wait present|absent [--timeout SEC]\n"
"                       wait for a card insertion or removal (IS_PRESENT /\n"
"                       IS_ABSENT on a non-blocking file, poll() for the\n"
"                       completion, GET_LAST_ERROR for the result)\n"
"    perf               performance counters (GET_PERF_CNTR)\n"
"    features           PC/SC part 10 features (GET_FEATURE_REQUEST) and\n"
"                       properties (GET_TLV_PROPERTIES)\n"
"    verify-pin HEADER [--min N] [--max N] [--timeout SEC]\n"
"                       secure PIN entry on the reader's keypad\n"
"                       (VERIFY_PIN_DIRECT): the command HEADER (CLA INS P1\n"
"                       P2, hex) with the PIN typed as ASCII digits, N to N\n"
"                       (default 4 to 8), within SEC seconds (default: the\n"
"                       reader's); prints the card's SW1SW2\n"
"\n"
"EXIT STATUS\n"
"    0 success; 1 the operation failed (the error is printed as\n"
"    \"scardctl: OP: EXPLANATION (ERRNO)\"); 2 usage error; 3 no such reader.\n"
"\n"
"EXAMPLES\n"
"    scardctl power on\n"
"    scardctl protocol T0\n"
"    scardctl transmit '00 A4 04 00 07 A0 00 00 00 79 01 00 00'\n"
"    scardctl -d 1 wait absent --timeout 10\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EXIT_USAGE;
}

static int op_failed(const char *op, int err)
{
	fprintf(stderr, "%s: %s: %s (%s)\n", prog, op, scard_strerror(err),
		scard_errno_name(err));
	return EXIT_FAIL;
}

/* Open the selected reader; on failure print and return -exit_code. */
static int open_reader(int flags)
{
	char path[256];
	int fd;

	fd = scard_open(opt_dev, flags);
	if (fd >= 0)
		return fd;
	if (scard_dev_path(opt_dev, path, sizeof(path)))
		snprintf(path, sizeof(path), "%s", opt_dev);
	fprintf(stderr, "%s: open %s: %s (%s)\n", prog, path,
		fd == -ENOENT || fd == -ENXIO ? "no such reader" :
		scard_strerror(fd), scard_errno_name(fd));
	if (fd == -ENOENT || fd == -ENXIO || fd == -ENODEV)
		return -EXIT_NOREADER;
	return -EXIT_FAIL;
}

static void print_hex_line(const char *prefix, const uint8_t *p, size_t n)
{
	size_t i;

	fputs(prefix, stdout);
	for (i = 0; i < n; i++)
		printf("%s%02X", i ? " " : "", p[i]);
	putchar('\n');
}

static void print_ascii(const uint8_t *p, size_t n)
{
	size_t i;

	putchar('"');
	for (i = 0; i < n; i++)
		putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
	putchar('"');
}

/* Print the ATR and what the kernel's parser makes of it. */
static void print_atr(const uint8_t *atr, size_t len)
{
	struct scard_atr_info a;
	char protos[64];
	int ret;

	print_hex_line("ATR: ", atr, len);
	if (!len)
		return;
	ret = scard_atr_decode(atr, len, &a);
	if (ret == -ENOSYS) {
		printf("  (decoding unavailable: libscard was built without the kernel ATR parser)\n");
		return;
	}
	if (ret) {
		printf("  the ATR does not parse: %s (%s)\n", scard_strerror(ret),
		       scard_errno_name(ret));
		return;
	}
	printf("  convention:        %s (TS=%02X)\n",
	       a.inverse ? "inverse" : "direct", a.inverse ? 0x3F : 0x3B);
	printf("  protocols:         %s",
	       scard_protocol_str(a.protocols, protos, sizeof(protos)));
	if (a.first_protocol)
		printf(" (first offered T=%u)", a.first_protocol);
	putchar('\n');
	printf("  Fi/Di:             Fi=%u Di=%u (TA1 indexes %u/%u), F/D=%u clocks per etu, fmax=%u.%u MHz\n",
	       a.f, a.d, a.fi, a.di, a.d ? a.f / a.d : 0, a.fmax_khz / 1000,
	       (a.fmax_khz % 1000) / 100);
	printf("  N (guard time):    %u\n", a.n);
	printf("  WI (T=0):          %u\n", a.wi);
	if (a.protocols & SCARD_PROTOCOL_T1)
		printf("  T=1:               IFSC=%u CWI=%u BWI=%u EDC=%s\n",
		       a.ifsc, a.cwi, a.bwi, a.edc_crc ? "CRC" : "LRC");
	if (a.specific)
		printf("  specific mode:     T=%u, %s, %s parameters\n",
		       a.specific_protocol,
		       a.specific_can_change ? "can change" : "cannot change",
		       a.specific_implicit ? "implicit" : "TA1");
	else
		printf("  specific mode:     no (negotiable mode)\n");
	if (a.class_indicator)
		printf("  class indicator:   0x%02X, clock stop %u\n",
		       a.class_indicator, a.clock_stop);
	printf("  historical bytes:  %zu:", a.hist_len);
	if (a.hist_len) {
		size_t i;

		for (i = 0; i < a.hist_len; i++)
			printf(" %02X", a.hist[i]);
		putchar(' ');
		print_ascii(a.hist, a.hist_len);
	}
	putchar('\n');
	printf("  TCK:               %s\n", a.has_tck ? "present, correct" : "absent");
}

static int read_sysfs(const char *dir, const char *attr, char *buf,
		      size_t size)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "r");
	if (!f) {
		snprintf(buf, size, "?");
		return -errno;
	}
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return 0;
}

static int name_filter(const struct dirent *d)
{
	return !strncmp(d->d_name, "scard", 5) &&
	       d->d_name[5] >= '0' && d->d_name[5] <= '9';
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return atoi((*a)->d_name + 5) - atoi((*b)->d_name + 5);
}

static int cmd_list(int argc, char **argv)
{
	struct dirent **ents;
	int i, n, from_sysfs = 1;

	(void)argv;
	if (argc > 1)
		return usage_error("list: unexpected argument '%s'", argv[1]);
	n = scandir(SYSFS_CLASS, &ents, name_filter, name_cmp);
	if (n < 0) {
		from_sysfs = 0;
		n = scandir("/dev", &ents, name_filter, name_cmp);
	}
	if (n <= 0) {
		if (n == 0)
			free(ents);
		fprintf(stderr, "%s: list: no smart card readers found\n", prog);
		return EXIT_NOREADER;
	}
	for (i = 0; i < n; i++) {
		char dir[300], name[128], slot[16], state[32], proto[16];
		char atr[80];

		if (!from_sysfs) {
			printf("/dev/%s\n", ents[i]->d_name);
			free(ents[i]);
			continue;
		}
		snprintf(dir, sizeof(dir), SYSFS_CLASS "/%s", ents[i]->d_name);
		read_sysfs(dir, "name", name, sizeof(name));
		read_sysfs(dir, "slot", slot, sizeof(slot));
		read_sysfs(dir, "state", state, sizeof(state));
		read_sysfs(dir, "protocol", proto, sizeof(proto));
		read_sysfs(dir, "atr", atr, sizeof(atr));
		printf("/dev/%s: %s\n", ents[i]->d_name, name);
		printf("  slot %s, state %s, protocol %s\n", slot, state, proto);
		printf("  ATR: %s\n", atr[0] ? atr : "(none)");
		free(ents[i]);
	}
	free(ents);
	return 0;
}

static int cmd_status(int argc, char **argv)
{
	uint8_t buf[64];
	uint32_t state, proto;
	char protos[64];
	size_t len;
	int fd, ret;

	if (argc > 1)
		return usage_error("status: unexpected argument '%s'", argv[1]);
	fd = open_reader(0);
	if (fd < 0)
		return -fd;
	ret = scard_get_state(fd, &state);
	if (ret) {
		close(fd);
		return op_failed("status", ret);
	}
	printf("state: %s (%u)\n", scard_state_name(state), state);
	if (!scard_get_attr(fd, SCARD_ATTR_ICC_PRESENCE, buf, sizeof(buf),
			    &len) && len >= 1)
		printf("card: %s\n", buf[0] == 0 ? "absent" :
		       buf[0] == 1 ? "present" : "present, powered/swallowed");
	if (!scard_get_attr(fd, SCARD_ATTR_CURRENT_PROTOCOL_TYPE, &proto,
			    sizeof(proto), &len) && len == sizeof(proto))
		printf("protocol: %s\n",
		       scard_protocol_str(proto, protos, sizeof(protos)));
	else
		printf("protocol: none\n");
	ret = scard_get_attr(fd, SCARD_ATTR_ATR_STRING, buf, sizeof(buf),
			     &len);
	if (!ret && len)
		print_atr(buf, len);
	else
		printf("ATR: (none)\n");
	close(fd);
	return 0;
}

static int cmd_power(int argc, char **argv)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t minor;
	size_t len = 0;
	int fd, ret;

	if (argc != 2)
		return usage_error("power: expected on, off or reset%s", "");
	if (!strcmp(argv[1], "on") || !strcmp(argv[1], "cold"))
		minor = SCARD_COLD_RESET;
	else if (!strcmp(argv[1], "reset") || !strcmp(argv[1], "warm"))
		minor = SCARD_WARM_RESET;
	else if (!strcmp(argv[1], "off") || !strcmp(argv[1], "down"))
		minor = SCARD_POWER_DOWN;
	else
		return usage_error("power: unknown action '%s'", argv[1]);
	fd = open_reader(0);
	if (fd < 0)
		return -fd;
	ret = scard_power(fd, minor,
			  minor == SCARD_POWER_DOWN ? NULL : atr,
			  sizeof(atr), &len);
	close(fd);
	if (ret)
		return op_failed("power", ret);
	if (minor == SCARD_POWER_DOWN)
		printf("card powered down\n");
	else
		print_atr(atr, len);
	return 0;
}

static int cmd_protocol(int argc, char **argv)
{
	uint32_t mask = 0, sel = 0;
	char protos[64];
	int fd, ret, i, have = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--default")) {
			mask |= SCARD_PROTOCOL_DEFAULT;
		} else if (!have) {
			uint32_t m;

			if (scard_protocol_parse(argv[i], &m))
				return usage_error("protocol: unknown protocol '%s'",
						   argv[i]);
			mask |= m;
			have = 1;
		} else {
			return usage_error("protocol: unexpected argument '%s'",
					   argv[i]);
		}
	}
	if (!have)
		return usage_error("protocol: expected T0, T1 or any%s", "");
	fd = open_reader(0);
	if (fd < 0)
		return -fd;
	ret = scard_set_protocol(fd, mask, &sel);
	close(fd);
	if (ret)
		return op_failed("protocol", ret);
	printf("protocol: %s\n", scard_protocol_str(sel, protos, sizeof(protos)));
	return 0;
}

static const char *sw_meaning(uint8_t sw1, uint8_t sw2)
{
	static char buf[80];

	switch (sw1) {
	case 0x90:
		return sw2 ? "?" : "success";
	case 0x61:
		snprintf(buf, sizeof(buf),
			 "%u response bytes available (GET RESPONSE)",
			 sw2 ? sw2 : 256);
		return buf;
	case 0x6C:
		snprintf(buf, sizeof(buf), "wrong Le, resend with Le=%u",
			 sw2 ? sw2 : 256);
		return buf;
	case 0x62:
	case 0x63:
		return "warning";
	case 0x64:	/* PC/SC part 10: the PIN pad answers for the user */
		return sw2 == 0x00 ? "PIN entry timed out" :
		       sw2 == 0x01 ? "PIN entry cancelled" :
		       sw2 == 0x02 ? "new PINs differ" :
		       sw2 == 0x03 ? "PIN length out of range" : "error";
	case 0x67:
		return "wrong length";
	case 0x68:
		return "function in CLA not supported";
	case 0x69:
		return "command not allowed";
	case 0x6A:
		return sw2 == 0x82 ? "file or application not found" :
		       sw2 == 0x86 ? "incorrect P1-P2" :
		       sw2 == 0x88 ? "referenced data not found" :
		       "wrong parameters";
	case 0x6B:
		return "wrong parameters P1-P2";
	case 0x6D:
		return "instruction not supported";
	case 0x6E:
		return "class not supported";
	case 0x6F:
		return "no precise diagnosis";
	}
	return "?";
}

static int transmit_one(int fd, uint32_t proto, const uint8_t *apdu,
			size_t len)
{
	uint8_t *resp;
	size_t rlen = 0, size = 258;
	int ret;

	resp = malloc(SCARD_MAX_RESPONSE);
	if (!resp)
		return -ENOMEM;
	print_hex_line("> ", apdu, len);
	ret = scard_transmit(fd, proto, apdu, len, resp, size, &rlen);
	if (ret == -EOVERFLOW) {
		size = SCARD_MAX_RESPONSE;
		ret = scard_transmit(fd, proto, apdu, len, resp, size, &rlen);
	}
	if (!ret) {
		if (rlen > 2)
			print_hex_line("< ", resp, rlen - 2);
		if (rlen >= 2)
			printf("SW1SW2: %02X %02X (%s)\n", resp[rlen - 2],
			       resp[rlen - 1],
			       sw_meaning(resp[rlen - 2], resp[rlen - 1]));
		else
			print_hex_line("< (short response) ", resp, rlen);
	}
	free(resp);
	return ret;
}

struct apdu_list {
	uint8_t *buf;		/* all APDUs back to back */
	size_t *len;
	size_t n, used;
};

/* Parse every APDU before touching the reader: usage errors exit 2. */
static int parse_apdus(int argc, char **argv, struct apdu_list *l)
{
	char *joined = NULL, *copy, *tok, *save;
	int all_single = 1, a, rc = 0;
	size_t total = 1;

	/*
	 * "scardctl transmit 00 A4 04 00 ..." (one byte per argument) is one
	 * APDU; otherwise every argument is an APDU, and ';' separates APDUs
	 * inside an argument.
	 */
	for (a = 1; a < argc; a++) {
		uint8_t b[2];

		if (scard_hex_parse(argv[a], b, sizeof(b)) != 1)
			all_single = 0;
		total += strlen(argv[a]) + 1;
	}
	l->buf = malloc(total / 2 + 1);
	l->len = calloc(total, sizeof(*l->len));
	joined = calloc(1, total);
	if (!l->buf || !l->len || !joined) {
		free(joined);
		return op_failed("transmit", -ENOMEM);
	}
	for (a = 1; a < argc; a++) {
		strcat(joined, argv[a]);
		strcat(joined, all_single ? " " : ";");
	}
	copy = joined;
	save = NULL;
	for (tok = strtok_r(copy, ";", &save); tok;
	     tok = strtok_r(NULL, ";", &save)) {
		long len = scard_hex_parse(tok, l->buf + l->used,
					   total / 2 + 1 - l->used);

		if (len < 4) {
			rc = usage_error("transmit: bad APDU '%s' (hex, at least 4 bytes)",
					 tok);
			break;
		}
		l->len[l->n++] = (size_t)len;
		l->used += (size_t)len;
	}
	free(joined);
	if (!rc && !l->n)
		rc = usage_error("transmit: expected an APDU in hex%s", "");
	return rc;
}

static int cmd_transmit(int argc, char **argv)
{
	struct apdu_list l = { 0 };
	uint32_t proto;
	size_t plen, i, off = 0;
	int fd, ret, rc;

	if (argc < 2)
		return usage_error("transmit: expected an APDU in hex%s", "");
	rc = parse_apdus(argc, argv, &l);
	if (rc)
		goto out;
	fd = open_reader(0);
	if (fd < 0) {
		rc = -fd;
		goto out;
	}
	if (scard_get_attr(fd, SCARD_ATTR_CURRENT_PROTOCOL_TYPE, &proto,
			   sizeof(proto), &plen) || plen != sizeof(proto) ||
	    !(proto & SCARD_PROTOCOL_Tx))
		proto = SCARD_PROTOCOL_T0;	/* the kernel will say EBADFD */
	for (i = 0; i < l.n; i++) {
		ret = transmit_one(fd, proto, l.buf + off, l.len[i]);
		if (ret) {
			rc = op_failed("transmit", ret);
			break;
		}
		off += l.len[i];
	}
	close(fd);
out:
	free(l.buf);
	free(l.len);
	return rc;
}

static void print_attr_value(const struct scard_attr_desc *d, uint32_t tag,
			     const uint8_t *buf, size_t len)
{
	char protos[64];
	uint32_t v = 0;
	size_t i;

	if (len == 4)
		memcpy(&v, buf, 4);
	switch (d ? d->type : SCARD_ATTR_T_BYTES) {
	case SCARD_ATTR_T_STRING:
		putchar('"');
		for (i = 0; i < len; i++)
			putchar(buf[i] >= 0x20 && buf[i] < 0x7f ? buf[i] : '.');
		printf("\"\n");
		return;
	case SCARD_ATTR_T_PROTOCOLS:
		if (len == 4) {
			printf("%s (0x%08X)\n",
			       scard_protocol_str(v, protos, sizeof(protos)), v);
			return;
		}
		break;
	case SCARD_ATTR_T_DWORD:
		if (len == 4) {
			printf("%u (0x%08X)", v, v);
			if (tag == SCARD_ATTR_CHANNEL_ID)
				printf(" type 0x%04X%s channel %u", v >> 16,
				       (v >> 16) == SCARD_READER_TYPE_USB ?
				       " (USB)" : "", v & 0xffff);
			else if (tag == SCARD_ATTR_VENDOR_IFD_VERSION)
				printf(" version %u.%u.%u", v >> 24,
				       (v >> 16) & 0xff, v & 0xffff);
			else if (tag == SCARD_ATTR_DEFAULT_CLK ||
				 tag == SCARD_ATTR_MAX_CLK ||
				 tag == SCARD_ATTR_CURRENT_CLK)
				printf(" kHz");
			else if (tag == SCARD_ATTR_DEFAULT_DATA_RATE ||
				 tag == SCARD_ATTR_MAX_DATA_RATE)
				printf(" bps");
			putchar('\n');
			return;
		}
		break;
	case SCARD_ATTR_T_BYTE:
		if (len == 1) {
			printf("%u (0x%02X)", buf[0], buf[0]);
			if (tag == SCARD_ATTR_ICC_PRESENCE)
				printf(" %s", buf[0] == 0 ? "absent" :
				       buf[0] == 1 ? "present" :
				       "present and powered/swallowed");
			else if (tag == SCARD_ATTR_ICC_INTERFACE_STATUS)
				printf(" %s", buf[0] ? "contacts active" :
				       "contacts inactive");
			putchar('\n');
			return;
		}
		break;
	case SCARD_ATTR_T_BYTES:
		break;
	}
	for (i = 0; i < len; i++)
		printf("%s%02X", i ? " " : "", buf[i]);
	if (!d && len == 4)
		printf(" (DWORD %u)", v);
	if (!len)
		printf("(empty)");
	putchar('\n');
}

static int get_and_print_attr(int fd, const struct scard_attr_desc *d,
			      uint32_t tag, int quiet)
{
	uint8_t small[256], *buf = small;
	size_t len = 0;
	int ret;

	ret = scard_get_attr(fd, tag, buf, sizeof(small), &len);
	if (ret == -EOVERFLOW && len > sizeof(small)) {
		buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		ret = scard_get_attr(fd, tag, buf, len, &len);
	}
	if (!ret) {
		if (quiet)
			printf("%-26s ", d ? d->name : "?");
		print_attr_value(d, tag, buf, len);
	} else if (quiet) {
		printf("%-26s (%s)\n", d ? d->name : "?",
		       scard_errno_name(ret));
	}
	if (buf != small)
		free(buf);
	return ret;
}

static int cmd_attr(int argc, char **argv)
{
	const struct scard_attr_desc *d = NULL;
	uint32_t tag;
	int fd, ret;

	if (argc > 2)
		return usage_error("attr: unexpected argument '%s'", argv[2]);
	if (argc == 2) {
		if (!strncasecmp(argv[1], "0x", 2)) {
			char *end;
			unsigned long v = strtoul(argv[1], &end, 16);

			if (*end || end == argv[1] + 2 || v > 0xffffffffUL)
				return usage_error("attr: bad tag '%s'", argv[1]);
			tag = (uint32_t)v;
			d = scard_attr_by_tag(tag);
		} else {
			d = scard_attr_by_name(argv[1]);
			if (!d)
				return usage_error("attr: unknown attribute '%s'",
						   argv[1]);
			tag = d->tag;
		}
	}
	fd = open_reader(0);
	if (fd < 0)
		return -fd;
	if (argc == 2) {
		ret = get_and_print_attr(fd, d, tag, 0);
		close(fd);
		return ret ? op_failed("attr", ret) : 0;
	}
	for (d = scard_attr_table; d->name; d++)
		get_and_print_attr(fd, d, d->tag, 1);
	close(fd);
	return 0;
}

static int cmd_wait(int argc, char **argv)
{
	int present = -1, timeout_ms = -1, fd, ret, i;
	uint32_t err = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--timeout") || !strcmp(argv[i], "-t")) {
			char *end;
			double s;

			if (++i >= argc)
				return usage_error("wait: --timeout needs seconds%s", "");
			s = strtod(argv[i], &end);
			if (*end || end == argv[i] || s < 0 || s > 86400)
				return usage_error("wait: bad timeout '%s'", argv[i]);
			timeout_ms = (int)(s * 1000);
		} else if (present < 0 && !strcmp(argv[i], "present")) {
			present = 1;
		} else if (present < 0 && !strcmp(argv[i], "absent")) {
			present = 0;
		} else {
			return usage_error("wait: unexpected argument '%s'", argv[i]);
		}
	}
	if (present < 0)
		return usage_error("wait: expected present or absent%s", "");

	fd = open_reader(O_NONBLOCK);
	if (fd < 0)
		return -fd;
	ret = present ? scard_is_present(fd) : scard_is_absent(fd);
	if (ret == -EINPROGRESS) {
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };

		do {
			ret = poll(&pfd, 1, timeout_ms);
		} while (ret < 0 && errno == EINTR);
		if (ret < 0) {
			ret = -errno;
			close(fd);
			return op_failed("wait: poll", ret);
		}
		if (ret == 0) {
			close(fd);
			fprintf(stderr, "%s: wait: timed out, card still %s (ETIMEDOUT)\n",
				prog, present ? "absent" : "present");
			return EXIT_FAIL;
		}
		ret = scard_get_last_error(fd, &err);
		if (!ret)
			ret = -(int)err;
		if (ret == -EINPROGRESS) {
			/* POLLHUP/POLLERR without a stored result. */
			ret = (pfd.revents & (POLLHUP | POLLERR)) ? -ENODEV : -EIO;
		}
	}
	close(fd);
	if (ret)
		return op_failed("wait", ret);
	printf("card %s\n", present ? "present" : "absent");
	return 0;
}

static int cmd_perf(int argc, char **argv)
{
	struct scard_perf_cntr p;
	size_t len = 0;
	int fd, ret;

	if (argc > 1)
		return usage_error("perf: unexpected argument '%s'", argv[1]);
	fd = open_reader(0);
	if (fd < 0)
		return -fd;
	ret = scard_get_perf(fd, &p, &len);
	close(fd);
	if (ret)
		return op_failed("perf", ret);
	printf("size:              %u (returned %zu)\n", p.size, len);
	printf("version:           %u\n", p.version);
	printf("transmissions:     %llu\n", (unsigned long long)p.transmissions);
	printf("bytes sent:        %llu\n", (unsigned long long)p.bytes_sent);
	printf("bytes received:    %llu\n", (unsigned long long)p.bytes_received);
	printf("transmit time ns:  %llu\n", (unsigned long long)p.transmit_time_ns);
	printf("retransmissions:   %llu\n", (unsigned long long)p.retransmissions);
	printf("resynchs:          %llu\n", (unsigned long long)p.resynchs);
	printf("wtx requests:      %llu\n", (unsigned long long)p.wtx_requests);
	printf("protocol errors:   %llu\n", (unsigned long long)p.protocol_errors);
	printf("timeouts:          %llu\n", (unsigned long long)p.timeouts);
	printf("resets:            %llu\n", (unsigned long long)p.resets);
	return 0;
}

static const char *feature_name(uint8_t tag)
{
	switch (tag) {
	case SCARD_FEATURE_VERIFY_PIN_DIRECT:
		return "VERIFY_PIN_DIRECT";
	case SCARD_FEATURE_MODIFY_PIN_DIRECT:
		return "MODIFY_PIN_DIRECT";
	case SCARD_FEATURE_IFD_PIN_PROPERTIES:
		return "IFD_PIN_PROPERTIES";
	case SCARD_FEATURE_GET_TLV_PROPERTIES:
		return "GET_TLV_PROPERTIES";
	case SCARD_FEATURE_CCID_ESC_COMMAND:
		return "CCID_ESC_COMMAND";
	}
	return "?";
}

static const char *property_name(uint8_t tag)
{
	switch (tag) {
	case SCARD_PROP_LCD_LAYOUT:
		return "wLcdLayout";
	case SCARD_PROP_ENTRY_VALIDATION:
		return "bEntryValidationCondition";
	case SCARD_PROP_TIMEOUT2:
		return "bTimeOut2";
	case SCARD_PROP_LCD_MAX_CHARACTERS:
		return "wLcdMaxCharacters";
	case SCARD_PROP_LCD_MAX_LINES:
		return "wLcdMaxLines";
	case SCARD_PROP_MAX_APDU_DATA_SIZE:
		return "dwMaxAPDUDataSize";
	case SCARD_PROP_ID_VENDOR:
		return "wIdVendor";
	case SCARD_PROP_ID_PRODUCT:
		return "wIdProduct";
	}
	return "?";
}

/* GET_TLV_PROPERTIES: each property, its value little-endian. */
static int print_properties(int fd)
{
	uint8_t buf[256];
	uint32_t len = 0, i, k, v;
	int ret;

	ret = scard_dioc(fd, IOCTL_SCARD_GET_TLV_PROPERTIES, NULL, 0, buf,
			 sizeof(buf), &len);
	if (ret)
		return op_failed("properties", ret);
	for (i = 0; i + 2 <= len && i + 2 + buf[i + 1] <= len;
	     i += 2 + buf[i + 1]) {
		for (v = 0, k = 0; k < buf[i + 1] && k < 4; k++)
			v |= (uint32_t)buf[i + 2 + k] << (8 * k);
		printf("0x%02X %-26s %u (0x%X)\n", buf[i],
		       property_name(buf[i]), v, v);
	}
	return 0;
}

static int cmd_features(int argc, char **argv)
{
	uint8_t buf[256];
	size_t len = 0, i;
	int fd, ret;

	if (argc > 1)
		return usage_error("features: unexpected argument '%s'", argv[1]);
	fd = open_reader(0);
	if (fd < 0)
		return -fd;
	ret = scard_get_features(fd, buf, sizeof(buf), &len);
	if (ret) {
		close(fd);
		return op_failed("features", ret);
	}
	if (!len)
		printf("no PC/SC part 10 features\n");
	for (i = 0; i + 2 <= len; ) {
		uint8_t tag = buf[i], l = buf[i + 1];

		if (i + 2 + l > len) {
			print_hex_line("truncated TLV: ", buf + i, len - i);
			break;
		}
		printf("0x%02X %-20s", tag, feature_name(tag));
		if (l == 4)
			printf(" ioctl 0x%08X\n",
			       (uint32_t)buf[i + 2] << 24 | buf[i + 3] << 16 |
			       buf[i + 4] << 8 | buf[i + 5]);
		else
			print_hex_line(" ", buf + i + 2, l);
		i += 2 + (size_t)l;
	}
	ret = print_properties(fd);
	close(fd);
	return ret;
}

static int parse_count(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	*v = strtoul(s, &end, 10);
	return *s && !*end && *v <= max ? 0 : -1;
}

static int cmd_verify_pin(int argc, char **argv)
{
	uint8_t buf[sizeof(struct scard_pin_verify) + 5], resp[258];
	struct scard_pin_verify *v = (struct scard_pin_verify *)buf;
	unsigned long min = 4, max = 8, timeout = 0;
	struct apdu_list l = { 0 };
	uint32_t got = 0;
	int fd, ret, i, rc = 0;
	char *hdr = NULL;

	for (i = 1; i < argc; i++) {
		unsigned long *dst = !strcmp(argv[i], "--min") ? &min :
				     !strcmp(argv[i], "--max") ? &max :
				     !strcmp(argv[i], "--timeout") ? &timeout :
				     NULL;

		if (dst) {
			if (++i >= argc || parse_count(argv[i], 255, dst))
				return usage_error("verify-pin: %s needs a number 0..255",
						   argv[i - (i >= argc)]);
		} else if (!hdr) {
			hdr = argv[i];
		} else {
			return usage_error("verify-pin: unexpected argument '%s'",
					   argv[i]);
		}
	}
	if (!hdr)
		return usage_error("verify-pin: expected the command header%s", "");
	rc = parse_apdus(2, (char *[]){ argv[0], hdr, NULL }, &l);
	if (!rc && (l.n != 1 || l.len[0] != 4))
		rc = usage_error("verify-pin: the header is CLA INS P1 P2, not '%s'",
				 hdr);
	if (rc)
		goto out;

	memset(buf, 0, sizeof(buf));
	v->timeout = timeout;
	v->format = SCARD_PIN_FMT_UNIT_BYTES | SCARD_PIN_CODING_ASCII;
	v->max_extra_digit = htole16(min << 8 | max);
	v->entry_validation = SCARD_PIN_ENTRY_KEY;
	v->n_messages = 1;
	v->lang_id = htole16(0x0409);
	v->data_length = htole32(5);
	/* The APDU after the structure; Lc 0: the reader's. */
	memcpy(buf + sizeof(*v), l.buf, 4);
	fd = open_reader(0);
	if (fd < 0) {
		rc = -fd;
		goto out;
	}
	printf("enter the PIN on the reader's keypad\n");
	fflush(stdout);
	ret = scard_dioc(fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, buf, sizeof(buf),
			 resp, sizeof(resp), &got);
	close(fd);
	if (ret) {
		rc = op_failed("verify-pin", ret);
		goto out;
	}
	if (got > 2)
		print_hex_line("< ", resp, got - 2);
	if (got >= 2)
		printf("SW1SW2: %02X %02X (%s)\n", resp[got - 2], resp[got - 1],
		       sw_meaning(resp[got - 2], resp[got - 1]));
out:
	free(l.buf);
	free(l.len);
	return rc;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "list", cmd_list },
	{ "status", cmd_status },
	{ "power", cmd_power },
	{ "protocol", cmd_protocol },
	{ "transmit", cmd_transmit },
	{ "attr", cmd_attr },
	{ "wait", cmd_wait },
	{ "perf", cmd_perf },
	{ "features", cmd_features },
	{ "verify-pin", cmd_verify_pin },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			opt_dev = optarg;
			break;
		case 'v':
			scard_set_trace(stderr);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return usage_error("missing command%s", "");
	if (!strcmp(argv[optind], "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].fn(argc - optind, argv + optind);
	return usage_error("unknown command '%s'", argv[optind]);
}
