/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscard: a decoded ATR, in plain user-space types.
 *
 * Filled from the kernel's own ISO/IEC 7816-3 parser (drivers/scard/atr.c,
 * built in user space through kshim.h), so scardctl and the driver never
 * disagree about what an ATR means. This header only needs <stdint.h> and
 * <stddef.h> so it can be included next to the kernel shim.
 */
#ifndef LIBSCARD_ATR_INFO_H
#define LIBSCARD_ATR_INFO_H

#include <stddef.h>
#include <stdint.h>

#define SCARD_ATR_INFO_MAX	33
#define SCARD_ATR_INFO_HIST	15

struct scard_atr_info {
	uint8_t raw[SCARD_ATR_INFO_MAX];	/* direct convention */
	size_t len;
	int inverse;			/* TS = 3F */
	uint8_t hist[SCARD_ATR_INFO_HIST];
	size_t hist_len;
	uint32_t protocols;		/* SCARD_PROTOCOL_T0/T1 bits */
	unsigned int first_protocol;
	unsigned int fi, di;		/* indexes from TA1 */
	unsigned int f, d;		/* Fi and Di values */
	uint32_t fmax_khz;
	unsigned int n;			/* extra guard time (TC1) */
	unsigned int wi;		/* T=0 waiting time integer (TC2) */
	unsigned int ifsc, cwi, bwi;	/* T=1 */
	int edc_crc;			/* T=1 EDC: 1 CRC, 0 LRC */
	int specific;			/* TA2 present */
	unsigned int specific_protocol;
	int specific_can_change;
	int specific_implicit;
	unsigned int class_indicator;
	unsigned int clock_stop;
	int has_tck;
};

/*
 * scard_atr_decode() - decode @len bytes of ATR into @info.
 * Returns 0, a negative errno from the kernel parser, or -ENOSYS when
 * libscard was built without the kernel parser (drivers/scard/atr.c or
 * tools/lib/scard/kshim.h missing at build time).
 */
int scard_atr_decode(const uint8_t *atr, size_t len,
		     struct scard_atr_info *info);

#endif /* LIBSCARD_ATR_INFO_H */
