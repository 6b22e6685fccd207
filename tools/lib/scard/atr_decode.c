// SPDX-License-Identifier: GPL-2.0
/*
 * libscard: decode an ATR with the kernel's own parser.
 *
 * With LIBSCARD_HAVE_KATR (set by the Makefile when drivers/scard/atr.c and
 * tools/lib/scard/kshim.h exist) this file is compiled with the kernel shim
 * and calls scard_atr_parse() from drivers/scard/atr.c. There is deliberately
 * no second ATR parser here: without the kernel one, decoding reports
 * -ENOSYS and callers print the raw bytes only.
 */
#ifdef LIBSCARD_HAVE_KATR

#include "kshim.h"
#include <linux/scard_atr.h>
#include "atr_info.h"

int scard_atr_decode(const uint8_t *buf, size_t len,
		     struct scard_atr_info *info)
{
	struct scard_atr atr;
	size_t i;
	int ret;

	__builtin_memset(info, 0, sizeof(*info));
	__builtin_memset(&atr, 0, sizeof(atr));
	ret = scard_atr_parse(&atr, buf, len);
	if (ret < 0)
		return ret;

	for (i = 0; i < atr.len && i < SCARD_ATR_INFO_MAX; i++)
		info->raw[i] = atr.raw[i];
	info->len = atr.len;
	info->inverse = atr.inverse;
	for (i = 0; i < atr.hist_len && i < SCARD_ATR_INFO_HIST; i++)
		info->hist[i] = atr.hist[i];
	info->hist_len = atr.hist_len;
	info->protocols = atr.protocols;
	info->first_protocol = atr.first_protocol;
	info->fi = atr.fi;
	info->di = atr.di;
	info->f = atr.f;
	info->d = atr.d;
	info->fmax_khz = atr.fmax;
	info->n = atr.n;
	info->wi = atr.wi;
	info->ifsc = atr.ifsc;
	info->cwi = atr.cwi;
	info->bwi = atr.bwi;
	info->edc_crc = atr.edc_crc;
	info->specific = atr.specific;
	info->specific_protocol = atr.specific_protocol;
	info->specific_can_change = atr.specific_can_change;
	info->specific_implicit = atr.specific_implicit;
	info->class_indicator = atr.class_indicator;
	info->clock_stop = atr.clock_stop;
	info->has_tck = atr.has_tck;
	return 0;
}

#else /* !LIBSCARD_HAVE_KATR */

#include <errno.h>
#include <string.h>
#include "atr_info.h"

/*
 * TODO(userspace): drivers/scard/atr.c or tools/lib/scard/kshim.h was not
 * there at build time; rebuild libscard once both exist to get decoding.
 */
int scard_atr_decode(const uint8_t *buf, size_t len,
		     struct scard_atr_info *info)
{
	(void)buf;
	(void)len;
	memset(info, 0, sizeof(*info));
	return -ENOSYS;
}

#endif /* LIBSCARD_HAVE_KATR */
