/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/lockdep.h>: see tools/lib/scard/kshim.h. */
#ifndef _TOOLS_LIB_SCARD_KSHIM_LINUX_LOCKDEP_H
#define _TOOLS_LIB_SCARD_KSHIM_LINUX_LOCKDEP_H

#include "../../kshim.h"

#endif
