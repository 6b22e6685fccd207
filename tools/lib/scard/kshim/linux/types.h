/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <linux/types.h>: the uapi __u8.. plus u8.. */
#ifndef _TOOLS_LIB_SCARD_KSHIM_LINUX_TYPES_H
#define _TOOLS_LIB_SCARD_KSHIM_LINUX_TYPES_H

#include_next <linux/types.h>
#include "../../kshim.h"

#endif
