/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscard vproxy helpers: play the card of a virtual reader.
 *
 * scard_vproxy_create() makes a reader (/dev/scardN) through
 * /dev/scard_vproxy and returns the card-side descriptor. The card process
 * then loops: scard_vproxy_read_request(), act on the request, answer it
 * with scard_vproxy_reply(); scard_vproxy_card_event() inserts or removes
 * the card at any time. Closing the descriptor removes the reader.
 * The protocol: Documentation/scard/vproxy.rst.
 *
 * Every function returns 0 (or a non-negative count) on success and a
 * negative errno on failure, like the rest of libscard.
 */
#ifndef LIBSCARD_VPROXY_H
#define LIBSCARD_VPROXY_H

#include <stddef.h>

#include <linux/scard.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCARD_VPROXY_CTL_PATH	"/dev/scard_vproxy"
/* Largest request or reply payload. */
#define SCARD_VPROXY_MAX_PAYLOAD \
	(SCARD_VPROXY_MAX_MSG - sizeof(struct scard_vproxy_msg))

/*
 * Create a reader as described by @req (index, fd and reserved are
 * ignored: sent as 0). On success the completed structure (index = N of
 * /dev/scardN) is stored in @out when it is not NULL, and the card-side
 * descriptor (close-on-exec) is returned. Needs CAP_SYS_ADMIN.
 */
int scard_vproxy_create(const struct scard_vproxy_new_dev *req,
			struct scard_vproxy_new_dev *out);

/*
 * Read one request: its header into @hdr, its payload into @payload (@size
 * bytes available). Blocks unless @fd is O_NONBLOCK (-EAGAIN). Returns the
 * payload length; -EMSGSIZE when the payload does not fit in @size (the
 * request stays queued: read it again with a larger buffer, or use
 * SCARD_VPROXY_MAX_PAYLOAD bytes).
 */
int scard_vproxy_read_request(int fd, struct scard_vproxy_msg *hdr,
			      void *payload, size_t size);

/*
 * Answer the request @req with @status (0, or a negative errno such as
 * -ETIMEDOUT for a mute card) and @len payload bytes (the ATR for POWER,
 * the answer for XFR, the bytes for RECV; nothing for PARAMS, SEND and
 * POWER_DOWN). Returns 0; -EINVAL if the kernel refused the reply.
 */
int scard_vproxy_reply(int fd, const struct scard_vproxy_msg *req,
		       int status, const void *payload, size_t len);

/* Report a card insertion (@present != 0) or removal. */
int scard_vproxy_card_event(int fd, int present);

/* "POWER", "PARAMS", "XFR", "SEND", "RECV", "CARD_EVENT" or "?" */
const char *scard_vproxy_type_name(unsigned int type);

#ifdef __cplusplus
}
#endif

#endif /* LIBSCARD_VPROXY_H */
