// SPDX-License-Identifier: GPL-2.0
/*
 * scard: character-level exchanges for readers that only move bytes.
 *
 * A character-level reader (caps.level SCARD_LEVEL_CHAR) implements
 * ops->send and ops->recv and nothing of the transmission protocols. This
 * file runs over them: the PPS exchange, T=0 TPDUs with their procedure
 * bytes (ISO/IEC 7816-3 clause 10.3.3) and T=1 blocks with their character
 * and block waiting times (clause 11.4.3).
 *
 * The reader moves raw bytes: the inverse convention (clause 6.2.2) is
 * applied here, with scard_atr_inverse_byte(), in both directions, when
 * rdr->params.inverse is set (rdr->atr.inverse for the PPS exchange, which
 * comes before the parameters are in force). The guard time is the
 * reader's business (scard_guard_etu() from the parameters ops->set_params
 * receives); the timeouts passed to ops->recv come from timing.c with the
 * reader's default clock, the lowest it runs the card at, so they are
 * never too short.
 *
 * Every function here runs in process context with the reader lock and
 * ops_sem held by the core, like the reader operations it calls.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/scard_proto.h>

#define SCARD_CHAR_CHUNK	32
#define SCARD_T0_HDR		5
#define SCARD_T0_NULL		0x60
#define SCARD_T1_LEN_RFU	0xff

static int scard_char_tx(struct scard_reader *rdr, const u8 *buf, size_t len,
			 bool inverse)
{
	u8 tmp[SCARD_CHAR_CHUNK];
	size_t n, i;
	int ret;

	if (!rdr->ops->send)
		return -EOPNOTSUPP;
	if (!len)
		return 0;
	ret = scard_reader_check_stop(rdr);
	if (ret)
		return ret;
	if (!inverse) {
		ret = rdr->ops->send(rdr, buf, len);
		return ret < 0 ? ret : 0;
	}
	while (len) {
		n = min(len, sizeof(tmp));
		for (i = 0; i < n; i++)
			tmp[i] = scard_atr_inverse_byte(buf[i]);
		ret = rdr->ops->send(rdr, tmp, n);
		if (ret < 0)
			return ret;
		buf += n;
		len -= n;
	}
	return 0;
}

static int scard_char_rx(struct scard_reader *rdr, u8 *buf, size_t len,
			 unsigned int first_us, unsigned int next_us,
			 bool inverse)
{
	size_t got = 0, i;
	int ret;

	if (!rdr->ops->recv)
		return -EOPNOTSUPP;
	if (!len)
		return 0;
	ret = scard_reader_check_stop(rdr);
	if (ret)
		return ret;
	ret = rdr->ops->recv(rdr, buf, len, &got, first_us, next_us);
	if (ret < 0)
		return ret;
	if (got > len)
		return -EIO;
	if (got < len)
		return -ETIMEDOUT;
	if (inverse)
		for (i = 0; i < len; i++)
			buf[i] = scard_atr_inverse_byte(buf[i]);
	return 0;
}

/* Receive and throw away @len bytes. */
static int scard_char_drain(struct scard_reader *rdr, size_t len,
			    unsigned int first_us, unsigned int next_us)
{
	u8 tmp[SCARD_CHAR_CHUNK];
	size_t n;
	int ret;

	while (len) {
		n = min(len, sizeof(tmp));
		ret = scard_char_rx(rdr, tmp, n, first_us, next_us, false);
		if (ret)
			return ret;
		first_us = next_us;
		len -= n;
	}
	return 0;
}

/**
 * scard_char_send() - send bytes to the card through a character reader
 * @rdr: the reader; @rdr->ops->send must exist
 * @buf: the bytes, in direct convention
 * @len: number of bytes
 *
 * Converts the bytes to the inverse convention when @rdr->params.inverse
 * is set, then hands them to ops->send.
 *
 * Context: process context, reader lock and ops_sem held.
 * Return: 0, -EOPNOTSUPP when the reader has no send operation, or the
 * error ops->send returned.
 */
int scard_char_send(struct scard_reader *rdr, const u8 *buf, size_t len)
{
	return scard_char_tx(rdr, buf, len, rdr->params.inverse);
}
EXPORT_SYMBOL_GPL(scard_char_send);

/**
 * scard_char_recv() - receive bytes from the card through a character reader
 * @rdr: the reader; @rdr->ops->recv must exist
 * @buf: buffer for @len bytes, returned in direct convention
 * @len: number of bytes expected
 * @first_us: time allowed for the first byte, microseconds
 * @next_us: time allowed for each next byte, microseconds
 *
 * Receives exactly @len bytes with ops->recv and converts them from the
 * inverse convention when @rdr->params.inverse is set.
 *
 * Context: process context, reader lock and ops_sem held.
 * Return: 0, -ETIMEDOUT when a byte missed its deadline (fewer than @len
 * arrived), -EOPNOTSUPP when the reader has no recv operation, -EIO when it
 * claims more bytes than asked for, or the error ops->recv returned.
 */
int scard_char_recv(struct scard_reader *rdr, u8 *buf, size_t len,
		    unsigned int first_us, unsigned int next_us)
{
	return scard_char_rx(rdr, buf, len, first_us, next_us,
			     rdr->params.inverse);
}
EXPORT_SYMBOL_GPL(scard_char_recv);

/**
 * scard_char_pps() - run a PPS exchange through a character reader
 * @rdr: the reader, its card just reset (@rdr->atr decoded)
 * @req: the PPS request, from scard_pps_build()
 * @len: its length
 * @resp: buffer for the response; SCARD_PPS_MAX bytes are always enough
 * @resp_size: size of @resp
 * @resp_len: set to the number of response bytes received
 *
 * Sends the request, receives PPSS and PPS0, then the PPS1, PPS2 and PPS3
 * bytes PPS0 announces and PCK, each within the initial waiting time
 * (9600 etu at Fd/Dd and the reader's default clock). The convention is
 * @rdr->atr.inverse. The response is not checked beyond PPSS: pass it to
 * scard_pps_check().
 *
 * Context: process context, reader lock and ops_sem held.
 * Return: 0, -EPROTO when the first byte is not PPSS, -EOVERFLOW when
 * @resp is too small for the announced response, -ETIMEDOUT when the card
 * does not answer in time, or another error of the reader.
 */
int scard_char_pps(struct scard_reader *rdr, const u8 *req, size_t len,
		   u8 *resp, size_t resp_size, size_t *resp_len)
{
	unsigned int wt = scard_initial_wt_us(rdr->caps.default_clk);
	bool inverse = rdr->atr.inverse;
	size_t n;
	int ret;

	*resp_len = 0;
	if (!len || resp_size < 2)
		return -EINVAL;
	ret = scard_char_tx(rdr, req, len, inverse);
	if (ret)
		return ret;
	ret = scard_char_rx(rdr, resp, 2, wt, wt, inverse);
	if (ret)
		return ret;
	*resp_len = 2;
	if (resp[0] != SCARD_PPS_PPSS)
		return -EPROTO;
	n = 3 + hweight8(resp[1] & 0x70);
	if (n > resp_size)
		return -EOVERFLOW;
	ret = scard_char_rx(rdr, resp + 2, n - 2, wt, wt, inverse);
	if (ret)
		return ret;
	*resp_len = n;
	return 0;
}
EXPORT_SYMBOL_GPL(scard_char_pps);

/* State of one T=0 TPDU exchanged byte by byte. */
struct scard_char_t0 {
	struct scard_reader *rdr;
	unsigned int wt;
	u8 *rx;
	size_t rx_size;
	size_t out;		/* response bytes received, stored or not */
	bool overflow;
};

/* Receive @n response bytes into rx, or drain them once it is full. */
static int scard_char_t0_in(struct scard_char_t0 *t, size_t n)
{
	int ret;

	if (!t->overflow && t->out + n <= t->rx_size) {
		ret = scard_char_recv(t->rdr, t->rx + t->out, n, t->wt, t->wt);
	} else {
		t->overflow = true;
		ret = scard_char_drain(t->rdr, n, t->wt, t->wt);
	}
	if (!ret)
		t->out += n;
	return ret;
}

/**
 * scard_char_t0_xfr() - exchange one T=0 TPDU through a character reader
 * @rdr: the reader, in specific mode with T=0 (@rdr->params in force)
 * @tx: the TPDU: CLA INS P1 P2 P3, followed by P3 data bytes when data
 *	goes to the card (P3 = 00 with no data means 256 bytes from it)
 * @tx_len: 5, or 5 + P3 with P3 > 0
 * @rx: buffer for the response data, then SW1 SW2
 * @rx_size: size of @rx
 * @rx_len: set to the response length (the size needed on -EOVERFLOW)
 *
 * A drop-in scard_xfr_fn for scard_t0_transmit() on a character reader.
 * Sends the header, then follows the procedure bytes of ISO/IEC 7816-3
 * clause 10.3.3: NULL (0x60) waits again (at most SCARD_CHAR_T0_MAX_NULL
 * times); INS sends or receives all remaining data bytes; INS xor 0xFF
 * sends or receives one; 6X (but 60) or 9X is SW1, followed by SW2, and
 * ends the TPDU. Each byte must arrive within WT
 * (scard_t0_wt_us() at the reader's default clock).
 *
 * Context: process context, reader lock and ops_sem held.
 * Return: 0; -EINVAL for a malformed TPDU; -EPROTO for an invalid procedure
 * byte or an ACK with no data left to move; -ETIMEDOUT when a byte misses
 * WT or the card sends too many NULL bytes; -EOVERFLOW when @rx is too
 * small (the exchange is completed first); or another error of the reader.
 */
int scard_char_t0_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		      u8 *rx, size_t rx_size, size_t *rx_len)
{
	struct scard_char_t0 t = {
		.rdr = rdr,
		.wt = scard_t0_wt_us(&rdr->params, rdr->caps.default_clk),
		.rx = rx,
		.rx_size = rx_size,
	};
	unsigned int nulls = 0;
	size_t left, sent = 0;
	bool to_card;
	u8 ins, pb, sw[2];
	int ret;

	*rx_len = 0;
	if (tx_len < SCARD_T0_HDR)
		return -EINVAL;
	if (tx_len == SCARD_T0_HDR) {
		to_card = false;
		left = tx[4] ? tx[4] : 256;
	} else if (tx[4] && tx_len == SCARD_T0_HDR + tx[4]) {
		to_card = true;
		left = tx[4];
	} else {
		return -EINVAL;
	}
	ins = tx[1];

	ret = scard_char_send(rdr, tx, SCARD_T0_HDR);
	if (ret)
		return ret;

	for (;;) {
		size_t n;

		ret = scard_char_recv(rdr, &pb, 1, t.wt, t.wt);
		if (ret)
			return ret;
		if (pb == SCARD_T0_NULL) {
			if (++nulls > SCARD_CHAR_T0_MAX_NULL)
				return -ETIMEDOUT;
			continue;
		}
		if ((pb & 0xf0) == 0x60 || (pb & 0xf0) == 0x90)
			break;
		if (pb == ins)
			n = left;
		else if (pb == (u8)~ins)
			n = 1;
		else
			return -EPROTO;
		if (!left)
			return -EPROTO;
		if (to_card) {
			ret = scard_char_send(rdr, tx + SCARD_T0_HDR + sent, n);
			sent += n;
		} else {
			ret = scard_char_t0_in(&t, n);
		}
		if (ret)
			return ret;
		left -= n;
	}

	sw[0] = pb;
	ret = scard_char_recv(rdr, &sw[1], 1, t.wt, t.wt);
	if (ret)
		return ret;
	if (t.overflow || t.out + 2 > rx_size) {
		*rx_len = t.out + 2;
		return -EOVERFLOW;
	}
	rx[t.out] = sw[0];
	rx[t.out + 1] = sw[1];
	*rx_len = t.out + 2;
	return 0;
}
EXPORT_SYMBOL_GPL(scard_char_t0_xfr);

/**
 * scard_char_t1_block() - exchange one T=1 block through a character reader
 * @ctx: the reader, a struct scard_reader *, in specific mode with T=1
 *	(@rdr->params in force)
 * @tx: the block to send: prologue, information field, EDC
 * @tx_len: its length
 * @rx: buffer for the block received
 * @rx_size: size of @rx; 3 + 254 + 2 bytes are always enough
 * @rx_len: set to the length of the block received (the size needed on
 *	-EOVERFLOW)
 * @timeout_ms: time allowed for the first byte of the reply (BWT, times
 *	the waiting time extension); 0 means BWT from the parameters
 *
 * Matches scard_t1_block_fn. Sends the block, receives the prologue (NAD,
 * PCB, LEN), the first byte within @timeout_ms and each next byte within
 * CWT, then LEN information bytes and the EDC (one LRC byte, or two CRC
 * bytes when @rdr->params.edc_crc) each within CWT. The EDC is not checked
 * here: that is the T=1 layer's business.
 *
 * Context: process context, reader lock and ops_sem held.
 * Return: 0; -EINVAL when @tx_len is 0; -EPROTO when LEN is 255 (reserved);
 * -ETIMEDOUT when a byte misses its deadline (a truncated block);
 * -EOVERFLOW when @rx is too small (the block is received and dropped); or
 * another error of the reader.
 */
int scard_char_t1_block(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			size_t rx_size, size_t *rx_len,
			unsigned int timeout_ms)
{
	struct scard_reader *rdr = ctx;
	const struct scard_params *p = &rdr->params;
	unsigned int cwt = scard_t1_cwt_us(p, rdr->caps.default_clk);
	unsigned int bwt, rest;
	u8 prologue[SCARD_T1_PROLOGUE];
	size_t total;
	int ret;

	*rx_len = 0;
	if (!tx_len)
		return -EINVAL;
	if (timeout_ms)
		bwt = timeout_ms > UINT_MAX / 1000 ? UINT_MAX :
						     timeout_ms * 1000;
	else
		bwt = scard_t1_bwt_us(p, rdr->caps.default_clk);

	ret = scard_char_send(rdr, tx, tx_len);
	if (ret)
		return ret;
	ret = scard_char_recv(rdr, prologue, sizeof(prologue), bwt, cwt);
	if (ret)
		return ret;
	if (prologue[2] == SCARD_T1_LEN_RFU)
		return -EPROTO;

	rest = prologue[2] + (p->edc_crc ? 2 : 1);
	total = sizeof(prologue) + rest;
	if (total > rx_size) {
		ret = scard_char_drain(rdr, rest, cwt, cwt);
		if (ret)
			return ret;
		*rx_len = total;
		return -EOVERFLOW;
	}
	memcpy(rx, prologue, sizeof(prologue));
	ret = scard_char_recv(rdr, rx + sizeof(prologue), rest, cwt, cwt);
	if (ret)
		return ret;
	*rx_len = total;
	return 0;
}
EXPORT_SYMBOL_GPL(scard_char_t1_block);
