/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel allocations made by this process's threads, counted through the
 * kmem trace events of tracefs (bench-allocs.c).
 */
#ifndef SCARD_BENCH_ALLOCS_H
#define SCARD_BENCH_ALLOCS_H

#include <stddef.h>

struct bench_allocs {
	size_t count;		/* kmalloc and kmem_cache_alloc events */
	size_t bytes;		/* their bytes_alloc */
	size_t largest;		/* the largest bytes_alloc */
	char largest_site[64];	/* the function that asked for it */
	size_t lost;		/* entries the ring buffer dropped */
};

/* Start counting; 0 or a negative errno (no tracefs, not root). */
int bench_allocs_begin(void);
/* Stop and sum up what was counted since bench_allocs_begin(). */
int bench_allocs_end(struct bench_allocs *a);

#endif /* SCARD_BENCH_ALLOCS_H */
