/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmarks' card: a vproxy APDU_EXT reader with a card present,
 * played by a thread that answers every request at once (bench-card.c).
 */
#ifndef SCARD_BENCH_CARD_H
#define SCARD_BENCH_CARD_H

#include <pthread.h>
#include <stdint.h>

struct bench_card {
	int fd;			/* the vproxy descriptor; -1 once stopped */
	pthread_t thread;
	unsigned int index;	/* N of /dev/scardN */
	char dev[32];
	uint8_t *req, *rep;	/* the thread's message buffers */
	int stop;		/* bench_card_stop() asks the thread to end */
};

/* Create the reader named @name and start its card; 0 or a negative errno. */
int bench_card_start(struct bench_card *c, const char *name);
/* Remove the reader (the thread sees the end) and join the thread. */
void bench_card_stop(struct bench_card *c);
/* Open the reader's node, waiting for it (no udev); fd or -errno. */
int bench_card_open(const struct bench_card *c, int flags);
/* Power the card up and select a protocol on @fd; the protocol or 0. */
uint32_t bench_ready(int fd);

#endif /* SCARD_BENCH_CARD_H */
