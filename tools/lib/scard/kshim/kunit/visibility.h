/* SPDX-License-Identifier: GPL-2.0 */
/* User-space stand-in for <kunit/visibility.h>: see tools/lib/scard/kshim.h. */
#ifndef _TOOLS_LIB_SCARD_KSHIM_KUNIT_VISIBILITY_H
#define _TOOLS_LIB_SCARD_KSHIM_KUNIT_VISIBILITY_H

#include "../../kshim.h"

#define VISIBLE_IF_KUNIT	static
#define EXPORT_SYMBOL_IF_KUNIT	KSHIM_NO_EXPORT

#endif
