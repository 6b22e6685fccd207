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

#endif /* _SCARD_COMPAT_H */
