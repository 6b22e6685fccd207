/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - the little of the kernel API that the scard library files use,
 * mapped onto libc, so that drivers/scard/atr.c also builds into scardctl
 * and the parsers and protocol engines (apdu.c, pps.c, timing.c, t0.c,
 * t1.c, charlvl.c, ccid_msg.c, ccid_quirks.c) build into the fuzz targets of
 * tools/testing/fuzz.
 *
 * Build with the kshim directory first on the include path, then the
 * project's include directory:
 *
 *   cc -Itools/lib/scard/kshim -Iinclude -c drivers/scard/atr.c
 *
 * Every header in kshim/linux/ stands in for the kernel header of the same
 * name and comes here; errno.h, limits.h and types.h first pass on to the
 * libc header that the name also belongs to.
 *
 * Nothing here may change what the kernel code computes: where the kernel
 * macro checks types at compile time (min(), max()), the stand-in does
 * not, and the kernel build still does.
 */
#ifndef _TOOLS_LIB_SCARD_KSHIM_H
#define _TOOLS_LIB_SCARD_KSHIM_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* <linux/build_bug.h>: the kernel's static_assert() may omit the message. */
#undef static_assert
#define static_assert(expr, ...)	__static_assert(expr, ##__VA_ARGS__, #expr)
#define __static_assert(expr, msg, ...)	_Static_assert(expr, msg)

/* <linux/compiler_attributes.h>, <linux/bits.h>, <linux/bitops.h> */
#define __packed		__attribute__((__packed__))
#define BIT(n)			(1UL << (n))
#define hweight8(w)		((unsigned int)__builtin_popcount((u8)(w)))

/* <linux/kernel.h>, <linux/limits.h>, <linux/minmax.h> */
#define U32_MAX			((u32)~0U)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define min(a, b)							\
	({								\
		__typeof__(a) _a = (a);					\
		__typeof__(b) _b = (b);					\
		_a < _b ? _a : _b;					\
	})
#define max(a, b)							\
	({								\
		__typeof__(a) _a = (a);					\
		__typeof__(b) _b = (b);					\
		_a > _b ? _a : _b;					\
	})
#define min_t(type, a, b)	min((type)(a), (type)(b))
#define max_t(type, a, b)	max((type)(a), (type)(b))

/* <linux/math64.h> */
static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

/* <linux/unaligned.h>: byte by byte, as the wire formats are little-endian. */
static inline u16 get_unaligned_le16(const void *p)
{
	const u8 *b = p;

	return b[0] | b[1] << 8;
}

static inline u32 get_unaligned_le32(const void *p)
{
	const u8 *b = p;

	return b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
}

static inline void put_unaligned_le16(u16 v, void *p)
{
	u8 *b = p;

	b[0] = v;
	b[1] = v >> 8;
}

static inline void put_unaligned_le32(u32 v, void *p)
{
	u8 *b = p;

	b[0] = v;
	b[1] = v >> 8;
	b[2] = v >> 16;
	b[3] = v >> 24;
}

/*
 * <linux/slab.h>: calloc() and free(), so that AddressSanitizer sees every
 * allocation the protocol engines make.
 */
#define GFP_KERNEL		0U

static inline void *kzalloc(size_t size, unsigned int flags)
{
	(void)flags;
	return calloc(1, size);
}

static inline void kfree(const void *p)
{
	free((void *)p);
}

static inline char *kstrdup(const char *s, unsigned int flags)
{
	(void)flags;
	return strdup(s);
}

/* <linux/string.h>, <linux/kernel.h>: what the quirks parser uses. */
static inline long strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (len >= size) {
		if (size) {
			memcpy(dst, src, size - 1);
			dst[size - 1] = 0;
		}
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (long)len;
}

static inline char *strim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
		s[--n] = 0;
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	return s;
}

static inline int match_string(const char *const *array, size_t n,
			       const char *string)
{
	size_t i;

	for (i = 0; i < n && array[i]; i++)
		if (!strcmp(array[i], string))
			return (int)i;
	return -EINVAL;
}

static inline int hex_to_bin(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

/* The kernel's scnprintf(): the length written, never more than size - 1. */
#define scnprintf(buf, size, ...)					\
	({								\
		size_t __sz = (size);					\
		int __n = __sz ? snprintf((buf), __sz, __VA_ARGS__) : 0; \
		__n < 0 || !__sz ? 0 :					\
		(size_t)__n >= __sz ? (int)__sz - 1 : __n;		\
	})

/*
 * <linux/device.h>, <linux/cdev.h>, <linux/list.h>, <linux/mutex.h>,
 * <linux/rwsem.h>, <linux/spinlock.h>, <linux/wait.h>, <linux/workqueue.h>:
 * struct scard_reader (include/linux/scard.h) embeds these, but the
 * library code built here only uses its ops, caps, atr and params. They
 * need to be complete types, nothing more.
 */
struct device {
	int kshim_unused;
};

struct cdev {
	int kshim_unused;
};

struct list_head {
	struct list_head *next, *prev;
};

struct mutex {
	int kshim_unused;
};

struct rw_semaphore {
	int kshim_unused;
};

typedef struct {
	int kshim_unused;
} spinlock_t;

typedef struct {
	int kshim_unused;
} wait_queue_head_t;

struct work_struct {
	int kshim_unused;
};

#endif /* _TOOLS_LIB_SCARD_KSHIM_H */
