// SPDX-License-Identifier: GPL-2.0
/*
 * scard: T=0 transport of short APDUs over a TPDU-level reader.
 *
 * ISO/IEC 7816-3 clause 12.2 maps command-response pairs onto T=0 TPDUs,
 * CLA INS P1 P2 P3 [data], each answered by [data] SW1 SW2. What
 * scard_t0_transmit() does, case by case:
 *
 * - Case 1 (CLA INS P1 P2): sent with P3 = 00. The reply is passed up.
 * - Case 2S (... Le): sent as is, P3 = Le (00 asks for 256 bytes). If the
 *   reply is exactly 6C xx, the command is sent once more with P3 = xx and
 *   that second reply is passed up whatever it is. The data the card returns
 *   then is passed up in full even when xx exceeds Le. A 61 xx reply is
 *   passed up unchanged.
 * - Case 3S (... Lc data): sent as is; the reply, 61 xx included, is passed
 *   up unchanged (the caller decides whether it wants the data).
 * - Case 4S (... Lc data Le): sent as a case 3 TPDU (Le dropped). While the
 *   last reply ends in 61 xx and fewer than Ne bytes were received, GET
 *   RESPONSE (CLA of the command, INS C0, P1 P2 00 00, P3 = min(xx, Ne
 *   minus the bytes received), xx = 00 meaning 256) is sent and its data
 *   appended. A GET RESPONSE answered with exactly 6C xx is sent again with
 *   P3 = xx. The final status word, which may still be 61 xx when Ne bytes
 *   have arrived, ends the response. Any other status of the case 3 TPDU
 *   (90 00, warnings, errors) is passed up as it is: no GET RESPONSE is
 *   attempted without a 61 xx from the card. This departs from ISO/IEC
 *   7816-3 case 4S.2, where 90 00 would be followed by GET RESPONSE with
 *   P3 = Le: cards that have no data answer that GET RESPONSE with an
 *   error, which would turn a success into a failure. (The Windows
 *   library leaves every GET RESPONSE to the caller.)
 * - Extended APDUs (cases 2E, 3E, 4E) would need ENVELOPE and are refused
 *   with -EINVAL, as are byte strings that are no APDU at all.
 *
 * Limits: at most SCARD_T0_MAX_EXCHANGES TPDUs per APDU; a card that keeps
 * asking for more gets -EPROTO. A reply shorter than the two status bytes,
 * or a GET RESPONSE reply carrying more data than P3 asked for, is a
 * protocol error, -EPROTO. The exchange function receives a reply buffer
 * of SCARD_MAX_SHORT_RESP bytes on the stack (drivers copy into it, they
 * must not hand it to DMA); a longer reply, which its -EOVERFLOW reports,
 * is a protocol error too, -EPROTO, so that -EOVERFLOW from this function
 * always means that @resp is too small. Other errors of the exchange
 * function are returned as they are.
 *
 * The response (data then SW1 SW2) goes to @resp. When it does not fit, the
 * exchange still runs to its end so that the size needed is known: it is
 * stored in *@resp_len and -EOVERFLOW is returned; the response itself is
 * lost, as the caller would have to send the command again anyway.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/scard.h>

#define SCARD_T0_HDR		5
#define SCARD_T0_INS_GET_RESPONSE 0xc0
#define SCARD_T0_SW1_MORE	0x61
#define SCARD_T0_SW1_WRONG_LE	0x6c
/* 256 single-byte GET RESPONSEs, each possibly corrected once by 6C xx. */
#define SCARD_T0_MAX_EXCHANGES	(2 * 256 + 2)

struct scard_t0_ctx {
	struct scard_reader *rdr;
	scard_xfr_fn xfr;
	u8 rx[SCARD_MAX_SHORT_RESP];
	size_t rx_len;
	unsigned int exchanges;
	u8 *resp;
	size_t resp_size;
	size_t out;		/* response bytes produced, stored or not */
};

/* Send one TPDU; on success ctx->rx holds at least SW1 SW2. */
static int scard_t0_xfr(struct scard_t0_ctx *ctx, const u8 *tpdu, size_t len)
{
	int ret;

	if (ctx->exchanges++ >= SCARD_T0_MAX_EXCHANGES)
		return -EPROTO;
	ctx->rx_len = 0;
	ret = ctx->xfr(ctx->rdr, tpdu, len, ctx->rx, sizeof(ctx->rx),
		       &ctx->rx_len);
	/* No T=0 reply is longer than ctx->rx: the card broke the protocol. */
	if (ret == -EOVERFLOW)
		return -EPROTO;
	if (ret)
		return ret;
	if (ctx->rx_len < 2 || ctx->rx_len > sizeof(ctx->rx))
		return -EPROTO;
	return 0;
}

static u8 scard_t0_sw1(const struct scard_t0_ctx *ctx)
{
	return ctx->rx[ctx->rx_len - 2];
}

static u8 scard_t0_sw2(const struct scard_t0_ctx *ctx)
{
	return ctx->rx[ctx->rx_len - 1];
}

/* Is the last reply exactly SW1 xx, with no data? */
static bool scard_t0_bare_sw1(const struct scard_t0_ctx *ctx, u8 sw1)
{
	return ctx->rx_len == 2 && ctx->rx[0] == sw1;
}

/* Append @len bytes to the response, or only count them once it is full. */
static void scard_t0_put(struct scard_t0_ctx *ctx, const u8 *p, size_t len)
{
	if (ctx->out + len <= ctx->resp_size)
		memcpy(ctx->resp + ctx->out, p, len);
	else
		ctx->resp_size = 0;	/* overflowed: stop storing */
	ctx->out += len;
}

/* Case 4S after the case 3 TPDU: GET RESPONSE while the card says 61 xx. */
static int scard_t0_get_response(struct scard_t0_ctx *ctx, u8 cla, u32 ne)
{
	u8 tpdu[SCARD_T0_HDR] = { cla, SCARD_T0_INS_GET_RESPONSE, 0, 0, 0 };
	u32 got = 0;
	size_t data;
	int ret;

	while (scard_t0_sw1(ctx) == SCARD_T0_SW1_MORE && got < ne) {
		u32 avail = scard_t0_sw2(ctx) ? scard_t0_sw2(ctx) : 256;

		/* P3 = 00 asks for 256 bytes: u8 truncation does that. */
		tpdu[4] = (u8)min(avail, ne - got);
		ret = scard_t0_xfr(ctx, tpdu, sizeof(tpdu));
		if (ret)
			return ret;
		if (scard_t0_bare_sw1(ctx, SCARD_T0_SW1_WRONG_LE)) {
			tpdu[4] = scard_t0_sw2(ctx);
			ret = scard_t0_xfr(ctx, tpdu, sizeof(tpdu));
			if (ret)
				return ret;
		}
		data = ctx->rx_len - 2;
		if (data > (tpdu[4] ? tpdu[4] : 256))
			return -EPROTO;
		scard_t0_put(ctx, ctx->rx, data);
		got += data;
	}
	return 0;
}

/**
 * scard_t0_transmit() - exchange a short APDU with a T=0 card, TPDU level
 * @rdr: the reader, passed to @xfr only
 * @xfr: sends one TPDU and returns the card's reply (data, SW1 SW2)
 * @cmd: the command APDU
 * @cmd_len: number of bytes in @cmd
 * @resp: buffer for the response APDU (data, SW1 SW2)
 * @resp_size: size of @resp
 * @resp_len: set to the response length, or on -EOVERFLOW to the size
 *	@resp would have needed
 *
 * Maps the APDU onto T=0 TPDUs as ISO/IEC 7816-3 clause 12.2 describes,
 * handling 6C xx and, for case 4, the GET RESPONSE chain of 61 xx. The
 * comment at the top of this file details the behaviour.
 *
 * Context: process context; sleeps if @xfr does. The caller serializes
 * access to the reader.
 * Return: 0; -EINVAL for an extended or malformed APDU; -EPROTO for a reply
 * without status word, a reply too long for T=0, an oversized GET RESPONSE
 * reply or too many exchanges; -EOVERFLOW when @resp is too small; or the
 * error of @xfr.
 */
int scard_t0_transmit(struct scard_reader *rdr, scard_xfr_fn xfr,
		      const u8 *cmd, size_t cmd_len, u8 *resp,
		      size_t resp_size, size_t *resp_len)
{
	struct scard_t0_ctx ctx = {
		.rdr = rdr,
		.xfr = xfr,
		.resp = resp,
		.resp_size = resp_size,
	};
	struct scard_apdu apdu;
	u8 hdr[SCARD_T0_HDR];
	int ret;

	*resp_len = 0;
	ret = scard_apdu_parse(&apdu, cmd, cmd_len);
	if (ret)
		return ret;
	if (apdu.extended)
		return -EINVAL;

	switch (apdu.kase) {
	case 1:
		memcpy(hdr, cmd, 4);
		hdr[4] = 0;
		ret = scard_t0_xfr(&ctx, hdr, sizeof(hdr));
		break;
	case 2:
		ret = scard_t0_xfr(&ctx, cmd, SCARD_T0_HDR);
		if (!ret && scard_t0_bare_sw1(&ctx, SCARD_T0_SW1_WRONG_LE)) {
			memcpy(hdr, cmd, 4);
			hdr[4] = scard_t0_sw2(&ctx);
			ret = scard_t0_xfr(&ctx, hdr, sizeof(hdr));
		}
		break;
	case 3:
		ret = scard_t0_xfr(&ctx, cmd, cmd_len);
		break;
	case 4:
		ret = scard_t0_xfr(&ctx, cmd, cmd_len - 1);
		if (!ret && scard_t0_bare_sw1(&ctx, SCARD_T0_SW1_MORE)) {
			ret = scard_t0_get_response(&ctx, apdu.cla, apdu.le);
			if (!ret) {
				/* Only the data went out: add SW1 SW2. */
				scard_t0_put(&ctx, ctx.rx + ctx.rx_len - 2, 2);
				goto done;
			}
		}
		break;
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	scard_t0_put(&ctx, ctx.rx, ctx.rx_len);
done:
	*resp_len = ctx.out;
	return ctx.out > resp_size ? -EOVERFLOW : 0;
}
EXPORT_SYMBOL_GPL(scard_t0_transmit);
