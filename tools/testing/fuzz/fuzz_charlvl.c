// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: character-level exchanges (drivers/scard/charlvl.c) over a
 * fake reader whose recv operation returns the input byte by byte: T=0
 * procedure bytes under scard_t0_transmit(), T=1 blocks received byte by
 * byte under the T=1 engine, and the PPS exchange, with both conventions.
 *
 * Input:
 *   mode: bits 0-1 what runs:
 *	0  scard_t0_transmit() over scard_char_t0_xfr(), as the core does
 *	   for a character-level T=0 card
 *	1  scard_char_t0_xfr() alone, with the TPDU as given
 *	2  scard_t1_transceive() over scard_char_t1_block()
 *	3  scard_char_pps(), then scard_pps_check() on what came back
 *	bit 2 the inverse convention, bit 3 T=1 CRC, bit 4 no S(IFS request)
 *	bits 5-7 what the reader does once the input is used up: by default
 *	recv gets fewer bytes than asked for (a card gone mute); bit 5 recv
 *	fails, bit 6 recv claims more bytes than asked for, bit 7 send fails
 *   response size selector (see fuzz_resp_size())
 *   Fi << 4 | Di, WI, BWI << 4 | CWI, N; default clock (4 bytes, kHz)
 *   command length, command (APDU, TPDU or PPS request)
 *   then the card's bytes, to the end of the input
 *
 * The deadlines passed to recv come from timing.c, which rounds up: none
 * may be 0.
 */
#include <linux/scard.h>
#include <linux/scard_proto.h>

#include "fuzz.h"

/* What the fake reader does once the input is used up (mode bits 5-7). */
#define FUZZ_END_RECV_EIO	0x20	/* recv fails */
#define FUZZ_END_RECV_BOGUS	0x40	/* recv claims more than asked for */
#define FUZZ_END_SEND_EIO	0x80	/* send fails */

struct fuzz_char {
	struct fuzz_in in;
	u8 mode;
};

/*
 * core.c's, which is not built here: a fuzzed exchange has no fatal
 * signal and no close() to stop it.
 */
int scard_reader_check_stop(struct scard_reader *rdr __attribute__((unused)))
{
	return 0;
}

static int fuzz_char_send(struct scard_reader *rdr, const u8 *buf,
			  size_t len)
{
	struct fuzz_char *fc = scard_reader_get_drvdata(rdr);

	fuzz_touch(buf, len);
	if (!fc->in.left && (fc->mode & FUZZ_END_SEND_EIO))
		return -EIO;
	return 0;
}

static int fuzz_char_recv(struct scard_reader *rdr, u8 *buf, size_t len,
			  size_t *got, unsigned int first_us,
			  unsigned int next_us)
{
	struct fuzz_char *fc = scard_reader_get_drvdata(rdr);

	FUZZ_CHECK(first_us && next_us);
	*got = fuzz_take(&fc->in, buf, len);
	if (*got == len)
		return 0;
	if (fc->mode & FUZZ_END_RECV_EIO)
		return -EIO;
	if (fc->mode & FUZZ_END_RECV_BOGUS)
		*got = len + 1;
	return 0;
}

static const struct scard_reader_ops fuzz_char_ops = {
	.send = fuzz_char_send,
	.recv = fuzz_char_recv,
};

static void fuzz_char_t1(struct scard_reader *rdr, const u8 *apdu,
			 size_t apdu_len, u8 *resp, size_t resp_size,
			 bool suppress_ifs)
{
	size_t resp_len = 12345;
	unsigned int bwt_ms;
	int ret;

	/* BWT in whole milliseconds, as the core starts T=1 (protocol.c). */
	bwt_ms = DIV_ROUND_UP((u64)scard_t1_bwt_us(&rdr->params,
						   rdr->caps.default_clk),
			      1000);
	scard_t1_init(&rdr->t1, &rdr->params, bwt_ms, suppress_ifs);
	ret = scard_t1_transceive(&rdr->t1, scard_char_t1_block, rdr, apdu,
				  apdu_len, resp, resp_size, &resp_len);
	fuzz_check_resp_len(ret, resp_len, resp_size);
}

static void fuzz_char_pps(struct scard_reader *rdr, const u8 *req,
			  size_t req_len, u8 *resp, size_t resp_size)
{
	size_t resp_len = 12345;
	int ret;

	ret = scard_char_pps(rdr, req, req_len, resp, resp_size, &resp_len);
	FUZZ_CHECK(resp_len <= resp_size);
	if (!ret)
		scard_pps_check(req, req_len, resp, resp_len, &rdr->params);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_reader *rdr = calloc(1, sizeof(*rdr));
	struct scard_params *p;
	size_t cmd_len, resp_size, resp_len = 12345;
	struct fuzz_char fc;
	u8 *cmd, *resp;
	u8 mode, b;
	int ret;

	if (!rdr)
		abort();
	fuzz_in_init(&fc.in, data, size);
	mode = fuzz_u8(&fc.in);
	fc.mode = mode;
	resp_size = fuzz_resp_size(fuzz_u8(&fc.in));
	p = &rdr->params;
	p->protocol = (mode & 3) == 2 ? SCARD_PROTOCOL_T1 : SCARD_PROTOCOL_T0;
	p->inverse = mode & 4;
	p->edc_crc = mode & 8;
	rdr->atr.inverse = p->inverse;
	b = fuzz_u8(&fc.in);
	p->fi = b >> 4;
	p->di = b & 0x0f;
	p->wi = fuzz_u8(&fc.in);
	b = fuzz_u8(&fc.in);
	p->bwi = b >> 4;
	p->cwi = b & 0x0f;
	p->n = fuzz_u8(&fc.in);
	rdr->caps.default_clk = fuzz_u32(&fc.in);
	rdr->ops = &fuzz_char_ops;
	scard_reader_set_drvdata(rdr, &fc);
	cmd = fuzz_dup(&fc.in, fuzz_u8(&fc.in), &cmd_len);
	resp = malloc(resp_size);
	if (!resp)
		abort();

	switch (mode & 3) {
	case 0:
		ret = scard_t0_transmit(rdr, scard_char_t0_xfr, cmd, cmd_len,
					resp, resp_size, &resp_len);
		fuzz_check_resp_len(ret, resp_len, resp_size);
		break;
	case 1:
		ret = scard_char_t0_xfr(rdr, cmd, cmd_len, resp, resp_size,
					&resp_len);
		fuzz_check_resp_len(ret, resp_len, resp_size);
		if (!ret)
			FUZZ_CHECK(resp_len >= 2);
		break;
	case 2:
		fuzz_char_t1(rdr, cmd, cmd_len, resp, resp_size, mode & 0x10);
		break;
	default:
		fuzz_char_pps(rdr, cmd, cmd_len, resp, resp_size);
		break;
	}

	free(resp);
	free(cmd);
	free(rdr);
	return 0;
}
