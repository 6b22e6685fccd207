/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kselftests that drive tools/testing/cards/ccid-gadget share
 * (scard_gadget_test, scard_hostile_test): starting and stopping the
 * gadget, finding its readers by their sysfs name, reading its log, and a
 * few exchanges with its card.
 */
#ifndef SCARD_SELFTEST_GADGET_H
#define SCARD_SELFTEST_GADGET_H

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest.h"
#include "scard_common.h"

#define GADGET_NAME	"scard CCID gadget"
#define GADGET_MAX	8
#define XFR_TIMEOUT_PARAM "/sys/module/scard_ccid/parameters/xfr_timeout_ms"
#define ESCAPE_PARAM	"/sys/module/scard_ccid/parameters/escape"
#define QUIRKS_PARAM	"/sys/module/scard_ccid/parameters/quirks"

struct gadget {
	pid_t pid;
	char log[64];
	int n;
	char dev[GADGET_MAX][32];	/* /dev/scardN, by slot */
	char sys[GADGET_MAX][64];	/* /sys/class/scard/scardN */
};

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return -1;
	if (!fgets(buf, size, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = 0;
	return 0;
}

static inline int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

/* The gadget's readers now, by slot; returns how many. */
static inline int gadget_scan(struct gadget *g)
{
	char path[96], buf[128];
	int i, n = 0;

	for (i = 0; i < 64; i++) {
		int slot;

		snprintf(path, sizeof(path), "/sys/class/scard/scard%d/name", i);
		if (read_line(path, buf, sizeof(buf)) || strcmp(buf, GADGET_NAME))
			continue;
		snprintf(path, sizeof(path), "/sys/class/scard/scard%d/slot", i);
		if (read_line(path, buf, sizeof(buf)))
			continue;
		slot = atoi(buf);
		if (slot < 0 || slot >= GADGET_MAX)
			continue;
		snprintf(g->dev[slot], sizeof(g->dev[slot]), "/dev/scard%d", i);
		snprintf(g->sys[slot], sizeof(g->sys[slot]),
			 "/sys/class/scard/scard%d", i);
		n++;
	}
	return n;
}

static inline int gadget_wait_gone(void)
{
	struct gadget g;
	double end = now_s() + 10;

	while (gadget_scan(&g)) {
		if (now_s() > end)
			return -1;
		usleep(50000);
	}
	return 0;
}

/*
 * Start ccid-gadget with @args (NULL-terminated) and wait for its @n
 * readers and their device nodes. Returns 0 or -1.
 */
static inline int gadget_start(struct gadget *g, int n,
			       const char *const *args)
{
	const char *argv[16] = { "ccid-gadget" };
	double end;
	int i, st;

	memset(g, 0, sizeof(*g));
	if (gadget_wait_gone())
		return -1;
	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	snprintf(g->log, sizeof(g->log), "/tmp/ccid-gadget.%d.log", getpid());
	g->pid = fork();
	if (g->pid < 0)
		return -1;
	if (!g->pid) {
		int fd = open(g->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0)
			dup2(fd, 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	end = now_s() + 15;
	for (;;) {
		if (gadget_scan(g) == n) {
			for (i = 0; i < n; i++)
				if (access(g->dev[i], F_OK))
					break;
			if (i == n)
				return 0;
		}
		if (waitpid(g->pid, &st, WNOHANG) == g->pid) {
			g->pid = 0;
			return -1;
		}
		if (now_s() > end)
			return -1;
		usleep(50000);
	}
}

/*
 * gadget_start() with the module parameter quirks set to @quirks for the
 * gadget's probe only: put back before returning, so that later readers
 * are not affected. Returns 0 or -1.
 */
static inline int gadget_start_quirks(struct gadget *g, int n,
				      const char *const *args,
				      const char *quirks)
{
	char saved[256] = "";
	int ret;

	if (read_line(QUIRKS_PARAM, saved, sizeof(saved)) ||
	    write_str(QUIRKS_PARAM, quirks))
		return -1;
	ret = gadget_start(g, n, args);
	if (write_str(QUIRKS_PARAM, saved[0] ? saved : "\n"))
		ret = -1;
	return ret;
}

/* Stop the gadget (a USB disconnect) and wait for its readers to go. */
static inline int gadget_stop(struct gadget *g)
{
	if (g->pid > 0) {
		kill(g->pid, SIGKILL);
		waitpid(g->pid, NULL, 0);
		g->pid = 0;
	}
	unlink(g->log);
	return gadget_wait_gone();
}

/*
 * The number (from 1) of the first line of the gadget's log, from line
 * @from on, that starts with (@any: contains) @what; 0 when none does.
 */
static inline int gadget_log_line(struct gadget *g, const char *what,
				  int any, int from)
{
	char line[256];
	FILE *f = fopen(g->log, "r");
	int n = 0, found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (++n >= from && (any ? !!strstr(line, what) :
				    !strncmp(line, what, strlen(what))))
			found = n;
	fclose(f);
	return found;
}

/* Did the gadget log a line starting with (@any: containing) @what? */
static inline int gadget_log_has(struct gadget *g, const char *what,
				 int any)
{
	return gadget_log_line(g, what, any, 1) > 0;
}

static inline int gadget_saw(struct gadget *g, const char *prefix)
{
	return gadget_log_has(g, prefix, 0);
}

/* Wait up to @sec seconds for the gadget to log a line starting @prefix. */
static inline int gadget_wait_for(struct gadget *g, const char *prefix,
				  double sec)
{
	double end = now_s() + sec;

	while (!gadget_saw(g, prefix)) {
		if (now_s() > end)
			return -1;
		usleep(10000);
	}
	return 0;
}

/* The quirks scard_ccid shows for the gadget's interface. */
static inline int gadget_quirks(struct gadget *g, char *buf, size_t size)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/device/quirks", g->sys[0]);
	return read_line(path, buf, size);
}

static const uint8_t gadget_atr[] = { 0x3B, 0x02, 0x53, 0x43 };
static const uint8_t nop[] = { 0x00, 0xE6, 0x00, 0x00 };
static const uint8_t echo[] = { 0x00, 0xEE, 0x00, 0x00, 0x03, 1, 2, 3, 0x03 };
static const uint8_t echo_resp[] = { 1, 2, 3, 0x90, 0x00 };
/* INS EA: the gadget's --mute/--garbage/--unplug-after-ms act on it. */
static const uint8_t trigger[] = { 0x00, 0xEA, 0x00, 0x00 };

/*
 * Open @dev, cold reset (checking the ATR against @want), SET_PROTOCOL
 * @proto. Returns the fd or -errno.
 */
static inline int open_proto(const char *dev, const uint8_t *want,
			     size_t want_len, uint32_t proto)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t minor = SCARD_COLD_RESET, got = 0;
	int fd = open(dev, O_RDWR), ret;

	if (fd < 0)
		return -errno;
	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_POWER, &minor, sizeof(minor),
			   atr, sizeof(atr), &got);
	if (!ret && (got != want_len || memcmp(atr, want, got)))
		ret = EPROTO;
	if (!ret)
		ret = scard_t_set_protocol(fd, proto);
	if (ret) {
		close(fd);
		return -ret;
	}
	return fd;
}

static inline int open_specific(const char *dev)
{
	return open_proto(dev, gadget_atr, sizeof(gadget_atr),
			  SCARD_PROTOCOL_T0);
}

/*
 * TRANSMIT @apdu under @proto; the response without header goes to a
 * malloc'ed *@resp, its length to *@resp_len. Returns 0 or an errno.
 */
static inline int xmit(int fd, uint32_t proto, const uint8_t *apdu,
		       size_t len, uint8_t **resp, size_t *resp_len)
{
	size_t out_size = 8 + 65538;
	uint8_t *in = malloc(8 + len), *out = malloc(out_size);
	uint32_t got = 0;
	int ret = ENOMEM;

	*resp = NULL;
	if (in && out) {
		ret = scard_t_dioc(fd, IOCTL_SMARTCARD_TRANSMIT, in,
				   scard_t_xmit_in(in, proto, 8, apdu, len),
				   out, out_size, &got);
		if (!ret && (got < 8 || got > out_size))
			ret = EPROTO;
	}
	if (!ret) {
		*resp_len = got - 8;
		*resp = malloc(got - 8 + 1);
		if (*resp)
			memcpy(*resp, out + 8, got - 8);
		else
			ret = ENOMEM;
	}
	free(in);
	free(out);
	return ret;
}

/*
 * ECHO of @lc bytes (extended APDU when @lc > 255 or @ext) under @proto:
 * 0 when the data comes back whole with 90 00, else an errno (EBADMSG:
 * wrong answer).
 */
static inline int echo_check(int fd, uint32_t proto, size_t lc, int ext)
{
	uint8_t *a = malloc(lc + 9), *r = NULL;
	size_t n = 0, len, i, off;
	int ret;

	if (!a)
		return ENOMEM;
	memcpy(a, (uint8_t[]){ 0x00, 0xEE, 0x00, 0x00 }, 4);
	if (lc > 255 || ext) {
		a[4] = 0;
		a[5] = lc >> 8;
		a[6] = lc;
		len = 7;
	} else {
		a[4] = lc;
		len = 5;
	}
	off = len;
	for (i = 0; i < lc; i++)
		a[off + i] = (uint8_t)(i * 7 + 1);
	len += lc;
	if (lc > 255 || ext) {
		a[len++] = lc >> 8;
		a[len++] = lc;
	} else {
		a[len++] = lc;
	}
	ret = xmit(fd, proto, a, len, &r, &n);
	if (!ret && (n != lc + 2 || memcmp(r, a + off, lc) ||
		     r[lc] != 0x90 || r[lc + 1]))
		ret = EBADMSG;
	free(a);
	free(r);
	return ret;
}

/* TRANSMIT @apdu (any size); 0 when the answer is 90 00 and nothing else. */
static inline int xmit_nop(int fd, const uint8_t *apdu, size_t len)
{
	uint8_t *r = NULL;
	size_t n = 0;
	int ret = xmit(fd, SCARD_PROTOCOL_T0, apdu, len, &r, &n);

	if (!ret && (n != 2 || r[0] != 0x90 || r[1]))
		ret = EBADMSG;
	free(r);
	return ret;
}

static inline int in_path(const char *prog)
{
	const char *p = getenv("PATH");
	char dir[256], full[320];

	while (p && *p) {
		size_t n = strcspn(p, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)n, p);
		snprintf(full, sizeof(full), "%s/%s", dir, prog);
		if (!access(full, X_OK))
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Set xfr_timeout_ms for this test; the teardown puts it back. */
static inline int set_xfr_timeout(char *saved, size_t size, const char *ms)
{
	if (read_line(XFR_TIMEOUT_PARAM, saved, size))
		return -1;
	return write_str(XFR_TIMEOUT_PARAM, ms);
}

/* Wait up to @sec for @sys/state to read @want; the last value in @buf. */
static inline void gadget_wait_state(const char *sys, const char *want,
				     double sec, char *buf, size_t size)
{
	double end = now_s() + sec;
	char path[96];

	snprintf(path, sizeof(path), "%s/state", sys);
	while (now_s() < end) {
		if (!read_line(path, buf, size) && !strcmp(buf, want))
			return;
		usleep(50000);
	}
}

/* A fixture's end: close its file, put xfr_timeout_ms back, stop it. */
static inline int gadget_finish(struct gadget *g, int fd,
				  const char *saved_timeout)
{
	if (fd >= 0)
		close(fd);
	if (saved_timeout[0])
		write_str(XFR_TIMEOUT_PARAM, saved_timeout);
	return gadget_stop(g);
}

/* Exit with a skip when the gadget cannot run here. */
static inline void gadget_require(void)
{
	const char *why = NULL;

	if (access("/dev/raw-gadget", F_OK))
		why = "no /dev/raw-gadget (CONFIG_USB_RAW_GADGET)";
	else if (!in_path("ccid-gadget"))
		why = "ccid-gadget not in PATH";
	else if (access(XFR_TIMEOUT_PARAM, F_OK))
		why = "scard_ccid not loaded";
	if (why) {
		ksft_print_header();
		ksft_exit_skip("%s\n", why);
	}
}

/*
 * main() of a gadget test (after kselftest_harness.h): -l and -h list the
 * tests anywhere; running them needs the gadget.
 */
static inline int gadget_test_main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	gadget_require();
	return test_harness_run(argc, argv);
}

#endif /* SCARD_SELFTEST_GADGET_H */
