// SPDX-License-Identifier: GPL-2.0
/*
 * scard_ccid: USB CCID (class 0x0B) smart card readers.
 *
 * One struct scard_reader per slot. The message format lives in
 * ccid_msg.c (scard.ko); this file moves the messages over the bulk
 * endpoints and turns NotifySlotChange interrupts into card events.
 *
 * Exchanges: one command at a time per slot, and commands to different
 * slots overlap up to bMaxCCIDBusySlots (ccid_lock(); with 1 they
 * queue). bSeq grows by one per command, across slots, and is checked
 * on every answer; stale answers are dropped. The slots share the bulk
 * endpoints: one task at a time sends, one reads, and the reader hands
 * each answer to the slot that bSlot names (ccid_receive()), so a slot's
 * long exchange does not hold up another's. The bulk URBs are the
 * driver's own, so that disconnect can poison them and an exchange in
 * progress ends at once with -ENODEV.
 *
 * Waits: every sleep is killable (the wait for a slot interruptible)
 * and lasts at most CCID_SLEEP_MS, well below the hung-task detector's
 * 120 s; the wait for an answer restarts with each time extension, for
 * as long as the reader asks. They all sleep on one wait queue, woken by
 * the URB completions, the release of a slot or an endpoint, ops->cancel,
 * system sleep, suspend and disconnect. A timeout, a fatal signal, the
 * core cancelling (close() of the file whose asynchronous TRANSMIT runs)
 * or the system going to sleep aborts the command on the reader (CCID
 * 5.3.1) within CCID_ABORT_MS, so the operation ends within a second;
 * the reader stays in step, since a late answer has an old bSeq. The
 * waits cannot be freezable: they hold the core's reader lock and a
 * slot. See Documentation/scard/ccid.rst.
 *
 * Models: drivers/usb/class/cdc-wdm.c, cdc-acm.c, usb-skeleton.c.
 */

#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/suspend.h>
#include <linux/usb.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/scard.h>
#include <linux/scard_proto.h>

#include "ccid_msg.h"
#include "compat.h"
#include "ccid_quirks.h"

/* Slots beyond this many are ignored (bMaxSlotIndex may say up to 256). */
#define CCID_MAX_SLOTS		8
/* Largest message: an extended APDU (65544 bytes) plus the header. */
#define CCID_MAX_MSG		(CCID_HDR_SIZE + SCARD_MAX_APDU)
/* Smallest dwMaxCCIDMessageLength we accept (one full-speed packet). */
#define CCID_MIN_MSG		64

#define CCID_CMD_TIMEOUT_MS	3000	/* status, power off, parameters */
#define CCID_POWER_TIMEOUT_MS	5000	/* IccPowerOn: activation + ATR */
#define CCID_OUT_TIMEOUT_MS	5000	/* the bulk OUT stage alone */
#define CCID_ABORT_MS		750	/* the whole Abort sequence */
#define CCID_ABORT_CTRL_MS	250	/* ... of which the class request */
#define CCID_MAX_WAIT_MS	300000	/* one wait for one answer */
#define CCID_SLEEP_MS		10000	/* one sleep */
#define CCID_MAX_STALE		8	/* stale answers dropped per exchange */
#define CCID_MAX_ZLP		8	/* empty bulk IN completions tolerated */
#define CCID_POLL_MS		1000	/* presence polling without interrupt */
#define CCID_GONE_WAIT_MS	1000	/* a transport error: unplugged? */
#define CCID_PIN_DEFAULT_MS	90000	/* bTimerOut 0: the reader's default */

#define CCID_QEMU_MAX_MSG	384
#define CCID_KICK_AFTER_MS	1000
#define CCID_MAX_PARAM_QUIRKS	16

static bool escape;
module_param(escape, bool, 0644);
MODULE_PARM_DESC(escape,
		 "Offer IOCTL_CCID_ESCAPE (vendor commands) on readers bound afterwards (default: off)");

static unsigned int xfr_timeout_ms = 10000;
module_param(xfr_timeout_ms, uint, 0644);
MODULE_PARM_DESC(xfr_timeout_ms,
		 "Minimum time to wait for a card's answer to XfrBlock, in ms (default: 10000)");

/* The module parameter, kept within sane bounds. */
static unsigned int ccid_xfr_timeout(void)
{
	return clamp_t(unsigned int, READ_ONCE(xfr_timeout_ms), 1000,
		       CCID_MAX_WAIT_MS);
}

struct ccid_dev;

/**
 * struct ccid_slot - one slot, one /dev/scardN
 * @ccid: the device
 * @rdr: the scard reader
 * @index: bSlot
 * @registered: scard_reader_register() succeeded
 * @timeout_ms: XfrBlock timeout under the parameters in force
 * @out_buf: where the slot's commands are built, @ccid->max_msg bytes:
 *	the slot's own when several slots may be busy at once, else the
 *	device's (@ccid->out_buf)
 * @locked: a task runs commands on the slot (under @ccid->lock); see
 *	ccid_lock()
 * @expecting: a command of the slot waits for its answer, which the
 *	task reading bulk IN hands to it (under @ccid->lock)
 * @in_taken: the slot took the answer that in_buf holds for it (under
 *	@ccid->lock): the next ccid_receive() frees in_buf, not before
 * @abort_pending: an exchange cut by suspend left a command to abort
 *	(written and read by the task that has the slot @locked, or while
 *	the device is reset and no slot is)
 * @abort_seq: its bSeq
 */
struct ccid_slot {
	struct ccid_dev *ccid;
	struct scard_reader *rdr;
	u8 index;
	bool registered;
	unsigned int timeout_ms;
	u8 *out_buf;
	bool locked;
	bool expecting;
	bool in_taken;
	bool abort_pending;
	u8 abort_seq;
};

/**
 * struct ccid_dev - one bound CCID interface
 * @udev: the USB device
 * @intf: the CCID interface
 * @desc: its class descriptor
 * @nslots: number of slots driven (at most CCID_MAX_SLOTS)
 * @max_busy: slots that may have a command in progress at once:
 *	bMaxCCIDBusySlots, at least 1 and at most @nslots
 * @max_msg: largest bulk message, header included
 * @quirks: CCID_QUIRK_*
 * @data_rates: the data rates GET_DATA_RATES listed (bps), or none
 * @n_data_rates: entries in @data_rates
 * @clocks: the clocks GET_CLOCK_FREQUENCIES listed (kHz), or none
 * @n_clocks: entries in @clocks
 * @seq: bSeq of the next command, for every slot
 * @out_buf: bulk OUT buffer, @max_msg bytes (the slots' when only one
 *	may be busy at a time)
 * @in_buf: bulk IN buffer, @max_msg bytes: the message just read, for
 *	@in_owner once it is handed over
 * @out_urb: bulk OUT URB, used by the task that has @out_busy
 * @in_urb: bulk IN URB, used by the task that has @in_reading
 * @out_done: @out_urb completed (set with release semantics)
 * @in_done: @in_urb completed (set with release semantics)
 * @in_flight: @in_urb was submitted and its completion is not taken yet;
 *	a reader that gives up leaves it running for the next one, so that
 *	no message is cut in half (owned by the task that has @in_reading)
 * @out_pipe: bulk OUT pipe
 * @in_pipe: bulk IN pipe
 * @wait: every wait of the driver: woken by the bulk completions, by the
 *	release of a slot, of the bulk endpoints or of @in_buf, by
 *	ops->cancel and by every change of the flags below
 * @int_urb: interrupt IN URB (NotifySlotChange), NULL without endpoint
 * @int_buf: its buffer
 * @int_work: resubmits @int_urb after an error (clears a halt first)
 * @poll_work: polls the slots when there is no interrupt endpoint
 * @rescan_work: asks every slot for its status and reports presence
 * @pm_nb: system sleep notifier
 * @lock: protects the flags below and the slots' @locked and @expecting
 *	(any context)
 * @busy: slots @locked, at most @max_busy
 * @out_busy: a task sends on bulk OUT
 * @in_reading: a task reads bulk IN
 * @in_owner: the slot whose answer @in_buf holds, until it is done with
 *	it; no task reads bulk IN meanwhile
 * @disconnected: the interface is going away
 * @stopped: suspended or being reset: no interrupt URB, no new I/O
 * @sleeping: the system is going to sleep (from PM_*_PREPARE to
 *	PM_POST_*): exchanges in progress are aborted, new ones wait
 * @int_halted: the interrupt endpoint stalled
 * @rescan_power_off: the next rescan powers down active cards
 * @hw_errors: RDR_to_PC_HardwareError messages taken (sysfs)
 * @slots: the slots
 */
struct ccid_dev {
	struct usb_device *udev;
	struct usb_interface *intf;
	struct scard_ccid_desc desc;
	unsigned int nslots;
	unsigned int max_busy;
	size_t max_msg;
	unsigned long quirks;
	u32 data_rates[SCARD_MAX_DATA_RATES];
	unsigned int n_data_rates;
	u32 clocks[SCARD_MAX_CLOCKS];
	unsigned int n_clocks;

	atomic_t seq;
	u8 *out_buf;
	u8 *in_buf;
	struct urb *out_urb;
	struct urb *in_urb;
	bool out_done;
	bool in_done;
	bool in_flight;
	unsigned int out_pipe;
	unsigned int in_pipe;

	wait_queue_head_t wait;
	struct urb *int_urb;
	u8 *int_buf;
	struct delayed_work int_work;
	struct delayed_work poll_work;
	struct work_struct rescan_work;
	struct notifier_block pm_nb;

	spinlock_t lock;		/* the flags below */
	unsigned int busy;
	bool out_busy;
	bool in_reading;
	struct ccid_slot *in_owner;
	bool disconnected;
	bool stopped;
	bool sleeping;
	bool int_halted;
	bool rescan_power_off;
	atomic_t hw_errors;

	struct ccid_slot slots[CCID_MAX_SLOTS];
};

static struct device *ccid_dev(struct ccid_dev *ccid)
{
	return &ccid->intf->dev;
}

/* bSeq for the next command, whichever slot it is for. */
static u8 ccid_seq(struct ccid_dev *ccid)
{
	return (u8)atomic_fetch_inc(&ccid->seq);
}

static bool ccid_gone(struct ccid_dev *ccid)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&ccid->lock, flags);
	gone = ccid->disconnected;
	spin_unlock_irqrestore(&ccid->lock, flags);
	return gone;
}

/*
 * The device's reasons to end an exchange: -ENODEV once it is going away,
 * -ECANCELED while it is suspended or being reset, and with @sleep_too
 * while the system is going to sleep; else 0.
 */
static int ccid_dev_stop(struct ccid_dev *ccid, bool sleep_too)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ccid->lock, flags);
	if (ccid->disconnected)
		ret = -ENODEV;
	else if (ccid->stopped || (sleep_too && ccid->sleeping))
		ret = -ECANCELED;
	spin_unlock_irqrestore(&ccid->lock, flags);
	return ret;
}

/*
 * Why the exchange for @rdr must end now: the device's reasons, a fatal
 * signal (-EINTR) or the core cancelling the operation (-ECANCELED);
 * else 0. @rdr is NULL for the driver's own commands (presence polling,
 * rescans), which run in work items: only the device going away or
 * being suspended ends them, not the system preparing to sleep, so that
 * the rescan of a resume is not lost.
 */
static int ccid_stop_reason(struct ccid_dev *ccid, struct scard_reader *rdr)
{
	int ret = ccid_dev_stop(ccid, !!rdr);

	if (ret || !rdr)
		return ret;
	if (fatal_signal_pending(current))
		return -EINTR;
	return scard_reader_cancelled(rdr) ? -ECANCELED : 0;
}

static void ccid_bulk_complete(struct urb *urb)
{
	struct ccid_dev *ccid = urb->context;
	bool *done = urb == ccid->in_urb ? &ccid->in_done : &ccid->out_done;

	/* Pairs with ccid_flag_set(): the waiter then reads the URB. */
	smp_store_release(done, true);
	wake_up_all(&ccid->wait);
}

/* What ccid_wait() waits for; may claim what it tests for the caller. */
typedef bool (*ccid_ready_t)(struct ccid_dev *ccid, void *arg);

/* For ccid_wait(): has the URB whose done flag @arg is completed? */
static bool ccid_flag_set(struct ccid_dev *ccid, void *arg)
{
	/* Acquire: pairs with the release in ccid_bulk_complete(). */
	return smp_load_acquire((bool *)arg);
}

/*
 * The condition of ccid_wait(): ready, or a reason to stop (set in
 * *@stop). The result is kept in *@over too, since the wait_event macros
 * evaluate it again when the sleep times out.
 */
static bool ccid_wait_over(struct ccid_dev *ccid, struct scard_reader *rdr,
			   ccid_ready_t ready, void *arg, bool abort,
			   int *stop, bool *over)
{
	if (ready(ccid, arg)) {
		*stop = 0;
		*over = true;
	} else {
		*stop = abort ? ccid_dev_stop(ccid, false) :
				ccid_stop_reason(ccid, rdr);
		*over = *stop;
	}
	return *over;
}

/*
 * Wait until @ready(@ccid, @arg) or @deadline, in killable sleeps of at
 * most CCID_SLEEP_MS, ending early for ccid_stop_reason(). @ready is
 * evaluated until it is true, and once true it is not evaluated again,
 * so it may claim something for the caller. The Abort sequence (@abort)
 * sleeps uninterruptibly, since the fatal signal that may have led to it
 * is still pending; only the device going away or being suspended ends
 * it early, and its deadline is short.
 *
 * Return: 0 once ready, -ETIMEDOUT, or the reason to stop.
 */
static int ccid_wait(struct ccid_dev *ccid, struct scard_reader *rdr,
		     ccid_ready_t ready, void *arg, unsigned long deadline,
		     bool abort)
{
	bool over = false;
	int stop = 0;
	long left;

	for (;;) {
		left = (long)(deadline - jiffies);
		/* What came by the deadline counts. */
		if (left <= 0)
			return ready(ccid, arg) ? 0 : -ETIMEDOUT;
		left = min_t(long, left, msecs_to_jiffies(CCID_SLEEP_MS));
		if (abort) {
			wait_event_timeout(ccid->wait,
					   ccid_wait_over(ccid, rdr, ready, arg,
							  true, &stop, &over),
					   left);
		} else if (wait_event_killable_timeout(ccid->wait,
						       ccid_wait_over(ccid, rdr,
								      ready, arg,
								      false,
								      &stop,
								      &over),
						       left) < 0) {
			return -EINTR;
		}
		/* Ready (stop 0), or the reason to stop. */
		if (over)
			return stop;
	}
}

/*
 * An unplugged device fails the transfer, or cuts a message short, before
 * the hub driver has seen it go: give disconnect a moment to tell.
 */
static bool ccid_unplugged(struct ccid_dev *ccid)
{
	return wait_event_killable_timeout(ccid->wait, ccid_gone(ccid),
					   msecs_to_jiffies(CCID_GONE_WAIT_MS)) > 0;
}

/* Shorter than its header, or than the dwLength it says it carries? */
static bool ccid_truncated(const u8 *buf, size_t len, size_t max)
{
	u32 dlen;

	if (len < CCID_HDR_SIZE)
		return true;
	dlen = get_unaligned_le32(buf + 1);
	return dlen <= max - CCID_HDR_SIZE && CCID_HDR_SIZE + dlen > len;
}

/* The errno for a bulk URB that completed with a non-zero status. */
static int ccid_urb_error(struct ccid_dev *ccid, struct urb *urb)
{
	int ret;

	switch (urb->status) {
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
	case -ENODEV:
		/* Killed: by disconnect, suspend or reset? */
		ret = ccid_dev_stop(ccid, false);
		if (ret)
			return ret;
		fallthrough;
	case -EPROTO:
	case -EILSEQ:
	case -ETIME:
		return ccid_unplugged(ccid) ? -ENODEV : -EIO;
	case -EPIPE:
		return -EPIPE;
	case -EOVERFLOW:
		return -EPROTO;
	default:
		return -EIO;
	}
}

/* For ccid_wait(): claim bulk OUT, if no other slot is sending. */
static bool ccid_claim_out(struct ccid_dev *ccid, void *arg)
{
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&ccid->lock, flags);
	got = !ccid->out_busy;
	ccid->out_busy = true;
	spin_unlock_irqrestore(&ccid->lock, flags);
	return got;
}

static void ccid_release_out(struct ccid_dev *ccid)
{
	spin_lock_irq(&ccid->lock);
	ccid->out_busy = false;
	spin_unlock_irq(&ccid->lock);
	wake_up_all(&ccid->wait);
}

/*
 * Send the @len-byte command in @s's out_buf on bulk OUT, once no other
 * slot is sending, by @deadline; waits as ccid_wait() does. The URB is
 * killed when the wait gives up (if it completed meanwhile after all,
 * that counts).
 *
 * Return: 0, -ETIMEDOUT, the reason to stop, or the transfer's errno.
 */
static int ccid_send(struct ccid_slot *s, struct scard_reader *rdr,
		     size_t len, unsigned long deadline, bool abort)
{
	struct ccid_dev *ccid = s->ccid;
	struct urb *urb = ccid->out_urb;
	int ret;

	ret = ccid_wait(ccid, rdr, ccid_claim_out, NULL, deadline, abort);
	if (ret)
		return ret;

	/* Never URB_ZERO_PACKET: QEMU would STALL the empty "message". */
	urb->transfer_buffer = s->out_buf;
	urb->transfer_buffer_length = len;
	WRITE_ONCE(ccid->out_done, false);
	ret = usb_submit_urb(urb, GFP_KERNEL);
	if (ret == -EPERM || ret == -ENODEV) {
		/* Poisoned by disconnect, suspend or reset. */
		ret = ccid_dev_stop(ccid, false) ?: -ENODEV;
		goto out;
	}
	if (ret)
		goto out;

	ret = ccid_wait(ccid, rdr, ccid_flag_set, &ccid->out_done, deadline,
			abort);
	if (ret) {
		usb_kill_urb(urb);
		if (urb->status) {
			ret = ccid_gone(ccid) ? -ENODEV : ret;
			goto out;
		}
	}
	ret = urb->status ? ccid_urb_error(ccid, urb) : 0;
out:
	ccid_release_out(ccid);
	return ret;
}

/*
 * Answers come on one bulk IN endpoint for every slot. One task at a
 * time reads it (in_reading), and only while in_buf is free: the message
 * read goes to the slot that bSlot names if it expects an answer, which
 * takes it from in_buf and frees in_buf once done with it. So with
 * several slots busy, whichever waits reads for all, and each still
 * checks its own answers (ccid_transact()).
 */

/*
 * @s is done with the answer in in_buf, if it has one: one it took
 * (@all false: ccid_receive() looks for the next), or any (@all: the
 * command is over, what came for it is stale).
 */
static void ccid_release_in(struct ccid_slot *s, bool all)
{
	struct ccid_dev *ccid = s->ccid;
	bool woke;

	spin_lock_irq(&ccid->lock);
	woke = ccid->in_owner == s && (all || s->in_taken);
	if (woke)
		ccid->in_owner = NULL;
	s->in_taken = false;
	spin_unlock_irq(&ccid->lock);
	if (woke)
		wake_up_all(&ccid->wait);
}

/* Take the answer handed to @s, if there is one: *@len bytes in in_buf. */
static bool ccid_take_in(struct ccid_slot *s, size_t *len)
{
	struct ccid_dev *ccid = s->ccid;
	bool got;

	spin_lock_irq(&ccid->lock);
	got = ccid->in_owner == s;
	if (got) {
		s->in_taken = true;
		/* Set before the reader's ccid_hand_over(). */
		*len = ccid->in_urb->actual_length;
	}
	spin_unlock_irq(&ccid->lock);
	return got;
}

/* @s expects (@on) an answer, or no longer. */
static void ccid_expect(struct ccid_slot *s, bool on)
{
	struct ccid_dev *ccid = s->ccid;

	spin_lock_irq(&ccid->lock);
	s->expecting = on;
	spin_unlock_irq(&ccid->lock);
}

/*
 * For ccid_wait(): may slot @arg go on? Yes once in_buf holds an answer
 * for it, or when it may read bulk IN itself: nobody reads it and in_buf
 * is free, which claims the reading for it.
 */
static bool ccid_in_turn(struct ccid_dev *ccid, void *arg)
{
	struct ccid_slot *s = arg;
	unsigned long flags;
	bool go;

	spin_lock_irqsave(&ccid->lock, flags);
	go = ccid->in_owner == s;
	if (!go && !ccid->in_reading && !ccid->in_owner) {
		ccid->in_reading = true;
		go = true;
	}
	spin_unlock_irqrestore(&ccid->lock, flags);
	return go;
}

/*
 * Read one message from bulk IN into in_buf, for whichever slot (the
 * reading claimed): submit in_urb, unless the one that an earlier reader
 * left running is still in flight, and wait for it until @deadline. A
 * reader that gives up leaves in_urb in flight for the next one.
 *
 * Return: 0 with the message in in_buf, in_urb->actual_length bytes; or
 * -ETIMEDOUT, the reason to stop, or the transfer's errno.
 */
static int ccid_read_in(struct ccid_dev *ccid, struct scard_reader *rdr,
			unsigned long deadline, bool abort)
{
	struct urb *urb = ccid->in_urb;
	bool retried = false;
	int ret;

again:
	if (!ccid->in_flight) {
		WRITE_ONCE(ccid->in_done, false);
		ret = usb_submit_urb(urb, GFP_KERNEL);
		if (ret == -EPERM || ret == -ENODEV)
			/* Poisoned by disconnect, suspend or reset. */
			return ccid_dev_stop(ccid, false) ?: -ENODEV;
		if (ret)
			return ret;
		ccid->in_flight = true;
	}
	ret = ccid_wait(ccid, rdr, ccid_flag_set, &ccid->in_done, deadline,
			abort);
	if (ret)
		return ret;
	ccid->in_flight = false;
	/*
	 * Only a suspend or a reset kills in_urb (usb_poison_urb()); once
	 * the device is back, the URB it left behind is read again.
	 */
	if (urb->status == -ENOENT && !retried && !ccid_dev_stop(ccid, false)) {
		retried = true;
		goto again;
	}
	return urb->status ? ccid_urb_error(ccid, urb) : 0;
}

/*
 * Hand the message in in_buf over: to the slot that bSlot names when it
 * expects an answer; to @self when that is @self, or when the message
 * names no slot of ours (its checks refuse it). A message for a slot that
 * expects nothing (an aborted command's late answer) is dropped.
 *
 * Return: 0 when @self or another slot got it, -EAGAIN when dropped.
 */
static int ccid_hand_over(struct ccid_dev *ccid, struct ccid_slot *self,
			  size_t len)
{
	struct ccid_slot *to = self;
	u8 idx = 0;

	spin_lock_irq(&ccid->lock);
	if (len >= CCID_HDR_SIZE) {
		idx = ccid->in_buf[5];
		if (idx < ccid->nslots && idx != self->index) {
			to = &ccid->slots[idx];
			if (!to->expecting)
				to = NULL;
		}
	}
	ccid->in_owner = to;
	spin_unlock_irq(&ccid->lock);
	if (!to)
		dev_dbg_ratelimited(ccid_dev(ccid),
				    "dropped answer for idle slot %u\n", idx);
	return to ? 0 : -EAGAIN;
}

/*
 * The next message from bulk IN for @s, once the one before (if any) is
 * done with: read by @s itself or by another slot's reader, until
 * @deadline. Empty messages (QEMU on xHCI: the ZLP after a 64-multiple
 * answer) and messages for idle slots count in *@zlp and *@stale.
 *
 * Return: 0 with the message in in_buf (*@len bytes), owned by @s until
 * ccid_release_in(); or an errno.
 */
static int ccid_receive(struct ccid_slot *s, struct scard_reader *rdr,
			unsigned long deadline, bool abort, size_t *len,
			unsigned int *zlp, unsigned int *stale)
{
	struct ccid_dev *ccid = s->ccid;
	int ret;

	ccid_release_in(s, false);
	for (;;) {
		ret = ccid_wait(ccid, rdr, ccid_in_turn, s, deadline, abort);
		if (ret)
			return ret;
		if (ccid_take_in(s, len))
			return 0;

		ret = ccid_read_in(ccid, rdr, deadline, abort);
		*len = ccid->in_urb->actual_length;
		if (ret == -EPIPE) {
			usb_clear_halt(ccid->udev, ccid->in_pipe);
			ret = -EIO;
		} else if (!ret && !*len) {
			ret = ++*zlp > CCID_MAX_ZLP ? -EPROTO : -EAGAIN;
		} else if (!ret && ccid_truncated(ccid->in_buf, *len,
						  ccid->max_msg) &&
			   ccid_unplugged(ccid)) {
			/*
			 * A message cut short: what an unplug in the middle
			 * of the bulk IN leaves. The caller hears ENODEV,
			 * not a protocol error, when the device is indeed
			 * going.
			 */
			ret = -ENODEV;
		} else if (!ret) {
			ret = ccid_hand_over(ccid, s, *len);
			if (ret && ++*stale > CCID_MAX_STALE)
				ret = -EPROTO;
		}
		spin_lock_irq(&ccid->lock);
		ccid->in_reading = false;
		spin_unlock_irq(&ccid->lock);
		wake_up_all(&ccid->wait);
		/* Ours: taken now, whatever the deadline says. */
		if (!ret && ccid_take_in(s, len))
			return 0;
		if (ret && ret != -EAGAIN)
			return ret;
	}
}

/*
 * Abort the command @s/@seq (CCID 5.3.1): the class request ABORT,
 * then PC_to_RDR_Abort with the same bSlot/bSeq, then read until its
 * SlotStatus, skipping the aborted command's own late answer (which has
 * the same bSeq). All of it within CCID_ABORT_MS whatever the reader
 * does, and even with a fatal signal pending. QEMU STALLs the control
 * request and fails the bulk Abort as not supported; both are fine.
 * Caller has the slot locked.
 */
static void ccid_abort(struct ccid_slot *s, u8 seq)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(CCID_ABORT_MS);
	struct ccid_dev *ccid = s->ccid;
	unsigned int i, zlp = 0, stale = 0;
	struct scard_ccid_resp resp;
	size_t len;
	int ret;

	if (ccid_dev_stop(ccid, false))
		return;

	ret = usb_control_msg(ccid->udev, usb_sndctrlpipe(ccid->udev, 0),
			      CCID_REQ_ABORT,
			      USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
			      seq << 8 | s->index,
			      ccid->intf->cur_altsetting->desc.bInterfaceNumber,
			      NULL, 0, CCID_ABORT_CTRL_MS);
	if (ret < 0)
		dev_dbg(ccid_dev(ccid), "control ABORT: %d\n", ret);

	ret = scard_ccid_build_abort(s->out_buf, ccid->max_msg, s->index, seq);
	if (ret < 0)
		return;
	ccid_release_in(s, true);
	ccid_expect(s, true);
	if (ccid_send(s, NULL, ret, deadline, true))
		goto out;

	for (i = 0; i < CCID_MAX_STALE; i++) {
		if (ccid_receive(s, NULL, deadline, true, &len, &zlp, &stale))
			break;
		ret = scard_ccid_parse_response(&resp, ccid->in_buf, len,
						CCID_PC_TO_RDR_ABORT, s->index,
						seq);
		/* The late answer to the aborted command has our bSeq too. */
		if (ret != -EPROTO && ret != -EAGAIN && ret != -EINPROGRESS)
			break;
	}
out:
	ccid_expect(s, false);
	ccid_release_in(s, true);
}

/*
 * The command @s/@seq was cut short, for @reason: abort it on the reader
 * now, or if the device is suspended or being reset, before the slot's
 * next command once it is back. Caller has the slot locked.
 *
 * Return: -ENODEV once the device is going away, else @reason.
 */
static int ccid_cut(struct ccid_slot *s, u8 seq, int reason)
{
	struct ccid_dev *ccid = s->ccid;

	switch (ccid_dev_stop(ccid, false)) {
	case 0:
		ccid_abort(s, seq);
		break;
	case -ECANCELED:
		s->abort_pending = true;
		s->abort_seq = seq;
		break;
	default:
		break;
	}
	return ccid_gone(ccid) ? -ENODEV : reason;
}

/* Wake QEMU's emulated card up (CCID_QUIRK_LOST_WAKEUP): an empty XfrBlock. */
static int ccid_kick(struct ccid_slot *s, struct scard_reader *rdr)
{
	int len;

	dev_dbg_ratelimited(ccid_dev(s->ccid), "no answer yet, kicking\n");
	len = scard_ccid_build_xfr_block(s->out_buf, s->ccid->max_msg,
					 s->index, ccid_seq(s->ccid), 0,
					 CCID_CHAIN_NONE, NULL, 0);
	if (len < 0)
		return len;
	return ccid_send(s, rdr, len,
			 jiffies + msecs_to_jiffies(CCID_OUT_TIMEOUT_MS), false);
}

/*
 * Send the @len-byte command in @s's out_buf and wait up to @timeout_ms
 * for its answer, which is validated into @resp (pointing into in_buf,
 * which @s owns until its next command or ccid_unlock()). Each time
 * extension restarts the wait, multiplied by its bError, however many
 * come. On a timeout, a fatal signal or a cancel the command is aborted
 * (ccid_cut()). @rdr is the reader the command is for, NULL for the
 * driver's own commands. Caller has the slot locked.
 */
static int ccid_transact(struct ccid_slot *s, struct scard_reader *rdr,
			 size_t len, unsigned int timeout_ms,
			 struct scard_ccid_resp *resp)
{
	struct ccid_dev *ccid = s->ccid;
	u8 req = s->out_buf[0], seq = s->out_buf[6];
	unsigned int stale = 0, zlp = 0;
	unsigned long deadline, kick;
	size_t got;
	int ret;

	/* Expecting before the command goes: another slot may read for us. */
	ccid_release_in(s, true);
	ccid_expect(s, true);
	ret = ccid_send(s, rdr, len,
			jiffies + msecs_to_jiffies(CCID_OUT_TIMEOUT_MS), false);
	if (ret == -EINTR || ret == -ECANCELED) {
		/* A part of the command may have gone out. */
		ccid_expect(s, false);
		return ccid_cut(s, seq, ret);
	}
	if (ret) {
		if (ret == -EPIPE) {
			usb_clear_halt(ccid->udev, ccid->out_pipe);
			ret = -EIO;
		}
		if (ret != -ENODEV)
			dev_warn_ratelimited(ccid_dev(ccid),
					     "command %02x: bulk OUT failed: %d\n",
					     req, ret);
		goto out;
	}

	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	kick = jiffies + msecs_to_jiffies(CCID_KICK_AFTER_MS);
	if (!(ccid->quirks & CCID_QUIRK_LOST_WAKEUP) ||
	    req != CCID_PC_TO_RDR_XFR_BLOCK || time_after(kick, deadline))
		kick = 0;
	for (;;) {
		ret = ccid_receive(s, rdr, kick ? kick : deadline, false, &got,
				   &zlp, &stale);
		if (ret == -ETIMEDOUT && kick) {
			kick = 0;
			ret = ccid_kick(s, rdr);
			if (ret == -EINTR || ret == -ECANCELED)
				break;
			if (ret)
				goto out;
			continue;
		}
		if (ret == -ETIMEDOUT)
			dev_dbg_ratelimited(ccid_dev(ccid),
					    "command %02x seq %u: timeout\n",
					    req, seq);
		if (ret == -ETIMEDOUT || ret == -EINTR || ret == -ECANCELED)
			break;
		if (ret)
			goto out;

		ret = scard_ccid_parse_response(resp, ccid->in_buf, got, req,
						s->index, seq);
		switch (ret) {
		case -EAGAIN:
			dev_dbg_ratelimited(ccid_dev(ccid),
					    "dropped answer with seq %u, want %u\n",
					    resp->seq, seq);
			if (++stale > CCID_MAX_STALE) {
				ret = -EPROTO;
				goto out;
			}
			continue;
		case -EINPROGRESS:
			/*
			 * No limit on their number: a card is served for as
			 * long as it asks. Each wait is bounded, each sleep
			 * killable.
			 */
			deadline = jiffies +
				   msecs_to_jiffies(min_t(u64, (u64)timeout_ms *
							  max_t(u8, resp->error, 1),
							  CCID_MAX_WAIT_MS));
			continue;
		case -EPROTO:
			dev_warn_ratelimited(ccid_dev(ccid),
					     "command %02x: bad answer %*ph\n",
					     req,
					     (int)min_t(size_t, CCID_HDR_SIZE, got),
					     ccid->in_buf);
			goto out;
		default:
			goto out;
		}
	}
	/* Timed out, interrupted or cancelled: abort the command. */
	ccid_expect(s, false);
	return ccid_cut(s, seq, ret);
out:
	ccid_expect(s, false);
	return ret;
}

/*
 * One attempt at @s for ccid_lock(): the slot, and one of the device's
 * max_busy places. Return: 0, -EAGAIN or why not.
 */
static int ccid_try_lock(struct ccid_slot *s, struct scard_reader *rdr)
{
	struct ccid_dev *ccid = s->ccid;
	unsigned long flags;
	int ret = 0;

	if (rdr && scard_reader_cancelled(rdr))
		return -ECANCELED;
	/*
	 * One check under the lock, no claim to undo: a wake-up from here
	 * would end the caller's own sleep at once. Asleep: a reader
	 * operation waits (whoever clears the flag wakes it); the driver's
	 * own work gives up while the device is suspended, and resume
	 * schedules it again.
	 */
	spin_lock_irqsave(&ccid->lock, flags);
	if (ccid->disconnected)
		ret = -ENODEV;
	else if (ccid->stopped || (rdr && ccid->sleeping))
		ret = rdr ? -EAGAIN : -ECANCELED;
	else if (s->locked || ccid->busy >= ccid->max_busy)
		ret = -EAGAIN;
	if (!ret) {
		s->locked = true;
		ccid->busy++;
	}
	spin_unlock_irqrestore(&ccid->lock, flags);
	return ret;
}

/*
 * Take slot @s for an operation on @rdr, or with @rdr NULL for the
 * driver's own work: one command at a time per slot, and at most
 * max_busy slots of the device at once (bMaxCCIDBusySlots; with 1,
 * commands to different slots queue). Waits interruptibly for the slot
 * or a place and, for @rdr, while the device or the system sleeps, until
 * resume; ends when the core cancels. The driver's own work gives up
 * (-ECANCELED) while the device is suspended. Then aborts a command left
 * over from an exchange cut by suspend (a user task that the freezer
 * wakes meanwhile gets -EINTR, like any interrupted blocking call).
 * Release with ccid_unlock().
 *
 * Return: 0, -EINTR, -ECANCELED or -ENODEV.
 */
static int ccid_lock(struct ccid_slot *s, struct scard_reader *rdr)
{
	long left;
	int ret;

	do {
		left = wait_event_interruptible_timeout(s->ccid->wait,
							(ret = ccid_try_lock(s, rdr)) != -EAGAIN,
							msecs_to_jiffies(CCID_SLEEP_MS));
		if (left < 0)
			return -EINTR;
	} while (!left);
	if (ret)
		return ret;

	if (s->abort_pending) {
		s->abort_pending = false;
		ccid_abort(s, s->abort_seq);
	}
	return 0;
}

/* Release @s; @used: counts as use of the reader (autosuspend delay). */
static void __ccid_unlock(struct ccid_slot *s, bool used)
{
	struct ccid_dev *ccid = s->ccid;

	if (used)
		usb_mark_last_busy(ccid->udev);
	ccid_release_in(s, true);
	spin_lock_irq(&ccid->lock);
	s->locked = false;
	ccid->busy--;
	spin_unlock_irq(&ccid->lock);
	wake_up_all(&ccid->wait);
}

static void ccid_unlock(struct ccid_slot *s)
{
	__ccid_unlock(s, true);
}

static int ccid_get_slot_status(struct ccid_slot *s, struct scard_reader *rdr,
				struct scard_ccid_resp *resp)
{
	struct ccid_dev *ccid = s->ccid;
	int len;

	len = scard_ccid_build_get_slot_status(s->out_buf, ccid->max_msg,
					       s->index, ccid_seq(ccid));
	if (len < 0)
		return len;
	return ccid_transact(s, rdr, len, CCID_CMD_TIMEOUT_MS, resp);
}

static int ccid_power_off(struct ccid_slot *s, struct scard_reader *rdr)
{
	struct ccid_dev *ccid = s->ccid;
	struct scard_ccid_resp resp;
	int len, ret;

	len = scard_ccid_build_icc_power_off(s->out_buf, ccid->max_msg,
					     s->index, ccid_seq(ccid));
	if (len < 0)
		return len;
	ret = ccid_transact(s, rdr, len, CCID_CMD_TIMEOUT_MS, &resp);
	if (!ret && resp.icc_status == CCID_ICC_ABSENT)
		ret = -ENOMEDIUM;
	return ret;
}

static int ccid_power_on(struct ccid_slot *s, u8 *atr, size_t *atr_len)
{
	struct ccid_dev *ccid = s->ccid;
	struct scard_ccid_resp resp = {};
	u8 select = CCID_POWER_AUTO;
	int len, ret;

	for (;;) {
		len = scard_ccid_build_icc_power_on(s->out_buf,
						    ccid->max_msg, s->index,
						    ccid_seq(ccid), select);
		if (len < 0)
			return len;
		/*
		 * On failure QEMU 7.2 still sends an ATR (maybe stale): only
		 * the status counts.
		 */
		ret = ccid_transact(s, s->rdr, len, CCID_POWER_TIMEOUT_MS,
				    &resp);
		/* bError 7: bPowerSelect refused; try 5 V explicitly. */
		if (ret == -EINVAL && resp.error == 7 &&
		    select == CCID_POWER_AUTO) {
			select = CCID_POWER_5V;
			continue;
		}
		break;
	}
	if (ret)
		return ret;
	if (resp.icc_status == CCID_ICC_ABSENT)
		return -ENOMEDIUM;
	if (!resp.data_len)
		return -EPROTO;
	if (resp.data_len > SCARD_MAX_ATR)
		dev_warn_ratelimited(ccid_dev(ccid),
				     "slot %u: ATR of %zu bytes truncated\n",
				     s->index, resp.data_len);
	*atr_len = min_t(size_t, resp.data_len, SCARD_MAX_ATR);
	memcpy(atr, resp.data, *atr_len);
	s->timeout_ms = ccid_xfr_timeout();
	return 0;
}

static int ccid_power(struct scard_reader *rdr, u32 action, u8 *atr,
		      size_t *atr_len)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);
	int ret;

	ret = ccid_lock(s, rdr);
	if (ret)
		return ret;

	switch (action) {
	case SCARD_POWER_DOWN:
		ret = ccid_power_off(s, rdr);
		break;
	case SCARD_COLD_RESET:
		ret = ccid_power_off(s, rdr);
		if (ret == -ENODEV || ret == -EINTR || ret == -ECANCELED)
			break;
		ret = ccid_power_on(s, atr, atr_len);
		break;
	case SCARD_WARM_RESET:
		/* IccPowerOn on a powered card is a warm reset. */
		ret = ccid_power_on(s, atr, atr_len);
		break;
	default:
		ret = -EINVAL;
		break;
	}

	ccid_unlock(s);
	return ret;
}

/*
 * A reader that does not change its data rate by itself (no "automatic
 * baud rate change" in dwFeatures) is told the clock and rate the
 * parameters need (PC_to_RDR_SetDataRateAndClockFrequency, CCID 6.1.14);
 * at the default rate it already runs at, nothing is sent. Reader locked.
 */
static int ccid_set_data_rate(struct ccid_slot *s, struct scard_reader *rdr,
			      const struct scard_params *params)
{
	struct ccid_dev *ccid = s->ccid;
	struct scard_ccid_resp resp;
	u32 clk, f, d, rate;
	int len, ret;

	if (ccid->desc.features & CCID_FEAT_AUTO_BAUD)
		return 0;
	clk = scard_pps_clk_khz(&rdr->caps, params->fi);
	f = scard_atr_fi_to_f(params->fi);
	d = scard_atr_di_to_d(params->di);
	if (!f || !d || (f == 372 && d == 1))
		return 0;
	/* The rate as the reader lists it, if it does. */
	rate = scard_pps_listed_rate(&rdr->caps,
				     div_u64((u64)clk * 1000 * d, f));
	if (!rate)
		return 0;
	len = scard_ccid_build_set_data_rate(s->out_buf, ccid->max_msg,
					     s->index, ccid_seq(ccid), clk, rate);
	if (len < 0)
		return len;
	ret = ccid_transact(s, rdr, len, CCID_CMD_TIMEOUT_MS, &resp);
	if (ret == -EOPNOTSUPP || ret == -EINVAL) {
		/* Not every reader has it, or takes our values: try anyway. */
		dev_dbg(ccid_dev(ccid), "slot %u: SetDataRate refused: %d\n",
			s->index, ret);
		return 0;
	}
	if (!ret && resp.data_len >= 8)
		dev_dbg(ccid_dev(ccid), "slot %u: %u kHz, %u bps\n", s->index,
			get_unaligned_le32(resp.data),
			get_unaligned_le32(resp.data + 4));
	return ret;
}

static int ccid_set_params(struct scard_reader *rdr,
			   const struct scard_params *params)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);
	struct ccid_dev *ccid = s->ccid;
	struct scard_ccid_resp resp;
	unsigned int wait;
	int len, ret;

	ret = ccid_lock(s, rdr);
	if (ret)
		return ret;

	len = scard_ccid_build_set_parameters(s->out_buf, ccid->max_msg,
					      s->index, ccid_seq(ccid), params,
					      rdr->atr.inverse);
	if (len < 0) {
		ret = len;
		goto out;
	}
	ret = ccid_transact(s, rdr, len, CCID_CMD_TIMEOUT_MS, &resp);
	/* A reader that configures itself from the ATR may refuse. */
	if (ret == -EOPNOTSUPP &&
	    (ccid->desc.features & (CCID_FEAT_AUTO_CONF_ATR |
				    CCID_FEAT_AUTO_PARAM_NEG))) {
		dev_dbg(ccid_dev(ccid), "slot %u: SetParameters refused\n",
			s->index);
		ret = 0;
	}
	if (ret)
		goto out;
	ret = ccid_set_data_rate(s, rdr, params);
	if (ret)
		goto out;

	/* The reader times the card; allow twice that plus a margin. */
	wait = scard_ccid_wait_ms(params, ccid->desc.default_clock);
	s->timeout_ms = clamp_t(unsigned int, 2 * wait + 1000,
				ccid_xfr_timeout(), CCID_MAX_WAIT_MS);
out:
	ccid_unlock(s);
	return ret;
}

/*
 * Take the answer to the XfrBlock just exchanged from @resp, and at the
 * APDU level the next pieces of a response that the reader chains
 * (bChainParameter 1, then 3 while more follow, 2 for the last; CCID
 * 6.2.1), each asked for with an empty XfrBlock, wLevelParameter 10h. A
 * response larger than @rx_size is still read to its end, so that the
 * reader stays in step and its size is known.
 *
 * Return: 0 or -EOVERFLOW, with *@rx_len the size of the response; or
 * the error of an exchange.
 */
static int ccid_xfr_response(struct ccid_slot *s, struct scard_ccid_resp *resp,
			     unsigned int timeout_ms, u8 *rx, size_t rx_size,
			     size_t *rx_len)
{
	struct ccid_dev *ccid = s->ccid;
	unsigned int empty = 0;
	size_t got = 0;
	int len, ret;

	for (;;) {
		ret = scard_ccid_icc_active(resp);
		if (ret)
			return ret;
		if (got <= rx_size && resp->data_len <= rx_size - got)
			memcpy(rx + got, resp->data, resp->data_len);
		got += resp->data_len;

		if (resp->specific != CCID_CHAIN_BEGIN &&
		    resp->specific != CCID_CHAIN_CONTINUE)
			break;
		if (got > CCID_MAX_DATA ||
		    (!resp->data_len && ++empty > CCID_MAX_STALE))
			return -EPROTO;
		len = scard_ccid_build_xfr_block(s->out_buf, ccid->max_msg,
						 s->index, ccid_seq(ccid), 0,
						 CCID_CHAIN_EMPTY, NULL, 0);
		if (len < 0)
			return len;
		ret = ccid_transact(s, s->rdr, len, timeout_ms, resp);
		if (ret)
			return ret;
	}
	*rx_len = got;
	return got > rx_size ? -EOVERFLOW : 0;
}

/*
 * Send @tx in XfrBlocks. At the APDU level a command longer than one
 * message goes in pieces (wLevelParameter 1, then 3 while more follow, 2
 * for the last; CCID 6.1.4), and the reader asks for each next piece
 * with an empty DataBlock, bChainParameter 10h. @resp is the answer to
 * the last piece.
 */
static int ccid_xfr_command(struct ccid_slot *s, const u8 *tx, size_t tx_len,
			    u8 bwi, unsigned int timeout_ms,
			    struct scard_ccid_resp *resp)
{
	struct ccid_dev *ccid = s->ccid;
	size_t piece = ccid->max_msg - CCID_HDR_SIZE, off = 0, n;
	u16 chain = CCID_CHAIN_NONE;
	int len, ret;

	do {
		n = min(piece, tx_len - off);
		if (tx_len > piece)
			chain = !off ? CCID_CHAIN_BEGIN :
				off + n < tx_len ? CCID_CHAIN_CONTINUE :
				CCID_CHAIN_END;
		len = scard_ccid_build_xfr_block(s->out_buf, ccid->max_msg,
						 s->index, ccid_seq(ccid), bwi,
						 chain, tx + off, n);
		if (len < 0)
			return len;
		ret = ccid_transact(s, s->rdr, len, timeout_ms, resp);
		if (!ret)
			ret = scard_ccid_icc_active(resp);
		if (ret)
			return ret;
		off += n;
		if (off < tx_len &&
		    (resp->data_len || (resp->specific != CCID_CHAIN_EMPTY &&
					resp->specific != CCID_CHAIN_NONE)))
			return -EPROTO;
	} while (off < tx_len);
	return 0;
}

static int ccid_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		    u8 *rx, size_t rx_size, size_t *rx_len)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);
	struct ccid_dev *ccid = s->ccid;
	unsigned int timeout_ms = s->timeout_ms;
	struct scard_ccid_resp resp;
	u8 bwi = 0;
	int ret;

	if (ccid->desc.level < SCARD_LEVEL_APDU) {
		/* caps.max_msg: the core's units fit in one message. */
		if (tx_len > ccid->max_msg - CCID_HDR_SIZE)
			return -EMSGSIZE;
		/*
		 * T=1 after S(WTX request): the reader gets the multiplier
		 * the core granted as bBWI (CCID 6.1.4) and waits that many
		 * BWTs; so does the driver.
		 */
		if (rdr->wtx) {
			bwi = min(rdr->wtx, 255U);
			timeout_ms = min_t(u64, (u64)timeout_ms * bwi,
					   CCID_MAX_WAIT_MS);
		}
	}

	ret = ccid_lock(s, rdr);
	if (ret)
		return ret;
	ret = ccid_xfr_command(s, tx, tx_len, bwi, timeout_ms, &resp);
	if (!ret)
		ret = ccid_xfr_response(s, &resp, timeout_ms, rx, rx_size,
					rx_len);
	ccid_unlock(s);
	return ret;
}

static int ccid_escape(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		       u8 *rx, size_t rx_size, size_t *rx_len)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);
	struct ccid_dev *ccid = s->ccid;
	struct scard_ccid_resp resp;
	int len, ret;

	/* Escape commands have no chaining. */
	if (tx_len > ccid->max_msg - CCID_HDR_SIZE)
		return -EMSGSIZE;

	ret = ccid_lock(s, rdr);
	if (ret)
		return ret;

	len = scard_ccid_build_escape(s->out_buf, ccid->max_msg, s->index,
				      ccid_seq(ccid), tx, tx_len);
	if (len < 0) {
		ret = len;
		goto out;
	}
	ret = ccid_transact(s, rdr, len, ccid_xfr_timeout(), &resp);
	if (ret)
		goto out;
	/* On -EOVERFLOW too: the size needed. */
	ret = scard_ccid_copy_data(&resp, rx, rx_size, rx_len);
out:
	ccid_unlock(s);
	return ret;
}

/*
 * PC_to_RDR_Secure: the user types while the reader waits, so the wait is
 * the user's time (bTimerOut, or a reader default of up to a minute and a
 * half) plus the card's, whatever time extensions the reader sends; every
 * sleep of it stays killable and ends on a cancel, and ccid_transact()
 * aborts the entry then.
 */
static int ccid_secure(struct scard_reader *rdr, const struct scard_pin_op *op,
		       u8 *rx, size_t rx_size, size_t *rx_len)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);
	struct ccid_dev *ccid = s->ccid;
	unsigned int timeout_ms;
	struct scard_ccid_resp resp;
	u8 sw[2], seq;
	int len, ret;

	timeout_ms = max_t(unsigned int, CCID_PIN_DEFAULT_MS,
			   (op->timeout + op->timeout2) * 1000U) +
		     s->timeout_ms;
	timeout_ms = min_t(unsigned int, timeout_ms, CCID_MAX_WAIT_MS);

	ret = ccid_lock(s, rdr);
	if (ret)
		return ret;
	seq = ccid_seq(ccid);
	len = scard_ccid_build_secure(s->out_buf, ccid->max_msg, s->index,
				      seq, op);
	if (len < 0) {
		ret = len;
		goto out;
	}
	memset(&resp, 0, sizeof(resp));
	ret = ccid_transact(s, rdr, len, timeout_ms, &resp);
	/* The reader's own answer to this command, not a stale one. */
	if ((ret == -ECANCELED || ret == -ETIMEDOUT) && resp.seq == seq &&
	    scard_ccid_pin_sw(&resp, sw)) {
		*rx_len = sizeof(sw);
		ret = rx_size < sizeof(sw) ? -EOVERFLOW : 0;
		if (!ret)
			memcpy(rx, sw, sizeof(sw));
		goto out;
	}
	if (!ret)
		ret = ccid_xfr_response(s, &resp, s->timeout_ms, rx, rx_size,
					rx_len);
out:
	ccid_unlock(s);
	return ret;
}

/*
 * Autosuspend: an open /dev/scardN (of any slot) keeps the reader awake,
 * and opening one wakes it; with none open it may suspend (when user space
 * allows it, power/control "auto"). Card tracking needs an open file, so
 * a pending IS_PRESENT or IS_ABSENT keeps it awake too.
 */
static int ccid_open(struct scard_reader *rdr)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);
	int ret;

	ret = usb_autopm_get_interface(s->ccid->intf);
	if (ret)
		return ret;
	/* A resume's rescan done: the file starts from the slots' state. */
	flush_work(&s->ccid->rescan_work);
	return 0;
}

static void ccid_close(struct scard_reader *rdr)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);

	usb_autopm_put_interface(s->ccid->intf);
}

/* The core cancels the operation for @rdr: wake its wait. Never sleeps. */
static void ccid_cancel(struct scard_reader *rdr)
{
	struct ccid_slot *s = scard_reader_get_drvdata(rdr);

	wake_up_all(&s->ccid->wait);
}

static const struct scard_reader_ops ccid_ops = {
	.open = ccid_open,
	.close = ccid_close,
	.power = ccid_power,
	.set_params = ccid_set_params,
	.xfr = ccid_xfr,
	.secure = ccid_secure,
	.cancel = ccid_cancel,
};

static const struct scard_reader_ops ccid_ops_escape = {
	.open = ccid_open,
	.close = ccid_close,
	.power = ccid_power,
	.set_params = ccid_set_params,
	.xfr = ccid_xfr,
	.escape = ccid_escape,
	.secure = ccid_secure,
	.cancel = ccid_cancel,
};

/*
 * Ask every slot for its status and report the presence. With
 * @power_off, cards found active are powered down first: the core's
 * state after (re)discovery is "present, unpowered" (QEMU 7.2 even
 * reports a freshly inserted card as active before any IccPowerOn).
 */
static void ccid_rescan(struct ccid_dev *ccid, bool power_off)
{
	struct scard_ccid_resp resp;
	unsigned int i;
	bool present;
	int ret;

	for (i = 0; i < ccid->nslots; i++) {
		struct ccid_slot *s = &ccid->slots[i];

		/* Gives up while the device is suspended. */
		if (ccid_lock(s, NULL))
			return;
		ret = ccid_get_slot_status(s, NULL, &resp);
		present = !ret && resp.icc_status != CCID_ICC_ABSENT;
		if (present && power_off && resp.icc_status == CCID_ICC_ACTIVE)
			ccid_power_off(s, NULL);
		/*
		 * Reported before the unlock: an operation that takes the
		 * device next starts from the state just read. A card found
		 * deactivated (after a suspend) has had its session ended.
		 */
		if (!ret && present && resp.icc_status == CCID_ICC_INACTIVE)
			scard_reader_card_unpowered(s->rdr);
		if (!ret)
			scard_reader_card_event(s->rdr, present);
		ccid_unlock(s);

		if (ret && ret != -ENODEV)
			dev_warn_ratelimited(ccid_dev(ccid),
					     "slot %u: GetSlotStatus failed: %d\n",
					     i, ret);
	}
}

/*
 * The driver's own exchanges run when the device is awake: the rescan
 * (after probe, a resume, a reset) keeps it so while it runs, without
 * waking it; a suspended device makes it give up (stopped).
 */
static void ccid_rescan_work(struct work_struct *work)
{
	struct ccid_dev *ccid = container_of(work, struct ccid_dev,
					     rescan_work);
	bool power_off;

	spin_lock_irq(&ccid->lock);
	power_off = ccid->rescan_power_off;
	ccid->rescan_power_off = false;
	spin_unlock_irq(&ccid->lock);

	usb_autopm_get_interface_no_resume(ccid->intf);
	ccid_rescan(ccid, power_off);
	/*
	 * Asynchronous: a synchronous put could suspend the device from
	 * here, and ccid_suspend() cancels this very work.
	 */
	usb_autopm_put_interface_async(ccid->intf);
}

static void ccid_schedule_rescan(struct ccid_dev *ccid, bool power_off)
{
	unsigned long flags;

	spin_lock_irqsave(&ccid->lock, flags);
	if (!ccid->disconnected && !ccid->stopped) {
		ccid->rescan_power_off |= power_off;
		schedule_work(&ccid->rescan_work);
	}
	spin_unlock_irqrestore(&ccid->lock, flags);
}

static void ccid_poll_work(struct work_struct *work)
{
	struct ccid_dev *ccid = container_of(to_delayed_work(work),
					     struct ccid_dev, poll_work);
	struct scard_ccid_resp resp;
	unsigned int i;
	int ret;

	/*
	 * No autopm reference: a poll must not keep the reader awake, and
	 * an autosuspend that comes while it holds a slot is refused and
	 * tried again (ccid_suspend()); the suspend cancels the polling.
	 */
	for (i = 0; i < ccid->nslots; i++) {
		struct ccid_slot *s = &ccid->slots[i];

		/* Skip a busy slot rather than queue behind its exchange. */
		ret = ccid_try_lock(s, NULL);
		if (ret == -EAGAIN)
			continue;
		if (ret)
			break;
		ret = ccid_get_slot_status(s, NULL, &resp);
		/*
		 * Not counted as a use: a poll must not hold off an
		 * autosuspend.
		 */
		__ccid_unlock(s, false);
		if (!ret)
			scard_reader_card_event(s->rdr,
						resp.icc_status != CCID_ICC_ABSENT);
	}

	spin_lock_irq(&ccid->lock);
	if (!ccid->disconnected && !ccid->stopped)
		schedule_delayed_work(&ccid->poll_work,
				      msecs_to_jiffies(CCID_POLL_MS));
	spin_unlock_irq(&ccid->lock);
}

/*
 * RDR_to_PC_HardwareError: the reader found a fault on a slot (an
 * overcurrent) and, as ISO/IEC 7816-3 wants, deactivated the card. Its
 * session is over (scard_reader_card_unpowered(): a pending IS_ABSENT
 * completes, an operation under way ends with ENOMEDIUM) and the card is
 * present and unpowered. Counted in sysfs "hardware_errors".
 */
static void ccid_hardware_error(struct ccid_dev *ccid, const u8 *buf,
				size_t len)
{
	u8 slot, code;

	if (scard_ccid_parse_hardware_error(buf, len, ccid->nslots, &slot,
					    &code)) {
		dev_warn_ratelimited(ccid_dev(ccid),
				     "bad HardwareError message %*ph\n",
				     (int)min_t(size_t, len, 8), buf);
		return;
	}
	atomic_inc(&ccid->hw_errors);
	dev_warn_ratelimited(ccid_dev(ccid),
			     "slot %u: hardware error %02x%s, card deactivated\n",
			     slot, code,
			     code == CCID_HW_ERR_OVERCURRENT ? " (overcurrent)" :
			     "");
	scard_reader_card_unpowered(ccid->slots[slot].rdr);
}

static void ccid_handle_interrupt(struct ccid_dev *ccid, const u8 *buf,
				  size_t len)
{
	u32 present, changed;
	unsigned int i;

	if (!len)
		return;

	switch (buf[0]) {
	case CCID_RDR_TO_PC_NOTIFY_SLOT_CHANGE:
		if (scard_ccid_parse_slot_change(buf, len, ccid->nslots,
						 &present, &changed)) {
			dev_warn_ratelimited(ccid_dev(ccid),
					     "short NotifySlotChange (%zu bytes)\n",
					     len);
			return;
		}
		for (i = 0; i < ccid->nslots; i++)
			if (changed & BIT(i))
				scard_reader_card_event(ccid->slots[i].rdr,
							present & BIT(i));
		break;
	case CCID_RDR_TO_PC_HARDWARE_ERROR:
		ccid_hardware_error(ccid, buf, len);
		break;
	default:
		dev_dbg_ratelimited(ccid_dev(ccid),
				    "unknown interrupt message %02x\n", buf[0]);
		break;
	}
}

/* Retry the interrupt URB later, unless stopping. Any context. */
static void ccid_int_retry(struct ccid_dev *ccid, bool halted)
{
	unsigned long flags;

	spin_lock_irqsave(&ccid->lock, flags);
	if (!ccid->disconnected && !ccid->stopped) {
		ccid->int_halted |= halted;
		schedule_delayed_work(&ccid->int_work, HZ / 2);
	}
	spin_unlock_irqrestore(&ccid->lock, flags);
}

static void ccid_int_complete(struct urb *urb)
{
	struct ccid_dev *ccid = urb->context;
	int status = urb->status;
	int ret;

	switch (status) {
	case 0:
		usb_mark_last_busy(ccid->udev);
		ccid_handle_interrupt(ccid, urb->transfer_buffer,
				      urb->actual_length);
		break;
	case -ENOENT:
	case -ECONNRESET:
	case -ESHUTDOWN:
	case -ENODEV:
		return;
	case -EPIPE:
		ccid_int_retry(ccid, true);
		return;
	case -EPROTO:
	case -EILSEQ:
	case -ETIME:
	case -EOVERFLOW:
		dev_dbg_ratelimited(ccid_dev(ccid), "interrupt IN: %d\n",
				    status);
		ccid_int_retry(ccid, false);
		return;
	default:
		dev_warn_ratelimited(ccid_dev(ccid), "interrupt IN: %d\n",
				     status);
		break;
	}

	ret = usb_submit_urb(urb, GFP_ATOMIC);
	if (ret && ret != -EPERM && ret != -ENODEV) {
		dev_warn_ratelimited(ccid_dev(ccid),
				     "cannot resubmit interrupt URB: %d\n", ret);
		ccid_int_retry(ccid, false);
	}
}

static void ccid_int_work(struct work_struct *work)
{
	struct ccid_dev *ccid = container_of(to_delayed_work(work),
					     struct ccid_dev, int_work);
	bool halted, stop;
	int ret;

	spin_lock_irq(&ccid->lock);
	halted = ccid->int_halted;
	ccid->int_halted = false;
	stop = ccid->disconnected || ccid->stopped;
	spin_unlock_irq(&ccid->lock);
	if (stop)
		return;

	if (halted) {
		ret = usb_clear_halt(ccid->udev, ccid->int_urb->pipe);
		if (ret)
			dev_dbg_ratelimited(ccid_dev(ccid),
					    "clear interrupt halt: %d\n", ret);
	}
	ret = usb_submit_urb(ccid->int_urb, GFP_KERNEL);
	if (ret && ret != -EPERM && ret != -ENODEV) {
		dev_warn_ratelimited(ccid_dev(ccid),
				     "cannot resubmit interrupt URB: %d\n", ret);
		ccid_int_retry(ccid, false);
		return;
	}
	/* Notifications may have been lost meanwhile. */
	if (!ret)
		ccid_schedule_rescan(ccid, false);
}

static int ccid_start_events(struct ccid_dev *ccid, gfp_t gfp)
{
	int ret;

	if (!ccid->int_urb) {
		schedule_delayed_work(&ccid->poll_work,
				      msecs_to_jiffies(CCID_POLL_MS));
		return 0;
	}
	ret = usb_submit_urb(ccid->int_urb, gfp);
	if (ret)
		dev_err(ccid_dev(ccid), "cannot submit interrupt URB: %d\n",
			ret);
	return ret;
}

/* Stop the event sources and wait for their work; @poison for good. */
static void ccid_stop_events(struct ccid_dev *ccid, bool poison)
{
	cancel_delayed_work_sync(&ccid->int_work);
	cancel_delayed_work_sync(&ccid->poll_work);
	cancel_work_sync(&ccid->rescan_work);
	if (poison)
		usb_poison_urb(ccid->int_urb);
	else
		usb_kill_urb(ccid->int_urb);
}

static int ccid_parse_extra(const u8 *p, int len,
			    struct scard_ccid_desc *desc)
{
	while (len >= 2) {
		u8 blen = p[0];

		if (blen < 2 || blen > len)
			break;
		if (p[1] == CCID_DESC_TYPE)
			return scard_ccid_parse_desc(desc, p, blen);
		p += blen;
		len -= blen;
	}
	return -ENOENT;
}

/* The class descriptor, or as some readers have it, an endpoint's extra. */
static int ccid_find_desc(struct usb_interface *intf,
			  struct scard_ccid_desc *desc)
{
	struct usb_host_interface *alt = intf->cur_altsetting;
	unsigned int i;

	if (!ccid_parse_extra(alt->extra, alt->extralen, desc))
		return 0;
	for (i = 0; i < alt->desc.bNumEndpoints; i++)
		if (!ccid_parse_extra(alt->endpoint[i].extra,
				      alt->endpoint[i].extralen, desc))
			return 0;
	return -ENODEV;
}

/*
 * GET_CLOCK_FREQUENCIES or GET_DATA_RATES (CCID 5.3.2, 5.3.3): @count
 * values (bNumClockSupported, bNumDataRatesSupported) into @out, at most
 * @max of them, zeros dropped. Returns how many. A reader that fails the
 * request, or answers a partial value, has no list: PPS then keeps to the
 * descriptor's default and maximum.
 */
static unsigned int ccid_get_list(struct ccid_dev *ccid, u8 request,
				  unsigned int count, u32 *out,
				  unsigned int max)
{
	unsigned int i, n = 0;
	__le32 *buf;
	int ret;

	if (!count)
		return 0;
	buf = kcalloc(count, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return 0;
	ret = usb_control_msg(ccid->udev, usb_rcvctrlpipe(ccid->udev, 0),
			      request,
			      USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
			      0, ccid->intf->cur_altsetting->desc.bInterfaceNumber,
			      buf, count * sizeof(*buf), CCID_CMD_TIMEOUT_MS);
	if (ret < 0 || ret % sizeof(*buf)) {
		dev_warn(ccid_dev(ccid), "class request %u failed (%d)\n",
			 request, ret);
		goto out;
	}
	for (i = 0; i < ret / sizeof(*buf); i++) {
		u32 v = le32_to_cpu(buf[i]);

		if (v && n < max)
			out[n++] = v;
	}
out:
	kfree(buf);
	return n;
}

static void ccid_fill_caps(struct ccid_dev *ccid,
			   struct scard_reader_caps *caps, bool esc)
{
	struct usb_device *udev = ccid->udev;
	const struct scard_ccid_desc *d = &ccid->desc;

	strscpy(caps->vendor_name, udev->manufacturer ?: "USB",
		sizeof(caps->vendor_name));
	strscpy(caps->ifd_type, udev->product ?: "CCID reader",
		sizeof(caps->ifd_type));
	if (udev->serial)
		strscpy(caps->ifd_serial, udev->serial,
			sizeof(caps->ifd_serial));
	/* 0xMMmmbbbb from bcdDevice 0xMMmm, as libccid reports it. */
	caps->ifd_version = le16_to_cpu(udev->descriptor.bcdDevice) << 16;
	caps->channel_id = SCARD_READER_TYPE_USB << 16 | udev->devnum;
	caps->protocols = d->protocols & SCARD_PROTOCOL_Tx;
	caps->level = d->level;
	caps->default_clk = d->default_clock;
	caps->max_clk = d->max_clock;
	caps->default_rate = d->data_rate;
	caps->max_rate = d->max_data_rate;
	caps->max_ifsd = d->max_ifsd;
	memcpy(caps->data_rates, ccid->data_rates, sizeof(caps->data_rates));
	caps->n_data_rates = ccid->n_data_rates;
	memcpy(caps->clocks, ccid->clocks, sizeof(caps->clocks));
	caps->n_clocks = ccid->n_clocks;
	/* At the APDU levels, chaining moves any size (ccid_xfr()). */
	caps->max_msg = d->level >= SCARD_LEVEL_APDU ? 0 :
			ccid->max_msg - CCID_HDR_SIZE;
	caps->mechanical = 0;
	caps->auto_pps = !!(d->features & (CCID_FEAT_AUTO_PPS |
					    CCID_FEAT_AUTO_PARAM_NEG));
	caps->features_escape = esc;
	caps->id_vendor = le16_to_cpu(udev->descriptor.idVendor);
	caps->id_product = le16_to_cpu(udev->descriptor.idProduct);
	if (ccid->quirks & CCID_QUIRK_NO_PIN_PAD)
		return;
	caps->pin_support = d->pin_support & (SCARD_PIN_SUPPORT_VERIFY |
					      SCARD_PIN_SUPPORT_MODIFY);
	caps->lcd_layout = d->lcd_layout;
	/* CCID has no field for it; the three conditions, as libccid says. */
	caps->pin_entry_validation = SCARD_PIN_ENTRY_MAX_SIZE |
				     SCARD_PIN_ENTRY_KEY |
				     SCARD_PIN_ENTRY_TIMEOUT;
}

static void ccid_free(struct ccid_dev *ccid)
{
	unsigned int i;

	for (i = 0; i < ccid->nslots; i++) {
		scard_reader_put(ccid->slots[i].rdr);
		if (ccid->slots[i].out_buf != ccid->out_buf)
			kfree(ccid->slots[i].out_buf);
	}
	usb_free_urb(ccid->int_urb);
	usb_free_urb(ccid->in_urb);
	usb_free_urb(ccid->out_urb);
	kfree(ccid->int_buf);
	kfree(ccid->in_buf);
	kfree(ccid->out_buf);
	kfree(ccid);
}

/*
 * System sleep: user tasks are frozen before the devices suspend, but a
 * task cannot freeze inside an exchange (its waits hold locks, so they
 * are not freezable). So as soon as the system prepares to sleep, the
 * exchange in progress for a reader is aborted (-ECANCELED) and new ones
 * wait until it has woken up again. The driver's own work goes on until
 * the device suspends.
 */
static int ccid_pm_notify(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	struct ccid_dev *ccid = container_of(nb, struct ccid_dev, pm_nb);
	bool sleeping;

	switch (action) {
	case PM_HIBERNATION_PREPARE:
	case PM_RESTORE_PREPARE:
	case PM_SUSPEND_PREPARE:
		sleeping = true;
		break;
	case PM_POST_HIBERNATION:
	case PM_POST_RESTORE:
	case PM_POST_SUSPEND:
		sleeping = false;
		break;
	default:
		return NOTIFY_DONE;
	}
	spin_lock_irq(&ccid->lock);
	ccid->sleeping = sleeping;
	spin_unlock_irq(&ccid->lock);
	wake_up_all(&ccid->wait);
	return NOTIFY_OK;
}

/* Stop all I/O for good: exchanges in flight end with -ENODEV. */
static void ccid_kill_io(struct ccid_dev *ccid)
{
	spin_lock_irq(&ccid->lock);
	ccid->disconnected = true;
	spin_unlock_irq(&ccid->lock);
	wake_up_all(&ccid->wait);
	unregister_pm_notifier(&ccid->pm_nb);

	usb_poison_urb(ccid->int_urb);
	usb_poison_urb(ccid->in_urb);
	usb_poison_urb(ccid->out_urb);
	ccid_stop_events(ccid, true);
}

static int ccid_alloc_io(struct ccid_dev *ccid,
			 struct usb_endpoint_descriptor *bulk_in,
			 struct usb_endpoint_descriptor *bulk_out,
			 struct usb_endpoint_descriptor *int_in)
{
	struct usb_device *udev = ccid->udev;
	size_t int_len;
	unsigned int i;

	ccid->out_buf = kmalloc(ccid->max_msg, GFP_KERNEL);
	ccid->in_buf = kmalloc(ccid->max_msg, GFP_KERNEL);
	ccid->out_urb = usb_alloc_urb(0, GFP_KERNEL);
	ccid->in_urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!ccid->out_buf || !ccid->in_buf || !ccid->out_urb ||
	    !ccid->in_urb)
		return -ENOMEM;
	/* Slots busy at once build their commands at the same time. */
	for (i = 0; i < ccid->nslots; i++) {
		ccid->slots[i].out_buf = ccid->max_busy > 1 ?
					 kmalloc(ccid->max_msg, GFP_KERNEL) :
					 ccid->out_buf;
		if (!ccid->slots[i].out_buf)
			return -ENOMEM;
	}

	ccid->out_pipe = usb_sndbulkpipe(udev, usb_endpoint_num(bulk_out));
	ccid->in_pipe = usb_rcvbulkpipe(udev, usb_endpoint_num(bulk_in));
	usb_fill_bulk_urb(ccid->out_urb, udev, ccid->out_pipe, ccid->out_buf,
			  ccid->max_msg, ccid_bulk_complete, ccid);
	usb_fill_bulk_urb(ccid->in_urb, udev, ccid->in_pipe, ccid->in_buf,
			  ccid->max_msg, ccid_bulk_complete, ccid);

	if (!int_in)
		return 0;

	int_len = max_t(size_t, usb_endpoint_maxp(int_in),
			1 + DIV_ROUND_UP(ccid->desc.max_slot_index + 1, 4));
	ccid->int_buf = kmalloc(int_len, GFP_KERNEL);
	ccid->int_urb = usb_alloc_urb(0, GFP_KERNEL);
	if (!ccid->int_buf || !ccid->int_urb)
		return -ENOMEM;
	usb_fill_int_urb(ccid->int_urb, udev,
			 usb_rcvintpipe(udev, usb_endpoint_num(int_in)),
			 ccid->int_buf, int_len, ccid_int_complete, ccid,
			 int_in->bInterval);
	return 0;
}

/*
 * Readers that need special treatment (ccid_quirks.h), matched on the
 * device's VID:PID and bcdDevice. Documentation/scard/ccid.rst says how
 * to add one.
 */
static const struct scard_ccid_quirk ccid_quirk_table[] = {
	/* QEMU usb-ccid and ccid-card-emulated (7.2) */
	{ 0x08e6, 0x4433, 0x0000, 0xffff,
	  CCID_QUIRK_MAX_MSG_384 | CCID_QUIRK_LOST_WAKEUP |
	  CCID_QUIRK_NO_PIN_PAD },
	/*
	 * Keyboards whose "secure" PIN entry also types the PIN to the
	 * host: HP USB Smart Card Keyboard (two models), Chicony's HP
	 * Skylab keyboard, Fujitsu's SmartCard keyboard.
	 */
	{ 0x03f0, 0x1024, 0x0000, 0xffff, CCID_QUIRK_NO_PIN_PAD },
	{ 0x03f0, 0x0036, 0x0000, 0xffff, CCID_QUIRK_NO_PIN_PAD },
	{ 0x04f2, 0x1469, 0x0000, 0xffff, CCID_QUIRK_NO_PIN_PAD },
	{ 0x0bf8, 0x1017, 0x0000, 0xffff, CCID_QUIRK_NO_PIN_PAD },
	/*
	 * bPINSupport set without a keypad, and a firmware that chains
	 * extended APDUs whatever dwFeatures says: HID OMNIKEY 3x21, 6121
	 * and the "Aviator" generic, Cherry Smart Terminal xx44, Fujitsu
	 * D323.
	 */
	{ 0x076b, 0x3031, 0x0000, 0xffff,
	  CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU },
	{ 0x076b, 0x6632, 0x0000, 0xffff,
	  CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU },
	{ 0x076b, 0x3a21, 0x0000, 0xffff,
	  CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU },
	{ 0x046a, 0x00a7, 0x0000, 0xffff,
	  CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU },
	{ 0x0bf8, 0x1024, 0x0000, 0xffff,
	  CCID_QUIRK_NO_PIN_PAD | CCID_QUIRK_EXT_APDU },
};

/* The "quirks" parameter's entries, which win over the table. */
static struct scard_ccid_quirk ccid_param_quirks[CCID_MAX_PARAM_QUIRKS];
static size_t ccid_nparam_quirks;
static char ccid_quirks_string[CCID_QUIRKS_MAX_STRING];
static DEFINE_SPINLOCK(ccid_quirks_lock);

static int ccid_quirks_set(const char *val, const struct kernel_param *kp)
{
	struct scard_ccid_quirk q[CCID_MAX_PARAM_QUIRKS];
	int n;

	if (strlen(val) >= sizeof(ccid_quirks_string))
		return -ENOSPC;
	n = scard_ccid_quirks_parse(val, q, ARRAY_SIZE(q));
	if (n < 0)
		return n;
	spin_lock(&ccid_quirks_lock);
	memcpy(ccid_param_quirks, q, n * sizeof(q[0]));
	ccid_nparam_quirks = n;
	strscpy(ccid_quirks_string, val, sizeof(ccid_quirks_string));
	strim(ccid_quirks_string);
	spin_unlock(&ccid_quirks_lock);
	return 0;
}

static int ccid_quirks_get(char *buf, const struct kernel_param *kp)
{
	int len;

	spin_lock(&ccid_quirks_lock);
	len = sysfs_emit(buf, "%s\n", ccid_quirks_string);
	spin_unlock(&ccid_quirks_lock);
	return len;
}

static const struct kernel_param_ops ccid_quirks_ops = {
	.set = ccid_quirks_set,
	.get = ccid_quirks_get,
};
module_param_cb(quirks, &ccid_quirks_ops, NULL, 0644);
MODULE_PARM_DESC(quirks,
		 "Add or override quirks for readers bound afterwards: VVVV:PPPP:flag[+flag],... (see Documentation/scard/ccid.rst)");

/* The quirks of @udev: the parameter's entry, else the table's, else 0. */
static unsigned long ccid_quirks_of(struct usb_device *udev)
{
	u16 vid = le16_to_cpu(udev->descriptor.idVendor);
	u16 pid = le16_to_cpu(udev->descriptor.idProduct);
	u16 bcd = le16_to_cpu(udev->descriptor.bcdDevice);
	const struct scard_ccid_quirk *q;
	unsigned long flags = 0;

	spin_lock(&ccid_quirks_lock);
	q = scard_ccid_quirk_find(ccid_param_quirks, ccid_nparam_quirks, vid,
				  pid, bcd);
	if (q)
		flags = q->flags;
	spin_unlock(&ccid_quirks_lock);
	if (q)
		return flags;
	q = scard_ccid_quirk_find(ccid_quirk_table,
				  ARRAY_SIZE(ccid_quirk_table), vid, pid, bcd);
	return q ? q->flags : 0;
}

static ssize_t quirks_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct ccid_dev *ccid = usb_get_intfdata(to_usb_interface(dev));

	return scard_ccid_quirks_names(ccid->quirks, buf, PAGE_SIZE);
}
static DEVICE_ATTR_RO(quirks);

static ssize_t hardware_errors_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct ccid_dev *ccid = usb_get_intfdata(to_usb_interface(dev));

	return sysfs_emit(buf, "%d\n", atomic_read(&ccid->hw_errors));
}
static DEVICE_ATTR_RO(hardware_errors);

static struct attribute *ccid_attrs[] = {
	&dev_attr_quirks.attr,
	&dev_attr_hardware_errors.attr,
	NULL
};
ATTRIBUTE_GROUPS(ccid);

static const char *const ccid_level_names[] = {
	[SCARD_LEVEL_CHAR] = "character",
	[SCARD_LEVEL_TPDU] = "TPDU",
	[SCARD_LEVEL_APDU] = "short APDU",
	[SCARD_LEVEL_APDU_EXT] = "extended APDU",
};

static int ccid_probe(struct usb_interface *intf,
		      const struct usb_device_id *id)
{
	struct usb_endpoint_descriptor *bulk_in, *bulk_out, *int_in;
	struct usb_device *udev = interface_to_usbdev(intf);
	const struct scard_reader_ops *ops;
	struct ccid_dev *ccid;
	unsigned int i;
	bool esc;
	int ret;

	ccid = kzalloc(sizeof(*ccid), GFP_KERNEL);
	if (!ccid)
		return -ENOMEM;
	ccid->udev = udev;
	ccid->intf = intf;
	spin_lock_init(&ccid->lock);
	init_waitqueue_head(&ccid->wait);
	ccid->pm_nb.notifier_call = ccid_pm_notify;
	INIT_DELAYED_WORK(&ccid->int_work, ccid_int_work);
	INIT_DELAYED_WORK(&ccid->poll_work, ccid_poll_work);
	INIT_WORK(&ccid->rescan_work, ccid_rescan_work);

	ret = ccid_find_desc(intf, &ccid->desc);
	if (ret) {
		dev_err(&intf->dev, "no CCID class descriptor\n");
		goto err_free;
	}

	ret = usb_find_common_endpoints(intf->cur_altsetting, &bulk_in,
					&bulk_out, &int_in, NULL);
	if (ret) {
		/* The interrupt endpoint is optional: poll instead. */
		int_in = NULL;
		ret = usb_find_common_endpoints(intf->cur_altsetting,
						&bulk_in, &bulk_out, NULL,
						NULL);
		if (ret) {
			dev_err(&intf->dev, "missing bulk endpoints\n");
			ret = -ENODEV;
			goto err_free;
		}
	}

	/* A packet size of 0 makes every transfer fail (usb_submit_urb()). */
	if (!usb_endpoint_maxp(bulk_in) || !usb_endpoint_maxp(bulk_out)) {
		dev_err(&intf->dev, "bulk endpoint with wMaxPacketSize 0\n");
		ret = -ENODEV;
		goto err_free;
	}
	if (int_in && !usb_endpoint_maxp(int_in)) {
		dev_warn(&intf->dev,
			 "interrupt endpoint with wMaxPacketSize 0: polling\n");
		int_in = NULL;
	}

	ccid->nslots = min_t(unsigned int, ccid->desc.max_slot_index + 1,
			     CCID_MAX_SLOTS);
	if (ccid->desc.max_slot_index + 1 > CCID_MAX_SLOTS)
		dev_warn(&intf->dev, "%u slots, using the first %u\n",
			 ccid->desc.max_slot_index + 1, CCID_MAX_SLOTS);

	ccid->max_msg = clamp_t(size_t, ccid->desc.max_msg_len, CCID_MIN_MSG,
				CCID_MAX_MSG);
	ccid->max_busy = clamp_t(unsigned int, ccid->desc.max_busy_slots, 1,
				 ccid->nslots);
	ccid->quirks = ccid_quirks_of(udev);
	if (ccid->quirks & CCID_QUIRK_NO_INTERRUPT)
		int_in = NULL;
	if (ccid->quirks & CCID_QUIRK_MAX_MSG_384)
		ccid->max_msg = min_t(size_t, ccid->max_msg, CCID_QEMU_MAX_MSG);
	if (ccid->quirks & CCID_QUIRK_EXT_APDU)
		ccid->desc.level = SCARD_LEVEL_APDU_EXT;

	ret = ccid_alloc_io(ccid, bulk_in, bulk_out, int_in);
	if (ret)
		goto err_free;
	ccid->n_clocks = ccid_get_list(ccid, CCID_REQ_GET_CLOCK_FREQUENCIES,
				       ccid->desc.num_clocks, ccid->clocks,
				       SCARD_MAX_CLOCKS);
	ccid->n_data_rates = ccid_get_list(ccid, CCID_REQ_GET_DATA_RATES,
					   ccid->desc.num_data_rates,
					   ccid->data_rates,
					   SCARD_MAX_DATA_RATES);

	usb_set_intfdata(intf, ccid);

	/* The parameter may change meanwhile: read it once. */
	esc = READ_ONCE(escape);
	ops = esc ? &ccid_ops_escape : &ccid_ops;
	for (i = 0; i < ccid->nslots; i++) {
		struct ccid_slot *s = &ccid->slots[i];
		struct scard_reader *rdr;

		rdr = scard_reader_alloc(&intf->dev, ops);
		if (IS_ERR(rdr)) {
			ret = PTR_ERR(rdr);
			goto err_put;
		}
		s->ccid = ccid;
		s->rdr = rdr;
		s->index = i;
		s->timeout_ms = ccid_xfr_timeout();
		rdr->slot = i;
		rdr->slots = ccid->nslots;
		ccid_fill_caps(ccid, &rdr->caps, esc);
		scard_reader_set_drvdata(rdr, s);
	}

	register_pm_notifier(&ccid->pm_nb);
	ret = ccid_start_events(ccid, GFP_KERNEL);
	if (ret)
		goto err_put;

	/* The first report is the initial state, not an event. */
	ccid_rescan(ccid, true);

	for (i = 0; i < ccid->nslots; i++) {
		ret = scard_reader_register(ccid->slots[i].rdr);
		if (ret)
			goto err_unregister;
		ccid->slots[i].registered = true;
	}

	dev_info(&intf->dev,
		 "%u slot(s), %s level,%s%s, messages up to %zu bytes\n",
		 ccid->nslots, ccid_level_names[ccid->desc.level],
		 ccid->desc.protocols & SCARD_PROTOCOL_T0 ? " T=0" : "",
		 ccid->desc.protocols & SCARD_PROTOCOL_T1 ? " T=1" : "",
		 ccid->max_msg);
	return 0;

err_unregister:
	ccid_kill_io(ccid);
	for (i = 0; i < ccid->nslots; i++)
		if (ccid->slots[i].registered)
			scard_reader_unregister(ccid->slots[i].rdr);
	goto err_clear;
err_put:
	ccid_kill_io(ccid);
err_clear:
	usb_set_intfdata(intf, NULL);
err_free:
	ccid_free(ccid);
	return ret;
}

/*
 * Order: mark the device gone and poison the URBs, so that an exchange in
 * progress returns -ENODEV at once and none starts; stop the work items;
 * unregister the readers (the core waits out the operation in progress
 * and calls none after); then drop our references. Open files keep the
 * readers (not this structure) alive until they are closed.
 */
static void ccid_disconnect(struct usb_interface *intf)
{
	struct ccid_dev *ccid = usb_get_intfdata(intf);
	unsigned int i;

	ccid_kill_io(ccid);
	for (i = 0; i < ccid->nslots; i++)
		if (ccid->slots[i].registered)
			scard_reader_unregister(ccid->slots[i].rdr);
	usb_set_intfdata(intf, NULL);
	ccid_free(ccid);
}

/*
 * Stop the device's I/O without waiting for the exchanges in progress:
 * flag the device stopped (if @auto_only, only while no slot is busy),
 * so that an exchange ends at once with -ECANCELED (its command is
 * aborted once the device is back) and new ones wait; kill the bulk URBs
 * and keep them from being submitted again; stop the event sources.
 *
 * Return: 0, or -EBUSY when @auto_only and a slot is busy.
 */
static int ccid_stop_io(struct ccid_dev *ccid, bool auto_only)
{
	spin_lock_irq(&ccid->lock);
	if (auto_only && ccid->busy) {
		spin_unlock_irq(&ccid->lock);
		return -EBUSY;
	}
	ccid->stopped = true;
	spin_unlock_irq(&ccid->lock);
	wake_up_all(&ccid->wait);
	usb_poison_urb(ccid->out_urb);
	usb_poison_urb(ccid->in_urb);
	ccid_stop_events(ccid, false);
	return 0;
}

static int ccid_restart(struct ccid_dev *ccid, bool lost)
{
	unsigned int i;
	int ret;

	/*
	 * The cards lost their power and state: a powered card's session is
	 * over; the rescan then says which cards are there.
	 */
	if (lost)
		for (i = 0; i < ccid->nslots; i++)
			scard_reader_card_unpowered(ccid->slots[i].rdr);

	usb_unpoison_urb(ccid->out_urb);
	usb_unpoison_urb(ccid->in_urb);
	spin_lock_irq(&ccid->lock);
	ccid->stopped = false;
	spin_unlock_irq(&ccid->lock);
	wake_up_all(&ccid->wait);

	ret = ccid_start_events(ccid, GFP_NOIO);
	ccid_schedule_rescan(ccid, lost);
	return ret;
}

static int ccid_suspend(struct usb_interface *intf, pm_message_t message)
{
	struct ccid_dev *ccid = usb_get_intfdata(intf);

	/* An autosuspend waits for the exchanges in progress; sleep does not. */
	return ccid_stop_io(ccid, PMSG_IS_AUTO(message));
}

static int ccid_resume(struct usb_interface *intf)
{
	return ccid_restart(usb_get_intfdata(intf), false);
}

static int ccid_reset_resume(struct usb_interface *intf)
{
	return ccid_restart(usb_get_intfdata(intf), true);
}

/* No slot busy? For pre_reset's wait. */
static bool ccid_idle(struct ccid_dev *ccid)
{
	bool idle;

	spin_lock_irq(&ccid->lock);
	idle = !ccid->busy;
	spin_unlock_irq(&ccid->lock);
	return idle;
}

static int ccid_pre_reset(struct usb_interface *intf)
{
	struct ccid_dev *ccid = usb_get_intfdata(intf);

	ccid_stop_io(ccid, false);
	/*
	 * The exchanges in progress give up at once now that the device is
	 * stopped, and no new one starts until ccid_post_reset().
	 */
	wait_event(ccid->wait, ccid_idle(ccid));
	return 0;
}

static int ccid_post_reset(struct usb_interface *intf)
{
	struct ccid_dev *ccid = usb_get_intfdata(intf);
	unsigned int i;

	/* The reset ended whatever the reader was doing. No slot is busy. */
	for (i = 0; i < ccid->nslots; i++)
		ccid->slots[i].abort_pending = false;
	return ccid_restart(ccid, true);
}

static const struct usb_device_id ccid_ids[] = {
	{ USB_INTERFACE_INFO(USB_CLASS_CSCID, 0, 0) },
	{ }
};
MODULE_DEVICE_TABLE(usb, ccid_ids);

static struct usb_driver ccid_driver = {
	.name = "scard_ccid",
	.probe = ccid_probe,
	.disconnect = ccid_disconnect,
	.suspend = ccid_suspend,
	.resume = ccid_resume,
	.reset_resume = ccid_reset_resume,
	.pre_reset = ccid_pre_reset,
	.post_reset = ccid_post_reset,
	.id_table = ccid_ids,
	.dev_groups = ccid_groups,
	.supports_autosuspend = 1,
	.disable_hub_initiated_lpm = 1,
};
module_usb_driver(ccid_driver);

MODULE_DESCRIPTION("USB CCID smart card reader driver");
MODULE_LICENSE("GPL");
