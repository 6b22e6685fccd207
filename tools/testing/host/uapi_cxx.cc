// SPDX-License-Identifier: GPL-2.0
/* The uapi header must compile alone as C++ (11 and 17). */
#include <linux/scard.h>

static_assert(sizeof(struct scard_dioc) == 32, "scard_dioc size");
static_assert(IOCTL_SMARTCARD_POWER == 0x00310004U, "POWER");
static_assert(SCARD_ATTR_VENDOR_NAME == 0x00010100U, "VENDOR_NAME");

scard_dioc uapi_cxx_dioc;
scard_io_request uapi_cxx_req;
scard_perf_cntr uapi_cxx_perf;
scard_feature_tlv uapi_cxx_tlv;
