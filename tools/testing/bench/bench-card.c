// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmarks' card (bench-card.h). Case 2 (short: P3 = Le, 0 = 256;
 * extended: 00 Le1 Le2, 0 = 65536) gets Le bytes and 90 00, anything else
 * 90 00 alone. Raw read()/write() with buffers allocated once: the card
 * costs as little as a card process can.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/scard.h>

#include "libscard.h"
#include "vproxy.h"
#include "bench-card.h"

static void *card_thread(void *arg)
{
	static const uint8_t atr[] = { 0x3B, 0x02, 0x14, 0x50 };
	struct bench_card *c = arg;
	struct scard_vproxy_msg *req = (void *)c->req;
	struct scard_vproxy_msg *rep = (void *)c->rep;
	uint8_t *out = c->rep + sizeof(*rep);
	ssize_t n;

	for (;;) {
		const uint8_t *apdu = c->req + sizeof(*req);
		size_t len = 0;

		n = read(c->fd, c->req, SCARD_VPROXY_MAX_MSG);
		if (__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE))
			return NULL;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)sizeof(*req))
			return NULL;
		memset(rep, 0, sizeof(*rep));
		rep->type = req->type | SCARD_VPROXY_REPLY;
		rep->seq = req->seq;
		if (req->type == SCARD_VPROXY_POWER &&
		    req->arg != SCARD_POWER_DOWN) {
			len = sizeof(atr);
			memcpy(out, atr, len);
		} else if (req->type == SCARD_VPROXY_XFR) {
			size_t le = 0;

			if (req->len == 5)
				le = apdu[4] ? apdu[4] : 256;
			else if (req->len == 7 && !apdu[4])
				le = (apdu[5] << 8 | apdu[6]) ?: 65536;
			memset(out, 0xA5, le);
			out[le] = 0x90;
			out[le + 1] = 0x00;
			len = le + 2;
		}
		rep->len = (uint32_t)len;
		if (write(c->fd, c->rep, sizeof(*rep) + len) < 0)
			return NULL;
	}
}

/* SIGUSR1 only interrupts the card's read(), see bench_card_stop(). */
static void wake_card(int sig)
{
	(void)sig;
}

int bench_card_start(struct bench_card *c, const char *name)
{
	struct sigaction sa = { .sa_handler = wake_card };
	struct scard_vproxy_new_dev nd = {
		.flags = SCARD_VPROXY_FLAG_CARD_PRESENT,
		.level = SCARD_VPROXY_LEVEL_APDU_EXT,
		.protocols = SCARD_PROTOCOL_T0,
	};
	int ret;

	memset(c, 0, sizeof(*c));
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	snprintf((char *)nd.name, sizeof(nd.name), "%s", name);
	c->req = malloc(SCARD_VPROXY_MAX_MSG);
	c->rep = malloc(SCARD_VPROXY_MAX_MSG);
	if (!c->req || !c->rep) {
		ret = -ENOMEM;
		goto err;
	}
	c->fd = scard_vproxy_create(&nd, &nd);
	if (c->fd < 0) {
		ret = c->fd;
		goto err;
	}
	c->index = nd.index;
	snprintf(c->dev, sizeof(c->dev), "/dev/scard%u", nd.index);
	ret = -pthread_create(&c->thread, NULL, card_thread, c);
	if (ret) {
		close(c->fd);
		goto err;
	}
	return 0;
err:
	free(c->req);
	free(c->rep);
	c->fd = -1;
	return ret;
}

void bench_card_stop(struct bench_card *c)
{
	struct timespec ts;

	if (c->fd < 0)
		return;
	/*
	 * A close() from here would not end the thread's read(), which holds
	 * the file: interrupt it until the thread has seen the flag.
	 */
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
	do {
		pthread_kill(c->thread, SIGUSR1);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
	} while (pthread_timedjoin_np(c->thread, NULL, &ts));
	close(c->fd);
	free(c->req);
	free(c->rep);
	c->fd = -1;
}

int bench_card_open(const struct bench_card *c, int flags)
{
	int fd = -1, i;

	/* udev is not running: the node may take a moment */
	for (i = 0; i < 200 && (fd = open(c->dev, flags)) < 0; i++)
		usleep(10000);
	return fd < 0 ? -errno : fd;
}

uint32_t bench_ready(int fd)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t sel = 0;
	size_t n;

	if (scard_power(fd, SCARD_COLD_RESET, atr, sizeof(atr), &n) ||
	    scard_set_protocol(fd, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
				&sel))
		return 0;
	return sel;
}
