// SPDX-License-Identifier: GPL-2.0
/*
 * scard-card: play an ISO/IEC 7816 card through a vproxy reader.
 *
 *   scard-card [--level apdu|apdu-ext|tpdu|char] [--protocol t0|t1|both]
 *              [--ifsc N] [--crc] [--inverse] [--name NAME] [--no-card]
 *              [--fault F]... [--ready-fd N] [-v]
 *
 * Creates a reader through /dev/scard_vproxy, prints "scardN" on stdout
 * (or on --ready-fd) once /dev/scardN exists, then answers the kernel's
 * requests until SIGTERM/SIGINT or a fatal error; closing the descriptor
 * removes the reader. SIGUSR1 inserts the card, SIGUSR2 removes it.
 * Documentation/scard/cards.rst describes the card and the faults.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card.h"
#include "vproxy.h"

enum { PROTO_T0 = 1, PROTO_T1 = 2, PROTO_BOTH = 3 };

static struct {
	unsigned int level;
	int protocol;
	unsigned int ifsc;
	int crc;
	int inverse;
	int no_card;
	int verbose;
	int ready_fd;
	const char *name;
	struct card_faults f;
} opt = {
	.level = SCARD_VPROXY_LEVEL_APDU,
	.protocol = PROTO_T1,
	.ifsc = 32,
	.ready_fd = 1,
	.name = "scard-card",
};

static struct card_stats stats;
static struct card_apdu_state app = { .stats = &stats };
static struct card_t0 t0;
static struct card_t1 t1;
static int cur_proto;		/* PROTO_T0 / PROTO_T1 in use */
static int negotiable;		/* right after the ATR: a PPS may come */
static unsigned long answers;	/* APDU/T=0 answers, for mute-after */
static int muted;
static uint8_t atr[33];
static size_t atr_len;

static volatile sig_atomic_t quit, ev_insert, ev_remove;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		ev_insert = 1;
	else if (sig == SIGUSR2)
		ev_remove = 1;
	else
		quit = 1;
}

static void hexdump(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	if (!opt.verbose)
		return;
	fprintf(stderr, "scard-card: %s (%zu):", what, n);
	for (i = 0; i < n && i < 64; i++)
		fprintf(stderr, " %02X", p[i]);
	fprintf(stderr, "%s\n", n > 64 ? " ..." : "");
}

/* Inverse convention: the line byte of a logical byte and back. */
static uint8_t inv_byte(uint8_t b)
{
	uint8_t r = 0;
	int i;

	b = ~b;
	for (i = 0; i < 8; i++)
		if (b & (1 << i))
			r |= 0x80 >> i;
	return r;
}

static void build_atr(void)
{
	static const uint8_t hist[] = { 'S', 'C', 'A', 'R', 'D' };
	static const uint8_t cac[] = {
		0x3B, 0x7A, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74,
		0x65, 0x20, 0x63, 0x64, 0x31, 0x34, 0x34,
	};
	size_t n = 0, i;
	uint8_t tck = 0;

	if (opt.protocol == PROTO_T0) {
		memcpy(atr, cac, sizeof(cac));
		atr_len = sizeof(cac);
	} else {
		atr[n++] = 0x3B;
		atr[n++] = 0x80 | sizeof(hist);
		atr[n++] = opt.protocol == PROTO_BOTH ? 0x80 : 0x81;
		atr[n++] = 0x71;			/* TA3 TB3 TC3, T=1 */
		atr[n++] = opt.ifsc;			/* TA3: IFSC */
		atr[n++] = 0x45;			/* TB3: BWI 4, CWI 5 */
		atr[n++] = opt.crc ? 1 : 0;		/* TC3: EDC */
		memcpy(atr + n, hist, sizeof(hist));
		n += sizeof(hist);
		for (i = 1; i < n; i++)
			tck ^= atr[i];
		atr[n++] = tck;
		atr_len = n;
	}
	if (opt.inverse)
		atr[0] = 0x3F;
}

static void t1_stats(void)
{
	stats.t1_received = t1.received;
	stats.t1_bad = t1.bad_received;
	stats.t1_sent = t1.sent;
	stats.t1_ifs_requests = t1.ifs_requests;
	stats.t1_ifsd = t1.ifsd;
	stats.t1_resynchs = t1.resynchs;
	stats.t1_wtx = t1.wtx_sent;
}

static void card_reset(void)
{
	card_t0_reset(&t0, &app);
	card_t1_reset(&t1);
	t1.muted = 0;
	muted = 0;
	cur_proto = opt.protocol == PROTO_T1 ? PROTO_T1 : PROTO_T0;
	negotiable = 1;
}

static void slow(void)
{
	if (opt.f.slow_ms)
		usleep(opt.f.slow_ms * 1000);
}

static int mute_check(void)
{
	answers++;
	if (opt.f.mute_after && answers > opt.f.mute_after && !t1.mute_done) {
		t1.mute_done = 1;
		muted = 1;
	}
	return muted;
}

/* A PPS request (PPSS FF): its length, 0 if incomplete, -1 if invalid. */
static int pps_len(const uint8_t *p, size_t n)
{
	size_t need = 3, i;
	uint8_t x = 0;

	if (n < 2)
		return 0;
	if (p[0] != 0xFF || (p[1] & 0x80))
		return -1;
	need += !!(p[1] & 0x10) + !!(p[1] & 0x20) + !!(p[1] & 0x40);
	if (n < need)
		return 0;
	for (i = 0; i < need; i++)
		x ^= p[i];
	return x ? -1 : (int)need;
}

static void pps_apply(const uint8_t *p)
{
	stats.pps++;
	cur_proto = (p[1] & 0x0F) == 1 ? PROTO_T1 : PROTO_T0;
	negotiable = 0;
}

static const uint8_t garbage[] = { 0x12, 0x34, 0xFF, 0x00, 0xA5, 0x5A, 0x60 };

/* --- APDU and TPDU levels: one XFR, one answer ----------------------------- */

static int do_xfr(const uint8_t *in, size_t len, uint8_t *out, size_t *out_len)
{
	int p;

	slow();
	if (opt.f.garbage) {
		memcpy(out, garbage, sizeof(garbage));
		*out_len = sizeof(garbage);
		return 0;
	}
	if (opt.level == SCARD_VPROXY_LEVEL_TPDU && negotiable && len &&
	    in[0] == 0xFF) {
		p = pps_len(in, len);
		if (p <= 0 || (size_t)p != len || opt.f.pps_refuse)
			return -ETIMEDOUT;
		pps_apply(in);
		memcpy(out, in, len);
		*out_len = len;
		return 0;
	}
	negotiable = 0;
	if (opt.level == SCARD_VPROXY_LEVEL_TPDU && cur_proto == PROTO_T1) {
		*out_len = card_t1_block(&t1, in, len, out);
		return *out_len ? 0 : -ETIMEDOUT;
	}
	if (mute_check())
		return -ETIMEDOUT;
	if (opt.level == SCARD_VPROXY_LEVEL_TPDU) {
		*out_len = card_t0_tpdu(&t0, in, len, out);
	} else {
		*out_len = card_apdu_raw(&app, in, len, out);
		if (app.wtx)
			usleep(app.wtx * 10000);
	}
	return 0;
}

/* --- character level --------------------------------------------------- */

static struct {
	uint8_t in[CARD_MAX_CMD];	/* bytes received, logical */
	size_t in_len;
	uint8_t out[CARD_MAX_RESP + 300];	/* bytes to send, logical */
	size_t out_len, out_off;
	/* T=0 */
	int t0_phase;			/* 0 header, 1 data (all), 2 data (one) */
	size_t t0_need;
} ch;

static void q(const uint8_t *p, size_t n)
{
	if (ch.out_off == ch.out_len)
		ch.out_off = ch.out_len = 0;
	if (ch.out_len + n > sizeof(ch.out))
		return;
	memcpy(ch.out + ch.out_len, p, n);
	ch.out_len += n;
}

static void q1(uint8_t b)
{
	q(&b, 1);
}

static void char_reset(void)
{
	ch.in_len = 0;
	ch.out_len = ch.out_off = 0;
	ch.t0_phase = 0;
}

static void q_nulls(unsigned int n)
{
	while (n--)
		q1(0x60);
}

/* T=0: run the TPDU in ch.in and queue its procedure bytes and answer. */
static void char_t0_run(int outgoing)
{
	static uint8_t r[CARD_MAX_RESP];
	size_t n;

	if (mute_check()) {
		ch.in_len = 0;
		return;
	}
	n = card_t0_tpdu(&t0, ch.in, ch.in_len, r);
	q_nulls(app.wtx);
	if (outgoing && n > 2) {
		q1(ch.in[1]);		/* ACK: all the data at once */
		q(r, n);
	} else {
		q(r + n - 2, 2);
	}
	ch.in_len = 0;
	ch.t0_phase = 0;
}

static void char_t0_byte(void)
{
	uint8_t ins;

	if (ch.t0_phase == 0) {
		if (ch.in_len < 5)
			return;
		ins = ch.in[1];
		if (card_t0_ins_incoming(ins) && ch.in[4]) {
			ch.t0_need = ch.in[4];
			if (ch.t0_need > 1) {
				/* first byte alone (~INS), then the rest (INS) */
				ch.t0_phase = 2;
				q1(~ins);
			} else {
				ch.t0_phase = 1;
				q1(ins);
			}
			return;
		}
		app.wtx = 0;
		char_t0_run(!card_t0_ins_incoming(ins));
		return;
	}
	if (ch.in_len < 5 + (size_t)ch.in[4]) {
		if (ch.t0_phase == 2) {
			ch.t0_phase = 1;
			q1(ch.in[1]);
		}
		return;
	}
	char_t0_run(0);
}

static void char_t1_bytes(void)
{
	static uint8_t blk[T1_MAX_BLOCK];
	size_t need, n;

	if (ch.in_len < 3)
		return;
	need = card_t1_block_len(&t1, ch.in);
	if (ch.in_len < need)
		return;
	n = card_t1_block(&t1, ch.in, need, blk);
	memmove(ch.in, ch.in + need, ch.in_len - need);
	ch.in_len -= need;
	q(blk, n);
}

static void char_send(const uint8_t *p, size_t n)
{
	size_t i;
	int pl;

	for (i = 0; i < n; i++) {
		if (ch.in_len >= sizeof(ch.in))
			ch.in_len = 0;
		ch.in[ch.in_len++] = opt.inverse ? inv_byte(p[i]) : p[i];
		if (negotiable && ch.in[0] == 0xFF) {
			pl = pps_len(ch.in, ch.in_len);
			if (pl == 0)
				continue;
			if (pl > 0 && !opt.f.pps_refuse) {
				q(ch.in, pl);
				pps_apply(ch.in);
			}
			ch.in_len = 0;
			continue;
		}
		negotiable = 0;
		if (opt.f.garbage) {
			ch.in_len = 0;
			q(garbage, sizeof(garbage));
			continue;
		}
		if (cur_proto == PROTO_T1)
			char_t1_bytes();
		else
			char_t0_byte();
	}
}

static int char_recv(size_t want, uint8_t *out, size_t *out_len)
{
	size_t n = ch.out_len - ch.out_off, i;

	slow();
	if (!n)
		return -ETIMEDOUT;
	if (n > want)
		n = want;
	for (i = 0; i < n; i++) {
		uint8_t b = ch.out[ch.out_off + i];

		out[i] = opt.inverse ? inv_byte(b) : b;
	}
	ch.out_off += n;
	*out_len = n;
	return 0;
}

/* --- the request loop ---------------------------------------------------- */

static int handle(int fd, const struct scard_vproxy_msg *m, const uint8_t *p,
		  size_t len, uint8_t *out)
{
	size_t n = 0, i;
	int st = 0;

	switch (m->type) {
	case SCARD_VPROXY_POWER:
		if (m->arg != SCARD_POWER_DOWN)
			stats.powers++;
		card_reset();
		char_reset();
		if (m->arg != SCARD_POWER_DOWN) {
			n = atr_len;
			for (i = 0; i < n; i++)
				out[i] = opt.inverse &&
					 opt.level == SCARD_VPROXY_LEVEL_CHAR ?
					 inv_byte(atr[i]) : atr[i];
			if (opt.inverse && opt.level == SCARD_VPROXY_LEVEL_CHAR)
				out[0] = 0x03;
		}
		break;
	case SCARD_VPROXY_PARAMS:
		if (len >= sizeof(struct scard_vproxy_params)) {
			const struct scard_vproxy_params *pp = (const void *)p;

			cur_proto = pp->protocol == SCARD_PROTOCOL_T1 ?
				    PROTO_T1 : PROTO_T0;
			negotiable = 0;
		}
		break;
	case SCARD_VPROXY_XFR:
		st = do_xfr(p, len, out, &n);
		break;
	case SCARD_VPROXY_SEND:
		char_send(p, len);
		break;
	case SCARD_VPROXY_RECV:
		st = char_recv(m->arg > 0 ? (size_t)m->arg : 0, out, &n);
		break;
	default:
		st = -EINVAL;
		break;
	}
	t1_stats();
	hexdump(st ? "reply (error)" : "reply", out, n);
	return scard_vproxy_reply(fd, m, st, out, st ? 0 : n);
}

static int parse_fault(const char *s)
{
	const char *v = strchr(s, ':');
	unsigned int n = v ? strtoul(v + 1, NULL, 0) : 0;
	size_t k = v ? (size_t)(v - s) : strlen(s);

#define IS(name) (k == strlen(name) && !strncmp(s, name, k))
	if (IS("corrupt-every") && n)
		opt.f.corrupt_every = n;
	else if (IS("lose-every") && n)
		opt.f.lose_every = n;
	else if (IS("wrong-ns") && n)
		opt.f.wrong_ns_every = n;
	else if (IS("mute-after"))
		opt.f.mute_after = n ? n : 1;
	else if (IS("wtx") && n)
		opt.f.wtx = n;
	else if (IS("slow-ms") && n)
		opt.f.slow_ms = n;
	else if (IS("abort"))
		opt.f.abort = 1;
	else if (IS("garbage"))
		opt.f.garbage = 1;
	else if (IS("pps-refuse"))
		opt.f.pps_refuse = 1;
	else
		return -1;
#undef IS
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scard-card [options]\n"
		"  --level apdu|apdu-ext|tpdu|char   exchange level (apdu)\n"
		"  --protocol t0|t1|both             ATR protocols (t1)\n"
		"  --ifsc N      T=1 IFSC in the ATR (32)\n"
		"  --crc         T=1 EDC is CRC (TC3 bit 0)\n"
		"  --inverse     inverse convention (character level)\n"
		"  --name NAME   reader name\n"
		"  --no-card     start with an empty reader\n"
		"  --fault F     corrupt-every:N lose-every:N wrong-ns:N\n"
		"                mute-after:N wtx:N slow-ms:N abort garbage\n"
		"                pps-refuse (repeatable)\n"
		"  --ready-fd N  print \"scardN\" there instead of stdout\n"
		"  -v            trace every request and reply on stderr\n"
		"SIGUSR1 inserts the card, SIGUSR2 removes it.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "protocol", required_argument, NULL, 'p' },
		{ "ifsc", required_argument, NULL, 'i' },
		{ "crc", no_argument, NULL, 'c' },
		{ "inverse", no_argument, NULL, 'I' },
		{ "name", required_argument, NULL, 'n' },
		{ "no-card", no_argument, NULL, 'N' },
		{ "fault", required_argument, NULL, 'f' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t buf[SCARD_VPROXY_MAX_PAYLOAD], out[CARD_MAX_RESP + 16];
	struct scard_vproxy_new_dev req, got;
	struct scard_vproxy_msg m;
	struct sigaction sa;
	struct pollfd pfd;
	FILE *ready;
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (!strcmp(optarg, "apdu"))
				opt.level = SCARD_VPROXY_LEVEL_APDU;
			else if (!strcmp(optarg, "apdu-ext"))
				opt.level = SCARD_VPROXY_LEVEL_APDU_EXT;
			else if (!strcmp(optarg, "tpdu"))
				opt.level = SCARD_VPROXY_LEVEL_TPDU;
			else if (!strcmp(optarg, "char"))
				opt.level = SCARD_VPROXY_LEVEL_CHAR;
			else
				goto bad;
			break;
		case 'p':
			if (!strcmp(optarg, "t0"))
				opt.protocol = PROTO_T0;
			else if (!strcmp(optarg, "t1"))
				opt.protocol = PROTO_T1;
			else if (!strcmp(optarg, "both"))
				opt.protocol = PROTO_BOTH;
			else
				goto bad;
			break;
		case 'i':
			opt.ifsc = strtoul(optarg, NULL, 0);
			if (opt.ifsc < 1 || opt.ifsc > 254)
				goto bad;
			break;
		case 'c':
			opt.crc = 1;
			break;
		case 'I':
			opt.inverse = 1;
			break;
		case 'n':
			opt.name = optarg;
			break;
		case 'N':
			opt.no_card = 1;
			break;
		case 'f':
			if (parse_fault(optarg))
				goto bad;
			break;
		case 'r':
			opt.ready_fd = atoi(optarg);
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;

	build_atr();
	app.extra_wtx = opt.f.wtx;
	app.ext_allowed = opt.level == SCARD_VPROXY_LEVEL_APDU_EXT ||
			  (opt.level != SCARD_VPROXY_LEVEL_APDU &&
			   opt.protocol != PROTO_T0);
	if (card_t1_init(&t1, &app, &opt.f, opt.ifsc, opt.crc)) {
		fprintf(stderr, "scard-card: out of memory\n");
		return 1;
	}
	card_reset();

	memset(&req, 0, sizeof(req));
	req.flags = opt.no_card ? 0 : SCARD_VPROXY_FLAG_CARD_PRESENT;
	req.level = opt.level;
	req.protocols = (opt.protocol & PROTO_T0 ? SCARD_PROTOCOL_T0 : 0) |
			(opt.protocol & PROTO_T1 ? SCARD_PROTOCOL_T1 : 0);
	snprintf((char *)req.name, sizeof(req.name), "%s", opt.name);
	fd = scard_vproxy_create(&req, &got);
	if (fd < 0) {
		fprintf(stderr, "scard-card: %s: %s\n", SCARD_VPROXY_CTL_PATH,
			strerror(-fd));
		card_t1_free(&t1);
		return fd == -ENOENT || fd == -ENODEV ? 4 : 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	ready = fdopen(dup(opt.ready_fd), "w");
	if (ready) {
		fprintf(ready, "scard%u\n", got.index);
		fclose(ready);
	}

	ret = 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!quit) {
		if (ev_insert || ev_remove) {
			int present = ev_insert && !ev_remove;

			ev_insert = ev_remove = 0;
			scard_vproxy_card_event(fd, present);
		}
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
		c = scard_vproxy_read_request(fd, &m, buf, sizeof(buf));
		if (c == -EAGAIN || c == -EINTR)
			continue;
		if (c < 0) {
			fprintf(stderr, "scard-card: read: %s\n", strerror(-c));
			ret = 1;
			break;
		}
		if (opt.verbose)
			fprintf(stderr, "scard-card: %s seq %u arg %d\n",
				scard_vproxy_type_name(m.type), m.seq, m.arg);
		hexdump("request", buf, c);
		if (handle(fd, &m, buf, c, out) && opt.verbose)
			fprintf(stderr, "scard-card: reply refused\n");
	}
	if (opt.verbose)
		fprintf(stderr,
			"scard-card: T=1 blocks sent %lu received %lu bad %lu wtx %lu resynchs %lu ifs %lu\n",
			t1.sent, t1.received, t1.bad_received, t1.wtx_sent,
			t1.resynchs, t1.ifs_requests);
	close(fd);
	card_t1_free(&t1);
	return ret;
bad:
	usage(stderr);
	return 2;
}
