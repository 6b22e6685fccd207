// SPDX-License-Identifier: GPL-2.0
/*
 * scard-scale: TRANSMIT throughput against the number of readers, in the
 * benchmark VM (make bench, run-bench's second boot with two vCPUs;
 * Documentation/scard/performance.rst).
 *
 *   scard-scale [-r 1,2,4,...] [-f 1,8] [-d MS]
 *
 * For each count of readers R and of files per reader F: R vproxy readers,
 * each with its card thread (bench-card.c), F files open on each, R x F
 * client threads that all send the short APDU by TRANSMIT ioctl for MS
 * milliseconds (1000; at least 10 per client, so that even the slowest
 * counts enough for the fairness figure) once they are all ready.
 *
 * Output: a table on stderr; on stdout one line per run,
 *   scale readers R files F ops_per_s X p99_us Y fairness Z
 * with X the aggregate TRANSMITs per second, Y the 99th percentile of
 * every latency sample, Z the slowest file's count over the fastest's
 * (1 is perfectly fair). Exit status: 0, 1 when a run failed, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/scard.h>

#include "libscard.h"
#include "bench.h"
#include "bench-card.h"

#define MAX_COUNTS	16
#define IO_HDR		sizeof(struct scard_io_request)
/* samples kept per client: enough for a percentile, bounded memory */
#define KEEP		4096

struct client {
	pthread_t thread;
	int fd;
	uint32_t proto;
	uint64_t ops;
	uint64_t kept[KEEP];
	int error;
};

static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int go, stop;

/* Start (or release) every client at once. */
static void set_go(void)
{
	pthread_mutex_lock(&go_lock);
	go = 1;
	pthread_cond_broadcast(&go_cond);
	pthread_mutex_unlock(&go_lock);
}

static void *client_thread(void *arg)
{
	static const uint8_t apdu[] = { 0x00, 0xB0, 0x00, 0x00, 0x02 };
	struct client *c = arg;
	struct scard_io_request hdr = { .protocol = c->proto,
					.pci_length = IO_HDR };
	uint8_t in[IO_HDR + sizeof(apdu)], out[IO_HDR + 4];
	uint32_t got;

	memcpy(in, &hdr, IO_HDR);
	memcpy(in + IO_HDR, apdu, sizeof(apdu));
	pthread_mutex_lock(&go_lock);
	while (!go)
		pthread_cond_wait(&go_cond, &go_lock);
	pthread_mutex_unlock(&go_lock);
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		uint64_t t0 = bench_now_ns();
		int ret = scard_dioc(c->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				     sizeof(in), out, sizeof(out), &got);

		if (ret) {
			c->error = ret;
			break;
		}
		c->kept[c->ops % KEEP] = bench_now_ns() - t0;
		c->ops++;
	}
	return NULL;
}

/* One run: @readers readers, @files files each, @ms milliseconds. */
static int run(int readers, int files, int ms)
{
	struct bench_card *cards = calloc((size_t)readers, sizeof(*cards));
	struct client *cl = calloc((size_t)(readers * files), sizeof(*cl));
	uint64_t total = 0, lo = UINT64_MAX, hi = 0;
	size_t nall = 0, i;
	int r, f, n = 0, ret = 0;
	uint64_t t0 = 0, t1, *all = NULL;
	char name[32];

	if (!cards || !cl)
		return -ENOMEM;
	for (r = 0; r < readers; r++) {
		uint32_t proto;
		int fd;

		snprintf(name, sizeof(name), "scale%d", r);
		ret = bench_card_start(&cards[r], name);
		if (ret)
			goto out;
		for (f = 0; f < files; f++) {
			fd = bench_card_open(&cards[r], O_RDWR);
			if (fd < 0) {
				ret = fd;
				goto out;
			}
			cl[n].fd = fd;
			n++;
		}
		proto = bench_ready(cl[n - 1].fd);
		if (!proto) {
			ret = -EIO;
			goto out;
		}
		for (f = n - files; f < n; f++)
			cl[f].proto = proto;
	}
	go = 0;
	__atomic_store_n(&stop, 0, __ATOMIC_RELEASE);
	for (i = 0; i < (size_t)n; i++)
		if (pthread_create(&cl[i].thread, NULL, client_thread, &cl[i])) {
			ret = -EAGAIN;
			n = (int)i;
			__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
			set_go();
			goto join;
		}
	t0 = bench_now_ns();
	set_go();
	/* long enough for every client to count: 10 ms per client at least */
	usleep((useconds_t)(ms > n * 10 ? ms : n * 10) * 1000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
join:
	for (i = 0; i < (size_t)n; i++)
		pthread_join(cl[i].thread, NULL);
	t1 = bench_now_ns();
	if (ret)
		goto out;

	all = malloc((size_t)n * KEEP * sizeof(*all));
	if (!all) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < (size_t)n; i++) {
		size_t k = cl[i].ops < KEEP ? cl[i].ops : KEEP;

		if (cl[i].error && !ret)
			ret = cl[i].error;
		total += cl[i].ops;
		lo = cl[i].ops < lo ? cl[i].ops : lo;
		hi = cl[i].ops > hi ? cl[i].ops : hi;
		memcpy(all + nall, cl[i].kept, k * sizeof(*all));
		nall += k;
	}
	if (!ret && nall) {
		double ops = 1e9 * (double)total / (double)(t1 - t0);
		double p99, fair = hi ? (double)lo / (double)hi : 0.0;

		qsort(all, nall, sizeof(*all), bench_cmp_u64);
		p99 = (double)all[(size_t)(0.99 * (double)(nall - 1))] / 1000.0;
		printf("scale readers %d files %d ops_per_s %.0f p99_us %.1f fairness %.3f\n",
		       readers, files, ops, p99, fair);
		fprintf(stderr, "%7d %5d %10.0f %9.1f %9.3f\n", readers, files,
			ops, p99, fair);
		fflush(stdout);
	}
out:
	free(all);
	for (i = 0; i < (size_t)n; i++)
		close(cl[i].fd);
	for (r = 0; r < readers; r++)
		bench_card_stop(&cards[r]);
	free(cl);
	free(cards);
	return ret;
}

/* "1,2,4" into @v; the count, or 0 on a malformed list. */
static int parse_counts(const char *s, int *v)
{
	int n = 0;
	char *end;

	while (*s && n < MAX_COUNTS) {
		long x = strtol(s, &end, 10);

		if (end == s || x <= 0 || x > 1024)
			return 0;
		v[n++] = (int)x;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return 0;
	}
	return *s ? 0 : n;
}

int main(int argc, char **argv)
{
	int readers[MAX_COUNTS] = { 1, 2, 4, 8, 16, 32, 64 }, nr = 7;
	int files[MAX_COUNTS] = { 1, 8 }, nf = 2;
	int opt, i, j, ms = 1000, ret = 0;

	while ((opt = getopt(argc, argv, "r:f:d:")) != -1) {
		switch (opt) {
		case 'r':
			nr = parse_counts(optarg, readers);
			break;
		case 'f':
			nf = parse_counts(optarg, files);
			break;
		case 'd':
			ms = atoi(optarg);
			break;
		default:
			nr = 0;
		}
		if (!nr || !nf || ms <= 0) {
			fprintf(stderr, "usage: scard-scale [-r 1,2,4,...] [-f 1,8] [-d MS]\n");
			return 2;
		}
	}
	fprintf(stderr, "%7s %5s %10s %9s %9s\n", "readers", "files",
		"APDUs/s", "p99 us", "fairness");
	for (j = 0; j < nf; j++)
		for (i = 0; i < nr; i++) {
			int r = run(readers[i], files[j], ms);

			if (r) {
				fprintf(stderr, "scard-scale: %d readers x %d files: %s\n",
					readers[i], files[j], strerror(-r));
				ret = 1;
			}
		}
	return ret;
}
