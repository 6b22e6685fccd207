// SPDX-License-Identifier: GPL-2.0
/*
 * Allocation counting for scard-bench -a (bench-allocs.h). The kmem
 * events kmalloc and kmem_cache_alloc (kmalloc_node and
 * kmem_cache_alloc_node too where the kernel still has them) are enabled,
 * the trace is cleared, and at the end its lines are summed. Every
 * task's allocations count, since an asynchronous TRANSMIT runs in a
 * kernel worker: the benchmark VM is otherwise idle. Tracing is switched
 * on and off through a descriptor opened beforehand, so that opening a
 * tracefs file does not count. kvmalloc()'s vmalloc fallback has
 * no event on 6.1 and is not counted; a kmalloc() larger than a slab's
 * objects is (it is a kmalloc event with the pages' size).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "bench-allocs.h"

#define TRACEFS "/sys/kernel/tracing"

static const char *const events[] = {
	"kmalloc", "kmalloc_node", "kmem_cache_alloc", "kmem_cache_alloc_node",
};

static int put(const char *file, const char *value)
{
	char path[128];
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), TRACEFS "/%s", file);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (fputs(value, f) < 0)
		ret = -EIO;
	if (fclose(f))
		ret = -errno;
	return ret;
}

static int set_events(const char *on)
{
	char file[96];
	size_t i;
	int n = 0;

	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		snprintf(file, sizeof(file), "events/kmem/%s/enable",
			 events[i]);
		if (!put(file, on))
			n++;
	}
	return n ? 0 : -ENOENT;
}

static int tracing_on = -1;

int bench_allocs_begin(void)
{
	int ret;

	if (access(TRACEFS "/trace", W_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (tracing_on < 0)
		tracing_on = open(TRACEFS "/tracing_on", O_WRONLY);
	if (tracing_on < 0)
		return -ENOENT;
	ret = pwrite(tracing_on, "0", 1, 0) == 1 ? 0 : -errno;
	if (!ret)
		ret = put("buffer_size_kb", "8192");
	if (!ret)
		ret = set_events("1");
	if (!ret)
		ret = put("trace", "");
	if (!ret && pwrite(tracing_on, "1", 1, 0) != 1)
		ret = -errno;
	return ret;
}

int bench_allocs_end(struct bench_allocs *a)
{
	char line[512];
	FILE *f;

	memset(a, 0, sizeof(*a));
	if (pwrite(tracing_on, "0", 1, 0) != 1)
		return -errno;
	f = fopen(TRACEFS "/trace", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "bytes_alloc=");
		unsigned long in, written;
		size_t n;

		if (line[0] == '#') {
			if (sscanf(line, "# entries-in-buffer/entries-written: %lu/%lu",
				   &in, &written) == 2 && written > in)
				a->lost = written - in;
			continue;
		}
		if (!p || (!strstr(line, " kmalloc") &&
			   !strstr(line, " kmem_cache_alloc")))
			continue;
		n = strtoul(p + strlen("bytes_alloc="), NULL, 10);
		a->count++;
		a->bytes += n;
		if (n > a->largest) {
			const char *site = strstr(line, "call_site=");

			a->largest = n;
			if (site)
				sscanf(site, "call_site=%63[^ /+]",
				       a->largest_site);
		}
	}
	fclose(f);
	set_events("0");
	return 0;
}
