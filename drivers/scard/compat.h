/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: the differences between the kernels this tree builds against
 * (Debian's 6.1 and 6.12), in one place.
 */
#ifndef _SCARD_COMPAT_H
#define _SCARD_COMPAT_H

#include <linux/version.h>

/* 6.12 moved the unaligned access helpers to <linux/unaligned.h>. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Line discipline receive_buf(): 6.1 passes (const unsigned char *,
 * const char *, int), 6.6 and later (const u8 *, const u8 *, size_t).
 * Declare it with SCARD_LDISC_RECV_ARGS (cp, fp, count).
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define SCARD_LDISC_RECV_ARGS	const u8 *cp, const u8 *fp, size_t count
#else
#define SCARD_LDISC_RECV_ARGS	const unsigned char *cp, const char *fp, \
				int count
#endif

#endif /* _SCARD_COMPAT_H */
