/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark programs (scard-bench, pcsc-bench, usbfs-bench) share:
 * the clock and the "samples NAME v1 v2 ..." lines report.py reads.
 */
#ifndef SCARD_BENCH_H
#define SCARD_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* qsort() order of samples. */
static inline int bench_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* @n samples (nanoseconds) of path @name, 32 to a line, on stdout. */
static inline void bench_print_samples(const char *name, const uint64_t *s,
				       size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 32 == 0)
			printf("%ssamples %s", i ? "\n" : "", name);
		printf(" %llu", (unsigned long long)s[i]);
	}
	if (n)
		printf("\n");
}

#endif /* SCARD_BENCH_H */
