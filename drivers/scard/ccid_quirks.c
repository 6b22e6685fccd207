// SPDX-License-Identifier: GPL-2.0
/*
 * scard_ccid: the quirks table's lookup, the "quirks" parameter's parser
 * and the flag names (ccid_quirks.h). Pure functions, tested by the
 * scard_ccid_quirks KUnit suite.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <kunit/visibility.h>

#include "ccid_quirks.h"

/* The names the parameter and sysfs use, in bit order. */
static const char *const ccid_quirk_names[CCID_QUIRK_COUNT] = {
	"max_msg_384",
	"lost_wakeup",
	"no_interrupt",
	"no_pin_pad",
	"ext_apdu",
};

/**
 * scard_ccid_quirk_find() - the entry for a device
 * @table: the entries; the first that matches wins
 * @n: number of entries
 * @vid: the device's idVendor
 * @pid: its idProduct
 * @bcd: its bcdDevice
 *
 * Return: the entry, or NULL when none matches.
 */
const struct scard_ccid_quirk *
scard_ccid_quirk_find(const struct scard_ccid_quirk *table, size_t n,
		      u16 vid, u16 pid, u16 bcd)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (table[i].vid == vid && table[i].pid == pid &&
		    bcd >= table[i].bcd_min && bcd <= table[i].bcd_max)
			return &table[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(scard_ccid_quirk_find);

/* "name+name..." or "" or "none" into flags; -EINVAL for an unknown one. */
static int ccid_quirks_parse_flags(char *s, unsigned long *flags)
{
	char *name;
	int i;

	*flags = 0;
	if (!*s || !strcmp(s, "none"))
		return 0;
	while ((name = strsep(&s, "+"))) {
		i = match_string(ccid_quirk_names, CCID_QUIRK_COUNT, name);
		if (i < 0)
			return -EINVAL;
		*flags |= BIT(i);
	}
	return 0;
}

/* Exactly four hexadecimal digits: no sign, no 0x, no newline. */
static int ccid_quirks_hex4(const char *s, u16 *v)
{
	int i, d;

	if (strlen(s) != 4)
		return -EINVAL;
	*v = 0;
	for (i = 0; i < 4; i++) {
		d = hex_to_bin(s[i]);
		if (d < 0)
			return -EINVAL;
		*v = *v << 4 | d;
	}
	return 0;
}

/* One "VVVV:PPPP:flags" entry. */
static int ccid_quirks_parse_entry(char *s, struct scard_ccid_quirk *q)
{
	char *vid = strsep(&s, ":"), *pid = strsep(&s, ":");

	if (!s || ccid_quirks_hex4(vid, &q->vid) ||
	    ccid_quirks_hex4(pid, &q->pid))
		return -EINVAL;
	q->bcd_min = 0;
	q->bcd_max = 0xffff;
	return ccid_quirks_parse_flags(s, &q->flags);
}

/**
 * scard_ccid_quirks_parse() - parse the "quirks" module parameter
 * @s: entries "VVVV:PPPP:FLAGS" separated by commas, FLAGS names joined
 *	by "+", or empty or "none" (the device gets no quirk at all); a
 *	trailing newline is ignored; an empty @s has no entry
 * @out: the entries parsed, for every bcdDevice
 * @max: room in @out
 *
 * Return: the number of entries, -EINVAL for a malformed one or an unknown
 * flag name, -E2BIG for more than @max, -ENOSPC for a string of
 * CCID_QUIRKS_MAX_STRING bytes or more.
 */
int scard_ccid_quirks_parse(const char *s, struct scard_ccid_quirk *out,
			    size_t max)
{
	/*
	 * A copy on the stack, not kstrdup(): a built-in driver's parameter
	 * on the kernel command line is set before the slab allocator runs.
	 */
	char copy[CCID_QUIRKS_MAX_STRING], *rest, *entry;
	size_t n = 0;
	int ret = 0;

	if (strscpy(copy, s, sizeof(copy)) < 0)
		return -ENOSPC;
	rest = strim(copy);
	while (*rest && (entry = strsep(&rest, ","))) {
		if (n == max) {
			ret = -E2BIG;
			break;
		}
		ret = ccid_quirks_parse_entry(entry, &out[n]);
		if (ret)
			break;
		n++;
		if (!rest)
			break;
	}
	return ret ? ret : n;
}
EXPORT_SYMBOL_IF_KUNIT(scard_ccid_quirks_parse);

/**
 * scard_ccid_quirks_names() - the flags as sysfs shows them
 * @flags: CCID_QUIRK_*
 * @buf: where to write "name name ...\n", or "none\n"
 * @size: size of @buf
 *
 * Return: the length written (without the NUL).
 */
int scard_ccid_quirks_names(unsigned long flags, char *buf, size_t size)
{
	int i, len = 0;

	for (i = 0; i < CCID_QUIRK_COUNT; i++)
		if (flags & BIT(i))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? " " : "", ccid_quirk_names[i]);
	if (!len)
		len = scnprintf(buf, size, "none");
	len += scnprintf(buf + len, size - len, "\n");
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(scard_ccid_quirks_names);
