/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: ISO/IEC 7816-3 Answer-To-Reset decoding.
 *
 * Kept apart from <linux/scard.h> and free of kernel-only dependencies so
 * that the same parser also serves scardctl in user space (tools/lib/scard
 * builds drivers/scard/atr.c with a small shim).
 */
#ifndef _LINUX_SCARD_ATR_H
#define _LINUX_SCARD_ATR_H

#include <linux/types.h>

#define SCARD_MAX_ATR		33
#define SCARD_MAX_HIST		15

/**
 * struct scard_atr - an ATR decoded as ISO/IEC 7816-3 clause 8 describes
 * @raw: the ATR bytes, in direct convention
 * @len: number of bytes in @raw
 * @inverse: the card used the inverse convention (TS = 0x3F)
 * @hist: historical bytes
 * @hist_len: number of historical bytes
 * @protocols: offered protocols, bit n = T=n (SCARD_PROTOCOL_T0/T1 bits)
 * @first_protocol: the protocol of the first TD, or 0 when TD1 is absent
 * @fi: Fi index (TA1 high nibble, default 1)
 * @di: Di index (TA1 low nibble, default 1)
 * @f: clock rate conversion integer Fi (372 by default)
 * @d: baud rate adjustment integer Di (1 by default)
 * @fmax: maximum clock frequency for @fi, in kHz
 * @n: extra guard time integer N (TC1, default 0)
 * @wi: T=0 waiting time integer WI (TC2, default 10)
 * @ifsc: T=1 IFSC (first TA for T=1, default 32)
 * @cwi: T=1 CWI (first TB for T=1, default 13)
 * @bwi: T=1 BWI (first TB for T=1, default 4)
 * @edc_crc: T=1 error detection code is CRC (first TC for T=1, bit 0)
 * @specific: TA2 present: the card is in specific mode
 * @specific_protocol: the protocol TA2 names
 * @specific_can_change: TA2 bit 8 clear: the card can change mode
 * @specific_implicit: TA2 bit 5 set: parameters are implicit, not from TA1
 * @class_indicator: class indicator (first TA for T=15), 0 when absent
 * @clock_stop: clock stop indicator (first TA for T=15 bits 8-7)
 * @has_tck: a TCK byte is present (and was checked)
 */
struct scard_atr {
	u8 raw[SCARD_MAX_ATR];
	u8 len;
	bool inverse;
	u8 hist[SCARD_MAX_HIST];
	u8 hist_len;
	u32 protocols;
	u8 first_protocol;
	u8 fi;
	u8 di;
	u16 f;
	u8 d;
	u32 fmax;
	u8 n;
	u8 wi;
	u8 ifsc;
	u8 cwi;
	u8 bwi;
	bool edc_crc;
	bool specific;
	u8 specific_protocol;
	bool specific_can_change;
	bool specific_implicit;
	u8 class_indicator;
	u8 clock_stop;
	bool has_tck;
};

int scard_atr_parse(struct scard_atr *atr, const u8 *buf, size_t len);
int scard_atr_length(const u8 *buf, size_t len);
u8 scard_atr_inverse_byte(u8 b);
u16 scard_atr_fi_to_f(u8 fi);
u32 scard_atr_fi_to_fmax(u8 fi);
u8 scard_atr_di_to_d(u8 di);

#endif /* _LINUX_SCARD_ATR_H */
