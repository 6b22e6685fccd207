// SPDX-License-Identifier: GPL-2.0
/*
 * scard: ISO/IEC 7816-3 Answer-To-Reset parser.
 *
 * This file is also compiled in user space (scardctl) with the shim in
 * tools/lib/scard/kshim, so it uses nothing of the kernel beyond memcpy(),
 * memset(), ARRAY_SIZE() and EXPORT_SYMBOL_GPL().
 *
 * Choices where ISO/IEC 7816-3 leaves room, or where we follow what the
 * Windows smart card library was observed to do:
 *
 * - TS 0x3B is the direct convention and TS 0x3F the inverse convention with
 *   the bytes already decoded. A first byte 0x03 is TS 0x3F as read without
 *   decoding: every byte is then converted with scard_atr_inverse_byte().
 *   Both inverse forms set @inverse; @raw always holds the decoded bytes.
 * - The ATR must be exactly TS, T0, the interface bytes, the historical
 *   bytes and TCK when one is expected: a missing byte, or a trailing byte
 *   when no TCK is expected, makes it invalid, as does anything longer than
 *   SCARD_MAX_ATR bytes.
 * - TCK is expected as soon as a TD byte indicates any T other than 0
 *   (including T=15), and the XOR of T0 .. TCK must then be 0.
 * - @protocols has bit n set for every T=n a TD byte indicates, T=15
 *   excepted (it only introduces global interface bytes); T=0 is implied
 *   when TD1 is absent. TD1 indicating T=15 is invalid (ISO/IEC 7816-3
 *   8.2.3) and so is the ATR.
 * - Fi and Di values that ISO/IEC 7816-3 reserves (Fi 7, 8, 14, 15; Di 0 and
 *   10..15) make the ATR invalid, like the Windows library does.
 * - TB1 and TB2 (programming voltage, deprecated) are skipped. TC2 (WI) is
 *   taken whatever T TD1 indicates; WI 0 is accepted as Windows does.
 * - T=1 parameters come from the first TAi, TBi and TCi (i > 2) that follow
 *   a TD(i-1) indicating T=1. IFSC values 0x00 and 0xFF are reserved: the
 *   ATR is accepted and IFSC stays at its default of 32 (Windows keeps 32 for
 *   0x00 but takes 255, which is more than a T=1 block can carry).
 * - The first TAi (i > 2) after a TD(i-1) indicating T=15 gives the class
 *   indicator (bits 6..1) and the clock stop indicator (bits 8..7).
 */

#include <linux/export.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/scard_atr.h>

#define ATR_TS_DIRECT		0x3b
#define ATR_TS_INVERSE		0x3f
#define ATR_TS_INVERSE_RAW	0x03

#define ATR_TA			0x10
#define ATR_TB			0x20
#define ATR_TC			0x40
#define ATR_TD			0x80

#define ATR_T1_IFSC_DEFAULT	32
#define ATR_T1_CWI_DEFAULT	13
#define ATR_T1_BWI_DEFAULT	4
#define ATR_T0_WI_DEFAULT	10

/* Fi: clock rate conversion integer and maximum clock (kHz); 0 = RFU. */
static const struct {
	u16 f;
	u32 fmax;
} atr_fi_table[16] = {
	{ 372, 4000 }, { 372, 5000 }, { 558, 6000 }, { 744, 8000 },
	{ 1116, 12000 }, { 1488, 16000 }, { 1860, 20000 }, { 0, 0 },
	{ 0, 0 }, { 512, 5000 }, { 768, 7500 }, { 1024, 10000 },
	{ 1536, 15000 }, { 2048, 20000 }, { 0, 0 }, { 0, 0 },
};

/* Di: baud rate adjustment integer; 0 = RFU. */
static const u8 atr_di_table[16] = {
	0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0,
};

/**
 * scard_atr_inverse_byte() - convert a byte between the two conventions
 * @b: the byte as seen in one convention
 *
 * The inverse convention sends the bits most significant first with the
 * levels inverted; seen with the direct convention a byte appears with its
 * bit order reversed and complemented. The conversion is its own inverse:
 * 0x03 becomes 0x3F and 0x3F becomes 0x03.
 *
 * Return: the byte in the other convention.
 */
u8 scard_atr_inverse_byte(u8 b)
{
	u8 r = 0;
	int i;

	for (i = 0; i < 8; i++)
		if (b & (1U << i))
			r |= 1U << (7 - i);
	return (u8)~r;
}
EXPORT_SYMBOL_GPL(scard_atr_inverse_byte);

/**
 * scard_atr_fi_to_f() - clock rate conversion integer for an Fi index
 * @fi: Fi index, the high nibble of TA1
 *
 * Return: F (372 .. 2048), or 0 for a reserved or out of range index.
 */
u16 scard_atr_fi_to_f(u8 fi)
{
	if (fi >= ARRAY_SIZE(atr_fi_table))
		return 0;
	return atr_fi_table[fi].f;
}
EXPORT_SYMBOL_GPL(scard_atr_fi_to_f);

/**
 * scard_atr_fi_to_fmax() - maximum clock frequency for an Fi index
 * @fi: Fi index, the high nibble of TA1
 *
 * Return: fmax in kHz (4000 .. 20000), or 0 for a reserved or out of range
 * index.
 */
u32 scard_atr_fi_to_fmax(u8 fi)
{
	if (fi >= ARRAY_SIZE(atr_fi_table))
		return 0;
	return atr_fi_table[fi].fmax;
}
EXPORT_SYMBOL_GPL(scard_atr_fi_to_fmax);

/**
 * scard_atr_di_to_d() - baud rate adjustment integer for a Di index
 * @di: Di index, the low nibble of TA1
 *
 * Return: D (1, 2, 4, 8, 16, 32, 64, 12 or 20), or 0 for a reserved or out
 * of range index.
 */
u8 scard_atr_di_to_d(u8 di)
{
	if (di >= ARRAY_SIZE(atr_di_table))
		return 0;
	return atr_di_table[di];
}
EXPORT_SYMBOL_GPL(scard_atr_di_to_d);

static void scard_atr_defaults(struct scard_atr *atr)
{
	memset(atr, 0, sizeof(*atr));
	atr->fi = 1;
	atr->di = 1;
	atr->f = scard_atr_fi_to_f(1);
	atr->d = scard_atr_di_to_d(1);
	atr->fmax = scard_atr_fi_to_fmax(1);
	atr->wi = ATR_T0_WI_DEFAULT;
	atr->ifsc = ATR_T1_IFSC_DEFAULT;
	atr->cwi = ATR_T1_CWI_DEFAULT;
	atr->bwi = ATR_T1_BWI_DEFAULT;
}

/* Number of interface bytes announced by Y (the high nibble of T0 or TDi). */
static unsigned int scard_atr_nbytes(u8 y)
{
	return !!(y & ATR_TA) + !!(y & ATR_TB) + !!(y & ATR_TC) +
	       !!(y & ATR_TD);
}

/* Global interface bytes of level 1: TA1 (Fi, Di) and TC1 (N). */
static int scard_atr_level1(struct scard_atr *atr, u8 y, const u8 *ta,
			    const u8 *tc)
{
	if (y & ATR_TA) {
		u8 fi = *ta >> 4, di = *ta & 0x0f;

		if (!scard_atr_fi_to_f(fi) || !scard_atr_di_to_d(di))
			return -EINVAL;
		atr->fi = fi;
		atr->di = di;
		atr->f = scard_atr_fi_to_f(fi);
		atr->d = scard_atr_di_to_d(di);
		atr->fmax = scard_atr_fi_to_fmax(fi);
	}
	if (y & ATR_TC)
		atr->n = *tc;
	return 0;
}

/* Level 2: TA2 (specific mode) and TC2 (WI). */
static void scard_atr_level2(struct scard_atr *atr, u8 y, const u8 *ta,
			     const u8 *tc)
{
	if (y & ATR_TA) {
		atr->specific = true;
		atr->specific_protocol = *ta & 0x0f;
		atr->specific_can_change = !(*ta & 0x80);
		atr->specific_implicit = !!(*ta & 0x10);
	}
	if (y & ATR_TC)
		atr->wi = *tc;
}

/**
 * scard_atr_parse() - decode an Answer-To-Reset
 * @atr: filled in with the decoded ATR (zeroed first, then defaults)
 * @buf: the ATR bytes as received from the reader
 * @len: number of bytes in @buf
 *
 * Decodes TS (direct, inverse, or inverse not yet decoded), T0, the chain
 * of interface bytes, the historical bytes and TCK, and fills @atr with the
 * values ISO/IEC 7816-3 clause 8 defines, defaults included. The file
 * comment lists the choices made where the standard leaves room.
 *
 * On error the other fields are unspecified, but @raw and @len still hold
 * the bytes (decoded from the inverse convention when the first one is
 * 0x03) whenever @len is at most SCARD_MAX_ATR, so that a caller can show
 * an ATR it could not parse.
 *
 * Context: any context; does not sleep.
 * Return: 0, or -EINVAL if the ATR is malformed, truncated, too long, has a
 * wrong TCK or names reserved Fi/Di values.
 */
int scard_atr_parse(struct scard_atr *atr, const u8 *buf, size_t len)
{
	bool ta_t1 = false, tb_t1 = false, tc_t1 = false, ta_t15 = false;
	bool need_tck = false, td1 = false;
	unsigned int level = 1, i = 2;
	u8 y, t = 0, k;
	size_t j;
	int ret;

	scard_atr_defaults(atr);
	if (!buf || len > SCARD_MAX_ATR)
		return -EINVAL;

	if (len && buf[0] == ATR_TS_INVERSE_RAW) {
		for (j = 0; j < len; j++)
			atr->raw[j] = scard_atr_inverse_byte(buf[j]);
	} else {
		memcpy(atr->raw, buf, len);
	}
	atr->len = len;
	if (len < 2)
		goto invalid;

	if (atr->raw[0] == ATR_TS_INVERSE)
		atr->inverse = true;
	else if (atr->raw[0] != ATR_TS_DIRECT)
		goto invalid;

	y = atr->raw[1] & 0xf0;
	k = atr->raw[1] & 0x0f;

	for (;;) {
		const u8 *ta = NULL, *tb = NULL, *tc = NULL;
		unsigned int need = scard_atr_nbytes(y);

		if (i + need > len)
			goto invalid;
		if (y & ATR_TA)
			ta = &atr->raw[i++];
		if (y & ATR_TB)
			tb = &atr->raw[i++];
		if (y & ATR_TC)
			tc = &atr->raw[i++];

		if (level == 1) {
			ret = scard_atr_level1(atr, y, ta, tc);
			if (ret)
				goto invalid;
		} else if (level == 2) {
			scard_atr_level2(atr, y, ta, tc);
		} else if (t == 1) {
			if (ta && !ta_t1) {
				ta_t1 = true;
				if (*ta != 0x00 && *ta != 0xff)
					atr->ifsc = *ta;
			}
			if (tb && !tb_t1) {
				tb_t1 = true;
				atr->cwi = *tb & 0x0f;
				atr->bwi = *tb >> 4;
			}
			if (tc && !tc_t1) {
				tc_t1 = true;
				atr->edc_crc = *tc & 0x01;
			}
		} else if (t == 15) {
			if (ta && !ta_t15) {
				ta_t15 = true;
				atr->class_indicator = *ta & 0x3f;
				atr->clock_stop = *ta >> 6;
			}
		}

		if (!(y & ATR_TD))
			break;

		t = atr->raw[i] & 0x0f;
		y = atr->raw[i] & 0xf0;
		i++;
		if (level == 1) {
			/* ISO/IEC 7816-3 8.2.3: T=15 is invalid in TD1. */
			if (t == 15)
				goto invalid;
			td1 = true;
			atr->first_protocol = t;
		}
		if (t != 0)
			need_tck = true;
		if (t != 15)
			atr->protocols |= 1U << t;
		level++;
	}

	if (!td1)
		atr->protocols = 1U << 0;

	if (i + k + (need_tck ? 1 : 0) != len)
		goto invalid;

	memcpy(atr->hist, &atr->raw[i], k);
	atr->hist_len = k;

	if (need_tck) {
		u8 x = 0;

		for (j = 1; j < len; j++)
			x ^= atr->raw[j];
		if (x)
			goto invalid;
		atr->has_tck = true;
	}
	return 0;

invalid:
	return -EINVAL;
}
EXPORT_SYMBOL_GPL(scard_atr_parse);

/**
 * scard_atr_length() - the length of an ATR that is still arriving
 * @buf: the first @len bytes of the ATR as the card sent them (TS 3B,
 *	or 03 for the inverse convention not yet decoded, or 3F decoded)
 * @len: how many have arrived
 *
 * A character-level reader receives the ATR byte by byte and must know
 * when it is complete: T0 and each TDi announce the interface bytes that
 * follow, T0 the number of historical bytes, and any protocol other than
 * T=0 in a TDi adds TCK (ISO/IEC 7816-3 clause 8.2). The bytes are not
 * checked beyond that: pass the whole ATR to scard_atr_parse().
 *
 * Context: any context; does not sleep.
 * Return: the total length as far as @buf tells: more than @len while
 * bytes are due (the reader asks again when they came), @len once the ATR
 * is complete (less when more bytes came than it has); -EINVAL when TS
 * is none of 3B, 3F and 03, or when the ATR announces more than
 * SCARD_MAX_ATR bytes.
 */
int scard_atr_length(const u8 *buf, size_t len)
{
	bool inverse, tck = false;
	unsigned int hist;
	size_t pos = 2;
	u8 y, td;

	if (!len)
		return 1;
	if (buf[0] != ATR_TS_DIRECT && buf[0] != ATR_TS_INVERSE &&
	    buf[0] != ATR_TS_INVERSE_RAW)
		return -EINVAL;
	if (len < 2)
		return 2;
	inverse = buf[0] == ATR_TS_INVERSE_RAW;
	y = inverse ? scard_atr_inverse_byte(buf[1]) : buf[1];
	hist = y & 0x0f;
	for (;;) {
		pos += scard_atr_nbytes(y);
		if (pos > SCARD_MAX_ATR)
			return -EINVAL;
		if (!(y & ATR_TD))
			break;
		/* TDi is the last interface byte of its group. */
		if (pos > len)
			return pos;
		td = inverse ? scard_atr_inverse_byte(buf[pos - 1]) :
			       buf[pos - 1];
		if (td & 0x0f)
			tck = true;
		y = td;
	}
	pos += hist + tck;
	if (pos > SCARD_MAX_ATR)
		return -EINVAL;
	return pos;
}
EXPORT_SYMBOL_GPL(scard_atr_length);
