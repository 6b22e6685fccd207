// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the T=1 engine (drivers/scard/t1.c), scard_t1_transceive()
 * with a block function that plays the card from the input, and
 * scard_t1_parse_block() on the raw input.
 *
 * Input:
 *   flags: bit 0 CRC (else LRC), bit 1 no S(IFS request), bits 2-3 the
 *	number of APDUs exchanged in a row, less one
 *   IFSC, IFSD, NAD (as SET_PROTOCOL would give them; 0 and 255 become 32)
 *   APDU length (2 bytes, little-endian; 0 means 1), response size selector
 *   then one card block per call of the block function, each starting
 *   with a control byte c:
 *	0x00..0x7f	NAD PCB LEN follow, then LEN bytes of INF (fewer at the
 *			end of the input); the harness appends the right EDC,
 *			or a wrong one when c is odd
 *	0x80..0xf9	c - 0x80 bytes given back exactly as they are
 *	0xfa		the block function claims more bytes than rx_size
 *	0xfb..0xff	the block function fails: -ETIMEDOUT, -EBADMSG,
 *			-EPROTO, -EOVERFLOW, -EIO
 *   The end of the input is a card gone (-ENODEV), which ends the exchange.
 *
 * Every block the engine sends must itself be a well-formed T=1 block.
 */
#include <linux/scard.h>
#include <linux/scard_t1.h>

#include "fuzz.h"

struct fuzz_t1_card {
	struct fuzz_in in;
	bool crc;
};

static size_t fuzz_t1_edc(u8 *blk, size_t len, bool crc, bool wrong)
{
	if (crc) {
		u16 v = scard_t1_crc(blk, len);

		blk[len++] = v >> 8;
		blk[len++] = v;
	} else {
		u8 lrc = scard_t1_lrc(blk, len);

		blk[len++] = lrc;
	}
	if (wrong)
		blk[len - 1] ^= 0x80;
	return len;
}

static int fuzz_t1_block(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			 size_t rx_size, size_t *rx_len,
			 unsigned int timeout_ms)
{
	static const int errs[] = {
		-ETIMEDOUT, -EBADMSG, -EPROTO, -EOVERFLOW, -EIO,
	};
	struct fuzz_t1_card *card = ctx;
	u8 blk[SCARD_T1_PROLOGUE + 255 + SCARD_T1_MAX_EDC];
	size_t len;
	u8 c;

	(void)timeout_ms;
	FUZZ_CHECK(tx_len <= SCARD_T1_MAX_BLOCK);
	FUZZ_CHECK(!scard_t1_parse_block(tx, tx_len, card->crc, NULL, NULL,
					 NULL, NULL));
	FUZZ_CHECK(rx_size >= SCARD_T1_MAX_BLOCK);
	fuzz_touch(tx, tx_len);

	if (!card->in.left)
		return -ENODEV;
	c = fuzz_u8(&card->in);
	if (c >= 0xfb)
		return errs[c - 0xfb];
	if (c == 0xfa) {
		memset(rx, 0, rx_size);
		*rx_len = rx_size + 1;
		return 0;
	}
	if (c >= 0x80) {
		len = fuzz_take(&card->in, blk, c - 0x80);
	} else {
		len = fuzz_take(&card->in, blk, SCARD_T1_PROLOGUE);
		if (len == SCARD_T1_PROLOGUE) {
			blk[2] = fuzz_take(&card->in, blk + len, blk[2]);
			len += blk[2];
		}
		len = fuzz_t1_edc(blk, len, card->crc, c & 1);
	}
	if (len > rx_size)
		return -EOVERFLOW;	/* as the block function must */
	memcpy(rx, blk, len);
	*rx_len = len;
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_params p = { .protocol = SCARD_PROTOCOL_T1 };
	struct fuzz_t1_card card;
	struct scard_t1 t1 = { };
	size_t apdu_len, resp_size, resp_len;
	unsigned int n, i;
	u8 *apdu, *resp;
	u8 flags;
	int ret;

	scard_t1_parse_block(data, size, false, NULL, NULL, NULL, NULL);
	scard_t1_parse_block(data, size, true, NULL, NULL, NULL, NULL);

	fuzz_in_init(&card.in, data, size);
	flags = fuzz_u8(&card.in);
	p.ifsc = fuzz_u8(&card.in);
	p.ifsd = fuzz_u8(&card.in);
	p.edc_crc = flags & 1;
	card.crc = p.edc_crc;
	scard_t1_init(&t1, &p, 1000, flags & 2);
	t1.nad = fuzz_u8(&card.in);
	apdu_len = fuzz_u8(&card.in);
	apdu_len |= fuzz_u8(&card.in) << 8;
	apdu_len = apdu_len ? apdu_len : 1;
	resp_size = fuzz_resp_size(fuzz_u8(&card.in));
	n = 1 + ((flags >> 2) & 3);

	apdu = calloc(1, apdu_len);
	resp = malloc(resp_size);
	if (!apdu || !resp)
		abort();
	for (i = 0; i < n && card.in.left; i++) {
		resp_len = 12345;
		ret = scard_t1_transceive(&t1, fuzz_t1_block, &card, apdu,
					  apdu_len, resp, resp_size,
					  &resp_len);
		fuzz_check_resp_len(ret, resp_len, resp_size);
		FUZZ_CHECK(t1.ifsc >= 1 && t1.ifsc <= SCARD_T1_MAX_INF);
		FUZZ_CHECK(t1.ns <= 1 && t1.nr <= 1);
	}
	free(resp);
	free(apdu);
	return 0;
}
