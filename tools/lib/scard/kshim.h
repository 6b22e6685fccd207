/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - the little of the kernel API that drivers/scard/atr.c uses,
 * mapped onto libc, so that the ATR parser also builds into scardctl.
 *
 * Build with the kshim directory first on the include path, then the
 * project's include directory:
 *
 *   cc -Itools/lib/scard/kshim -Iinclude -c drivers/scard/atr.c
 *
 * kshim/linux/{types,kernel,export,errno,string}.h stand in for the kernel
 * headers of the same names and all come here.
 */
#ifndef _TOOLS_LIB_SCARD_KSHIM_H
#define _TOOLS_LIB_SCARD_KSHIM_H

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Exports mean nothing here; "EXPORT_SYMBOL_GPL(foo);" still has to be a
 * valid file-scope declaration, which a static assertion is.
 */
#define KSHIM_NO_EXPORT(sym)	static_assert(1, #sym)
#define EXPORT_SYMBOL_GPL	KSHIM_NO_EXPORT

#endif /* _TOOLS_LIB_SCARD_KSHIM_H */
