// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the ISO/IEC 7816-3 clause 11 T=1 block transmission protocol.
 *
 * scard_t1_transceive() carries one APDU to the card and its response back
 * in blocks, NAD PCB LEN [INF] EDC, which it hands one at a time to a block
 * function of the caller. What it does, following clause 11 and what the
 * Windows smart card library is seen to do:
 *
 * - Before the first I-block after scard_t1_init() it sends S(IFS request)
 *   carrying IFSD, unless suppressed (SCARD_ATTR_SUPRESS_T1_IFS_REQUEST).
 *   The card must answer S(IFS response) with the same value; an I-block
 *   instead ends the exchange with -EPROTO (as Windows does), anything else
 *   is an invalid block (so a response with another value is refused, where
 *   Windows would take it).
 * - The APDU goes out in I-blocks of at most IFSC bytes, N(S) toggling with
 *   every block and across APDUs, M set on all but the last. Each chained
 *   block waits for the card's R-block asking for the next one; an R-block
 *   asking for the same block again gets it again.
 * - Each card I-block with M set is acknowledged with R(N(R)) and its data
 *   appended. A response larger than @resp_size is still received to its
 *   end: -EOVERFLOW, with the size needed in *@resp_len.
 * - Card S(WTX request) is answered with the same value and the next wait
 *   is BWT times that value. Card S(IFS request) with 1..254 is answered
 *   and becomes IFSC. Card S(ABORT request) is answered with S(ABORT
 *   response), the card's next block is read and ignored, and the exchange
 *   ends with -ECANCELED. S(VPP error) ends it with -EIO.
 * - A block received with a bad EDC (or parity errors reported by the block
 *   function, -EBADMSG) is answered with R(N(R)) carrying error 1. A block
 *   that is too short, has the wrong length, an RFU PCB, LEN over IFSD, an
 *   unexpected N(S) or N(R), an unsolicited S(response), or an S-block
 *   with a bad INF, and no block at all within the waiting time
 *   (-ETIMEDOUT from the block function, clause 11.6.3.2), are answered
 *   with R(N(R)) carrying error 2. While an S(request) of ours is waiting
 *   for its response the request itself is sent again instead. An R-block
 *   from the card asking for our last I-block, or arriving when we expect
 *   an I-block, gets our last block again.
 * - One block is sent again at most SCARD_T1_MAX_RETRIES times; the next
 *   error starts resynchronisation: S(RESYNCH request), up to
 *   SCARD_T1_MAX_RESYNCHS times in one exchange. When S(RESYNCH response)
 *   comes, N(S) and N(R) restart at 0 and the APDU is sent again from its
 *   first block (IFSC and IFSD stay: Windows does not send S(IFS) again
 *   either). When none comes, the exchange ends with -EPROTO and the state
 *   is marked broken: every further exchange returns -EPROTO at once until
 *   scard_t1_init() is called after a reset.
 * - Every exchange is bounded: at most SCARD_T1_MAX_BLOCKS blocks and
 *   SCARD_T1_MAX_WTX S(WTX request) blocks in a row; past either, -EPROTO.
 * - Our blocks carry t1->nad; the card's NAD is not checked. The EDC is an
 *   LRC, or with t1->edc_crc a CRC computed as the Windows library does
 *   (see scard_t1_crc()).
 * - Other errors of the block function are returned at once. They cut
 *   the exchange wherever it was (a fatal signal, close(), the card
 *   pulled), so the next exchange starts with resynchronisation: the card
 *   may still be waiting for a block of the one cut off.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/scard.h>
#include <linux/scard_t1.h>

/* Enough for an extended APDU and response over IFS 1, with errors. */
#define SCARD_T1_MAX_BLOCKS	(2 * SCARD_MAX_APDU + 1024)
/* S(WTX request) blocks in a row without progress. */
#define SCARD_T1_MAX_WTX	1024

#define SCARD_T1_S_REQ(type)	(SCARD_T1_S_BLOCK | (type))
#define SCARD_T1_S_RESP(type)	(SCARD_T1_S_BLOCK | SCARD_T1_S_RESPONSE | \
				 (type))

/* What a received block asks for, besides a negative errno. */
enum scard_t1_next {
	SCARD_T1_CONTINUE,	/* send x->tx */
	SCARD_T1_DONE,		/* the response is complete */
	SCARD_T1_BAD_EDC,	/* recover: R-block with error 1 */
	SCARD_T1_BAD_BLOCK,	/* recover: R-block with error 2 */
	SCARD_T1_RESEND,	/* the card asks for our last block again */
	SCARD_T1_ABORT,		/* the card aborts the exchange */
};

struct scard_t1_xchg {
	struct scard_t1 *t1;
	scard_t1_block_fn xfer;
	void *ctx;
	const u8 *apdu;
	size_t apdu_len;
	size_t pos;		/* APDU bytes the card has acknowledged */
	size_t chunk;		/* APDU bytes in our last I-block */
	bool i_pending;		/* our last I-block is not acknowledged yet */
	bool i_more;		/* and it has M set */
	u8 s_req;		/* S(request) PCB waiting for its response */
	u8 *resp;
	size_t resp_size;
	size_t resp_len;	/* response bytes received, stored or not */
	unsigned int tries;	/* blocks sent again since the last progress */
	unsigned int resynchs;	/* S(RESYNCH request) sent in this exchange */
	unsigned int wtx_run;	/* S(WTX request) in a row */
	unsigned int blocks;	/* blocks sent by the main loop */
	unsigned int wtx_mult;	/* multiplier of the next wait, 0 if none */
	size_t tx_len;
	size_t i_len;
	size_t rx_len;
	u8 tx[SCARD_T1_MAX_BLOCK];	/* the block to send next */
	u8 iblk[SCARD_T1_MAX_BLOCK];	/* our last I-block */
	u8 rx[SCARD_T1_MAX_BLOCK];
};

/**
 * scard_t1_lrc() - longitudinal redundancy check of a T=1 block
 * @buf: the bytes, prologue and information field
 * @len: number of bytes
 *
 * Return: the exclusive-or of all bytes.
 */
u8 scard_t1_lrc(const u8 *buf, size_t len)
{
	u8 lrc = 0;

	while (len--)
		lrc ^= *buf++;
	return lrc;
}
EXPORT_SYMBOL_GPL(scard_t1_lrc);

/**
 * scard_t1_crc() - cyclic redundancy check of a T=1 block
 * @buf: the bytes, prologue and information field
 * @len: number of bytes
 *
 * The CRC the Windows library uses (winsmcrd.md 4.8 item 9): CRC-16 with
 * the reflected polynomial 0xA001 (x^16 + x^15 + x^2 + 1), initial value 0,
 * no final exclusive-or, sent high byte first. 00 C1 01 FE gives 0xECD1,
 * sent as EC D1.
 *
 * Return: the CRC.
 */
u16 scard_t1_crc(const u8 *buf, size_t len)
{
	u16 crc = 0;
	int bit;

	while (len--) {
		crc ^= *buf++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xa001 : crc >> 1;
	}
	return crc;
}
EXPORT_SYMBOL_GPL(scard_t1_crc);

/**
 * scard_t1_build_block() - build a T=1 block
 * @buf: where to build it
 * @size: size of @buf
 * @nad: node address byte
 * @pcb: protocol control byte
 * @inf: information field (may be NULL when @inf_len is 0; may overlap
 *	@buf)
 * @inf_len: length of the information field, 0..254
 * @crc: append a CRC (two bytes) rather than an LRC
 *
 * Return: the length of the block, -EINVAL for a bad argument or
 * -EOVERFLOW when @size is too small.
 */
int scard_t1_build_block(u8 *buf, size_t size, u8 nad, u8 pcb,
			 const u8 *inf, size_t inf_len, bool crc)
{
	size_t body = SCARD_T1_PROLOGUE + inf_len;
	size_t len = body + (crc ? 2 : 1);

	if (!buf || inf_len > SCARD_T1_MAX_INF || (inf_len && !inf))
		return -EINVAL;
	if (size < len)
		return -EOVERFLOW;
	if (inf_len)
		memmove(buf + SCARD_T1_PROLOGUE, inf, inf_len);
	buf[0] = nad;
	buf[1] = pcb;
	buf[2] = inf_len;
	if (crc) {
		u16 v = scard_t1_crc(buf, body);

		buf[body] = v >> 8;
		buf[body + 1] = v & 0xff;
	} else {
		buf[body] = scard_t1_lrc(buf, body);
	}
	return len;
}
EXPORT_SYMBOL_GPL(scard_t1_build_block);

/**
 * scard_t1_parse_block() - check a received T=1 block and split it
 * @buf: the block
 * @len: number of bytes received
 * @crc: the epilogue is a CRC (two bytes) rather than an LRC
 * @nad: set to the NAD byte (may be NULL)
 * @pcb: set to the PCB (may be NULL)
 * @inf: set to the information field within @buf (may be NULL)
 * @inf_len: set to its length (may be NULL)
 *
 * The EDC is checked over the bytes received before the length, so that a
 * block whose LEN byte was corrupted on the way counts as an EDC error.
 * The PCB itself is not checked here.
 *
 * Return: 0; -EBADMSG when the EDC is wrong; -EPROTO when the block is too
 * short to hold a prologue and an EDC, when LEN is 0xFF or when LEN does
 * not match the bytes received.
 */
int scard_t1_parse_block(const u8 *buf, size_t len, bool crc, u8 *nad,
			 u8 *pcb, const u8 **inf, size_t *inf_len)
{
	size_t edc = crc ? 2 : 1;
	size_t body;

	if (!buf || len < SCARD_T1_PROLOGUE + edc)
		return -EPROTO;
	body = len - edc;
	if (crc) {
		if (scard_t1_crc(buf, body) != (buf[body] << 8 | buf[body + 1]))
			return -EBADMSG;
	} else if (scard_t1_lrc(buf, body) != buf[body]) {
		return -EBADMSG;
	}
	if (buf[2] > SCARD_T1_MAX_INF || body != SCARD_T1_PROLOGUE + buf[2])
		return -EPROTO;
	if (nad)
		*nad = buf[0];
	if (pcb)
		*pcb = buf[1];
	if (inf)
		*inf = buf + SCARD_T1_PROLOGUE;
	if (inf_len)
		*inf_len = buf[2];
	return 0;
}
EXPORT_SYMBOL_GPL(scard_t1_parse_block);

/**
 * scard_t1_init() - start the T=1 protocol afresh
 * @t1: the state
 * @p: the protocol parameters selected (IFSC, IFSD, EDC); NULL for the
 *	defaults
 * @bwt_ms: block waiting time in milliseconds (0: the block function's
 *	default)
 * @suppress_ifs: do not send S(IFS request) before the first I-block
 *
 * Call after the card's reset and the protocol selection. IFSC and IFSD
 * outside 1..254 become 32. N(S) and N(R) restart at 0, the NAD is 0 (set
 * @t1->nad afterwards to use another) and the broken mark is cleared. The
 * statistics are left alone.
 */
void scard_t1_init(struct scard_t1 *t1, const struct scard_params *p,
		   unsigned int bwt_ms, bool suppress_ifs)
{
	u8 ifsc = p ? p->ifsc : 0;
	u8 ifsd = p ? p->ifsd : 0;

	t1->ns = 0;
	t1->nr = 0;
	t1->ifsc = ifsc && ifsc <= SCARD_T1_MAX_INF ? ifsc :
		   SCARD_T1_IFS_DEFAULT;
	t1->ifsd = ifsd && ifsd <= SCARD_T1_MAX_INF ? ifsd :
		   SCARD_T1_IFS_DEFAULT;
	t1->max_inf = SCARD_T1_MAX_INF;
	t1->nad = 0;
	t1->edc_crc = p ? p->edc_crc : false;
	t1->ifs_pending = !suppress_ifs;
	t1->broken = false;
	t1->resynch_first = false;
	t1->bwt_ms = bwt_ms;
}
EXPORT_SYMBOL_GPL(scard_t1_init);

static void scard_t1_set_tx(struct scard_t1_xchg *x, u8 pcb, const u8 *inf,
			    size_t inf_len)
{
	x->tx_len = scard_t1_build_block(x->tx, sizeof(x->tx), x->t1->nad, pcb,
					 inf, inf_len, x->t1->edc_crc);
}

/* The next I-block of the APDU, from x->pos. */
static void scard_t1_set_i(struct scard_t1_xchg *x)
{
	struct scard_t1 *t1 = x->t1;
	u8 pcb = SCARD_T1_I_BLOCK;

	x->chunk = min_t(size_t, min(t1->ifsc, t1->max_inf ?: SCARD_T1_MAX_INF),
			 x->apdu_len - x->pos);
	x->i_more = x->pos + x->chunk < x->apdu_len;
	if (t1->ns)
		pcb |= SCARD_T1_I_NS;
	if (x->i_more)
		pcb |= SCARD_T1_I_MORE;
	scard_t1_set_tx(x, pcb, x->apdu + x->pos, x->chunk);
	memcpy(x->iblk, x->tx, x->tx_len);
	x->i_len = x->tx_len;
	x->i_pending = true;
}

static void scard_t1_set_r(struct scard_t1_xchg *x, u8 error)
{
	u8 pcb = SCARD_T1_R_BLOCK | error;

	if (x->t1->nr)
		pcb |= SCARD_T1_R_NR;
	scard_t1_set_tx(x, pcb, NULL, 0);
}

/* (Re)start the APDU: S(IFS request) if still due, else its first block. */
static void scard_t1_xchg_start(struct scard_t1_xchg *x)
{
	struct scard_t1 *t1 = x->t1;

	x->pos = 0;
	x->resp_len = 0;
	x->tries = 0;
	x->wtx_run = 0;
	x->wtx_mult = 0;
	x->i_pending = false;
	x->s_req = 0;
	if (t1->ifs_pending) {
		x->s_req = SCARD_T1_S_REQ(SCARD_T1_S_IFS);
		scard_t1_set_tx(x, x->s_req, &t1->ifsd, 1);
	} else {
		scard_t1_set_i(x);
	}
}

/* Send x->tx and receive the card's block into x->rx. */
static int scard_t1_exchange(struct scard_t1_xchg *x)
{
	unsigned int timeout = x->t1->bwt_ms;
	int ret;

	if (x->wtx_mult)
		timeout = min_t(u64, (u64)timeout * x->wtx_mult, UINT_MAX);
	x->wtx_mult = 0;
	x->rx_len = 0;
	ret = x->xfer(x->ctx, x->tx, x->tx_len, x->rx, sizeof(x->rx),
		      &x->rx_len, timeout);
	if (!ret && x->rx_len > sizeof(x->rx))
		ret = -EOVERFLOW;
	return ret;
}

/* What a failed exchange means: a recovery step, or the end. */
static int scard_t1_xfer_error(struct scard_t1_xchg *x, int ret)
{
	switch (ret) {
	case -EBADMSG:
		return SCARD_T1_BAD_EDC;
	case -ETIMEDOUT:
	case -EPROTO:
	case -EOVERFLOW:
		return SCARD_T1_BAD_BLOCK;
	default:
		/* The exchange ends here, the card maybe halfway through. */
		x->t1->resynch_first = true;
		return ret;
	}
}

static int scard_t1_rx_i(struct scard_t1_xchg *x, u8 pcb, const u8 *inf,
			 size_t len)
{
	struct scard_t1 *t1 = x->t1;

	if (x->s_req)
		return -EPROTO;	/* I-block instead of S(IFS response) */
	if ((pcb & ~(SCARD_T1_I_NS | SCARD_T1_I_MORE)) || len > t1->ifsd ||
	    !!(pcb & SCARD_T1_I_NS) != t1->nr)
		return SCARD_T1_BAD_BLOCK;
	if (x->i_pending) {
		/* Our last block must be acknowledged by an R-block. */
		if (x->i_more)
			return SCARD_T1_BAD_BLOCK;
		x->i_pending = false;
		x->pos += x->chunk;
		t1->ns ^= 1;
	}
	if (x->resp_len + len <= x->resp_size)
		memcpy(x->resp + x->resp_len, inf, len);
	x->resp_len += len;
	t1->nr ^= 1;
	x->tries = 0;
	x->wtx_run = 0;
	if (!(pcb & SCARD_T1_I_MORE))
		return SCARD_T1_DONE;
	scard_t1_set_r(x, 0);
	return SCARD_T1_CONTINUE;
}

static int scard_t1_rx_r(struct scard_t1_xchg *x, u8 pcb, size_t len)
{
	struct scard_t1 *t1 = x->t1;
	u8 nr = !!(pcb & SCARD_T1_R_NR);

	if (len || (pcb & 0x20) || (pcb & 0x0f) > SCARD_T1_R_OTHER_ERROR ||
	    x->s_req)
		return SCARD_T1_BAD_BLOCK;
	if (!x->i_pending)
		return SCARD_T1_RESEND;	/* the card missed our last block */
	if (nr == t1->ns)
		return SCARD_T1_RESEND;	/* it asks for our I-block again */
	if (!x->i_more)
		return SCARD_T1_BAD_BLOCK;	/* we expect its I-block */
	/* The next chained block, please. */
	x->pos += x->chunk;
	t1->ns ^= 1;
	x->tries = 0;
	x->wtx_run = 0;
	scard_t1_set_i(x);
	return SCARD_T1_CONTINUE;
}

static int scard_t1_rx_s(struct scard_t1_xchg *x, u8 pcb, const u8 *inf,
			 size_t len)
{
	struct scard_t1 *t1 = x->t1;

	if (pcb == SCARD_T1_S_RESP(SCARD_T1_S_VPP_ERROR))
		return -EIO;
	if (x->s_req) {
		/* Only S(IFS request) is answered here: IFSD echoed. */
		if (pcb != (x->s_req | SCARD_T1_S_RESPONSE) || len != 1 ||
		    inf[0] != t1->ifsd)
			return SCARD_T1_BAD_BLOCK;
		t1->ifs_pending = false;
		x->s_req = 0;
		x->tries = 0;
		scard_t1_set_i(x);
		return SCARD_T1_CONTINUE;
	}
	switch (pcb) {
	case SCARD_T1_S_REQ(SCARD_T1_S_WTX):
		if (len != 1 || !inf[0])
			return SCARD_T1_BAD_BLOCK;
		if (++x->wtx_run > SCARD_T1_MAX_WTX)
			return -EPROTO;
		t1->wtx++;
		scard_t1_set_tx(x, SCARD_T1_S_RESP(SCARD_T1_S_WTX), inf, 1);
		x->wtx_mult = inf[0];
		return SCARD_T1_CONTINUE;
	case SCARD_T1_S_REQ(SCARD_T1_S_IFS):
		if (len != 1 || !inf[0] || inf[0] > SCARD_T1_MAX_INF)
			return SCARD_T1_BAD_BLOCK;
		t1->ifsc = inf[0];
		scard_t1_set_tx(x, SCARD_T1_S_RESP(SCARD_T1_S_IFS), inf, 1);
		return SCARD_T1_CONTINUE;
	case SCARD_T1_S_REQ(SCARD_T1_S_ABORT):
		return SCARD_T1_ABORT;
	default:
		/* Unsolicited responses, S(RESYNCH request), RFU types. */
		return SCARD_T1_BAD_BLOCK;
	}
}

/* Check the block in x->rx and act on it. */
static int scard_t1_receive(struct scard_t1_xchg *x)
{
	const u8 *inf;
	size_t len;
	u8 pcb;
	int ret;

	ret = scard_t1_parse_block(x->rx, x->rx_len, x->t1->edc_crc, NULL,
				   &pcb, &inf, &len);
	if (ret == -EBADMSG)
		return SCARD_T1_BAD_EDC;
	if (ret)
		return SCARD_T1_BAD_BLOCK;
	if (!(pcb & SCARD_T1_R_BLOCK))
		return scard_t1_rx_i(x, pcb, inf, len);
	if ((pcb & SCARD_T1_S_BLOCK) == SCARD_T1_R_BLOCK)
		return scard_t1_rx_r(x, pcb, len);
	return scard_t1_rx_s(x, pcb, inf, len);
}

/*
 * S(RESYNCH request) until the card answers or the attempts run out; on
 * success the APDU starts again.
 */
static int scard_t1_resynch(struct scard_t1_xchg *x)
{
	struct scard_t1 *t1 = x->t1;
	u8 pcb;
	size_t len;
	int ret;

	while (x->resynchs < SCARD_T1_MAX_RESYNCHS) {
		x->resynchs++;
		t1->resynchs++;
		scard_t1_set_tx(x, SCARD_T1_S_REQ(SCARD_T1_S_RESYNCH), NULL, 0);
		ret = scard_t1_exchange(x);
		if (!ret) {
			ret = scard_t1_parse_block(x->rx, x->rx_len,
						   t1->edc_crc, NULL, &pcb,
						   NULL, &len);
			if (!ret && !len &&
			    pcb == SCARD_T1_S_RESP(SCARD_T1_S_RESYNCH)) {
				t1->ns = 0;
				t1->nr = 0;
				scard_t1_xchg_start(x);
				return 0;
			}
		} else if (scard_t1_xfer_error(x, ret) < 0) {
			return ret;
		}
		t1->errors++;
	}
	t1->broken = true;
	return -EPROTO;
}

/* Recover from an error: send a block again, or resynchronise. */
static int scard_t1_recover(struct scard_t1_xchg *x, int what)
{
	struct scard_t1 *t1 = x->t1;

	t1->errors++;
	if (x->tries >= SCARD_T1_MAX_RETRIES)
		return scard_t1_resynch(x);
	x->tries++;
	t1->retransmissions++;
	if (what == SCARD_T1_RESEND) {
		if (x->i_pending) {
			memcpy(x->tx, x->iblk, x->i_len);
			x->tx_len = x->i_len;
		}
		/* else x->tx still holds our last block */
	} else if (!x->s_req) {
		scard_t1_set_r(x, what == SCARD_T1_BAD_EDC ?
				  SCARD_T1_R_EDC_ERROR :
				  SCARD_T1_R_OTHER_ERROR);
	}
	/* else x->tx still holds the S(request) */
	return 0;
}

static int scard_t1_run(struct scard_t1_xchg *x)
{
	int ret;

	scard_t1_xchg_start(x);
	if (x->t1->resynch_first) {
		ret = scard_t1_resynch(x);
		if (ret)
			return ret;
		x->t1->resynch_first = false;
	}
	for (;;) {
		if (++x->blocks > SCARD_T1_MAX_BLOCKS)
			return -EPROTO;
		ret = scard_t1_exchange(x);
		if (ret)
			ret = scard_t1_xfer_error(x, ret);
		else
			ret = scard_t1_receive(x);
		if (ret < 0)
			return ret;
		switch (ret) {
		case SCARD_T1_CONTINUE:
			break;
		case SCARD_T1_DONE:
			return x->resp_len > x->resp_size ? -EOVERFLOW : 0;
		case SCARD_T1_ABORT:
			scard_t1_set_tx(x, SCARD_T1_S_RESP(SCARD_T1_S_ABORT),
					NULL, 0);
			ret = scard_t1_exchange(x);
			if (ret && scard_t1_xfer_error(x, ret) < 0)
				return ret;
			return -ECANCELED;
		default:
			ret = scard_t1_recover(x, ret);
			if (ret)
				return ret;
			break;
		}
	}
}

/* A new exchange on @t1, its blocks through @xfer(@ctx), for @apdu. */
static struct scard_t1_xchg *scard_t1_xchg_alloc(struct scard_t1 *t1,
						 scard_t1_block_fn xfer,
						 void *ctx, const u8 *apdu)
{
	struct scard_t1_xchg *x = kzalloc(sizeof(*x), GFP_KERNEL);

	if (x) {
		x->t1 = t1;
		x->xfer = xfer;
		x->ctx = ctx;
		x->apdu = apdu;
	}
	return x;
}

/**
 * scard_t1_prepare() - bring the T=1 state in step for a block sent elsewhere
 * @t1: the T=1 state
 * @xfer: the block function
 * @ctx: its context
 *
 * For an I-block the engine does not send itself (a PIN pad reader's
 * PC_to_RDR_Secure at the TPDU level carries one): the resynchronisation
 * an earlier exchange left owed is done first, so that N(S) is what the
 * card expects.
 *
 * Context: process; sleeps in @xfer.
 * Return: 0; -EPROTO when the state is broken or cannot be resynchronised;
 * -ENOMEM; or the block function's errno.
 */
int scard_t1_prepare(struct scard_t1 *t1, scard_t1_block_fn xfer, void *ctx)
{
	static const u8 none;
	struct scard_t1_xchg *x;
	int ret;

	if (t1->broken)
		return -EPROTO;
	if (!t1->resynch_first)
		return 0;
	x = scard_t1_xchg_alloc(t1, xfer, ctx, &none);
	if (!x)
		return -ENOMEM;
	ret = scard_t1_resynch(x);
	if (!ret)
		t1->resynch_first = false;
	kfree(x);
	return ret;
}
EXPORT_SYMBOL_GPL(scard_t1_prepare);

/**
 * scard_t1_transceive() - exchange one APDU with a T=1 card
 * @t1: the reader's T=1 state, set up by scard_t1_init()
 * @xfer: the block function
 * @ctx: passed to @xfer
 * @apdu: the command APDU
 * @apdu_len: its length, 1..SCARD_MAX_APDU
 * @resp: buffer for the response APDU (data and SW1 SW2)
 * @resp_size: size of @resp
 * @resp_len: set to the response length
 *
 * Runs the exchange as described at the top of this file. The
 * caller serializes exchanges on one @t1. May sleep (one allocation of a
 * few hundred bytes per call, and whatever @xfer does).
 *
 * Return: 0; -EOVERFLOW when the response exceeds @resp_size (*@resp_len
 * is then the size needed; the response is lost); -EPROTO when the card
 * broke the protocol beyond recovery, or @t1 is marked broken; -ECANCELED
 * when the card aborted; -EIO on S(VPP error); -EINVAL for bad arguments;
 * -ENOMEM; or the error of @xfer. *@resp_len is 0 on every error but
 * -EOVERFLOW.
 */
int scard_t1_transceive(struct scard_t1 *t1, scard_t1_block_fn xfer,
			void *ctx, const u8 *apdu, size_t apdu_len, u8 *resp,
			size_t resp_size, size_t *resp_len)
{
	struct scard_t1_xchg *x;
	int ret;

	if (resp_len)
		*resp_len = 0;
	if (!t1 || !xfer || !apdu || !apdu_len || apdu_len > SCARD_MAX_APDU ||
	    (!resp && resp_size) || !resp_len)
		return -EINVAL;
	if (t1->broken)
		return -EPROTO;

	x = scard_t1_xchg_alloc(t1, xfer, ctx, apdu);
	if (!x)
		return -ENOMEM;
	x->apdu_len = apdu_len;
	x->resp = resp;
	x->resp_size = resp_size;

	ret = scard_t1_run(x);
	if (!ret || ret == -EOVERFLOW)
		*resp_len = x->resp_len;
	kfree(x);
	return ret;
}
EXPORT_SYMBOL_GPL(scard_t1_transceive);
