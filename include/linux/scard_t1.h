/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: the ISO/IEC 7816-3 clause 11 T=1 block transmission protocol.
 *
 * The engine is transport-independent: it builds and checks blocks and
 * moves them through a block function supplied by the caller, one block
 * out and one block back per call. A TPDU-level reader implements that
 * function with one exchange (CCID XfrBlock); a character-level reader
 * implements it over byte I/O with the character and block waiting times.
 * See drivers/scard/t1.c for the rules the engine applies.
 */
#ifndef _LINUX_SCARD_T1_H
#define _LINUX_SCARD_T1_H

#include <linux/types.h>

struct scard_params;

/* Prologue (NAD PCB LEN), largest information field, largest epilogue. */
#define SCARD_T1_PROLOGUE	3
#define SCARD_T1_MAX_INF	254
#define SCARD_T1_MAX_EDC	2
#define SCARD_T1_MAX_BLOCK	(SCARD_T1_PROLOGUE + SCARD_T1_MAX_INF + \
				 SCARD_T1_MAX_EDC)

/* Default IFSC and IFSD (ISO/IEC 7816-3 11.4.2). */
#define SCARD_T1_IFS_DEFAULT	32

/* PCB coding (ISO/IEC 7816-3 11.3.2.2). */
#define SCARD_T1_I_BLOCK	0x00
#define SCARD_T1_I_NS		0x40	/* N(S) */
#define SCARD_T1_I_MORE		0x20	/* M, chaining */
#define SCARD_T1_R_BLOCK	0x80
#define SCARD_T1_R_NR		0x10	/* N(R) */
#define SCARD_T1_R_EDC_ERROR	0x01
#define SCARD_T1_R_OTHER_ERROR	0x02
#define SCARD_T1_S_BLOCK	0xc0
#define SCARD_T1_S_RESPONSE	0x20
#define SCARD_T1_S_RESYNCH	0x00
#define SCARD_T1_S_IFS		0x01
#define SCARD_T1_S_ABORT	0x02
#define SCARD_T1_S_WTX		0x03
#define SCARD_T1_S_VPP_ERROR	0x04	/* response only: 0xe4 */

/* Retransmissions of one block, then resynchronisation attempts. */
#define SCARD_T1_MAX_RETRIES	2
#define SCARD_T1_MAX_RESYNCHS	3

/**
 * struct scard_t1 - the T=1 state of one reader
 * @ns: N(S) of our next I-block
 * @nr: N(S) we expect in the card's next I-block
 * @ifsc: information field size of the card, 1..254
 * @ifsd: information field size of the interface device, 1..254
 * @max_inf: the largest information field the reader carries (1..254, set
 *	by the owner after scard_t1_init(), see scard_t1_max_inf()): our
 *	I-blocks never exceed it, whatever IFSC a card S(IFS request) names
 * @nad: node address byte put into every block we send
 * @edc_crc: the epilogue is a CRC (two bytes) rather than an LRC
 * @ifs_pending: S(IFS request) with @ifsd still to be sent before the first
 *	I-block
 * @broken: resynchronisation failed; scard_t1_transceive() returns -EPROTO
 *	until scard_t1_init() is called again (after a reset)
 * @resynch_first: the last exchange was cut by an error of the block
 *	function; the next one starts with S(RESYNCH request)
 * @bwt_ms: block waiting time, milliseconds, passed to the block function
 *	(times the multiplier of an S(WTX request) for the wait it extends)
 * @retransmissions: blocks sent again to recover from an error
 * @resynchs: S(RESYNCH request) blocks sent
 * @wtx: S(WTX request) blocks received from the card
 * @errors: errors detected: blocks lost, blocks received with a bad EDC, a
 *	bad format or an unexpected sequence number, error R-blocks from the
 *	card
 *
 * The statistics only ever grow: scard_t1_init() leaves them alone, so
 * the owner zeroes the structure once when allocating it.
 */
struct scard_t1 {
	u8 ns;
	u8 nr;
	u8 ifsc;
	u8 ifsd;
	u8 max_inf;
	u8 nad;
	bool edc_crc;
	bool ifs_pending;
	bool broken;
	bool resynch_first;
	unsigned int bwt_ms;
	u32 retransmissions;
	u32 resynchs;
	u32 wtx;
	u32 errors;
};

/**
 * typedef scard_t1_block_fn - send one T=1 block and receive the card's
 * @ctx: the caller's context, as given to scard_t1_transceive()
 * @tx: the block to send, prologue to epilogue
 * @tx_len: length of @tx
 * @rx: buffer for the block received
 * @rx_size: size of @rx, at least %SCARD_T1_MAX_BLOCK
 * @rx_len: set to the number of bytes received
 * @timeout_ms: how long to wait for the card's block; 0 means the block
 *	function's own default
 *
 * @rx is a kmalloc'd buffer, but the block function must not use it for
 * DMA directly: copy into it.
 *
 * Return: 0 when a block (of any content) was received; -ETIMEDOUT when
 * the card sent nothing in time (the engine then applies the T=1 error
 * recovery); -EBADMSG when bytes arrived with parity errors (recovered as
 * an EDC error); -EPROTO or -EOVERFLOW when what arrived cannot be a block
 * (a transmission error reported by the reader, or more than @rx_size
 * bytes; recovered as an invalid block). Any other negative errno
 * (-ENODEV, -ENOMEDIUM, -EINTR, -EIO ...) ends the exchange at once and is
 * returned by scard_t1_transceive().
 */
typedef int (*scard_t1_block_fn)(void *ctx, const u8 *tx, size_t tx_len,
				 u8 *rx, size_t rx_size, size_t *rx_len,
				 unsigned int timeout_ms);

/**
 * scard_t1_max_inf() - the largest information field a reader carries
 * @max_msg: the largest unit the reader's xfr moves (caps.max_msg), 0 for
 *	no limit
 *
 * A block is prologue + INF + an epilogue of up to two bytes.
 *
 * Context: any context.
 * Return: 1..254.
 */
static inline u8 scard_t1_max_inf(u32 max_msg)
{
	if (!max_msg || max_msg >= SCARD_T1_MAX_BLOCK)
		return SCARD_T1_MAX_INF;
	if (max_msg <= SCARD_T1_PROLOGUE + SCARD_T1_MAX_EDC)
		return 1;
	return max_msg - SCARD_T1_PROLOGUE - SCARD_T1_MAX_EDC;
}

void scard_t1_init(struct scard_t1 *t1, const struct scard_params *p,
		   unsigned int bwt_ms, bool suppress_ifs);
int scard_t1_prepare(struct scard_t1 *t1, scard_t1_block_fn xfer, void *ctx);
int scard_t1_transceive(struct scard_t1 *t1, scard_t1_block_fn xfer,
			void *ctx, const u8 *apdu, size_t apdu_len, u8 *resp,
			size_t resp_size, size_t *resp_len);

u8 scard_t1_lrc(const u8 *buf, size_t len);
u16 scard_t1_crc(const u8 *buf, size_t len);
int scard_t1_build_block(u8 *buf, size_t size, u8 nad, u8 pcb,
			 const u8 *inf, size_t inf_len, bool crc);
int scard_t1_parse_block(const u8 *buf, size_t len, bool crc, u8 *nad,
			 u8 *pcb, const u8 **inf, size_t *inf_len);

#endif /* _LINUX_SCARD_T1_H */
