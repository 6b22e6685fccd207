// SPDX-License-Identifier: GPL-2.0
/*
 * scard: ISO/IEC 7816-3 character timing.
 *
 * The elementary time unit is etu = F / (D * f) seconds (clause 7.1), with
 * F and D from the Fi and Di indexes in force and f the clock. From it:
 *
 * - T=0 waiting time WT = WI * 960 * Fi / f (clause 10.2);
 * - T=1 character waiting time CWT = (11 + 2^CWI) etu (clause 11.4.3);
 * - T=1 block waiting time BWT = 11 etu + 2^BWI * 960 * Fd / f, where Fd
 *   is 372 whatever Fi is in force (clause 11.4.3);
 * - guard time GT = 12 etu + N etu; N = 255 means 12 etu for T=0 and
 *   11 etu for T=1 (clause 8.3);
 * - the initial waiting time, 9600 etu at Fd and Dd (clause 8.1), which
 *   also bounds the wait for the PPS response.
 *
 * Choices:
 * - Times are rounded up to the next microsecond (nanosecond for the etu)
 *   and computed with 64-bit intermediates from the exact fraction, so that
 *   BWI 15 at 1 kHz does not overflow (the Windows library's BWT was
 *   observed to overflow at BWI 15 and to add 11 etu in the wrong unit; we
 *   follow ISO instead). A result above U32_MAX is clamped to U32_MAX.
 * - A clock of 0 kHz means "unknown" and is taken as 4000 kHz
 *   (SCARD_DEFAULT_CLK_KHZ), the lower end of the default fmax range.
 * - A reserved Fi or Di index (F or D of 0 in the ISO tables) is taken as
 *   the default, Fi = 1 (372) and Di = 1 (1).
 * - WI = 0 is reserved by ISO/IEC 7816-3 but accepted by the ATR parser as
 *   Windows does; a waiting time of 0 would make every exchange fail, so
 *   WI = 0 is taken as the default WI = 10.
 */

#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/scard_proto.h>

#define SCARD_FD		372
#define SCARD_WI_DEFAULT	10

static u32 scard_clk(u32 clk_khz)
{
	return clk_khz ? clk_khz : SCARD_DEFAULT_CLK_KHZ;
}

static u32 scard_f(u8 fi)
{
	u32 f = scard_atr_fi_to_f(fi);

	return f ? f : SCARD_FD;
}

static u32 scard_d(u8 di)
{
	u32 d = scard_atr_di_to_d(di);

	return d ? d : 1;
}

/* DIV_ROUND_UP(num, den), clamped to U32_MAX. */
static u32 scard_div_up_u32(u64 num, u64 den)
{
	u64 q = div64_u64(num + den - 1, den);

	return q > U32_MAX ? U32_MAX : (u32)q;
}

/**
 * scard_etu_ns() - elementary time unit
 * @fi: Fi index (TA1 high nibble, or PPS1)
 * @di: Di index (TA1 low nibble, or PPS1)
 * @clk_khz: card clock in kHz; 0 means SCARD_DEFAULT_CLK_KHZ
 *
 * Computes etu = F / (D * f), ISO/IEC 7816-3 clause 7.1. Reserved indexes
 * count as the defaults (F = 372, D = 1).
 *
 * Context: any context.
 * Return: one etu in nanoseconds, rounded up (93000 for 372/1 at 4 MHz).
 */
u32 scard_etu_ns(u8 fi, u8 di, u32 clk_khz)
{
	return scard_div_up_u32((u64)scard_f(fi) * 1000000,
				(u64)scard_d(di) * scard_clk(clk_khz));
}
EXPORT_SYMBOL_GPL(scard_etu_ns);

/**
 * scard_t0_wt_us() - T=0 waiting time
 * @p: protocol parameters (@p->wi and @p->fi are used)
 * @clk_khz: card clock in kHz; 0 means SCARD_DEFAULT_CLK_KHZ
 *
 * Computes WT = WI * 960 * Fi / f, ISO/IEC 7816-3 clause 10.2: the longest
 * time between the leading edges of two consecutive characters, and so the
 * time allowed for every procedure byte and data byte of a T=0 TPDU. WI = 0
 * counts as the default 10.
 *
 * Context: any context.
 * Return: WT in microseconds, rounded up, at most U32_MAX.
 */
u32 scard_t0_wt_us(const struct scard_params *p, u32 clk_khz)
{
	u32 wi = p->wi ? p->wi : SCARD_WI_DEFAULT;

	return scard_div_up_u32((u64)wi * 960 * scard_f(p->fi) * 1000,
				scard_clk(clk_khz));
}
EXPORT_SYMBOL_GPL(scard_t0_wt_us);

/**
 * scard_t1_bwt_us() - T=1 block waiting time
 * @p: protocol parameters (@p->bwi, @p->fi and @p->di are used)
 * @clk_khz: card clock in kHz; 0 means SCARD_DEFAULT_CLK_KHZ
 *
 * Computes BWT = 11 etu + 2^BWI * 960 * Fd / f with Fd = 372, ISO/IEC
 * 7816-3 clause 11.4.3: the longest time between the leading edge of the
 * last character of a block sent and the first character of the reply.
 * BWI values above 15 count as 15. A waiting time extension (S(WTX))
 * multiplies the result; that is the T=1 layer's business.
 *
 * Context: any context.
 * Return: BWT in microseconds, rounded up, at most U32_MAX.
 */
u32 scard_t1_bwt_us(const struct scard_params *p, u32 clk_khz)
{
	u64 d = scard_d(p->di);
	u32 bwi = min_t(u32, p->bwi, 15);

	/* (11 F / D + 2^BWI 960 Fd) / f, over the common denominator D f. */
	return scard_div_up_u32(((u64)11 * scard_f(p->fi) +
				 (1ULL << bwi) * 960 * SCARD_FD * d) * 1000,
				d * scard_clk(clk_khz));
}
EXPORT_SYMBOL_GPL(scard_t1_bwt_us);

/**
 * scard_t1_cwt_us() - T=1 character waiting time
 * @p: protocol parameters (@p->cwi, @p->fi and @p->di are used)
 * @clk_khz: card clock in kHz; 0 means SCARD_DEFAULT_CLK_KHZ
 *
 * Computes CWT = (11 + 2^CWI) etu, ISO/IEC 7816-3 clause 11.4.3: the
 * longest time between the leading edges of two consecutive characters of
 * a block. CWI values above 15 count as 15.
 *
 * Context: any context.
 * Return: CWT in microseconds, rounded up, at most U32_MAX.
 */
u32 scard_t1_cwt_us(const struct scard_params *p, u32 clk_khz)
{
	u32 cwi = min_t(u32, p->cwi, 15);

	return scard_div_up_u32((11 + (1ULL << cwi)) * scard_f(p->fi) * 1000,
				(u64)scard_d(p->di) * scard_clk(clk_khz));
}
EXPORT_SYMBOL_GPL(scard_t1_cwt_us);

/**
 * scard_guard_etu() - character guard time in etu
 * @p: protocol parameters (@p->n and @p->protocol are used)
 *
 * Computes the minimum delay between the leading edges of two consecutive
 * characters sent to the card, GT = 12 etu + N etu (ISO/IEC 7816-3 clause
 * 8.3, N from TC1). N = 255 means the minimum: 12 etu for T=0 and 11 etu
 * for T=1. A character-level reader applies it between the bytes it sends.
 *
 * Context: any context.
 * Return: the guard time in etu (11 .. 266).
 */
u32 scard_guard_etu(const struct scard_params *p)
{
	if (p->n == 255)
		return p->protocol == SCARD_PROTOCOL_T1 ? 11 : 12;
	return 12 + p->n;
}
EXPORT_SYMBOL_GPL(scard_guard_etu);

/**
 * scard_initial_wt_us() - initial waiting time
 * @clk_khz: card clock in kHz; 0 means SCARD_DEFAULT_CLK_KHZ
 *
 * Computes 9600 etu at Fd = 372 and Dd = 1 (WI = 10), ISO/IEC 7816-3
 * clauses 8.1 and 9: the waiting time for the characters of the ATR and of
 * the PPS response.
 *
 * Context: any context.
 * Return: the initial waiting time in microseconds, rounded up.
 */
u32 scard_initial_wt_us(u32 clk_khz)
{
	return scard_div_up_u32((u64)SCARD_WI_DEFAULT * 960 * SCARD_FD * 1000,
				scard_clk(clk_khz));
}
EXPORT_SYMBOL_GPL(scard_initial_wt_us);
