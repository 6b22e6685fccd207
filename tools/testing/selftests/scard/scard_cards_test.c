// SPDX-License-Identifier: GPL-2.0
/*
 * scard_cards: the kernel's transmission protocols against scripted cards.
 *
 * Each test starts tools/testing/cards/scard-card (a vproxy reader whose
 * card is that process: $SCARD_CARD, /scard/bin/scard-card, or
 * scard-card in $PATH) at an exchange level (APDU, TPDU, character) and
 * with a protocol, and drives /dev/scardN: APDUs of every case, extended
 * APDUs over T=1 chaining with IFSC 16 and 254, WTX, corrupted, lost and
 * mis-numbered blocks recovered (GET_PERF_CNTR shows the retransmissions),
 * a card that goes mute (EPROTO, then usable after a cold reset), PPS,
 * the inverse convention and SCARD_ATTR_SUPRESS_T1_IFS_REQUEST. The card
 * reports what it saw through its STATS command (tools/testing/cards/card.h).
 *
 * Skipped without /dev/scard_vproxy or scard-card; a level or protocol
 * the kernel does not offer yet (EINVAL/EOPNOTSUPP at creation,
 * EOPNOTSUPP from SET_PROTOCOL) skips the test.
 */
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "scard_common.h"
#include "../../cards/card.h"

#define BIG		(65544 + 16)

struct card_proc {
	pid_t pid;
	int fd;			/* /dev/scardN */
	char dev[48];
	int err;		/* why it did not start: errno, 4 = skip */
};

static const char *card_bin(void)
{
	const char *e = getenv("SCARD_CARD");
	static char self[512];
	ssize_t n;
	char *slash;

	if (e && *e)
		return e;
	if (!access("/scard/bin/scard-card", X_OK))
		return "/scard/bin/scard-card";
	n = readlink("/proc/self/exe", self, sizeof(self) - 40);
	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			strcpy(slash, "/../../cards/scard-card");
			if (!access(self, X_OK))
				return self;
		}
	}
	return "scard-card";
}

/* Start scard-card with @args (NULL-terminated); 0 or a positive errno. */
static int card_start(struct card_proc *cp, const char *const *args)
{
	const char *argv[32];
	char line[32], fdarg[16];
	struct pollfd pfd;
	int p[2], n = 0, i, st;
	ssize_t r;

	memset(cp, 0, sizeof(*cp));
	cp->fd = -1;
	if (pipe(p))
		return errno;
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	argv[n++] = card_bin();
	argv[n++] = "--ready-fd";
	argv[n++] = fdarg;
	for (i = 0; args[i] && n < 30; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	cp->pid = fork();
	if (cp->pid < 0)
		return errno;
	if (!cp->pid) {
		close(p[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	r = 0;
	if (poll(&pfd, 1, 10000) == 1)
		r = read(p[0], line, sizeof(line) - 1);
	close(p[0]);
	if (r <= 0) {
		kill(cp->pid, SIGKILL);
		waitpid(cp->pid, &st, 0);
		cp->pid = 0;
		/* 4: no vproxy, 127: no scard-card, 1: level refused */
		if (WIFEXITED(st) && (WEXITSTATUS(st) == 4 ||
				      WEXITSTATUS(st) == 127))
			return cp->err = 4;
		return cp->err = EOPNOTSUPP;
	}
	line[r] = 0;
	line[strcspn(line, "\n")] = 0;
	snprintf(cp->dev, sizeof(cp->dev), "/dev/%s", line);
	cp->fd = open(cp->dev, O_RDWR);
	if (cp->fd < 0)
		return cp->err = errno;
	return 0;
}

static void card_stop(struct card_proc *cp)
{
	int st;

	if (cp->fd >= 0)
		close(cp->fd);
	cp->fd = -1;
	if (cp->pid > 0) {
		kill(cp->pid, SIGTERM);
		waitpid(cp->pid, &st, 0);
	}
	cp->pid = 0;
}

/* TRANSMIT with big buffers; 0 or a positive errno. */
static int xmit(int fd, uint32_t proto, const uint8_t *apdu, size_t len,
		uint8_t *resp, size_t *rlen)
{
	static uint8_t in[BIG], out[BIG];
	uint32_t got = 0;
	int ret;

	scard_t_xmit_in(in, proto, 8, apdu, len);
	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_TRANSMIT, in, 8 + len, out,
			   sizeof(out), &got);
	*rlen = 0;
	if (ret)
		return ret;
	if (got < 8 + 2)
		return EPROTO;
	memcpy(resp, out + 8, got - 8);
	*rlen = got - 8;
	return 0;
}

static int get_perf(int fd, struct scard_perf_cntr *p)
{
	memset(p, 0, sizeof(*p));
	return scard_t_dioc(fd, IOCTL_SMARTCARD_GET_PERF_CNTR, NULL, 0, p,
			    sizeof(*p), NULL);
}

static int sw_is(const uint8_t *r, size_t n, uint16_t sw)
{
	return n >= 2 && r[n - 2] == sw >> 8 && r[n - 1] == (sw & 0xff);
}

static int pattern_ok(const uint8_t *p, uint32_t off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != card_pattern(off + i))
			return 0;
	return 1;
}

/* The card's STATS counters. */
static int card_stats(int fd, uint32_t proto, struct card_stats *s)
{
	static const uint8_t cmd[] = { 0, CARD_INS_STATS, 0, 0,
				       CARD_STATS_LEN };
	uint8_t r[64];
	uint32_t *v = (uint32_t *)s;
	size_t n, i;
	int ret = xmit(fd, proto, cmd, sizeof(cmd), r, &n);

	if (ret)
		return ret;
	if (n != CARD_STATS_LEN + 2)
		return EPROTO;
	for (i = 0; i < CARD_STATS_LEN / 4; i++)
		v[i] = (uint32_t)r[4 * i] << 24 | r[4 * i + 1] << 16 |
		       r[4 * i + 2] << 8 | r[4 * i + 3];
	return 0;
}

/* Extended ECHO of @n bytes (i ^ i >> 8 ^ @seed) into @apdu; its length. */
static size_t echo_ext(uint8_t *apdu, size_t n, uint8_t seed)
{
	size_t i;

	apdu[0] = 0;
	apdu[1] = CARD_INS_ECHO;
	apdu[2] = apdu[3] = apdu[4] = 0;
	apdu[5] = n >> 8;
	apdu[6] = n & 0xff;
	for (i = 0; i < n; i++)
		apdu[7 + i] = (uint8_t)(i ^ (i >> 8) ^ seed);
	apdu[7 + n] = apdu[8 + n] = 0;
	return 9 + n;
}

/* Cold reset + SET_PROTOCOL; 0, or a positive errno. */
static int power_and_set(int fd, uint32_t proto, uint32_t *selected)
{
	uint32_t sel = 0;
	int ret = scard_t_power(fd, SCARD_COLD_RESET);

	if (ret)
		return ret;
	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_SET_PROTOCOL, &proto,
			   sizeof(proto), &sel, sizeof(sel), NULL);
	if (selected)
		*selected = sel;
	return ret;
}

#define require_vproxy(_metadata) do {					\
	if (access("/dev/scard_vproxy", F_OK))				\
		SKIP(return, "no /dev/scard_vproxy (scard_vproxy.ko)");	\
} while (0)

/* --- every APDU case at each level ----------------------------------------- */

FIXTURE(cards)
{
	struct card_proc cp;
	uint8_t *a, *r;
	int skip;
};

FIXTURE_VARIANT(cards)
{
	const char *level;
	const char *protocol;
	const char *ifsc;
	int crc;
	int inverse;
	uint32_t proto;
	int ext;		/* extended APDUs pass */
	int ext_einval;		/* extended APDUs are EINVAL (T=0 TPDU) */
};

#define V(name, lvl, prot, ifs, c, inv, p, e, ei)			\
FIXTURE_VARIANT_ADD(cards, name) {					\
	.level = lvl, .protocol = prot, .ifsc = ifs, .crc = c,		\
	.inverse = inv, .proto = p, .ext = e, .ext_einval = ei,		\
}

V(apdu_t0, "apdu", "t0", "32", 0, 0, SCARD_PROTOCOL_T0, 0, 0);
V(apdu_ext_t1, "apdu-ext", "t1", "32", 0, 0, SCARD_PROTOCOL_T1, 1, 0);
V(tpdu_t0, "tpdu", "t0", "32", 0, 0, SCARD_PROTOCOL_T0, 0, 1);
V(tpdu_t1_ifsc16, "tpdu", "t1", "16", 0, 0, SCARD_PROTOCOL_T1, 1, 0);
V(tpdu_t1_ifsc254_crc, "tpdu", "t1", "254", 1, 0, SCARD_PROTOCOL_T1, 1, 0);
V(tpdu_both_t1, "tpdu", "both", "32", 0, 0, SCARD_PROTOCOL_T1, 1, 0);
V(char_t0, "char", "t0", "32", 0, 0, SCARD_PROTOCOL_T0, 0, 1);
V(char_t0_inverse, "char", "t0", "32", 0, 1, SCARD_PROTOCOL_T0, 0, 1);
V(char_t1_ifsc16, "char", "t1", "16", 0, 0, SCARD_PROTOCOL_T1, 1, 0);
V(char_t1_ifsc254_crc, "char", "t1", "254", 1, 0, SCARD_PROTOCOL_T1, 1, 0);
V(char_both_t1, "char", "both", "32", 0, 0, SCARD_PROTOCOL_T1, 1, 0);
V(char_both_t0, "char", "both", "32", 0, 0, SCARD_PROTOCOL_T0, 0, 1);

FIXTURE_SETUP(cards)
{
	const char *args[12];
	int n = 0, ret;

	self->a = malloc(BIG);
	self->r = malloc(BIG);
	ASSERT_TRUE(self->a && self->r);
	self->cp.fd = -1;
	require_vproxy(_metadata);
	args[n++] = "--level";
	args[n++] = variant->level;
	args[n++] = "--protocol";
	args[n++] = variant->protocol;
	args[n++] = "--ifsc";
	args[n++] = variant->ifsc;
	if (variant->crc)
		args[n++] = "--crc";
	if (variant->inverse)
		args[n++] = "--inverse";
	args[n] = NULL;
	ret = card_start(&self->cp, args);
	if (ret == 4 || ret == EOPNOTSUPP)
		SKIP(return, "scard-card did not start (%s level %s)",
		     ret == 4 ? "no vproxy or no scard-card" : "refused",
		     variant->level);
	ASSERT_EQ(0, ret);
	ret = power_and_set(self->cp.fd, variant->proto, NULL);
	if (ret == EOPNOTSUPP || ret == ENOSYS)
		SKIP(return, "%s at %s level not supported yet (%s)",
		     variant->proto == SCARD_PROTOCOL_T1 ? "T=1" : "T=0",
		     variant->level, strerror(ret));
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(cards)
{
	card_stop(&self->cp);
	free(self->a);
	free(self->r);
}

TEST_F(cards, state_and_atr)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t state = 0, got = 0, cold = SCARD_COLD_RESET;

	ASSERT_EQ(0, scard_t_state(self->cp.fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
	ASSERT_EQ(0, scard_t_dioc(self->cp.fd, IOCTL_SMARTCARD_POWER, &cold,
				  4, atr, sizeof(atr), &got));
	ASSERT_GE(got, 2);
	/* The kernel hands out the ATR decoded: 3F for an inverse card. */
	EXPECT_EQ(variant->inverse ? 0x3F : 0x3B, atr[0]);
}

TEST_F(cards, case1_nop)
{
	static const uint8_t c1[] = { 0, CARD_INS_NOP, 0, 0 };
	size_t n;

	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, c1, sizeof(c1),
			  self->r, &n));
	EXPECT_EQ(2, n);
	EXPECT_TRUE(sw_is(self->r, n, 0x9000));
}

TEST_F(cards, case2s_read_binary)
{
	static const uint8_t sel[] = { 0, 0xA4, 0, 0x0C, 2, 0x01, 0x01 };
	static const uint8_t rb[] = { 0, 0xB0, 0x12, 0x34, 0x80 };
	static const uint8_t rb256[] = { 0, 0xB0, 0x00, 0x10, 0x00 };
	size_t n;

	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, sel, sizeof(sel),
			  self->r, &n));
	ASSERT_TRUE(sw_is(self->r, n, 0x9000));
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, rb, sizeof(rb),
			  self->r, &n));
	ASSERT_EQ(0x80 + 2, n);
	EXPECT_TRUE(pattern_ok(self->r, 0x1234, 0x80));
	EXPECT_TRUE(sw_is(self->r, n, 0x9000));
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, rb256, sizeof(rb256),
			  self->r, &n));
	ASSERT_EQ(256 + 2, n);
	EXPECT_TRUE(pattern_ok(self->r, 0x10, 256));
}

TEST_F(cards, case2s_short_file)
{
	/* 8 bytes left: 62 82 (APDU, T=1), or 6C 08 + resend (T=0) */
	static const uint8_t sel[] = { 0, 0xA4, 0, 0x0C, 2, 0x01, 0x02 };
	static const uint8_t rb[] = { 0, 0xB0, 0x01, 0x24, 0x10 };
	size_t n;

	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, sel, sizeof(sel),
			  self->r, &n));
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, rb, sizeof(rb),
			  self->r, &n));
	ASSERT_EQ(8 + 2, n);
	EXPECT_TRUE(pattern_ok(self->r, 0x124, 8));
	EXPECT_TRUE(sw_is(self->r, n, 0x6282) || sw_is(self->r, n, 0x9000));
}

TEST_F(cards, case3s_nop_data)
{
	static const uint8_t c3[] = { 0, CARD_INS_NOP, 0, 0, 3, 1, 2, 3 };
	size_t n;

	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, c3, sizeof(c3),
			  self->r, &n));
	EXPECT_EQ(2, n);
	EXPECT_TRUE(sw_is(self->r, n, 0x9000));
}

TEST_F(cards, case4s_echo)
{
	size_t n, i, len;

	for (len = 1; len <= 255; len += 127) {
		self->a[0] = 0;
		self->a[1] = CARD_INS_ECHO;
		self->a[2] = self->a[3] = 0;
		self->a[4] = len;
		for (i = 0; i < len; i++)
			self->a[5 + i] = i * 3 + len;
		self->a[5 + len] = 0;
		ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, self->a,
				  6 + len, self->r, &n));
		ASSERT_EQ(len + 2, n);
		EXPECT_EQ(0, memcmp(self->r, self->a + 5, len));
		EXPECT_TRUE(sw_is(self->r, n, 0x9000));
	}
}

TEST_F(cards, case4s_select_fci)
{
	static const uint8_t sel[] = { 0, 0xA4, 4, 0, 6, 0xF0, 'S', 'C', 'A',
				       'R', 'D', 0 };
	size_t n;

	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, sel, sizeof(sel),
			  self->r, &n));
	ASSERT_EQ(12, n);
	EXPECT_EQ(0x6F, self->r[0]);
	EXPECT_EQ(0, memcmp(self->r + 4, CARD_AID, CARD_AID_LEN));
}

TEST_F(cards, extended_echo_5000)
{
	size_t len = echo_ext(self->a, 5000, 0x33), n;
	int ret = xmit(self->cp.fd, variant->proto, self->a, len, self->r,
		       &n);

	if (variant->ext_einval) {
		EXPECT_EQ(EINVAL, ret);
		return;
	}
	if (!variant->ext)
		SKIP(return, "short APDUs only at this level");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(5002, n);
	EXPECT_EQ(0, memcmp(self->r, self->a + 7, 5000));
	EXPECT_TRUE(sw_is(self->r, n, 0x9000));
}

TEST_F(cards, extended_read_65536)
{
	static const uint8_t sel[] = { 0, 0xA4, 0, 0x0C, 2, 0x01, 0x01 };
	static const uint8_t rb[] = { 0, 0xB0, 0, 0, 0, 0, 0 };
	size_t n;

	if (!variant->ext)
		SKIP(return, "no extended APDUs at this level");
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, sel, sizeof(sel),
			  self->r, &n));
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, rb, sizeof(rb),
			  self->r, &n));
	ASSERT_EQ(65538, n);
	EXPECT_TRUE(pattern_ok(self->r, 0, 65536));
	EXPECT_TRUE(sw_is(self->r, n, 0x9000));
}

TEST_F(cards, slow_command)
{
	/* WTX at T=1, NULL procedure bytes at character-level T=0 */
	static const uint8_t slow[] = { 0, CARD_INS_SLOW, 3, 0 };
	struct scard_perf_cntr p0, p1;
	size_t n;

	ASSERT_EQ(0, get_perf(self->cp.fd, &p0));
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, slow, sizeof(slow),
			  self->r, &n));
	EXPECT_TRUE(sw_is(self->r, n, 0x9000));
	ASSERT_EQ(0, get_perf(self->cp.fd, &p1));
	if (variant->proto == SCARD_PROTOCOL_T1 &&
	    strncmp(variant->level, "apdu", 4))
		EXPECT_EQ(p0.wtx_requests + 3, p1.wtx_requests);
}

TEST_F(cards, t1_ifs_request)
{
	struct card_stats s;

	if (variant->proto != SCARD_PROTOCOL_T1 ||
	    !strncmp(variant->level, "apdu", 4))
		SKIP(return, "a T=1 test (blocks: TPDU and character level)");
	ASSERT_EQ(0, card_stats(self->cp.fd, variant->proto, &s));
	EXPECT_EQ(1, s.t1_ifs_requests);
	EXPECT_EQ(254, s.t1_ifsd);
	EXPECT_EQ(0, s.t1_bad);
	if (!strcmp(variant->protocol, "both"))
		EXPECT_EQ(1, s.pps);
}

TEST_F(cards, t1_supress_ifs_request)
{
	uint8_t in[8] = { 0 };
	uint32_t tag = SCARD_ATTR_SUPRESS_T1_IFS_REQUEST, one = 1;
	struct card_stats s;

	if (variant->proto != SCARD_PROTOCOL_T1 ||
	    !strncmp(variant->level, "apdu", 4))
		SKIP(return, "a T=1 test (blocks: TPDU and character level)");
	memcpy(in, &tag, 4);
	memcpy(in + 4, &one, 4);
	ASSERT_EQ(0, scard_t_dioc(self->cp.fd, IOCTL_SMARTCARD_SET_ATTRIBUTE,
				  in, 8, NULL, 0, NULL));
	ASSERT_EQ(0, power_and_set(self->cp.fd, variant->proto, NULL));
	ASSERT_EQ(0, card_stats(self->cp.fd, variant->proto, &s));
	EXPECT_EQ(0, s.t1_ifs_requests);
	EXPECT_EQ(32, s.t1_ifsd);
}

/* SET_ATTRIBUTE SUPRESS_T1_IFS_REQUEST with @val; 0 or a positive errno. */
static int set_suppress_ifs(int fd, uint32_t val)
{
	uint32_t in[2] = { SCARD_ATTR_SUPRESS_T1_IFS_REQUEST, val };

	return scard_t_dioc(fd, IOCTL_SMARTCARD_SET_ATTRIBUTE, in, sizeof(in),
			    NULL, 0, NULL);
}

/*
 * Cold reset, SET_PROTOCOL and one TRANSMIT (the STATS command: S(IFS)
 * goes before the first I-block); the S(IFS request)s the card process has
 * counted since it started.
 */
static int ifs_requests(int fd, uint32_t proto)
{
	struct card_stats s;

	if (power_and_set(fd, proto, NULL) || card_stats(fd, proto, &s))
		return -1;
	return (int)s.t1_ifs_requests;
}

/*
 * The setting belongs to the reader: another file's stays after that
 * file is closed, 0 undoes it, and the last close of the reader resets it.
 */
TEST_F(cards, t1_supress_ifs_request_scope)
{
	uint32_t bad[3] = { SCARD_ATTR_SUPRESS_T1_IFS_REQUEST, 1, 0 };
	int fd2;

	if (variant->proto != SCARD_PROTOCOL_T1 ||
	    !strncmp(variant->level, "apdu", 4))
		SKIP(return, "a T=1 test (blocks: TPDU and character level)");
	/* The value is a __u32. */
	EXPECT_EQ(EINVAL, scard_t_dioc(self->cp.fd,
				       IOCTL_SMARTCARD_SET_ATTRIBUTE, bad, 4,
				       NULL, 0, NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->cp.fd,
				       IOCTL_SMARTCARD_SET_ATTRIBUTE, bad, 12,
				       NULL, 0, NULL));

	fd2 = open(self->cp.dev, O_RDWR);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, set_suppress_ifs(fd2, 1));
	close(fd2);
	EXPECT_EQ(0, ifs_requests(self->cp.fd, variant->proto));

	ASSERT_EQ(0, set_suppress_ifs(self->cp.fd, 0));
	EXPECT_EQ(1, ifs_requests(self->cp.fd, variant->proto));

	ASSERT_EQ(0, set_suppress_ifs(self->cp.fd, 1));
	close(self->cp.fd);
	self->cp.fd = open(self->cp.dev, O_RDWR);
	ASSERT_LE(0, self->cp.fd);
	EXPECT_EQ(2, ifs_requests(self->cp.fd, variant->proto));
}

/* --- T=1 error recovery ---------------------------------------------------- */

FIXTURE(faults)
{
	struct card_proc cp;
	uint8_t *a, *r;
};

FIXTURE_VARIANT(faults)
{
	const char *level;
	const char *fault;
	int wtx;		/* the fault shows as WTX, not retransmissions */
};

FIXTURE_VARIANT_ADD(faults, tpdu_corrupt) { "tpdu", "corrupt-every:3", 0 };
FIXTURE_VARIANT_ADD(faults, tpdu_lose) { "tpdu", "lose-every:4", 0 };
FIXTURE_VARIANT_ADD(faults, tpdu_wrong_ns) { "tpdu", "wrong-ns:3", 0 };
FIXTURE_VARIANT_ADD(faults, tpdu_wtx) { "tpdu", "wtx:2", 1 };
FIXTURE_VARIANT_ADD(faults, char_corrupt) { "char", "corrupt-every:5", 0 };
FIXTURE_VARIANT_ADD(faults, char_lose) { "char", "lose-every:5", 0 };

FIXTURE_SETUP(faults)
{
	const char *args[] = { "--level", variant->level, "--protocol", "t1",
			       "--ifsc", "16", "--fault", variant->fault,
			       NULL };
	int ret;

	self->a = malloc(BIG);
	self->r = malloc(BIG);
	ASSERT_TRUE(self->a && self->r);
	self->cp.fd = -1;
	require_vproxy(_metadata);
	ret = card_start(&self->cp, args);
	if (ret == 4 || ret == EOPNOTSUPP)
		SKIP(return, "scard-card did not start");
	ASSERT_EQ(0, ret);
	ret = power_and_set(self->cp.fd, SCARD_PROTOCOL_T1, NULL);
	if (ret == EOPNOTSUPP)
		SKIP(return, "T=1 at %s level not supported yet",
		     variant->level);
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(faults)
{
	card_stop(&self->cp);
	free(self->a);
	free(self->r);
}

TEST_F(faults, recovered)
{
	struct scard_perf_cntr p0, p1;
	size_t len, n;
	int k;

	ASSERT_EQ(0, get_perf(self->cp.fd, &p0));
	for (k = 0; k < 3; k++) {
		len = echo_ext(self->a, 700, k);
		ASSERT_EQ(0, xmit(self->cp.fd, SCARD_PROTOCOL_T1, self->a, len,
				  self->r, &n));
		ASSERT_EQ(702, n);
		EXPECT_EQ(0, memcmp(self->r, self->a + 7, 700));
		EXPECT_TRUE(sw_is(self->r, n, 0x9000));
	}
	ASSERT_EQ(0, get_perf(self->cp.fd, &p1));
	TH_LOG("retransmissions %llu resynchs %llu wtx %llu",
	       (unsigned long long)(p1.retransmissions - p0.retransmissions),
	       (unsigned long long)(p1.resynchs - p0.resynchs),
	       (unsigned long long)(p1.wtx_requests - p0.wtx_requests));
	if (variant->wtx) {
		EXPECT_EQ(p0.wtx_requests + 6, p1.wtx_requests);
	} else {
		EXPECT_LT(p0.retransmissions + p0.resynchs,
			  p1.retransmissions + p1.resynchs);
	}
	EXPECT_EQ(p0.transmissions + 3, p1.transmissions);
}

/* --- a card that goes mute --------------------------------------------------- */

FIXTURE(mute)
{
	struct card_proc cp;
};

FIXTURE_VARIANT(mute)
{
	const char *level;
	const char *protocol;
	uint32_t proto;
};

FIXTURE_VARIANT_ADD(mute, tpdu_t1) { "tpdu", "t1", SCARD_PROTOCOL_T1 };
FIXTURE_VARIANT_ADD(mute, char_t1) { "char", "t1", SCARD_PROTOCOL_T1 };

FIXTURE_SETUP(mute)
{
	/* S(IFS) response is block 1; the NOP's answer block 2 is lost */
	const char *args[] = { "--level", variant->level, "--protocol",
			       variant->protocol, "--fault", "mute-after:1",
			       NULL };
	int ret;

	self->cp.fd = -1;
	require_vproxy(_metadata);
	ret = card_start(&self->cp, args);
	if (ret == 4 || ret == EOPNOTSUPP)
		SKIP(return, "scard-card did not start");
	ASSERT_EQ(0, ret);
	ret = power_and_set(self->cp.fd, variant->proto, NULL);
	if (ret == EOPNOTSUPP)
		SKIP(return, "not supported yet");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(mute)
{
	card_stop(&self->cp);
}

TEST_F(mute, eproto_then_usable_after_reset)
{
	static const uint8_t nop[] = { 0, CARD_INS_NOP, 0, 0 };
	struct scard_perf_cntr p0, p1;
	uint8_t r[16];
	size_t n;

	ASSERT_EQ(0, get_perf(self->cp.fd, &p0));
	EXPECT_EQ(EPROTO, xmit(self->cp.fd, variant->proto, nop, sizeof(nop),
			       r, &n));
	ASSERT_EQ(0, get_perf(self->cp.fd, &p1));
	EXPECT_LT(p0.resynchs, p1.resynchs);
	EXPECT_LT(p0.protocol_errors, p1.protocol_errors);
	ASSERT_EQ(0, power_and_set(self->cp.fd, variant->proto, NULL));
	ASSERT_EQ(0, xmit(self->cp.fd, variant->proto, nop, sizeof(nop), r,
			  &n));
	EXPECT_TRUE(sw_is(r, n, 0x9000));
}

/* --- PPS: a card offering T=0 and T=1 ------------------------------------- */

FIXTURE(pps)
{
	struct card_proc cp;
};

FIXTURE_VARIANT(pps)
{
	const char *level;
	const char *fault;
};

FIXTURE_VARIANT_ADD(pps, tpdu) { "tpdu", NULL };
FIXTURE_VARIANT_ADD(pps, char) { "char", NULL };
FIXTURE_VARIANT_ADD(pps, char_refused) { "char", "pps-refuse" };

FIXTURE_SETUP(pps)
{
	const char *args[] = { "--level", variant->level, "--protocol", "both",
			       variant->fault ? "--fault" : NULL,
			       variant->fault, NULL };
	int ret;

	self->cp.fd = -1;
	require_vproxy(_metadata);
	ret = card_start(&self->cp, args);
	if (ret == 4 || ret == EOPNOTSUPP)
		SKIP(return, "scard-card did not start");
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(pps)
{
	card_stop(&self->cp);
}

TEST_F(pps, set_protocol_t1)
{
	static const uint8_t nop[] = { 0, CARD_INS_NOP, 0, 0 };
	uint32_t sel = 0, state = 0;
	struct card_stats s;
	uint8_t r[16];
	size_t n;
	int ret;

	ASSERT_EQ(0, scard_t_power(self->cp.fd, SCARD_COLD_RESET));
	ASSERT_EQ(0, scard_t_state(self->cp.fd, &state));
	EXPECT_EQ(SCARD_NEGOTIABLE, state);
	ret = power_and_set(self->cp.fd, SCARD_PROTOCOL_T1, &sel);
	if (ret == EOPNOTSUPP)
		SKIP(return, "T=1 not supported yet");
	if (variant->fault) {
		/* refused PPS: the card stays silent, the reader gives up */
		EXPECT_NE(0, ret);
		return;
	}
	ASSERT_EQ(0, ret);
	EXPECT_EQ(SCARD_PROTOCOL_T1, sel);
	ASSERT_EQ(0, xmit(self->cp.fd, SCARD_PROTOCOL_T1, nop, sizeof(nop),
			  r, &n));
	EXPECT_TRUE(sw_is(r, n, 0x9000));
	ASSERT_EQ(0, card_stats(self->cp.fd, SCARD_PROTOCOL_T1, &s));
	EXPECT_EQ(1, s.pps);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	if (access("/dev/scard_vproxy", F_OK)) {
		ksft_print_header();
		ksft_exit_skip("/dev/scard_vproxy not found (scard_vproxy.ko)\n");
	}
	return test_harness_run(argc, argv);
}
