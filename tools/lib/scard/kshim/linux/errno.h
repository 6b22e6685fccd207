/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/errno.h>: see tools/lib/scard/kshim.h. */
#ifndef _TOOLS_LIB_SCARD_KSHIM_LINUX_ERRNO_H
#define _TOOLS_LIB_SCARD_KSHIM_LINUX_ERRNO_H

/* libc's <errno.h> includes <linux/errno.h>, which lands here: pass on. */
#include_next <linux/errno.h>
#include "../../kshim.h"

#endif
