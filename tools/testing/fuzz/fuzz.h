/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the scard fuzz targets share.
 *
 * A target reads its input as a stream of fields: option bytes first,
 * then the bytes a card or reader would send. A field past the end of the
 * input reads as zero, so that every input, however short, means
 * something.
 *
 * Buffers handed to the kernel code are heap copies of exactly the size
 * the call is told, never pointers into the middle of the input: one byte
 * read or written past the end then lands in AddressSanitizer's red zone
 * instead of in the next field.
 *
 * FUZZ_CHECK() turns a broken promise of a kernel-doc comment (a length
 * past the buffer, a value out of its documented range) into a crash the
 * fuzzer reports like any sanitizer error.
 */
#ifndef _SCARD_FUZZ_H
#define _SCARD_FUZZ_H

#include "kshim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", \
				__FILE__, __LINE__, #cond);		\
			abort();					\
		}							\
	} while (0)

struct fuzz_in {
	const u8 *p;
	size_t left;
};

static inline void fuzz_in_init(struct fuzz_in *in, const u8 *data,
				size_t size)
{
	in->p = data;
	in->left = size;
}

static inline u8 fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

/* Little-endian, as the CCID fields. */
static inline u32 fuzz_u32(struct fuzz_in *in)
{
	u32 v = fuzz_u8(in);

	v |= fuzz_u8(in) << 8;
	v |= fuzz_u8(in) << 16;
	v |= (u32)fuzz_u8(in) << 24;
	return v;
}

/* Copy up to @n bytes to @out; returns how many there were. */
static inline size_t fuzz_take(struct fuzz_in *in, u8 *out, size_t n)
{
	if (n > in->left)
		n = in->left;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return n;
}

/*
 * The next @n bytes (fewer at the end of the input: *@len says how many)
 * in a heap buffer of exactly that size. Free it with free().
 */
static inline u8 *fuzz_dup(struct fuzz_in *in, size_t n, size_t *len)
{
	u8 *buf = malloc(n > in->left ? in->left : n);

	if (!buf)
		abort();
	*len = fuzz_take(in, buf, n);
	return buf;
}

/*
 * Read every byte of a buffer the kernel code hands out (a block to send,
 * the data of a parsed message), so that AddressSanitizer checks that it
 * is all there. The loads are volatile because nothing uses their result:
 * the compiler would drop them, and the check with them.
 */
static inline void fuzz_touch(const void *buf, size_t len)
{
	const volatile u8 *b = buf;
	u8 x = 0;

	while (len--)
		x ^= *b++;
	(void)x;
}

/*
 * What the exchange functions promise about the response length they set:
 * within the buffer on success, the size needed on -EOVERFLOW, 0 on any
 * other error.
 */
static inline void fuzz_check_resp_len(int ret, size_t len, size_t size)
{
	if (!ret)
		FUZZ_CHECK(len <= size);
	else if (ret == -EOVERFLOW)
		FUZZ_CHECK(len > size);
	else
		FUZZ_CHECK(!len);
}

/*
 * Response buffer sizes worth trying: none, too small for a status word,
 * the short APDU limits and one past them, and room for anything.
 */
static inline size_t fuzz_resp_size(u8 sel)
{
	static const size_t sizes[] = {
		0, 1, 2, 3, 16, 255, 256, 257, 258, 259, 1024, 65538,
	};

	return sizes[sel % ARRAY_SIZE(sizes)];
}

#endif /* _SCARD_FUZZ_H */
