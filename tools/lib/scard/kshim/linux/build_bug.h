/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/build_bug.h>: see tools/lib/scard/kshim.h. */
#ifndef _TOOLS_LIB_SCARD_KSHIM_LINUX_BUILD_BUG_H
#define _TOOLS_LIB_SCARD_KSHIM_LINUX_BUILD_BUG_H

#include "../../kshim.h"

#endif
