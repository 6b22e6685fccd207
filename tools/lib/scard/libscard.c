// SPDX-License-Identifier: GPL-2.0
/*
 * libscard: DeviceIoControl-like access to /dev/scardN.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libscard.h"

static FILE *trace_file;

void scard_set_trace(FILE *f)
{
	trace_file = f;
}

static void trace_bytes(const char *what, const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	uint32_t i;

	fprintf(trace_file, "  %s[%u]:", what, len);
	if (!p) {
		fprintf(trace_file, " (null)\n");
		return;
	}
	for (i = 0; i < len; i++)
		fprintf(trace_file, " %02X", p[i]);
	fputc('\n', trace_file);
}

int scard_dev_path(const char *dev_or_index, char *buf, size_t size)
{
	const char *s = dev_or_index;
	int n;

	if (!s || !*s)
		s = "0";
	if (strchr(s, '/'))
		n = snprintf(buf, size, "%s", s);
	else if (s[0] >= '0' && s[0] <= '9')
		n = snprintf(buf, size, "/dev/scard%s", s);
	else
		n = snprintf(buf, size, "/dev/%s", s);
	if (n < 0 || (size_t)n >= size)
		return -EINVAL;
	return 0;
}

int scard_open(const char *dev_or_index, int flags)
{
	char path[256];
	int fd, ret;

	ret = scard_dev_path(dev_or_index, path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, (flags & ~O_ACCMODE) | O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (trace_file)
		fprintf(trace_file, "open(%s) = %d\n", path, fd);
	return fd;
}

int scard_dioc(int fd, unsigned long code, const void *in, uint32_t in_len,
	       void *out, uint32_t out_len, uint32_t *returned)
{
	struct scard_dioc d;
	const char *name;
	int ret, err = 0;

	memset(&d, 0, sizeof(d));
	d.in_buf = (uintptr_t)in;
	d.out_buf = (uintptr_t)out;
	d.in_len = in_len;
	d.out_len = out_len;

	if (trace_file) {
		name = scard_ioctl_name(code);
		fprintf(trace_file, "ioctl(%d, 0x%08lX %s) out_len=%u\n", fd,
			code, name ? name : "?", out_len);
		trace_bytes("in", in, in_len);
	}
	ret = ioctl(fd, code, &d);
	if (ret < 0)
		err = errno;
	if (trace_file) {
		if (err)
			fprintf(trace_file, "  = -1 %s bytes_returned=%u\n",
				scard_errno_name(err), d.bytes_returned);
		else
			trace_bytes("out", out,
				    d.bytes_returned <= out_len ?
				    d.bytes_returned : out_len);
	}
	if (returned && (!err || err == EOVERFLOW))
		*returned = d.bytes_returned;
	return -err;
}

int scard_power(int fd, uint32_t minor, uint8_t *atr, size_t atr_size,
		size_t *atr_len)
{
	uint32_t ret_len = 0;
	int ret;

	ret = scard_dioc(fd, IOCTL_SMARTCARD_POWER, &minor, sizeof(minor),
			 atr, atr ? (uint32_t)atr_size : 0, &ret_len);
	if (atr_len)
		*atr_len = ret_len;
	return ret;
}

int scard_get_state(int fd, uint32_t *state)
{
	return scard_dioc(fd, IOCTL_SMARTCARD_GET_STATE, NULL, 0, state,
			  sizeof(*state), NULL);
}

int scard_set_protocol(int fd, uint32_t mask, uint32_t *selected)
{
	uint32_t sel = 0;
	int ret;

	ret = scard_dioc(fd, IOCTL_SMARTCARD_SET_PROTOCOL, &mask, sizeof(mask),
			 &sel, sizeof(sel), NULL);
	if (!ret && selected)
		*selected = sel;
	return ret;
}

int scard_transmit(int fd, uint32_t protocol, const uint8_t *apdu,
		   size_t apdu_len, uint8_t *resp, size_t resp_size,
		   size_t *resp_len)
{
	struct scard_io_request hdr = {
		.protocol = protocol,
		.pci_length = sizeof(struct scard_io_request),
	};
	size_t in_len = sizeof(hdr) + apdu_len;
	size_t out_len = sizeof(hdr) + resp_size;
	uint32_t got = 0;
	uint8_t *in, *out;
	int ret;

	if (apdu_len > SCARD_MAX_APDU || resp_size > SCARD_MAX_RESPONSE)
		return -EINVAL;
	in = malloc(in_len);
	out = malloc(out_len);
	if (!in || !out) {
		free(in);
		free(out);
		return -ENOMEM;
	}
	memcpy(in, &hdr, sizeof(hdr));
	if (apdu_len)
		memcpy(in + sizeof(hdr), apdu, apdu_len);
	ret = scard_dioc(fd, IOCTL_SMARTCARD_TRANSMIT, in, (uint32_t)in_len,
			 out, (uint32_t)out_len, &got);
	if (!ret) {
		if (got < sizeof(hdr) || got > out_len) {
			ret = -EPROTO;
		} else {
			got -= sizeof(hdr);
			if (got)
				memcpy(resp, out + sizeof(hdr), got);
			if (resp_len)
				*resp_len = got;
		}
	} else if (ret == -EOVERFLOW && resp_len) {
		*resp_len = got > sizeof(hdr) ? got - sizeof(hdr) : 0;
	}
	free(in);
	free(out);
	return ret;
}

int scard_get_attr(int fd, uint32_t tag, void *buf, size_t size, size_t *len)
{
	uint32_t got = 0;
	int ret;

	ret = scard_dioc(fd, IOCTL_SMARTCARD_GET_ATTRIBUTE, &tag, sizeof(tag),
			 buf, (uint32_t)size, &got);
	if (len && (!ret || ret == -EOVERFLOW))
		*len = got;
	return ret;
}

int scard_set_attr(int fd, uint32_t tag, const void *val, size_t len)
{
	uint8_t *in;
	int ret;

	in = malloc(sizeof(tag) + len);
	if (!in)
		return -ENOMEM;
	memcpy(in, &tag, sizeof(tag));
	if (len)
		memcpy(in + sizeof(tag), val, len);
	ret = scard_dioc(fd, IOCTL_SMARTCARD_SET_ATTRIBUTE, in,
			 (uint32_t)(sizeof(tag) + len), NULL, 0, NULL);
	free(in);
	return ret;
}

int scard_is_present(int fd)
{
	return scard_dioc(fd, IOCTL_SMARTCARD_IS_PRESENT, NULL, 0, NULL, 0,
			  NULL);
}

int scard_is_absent(int fd)
{
	return scard_dioc(fd, IOCTL_SMARTCARD_IS_ABSENT, NULL, 0, NULL, 0,
			  NULL);
}

int scard_get_last_error(int fd, uint32_t *err)
{
	return scard_dioc(fd, IOCTL_SMARTCARD_GET_LAST_ERROR, NULL, 0, err,
			  sizeof(*err), NULL);
}

int scard_get_perf(int fd, struct scard_perf_cntr *perf, size_t *len)
{
	uint32_t got = 0;
	int ret;

	memset(perf, 0, sizeof(*perf));
	ret = scard_dioc(fd, IOCTL_SMARTCARD_GET_PERF_CNTR, NULL, 0, perf,
			 sizeof(*perf), &got);
	if (len && !ret)
		*len = got;
	return ret;
}

int scard_get_features(int fd, uint8_t *buf, size_t size, size_t *len)
{
	uint32_t got = 0;
	int ret;

	ret = scard_dioc(fd, IOCTL_SMARTCARD_GET_FEATURE_REQUEST, NULL, 0,
			 buf, (uint32_t)size, &got);
	if (len && (!ret || ret == -EOVERFLOW))
		*len = got;
	return ret;
}
