/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space stand-in for <linux/version.h>: see tools/lib/scard/kshim.h.
 * The shim plays the newest kernel the tree builds against (6.12), so that
 * drivers/scard/compat.h picks <linux/unaligned.h>, which the shim has.
 */
#ifndef _TOOLS_LIB_SCARD_KSHIM_LINUX_VERSION_H
#define _TOOLS_LIB_SCARD_KSHIM_LINUX_VERSION_H

#define KERNEL_VERSION(a, b, c)	(((a) << 16) + ((b) << 8) + \
				 ((c) > 255 ? 255 : (c)))
#define LINUX_VERSION_CODE	KERNEL_VERSION(6, 12, 0)

#endif
