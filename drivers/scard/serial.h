/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard_serial: what the line discipline (serial.c) offers the reader
 * protocols that run over it (serial_twin.c, serial_phoenix.c).
 *
 * A protocol sees the serial line through struct scard_serial_line_ops, not
 * through the tty directly, so that the KUnit suites can put a fake line
 * under it (drivers/scard/tests/serial_kunit.c).
 */
#ifndef _SCARD_SERIAL_H
#define _SCARD_SERIAL_H

#include <linux/kfifo.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/scard.h>

#include <kunit/visibility.h>

struct scard_serial;

/**
 * struct scard_serial_line_ops - the serial line under a protocol
 * @write: queue up to @len bytes for sending; returns how many were taken
 *	(maybe 0: wait for scard_serial_write_wakeup()) or a negative errno.
 *	Process context.
 * @wait_sent: wait until the bytes queued have left, at most @timeout_ms.
 *	Process context, may sleep.
 * @set_modem: set (@set) and clear (@clear) TIOCM_* modem lines. Process
 *	context, may sleep.
 * @get_modem: the TIOCM_* modem lines, or a negative errno. Process context.
 * @set_line: speed in bps, parity (0 none, 1 even, 2 odd) and two stop
 *	bits or one. With parity on, a byte received with a parity error
 *	reaches the protocol flagged TTY_PARITY. Process context, may sleep.
 * @flush: drop the bytes queued but not yet sent. Process context.
 */
struct scard_serial_line_ops {
	int (*write)(struct scard_serial *ss, const u8 *buf, size_t len);
	void (*wait_sent)(struct scard_serial *ss, unsigned int timeout_ms);
	int (*set_modem)(struct scard_serial *ss, unsigned int set,
			 unsigned int clear);
	int (*get_modem)(struct scard_serial *ss);
	int (*set_line)(struct scard_serial *ss, unsigned int baud,
			unsigned int parity, bool two_stop);
	void (*flush)(struct scard_serial *ss);
};

#define SCARD_SERIAL_PARITY_NONE	0
#define SCARD_SERIAL_PARITY_EVEN	1
#define SCARD_SERIAL_PARITY_ODD		2

/**
 * struct scard_serial_proto - a reader protocol over a serial line
 * @id: SCARD_SERIAL_PROTO_*
 * @name: for messages
 * @attach: find the reader on the line and register its /dev/scardN
 *	(SCARD_SERIAL_IOC_SET_PROTO). Process context; bytes already arrive
 *	through @recv.
 * @detach: unregister the reader and free the protocol's state: the line
 *	is gone (hangup, ldisc closed) or @attach failed after it set
 *	@ss->proto_data. Process context; @recv is no longer called.
 * @recv: bytes from the line, @flags the TTY_* flag of each byte (NULL:
 *	all TTY_NORMAL). Called with @ss->lock held, interrupts off; must
 *	not sleep.
 * @minor: the minor of the reader's /dev/scardN (SCARD_SERIAL_IOC_GET_DEVICE).
 */
struct scard_serial_proto {
	u32 id;
	const char *name;
	int (*attach)(struct scard_serial *ss);
	void (*detach)(struct scard_serial *ss);
	void (*recv)(struct scard_serial *ss, const u8 *data, const u8 *flags,
		     size_t count);
	int (*minor)(struct scard_serial *ss);
};

/**
 * struct scard_serial - one serial line with the scard line discipline
 * @line: the line's operations
 * @line_data: for @line (the tty, or a KUnit fake)
 * @parent: parent device of the readers (the tty's device), may be NULL
 * @name: the line's name, e.g. "ttyS3"
 * @index: the line's number, for SCARD_ATTR_CHANNEL_ID
 * @flags: SCARD_SERIAL_FLAG_* set before the protocol
 * @direct: SCARD_SERIAL_IOC_SET_DIRECT, set before the protocol (zero:
 *	the defaults)
 * @proto: the protocol selected, or NULL
 * @proto_data: the protocol's state
 * @rdr: the reader the protocol created, from its attach to its detach
 *	(for the KUnit suites, which drive it through the core)
 * @lock: protects @ready, @dead and the protocol's receive state
 * @ready: @recv may be called
 * @dead: the line hung up or the discipline is closing: operations fail
 *	with -ENODEV (under @lock; read with READ_ONCE() in wait conditions)
 * @wait: woken when bytes arrive, when write room appears, on cancel and
 *	when the line goes
 * @write_room: write room appeared since the last write (under @lock)
 */
struct scard_serial {
	const struct scard_serial_line_ops *line;
	void *line_data;
	struct device *parent;
	char name[32];
	unsigned int index;
	u32 flags;
	struct scard_serial_direct direct;
	const struct scard_serial_proto *proto;
	void *proto_data;
	struct scard_reader *rdr;
	spinlock_t lock;		/* see above */
	bool ready;
	bool dead;
	wait_queue_head_t wait;
	bool write_room;
};

/* SCARD_SERIAL_IOC_SET_DIRECT limits: ISO/IEC 7816-3 clocks, UART speeds. */
#define SCARD_SERIAL_DIRECT_CLOCK_MIN	1000
#define SCARD_SERIAL_DIRECT_CLOCK_MAX	20000
#define SCARD_SERIAL_DIRECT_RATE_MAX	1000000

/* Largest sleep in one go: waits loop, so no task sleeps long in D state. */
#define SCARD_SERIAL_SLICE_MS	1000

bool scard_serial_dead(struct scard_serial *ss);
void scard_serial_write_wakeup(struct scard_serial *ss);
int scard_serial_write(struct scard_serial *ss, const u8 *buf, size_t len,
		       unsigned int timeout_ms);

extern const struct scard_serial_proto scard_serial_twin;
extern const struct scard_serial_proto scard_serial_phoenix;
extern const struct scard_serial_proto scard_serial_smartmouse;

#endif /* _SCARD_SERIAL_H */
