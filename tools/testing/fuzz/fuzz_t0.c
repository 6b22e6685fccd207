// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: T=0 over a TPDU-level reader (drivers/scard/t0.c),
 * scard_t0_transmit() with an exchange function that plays the reader
 * and card from the input: the 61xx / 6Cxx handling and GET RESPONSE
 * chains.
 *
 * Input:
 *   response size selector (see fuzz_resp_size())
 *   command APDU length, command APDU
 *   then one reply per TPDU, each starting with a control byte c:
 *	0x00..0xf7	c bytes of reply follow (data, SW1 SW2)
 *	0xf8		258 bytes follow: 256 data bytes and SW1 SW2
 *	0xf9		the exchange function says -EOVERFLOW
 *	0xfa		it claims one byte more than rx_size
 *	0xfb..0xff	it fails: -ETIMEDOUT, -EPROTO, -EIO, -ENOMEDIUM,
 *			-EBADMSG
 *   The end of the input is a card gone (-ENODEV).
 *
 * Every TPDU sent must be CLA INS P1 P2 P3 with nothing or P3 bytes after.
 */
#include <linux/scard.h>

#include "fuzz.h"

static int fuzz_t0_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		       u8 *rx, size_t rx_size, size_t *rx_len)
{
	static const int errs[] = {
		-ETIMEDOUT, -EPROTO, -EIO, -ENOMEDIUM, -EBADMSG,
	};
	struct fuzz_in *in = scard_reader_get_drvdata(rdr);
	size_t n;
	u8 c;

	FUZZ_CHECK(tx_len == 5 || (tx[4] && tx_len == 5 + tx[4]));
	FUZZ_CHECK(rx_size >= SCARD_MAX_SHORT_RESP);
	fuzz_touch(tx, tx_len);

	if (!in->left)
		return -ENODEV;
	c = fuzz_u8(in);
	if (c >= 0xfb)
		return errs[c - 0xfb];
	if (c == 0xfa) {
		*rx_len = rx_size + 1;
		return 0;
	}
	if (c == 0xf9)
		return -EOVERFLOW;
	n = c == 0xf8 ? SCARD_MAX_SHORT_RESP : c;
	*rx_len = fuzz_take(in, rx, n);
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_reader rdr = { };
	size_t cmd_len, resp_size, resp_len;
	struct fuzz_in in;
	u8 *cmd, *resp;
	int ret;

	fuzz_in_init(&in, data, size);
	resp_size = fuzz_resp_size(fuzz_u8(&in));
	cmd = fuzz_dup(&in, fuzz_u8(&in), &cmd_len);
	resp = malloc(resp_size);
	if (!resp)
		abort();
	scard_reader_set_drvdata(&rdr, &in);

	resp_len = 12345;
	ret = scard_t0_transmit(&rdr, fuzz_t0_xfr, cmd, cmd_len, resp,
				resp_size, &resp_len);
	fuzz_check_resp_len(ret, resp_len, resp_size);
	if (!ret)
		FUZZ_CHECK(resp_len >= 2);

	free(resp);
	free(cmd);
	return 0;
}
