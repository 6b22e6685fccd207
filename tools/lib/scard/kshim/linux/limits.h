/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/limits.h>: see tools/lib/scard/kshim.h. */
#ifndef _TOOLS_LIB_SCARD_KSHIM_LINUX_LIMITS_H
#define _TOOLS_LIB_SCARD_KSHIM_LINUX_LIMITS_H

/* libc's <limits.h> includes <linux/limits.h>, which lands here: pass on. */
#include_next <linux/limits.h>
#include "../../kshim.h"

#endif
