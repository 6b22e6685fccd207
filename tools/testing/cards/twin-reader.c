// SPDX-License-Identifier: GPL-2.0
/*
 * twin-reader: a GemPC Twin serial reader (CCID over serial) played on a
 * byte stream, with the card of apdu.c / t0card.c / t1card.c in its slot.
 *
 *   twin-reader (--connect PATH | --pty) [--protocol t0|t1|both]
 *               [--no-card] [--no-echo] [--time-ext N] [--noise-tx N]
 *               [--noise-rx N] [--lose N] [--slow-ms N] [--quit-after N]
 *               [--seed N] [-v]
 *
 * --connect: a unix socket, e.g. the one of QEMU's -chardev socket for a
 * 16550 or usb-serial port (retried for 30 s until it accepts). --pty:
 * a pseudo terminal; its slave's path is printed on stdout.
 *
 * Framing as serial_twin.c describes: 03 06 <CCID message> LRC; NAK
 * 03 15 16 means "send your last frame again"; a frame that arrives
 * damaged is answered with NAK once the line has been quiet IDLE_MS. The
 * command frame is echoed (unless --no-echo), again after every time
 * extension. A command that comes again unchanged (its answer was lost)
 * gets the same answer without running again. SIGUSR1 inserts the card,
 * SIGUSR2 removes it, each with the in-band notification 50 03 / 50 02.
 *
 * Line faults, each with a probability of 1 in N per byte (--seed makes
 * them repeatable): --noise-tx flips a bit of a byte sent, --noise-rx of
 * a byte received, --lose drops a byte sent. --slow-ms waits that long
 * before each frame sent and between its bytes (one ms each). --quit-after
 * N exits after N commands: the peer disappears. --time-ext N sends N CCID
 * time extensions before each XfrBlock answer.
 *
 * Every command, NAK and fault goes to stderr with -v; the counters go to
 * stderr at exit ("stats commands=... naks_rx=... naks_tx=... ...").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "card.h"

#define SYNC		0x03
#define ACK		0x06
#define NAK		0x15
#define HDR		10
#define MAX_DATA	512
#define MAX_FRAME	(3 + HDR + MAX_DATA)
#define IDLE_MS		50

static struct {
	const char *connect;
	int pty;
	unsigned int protocols;	/* bit 0 T=0, bit 1 T=1 */
	int no_card;
	int no_echo;
	unsigned int time_ext;
	unsigned int noise_tx, noise_rx, lose;
	unsigned int slow_ms;
	unsigned int quit_after;
	unsigned int seed;
	int verbose;
} opt = { .protocols = 1, .seed = 1 };

static struct {
	unsigned long commands, naks_rx, naks_tx, damaged, repeats;
	unsigned long flipped_tx, flipped_rx, lost, events;
} st;

static int fd = -1;
static volatile sig_atomic_t ev_insert, ev_remove, quit;

/* The slot. */
static int present, powered, negotiable;
static unsigned int protocol;	/* 0 T=0, 1 T=1 after SetParameters */
static struct card_stats cstats;
static struct card_apdu_state app = { .stats = &cstats };
static struct card_t0 t0;
static struct card_t1 t1;
static struct card_faults faults;

/* The last frame sent (not an echo) and the last command run. */
static uint8_t last_tx[MAX_FRAME];
static size_t last_tx_len;
static uint8_t last_cmd[MAX_FRAME];
static size_t last_cmd_len;

static void vlog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!opt.verbose)
		return;
	va_start(ap, fmt);
	fputs("twin-reader: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		ev_insert = 1;
	else if (sig == SIGUSR2)
		ev_remove = 1;
	else
		quit = 1;
}

static int chance(unsigned int n)
{
	return n && (unsigned int)rand_r(&opt.seed) % n == 0;
}

static void ms_sleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Write bytes to the line, faults applied. */
static void line_out(const uint8_t *p, size_t n)
{
	size_t i;

	if (opt.slow_ms)
		ms_sleep(opt.slow_ms);
	for (i = 0; i < n; i++) {
		uint8_t b = p[i];

		if (chance(opt.lose)) {
			st.lost++;
			vlog("fault: byte %zu of %zu lost", i, n);
			continue;
		}
		if (chance(opt.noise_tx)) {
			b ^= 1u << (rand_r(&opt.seed) % 8);
			st.flipped_tx++;
			vlog("fault: byte %zu of %zu flipped", i, n);
		}
		if (opt.slow_ms)
			ms_sleep(1);
		while (write(fd, &b, 1) < 0) {
			if (errno != EINTR && errno != EAGAIN) {
				perror("twin-reader: write");
				exit(1);
			}
		}
	}
}

static void send_frame(uint8_t ctrl, const uint8_t *msg, size_t len, int echo)
{
	uint8_t f[MAX_FRAME];
	uint8_t lrc = SYNC ^ ctrl;
	size_t i;

	f[0] = SYNC;
	f[1] = ctrl;
	for (i = 0; i < len; i++) {
		f[2 + i] = msg[i];
		lrc ^= msg[i];
	}
	f[2 + len] = lrc;
	if (!echo) {
		memcpy(last_tx, f, len + 3);
		last_tx_len = len + 3;
	}
	line_out(f, len + 3);
}

static void send_nak(void)
{
	static const uint8_t nak[3] = { SYNC, NAK, SYNC ^ NAK };

	st.naks_tx++;
	vlog("NAK sent");
	/* Our last frame now: a NAK for it gets the NAK again. */
	memcpy(last_tx, nak, sizeof(nak));
	last_tx_len = sizeof(nak);
	line_out(nak, sizeof(nak));
}

static uint8_t icc(void)
{
	return !present ? 2 : powered ? 0 : 1;
}

static void answer(uint8_t type, const uint8_t *cmd, uint8_t status,
		   uint8_t error, uint8_t specific, const uint8_t *data,
		   size_t len)
{
	uint8_t m[HDR + MAX_DATA];

	m[0] = type;
	m[1] = len;
	m[2] = len >> 8;
	m[3] = 0;
	m[4] = 0;
	m[5] = cmd[5];
	m[6] = cmd[6];
	m[7] = status;
	m[8] = error;
	m[9] = specific;
	memcpy(m + HDR, data, len);
	send_frame(ACK, m, HDR + len, 0);
}

static size_t atr(uint8_t *a)
{
	static const uint8_t t0_atr[] = { 0x3B, 0x02, 'S', 'C' };
	/* TD1 T=1, TD2 T=1 with TA3 (IFSC 32) TB3 (BWI 4 CWI 5); TCK */
	static const uint8_t t1_atr[] = { 0x3B, 0x82, 0x81, 0x31, 0x20, 0x45,
					  'S', 'C' };
	/* TD1 T=0, TD2 T=1 with TA3 TB3; TCK */
	static const uint8_t both_atr[] = { 0x3B, 0x82, 0x80, 0x31, 0x20, 0x45,
					    'S', 'C' };
	const uint8_t *src = opt.protocols == 1 ? t0_atr :
			     opt.protocols == 2 ? t1_atr : both_atr;
	size_t n = opt.protocols == 1 ? sizeof(t0_atr) : sizeof(t1_atr), i;
	uint8_t tck = 0;

	memcpy(a, src, n);
	if (opt.protocols == 1)
		return n;
	for (i = 1; i < n; i++)
		tck ^= a[i];
	a[n] = tck;
	return n + 1;
}

static void xfr(const uint8_t *cmd, const uint8_t *frame, size_t frame_len,
		const uint8_t *d, size_t len)
{
	static uint8_t r[CARD_MAX_RESP + 16];
	size_t rlen;
	unsigned int i;

	if (!present || !powered) {
		answer(0x80, cmd, 0x40 | icc(), 0xFE, 0, NULL, 0);
		return;
	}
	if (negotiable && len >= 3 && d[0] == 0xFF) {
		/* PPS: accepted as asked (the reader's rate is automatic). */
		cstats.pps++;
		negotiable = 0;
		protocol = d[1] & 0x0F;
		answer(0x80, cmd, 0, 0, 0, d, len);
		return;
	}
	negotiable = 0;
	if (protocol == 1)
		rlen = card_t1_block(&t1, d, len, r);
	else
		rlen = card_t0_tpdu(&t0, d, len, r);
	if (protocol == 0 && app.wtx)
		for (i = 0; i < app.wtx; i++) {
			answer(0x80, cmd, 0x80 | icc(), 1, 0, NULL, 0);
			if (!opt.no_echo)
				line_out(frame, frame_len);
		}
	for (i = 0; i < opt.time_ext; i++) {
		answer(0x80, cmd, 0x80 | icc(), 1, 0, NULL, 0);
		if (!opt.no_echo)
			line_out(frame, frame_len);
	}
	if (!rlen) {
		vlog("card silent");
		return;
	}
	if (rlen > MAX_DATA) {
		answer(0x80, cmd, 0x40 | icc(), 0xFC, 0, NULL, 0);
		return;
	}
	answer(0x80, cmd, 0, 0, 0, r, rlen);
}

static void handle(const uint8_t *frame, size_t frame_len)
{
	static const char fw[] = "GemPC Twin emulator 1.0";
	const uint8_t *m = frame + 2;
	size_t len = frame_len - 3;
	const uint8_t *d = m + HDR;
	size_t dlen = len - HDR;
	uint8_t a[33];

	if (!opt.no_echo)
		line_out(frame, frame_len);
	if (frame_len == last_cmd_len && !memcmp(frame, last_cmd, frame_len)) {
		/* Its answer was lost: the same answer, not run again. */
		st.repeats++;
		vlog("command %02x seq %u again: last answer again", m[0], m[6]);
		line_out(last_tx, last_tx_len);
		return;
	}
	memcpy(last_cmd, frame, frame_len);
	last_cmd_len = frame_len;
	st.commands++;
	vlog("command %02x seq %u, %zu bytes", m[0], m[6], dlen);

	if (m[5] != 0) {
		answer(m[0] == 0x62 || m[0] == 0x6F ? 0x80 : 0x81, m,
		       0x42, 5, 0, NULL, 0);
		return;
	}
	switch (m[0]) {
	case 0x6B:	/* Escape */
		if (dlen == 1 && d[0] == 0x02)
			answer(0x83, m, icc(), 0, 0, (const uint8_t *)fw,
			       strlen(fw));
		else if (dlen == 3 && d[0] == 0x01)
			answer(0x83, m, icc(), 0, 0, NULL, 0);
		else
			answer(0x83, m, 0x40 | icc(), 0, 0, NULL, 0);
		break;
	case 0x62:	/* IccPowerOn */
		if (!present) {
			answer(0x80, m, 0x42, 0xFE, 0, NULL, 0);
			break;
		}
		powered = 1;
		negotiable = 1;
		protocol = opt.protocols == 2 ? 1 : 0;
		cstats.powers++;
		card_t0_reset(&t0, &app);
		card_t1_reset(&t1);
		answer(0x80, m, 0, 0, 0, a, atr(a));
		break;
	case 0x63:	/* IccPowerOff */
		powered = 0;
		answer(0x81, m, icc(), 0, 0, NULL, 0);
		break;
	case 0x65:	/* GetSlotStatus */
		answer(0x81, m, icc(), 0, 0, NULL, 0);
		break;
	case 0x61:	/* SetParameters */
		protocol = m[7] ? 1 : 0;
		negotiable = 0;
		answer(0x82, m, icc(), 0, protocol, d, dlen);
		break;
	case 0x6F:	/* XfrBlock */
		xfr(m, frame, frame_len, d, dlen);
		break;
	default:	/* Abort and the rest: not supported */
		answer(0x81, m, 0x40 | icc(), 0, 0, NULL, 0);
		break;
	}
	if (opt.quit_after && st.commands >= opt.quit_after) {
		vlog("quitting after %lu commands", st.commands);
		quit = 1;
	}
}

/* Frames from the line: buffered, parsed when complete. */
static uint8_t in[2 * MAX_FRAME];
static size_t in_len;
static int damaged;	/* bytes since the last good frame made none */

/* Take complete frames off the front of in[]; note damage. */
static void parse(void)
{
	for (;;) {
		size_t need, i;
		uint8_t lrc = 0;
		uint32_t dlen;

		if (damaged || !in_len)
			return;
		if (in[0] != SYNC) {
			damaged = 1;
			return;
		}
		if (in_len < 3)
			return;
		if (in[1] == NAK) {
			if (in[2] != (SYNC ^ NAK)) {
				damaged = 1;
				return;
			}
			st.naks_rx++;
			vlog("NAK received: last frame again");
			memmove(in, in + 3, in_len - 3);
			in_len -= 3;
			if (last_tx_len)
				line_out(last_tx, last_tx_len);
			continue;
		}
		if (in[1] != ACK || in_len < 2 + HDR)
			goto check;
		dlen = in[3] | in[4] << 8 | (uint32_t)in[5] << 16 |
		       (uint32_t)in[6] << 24;
		if (dlen > MAX_DATA) {
			damaged = 1;
			return;
		}
		need = 3 + HDR + dlen;
		if (in_len < need)
			return;
		for (i = 0; i < need; i++)
			lrc ^= in[i];
		if (lrc) {
			damaged = 1;
			return;
		}
		handle(in, need);
		memmove(in, in + need, in_len - need);
		in_len -= need;
		continue;
check:
		if (in[1] != ACK)
			damaged = 1;
		return;
	}
}

static void card_event(int insert)
{
	uint8_t n[2] = { 0x50, insert ? 0x03 : 0x02 };

	if (insert == present)
		return;
	present = insert;
	powered = 0;
	st.events++;
	vlog("card %s", insert ? "inserted" : "removed");
	line_out(n, sizeof(n));
}

static void serve(void)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[256];

	while (!quit) {
		int n;

		if (ev_insert) {
			ev_insert = 0;
			card_event(1);
		}
		if (ev_remove) {
			ev_remove = 0;
			card_event(0);
		}
		n = poll(&p, 1, in_len || damaged ? IDLE_MS : 1000);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("twin-reader: poll");
			return;
		}
		if (!n) {
			/* Quiet line: what is buffered is damaged or cut. */
			if (in_len || damaged) {
				st.damaged++;
				vlog("damaged frame (%zu bytes), NAK", in_len);
				in_len = 0;
				damaged = 0;
				send_nak();
			}
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			vlog("line closed");
			return;
		}
		for (int i = 0; i < n; i++) {
			uint8_t b = buf[i];

			if (chance(opt.noise_rx)) {
				b ^= 1u << (rand_r(&opt.seed) % 8);
				st.flipped_rx++;
				vlog("fault: received byte flipped");
			}
			if (in_len < sizeof(in))
				in[in_len++] = b;
			else
				damaged = 1;
		}
		parse();
	}
}

static int open_line(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int i, s;

	if (opt.pty) {
		s = posix_openpt(O_RDWR | O_NOCTTY);
		if (s < 0 || grantpt(s) || unlockpt(s)) {
			perror("twin-reader: pty");
			return -1;
		}
		printf("%s\n", ptsname(s));
		fflush(stdout);
		return s;
	}
	if (strlen(opt.connect) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "twin-reader: path too long\n");
		return -1;
	}
	strcpy(sa.sun_path, opt.connect);
	for (i = 0; i < 300; i++) {
		s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0) {
			perror("twin-reader: socket");
			return -1;
		}
		if (!connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			return s;
		close(s);
		ms_sleep(100);
	}
	fprintf(stderr, "twin-reader: %s: %s\n", opt.connect, strerror(errno));
	return -1;
}

static unsigned int num(const char *v)
{
	char *end;
	unsigned long n = strtoul(v, &end, 0);

	if (*end || n > 1000000000UL) {
		fprintf(stderr, "twin-reader: bad number %s\n", v);
		exit(2);
	}
	return (unsigned int)n;
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--pty")) {
			opt.pty = 1;
			continue;
		}
		if (!strcmp(a, "--no-card")) {
			opt.no_card = 1;
			continue;
		}
		if (!strcmp(a, "--no-echo")) {
			opt.no_echo = 1;
			continue;
		}
		if (!strcmp(a, "-v")) {
			opt.verbose = 1;
			continue;
		}
		if (!v)
			return -1;
		i++;
		if (!strcmp(a, "--connect"))
			opt.connect = v;
		else if (!strcmp(a, "--protocol"))
			opt.protocols = !strcmp(v, "t0") ? 1 :
					!strcmp(v, "t1") ? 2 :
					!strcmp(v, "both") ? 3 : 0;
		else if (!strcmp(a, "--time-ext"))
			opt.time_ext = num(v);
		else if (!strcmp(a, "--noise-tx"))
			opt.noise_tx = num(v);
		else if (!strcmp(a, "--noise-rx"))
			opt.noise_rx = num(v);
		else if (!strcmp(a, "--lose"))
			opt.lose = num(v);
		else if (!strcmp(a, "--slow-ms"))
			opt.slow_ms = num(v);
		else if (!strcmp(a, "--quit-after"))
			opt.quit_after = num(v);
		else if (!strcmp(a, "--seed"))
			opt.seed = num(v);
		else
			return -1;
	}
	return !opt.protocols || !!opt.connect == opt.pty ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: twin-reader (--connect PATH | --pty) [--protocol t0|t1|both] [--no-card] [--no-echo] [--time-ext N] [--noise-tx N] [--noise-rx N] [--lose N] [--slow-ms N] [--quit-after N] [--seed N] [-v]\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	present = !opt.no_card;
	card_t0_reset(&t0, &app);
	/* IFSC 32, LRC: as the ATR says */
	if (card_t1_init(&t1, &app, &faults, 32, 0)) {
		fprintf(stderr, "twin-reader: out of memory\n");
		return 1;
	}
	fd = open_line();
	if (fd < 0) {
		card_t1_free(&t1);
		return 1;
	}
	serve();
	fprintf(stderr,
		"twin-reader: stats commands=%lu naks_rx=%lu naks_tx=%lu damaged=%lu repeats=%lu flipped_tx=%lu flipped_rx=%lu lost=%lu events=%lu\n",
		st.commands, st.naks_rx, st.naks_tx, st.damaged, st.repeats,
		st.flipped_tx, st.flipped_rx, st.lost, st.events);
	close(fd);
	card_t1_free(&t1);
	return 0;
}
