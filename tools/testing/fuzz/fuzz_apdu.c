// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: scard_apdu_parse() (drivers/scard/apdu.c).
 *
 * Input: a command APDU, any length. On success the case, Lc, Le and the
 * data pointer must account for every byte of the input, as ISO/IEC
 * 7816-4 lays out the seven cases.
 */
#include <linux/scard.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_apdu apdu;
	size_t hdr, lc_len, le_len;

	if (scard_apdu_parse(&apdu, data, size))
		return 0;

	FUZZ_CHECK(apdu.kase >= 1 && apdu.kase <= 4);
	FUZZ_CHECK(apdu.cla == data[0] && apdu.ins == data[1] &&
		   apdu.p1 == data[2] && apdu.p2 == data[3]);
	FUZZ_CHECK((apdu.kase == 3 || apdu.kase == 4) == !!apdu.lc);
	FUZZ_CHECK((apdu.kase == 2 || apdu.kase == 4) == !!apdu.le);
	FUZZ_CHECK(apdu.le <= (apdu.extended ? 65536U : 256U));
	FUZZ_CHECK(apdu.lc <= (apdu.extended ? 65535U : 255U));

	/* Header, extended marker, Lc field, data, Le field: the whole input. */
	hdr = 4 + apdu.extended;
	lc_len = apdu.lc ? (apdu.extended ? 2 : 1) : 0;
	le_len = apdu.le ? (apdu.extended ? 2 : 1) : 0;
	FUZZ_CHECK(hdr + lc_len + apdu.lc + le_len == size);
	if (apdu.lc) {
		FUZZ_CHECK(apdu.data == data + hdr + lc_len);
		fuzz_touch(apdu.data, apdu.lc);
	} else {
		FUZZ_CHECK(!apdu.data);
	}
	return 0;
}
