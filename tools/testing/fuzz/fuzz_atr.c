// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: scard_atr_parse() (drivers/scard/atr.c).
 *
 * Input: the ATR bytes as a reader would return them, any length. On
 * success the decoded fields must stay within what ISO/IEC 7816-3 and the
 * kernel-doc of struct scard_atr allow. scard_atr_length(), which a
 * character reader asks after every byte, must agree: more on every
 * prefix of a good ATR, complete on the whole; and never more than
 * SCARD_MAX_ATR on any input.
 */
#include <linux/scard_atr.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_atr atr;
	size_t k;
	int n;

	n = scard_atr_length(data, size);
	FUZZ_CHECK(n == -EINVAL || (n > 0 && n <= SCARD_MAX_ATR));
	if (scard_atr_parse(&atr, data, size))
		return 0;

	FUZZ_CHECK(n == (int)size);
	for (k = 0; k < size; k++)
		FUZZ_CHECK(scard_atr_length(data, k) > (int)k);

	FUZZ_CHECK(atr.len == size && atr.len <= SCARD_MAX_ATR);
	FUZZ_CHECK(atr.raw[0] == 0x3b || atr.raw[0] == 0x3f);
	FUZZ_CHECK(atr.inverse == (atr.raw[0] == 0x3f));
	FUZZ_CHECK(atr.hist_len <= SCARD_MAX_HIST &&
		   atr.hist_len == (atr.raw[1] & 0x0f));
	FUZZ_CHECK(!memcmp(atr.hist, atr.raw + atr.len - atr.has_tck -
			   atr.hist_len, atr.hist_len));
	FUZZ_CHECK(atr.protocols && !(atr.protocols & (1U << 15)));
	FUZZ_CHECK(atr.first_protocol < 15);
	FUZZ_CHECK(atr.f == scard_atr_fi_to_f(atr.fi) && atr.f);
	FUZZ_CHECK(atr.d == scard_atr_di_to_d(atr.di) && atr.d);
	FUZZ_CHECK(atr.fmax == scard_atr_fi_to_fmax(atr.fi));
	FUZZ_CHECK(atr.ifsc >= 1 && atr.ifsc <= 254);
	FUZZ_CHECK(atr.cwi <= 15 && atr.bwi <= 15);
	FUZZ_CHECK(atr.class_indicator <= 0x3f && atr.clock_stop <= 3);
	return 0;
}
