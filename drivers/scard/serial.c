// SPDX-License-Identifier: GPL-2.0
/*
 * scard_serial: a tty line discipline for serial smart card readers.
 *
 * scardattach (tools/scard) opens the tty, sets speed and framing, installs
 * this discipline with TIOCSETD and selects the reader protocol with
 * SCARD_SERIAL_IOC_SET_PROTO: GemPC Twin (CCID over serial, serial_twin.c)
 * or a direct ISO/IEC 7816-3 reader (Phoenix/Smartmouse, serial_phoenix.c).
 * The protocol finds the reader and registers /dev/scardN; it stays as long
 * as the discipline is attached. A hangup (USB-serial adapter unplugged,
 * the tool killed) or the discipline's close removes the reader exactly as
 * a USB unplug does: close is the reader's disconnect.
 *
 * Out of tree there is no line discipline number of our own: the module
 * parameter "ldisc" chooses it, N_DEVELOPMENT (29) by default
 * (Documentation/scard/serial.rst).
 *
 * Locking: receive_buf() runs in the tty's flip buffer work with the
 * discipline referenced; it takes ss->lock (a spinlock) only and hands the
 * bytes to the protocol. Close and hangup run with the discipline locked
 * for writing, so never together with receive_buf() or write_wakeup().
 * Reader operations run in the tasks of /dev/scardN's users; they write
 * through tty->ops->write() and sleep on ss->wait, which receive_buf(),
 * write_wakeup(), hangup and the reader's cancel operation wake.
 *
 * Model: drivers/bluetooth/hci_ldisc.c, drivers/net/can/slcan/slcan-core.c.
 */

#include <linux/capability.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/termios.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/scard.h>

#include "compat.h"
#include "serial.h"

#define SCARD_SERIAL_FLAGS_ALL	SCARD_SERIAL_FLAG_CARD_DETECT

static int ldisc = SCARD_SERIAL_LDISC_DEFAULT;
module_param(ldisc, int, 0444);
MODULE_PARM_DESC(ldisc,
		 "Line discipline number to register (default 29, N_DEVELOPMENT)");

static const struct scard_serial_proto *const scard_serial_protos[] = {
	&scard_serial_twin,
	&scard_serial_phoenix,
	&scard_serial_smartmouse,
};

/**
 * scard_serial_dead() - has the line gone?
 * @ss: the line
 *
 * Context: any.
 * Return: true once the line hung up or the discipline is closing.
 */
bool scard_serial_dead(struct scard_serial *ss)
{
	return READ_ONCE(ss->dead);
}
EXPORT_SYMBOL_IF_KUNIT(scard_serial_dead);

/**
 * scard_serial_write_wakeup() - the line can take more bytes
 * @ss: the line
 *
 * Context: any; takes @ss->lock.
 */
void scard_serial_write_wakeup(struct scard_serial *ss)
{
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	ss->write_room = true;
	spin_unlock_irqrestore(&ss->lock, flags);
	wake_up_all(&ss->wait);
}
EXPORT_SYMBOL_IF_KUNIT(scard_serial_write_wakeup);

static bool scard_serial_can_write(struct scard_serial *ss)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&ss->lock, flags);
	ret = ss->write_room || ss->dead;
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret;
}

/**
 * scard_serial_write() - send bytes, waiting for room as needed
 * @ss: the line
 * @buf: the bytes
 * @len: how many
 * @timeout_ms: the longest the line may take to accept them all
 *
 * Context: process; sleeps (killable).
 * Return: 0; -ENODEV once the line is gone; -EINTR on a fatal signal;
 * -ETIMEDOUT when the line did not take the bytes in time (flow control
 * held off for good); or the line's error.
 */
int scard_serial_write(struct scard_serial *ss, const u8 *buf, size_t len,
		       unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	unsigned long flags;
	long left;
	int n;

	while (len) {
		if (scard_serial_dead(ss))
			return -ENODEV;
		spin_lock_irqsave(&ss->lock, flags);
		ss->write_room = false;
		spin_unlock_irqrestore(&ss->lock, flags);
		n = ss->line->write(ss, buf, len);
		if (n < 0)
			return n;
		buf += n;
		len -= n;
		if (!len)
			break;
		if (n)
			continue;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return -ETIMEDOUT;
		left = min_t(long, left,
			     msecs_to_jiffies(SCARD_SERIAL_SLICE_MS));
		if (wait_event_killable_timeout(ss->wait,
						scard_serial_can_write(ss),
						left) < 0)
			return -EINTR;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_serial_write);

/* --- the tty under the line ----------------------------------------- */

static int scard_tty_write(struct scard_serial *ss, const u8 *buf, size_t len)
{
	struct tty_struct *tty = ss->line_data;

	set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	return tty->ops->write(tty, buf, len);
}

static void scard_tty_wait_sent(struct scard_serial *ss,
				unsigned int timeout_ms)
{
	tty_wait_until_sent(ss->line_data, msecs_to_jiffies(timeout_ms));
}

static int scard_tty_set_modem(struct scard_serial *ss, unsigned int set,
			       unsigned int clear)
{
	struct tty_struct *tty = ss->line_data;

	if (!tty->ops->tiocmset)
		return -EOPNOTSUPP;
	return tty->ops->tiocmset(tty, set, clear);
}

static int scard_tty_get_modem(struct scard_serial *ss)
{
	struct tty_struct *tty = ss->line_data;

	if (!tty->ops->tiocmget)
		return -EOPNOTSUPP;
	return tty->ops->tiocmget(tty);
}

static int scard_tty_set_line(struct scard_serial *ss, unsigned int baud,
			      unsigned int parity, bool two_stop)
{
	struct tty_struct *tty = ss->line_data;
	struct ktermios kt;

	down_read(&tty->termios_rwsem);
	kt = tty->termios;
	up_read(&tty->termios_rwsem);

	kt.c_cflag &= ~(PARENB | PARODD | CSTOPB | CSIZE);
	kt.c_cflag |= CS8 | CLOCAL | CREAD;
	/* Bytes with a parity error arrive flagged TTY_PARITY, not dropped. */
	kt.c_iflag &= ~(IGNPAR | PARMRK | ISTRIP | INPCK);
	if (parity != SCARD_SERIAL_PARITY_NONE)
		kt.c_iflag |= INPCK;
	if (parity != SCARD_SERIAL_PARITY_NONE)
		kt.c_cflag |= PARENB;
	if (parity == SCARD_SERIAL_PARITY_ODD)
		kt.c_cflag |= PARODD;
	if (two_stop)
		kt.c_cflag |= CSTOPB;
	tty_termios_encode_baud_rate(&kt, baud, baud);
	return tty_set_termios(tty, &kt);
}

static void scard_tty_flush(struct scard_serial *ss)
{
	tty_driver_flush_buffer(ss->line_data);
}

static const struct scard_serial_line_ops scard_tty_line_ops = {
	.write = scard_tty_write,
	.wait_sent = scard_tty_wait_sent,
	.set_modem = scard_tty_set_modem,
	.get_modem = scard_tty_get_modem,
	.set_line = scard_tty_set_line,
	.flush = scard_tty_flush,
};

/* --- the line discipline -------------------------------------------- */

static int scard_ldisc_open(struct tty_struct *tty)
{
	struct scard_serial *ss;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (!tty->ops->write)
		return -EOPNOTSUPP;

	ss = kzalloc(sizeof(*ss), GFP_KERNEL);
	if (!ss)
		return -ENOMEM;
	ss->line = &scard_tty_line_ops;
	ss->line_data = tty;
	ss->parent = tty->dev;
	ss->index = tty->index;
	strscpy(ss->name, tty->name, sizeof(ss->name));
	spin_lock_init(&ss->lock);
	init_waitqueue_head(&ss->wait);

	tty->disc_data = ss;
	tty->receive_room = 65536;
	tty_driver_flush_buffer(tty);
	return 0;
}

/* Fail every wait: operations in progress end with -ENODEV. */
static void scard_serial_kill(struct scard_serial *ss)
{
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	ss->dead = true;
	spin_unlock_irqrestore(&ss->lock, flags);
	wake_up_all(&ss->wait);
}

/*
 * Also the hangup path (hci_uart_tty_close): the reader goes as on a USB
 * unplug. Order: no more receive (we run with the discipline locked), fail
 * the waits, then the protocol unregisters the reader, which waits for the
 * operation in progress, and frees its state.
 */
static void scard_ldisc_close(struct tty_struct *tty)
{
	struct scard_serial *ss = tty->disc_data;
	unsigned long flags;

	if (!ss)
		return;
	tty->disc_data = NULL;
	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);

	spin_lock_irqsave(&ss->lock, flags);
	ss->ready = false;
	spin_unlock_irqrestore(&ss->lock, flags);
	scard_serial_kill(ss);
	if (ss->proto_data)
		ss->proto->detach(ss);
	kfree(ss);
}

static void scard_ldisc_hangup(struct tty_struct *tty)
{
	struct scard_serial *ss = tty->disc_data;

	if (ss)
		scard_serial_kill(ss);
}

/* scardattach polls for the hangup that removes the reader. */
static __poll_t scard_ldisc_poll(struct tty_struct *tty, struct file *file,
				 struct poll_table_struct *wait)
{
	struct scard_serial *ss = tty->disc_data;

	poll_wait(file, &tty->read_wait, wait);
	if (tty_hung_up_p(file) || !ss || scard_serial_dead(ss))
		return EPOLLHUP;
	return 0;
}

static void scard_ldisc_receive_buf(struct tty_struct *tty,
				    SCARD_LDISC_RECV_ARGS)
{
	struct scard_serial *ss = tty->disc_data;
	unsigned long flags;

	if (!ss)
		return;
	spin_lock_irqsave(&ss->lock, flags);
	if (ss->ready && !ss->dead)
		ss->proto->recv(ss, cp, (const u8 *)fp, count);
	spin_unlock_irqrestore(&ss->lock, flags);
	wake_up_all(&ss->wait);
}

static void scard_ldisc_write_wakeup(struct tty_struct *tty)
{
	struct scard_serial *ss = tty->disc_data;

	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	if (ss)
		scard_serial_write_wakeup(ss);
}

static int scard_ldisc_set_proto(struct scard_serial *ss, u32 id)
{
	const struct scard_serial_proto *proto = NULL;
	unsigned long flags;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(scard_serial_protos); i++)
		if (scard_serial_protos[i]->id == id)
			proto = scard_serial_protos[i];
	if (!proto)
		return -EINVAL;

	spin_lock_irqsave(&ss->lock, flags);
	if (ss->proto) {
		spin_unlock_irqrestore(&ss->lock, flags);
		return -EBUSY;
	}
	ss->proto = proto;
	spin_unlock_irqrestore(&ss->lock, flags);

	ret = proto->attach(ss);
	if (ret) {
		spin_lock_irqsave(&ss->lock, flags);
		ss->ready = false;
		spin_unlock_irqrestore(&ss->lock, flags);
		if (ss->proto_data)
			proto->detach(ss);
		ss->proto_data = NULL;
		/* The line stays; another protocol may be tried. */
		spin_lock_irqsave(&ss->lock, flags);
		ss->proto = NULL;
		spin_unlock_irqrestore(&ss->lock, flags);
	}
	return ret;
}

/* Clock and speed of a direct reader, checked; before SET_PROTO only. */
static int scard_ldisc_set_direct(struct scard_serial *ss, void __user *arg)
{
	struct scard_serial_direct d;
	unsigned long flags;
	int ret = 0;

	if (copy_from_user(&d, arg, sizeof(d)))
		return -EFAULT;
	if (d.reserved[0] || d.reserved[1])
		return -EINVAL;
	if (d.clock_khz && (d.clock_khz < SCARD_SERIAL_DIRECT_CLOCK_MIN ||
			    d.clock_khz > SCARD_SERIAL_DIRECT_CLOCK_MAX))
		return -EINVAL;
	if (d.max_rate > SCARD_SERIAL_DIRECT_RATE_MAX)
		return -EINVAL;
	/* The protocol reads it once set, under the same lock. */
	spin_lock_irqsave(&ss->lock, flags);
	if (ss->proto)
		ret = -EBUSY;
	else
		ss->direct = d;
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret;
}

static int scard_ldisc_ioctl(struct tty_struct *tty, unsigned int cmd,
			     unsigned long arg)
{
	struct scard_serial *ss = tty->disc_data;
	u32 __user *uarg = (u32 __user *)arg;
	unsigned long flags;
	u32 val;
	int ret;

	if (!ss)
		return -EBADF;

	switch (cmd) {
	case SCARD_SERIAL_IOC_SET_PROTO:
		if (get_user(val, uarg))
			return -EFAULT;
		return scard_ldisc_set_proto(ss, val);
	case SCARD_SERIAL_IOC_SET_FLAGS:
		if (get_user(val, uarg))
			return -EFAULT;
		if (val & ~SCARD_SERIAL_FLAGS_ALL)
			return -EINVAL;
		spin_lock_irqsave(&ss->lock, flags);
		ret = ss->proto ? -EBUSY : 0;
		if (!ret)
			ss->flags = val;
		spin_unlock_irqrestore(&ss->lock, flags);
		return ret;
	case SCARD_SERIAL_IOC_SET_DIRECT:
		return scard_ldisc_set_direct(ss, (void __user *)arg);
	case SCARD_SERIAL_IOC_GET_DEVICE:
		if (!READ_ONCE(ss->ready))
			return -EUNATCH;
		ret = ss->proto->minor(ss);
		if (ret < 0)
			return ret;
		return put_user((u32)ret, uarg);
	default:
		return n_tty_ioctl_helper(tty, cmd, arg);
	}
}

static struct tty_ldisc_ops scard_ldisc = {
	.owner = THIS_MODULE,
	.name = "scard",
	.open = scard_ldisc_open,
	.close = scard_ldisc_close,
	.hangup = scard_ldisc_hangup,
	.ioctl = scard_ldisc_ioctl,
	.poll = scard_ldisc_poll,
	.receive_buf = scard_ldisc_receive_buf,
	.write_wakeup = scard_ldisc_write_wakeup,
};

static int __init scard_serial_init(void)
{
	int ret;

	if (ldisc <= N_TTY || ldisc >= NR_LDISCS) {
		pr_err("scard_serial: ldisc %d out of range 1..%d\n", ldisc,
		       NR_LDISCS - 1);
		return -EINVAL;
	}
	scard_ldisc.num = ldisc;
	ret = tty_register_ldisc(&scard_ldisc);
	if (ret)
		pr_err("scard_serial: cannot register line discipline %d: %d\n",
		       ldisc, ret);
	return ret;
}
module_init(scard_serial_init);

static void __exit scard_serial_exit(void)
{
	tty_unregister_ldisc(&scard_ldisc);
}
module_exit(scard_serial_exit);

MODULE_ALIAS_LDISC(SCARD_SERIAL_LDISC_DEFAULT);
MODULE_DESCRIPTION("Serial smart card readers (tty line discipline)");
MODULE_LICENSE("GPL");
