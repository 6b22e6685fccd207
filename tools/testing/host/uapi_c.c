// SPDX-License-Identifier: GPL-2.0
/* The uapi header must compile alone (only <linux/types.h>) as C99/C11. */
#include <linux/scard.h>

struct scard_dioc uapi_c_dioc;
struct scard_io_request uapi_c_req;
struct scard_perf_cntr uapi_c_perf;
struct scard_feature_tlv uapi_c_tlv;
