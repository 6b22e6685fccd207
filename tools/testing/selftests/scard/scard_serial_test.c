// SPDX-License-Identifier: GPL-2.0
/*
 * scard_serial: the serial line discipline with a GemPC Twin reader.
 *
 * Each test starts tools/testing/cards/twin-reader on a pseudo terminal
 * (the reader; $SCARD_TWIN, /scard/bin/twin-reader or twin-reader in
 * $PATH) and scardattach (tools/scard; $SCARD_ATTACH, /scard/bin/scardattach
 * or in $PATH) on the pty's slave, then drives the /dev/scardN that
 * scardattach printed: sysfs and attributes, APDUs of every case at T=0
 * and T=1 (T=1 chaining both ways), time extensions, in-band card
 * notifications, a noisy line recovered by NAKs and repetitions
 * (GET_PERF_CNTR counts them), a slow peer, the peer disappearing (the pty
 * hangs up: the reader goes, open files get ENODEV, scardattach exits 8)
 * and scardattach killed with files open and an exchange in progress.
 * Then scardattach's own errors: no such tty, no reader answering, tty
 * busy. Documentation/scard/serial.rst lists what runs where; the QEMU
 * 16550 path is the scenario serial-twin-16550.sh.
 *
 * Skipped without scard_serial.ko, twin-reader or scardattach.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "scard_common.h"
#include "../../cards/card.h"

#define XBUF		(8 + 600)

static const char *find_bin(const char *env, const char *name, char *buf,
			    size_t size)
{
	const char *e = getenv(env);
	char self[200];
	ssize_t n;
	char *slash;

	if (e && *e)
		return e;
	snprintf(buf, size, "/scard/bin/%s", name);
	if (!access(buf, X_OK))
		return buf;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, size, "%s/../../%s/%s", self,
				 strcmp(name, "scardattach") ? "cards" :
				 "../scard", name);
			if (!access(buf, X_OK))
				return buf;
		}
	}
	return name;
}

/* Run @argv with stdout on a pipe; the pipe's read end in *@out. */
static pid_t spawn(const char *const *argv, int *out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		/* A test killed on timeout takes its reader and tool along. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* One line from @fd within @ms, newline stripped; 0 or -1. */
static int read_line(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n < size - 1) {
		if (poll(&p, 1, ms) != 1 || read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = 0;
	return 0;
}

/* Exit status of @pid within @ms; -1 if it still runs (then killed). */
static int wait_exit(pid_t pid, int ms)
{
	int st, i;

	for (i = 0; i < ms / 20; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int xfr(int fd, uint32_t proto, const uint8_t *apdu, size_t len,
	       uint8_t *resp, size_t *rlen)
{
	uint8_t in[XBUF], out[XBUF];
	uint32_t got = 0;
	int ret;

	*rlen = 0;
	if (len > XBUF - 8)
		return E2BIG;
	scard_t_xmit_in(in, proto, 8, apdu, len);
	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_TRANSMIT, in, 8 + len, out,
			   sizeof(out), &got);
	if (!ret && got < 10)
		ret = EPROTO;
	if (!ret) {
		*rlen = got - 8;
		memcpy(resp, out + 8, *rlen);
	}
	return ret;
}

static int sw9000(const uint8_t *r, size_t n)
{
	return n >= 2 && r[n - 2] == 0x90 && r[n - 1] == 0x00;
}

static int read_sysfs(const char *dev, const char *attr, char *buf,
		      size_t size)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/scard/%s/%s", dev + 5, attr);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Wait up to 10 s for the sysfs state to read @want. */
static int wait_state(const char *dev, const char *want)
{
	char s[32];
	int i;

	for (i = 0; i < 200; i++) {
		if (!read_sysfs(dev, "state", s, sizeof(s)) && !strcmp(s, want))
			return 0;
		usleep(50000);
	}
	return -1;
}

/* Wait up to 2 s for /dev/scardN to go: unregistration ends with it. */
static int wait_node_gone(const char *dev)
{
	int i;

	for (i = 0; i < 200 && !access(dev, F_OK); i++)
		usleep(10000);
	return access(dev, F_OK) ? 0 : -1;
}

static int module_loaded(void)
{
	return !access("/sys/module/scard_serial", F_OK);
}

FIXTURE(twin)
{
	pid_t emu, attach;
	int emu_out, attach_out;
	char pts[64];
	char dev[32];
	int fd;
};

FIXTURE_VARIANT(twin)
{
	const char *protocol;
	uint32_t proto;
	int noisy;
	const char *extra[4];
};

FIXTURE_VARIANT_ADD(twin, t0) { "t0", SCARD_PROTOCOL_T0, 0, { NULL } };
FIXTURE_VARIANT_ADD(twin, t1) { "t1", SCARD_PROTOCOL_T1, 0, { NULL } };
FIXTURE_VARIANT_ADD(twin, t0_noisy) {
	"t0", SCARD_PROTOCOL_T0, 1,
	{ "--noise-tx", "1000", "--noise-rx", "1000" } };
FIXTURE_VARIANT_ADD(twin, t1_noisy) {
	"t1", SCARD_PROTOCOL_T1, 1,
	{ "--noise-tx", "1000", "--lose", "3000" } };
FIXTURE_VARIANT_ADD(twin, t0_time_ext) {
	"t0", SCARD_PROTOCOL_T0, 0, { "--time-ext", "3" } };
FIXTURE_VARIANT_ADD(twin, t1_slow) {
	"t1", SCARD_PROTOCOL_T1, 0, { "--slow-ms", "20" } };

FIXTURE_SETUP(twin)
{
	char twin_buf[512], attach_buf[512];
	const char *argv[16];
	int n = 0, i;

	self->emu = self->attach = -1;
	self->fd = -1;
	if (!module_loaded())
		SKIP(return, "scard_serial not loaded");
	argv[n++] = find_bin("SCARD_TWIN", "twin-reader", twin_buf,
			     sizeof(twin_buf));
	argv[n++] = "--pty";
	argv[n++] = "--protocol";
	argv[n++] = variant->protocol;
	argv[n++] = "--seed";
	argv[n++] = "7";
	for (i = 0; i < 4 && variant->extra[i]; i++)
		argv[n++] = variant->extra[i];
	argv[n] = NULL;
	self->emu = spawn(argv, &self->emu_out);
	ASSERT_GT(self->emu, 0);
	if (read_line(self->emu_out, self->pts, sizeof(self->pts), 5000))
		SKIP(return, "twin-reader did not start (%s)", argv[0]);

	n = 0;
	argv[n++] = find_bin("SCARD_ATTACH", "scardattach", attach_buf,
			     sizeof(attach_buf));
	argv[n++] = self->pts;
	argv[n] = NULL;
	self->attach = spawn(argv, &self->attach_out);
	ASSERT_GT(self->attach, 0);
	ASSERT_EQ(0, read_line(self->attach_out, self->dev, sizeof(self->dev),
			       20000)) {
		TH_LOG("scardattach %s printed no device (exit %d)", self->pts,
		       wait_exit(self->attach, 100));
	}
	ASSERT_EQ(0, strncmp(self->dev, "/dev/scard", 10));
	self->fd = open(self->dev, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", self->dev, strerror(errno));
}

FIXTURE_TEARDOWN(twin)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->attach > 0) {
		kill(self->attach, SIGTERM);
		wait_exit(self->attach, 5000);
	}
	if (self->emu > 0) {
		kill(self->emu, SIGTERM);
		wait_exit(self->emu, 5000);
	}
}

static int specific(int fd, uint32_t proto)
{
	int ret = scard_t_power(fd, SCARD_COLD_RESET);

	return ret ? ret : scard_t_set_protocol(fd, proto);
}

TEST_F(twin, attach_sysfs_attributes)
{
	uint32_t tag = SCARD_ATTR_VENDOR_IFD_SERIAL_NO, chan = 0, ret_len = 0;
	char buf[64];

	ASSERT_EQ(0, read_sysfs(self->dev, "name", buf, sizeof(buf)));
	EXPECT_STREQ("Gemalto GemPC Twin (serial)", buf);
	ASSERT_EQ(0, read_sysfs(self->dev, "slots", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	ASSERT_EQ(0, wait_state(self->dev, "present"));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				  &tag, sizeof(tag), buf, sizeof(buf) - 1,
				  &ret_len));
	EXPECT_STREQ("GemPC Twin emulator 1.0", buf);
	tag = SCARD_ATTR_CHANNEL_ID;
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				  &tag, sizeof(tag), &chan, sizeof(chan),
				  NULL));
	EXPECT_EQ(SCARD_READER_TYPE_SERIAL, chan >> 16);
}

TEST_F(twin, apdu_cases)
{
	static const uint8_t c1[] = { 0, CARD_INS_NOP, 0, 0 };
	static const uint8_t c3[] = { 0, 0xA4, 0, 0x0C, 2, 0x01, 0x01 };
	static const uint8_t c2[] = { 0, 0xB0, 0x00, 0x10, 0x00 };
	static const uint8_t fci[] = { 0, 0xA4, 4, 0, 6, 0xF0, 'S', 'C', 'A',
				       'R', 'D', 0 };
	uint8_t c4[5 + 200 + 1], r[300];
	size_t n, i;

	ASSERT_EQ(0, specific(self->fd, variant->proto));
	ASSERT_EQ(0, xfr(self->fd, variant->proto, c1, sizeof(c1), r, &n));
	EXPECT_TRUE(n == 2 && sw9000(r, n));
	ASSERT_EQ(0, xfr(self->fd, variant->proto, c3, sizeof(c3), r, &n));
	EXPECT_TRUE(n == 2 && sw9000(r, n));
	/* case 2, Le 00: 256 bytes (T=1: chained by the card) */
	ASSERT_EQ(0, xfr(self->fd, variant->proto, c2, sizeof(c2), r, &n));
	ASSERT_EQ(258, n);
	EXPECT_TRUE(sw9000(r, n));
	for (i = 0; i < 256; i++)
		ASSERT_EQ(card_pattern(0x10 + i), r[i]);
	/* case 4, 200 bytes each way (T=1: chained both ways, IFSC 32) */
	c4[0] = 0;
	c4[1] = CARD_INS_ECHO;
	c4[2] = c4[3] = 0;
	c4[4] = 200;
	for (i = 0; i < 200; i++)
		c4[5 + i] = (uint8_t)(i * 7);
	c4[205] = 0;
	ASSERT_EQ(0, xfr(self->fd, variant->proto, c4, sizeof(c4), r, &n));
	ASSERT_EQ(202, n);
	EXPECT_EQ(0, memcmp(r, c4 + 5, 200));
	EXPECT_TRUE(sw9000(r, n));
	ASSERT_EQ(0, xfr(self->fd, variant->proto, fci, sizeof(fci), r, &n));
	EXPECT_TRUE(sw9000(r, n));
}

TEST_F_TIMEOUT(twin, many_exchanges, 120)
{
	struct scard_perf_cntr perf;
	uint8_t c4[5 + 100 + 1], r[300];
	size_t n, i;
	int k;

	ASSERT_EQ(0, specific(self->fd, variant->proto));
	for (k = 0; k < 25; k++) {
		c4[0] = 0;
		c4[1] = CARD_INS_ECHO;
		c4[2] = c4[3] = 0;
		c4[4] = 100;
		for (i = 0; i < 100; i++)
			c4[5 + i] = (uint8_t)(i + k);
		c4[105] = 0;
		ASSERT_EQ(0, xfr(self->fd, variant->proto, c4, sizeof(c4), r,
				 &n)) TH_LOG("exchange %d", k);
		ASSERT_EQ(102, n);
		ASSERT_EQ(0, memcmp(r, c4 + 5, 100));
	}
	memset(&perf, 0, sizeof(perf));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_PERF_CNTR,
				  NULL, 0, &perf, sizeof(perf), NULL));
	TH_LOG("retransmissions %llu", (unsigned long long)perf.retransmissions);
	if (variant->noisy) {
		EXPECT_LT(0, perf.retransmissions);
	} else {
		EXPECT_EQ(0, perf.retransmissions);
	}
}

TEST_F(twin, card_events_in_band)
{
	char before[16], after[16];
	uint32_t state = 0;

	ASSERT_EQ(0, wait_state(self->dev, "present"));
	ASSERT_EQ(0, read_sysfs(self->dev, "event_count", before,
				sizeof(before)));
	ASSERT_EQ(0, kill(self->emu, SIGUSR2));
	ASSERT_EQ(0, wait_state(self->dev, "absent"));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_ABSENT, state);
	EXPECT_EQ(ENOMEDIUM, scard_t_power(self->fd, SCARD_COLD_RESET));
	ASSERT_EQ(0, kill(self->emu, SIGUSR1));
	ASSERT_EQ(0, wait_state(self->dev, "present"));
	ASSERT_EQ(0, read_sysfs(self->dev, "event_count", after,
				sizeof(after)));
	/* Exactly the two: a confirmation never adds events of its own. */
	EXPECT_EQ(atoi(before) + 2, atoi(after));
	EXPECT_EQ(0, specific(self->fd, variant->proto));
}

TEST_F(twin, peer_disappears)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	uint32_t state;

	ASSERT_EQ(0, specific(self->fd, variant->proto));
	/* The pty's master closes: the slave hangs up, the reader goes. */
	ASSERT_EQ(0, kill(self->emu, SIGKILL));
	EXPECT_EQ(8, wait_exit(self->attach, 10000));
	self->attach = -1;
	EXPECT_EQ(ENODEV, scard_t_state(self->fd, &state));
	ASSERT_EQ(1, poll(&p, 1, 1000));
	EXPECT_TRUE(p.revents & (POLLHUP | POLLERR));
	EXPECT_EQ(0, wait_node_gone(self->dev));
}

struct slow_xfr {
	int fd;
	uint32_t proto;
	int ret;
};

static void *slow_xfr_thread(void *arg)
{
	static const uint8_t c[] = { 0, CARD_INS_NOP, 0, 0 };
	struct slow_xfr *s = arg;
	uint8_t r[16];
	size_t n;
	int i;

	/*
	 * Until the line goes: a fixed count of exchanges may all be over
	 * before scardattach is killed (6.1 runs 50 NOPs in under 100 ms).
	 */
	for (i = 0; i < 1000000; i++) {
		s->ret = xfr(s->fd, s->proto, c, sizeof(c), r, &n);
		if (s->ret)
			break;
	}
	return NULL;
}

TEST_F(twin, attach_killed_with_files_open)
{
	struct slow_xfr s = { .fd = self->fd, .proto = variant->proto };
	uint32_t state;
	pthread_t th;
	int i;

	ASSERT_EQ(0, specific(self->fd, variant->proto));
	ASSERT_EQ(0, pthread_create(&th, NULL, slow_xfr_thread, &s));
	usleep(100000);
	ASSERT_EQ(0, kill(self->attach, SIGKILL));
	EXPECT_EQ(128, wait_exit(self->attach, 5000));
	self->attach = -1;
	pthread_join(th, NULL);
	EXPECT_EQ(ENODEV, s.ret);
	/*
	 * The exchange ends as soon as the line is dead; the reader is
	 * unregistered right after (serial.rst, "Lifetime"): one 6.1 run
	 * saw GET_STATE still answer in between.
	 */
	for (i = 0; i < 200 && scard_t_state(self->fd, &state) != ENODEV; i++)
		usleep(10000);
	EXPECT_EQ(ENODEV, scard_t_state(self->fd, &state));
	EXPECT_EQ(0, wait_node_gone(self->dev));
}

/* --- scardattach's errors ------------------------------------------------ */

/* scardattach [@opt] @tty; its exit status, or -1. */
static int run_attach_opt(const char *opt, const char *tty, int ms)
{
	char buf[256];
	const char *argv[] = { find_bin("SCARD_ATTACH", "scardattach", buf,
					sizeof(buf)), opt ? opt : tty,
			       opt ? tty : NULL, NULL };
	int out, st;
	pid_t pid = spawn(argv, &out);

	if (pid < 0)
		return -1;
	st = wait_exit(pid, ms);
	close(out);
	return st;
}

static int run_attach(const char *tty, int ms)
{
	return run_attach_opt(NULL, tty, ms);
}

/* A pty master whose slave nobody has opened yet; its name in @name. */
static int open_pty(char *name, size_t size)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0)
		return -1;
	if (grantpt(m) || unlockpt(m) || !ptsname(m)) {
		close(m);
		return -1;
	}
	snprintf(name, size, "%s", ptsname(m));
	return m;
}

TEST(attach_no_such_tty)
{
	if (!module_loaded())
		SKIP(return, "scard_serial not loaded");
	EXPECT_EQ(3, run_attach("/dev/ttyNOSUCH9", 5000));
}

/* scardattach [@opt] on a pty whose master nobody answers: its exit. */
static int attach_on_silent_pty(const char *opt, int ms)
{
	char pts[64];
	int m, st;

	m = open_pty(pts, sizeof(pts));
	if (m < 0)
		return -1;
	st = run_attach_opt(opt, pts, ms);
	close(m);
	return st;
}

TEST(attach_no_reader_answering)
{
	if (!module_loaded())
		SKIP(return, "scard_serial not loaded");
	EXPECT_EQ(7, attach_on_silent_pty(NULL, 15000));
}

/* A direct reader needs RTS to reset the card; a pty has no modem lines. */
TEST(attach_direct_without_modem_lines)
{
	if (!module_loaded())
		SKIP(return, "scard_serial not loaded");
	EXPECT_EQ(6, attach_on_silent_pty("-tphoenix", 5000));
	EXPECT_EQ(6, attach_on_silent_pty("-tsmartmouse", 5000));
}

/*
 * SCARD_SERIAL_IOC_SET_DIRECT checks its argument (clock range, speed,
 * reserved fields) and SET_FLAGS its flags; SET_PROTO of a direct reader on
 * a line without modem lines fails with EOPNOTSUPP and leaves the line
 * free for another try.
 */
TEST(direct_config_checked)
{
	static const struct {
		struct scard_serial_direct d;
		int err;
	} cfgs[] = {
		{ { .clock_khz = 999 }, EINVAL },
		{ { .clock_khz = 20001 }, EINVAL },
		{ { .max_rate = 1000001 }, EINVAL },
		{ { .reserved = { 1, 0 } }, EINVAL },
		{ { .reserved = { 0, 1 } }, EINVAL },
		{ { .clock_khz = 4000, .max_rate = 115200 }, 0 },
		{ { 0 }, 0 },
	};
	__u32 proto = SCARD_SERIAL_PROTO_PHOENIX, flags = 0x80, dev;
	int m, fd, ldisc = SCARD_SERIAL_LDISC_DEFAULT, ntty = N_TTY;
	char pts[64], buf[16];
	FILE *f;
	size_t i;

	if (!module_loaded())
		SKIP(return, "scard_serial not loaded");
	f = fopen("/sys/module/scard_serial/parameters/ldisc", "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f))
			ldisc = atoi(buf);
		fclose(f);
	}
	m = open_pty(pts, sizeof(pts));
	ASSERT_LE(0, m);
	fd = open(pts, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, TIOCSETD, &ldisc));
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		errno = 0;
		EXPECT_EQ(cfgs[i].err ? -1 : 0,
			  ioctl(fd, SCARD_SERIAL_IOC_SET_DIRECT, &cfgs[i].d));
		EXPECT_EQ(cfgs[i].err, errno) TH_LOG("row %zu", i);
	}
	EXPECT_EQ(-1, ioctl(fd, SCARD_SERIAL_IOC_SET_DIRECT, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(fd, SCARD_SERIAL_IOC_SET_FLAGS, &flags));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SCARD_SERIAL_IOC_SET_PROTO, &proto));
	EXPECT_EQ(EOPNOTSUPP, errno);
	proto = SCARD_SERIAL_PROTO_SMARTMOUSE;
	EXPECT_EQ(-1, ioctl(fd, SCARD_SERIAL_IOC_SET_PROTO, &proto));
	EXPECT_EQ(EOPNOTSUPP, errno);
	/* Nothing attached: no device, and the line is still configurable. */
	EXPECT_EQ(-1, ioctl(fd, SCARD_SERIAL_IOC_GET_DEVICE, &dev));
	EXPECT_EQ(EUNATCH, errno);
	EXPECT_EQ(0, ioctl(fd, SCARD_SERIAL_IOC_SET_DIRECT, &cfgs[5].d));
	EXPECT_EQ(0, ioctl(fd, TIOCSETD, &ntty));
	close(fd);
	close(m);
}

TEST(attach_tty_busy)
{
	char twin_buf[512], attach_buf[512], pts[64], dev[32];
	const char *targv[] = { find_bin("SCARD_TWIN", "twin-reader", twin_buf,
					 sizeof(twin_buf)), "--pty", NULL };
	const char *aargv[] = { find_bin("SCARD_ATTACH", "scardattach",
					 attach_buf, sizeof(attach_buf)),
				pts, NULL };
	int eout, aout;
	pid_t emu, att;

	if (!module_loaded())
		SKIP(return, "scard_serial not loaded");
	emu = spawn(targv, &eout);
	ASSERT_GT(emu, 0);
	ASSERT_EQ(0, read_line(eout, pts, sizeof(pts), 5000));
	att = spawn(aargv, &aout);
	ASSERT_GT(att, 0);
	ASSERT_EQ(0, read_line(aout, dev, sizeof(dev), 20000));
	EXPECT_EQ(4, run_attach(pts, 5000));
	kill(att, SIGTERM);
	EXPECT_EQ(0, wait_exit(att, 5000));
	kill(emu, SIGTERM);
	wait_exit(emu, 5000);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	if (!module_loaded()) {
		ksft_print_header();
		ksft_exit_skip("scard_serial not loaded\n");
	}
	return test_harness_run(argc, argv);
}
