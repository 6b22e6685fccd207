// SPDX-License-Identifier: GPL-2.0
/*
 * include/uapi/linux/scard.h and pcsc-lite's headers in one file, as an
 * IFD handler has them (Documentation/scard/userspace-api.rst, "Names").
 * Built twice: with pcsc-lite's headers first (UAPI_LAST), and with the
 * uapi header first after SCARD_NO_WINSMCRD_NAMES. The names both define
 * are pcsc-lite's; the winsmcrd values stay reachable as SCARD_W_*; the
 * attribute tags, which pcsc-lite's reader.h gives, agree with winsmcrd.h.
 * Compile-time assertions only.
 */
#ifndef UAPI_LAST
#define SCARD_NO_WINSMCRD_NAMES
#include <linux/scard.h>
#endif
#include <winscard.h>
#include <reader.h>
#include <ifdhandler.h>
#ifdef UAPI_LAST
#include <linux/scard.h>
#endif

#ifdef __cplusplus
#define CHECK(x) static_assert(x, #x)
#else
#define CHECK(x) _Static_assert(x, #x)
#endif

/* pcsc-lite's meaning of the shared names ... */
CHECK(SCARD_ABSENT == 0x0002 && SCARD_SPECIFIC == 0x0040);
CHECK(SCARD_PROTOCOL_RAW == 4);
CHECK(SCARD_CTL_CODE(3400) == 0x42000000 + 3400);
/* ... and the driver's, under SCARD_W_. */
CHECK(SCARD_W_ABSENT == 1 && SCARD_W_PRESENT == 2 && SCARD_W_SPECIFIC == 6);
CHECK(SCARD_W_PROTOCOL_RAW == 0x10000 && SCARD_W_PROTOCOL_T1 == 2);
CHECK(SCARD_W_ATR_LENGTH == 33 && SCARD_W_MAXIMUM_ATTR_STRING_LENGTH == 32);
CHECK(IOCTL_SMARTCARD_TRANSMIT == 0x00310014);
CHECK(IOCTL_SMARTCARD_GET_FEATURE_REQUEST == 0x00313520);
/* pcsc-lite's attribute tags are the driver's. */
CHECK(SCARD_ATTR_VENDOR_NAME == SCARD_W_ATTR_VALUE(1, 0x0100));
CHECK(SCARD_ATTR_CHANNEL_ID == SCARD_W_ATTR_VALUE(2, 0x0110));
CHECK(SCARD_ATTR_ATR_STRING == SCARD_W_ATTR_VALUE(9, 0x0303));
CHECK(SCARD_ATTR_CURRENT_CWT == SCARD_W_ATTR_VALUE(8, 0x020A));
CHECK(SCARD_ATTR_EXTENDED_BWT == SCARD_W_ATTR_VALUE(8, 0x020C));
CHECK(SCARD_ATTR_SUPRESS_T1_IFS_REQUEST == SCARD_W_ATTR_VALUE(0x7FFF, 7));

int main(void)
{
	struct scard_dioc d;

	d.flags = 0;
	return (int)d.flags;
}
