/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: ISO/IEC 7816-3 protocol parameter selection (PPS), timing, and
 * character-level exchanges over a reader that only moves bytes.
 *
 * drivers/scard/timing.c computes the etu and the waiting times from the
 * parameters chosen by SET_PROTOCOL; drivers/scard/pps.c chooses those
 * parameters from the ATR and the reader's capabilities and builds and
 * checks the PPS exchange; drivers/scard/charlvl.c runs PPS, T=0 TPDUs and
 * T=1 blocks over ops->send / ops->recv. See
 * Documentation/scard/driver-api.rst.
 */
#ifndef _LINUX_SCARD_PROTO_H
#define _LINUX_SCARD_PROTO_H

#include <linux/types.h>
#include <linux/scard.h>

/* Clock used for the timing computations when none is known, kHz. */
#define SCARD_DEFAULT_CLK_KHZ	4000
/* Longest PPS request or response: PPSS PPS0 PPS1 PPS2 PPS3 PCK. */
#define SCARD_PPS_MAX		6
/* PPSS, the initial character of a PPS request and response. */
#define SCARD_PPS_PPSS		0xff
/* NULL procedure bytes a T=0 card may send per TPDU before -ETIMEDOUT. */
#define SCARD_CHAR_T0_MAX_NULL	1024

/* timing.c */
u32 scard_etu_ns(u8 fi, u8 di, u32 clk_khz);
u32 scard_t0_wt_us(const struct scard_params *p, u32 clk_khz);
u32 scard_t1_bwt_us(const struct scard_params *p, u32 clk_khz);
u32 scard_t1_cwt_us(const struct scard_params *p, u32 clk_khz);
u32 scard_guard_etu(const struct scard_params *p);
u32 scard_initial_wt_us(u32 clk_khz);

/* pps.c */
int scard_pps_select(const struct scard_atr *atr,
		     const struct scard_reader_caps *caps, u32 mask,
		     struct scard_params *p, bool *pps_needed);
u32 scard_pps_clk_khz(const struct scard_reader_caps *caps, u8 fi);
u32 scard_pps_listed_rate(const struct scard_reader_caps *caps, u64 rate);
int scard_pps_build(const struct scard_params *p, u8 *req, size_t size);
int scard_pps_check(const u8 *req, size_t req_len, const u8 *resp,
		    size_t resp_len, struct scard_params *p);

/* charlvl.c */
int scard_char_send(struct scard_reader *rdr, const u8 *buf, size_t len);
int scard_char_recv(struct scard_reader *rdr, u8 *buf, size_t len,
		    unsigned int first_us, unsigned int next_us);
int scard_char_pps(struct scard_reader *rdr, const u8 *req, size_t len,
		   u8 *resp, size_t resp_size, size_t *resp_len);
int scard_char_t0_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		      u8 *rx, size_t rx_size, size_t *rx_len);
int scard_char_t1_block(void *ctx, const u8 *tx, size_t tx_len, u8 *rx,
			size_t rx_size, size_t *rx_len,
			unsigned int timeout_ms);

#endif /* _LINUX_SCARD_PROTO_H */
