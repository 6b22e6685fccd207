// SPDX-License-Identifier: GPL-2.0
/*
 * scard: protocol and parameter selection, ISO/IEC 7816-3 clause 9.
 *
 * scard_pps_select() turns the decoded ATR, the reader's capabilities and
 * the mask given to SET_PROTOCOL into the parameters to use, and says
 * whether a PPS exchange is needed; scard_pps_build() builds the request and
 * scard_pps_check() checks the card's response.
 *
 * Choices, where ISO/IEC 7816-3 or the Windows library leave room:
 *
 * - Protocol: among the protocols in the mask, in the ATR and in the
 *   reader's capabilities (none in common is -EOPNOTSUPP), with
 *   SCARD_PROTOCOL_DEFAULT the card's implicit protocol (the first offered:
 *   TD1's, T=0 without TD1) when it is one of them; otherwise T=1 is given
 *   precedence over T=0 (Microsoft's recommendation).
 * - Specific mode (TA2 present): only the protocol TA2 names can be used,
 *   with Fi/Di from TA1, or the defaults when TA2 bit 5 says the parameters
 *   are implicit. No PPS is ever sent. The reader's rate limits are not
 *   applied: the card cannot change.
 * - SCARD_PROTOCOL_DEFAULT set: Fi = 1, Di = 1 (F = 372, D = 1), as the
 *   Windows library's PTS_TYPE_DEFAULT.
 * - Otherwise (OPTIMAL): the card's Fi (TA1) is kept when the reader has a
 *   clock (max_clk, default_clk, one it lists, else 4000 kHz) not above
 *   that Fi's fmax; when it has none, F falls back to Fd (Fi = 1). The
 *   clock used is the highest such clock (scard_pps_clk_khz()). Di is the
 *   largest D, not above the card's (ISO allows any D from Dd to Di), whose
 *   data rate f * D / F does not exceed the reader's max_rate (when it is
 *   not 0) and, when the reader lists its data rates (a CCID reader's
 *   GET_DATA_RATES), is one of them within 1/64; D = 1 when none is.
 * - A PPS is needed when the protocol is not the implicit one or Fi/Di
 *   are not 1/1: a card in negotiable mode that gets no PPS uses its first
 *   offered protocol with Fd and Dd (ISO/IEC 7816-3 6.3.1), however many
 *   protocols it offers. Fi = 0 (372, fmax 4 MHz) with Di = 1 counts as not
 *   default and is proposed in PPS1.
 * - The other parameters come from the ATR: N, WI, IFSC, CWI, BWI, EDC,
 *   clock stop, convention. IFSD is the reader's max_ifsd when it is
 *   1..254, else 32, as SmartcardInitializeCardCapabilities does. When
 *   the reader moves units of at most max_msg bytes (a CCID TPDU reader's
 *   dwMaxCCIDMessageLength), IFSC and IFSD are lowered so that a block
 *   (prologue, information field, two-byte epilogue) fits in one.
 * - PPS requests carry PPS1 only (no PPS2, no PPS3). The response must be
 *   exactly PPSS, PPS0, the optional bytes PPS0 announces and a right PCK;
 *   PPS0 must echo the protocol and bit 8; PPS1, PPS2 and PPS3 must each be
 *   either echoed or absent (and cannot appear unless requested). PPS1
 *   absent means Fd and Dd (clause 9.3). Anything else is -EPROTO.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/scard_proto.h>

#define SCARD_PPS0_PPS1		0x10
#define SCARD_PPS0_OPT		0x70	/* PPS1, PPS2, PPS3 present */
#define SCARD_PPS0_ECHO		0x8f	/* T and bit 8: always echoed */
#define SCARD_PPS_FI_DEFAULT	1
#define SCARD_PPS_DI_DEFAULT	1
#define SCARD_IFSD_DEFAULT	32
#define SCARD_DI_MAX		15

/* Clock @i of the reader: max_clk, default_clk, then its list; 0: none. */
static u32 scard_pps_nth_clk(const struct scard_reader_caps *caps,
			     unsigned int i)
{
	if (i == 0)
		return caps->max_clk;
	if (i == 1)
		return caps->default_clk;
	i -= 2;
	return i < min(caps->n_clocks, SCARD_MAX_CLOCKS) ? caps->clocks[i] : 0;
}

/*
 * The highest reader clock within fmax of @fi, or the lowest one (*@fits
 * false) when none is; 4000 kHz when the reader gives none.
 */
static u32 scard_pps_clk(const struct scard_reader_caps *caps, u8 fi,
			 bool *fits)
{
	u32 fmax = scard_atr_fi_to_fmax(fi), best = 0, low = 0, clk;
	unsigned int i;

	for (i = 0; i < 2 + SCARD_MAX_CLOCKS; i++) {
		clk = scard_pps_nth_clk(caps, i);
		if (!clk)
			continue;
		if (!low || clk < low)
			low = clk;
		if (clk <= fmax && clk > best)
			best = clk;
	}
	if (!low) {
		low = SCARD_DEFAULT_CLK_KHZ;
		best = low <= fmax ? low : 0;
	}
	*fits = best != 0;
	return best ? best : low;
}

/**
 * scard_pps_clk_khz() - the clock a reader uses with an Fi index
 * @caps: the reader's capabilities (@caps->max_clk, @caps->default_clk)
 * @fi: Fi index in use
 *
 * The highest of the reader's maximum and default clock and the clocks
 * it lists (@caps->clocks) that does not exceed fmax for @fi; a clock of
 * 0 is unknown and 4000 kHz
 * (SCARD_DEFAULT_CLK_KHZ) is assumed when both are 0. When neither fits,
 * the lower known clock is returned: the card had to accept it for the
 * ATR. This is the clock scard_pps_select() assumes, and the value of
 * SCARD_ATTR_CURRENT_CLK for the Fi in force (Fd, index 1, until
 * SET_PROTOCOL).
 *
 * Context: any context.
 * Return: the clock in kHz, never 0.
 */
u32 scard_pps_clk_khz(const struct scard_reader_caps *caps, u8 fi)
{
	bool fits;

	return scard_pps_clk(caps, fi, &fits);
}
EXPORT_SYMBOL_GPL(scard_pps_clk_khz);

/**
 * scard_pps_listed_rate() - the reader's name for a data rate
 * @caps: the reader's capabilities (@caps->data_rates)
 * @rate: a data rate, bps, as f * D / F gives it
 *
 * A reader computes its list from its own clock, which may differ a
 * little from the one assumed here: a listed rate within 1/64 (about
 * 1.6 %) of @rate counts, and is the value to tell the reader.
 *
 * Return: @rate when the reader lists no rates, the listed rate matching
 * it, or 0 when none does.
 */
u32 scard_pps_listed_rate(const struct scard_reader_caps *caps, u64 rate)
{
	unsigned int i;

	if (!caps->n_data_rates)
		return min_t(u64, rate, U32_MAX);
	for (i = 0; i < min(caps->n_data_rates, SCARD_MAX_DATA_RATES); i++) {
		u64 r = caps->data_rates[i];

		if (rate + rate / 64 >= r && rate <= r + r / 64)
			return r;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(scard_pps_listed_rate);

/*
 * The largest D not above @d_card whose rate the reader accepts: not
 * above its max_rate, and one of its data_rates when it lists them.
 */
static u8 scard_pps_pick_di(const struct scard_reader_caps *caps, u8 fi,
			    u8 d_card)
{
	u64 clk_hz = (u64)scard_pps_clk_khz(caps, fi) * 1000;
	u32 f = scard_atr_fi_to_f(fi);
	u8 best = SCARD_PPS_DI_DEFAULT, best_d = 1;
	u8 di;

	for (di = 1; di <= SCARD_DI_MAX; di++) {
		u8 d = scard_atr_di_to_d(di);

		if (!d || d > d_card || d <= best_d)
			continue;
		if (caps->max_rate && clk_hz * d > (u64)caps->max_rate * f)
			continue;
		if (caps->n_data_rates &&
		    !scard_pps_listed_rate(caps, div_u64(clk_hz * d, f)))
			continue;
		best = di;
		best_d = d;
	}
	return best;
}

static u32 scard_pps_proto_bit(u8 t)
{
	return t <= 1 ? BIT(t) : 0;
}

/**
 * scard_pps_select() - choose the protocol and its parameters
 * @atr: the card's decoded ATR
 * @caps: the reader's capabilities (protocols, clocks, max_rate, max_ifsd,
 *	max_msg)
 * @mask: SET_PROTOCOL's mask: SCARD_PROTOCOL_T0 and/or SCARD_PROTOCOL_T1,
 *	optionally SCARD_PROTOCOL_DEFAULT (other bits are ignored)
 * @p: filled in with the parameters to use (zeroed first)
 * @pps_needed: optional; set to true when a PPS exchange must precede
 *	their use, false when the card is in specific mode or already uses
 *	them after the ATR
 *
 * Implements the selection of ISO/IEC 7816-3 clause 9 with the choices the
 * file comment lists: T=1 over T=0; specific mode keeps TA2's protocol and
 * TA1's (or the default) Fi/Di; SCARD_PROTOCOL_DEFAULT selects Fi/Di 1/1;
 * otherwise the fastest Fi/Di the card offers within the reader's clock and
 * data rate limits.
 *
 * Context: any context.
 * Return: 0, -EINVAL for a NULL argument, or -EOPNOTSUPP when no protocol is
 * in the mask, the ATR (or TA2) and the reader's capabilities at once.
 */
int scard_pps_select(const struct scard_atr *atr,
		     const struct scard_reader_caps *caps, u32 mask,
		     struct scard_params *p, bool *pps_needed)
{
	u32 offered, common, implicit;
	bool needed = false, fits;
	u8 fi, di;

	if (!atr || !caps || !p)
		return -EINVAL;
	memset(p, 0, sizeof(*p));
	if (pps_needed)
		*pps_needed = false;

	offered = atr->specific ? scard_pps_proto_bit(atr->specific_protocol) :
				  atr->protocols;
	common = mask & offered & caps->protocols & SCARD_PROTOCOL_Tx;
	if (!common)
		return -EOPNOTSUPP;
	implicit = scard_pps_proto_bit(atr->first_protocol);
	if ((mask & SCARD_PROTOCOL_DEFAULT) && (common & implicit))
		p->protocol = implicit;
	else if (common & SCARD_PROTOCOL_T1)
		p->protocol = SCARD_PROTOCOL_T1;
	else
		p->protocol = SCARD_PROTOCOL_T0;

	if (atr->specific) {
		fi = atr->specific_implicit ? SCARD_PPS_FI_DEFAULT : atr->fi;
		di = atr->specific_implicit ? SCARD_PPS_DI_DEFAULT : atr->di;
	} else if (mask & SCARD_PROTOCOL_DEFAULT) {
		fi = SCARD_PPS_FI_DEFAULT;
		di = SCARD_PPS_DI_DEFAULT;
	} else {
		fi = atr->fi;
		fits = false;
		if (scard_atr_fi_to_f(fi))
			scard_pps_clk(caps, fi, &fits);
		if (!fits)
			fi = SCARD_PPS_FI_DEFAULT;
		di = scard_pps_pick_di(caps, fi, atr->d);
	}

	if (!atr->specific)
		needed = p->protocol != implicit ||
			 fi != SCARD_PPS_FI_DEFAULT ||
			 di != SCARD_PPS_DI_DEFAULT;

	p->fi = fi;
	p->di = di;
	p->n = atr->n;
	p->wi = atr->wi;
	p->ifsc = atr->ifsc;
	p->ifsd = caps->max_ifsd >= 1 && caps->max_ifsd <= SCARD_T1_MAX_IFS ?
		  caps->max_ifsd : SCARD_IFSD_DEFAULT;
	p->ifsc = min(p->ifsc, scard_t1_max_inf(caps->max_msg));
	p->ifsd = min(p->ifsd, scard_t1_max_inf(caps->max_msg));
	p->cwi = atr->cwi;
	p->bwi = atr->bwi;
	p->edc_crc = atr->edc_crc;
	p->clock_stop = atr->clock_stop;
	p->inverse = atr->inverse;
	if (pps_needed)
		*pps_needed = needed;
	return 0;
}
EXPORT_SYMBOL_GPL(scard_pps_select);

/**
 * scard_pps_build() - build a PPS request
 * @p: the parameters chosen by scard_pps_select()
 * @req: buffer for the request
 * @size: size of @req; SCARD_PPS_MAX is always enough
 *
 * Builds PPSS (0xFF), PPS0 (the protocol in bits 4..1, bit 5 set when PPS1
 * follows), PPS1 = Fi << 4 | Di unless Fi/Di are the defaults 1/1, and PCK
 * (the XOR of all bytes is 0), ISO/IEC 7816-3 clause 9.2.
 *
 * Context: any context.
 * Return: the length of the request (3 or 4), -EINVAL when @p names no
 * T=0/T=1 protocol or reserved Fi/Di values, -EOVERFLOW when @size is too
 * small.
 */
int scard_pps_build(const struct scard_params *p, u8 *req, size_t size)
{
	bool pps1 = p->fi != SCARD_PPS_FI_DEFAULT ||
		    p->di != SCARD_PPS_DI_DEFAULT;
	size_t len = pps1 ? 4 : 3, i;
	u8 t, pck = 0;

	if (p->protocol == SCARD_PROTOCOL_T0)
		t = 0;
	else if (p->protocol == SCARD_PROTOCOL_T1)
		t = 1;
	else
		return -EINVAL;
	if (!scard_atr_fi_to_f(p->fi) || !scard_atr_di_to_d(p->di))
		return -EINVAL;
	if (!req || size < len)
		return -EOVERFLOW;

	req[0] = SCARD_PPS_PPSS;
	req[1] = t | (pps1 ? SCARD_PPS0_PPS1 : 0);
	if (pps1)
		req[2] = (p->fi << 4) | p->di;
	for (i = 0; i < len - 1; i++)
		pck ^= req[i];
	req[len - 1] = pck;
	return len;
}
EXPORT_SYMBOL_GPL(scard_pps_build);

/* Length of a PPS message whose PPS0 is @pps0. */
static size_t scard_pps_len(u8 pps0)
{
	return 3 + hweight8(pps0 & SCARD_PPS0_OPT);
}

static bool scard_pps_well_formed(const u8 *msg, size_t len)
{
	u8 x = 0;
	size_t i;

	if (!msg || len < 3 || msg[0] != SCARD_PPS_PPSS ||
	    len != scard_pps_len(msg[1]))
		return false;
	for (i = 0; i < len; i++)
		x ^= msg[i];
	return !x;
}

/**
 * scard_pps_check() - check a PPS response
 * @req: the request that was sent (as built by scard_pps_build())
 * @req_len: its length
 * @resp: the card's response
 * @resp_len: its length
 * @p: optional; the parameters the request proposed, updated when the
 *	card declines PPS1 (Fi/Di become 1/1)
 *
 * Applies ISO/IEC 7816-3 clause 9.3: a response equal to the request is a
 * success. Otherwise the response must be well formed (PPSS, PPS0, the
 * bytes PPS0 announces, a right PCK), echo the protocol (and bit 8), and
 * each of PPS1, PPS2, PPS3 must be either echoed or absent. PPS1 absent
 * means the card keeps Fd and Dd.
 *
 * Context: any context.
 * Return: 0 when the card accepted (possibly with the defaults), -EINVAL
 * when @req is not a well-formed request, -EPROTO for any other response:
 * the caller must then reset the card (ISO/IEC 7816-3 9.3).
 */
int scard_pps_check(const u8 *req, size_t req_len, const u8 *resp,
		    size_t resp_len, struct scard_params *p)
{
	size_t ri = 2, qi = 2;
	u8 bit;

	if (!scard_pps_well_formed(req, req_len))
		return -EINVAL;
	if (!scard_pps_well_formed(resp, resp_len))
		return -EPROTO;
	if ((resp[1] & SCARD_PPS0_ECHO) != (req[1] & SCARD_PPS0_ECHO))
		return -EPROTO;

	for (bit = 0x10; bit & SCARD_PPS0_OPT; bit <<= 1) {
		bool in_req = req[1] & bit, in_resp = resp[1] & bit;

		if (in_resp && (!in_req || resp[ri] != req[qi]))
			return -EPROTO;
		ri += in_resp;
		qi += in_req;
	}

	if (p && (req[1] & SCARD_PPS0_PPS1) && !(resp[1] & SCARD_PPS0_PPS1)) {
		p->fi = SCARD_PPS_FI_DEFAULT;
		p->di = SCARD_PPS_DI_DEFAULT;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(scard_pps_check);
