// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: scard_ccid_parse_desc() (drivers/scard/ccid_msg.c).
 *
 * Input: the bytes at a CCID class descriptor's bLength, as the USB
 * interface's extra descriptors hold them, any length.
 */
#include "ccid_msg.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_ccid_desc desc;

	if (scard_ccid_parse_desc(&desc, data, size))
		return 0;

	FUZZ_CHECK(size >= CCID_DESC_SIZE && data[0] <= size);
	FUZZ_CHECK(desc.max_slot_index == data[4]);
	FUZZ_CHECK(desc.level == scard_ccid_features_level(desc.features));
	FUZZ_CHECK(desc.max_busy_slots == data[53]);
	return 0;
}
