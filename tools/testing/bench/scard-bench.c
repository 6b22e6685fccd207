// SPDX-License-Identifier: GPL-2.0
/*
 * scard-bench: TRANSMIT latency through scard, side by side with its
 * floors, in the benchmark VM (make bench, tools/testing/bench/run-bench;
 * Documentation/scard/performance.rst).
 *
 *   scard-bench [-n SAMPLES] [-b BLOCKS] [-c /dev/scardN] [-p PATH,...]
 *   scard-bench -m READERS,FILES
 *   scard-bench -a COUNT
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
 *   vproxy_bigbuf  the short APDU by ioctl offering a 64 KiB output
 *                  buffer, as PC/SC callers often do
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
 * -a counts the kernel allocations of COUNT round trips of each vproxy
 * path instead (kmem trace events, bench-allocs.c): "allocs NAME per_op X
 * bytes_per_op Y largest Z lost L site FUNCTION" lines.
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
#include "bench-card.h"
#include "bench-allocs.h"

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
	size_t out_size;	/* the output buffer offered */
	uint8_t *in, *out;	/* TRANSMIT buffers, header included */
	uint64_t *samples;
	size_t n;
	int failed;
};

static struct path paths[MAX_PATHS];
static int npaths;
static int ping_sv[2];
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
			 (uint32_t)p->out_size, &got);
	if (!ret && got != IO_HDR + p->resp_len)
		ret = -EPROTO;
	return ret;
}

static int do_rw(struct path *p)
{
	ssize_t n;

	if (write(p->fd, p->in, IO_HDR + p->apdu_len) < 0)
		return -errno;
	n = read(p->fd, p->out, p->out_size);
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

/*
 * A TRANSMIT path: @apdu, @resp_len bytes back, protocol @proto; the
 * output buffer offered is the reply's size, or 64 KiB with @big.
 */
static void add_transmit(const char *name, int (*once)(struct path *),
			 int fd, uint32_t proto, const uint8_t *apdu,
			 size_t apdu_len, size_t resp_len, int big, size_t n)
{
	struct path *p = add_path(name, once, fd, n);
	struct scard_io_request hdr = { .protocol = proto,
					.pci_length = IO_HDR };

	p->apdu = apdu;
	p->apdu_len = apdu_len;
	p->resp_len = resp_len;
	p->out_size = IO_HDR + (big ? 65538 : resp_len);
	p->in = malloc(IO_HDR + apdu_len);
	p->out = malloc(p->out_size);
	if (!p->in || !p->out) {
		perror("scard-bench");
		exit(1);
	}
	memcpy(p->in, &hdr, IO_HDR);
	memcpy(p->in + IO_HDR, apdu, apdu_len);
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
		qsort(s, p->n, sizeof(*s), bench_cmp_u64);
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

/*
 * -a: the kernel allocations of @count round trips of each TRANSMIT path
 * (bench-allocs.c), on stdout as
 * "allocs NAME per_op X bytes_per_op Y largest Z lost L".
 */
static int count_allocs(size_t count)
{
	struct bench_allocs a;
	size_t k;
	int i, ret;

	for (i = 0; i < npaths; i++) {
		struct path *p = &paths[i];

		if (strncmp(p->name, "vproxy", 6))
			continue;
		p->once(p);	/* warm: first-use allocations are not the path's */
		ret = bench_allocs_begin();
		if (ret) {
			fprintf(stderr, "scard-bench: tracefs: %s\n",
				strerror(-ret));
			return 1;
		}
		for (k = 0; k < count; k++)
			if (p->once(p))
				break;
		ret = bench_allocs_end(&a);
		if (ret || k < count) {
			fprintf(stderr, "scard-bench: %s: allocations not counted\n",
				p->name);
			return 1;
		}
		printf("allocs %s per_op %.2f bytes_per_op %.0f largest %zu lost %zu site %s\n",
		       p->name, (double)a.count / (double)count,
		       (double)a.bytes / (double)count, a.largest, a.lost,
		       a.largest_site[0] ? a.largest_site : "-");
		fprintf(stderr, "%-16s %6.2f allocations, %8.0f bytes per TRANSMIT, largest %zu (%s)\n",
			p->name, (double)a.count / (double)count,
			(double)a.bytes / (double)count, a.largest,
			a.largest_site);
	}
	return 0;
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
	struct bench_card card;
	size_t samples = 20000, blocks = 20, per, k, allocs = 0;
	const char *ccid = NULL;
	char *only = NULL;
	pthread_t pong;
	uint32_t proto;
	int opt, vfd, rwfd, i, b, ret = 0;

	while ((opt = getopt(argc, argv, "n:b:c:p:m:a:")) != -1) {
		switch (opt) {
		case 'a':
			allocs = strtoul(optarg, NULL, 0);
			break;
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
			fprintf(stderr, "usage: scard-bench [-n SAMPLES] [-b BLOCKS] [-c /dev/scardN] [-p PATH,...] [-a COUNT]\n");
			return 2;
		}
	}
	if (!samples || !blocks || samples % blocks) {
		fprintf(stderr, "scard-bench: SAMPLES must be a multiple of BLOCKS\n");
		return 2;
	}
	per = samples / blocks;

	ret = bench_card_start(&card, "bench");
	if (ret) {
		fprintf(stderr, "scard-bench: vproxy reader: %s\n",
			strerror(-ret));
		return 1;
	}
	vfd = bench_card_open(&card, O_RDWR);
	rwfd = bench_card_open(&card, O_RDWR);
	if (vfd < 0 || rwfd < 0) {
		fprintf(stderr, "scard-bench: %s: %s\n", card.dev,
			strerror(-(vfd < 0 ? vfd : rwfd)));
		return 1;
	}
	proto = bench_ready(vfd);
	if (!proto) {
		fprintf(stderr, "scard-bench: %s: power/protocol failed\n",
			card.dev);
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
		     sizeof(short5), 4, 0, samples);
	add_transmit("vproxy_bigbuf", do_transmit, vfd, proto,
		     short5, sizeof(short5), 4, 1, samples);
	add_transmit("vproxy_rw", do_rw, rwfd, proto, short5, sizeof(short5),
		     4, 0, samples);
	add_transmit("vproxy_case3_255", do_transmit, vfd, proto, case3_255,
		     sizeof(case3_255), 2, 0, samples);
	add_transmit("vproxy_case2_256", do_transmit, vfd, proto, case2_256,
		     sizeof(case2_256), 258, 0, samples);
	add_transmit("vproxy_ext_4k", do_transmit, vfd, proto, ext4k,
		     sizeof(ext4k), 2, 0, samples);
	add_transmit("vproxy_ext_64k", do_transmit, vfd, proto, ext64k,
		     sizeof(ext64k), 65538, 0, samples);
	if (ccid) {
		int fd = open(ccid, O_RDWR);
		uint32_t cp = fd >= 0 ? bench_ready(fd) : 0;

		if (!cp) {
			fprintf(stderr, "scard-bench: %s: not usable\n", ccid);
			return 1;
		}
		/* the CAC applet answers 61 0D at T=0 */
		add_transmit("ccid", do_transmit, fd, cp, select_cac,
			     sizeof(select_cac), 2, 0, samples);
	}

	select_paths(only);
	if (allocs) {
		ret = count_allocs(allocs);
		bench_card_stop(&card);
		return ret;
	}
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
	bench_card_stop(&card);
	free(only);
	return ret;
}
