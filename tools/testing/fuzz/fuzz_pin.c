// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: scard_pin_parse(), the check of PC/SC part 10's PIN
 * structures (drivers/scard/pin.c), and the PC_to_RDR_Secure built from
 * what it accepts (scard_ccid_build_secure(), drivers/scard/ccid_msg.c).
 *
 * Input: one option byte (bit 0: a modification structure), then the
 * structure and its APDU as an application passes them.
 *
 * What is accepted must keep its promises: the APDU inside the input and
 * 4 to SCARD_PIN_MAX_APDU bytes long, a consistent Lc, a PIN block inside
 * the command data, and a Secure message that holds the APDU whole at its
 * end and fits the length its header gives.
 */
#include "ccid_msg.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_pin_op op;
	struct fuzz_in in;
	u8 *buf, *msg;
	size_t len, hdr, msg_size;
	bool modify;
	int ret;

	fuzz_in_init(&in, data, size);
	modify = fuzz_u8(&in) & 1;
	buf = fuzz_dup(&in, size, &len);
	ret = scard_pin_parse(&op, modify, buf, len);
	FUZZ_CHECK(ret == 0 || ret == -EINVAL);
	if (ret) {
		free(buf);
		return 0;
	}

	hdr = modify ? SCARD_PIN_MODIFY_SIZE : SCARD_PIN_VERIFY_SIZE;
	FUZZ_CHECK(op.modify == modify);
	FUZZ_CHECK(op.apdu == buf + hdr && op.apdu_len == len - hdr);
	FUZZ_CHECK(op.apdu_len >= 4 && op.apdu_len <= SCARD_PIN_MAX_APDU);
	if (op.apdu_len > 5) {
		size_t lc = op.apdu[4];

		FUZZ_CHECK(lc && (op.apdu_len == 5 + lc ||
				  op.apdu_len == 6 + lc));
		FUZZ_CHECK(SCARD_PIN_BLOCK_SIZE(op.block) +
			   (modify ? op.offset_new : 0) <= lc);
	}
	FUZZ_CHECK(op.entry_validation && !(op.entry_validation & ~7));
	FUZZ_CHECK(SCARD_PIN_MIN_DIGITS(op.max_extra_digit) <=
		   SCARD_PIN_MAX_DIGITS(op.max_extra_digit));

	msg_size = CCID_HDR_SIZE + 21 + op.apdu_len;
	msg = malloc(msg_size);
	if (!msg)
		abort();
	ret = scard_ccid_build_secure(msg, msg_size, 0, 0, &op);
	FUZZ_CHECK(ret > CCID_HDR_SIZE + (int)op.apdu_len &&
		   (size_t)ret <= msg_size);
	FUZZ_CHECK(get_unaligned_le32(msg + 1) == (u32)ret - CCID_HDR_SIZE);
	FUZZ_CHECK(!memcmp(msg + ret - op.apdu_len, op.apdu, op.apdu_len));
	/* One byte short: refused, not overrun. */
	FUZZ_CHECK(scard_ccid_build_secure(msg, ret - 1, 0, 0, &op) ==
		   -EMSGSIZE);
	free(msg);
	free(buf);
	return 0;
}
