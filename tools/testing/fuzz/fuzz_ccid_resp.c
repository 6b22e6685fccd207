// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the RDR_to_PC parsers of drivers/scard/ccid_msg.c,
 * scard_ccid_parse_response() (bulk IN), scard_ccid_parse_slot_change() and
 * scard_ccid_parse_hardware_error() (interrupt IN).
 *
 * Input:
 *   the PC_to_RDR bMessageType, bSlot and bSeq of the command answered
 *   the number of slots of the reader (1..32 are valid)
 *   then the message as the reader sent it, to the end of the input
 *
 * Whatever the message, the data it is found to carry must lie within it.
 */
#include "ccid_msg.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_ccid_resp resp;
	u8 req_type, slot, seq, nslots;
	u32 present = 0, changed = 0;
	u8 hw_slot, hw_code;
	struct fuzz_in in;
	size_t len;
	u8 *msg;
	int ret;

	fuzz_in_init(&in, data, size);
	req_type = fuzz_u8(&in);
	slot = fuzz_u8(&in);
	seq = fuzz_u8(&in);
	nslots = fuzz_u8(&in);
	msg = fuzz_dup(&in, in.left, &len);

	ret = scard_ccid_parse_response(&resp, msg, len, req_type, slot, seq);
	if (resp.data) {
		FUZZ_CHECK(resp.data == msg + CCID_HDR_SIZE);
		FUZZ_CHECK(resp.data_len <= len - CCID_HDR_SIZE);
		fuzz_touch(resp.data, resp.data_len);
	}
	if (!ret || ret == -EINPROGRESS) {
		FUZZ_CHECK(resp.data && resp.seq == seq && resp.slot == slot);
		FUZZ_CHECK(resp.type ==
			   scard_ccid_response_type(req_type));
	}

	ret = scard_ccid_parse_slot_change(msg, len, nslots, &present,
					   &changed);
	if (!ret && nslots < 32) {
		FUZZ_CHECK(!(present >> nslots));
		FUZZ_CHECK(!(changed >> nslots));
	}

	/* The slot named is always one the reader has. */
	ret = scard_ccid_parse_hardware_error(msg, len, nslots, &hw_slot,
					      &hw_code);
	FUZZ_CHECK(!ret || ret == -EPROTO);
	if (!ret)
		FUZZ_CHECK(hw_slot < nslots && len >= 4);

	free(msg);
	return 0;
}
