// SPDX-License-Identifier: GPL-2.0
/*
 * scard: ISO/IEC 7816-4 command APDU decoding.
 *
 * The length fields decide the case:
 *
 *   case 1   CLA INS P1 P2
 *   case 2S  CLA INS P1 P2 Le                    (Le 00 = 256)
 *   case 3S  CLA INS P1 P2 Lc data               (Lc 01..FF)
 *   case 4S  CLA INS P1 P2 Lc data Le            (Lc 01..FF, Le 00 = 256)
 *   case 2E  CLA INS P1 P2 00 Le1 Le2            (Le 0000 = 65536)
 *   case 3E  CLA INS P1 P2 00 Lc1 Lc2 data       (Lc 0001..FFFF)
 *   case 4E  CLA INS P1 P2 00 Lc1 Lc2 data Le1 Le2
 *
 * Every other length is invalid, in particular a short Lc of 00 followed by
 * more bytes and an extended Lc of 0000.
 */

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>
#include <linux/scard.h>

/**
 * scard_apdu_parse() - decode the header and length fields of a command APDU
 * @apdu: filled in with the decoded APDU; @apdu->data points into @buf
 * @buf: the APDU bytes
 * @len: number of bytes in @buf
 *
 * Context: any context; does not sleep.
 * Return: 0, or -EINVAL if @len does not match any of the seven ISO/IEC
 * 7816-4 cases.
 */
int scard_apdu_parse(struct scard_apdu *apdu, const u8 *buf, size_t len)
{
	size_t lc;

	memset(apdu, 0, sizeof(*apdu));
	if (!buf || len < 4)
		return -EINVAL;

	apdu->cla = buf[0];
	apdu->ins = buf[1];
	apdu->p1 = buf[2];
	apdu->p2 = buf[3];

	if (len == 4) {
		apdu->kase = 1;
		return 0;
	}

	if (len == 5) {
		apdu->kase = 2;
		apdu->le = buf[4] ? buf[4] : 256;
		return 0;
	}

	if (buf[4]) {
		lc = buf[4];
		if (len == 5 + lc) {
			apdu->kase = 3;
		} else if (len == 6 + lc) {
			apdu->kase = 4;
			apdu->le = buf[len - 1] ? buf[len - 1] : 256;
		} else {
			return -EINVAL;
		}
		apdu->lc = lc;
		apdu->data = &buf[5];
		return 0;
	}

	/* Extended length: 00 then two bytes. */
	if (len < 7)
		return -EINVAL;
	apdu->extended = true;
	if (len == 7) {
		apdu->kase = 2;
		apdu->le = (buf[5] << 8) | buf[6];
		if (!apdu->le)
			apdu->le = 65536;
		return 0;
	}

	lc = (buf[5] << 8) | buf[6];
	if (!lc)
		return -EINVAL;
	if (len == 7 + lc) {
		apdu->kase = 3;
	} else if (len == 9 + lc) {
		apdu->kase = 4;
		apdu->le = (buf[len - 2] << 8) | buf[len - 1];
		if (!apdu->le)
			apdu->le = 65536;
	} else {
		return -EINVAL;
	}
	apdu->lc = lc;
	apdu->data = &buf[7];
	return 0;
}
EXPORT_SYMBOL_GPL(scard_apdu_parse);
