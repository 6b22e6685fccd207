// SPDX-License-Identifier: GPL-2.0
/*
 * scard-bench: TRANSMIT latency through scard, side by side with its
 * floors, in the benchmark VM (make bench, tools/testing/bench/run-bench;
 * Documentation/scard/performance.rst).
 *
 *   scard-bench [-n SAMPLES] [-b BLOCKS] [-c /dev/scardN] [-p PATH,...]
 *   scard-bench -m READERS,FILES
 *
 * Paths (each a round trip, timed with CLOCK_MONOTONIC):
 *   get_state      bare IOCTL_SMARTCARD_GET_STATE on the vproxy reader
 *   pingpong       16-byte request, 2-byte reply between two threads over
 *                  a socketpair: the least a round trip through another
 *                  process costs
 *   vproxy_*       TRANSMIT by ioctl on an APDU_EXT vproxy reader whose
 *                  card, a thread of this program, answers at once:
 *                  short (5-byte case 2, 4 bytes back), case3_255,
 *                  case2_256, ext_4k (case 3), ext_64k (case 2, 65538
 *                  bytes back)
 *   vproxy_rw      the short APDU by write() and read()
 *   ccid           TRANSMIT of a SELECT on the QEMU reader (-c)
 * -p runs only the paths named (bench.sh interleaves "ccid" with the PC/SC
 * and usbfs paths, which need the reader bound to other drivers).
 * Samples are taken in BLOCKS interleaved blocks, forward and backward in
 * turn (A B B A ...), so that drift cancels.
 *
 * -m measures memory instead: the kernel's unreclaimable slab
 * (/proc/meminfo SUnreclaim) before and after registering READERS vproxy
 * readers and after opening FILES files on each; prints "memory
 * per_reader BYTES per_file BYTES" (an average: the slab counter moves in
 * pages).
 *
 * Output: a table on stderr; on stdout, per path, "samples NAME v1 v2 ..."
 * lines (nanoseconds), which run-bench turns into files, JSON and a plot.
 * Exit status: 0, 1 when a path failed (its message on stderr), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/scard.h>

#include "libscard.h"
#include "vproxy.h"
#include "bench.h"

#define MAX_PATHS	16
#define IO_HDR		sizeof(struct scard_io_request)

struct path {
	const char *name;
	/* one round trip; 0 or a negative errno */
	int (*once)(struct path *p);
	int fd;
	const uint8_t *apdu;
	size_t apdu_len;
	size_t resp_len;	/* what the card answers, SW included */
	uint8_t *in, *out;	/* TRANSMIT buffers, header included */
	uint64_t *samples;
	size_t n;
	int failed;
};

static struct path paths[MAX_PATHS];
static int npaths;
static int ping_sv[2];
static uint8_t card_buf[SCARD_VPROXY_MAX_MSG];
static uint8_t card_reply[SCARD_VPROXY_MAX_MSG];

/*
 * The card: answers every XFR at once. Case 2 (short: P3 = Le, 0 = 256;
 * extended: 00 Le1 Le2, 0 = 65536) gets Le bytes and 90 00, anything else
 * 90 00 alone. Raw read()/write() with static buffers: the card costs as
 * little as a card process can.
 */
static void *card_thread(void *arg)
{
	struct scard_vproxy_msg *req = (void *)card_buf;
	struct scard_vproxy_msg *rep = (void *)card_reply;
	static const uint8_t atr[] = { 0x3B, 0x02, 0x14, 0x50 };
	int fd = (int)(intptr_t)arg;
	ssize_t n;

	for (;;) {
		const uint8_t *apdu = card_buf + sizeof(*req);
		size_t len = 0;

		n = read(fd, card_buf, sizeof(card_buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)sizeof(*req))
			return NULL;
		memset(rep, 0, sizeof(*rep));
		rep->type = req->type | SCARD_VPROXY_REPLY;
		rep->seq = req->seq;
		if (req->type == SCARD_VPROXY_POWER &&
		    req->arg != SCARD_POWER_DOWN) {
			len = sizeof(atr);
			memcpy(card_reply + sizeof(*rep), atr, len);
		} else if (req->type == SCARD_VPROXY_XFR) {
			size_t le = 0;

			if (req->len == 5)
				le = apdu[4] ? apdu[4] : 256;
			else if (req->len == 7 && !apdu[4])
				le = (apdu[5] << 8 | apdu[6]) ?: 65536;
			memset(card_reply + sizeof(*rep), 0xA5, le);
			card_reply[sizeof(*rep) + le] = 0x90;
			card_reply[sizeof(*rep) + le + 1] = 0x00;
			len = le + 2;
		}
		rep->len = (uint32_t)len;
		if (write(fd, card_reply, sizeof(*rep) + len) < 0)
			return NULL;
	}
}

static void *pong_thread(void *arg)
{
	uint8_t buf[16];

	(void)arg;
	while (read(ping_sv[1], buf, sizeof(buf)) == sizeof(buf))
		if (write(ping_sv[1], buf, 2) != 2)
			break;
	return NULL;
}

static int do_get_state(struct path *p)
{
	uint32_t state;

	return scard_get_state(p->fd, &state);
}

static int do_pingpong(struct path *p)
{
	uint8_t buf[16] = { 0 };

	(void)p;
	if (write(ping_sv[0], buf, sizeof(buf)) != sizeof(buf) ||
	    read(ping_sv[0], buf, 2) != 2)
		return -EIO;
	return 0;
}

static int do_transmit(struct path *p)
{
	uint32_t got = 0;
	int ret;

	ret = scard_dioc(p->fd, IOCTL_SMARTCARD_TRANSMIT, p->in,
			 (uint32_t)(IO_HDR + p->apdu_len), p->out,
			 (uint32_t)(IO_HDR + p->resp_len), &got);
	if (!ret && got != IO_HDR + p->resp_len)
		ret = -EPROTO;
	return ret;
}

static int do_rw(struct path *p)
{
	ssize_t n;

	if (write(p->fd, p->in, IO_HDR + p->apdu_len) < 0)
		return -errno;
	n = read(p->fd, p->out, IO_HDR + p->resp_len);
	if (n < 0)
		return -errno;
	return n == (ssize_t)(IO_HDR + p->resp_len) ? 0 : -EPROTO;
}

static struct path *add_path(const char *name, int (*once)(struct path *),
			     int fd, size_t n)
{
	struct path *p = &paths[npaths++];

	p->name = name;
	p->once = once;
	p->fd = fd;
	p->samples = calloc(n, sizeof(*p->samples));
	if (!p->samples) {
		perror("scard-bench");
		exit(1);
	}
	return p;
}

/* A TRANSMIT path: @apdu, @resp_len bytes back, protocol @proto. */
static void add_transmit(const char *name, int (*once)(struct path *),
			 int fd, uint32_t proto, const uint8_t *apdu,
			 size_t apdu_len, size_t resp_len, size_t n)
{
	struct path *p = add_path(name, once, fd, n);
	struct scard_io_request hdr = { .protocol = proto,
					.pci_length = IO_HDR };

	p->apdu = apdu;
	p->apdu_len = apdu_len;
	p->resp_len = resp_len;
	p->in = malloc(IO_HDR + apdu_len);
	p->out = malloc(IO_HDR + resp_len);
	if (!p->in || !p->out) {
		perror("scard-bench");
		exit(1);
	}
	memcpy(p->in, &hdr, IO_HDR);
	memcpy(p->in + IO_HDR, apdu, apdu_len);
}

/* Power the card up and select T=0; returns the protocol or 0. */
static uint32_t ready(int fd)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t sel = 0;
	size_t n;

	if (scard_power(fd, SCARD_COLD_RESET, atr, sizeof(atr), &n) ||
	    scard_set_protocol(fd, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
				&sel))
		return 0;
	return sel;
}

/* Keep only the paths that the comma-separated @only names. */
static void select_paths(const char *only)
{
	char want[64];
	int i, j = 0;

	for (i = 0; i < npaths; i++) {
		snprintf(want, sizeof(want), ",%s,", paths[i].name);
		if (only && !strstr(only, want))
			continue;
		paths[j++] = paths[i];
	}
	npaths = j;
}

/* /proc/meminfo's SUnreclaim in bytes, or -1. */
static long long slab_bytes(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* -m: kernel memory per registered reader and per open file. */
static int measure_memory(int readers, int files)
{
	struct scard_vproxy_new_dev nd = {
		.level = SCARD_VPROXY_LEVEL_APDU,
		.protocols = SCARD_PROTOCOL_T0,
	};
	long long s0, s1, s2;
	int *cfd, *fds, i, j, n = 0;
	char dev[32];

	cfd = calloc((size_t)readers, sizeof(*cfd));
	fds = calloc((size_t)readers * (size_t)files, sizeof(*fds));
	if (!cfd || !fds)
		return 1;
	/* settle: the first registration allocates caches once */
	i = scard_vproxy_create(&nd, NULL);
	if (i < 0) {
		fprintf(stderr, "scard-bench: vproxy reader: %s\n", strerror(-i));
		return 1;
	}
	close(i);
	usleep(200000);
	s0 = slab_bytes();
	for (i = 0; i < readers; i++) {
		snprintf((char *)nd.name, sizeof(nd.name), "mem%d", i);
		cfd[i] = scard_vproxy_create(&nd, &nd);
		if (cfd[i] < 0) {
			fprintf(stderr, "scard-bench: reader %d: %s\n", i,
				strerror(-cfd[i]));
			return 1;
		}
		snprintf(dev, sizeof(dev), "/dev/scard%u", nd.index);
		for (j = 0; j < 100 && access(dev, F_OK); j++)
			usleep(10000);
		for (j = 0; j < files; j++)
			fds[n++] = -1 - (int)nd.index;	/* opened below */
	}
	usleep(200000);
	s1 = slab_bytes();
	for (i = 0; i < n; i++) {
		snprintf(dev, sizeof(dev), "/dev/scard%d", -1 - fds[i]);
		fds[i] = open(dev, O_RDONLY | O_NONBLOCK);
		if (fds[i] < 0) {
			fprintf(stderr, "scard-bench: %s: %s\n", dev,
				strerror(errno));
			return 1;
		}
	}
	usleep(200000);
	s2 = slab_bytes();
	printf("memory per_reader %lld per_file %lld readers %d files %d\n",
	       (s1 - s0) / readers, (s2 - s1) / n, readers, n);
	for (i = 0; i < n; i++)
		close(fds[i]);
	for (i = 0; i < readers; i++)
		close(cfd[i]);
	free(fds);
	free(cfd);
	return s0 < 0 ? 1 : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *s, size_t n, double q)
{
	size_t i = (size_t)(q * (double)(n - 1) + 0.5);

	return (double)s[i] / 1000.0;
}

static void report(void)
{
	int i;

	fprintf(stderr, "%-16s %7s %9s %9s %9s %9s %9s %10s\n", "path", "n",
		"min us", "median", "p90", "p99", "max", "ops/s");
	for (i = 0; i < npaths; i++) {
		struct path *p = &paths[i];
		uint64_t *s, sum = 0;
		size_t j;

		if (p->failed || !p->n) {
			fprintf(stderr, "%-16s failed\n", p->name);
			continue;
		}
		s = malloc(p->n * sizeof(*s));
		if (!s)
			continue;
		memcpy(s, p->samples, p->n * sizeof(*s));
		qsort(s, p->n, sizeof(*s), cmp_u64);
		for (j = 0; j < p->n; j++)
			sum += s[j];
		fprintf(stderr,
			"%-16s %7zu %9.1f %9.1f %9.1f %9.1f %9.1f %10.0f\n",
			p->name, p->n, pct(s, p->n, 0), pct(s, p->n, 0.5),
			pct(s, p->n, 0.9), pct(s, p->n, 0.99),
			pct(s, p->n, 1), 1e9 * (double)p->n / (double)sum);
		free(s);
	}
}

static void dump(void)
{
	int i;

	for (i = 0; i < npaths; i++)
		if (!paths[i].failed)
			bench_print_samples(paths[i].name, paths[i].samples,
					    paths[i].n);
}

int main(int argc, char **argv)
{
	static const uint8_t short5[] = { 0x00, 0xB0, 0x00, 0x00, 0x02 };
	static const uint8_t case2_256[] = { 0x00, 0xB0, 0x00, 0x00, 0x00 };
	static const uint8_t ext64k[] = { 0x00, 0xB0, 0x00, 0x00, 0x00, 0x00,
					  0x00 };
	static const uint8_t select_cac[] = { 0x00, 0xA4, 0x04, 0x00, 0x07,
					      0xA0, 0x00, 0x00, 0x00, 0x79,
					      0x01, 0x00 };
	static uint8_t case3_255[5 + 255] = { 0x00, 0xD6, 0x00, 0x00, 0xFF };
	static uint8_t ext4k[7 + 4096] = { 0x00, 0xD6, 0x00, 0x00, 0x00,
					   0x10, 0x00 };
	struct scard_vproxy_new_dev nd = {
		.flags = SCARD_VPROXY_FLAG_CARD_PRESENT,
		.level = SCARD_VPROXY_LEVEL_APDU_EXT,
		.protocols = SCARD_PROTOCOL_T0,
		.name = "bench",
	};
	size_t samples = 20000, blocks = 20, per, k;
	const char *ccid = NULL;
	char dev[32], *only = NULL;
	pthread_t card, pong;
	uint32_t proto;
	int opt, cfd, vfd, rwfd, i, b, ret = 0;

	while ((opt = getopt(argc, argv, "n:b:c:p:m:")) != -1) {
		switch (opt) {
		case 'n':
			samples = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			blocks = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			ccid = optarg;
			break;
		case 'm': {
			int r = 0, f = 0;

			if (sscanf(optarg, "%d,%d", &r, &f) != 2 || r <= 0 ||
			    f <= 0) {
				fprintf(stderr, "scard-bench: -m READERS,FILES\n");
				return 2;
			}
			return measure_memory(r, f);
		}
		case 'p':
			/* ",a,b," so that strstr() finds whole names */
			if (asprintf(&only, ",%s,", optarg) < 0)
				return 1;
			break;
		default:
			fprintf(stderr, "usage: scard-bench [-n SAMPLES] [-b BLOCKS] [-c /dev/scardN] [-p PATH,...]\n");
			return 2;
		}
	}
	if (!samples || !blocks || samples % blocks) {
		fprintf(stderr, "scard-bench: SAMPLES must be a multiple of BLOCKS\n");
		return 2;
	}
	per = samples / blocks;

	cfd = scard_vproxy_create(&nd, &nd);
	if (cfd < 0) {
		fprintf(stderr, "scard-bench: vproxy reader: %s\n",
			strerror(-cfd));
		return 1;
	}
	pthread_create(&card, NULL, card_thread, (void *)(intptr_t)cfd);
	snprintf(dev, sizeof(dev), "/dev/scard%u", nd.index);
	/* udev is not running: the node may take a moment */
	for (i = 0; i < 100 && (vfd = open(dev, O_RDWR)) < 0; i++)
		usleep(10000);
	rwfd = open(dev, O_RDWR);
	if (vfd < 0 || rwfd < 0) {
		fprintf(stderr, "scard-bench: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	proto = ready(vfd);
	if (!proto) {
		fprintf(stderr, "scard-bench: %s: power/protocol failed\n", dev);
		return 1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, ping_sv) ||
	    pthread_create(&pong, NULL, pong_thread, NULL)) {
		perror("scard-bench: socketpair");
		return 1;
	}
	memset(case3_255 + 5, 0x5A, 255);
	memset(ext4k + 7, 0x5A, 4096);

	add_path("get_state", do_get_state, vfd, samples);
	add_path("pingpong", do_pingpong, -1, samples);
	add_transmit("vproxy_short", do_transmit, vfd, proto, short5,
		     sizeof(short5), 4, samples);
	add_transmit("vproxy_rw", do_rw, rwfd, proto, short5, sizeof(short5),
		     4, samples);
	add_transmit("vproxy_case3_255", do_transmit, vfd, proto, case3_255,
		     sizeof(case3_255), 2, samples);
	add_transmit("vproxy_case2_256", do_transmit, vfd, proto, case2_256,
		     sizeof(case2_256), 258, samples);
	add_transmit("vproxy_ext_4k", do_transmit, vfd, proto, ext4k,
		     sizeof(ext4k), 2, samples);
	add_transmit("vproxy_ext_64k", do_transmit, vfd, proto, ext64k,
		     sizeof(ext64k), 65538, samples);
	if (ccid) {
		int fd = open(ccid, O_RDWR);
		uint32_t cp = fd >= 0 ? ready(fd) : 0;

		if (!cp) {
			fprintf(stderr, "scard-bench: %s: not usable\n", ccid);
			return 1;
		}
		/* the CAC applet answers 61 0D at T=0 */
		add_transmit("ccid", do_transmit, fd, cp, select_cac,
			     sizeof(select_cac), 2, samples);
	}

	select_paths(only);
	for (b = 0; (size_t)b < blocks; b++) {
		for (i = 0; i < npaths; i++) {
			struct path *p = &paths[b % 2 ? npaths - 1 - i : i];

			for (k = 0; k < per && !p->failed; k++) {
				uint64_t t0 = bench_now_ns();
				int r = p->once(p);

				if (r) {
					fprintf(stderr, "scard-bench: %s: %s\n",
						p->name, strerror(-r));
					p->failed = 1;
					ret = 1;
					break;
				}
				p->samples[p->n++] = bench_now_ns() - t0;
			}
		}
	}
	report();
	dump();
	shutdown(ping_sv[0], SHUT_RDWR);
	close(cfd);
	free(only);
	return ret;
}
