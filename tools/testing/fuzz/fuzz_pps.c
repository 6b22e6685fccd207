// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: protocol and parameter selection (drivers/scard/pps.c) and
 * the waiting times derived from it (drivers/scard/timing.c).
 *
 * Input:
 *   ATR length, ATR bytes (parsed with scard_atr_parse())
 *   SET_PROTOCOL mask: bit 0 T=0, bit 1 T=1, bit 7 SCARD_PROTOCOL_DEFAULT
 *   reader caps: protocols (1 byte), max_clk, default_clk, max_rate,
 *	max_ifsd (4 bytes each, little-endian)
 *   PPS response length, PPS response (the card's answer)
 *   PPS request length, PPS request (checked as given, too)
 *
 * scard_pps_select() runs only on an ATR that parsed, as in the core. What
 * it chooses must be buildable, and a response that echoes the request
 * must be accepted (ISO/IEC 7816-3 9.3).
 */
#include <linux/scard_proto.h>

#include "fuzz.h"

static void fuzz_pps_timing(const struct scard_params *p,
			    const struct scard_reader_caps *caps)
{
	u32 clk = scard_pps_clk_khz(caps, p->fi);

	FUZZ_CHECK(clk);
	FUZZ_CHECK(scard_etu_ns(p->fi, p->di, clk));
	FUZZ_CHECK(scard_t0_wt_us(p, clk));
	FUZZ_CHECK(scard_t1_bwt_us(p, clk));
	FUZZ_CHECK(scard_t1_cwt_us(p, clk));
	FUZZ_CHECK(scard_guard_etu(p) >= 11 && scard_guard_etu(p) <= 266);
	FUZZ_CHECK(scard_initial_wt_us(clk));
}

static void fuzz_pps_select(const struct scard_atr *atr,
			    const struct scard_reader_caps *caps, u32 mask,
			    const u8 *resp, size_t resp_len)
{
	struct scard_params p, q;
	u8 *req = malloc(SCARD_PPS_MAX);
	bool needed;
	int len;

	if (!req)
		abort();
	if (scard_pps_select(atr, caps, mask, &p, &needed))
		goto out;

	FUZZ_CHECK(p.protocol == SCARD_PROTOCOL_T0 ||
		   p.protocol == SCARD_PROTOCOL_T1);
	FUZZ_CHECK(p.protocol & mask & caps->protocols);
	FUZZ_CHECK(p.ifsd >= 1 && p.ifsd <= SCARD_T1_MAX_IFS);
	FUZZ_CHECK(!(needed && atr->specific));
	fuzz_pps_timing(&p, caps);

	len = scard_pps_build(&p, req, SCARD_PPS_MAX);
	FUZZ_CHECK(len == 3 || len == 4);
	q = p;
	FUZZ_CHECK(!scard_pps_check(req, len, req, len, &q));
	FUZZ_CHECK(q.fi == p.fi && q.di == p.di);
	FUZZ_CHECK(scard_pps_build(&p, req, len - 1) == -EOVERFLOW);

	len = scard_pps_build(&p, req, SCARD_PPS_MAX);
	if (!scard_pps_check(req, len, resp, resp_len, &q)) {
		FUZZ_CHECK((q.fi == p.fi && q.di == p.di) ||
			   (q.fi == 1 && q.di == 1));
		fuzz_pps_timing(&q, caps);
	}
out:
	free(req);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct scard_reader_caps caps = { };
	size_t atr_len, resp_len, req_len;
	u8 *atr_buf, *resp, *req;
	struct fuzz_in in;
	struct scard_atr atr;
	bool atr_ok;
	u32 mask;
	u8 m;

	fuzz_in_init(&in, data, size);
	atr_buf = fuzz_dup(&in, fuzz_u8(&in), &atr_len);
	atr_ok = !scard_atr_parse(&atr, atr_buf, atr_len);
	m = fuzz_u8(&in);
	mask = (m & SCARD_PROTOCOL_Tx) | (m & 0x80 ? SCARD_PROTOCOL_DEFAULT : 0);
	caps.protocols = fuzz_u8(&in) & SCARD_PROTOCOL_Tx;
	caps.max_clk = fuzz_u32(&in);
	caps.default_clk = fuzz_u32(&in);
	caps.max_rate = fuzz_u32(&in);
	caps.max_ifsd = fuzz_u32(&in);
	resp = fuzz_dup(&in, fuzz_u8(&in), &resp_len);
	req = fuzz_dup(&in, fuzz_u8(&in), &req_len);

	if (atr_ok)
		fuzz_pps_select(&atr, &caps, mask, resp, resp_len);
	scard_pps_check(req, req_len, resp, resp_len, NULL);

	free(req);
	free(resp);
	free(atr_buf);
	return 0;
}
