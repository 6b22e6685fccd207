// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: scard_ccid's "quirks" parameter parser and the names of
 * the flags (drivers/scard/ccid_quirks.c).
 *
 * Input: the string written to /sys/module/scard_ccid/parameters/quirks
 * (a NUL in it ends it, as for a sysfs write). What parses must hold
 * known flags only, cover every bcdDevice, fit the room given, and parse
 * again to the same entries when written back from the names sysfs shows.
 */
#include "ccid_quirks.h"

#include "fuzz.h"

#define ROOM	16
#define KNOWN	(BIT(CCID_QUIRK_COUNT) - 1)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_ccid_quirk q[ROOM], again[ROOM];
	char *s = malloc(size + 1), *back, names[128];
	size_t len = 0, i;
	int n, m;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	n = scard_ccid_quirks_parse(s, q, ROOM);
	free(s);
	FUZZ_CHECK(n <= ROOM);
	FUZZ_CHECK(n >= 0 || n == -EINVAL || n == -E2BIG || n == -ENOSPC);
	FUZZ_CHECK(n != -ENOSPC || strnlen((const char *)data, size) >=
		   CCID_QUIRKS_MAX_STRING - 1);
	if (n <= 0)
		return 0;

	back = malloc((size_t)n * (10 + sizeof(names)) + 1);
	if (!back)
		abort();
	back[0] = 0;
	for (i = 0; i < (size_t)n; i++) {
		size_t k;
		int w;

		FUZZ_CHECK(!(q[i].flags & ~KNOWN));
		FUZZ_CHECK(q[i].bcd_min == 0 && q[i].bcd_max == 0xffff);
		w = scard_ccid_quirks_names(q[i].flags, names, sizeof(names));
		FUZZ_CHECK(w > 0 && (size_t)w == strlen(names) &&
			   names[w - 1] == '\n');
		names[w - 1] = 0;
		/* "a b" as sysfs shows them is "a+b" in the parameter */
		for (k = 0; names[k]; k++)
			if (names[k] == ' ')
				names[k] = '+';
		len += (size_t)sprintf(back + len, "%s%04x:%04x:%s",
				       i ? "," : "", q[i].vid, q[i].pid, names);
	}
	/* Names may be longer than what was written ("" is "none"). */
	if (len >= CCID_QUIRKS_MAX_STRING) {
		free(back);
		return 0;
	}
	m = scard_ccid_quirks_parse(back, again, ROOM);
	free(back);
	FUZZ_CHECK(m == n);
	for (i = 0; i < (size_t)n; i++)
		FUZZ_CHECK(again[i].vid == q[i].vid && again[i].pid == q[i].pid &&
			   again[i].flags == q[i].flags);
	return 0;
}
