/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: the differences between the kernels this tree builds against
 * (Debian's 6.1 and 6.12), in one place.
 */
#ifndef _SCARD_COMPAT_H
#define _SCARD_COMPAT_H

#if __has_include(<kunit/visibility.h>)
#include <kunit/visibility.h>
#else
/* Before 6.3: no test-only exports; nothing uses them there. */
#define VISIBLE_IF_KUNIT static
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif

/* 6.12 moved the unaligned access helpers to <linux/unaligned.h>. */
#if __has_include(<linux/unaligned.h>)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _SCARD_COMPAT_H */
