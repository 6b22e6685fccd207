// SPDX-License-Identifier: GPL-2.0
/*
 * libscard vproxy helpers: see vproxy.h and Documentation/scard/vproxy.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vproxy.h"

int scard_vproxy_create(const struct scard_vproxy_new_dev *req,
			struct scard_vproxy_new_dev *out)
{
	struct scard_vproxy_new_dev nd = *req;
	int ctl, ret;

	nd.index = 0;
	nd.fd = 0;
	memset(nd.reserved, 0, sizeof(nd.reserved));

	ctl = open(SCARD_VPROXY_CTL_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	ret = ioctl(ctl, SCARD_VPROXY_IOC_NEW_DEV, &nd);
	ret = ret < 0 ? -errno : (int)nd.fd;
	close(ctl);
	if (ret >= 0 && out)
		*out = nd;
	return ret;
}

int scard_vproxy_read_request(int fd, struct scard_vproxy_msg *hdr,
			      void *payload, size_t size)
{
	size_t cap = sizeof(*hdr) + size;
	uint8_t *buf;
	ssize_t n;
	int ret;

	if (size > SCARD_VPROXY_MAX_PAYLOAD)
		cap = SCARD_VPROXY_MAX_MSG;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	do {
		n = read(fd, buf, cap);
	} while (n < 0 && errno == EINTR);

	if (n < 0) {
		ret = -errno;
	} else if ((size_t)n < sizeof(*hdr)) {
		ret = -EPROTO;
	} else {
		memcpy(hdr, buf, sizeof(*hdr));
		if (hdr->len != (size_t)n - sizeof(*hdr) || hdr->len > size) {
			ret = -EPROTO;
		} else {
			if (hdr->len)
				memcpy(payload, buf + sizeof(*hdr), hdr->len);
			ret = (int)hdr->len;
		}
	}
	free(buf);
	return ret;
}

static int vproxy_write(int fd, const struct scard_vproxy_msg *hdr,
			const void *payload, size_t len)
{
	uint8_t small[sizeof(*hdr) + 64], *buf = small;
	size_t total = sizeof(*hdr) + len;
	ssize_t n;
	int ret;

	if (len > SCARD_VPROXY_MAX_PAYLOAD)
		return -EINVAL;
	if (total > sizeof(small)) {
		buf = malloc(total);
		if (!buf)
			return -ENOMEM;
	}
	memcpy(buf, hdr, sizeof(*hdr));
	if (len)
		memcpy(buf + sizeof(*hdr), payload, len);
	do {
		n = write(fd, buf, total);
	} while (n < 0 && errno == EINTR);
	ret = n < 0 ? -errno : (size_t)n == total ? 0 : -EIO;
	if (buf != small)
		free(buf);
	return ret;
}

int scard_vproxy_reply(int fd, const struct scard_vproxy_msg *req,
		       int status, const void *payload, size_t len)
{
	struct scard_vproxy_msg hdr = {
		.type = req->type | SCARD_VPROXY_REPLY,
		.seq = req->seq,
		.len = (uint32_t)len,
		.arg = status,
	};

	return vproxy_write(fd, &hdr, payload, len);
}

int scard_vproxy_card_event(int fd, int present)
{
	struct scard_vproxy_msg hdr = {
		.type = SCARD_VPROXY_CARD_EVENT,
		.arg = present ? 1 : 0,
	};

	return vproxy_write(fd, &hdr, NULL, 0);
}

const char *scard_vproxy_type_name(unsigned int type)
{
	switch (type & ~SCARD_VPROXY_REPLY) {
	case SCARD_VPROXY_POWER:
		return "POWER";
	case SCARD_VPROXY_PARAMS:
		return "PARAMS";
	case SCARD_VPROXY_XFR:
		return "XFR";
	case SCARD_VPROXY_SEND:
		return "SEND";
	case SCARD_VPROXY_RECV:
		return "RECV";
	case SCARD_VPROXY_CARD_EVENT:
		return "CARD_EVENT";
	default:
		return "?";
	}
}
