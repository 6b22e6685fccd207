// SPDX-License-Identifier: GPL-2.0
/*
 * scard: choosing the transmission protocol and running it.
 *
 * After a reset the ATR says what the card offers. SET_PROTOCOL picks a
 * protocol and its parameters (pps.c), negotiates them with the card when
 * needed and the reader cannot do it itself (PPS, ISO/IEC 7816-3 clause 9),
 * falls back to the default parameters when the card refuses, and tells
 * the reader. TRANSMIT then runs the protocol at the reader's exchange
 * level: APDU readers get the APDU, TPDU readers T=0 TPDUs (t0.c) or T=1
 * blocks (t1.c), character readers the same over byte I/O (charlvl.c).
 */

#include <linux/kernel.h>
#include <linux/scard.h>
#include <linux/scard_proto.h>
#include <linux/scard_t1.h>
#include <linux/string.h>

#include "scard_core.h"

/*
 * T=1 on a TPDU reader: one block per exchange, the reader times it. After
 * an S(WTX request), @timeout_ms is BWT times the multiplier granted; the
 * driver finds the multiplier in rdr->wtx for the reader (CCID bBWI).
 */
static int scard_tpdu_block(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			    size_t rx_size, size_t *rx_len,
			    unsigned int timeout_ms)
{
	struct scard_reader *rdr = ctx;
	unsigned int bwt = max(rdr->t1.bwt_ms, 1U);
	int ret;

	ret = scard_reader_check_stop(rdr);
	if (ret)
		return ret;
	rdr->wtx = timeout_ms > bwt ?
		   min(DIV_ROUND_UP(timeout_ms, bwt), 255U) : 0;
	ret = rdr->ops->xfr(rdr, tx, tx_len, rx, rx_size, rx_len);
	rdr->wtx = 0;
	return ret;
}

/**
 * scard_protocol_t1_prepare() - a TPDU reader's T=1 state in step
 * @rdr: the reader, locked, T=1 in force at the TPDU level
 *
 * Before an I-block the core builds itself (PIN entry): see
 * scard_t1_prepare().
 *
 * Return: 0 or a negative errno.
 */
int scard_protocol_t1_prepare(struct scard_reader *rdr)
{
	return scard_t1_prepare(&rdr->t1, scard_tpdu_block, rdr);
}

/* T=0 on a TPDU reader: one TPDU per exchange. */
static int scard_tpdu_t0(struct scard_reader *rdr, const u8 *tx,
			 size_t tx_len, u8 *rx, size_t rx_size, size_t *rx_len)
{
	int ret = scard_reader_check_stop(rdr);

	if (ret)
		return ret;
	return rdr->ops->xfr(rdr, tx, tx_len, rx, rx_size, rx_len);
}

static void scard_t1_start(struct scard_reader *rdr,
			   const struct scard_params *p)
{
	u32 bwt_us = scard_t1_bwt_us(p, rdr->caps.default_clk);

	/* 64-bit: BWI 15 at a slow clock clamps bwt_us to U32_MAX. */
	scard_t1_init(&rdr->t1, p, DIV_ROUND_UP_ULL(bwt_us, 1000),
		      rdr->suppress_ifs);
	rdr->t1.max_inf = scard_t1_max_inf(rdr->caps.max_msg);
}

/* Tell the reader, publish, start T=1: the protocol is now in force. */
static int scard_protocol_enter(struct scard_reader *rdr,
				const struct scard_params *p)
{
	int ret;

	if (rdr->ops->set_params) {
		ret = rdr->ops->set_params(rdr, p);
		if (ret)
			return ret;
	}
	ret = scard_reader_commit(rdr, NULL, p);
	if (ret)
		return ret;
	if (p->protocol == SCARD_PROTOCOL_T1)
		scard_t1_start(rdr, p);
	return 0;
}

/**
 * scard_power_on_state() - decode the ATR after a reset
 * @rdr: the reader, locked
 * @raw: the ATR as the reader returned it
 * @len: its length
 * @state: set to the new card state
 *
 * A card in specific mode (TA2) is ready for its protocol at once; any
 * other card waits for SET_PROTOCOL. The initial parameters (default
 * Fi/Di, the card's convention and waiting time) are in force meanwhile,
 * which is what a character-level reader needs for PPS.
 *
 * Return: 0 with the new card state in *@state; -ENOMEDIUM when the card
 * left during the reset, or the error that ended entering specific mode.
 */
static int scard_power_on_state(struct scard_reader *rdr, const u8 *raw,
				size_t len, u32 *state)
{
	struct scard_params params = {};
	struct scard_atr atr;
	bool pps_needed;
	int ret;

	ret = scard_atr_parse(&atr, raw, len);
	if (ret) {
		memset(&atr, 0, sizeof(atr));
		memcpy(atr.raw, raw, min_t(size_t, len, sizeof(atr.raw)));
		atr.len = min_t(size_t, len, sizeof(atr.raw));
	} else {
		params.fi = 1;
		params.di = 1;
		params.n = atr.n;
		params.wi = atr.wi;
		params.inverse = atr.inverse;
	}
	if (scard_reader_commit(rdr, &atr, &params))
		return -ENOMEDIUM;
	if (ret) {
		dev_dbg(&rdr->dev, "unrecognized ATR\n");
		*state = SCARD_POWERED;
		return 0;
	}
	*state = SCARD_NEGOTIABLE;
	if (!atr.specific)
		return 0;

	ret = scard_pps_select(&atr, &rdr->caps, SCARD_PROTOCOL_Tx, &params,
			       &pps_needed);
	if (!ret)
		ret = scard_protocol_enter(rdr, &params);
	if (ret == -ENOMEDIUM || ret == -ENODEV || ret == -EINTR)
		return ret;
	if (!ret)
		*state = SCARD_SPECIFIC;
	return 0;
}

static int scard_pps_exchange(struct scard_reader *rdr,
			      struct scard_params *p)
{
	u8 req[8], resp[8];
	size_t resp_len = 0;
	int len, ret;

	len = scard_pps_build(p, req, sizeof(req));
	if (len < 0)
		return len;
	if (rdr->caps.level == SCARD_LEVEL_CHAR)
		ret = scard_char_pps(rdr, req, len, resp, sizeof(resp),
				     &resp_len);
	else
		ret = rdr->ops->xfr(rdr, req, len, resp, sizeof(resp),
				    &resp_len);
	if (ret)
		return ret;
	return scard_pps_check(req, len, resp, resp_len, p);
}

/**
 * scard_card_power() - power a card down or reset it, and track its state
 * @rdr: the reader, locked, with a card in it
 * @minor: SCARD_POWER_DOWN, SCARD_COLD_RESET or SCARD_WARM_RESET
 *
 * After a reset the ATR is decoded into @rdr->atr and the state is
 * NEGOTIABLE, SPECIFIC or POWERED (scard_power_on_state()); after a power
 * down, or a reset the reader failed, the card is PRESENT (unpowered).
 * A card event during the operation (the card removed, or swapped for
 * another) leaves the state and ATR to the events: the operation fails
 * with -ENOMEDIUM and the new card is PRESENT, without the old ATR.
 *
 * Return: 0, or the driver's error; -EPROTO for a missing or oversized
 * ATR; -ENOMEDIUM when the card left during the operation.
 */
int scard_card_power(struct scard_reader *rdr, u32 minor)
{
	struct scard_params none = {};
	u8 atr[SCARD_MAX_ATR];
	size_t atr_len = 0;
	u32 state;
	int ret;

	ret = rdr->ops->power(rdr, minor, atr, &atr_len);
	if (!ret && minor != SCARD_POWER_DOWN &&
	    (!atr_len || atr_len > SCARD_MAX_ATR))
		ret = -EPROTO;

	if (ret) {
		/*
		 * Interrupted or cut off, the reader may still power the
		 * card: only a reset the reader answered with a failure
		 * leaves it unpowered.
		 */
		if (ret != -ENODEV && ret != -EINTR && ret != -ECANCELED &&
		    scard_reader_set_state(rdr, SCARD_PRESENT))
			ret = -ENOMEDIUM;
		return ret;
	}
	if (minor == SCARD_POWER_DOWN) {
		ret = scard_reader_commit(rdr, NULL, &none);
		return ret ?: scard_reader_set_state(rdr, SCARD_PRESENT);
	}
	ret = scard_power_on_state(rdr, atr, atr_len, &state);
	return ret ?: scard_reader_set_state(rdr, state);
}
EXPORT_SYMBOL_IF_KUNIT(scard_card_power);

/* A refused PPS leaves the card waiting to be reset (clause 9.3). */
static int scard_reset_for_retry(struct scard_reader *rdr)
{
	int ret;

	ret = scard_card_power(rdr, SCARD_COLD_RESET);
	if (ret)
		return ret;
	return scard_reader_state(rdr) == SCARD_NEGOTIABLE ? 0 : -EPROTO;
}

/**
 * scard_protocol_set() - IOCTL_SMARTCARD_SET_PROTOCOL
 * @rdr: the reader, locked
 * @mask: acceptable protocols, maybe with SCARD_PROTOCOL_DEFAULT
 * @selected: set to the protocol now in force
 *
 * With the optimal parameters first; if the card refuses the PPS, the
 * card is reset and the default parameters are tried, as the Windows
 * library does with PTS_TYPE_DEFAULT.
 *
 * Return: 0 or a negative errno (Documentation/scard/userspace-api.rst).
 */
int scard_protocol_set(struct scard_reader *rdr, u32 mask, u32 *selected)
{
	struct scard_params params;
	bool pps_needed, retried = false;
	int ret;

	switch (scard_reader_state(rdr)) {
	case SCARD_ABSENT:
		return -ENOMEDIUM;
	case SCARD_POWERED:
		/* Powered, but the ATR made no sense. */
		return -EMEDIUMTYPE;
	case SCARD_NEGOTIABLE:
		break;
	case SCARD_SPECIFIC:
		if (rdr->params.protocol & mask) {
			*selected = rdr->params.protocol;
			return 0;
		}
		/* PPS is only allowed right after the ATR: reset first. */
		return rdr->atr.specific ? -EOPNOTSUPP : -EBADFD;
	default:
		return -EBADFD;
	}
	if (rdr->caps.level == SCARD_LEVEL_CHAR &&
	    (!rdr->ops->send || !rdr->ops->recv))
		return -EOPNOTSUPP;

again:
	ret = scard_pps_select(&rdr->atr, &rdr->caps, mask, &params,
			       &pps_needed);
	if (ret)
		return ret;
	/*
	 * An APDU-level reader does the transport protocol, PPS included:
	 * it only gets the parameters (set_params), never PPS bytes as an
	 * "APDU".
	 */
	if (pps_needed && !rdr->caps.auto_pps &&
	    rdr->caps.level <= SCARD_LEVEL_TPDU) {
		ret = scard_pps_exchange(rdr, &params);
		if (ret && ret != -ENODEV && ret != -EINTR && !retried &&
		    !(mask & SCARD_PROTOCOL_DEFAULT)) {
			dev_dbg(&rdr->dev, "PPS refused (%d), default\n", ret);
			retried = true;
			mask |= SCARD_PROTOCOL_DEFAULT;
			ret = scard_reset_for_retry(rdr);
			if (!ret)
				goto again;
		}
		if (ret)
			return ret == -ETIMEDOUT ? ret : -EPROTO;
	}
	ret = scard_protocol_enter(rdr, &params);
	if (!ret)
		ret = scard_reader_set_state(rdr, SCARD_SPECIFIC);
	if (ret)
		return ret;
	*selected = params.protocol;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_protocol_set);

static int scard_run_t1(struct scard_reader *rdr, scard_t1_block_fn block,
			const u8 *cmd, size_t cmd_len, u8 *resp,
			size_t resp_size, size_t *resp_len)
{
	struct scard_t1 *t1 = &rdr->t1;
	u32 retr = t1->retransmissions, resynchs = t1->resynchs;
	u32 wtx = t1->wtx;
	unsigned long flags;
	int ret;

	ret = scard_t1_transceive(t1, block, rdr, cmd, cmd_len, resp,
				  resp_size, resp_len);

	spin_lock_irqsave(&rdr->state_lock, flags);
	rdr->perf.retransmissions += t1->retransmissions - retr;
	rdr->perf.resynchs += t1->resynchs - resynchs;
	rdr->perf.wtx_requests += t1->wtx - wtx;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return ret;
}

/**
 * scard_protocol_transmit() - exchange one APDU at the reader's level
 * @rdr: the reader, locked, state SPECIFIC
 * @cmd: the command APDU
 * @cmd_len: its length
 * @resp: buffer for the response APDU
 * @resp_size: size of @resp
 * @resp_len: set to the response length
 *
 * Return: 0 or a negative errno.
 */
int scard_protocol_transmit(struct scard_reader *rdr, const u8 *cmd,
			    size_t cmd_len, u8 *resp, size_t resp_size,
			    size_t *resp_len)
{
	bool t1 = rdr->params.protocol == SCARD_PROTOCOL_T1;
	int ret;

	switch (rdr->caps.level) {
	case SCARD_LEVEL_APDU:
	case SCARD_LEVEL_APDU_EXT:
		ret = rdr->ops->xfr(rdr, cmd, cmd_len, resp, resp_size,
				    resp_len);
		/* A response APDU ends with SW1 SW2, as the engines check. */
		if (!ret && *resp_len < 2)
			ret = -EPROTO;
		return ret;
	case SCARD_LEVEL_TPDU:
		if (t1)
			return scard_run_t1(rdr, scard_tpdu_block, cmd, cmd_len,
					    resp, resp_size, resp_len);
		return scard_t0_transmit(rdr, scard_tpdu_t0, cmd, cmd_len,
					 resp, resp_size, resp_len);
	case SCARD_LEVEL_CHAR:
		if (t1)
			return scard_run_t1(rdr, scard_char_t1_block, cmd,
					    cmd_len, resp, resp_size,
					    resp_len);
		return scard_t0_transmit(rdr, scard_char_t0_xfr, cmd, cmd_len,
					 resp, resp_size, resp_len);
	}
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_IF_KUNIT(scard_protocol_transmit);
