/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscard: small user-space helper library for /dev/scardN.
 *
 * Every call mirrors Windows' DeviceIoControl() on a smart card reader:
 * an ioctl code from winsmcrd.h, an input buffer and an output buffer.
 * Functions return 0 (or a non-negative count) on success and a negative
 * errno on failure; scard_strerror() explains errnos in smart-card terms.
 */
#ifndef LIBSCARD_H
#define LIBSCARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/scard.h>

#include "atr_info.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest TRANSMIT payload the ABI allows (extended APDU + header). */
#define SCARD_MAX_APDU		65544U
#define SCARD_MAX_RESPONSE	(65536U + 2U)

/*
 * Trace every ioctl exchange (code, input bytes, result, output bytes) to
 * @f; NULL turns tracing off.
 */
void scard_set_trace(FILE *f);

/*
 * Open a reader: "0" or "scard0" -> /dev/scard0, anything with a '/' is a
 * path. @flags are open(2) flags (O_RDWR is always added, plus O_CLOEXEC).
 * Returns the fd or -errno.
 */
int scard_open(const char *dev_or_index, int flags);

/* Resolve @dev_or_index to a path in @buf; returns 0 or -EINVAL. */
int scard_dev_path(const char *dev_or_index, char *buf, size_t size);

/*
 * DeviceIoControl-like call. On success and on -EOVERFLOW *@returned (if not
 * NULL) receives bytes_returned: the output length, or the size needed.
 */
int scard_dioc(int fd, unsigned long code, const void *in, uint32_t in_len,
	       void *out, uint32_t out_len, uint32_t *returned);

/* POWER: @minor SCARD_POWER_DOWN/COLD_RESET/WARM_RESET; ATR into @atr. */
int scard_power(int fd, uint32_t minor, uint8_t *atr, size_t atr_size,
		size_t *atr_len);
int scard_get_state(int fd, uint32_t *state);
int scard_set_protocol(int fd, uint32_t mask, uint32_t *selected);

/*
 * TRANSMIT: adds the 8-byte SCARD_IO_REQUEST header for @protocol and strips
 * the one of the reply. On -EOVERFLOW *@resp_len is the response size needed.
 */
int scard_transmit(int fd, uint32_t protocol, const uint8_t *apdu,
		   size_t apdu_len, uint8_t *resp, size_t resp_size,
		   size_t *resp_len);

int scard_get_attr(int fd, uint32_t tag, void *buf, size_t size, size_t *len);
int scard_set_attr(int fd, uint32_t tag, const void *val, size_t len);
int scard_is_present(int fd);
int scard_is_absent(int fd);
int scard_get_last_error(int fd, uint32_t *err);
int scard_get_perf(int fd, struct scard_perf_cntr *perf, size_t *len);
int scard_get_features(int fd, uint8_t *buf, size_t size, size_t *len);

/* Name tables. */
const char *scard_state_name(uint32_t state);	/* "absent", ... like sysfs */
const char *scard_ioctl_name(unsigned long code); /* "POWER", ... or NULL */
/* "T0", "T1", "T0|T1", "RAW", "none"; returns @buf. */
char *scard_protocol_str(uint32_t mask, char *buf, size_t size);
/* Parse "T0", "T1", "any", "raw", "T0|T1" (case-insensitive); -EINVAL. */
int scard_protocol_parse(const char *s, uint32_t *mask);

enum scard_attr_type {
	SCARD_ATTR_T_STRING,	/* bytes printed as text */
	SCARD_ATTR_T_DWORD,	/* one __u32, host order */
	SCARD_ATTR_T_BYTE,	/* one byte */
	SCARD_ATTR_T_BYTES,	/* raw bytes (ATR ...) */
	SCARD_ATTR_T_PROTOCOLS,	/* __u32 protocol mask */
};

struct scard_attr_desc {
	const char *name;	/* "vendor-name" */
	uint32_t tag;		/* SCARD_ATTR_VENDOR_NAME */
	enum scard_attr_type type;
};

/* Look up "vendor-name", "VENDOR_NAME", "SCARD_ATTR_VENDOR_NAME". */
const struct scard_attr_desc *scard_attr_by_name(const char *name);
const struct scard_attr_desc *scard_attr_by_tag(uint32_t tag);
/* The table, terminated by an entry with a NULL name. */
extern const struct scard_attr_desc scard_attr_table[];

/* Errors: @err positive or negative. */
const char *scard_errno_name(int err);	/* "ENOMEDIUM" or "E?" */
const char *scard_strerror(int err);	/* smart-card explanation */

/*
 * Hex: parse pairs of hex digits, ignoring spaces, tabs, ':' and '-' between
 * bytes; an optional "0x" prefix per token is accepted. Returns the number of
 * bytes or -EINVAL (odd digit count, bad character) / -ENOSPC.
 */
long scard_hex_parse(const char *s, uint8_t *buf, size_t size);
/* Format as "3B 7A 18" (@sep between bytes, may be ""); returns @out. */
char *scard_hex_format(const uint8_t *data, size_t len, const char *sep,
		       char *out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif /* LIBSCARD_H */
