// SPDX-License-Identifier: GPL-2.0
/*
 * scard core: reader lifetime, /dev/scardN, card state and sysfs.
 *
 * Lifetime follows drivers/gnss: a reader is allocated, registered,
 * unregistered and put. The struct device's release is the only place that
 * frees it, so open files keep it alive after the driver has gone. Every
 * driver call runs with ops_sem read-held after a check of @disconnected;
 * unregistration takes it for writing, so once scard_reader_unregister()
 * returns no driver operation runs or starts.
 */

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/idr.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/scard.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "scard_core.h"

#define SCARD_MINORS	256

static DEFINE_IDA(scard_minors);
static dev_t scard_first;
struct workqueue_struct *scard_wq;

static const char * const scard_state_names[] = {
	[SCARD_UNKNOWN]		= "unknown",
	[SCARD_ABSENT]		= "absent",
	[SCARD_PRESENT]		= "present",
	[SCARD_SWALLOWED]	= "swallowed",
	[SCARD_POWERED]		= "powered",
	[SCARD_NEGOTIABLE]	= "negotiable",
	[SCARD_SPECIFIC]	= "specific",
};

static struct scard_reader *to_scard_reader(struct device *dev)
{
	return container_of(dev, struct scard_reader, dev);
}

/**
 * scard_reader_state() - the card state of a reader
 * @rdr: the reader
 *
 * Context: any.
 * Return: SCARD_UNKNOWN .. SCARD_SPECIFIC.
 */
u32 scard_reader_state(struct scard_reader *rdr)
{
	unsigned long flags;
	u32 state;

	spin_lock_irqsave(&rdr->state_lock, flags);
	state = rdr->state;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return state;
}
EXPORT_SYMBOL_IF_KUNIT(scard_reader_state);

/* The card is still the one present when the reader lock was taken. */
static bool scard_same_card(struct scard_reader *rdr)
{
	lockdep_assert_held(&rdr->state_lock);
	return rdr->event_count == rdr->op_events && rdr->state > SCARD_ABSENT;
}

/**
 * scard_reader_set_state() - record the outcome of a card operation
 * @rdr: the reader, with its lock held
 * @state: SCARD_PRESENT .. SCARD_SPECIFIC
 *
 * Only for the card the operation ran on: when a card event came after
 * the reader lock was taken (removal, or removal and insertion of another
 * card), the events' state stands and -ENOMEDIUM is returned.
 *
 * Context: process; the reader lock held.
 * Return: 0, or -ENOMEDIUM when the card changed during the operation.
 */
int scard_reader_set_state(struct scard_reader *rdr, u32 state)
{
	unsigned long flags;
	int ret = -ENOMEDIUM;

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (scard_same_card(rdr)) {
		rdr->state = state;
		ret = 0;
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	wake_up_interruptible_all(&rdr->event_wait);
	return ret;
}

/**
 * scard_reader_commit() - publish what a card operation learnt
 * @rdr: the reader, with its lock held
 * @atr: the decoded ATR, or NULL to leave it
 * @params: the parameters now in force, or NULL to leave them
 *
 * As scard_reader_set_state(): nothing is published for a card that left
 * during the operation, so a new card never inherits the old one's ATR.
 *
 * Context: process; the reader lock held.
 * Return: 0, or -ENOMEDIUM when the card changed during the operation.
 */
int scard_reader_commit(struct scard_reader *rdr, const struct scard_atr *atr,
			const struct scard_params *params)
{
	unsigned long flags;
	int ret = -ENOMEDIUM;

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (scard_same_card(rdr)) {
		if (atr) {
			rdr->atr = *atr;
			rdr->perf.resets++;
		}
		if (params)
			rdr->params = *params;
		ret = 0;
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return ret;
}

static struct lock_class_key scard_reader_lock_key;

/* Why an operation waiting for the reader lock gives up, or 0. */
static int scard_reader_lock_check(struct scard_reader *rdr,
				   struct scard_file *sf)
{
	if (sf && READ_ONCE(sf->cancelled))
		return -ECANCELED;
	if (READ_ONCE(rdr->gone))
		return -ENODEV;
	return 0;
}

/**
 * struct scard_lock_waiter - an operation queued for the reader lock
 * @node: entry in the reader's lock_queue
 * @task: the waiting task
 * @granted: the lock was handed to it (written under state_lock)
 */
struct scard_lock_waiter {
	struct list_head node;
	struct task_struct *task;
	bool granted;
};

/*
 * Release the reader lock: hand it to the operation that has waited
 * longest, or mark it free. Handing it over, rather than freeing it and
 * waking the waiters to race for it, keeps an operation that releases and
 * takes the lock again at once (a file transmitting in a loop) from
 * starving the others. state_lock held: the waiter cannot leave while it
 * is woken.
 */
static void scard_reader_pass_lock(struct scard_reader *rdr)
{
	struct scard_lock_waiter *w;

	lockdep_assert_held(&rdr->state_lock);
	w = list_first_entry_or_null(&rdr->lock_queue,
				     struct scard_lock_waiter, node);
	if (!w) {
		rdr->lock_held = false;
		return;
	}
	list_del_init(&w->node);
	WRITE_ONCE(w->granted, true);
	wake_up_process(w->task);
}

/* Take the reader lock, first come first served; 0 or why not. */
static int scard_reader_acquire(struct scard_reader *rdr,
				struct scard_file *sf)
{
	struct scard_lock_waiter w = { .task = current };
	unsigned long flags;
	int ret, intr;

	spin_lock_irqsave(&rdr->state_lock, flags);
	ret = scard_reader_lock_check(rdr, sf);
	if (!ret && !rdr->lock_held) {
		rdr->lock_held = true;
		ret = 1;
	} else if (!ret) {
		list_add_tail(&w.node, &rdr->lock_queue);
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	if (ret)
		return ret < 0 ? ret : 0;

	intr = wait_event_interruptible(rdr->lock_wait,
					READ_ONCE(w.granted) ||
					scard_reader_lock_check(rdr, sf));

	spin_lock_irqsave(&rdr->state_lock, flags);
	ret = scard_reader_lock_check(rdr, sf);
	if (w.granted) {
		/* A closed file's queued operation never runs. */
		if (ret)
			scard_reader_pass_lock(rdr);
	} else {
		list_del(&w.node);
		/*
		 * -ERESTARTSYS, not -EINTR: a signal the task ignores (a
		 * child's SIGCHLD taken by this thread) must not end the
		 * call; one with a handler gives EINTR (or a restart).
		 */
		if (intr)
			ret = -ERESTARTSYS;
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return ret;
}

/* Give the reader lock to the next operation. */
static void scard_reader_hand_on(struct scard_reader *rdr)
{
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	scard_reader_pass_lock(rdr);
	spin_unlock_irqrestore(&rdr->state_lock, flags);
}

/**
 * scard_reader_lock() - take a reader for a card operation
 * @rdr: the reader
 * @sf: the file the operation is for
 *
 * Serializes card operations on @rdr and keeps the driver from going away
 * while one runs. The wait for another file's operation ends on a signal,
 * when @sf is closed (its asynchronous TRANSMIT waits in a work item,
 * which signals do not reach) and when the reader goes. The operation
 * that follows is bound to the card present now: see
 * scard_reader_set_state(). Waiters are served in the order they came
 * (the lock is handed over on release), so that a file transmitting in a
 * loop cannot starve another. Pair with scard_reader_unlock().
 *
 * Context: process; sleeps interruptibly.
 * Return: 0, -ERESTARTSYS on a signal (EINTR for the caller), -ECANCELED
 * when @sf is being closed, or -ENODEV once the reader is gone.
 */
int scard_reader_lock(struct scard_reader *rdr, struct scard_file *sf)
{
	unsigned long flags;
	int ret;

	ret = scard_reader_acquire(rdr, sf);
	if (ret)
		return ret;
	lock_map_acquire(&rdr->lock_dep_map);
	down_read(&rdr->ops_sem);
	if (rdr->disconnected) {
		up_read(&rdr->ops_sem);
		lock_map_release(&rdr->lock_dep_map);
		scard_reader_hand_on(rdr);
		return -ENODEV;
	}
	/*
	 * Only a file's asynchronous TRANSMIT can see sf->cancelled: close()
	 * sets it, and no ioctl of the file runs once close() is called.
	 */
	rdr->holder = sf;
	spin_lock_irqsave(&rdr->state_lock, flags);
	rdr->op_events = rdr->event_count;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_reader_lock);

/**
 * scard_reader_unlock() - release a reader taken by scard_reader_lock()
 * @rdr: the reader
 */
void scard_reader_unlock(struct scard_reader *rdr)
{
	rdr->holder = NULL;
	up_read(&rdr->ops_sem);
	lock_map_release(&rdr->lock_dep_map);
	scard_reader_hand_on(rdr);
}
EXPORT_SYMBOL_IF_KUNIT(scard_reader_unlock);

/**
 * scard_reader_cancelled() - should the operation in progress give up?
 * @rdr: the reader, locked by the core for the operation calling this
 *
 * True once the file whose asynchronous TRANSMIT is running has been
 * closed. A driver calls it in the condition of each of its waits (and
 * implements &scard_reader_ops.cancel to wake them); it then aborts the
 * command on the reader and returns -ECANCELED. Fatal signals are the
 * waits' own business (killable sleeps), since an ioctl runs in the
 * caller's task.
 *
 * Context: from within a reader operation.
 * Return: true when the operation should end with -ECANCELED.
 */
bool scard_reader_cancelled(struct scard_reader *rdr)
{
	struct scard_file *sf = rdr->holder;

	return sf && READ_ONCE(sf->cancelled);
}
EXPORT_SYMBOL_GPL(scard_reader_cancelled);

/**
 * scard_reader_check_stop() - end a multi-step exchange early?
 * @rdr: the reader, locked for the operation calling this
 *
 * The core calls it before every TPDU, T=1 block or character transfer
 * it hands to the driver, so that a long exchange ends at the next step
 * even on a driver whose waits are short and uninterruptible.
 *
 * Context: from within a reader operation.
 * Return: 0, -EINTR on a fatal signal, -ECANCELED after close().
 */
int scard_reader_check_stop(struct scard_reader *rdr)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	return scard_reader_cancelled(rdr) ? -ECANCELED : 0;
}
EXPORT_SYMBOL_GPL(scard_reader_check_stop);

/* Complete the tracking requests that @present satisfies; state_lock held. */
static void scard_complete_tracking(struct scard_reader *rdr, bool present,
				    u32 result)
{
	struct scard_file *sf;

	list_for_each_entry(sf, &rdr->files, node) {
		bool wants_card = sf->track == SCARD_TRACK_PRESENT;

		if (sf->track == SCARD_TRACK_NONE)
			continue;
		if (!result && present != wants_card)
			continue;
		sf->track = SCARD_TRACK_NONE;
		sf->track_done = true;
		sf->last_error = result;
	}
}

/**
 * scard_reader_card_event() - report a card insertion or removal
 * @rdr: the reader
 * @present: a card is now in the reader
 *
 * Updates the card state, completes pending IS_PRESENT/IS_ABSENT requests,
 * wakes waiters and sends a change uevent. Repeated reports of the same
 * presence are ignored, so drivers may report whatever they poll. Callable
 * any time between scard_reader_alloc() and scard_reader_unregister(); the
 * first report sets the initial state without counting as an event.
 *
 * Every event counts (@rdr->event_count): a removal and an insertion
 * reported in a row are two events, each completing the requests it
 * satisfies and each sent as a uevent of its own, however quickly they
 * follow each other.
 *
 * Context: any, including hard interrupt and URB completion.
 */
void scard_reader_card_event(struct scard_reader *rdr, bool present)
{
	bool changed = false, notify = false, had_card;
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	had_card = rdr->state > SCARD_ABSENT;
	if (!rdr->gone && (rdr->state == SCARD_UNKNOWN ||
			   present != had_card)) {
		changed = true;
		if (rdr->state != SCARD_UNKNOWN) {
			rdr->event_count++;
			notify = rdr->registered;
		} else {
			rdr->initial_present = present;
		}
		/*
		 * The parameters stay: only the holder of the reader lock
		 * writes them, and nothing reads them below SPECIFIC.
		 */
		rdr->state = present ? SCARD_PRESENT : SCARD_ABSENT;
		scard_complete_tracking(rdr, present, 0);
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	if (changed)
		wake_up_interruptible_all(&rdr->event_wait);
	if (notify)
		queue_work(scard_wq, &rdr->uevent_work);
}
EXPORT_SYMBOL_GPL(scard_reader_card_event);

/**
 * scard_reader_card_unpowered() - the card lost its power behind the core
 * @rdr: the reader
 *
 * For a driver that finds its card deactivated without being asked: after
 * a USB suspend or reset, or an overcurrent the reader shut the card down
 * for. When the core holds the card powered (SCARD_POWERED and above),
 * the card's session is over as if it had been removed and inserted
 * again: the state becomes SCARD_PRESENT, the event count grows by two, a
 * pending IS_ABSENT completes and an operation under way ends with
 * ENOMEDIUM. A card the core holds unpowered, or no card, is left alone.
 *
 * Context: any context.
 */
void scard_reader_card_unpowered(struct scard_reader *rdr)
{
	bool changed = false, notify = false;
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (!rdr->gone && rdr->state >= SCARD_POWERED) {
		changed = true;
		rdr->event_count += 2;
		notify = rdr->registered;
		rdr->state = SCARD_PRESENT;
		scard_complete_tracking(rdr, false, 0);
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	if (changed)
		wake_up_interruptible_all(&rdr->event_wait);
	if (notify)
		queue_work(scard_wq, &rdr->uevent_work);
}
EXPORT_SYMBOL_GPL(scard_reader_card_unpowered);

/*
 * A flood of events (a card process toggling presence in a loop) is not
 * sent one uevent each: beyond this many unsent events only the last ones
 * go out, and SCARD_EVENT_COUNT shows the gap.
 */
#define SCARD_UEVENT_BACKLOG	64

static void scard_uevent_work(struct work_struct *work)
{
	struct scard_reader *rdr = container_of(work, struct scard_reader,
						uevent_work);
	char event[32], state[32], count[32];
	char *envp[4];
	unsigned long flags;
	u32 last, n;
	bool present;

	spin_lock_irqsave(&rdr->state_lock, flags);
	last = rdr->event_count;
	n = rdr->uevent_count;
	if (last - n > SCARD_UEVENT_BACKLOG)
		n = last - SCARD_UEVENT_BACKLOG;
	rdr->uevent_count = last;
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	envp[0] = event;
	envp[1] = state;
	envp[2] = count;
	envp[3] = NULL;
	/* Events alternate: after the k-th, presence is the first XOR odd k. */
	while (n != last) {
		n++;
		present = rdr->initial_present ^ (n & 1);
		snprintf(event, sizeof(event), "SCARD_EVENT=%s",
			 present ? "inserted" : "removed");
		snprintf(state, sizeof(state), "SCARD_STATE=%s",
			 scard_state_names[present ? SCARD_PRESENT :
					   SCARD_ABSENT]);
		snprintf(count, sizeof(count), "SCARD_EVENT_COUNT=%u", n);
		kobject_uevent_env(&rdr->dev.kobj, KOBJ_CHANGE, envp);
	}
}

/* The tracking request is satisfied: a card event since @snap, or gone. */
static bool scard_track_done(struct scard_reader *rdr, u32 snap)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&rdr->state_lock, flags);
	done = rdr->gone || rdr->event_count != snap;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return done;
}

/**
 * scard_track() - IS_PRESENT / IS_ABSENT
 * @sf: the open file asking
 * @want_present: wait for a card (IS_PRESENT) rather than for none
 * @nonblock: the file is O_NONBLOCK: return -EINPROGRESS and complete the
 *	request in the background instead of sleeping
 *
 * A request that cannot be satisfied at once waits for the next card
 * event, which, presence toggling with every event, is the insertion or
 * removal asked for: a card removed and another inserted before the
 * waiter runs still completes IS_ABSENT.
 *
 * Context: process; may sleep interruptibly.
 * Return: 0 when the card state satisfies the request, -EINPROGRESS when
 * the request now pends, -EBUSY when one already pends on @sf, -EBADFD if
 * the state is unknown, -ERESTARTSYS on a signal (EINTR for the caller),
 * -ENODEV when the reader goes.
 */
int scard_track(struct scard_file *sf, bool want_present, bool nonblock)
{
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	u32 snap;
	int ret;

	spin_lock_irqsave(&rdr->state_lock, flags);
	snap = rdr->event_count;
	if (rdr->gone)
		ret = -ENODEV;
	else if (sf->track != SCARD_TRACK_NONE)
		ret = -EBUSY;
	else if (rdr->state == SCARD_UNKNOWN)
		ret = -EBADFD;
	else if ((rdr->state > SCARD_ABSENT) == want_present)
		ret = 0;
	else if (nonblock)
		ret = -EINPROGRESS;
	else
		ret = 1;
	if (ret == -EINPROGRESS) {
		sf->track = want_present ? SCARD_TRACK_PRESENT :
					   SCARD_TRACK_ABSENT;
		sf->track_done = false;
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	if (ret <= 0)
		return ret;

	/* -ERESTARTSYS: see scard_reader_acquire(). */
	if (wait_event_interruptible(rdr->event_wait,
				     scard_track_done(rdr, snap)))
		return -ERESTARTSYS;
	return READ_ONCE(rdr->gone) ? -ENODEV : 0;
}

/**
 * scard_reader_check_specific() - is the card ready for commands?
 * @rdr: the reader, locked
 *
 * Return: 0 in SCARD_SPECIFIC; -ENOMEDIUM without a card; -EBADFD in any
 * other state (not powered, no protocol set, not known yet).
 */
int scard_reader_check_specific(struct scard_reader *rdr)
{
	u32 state = scard_reader_state(rdr);

	if (state == SCARD_ABSENT)
		return -ENOMEDIUM;
	return state == SCARD_SPECIFIC ? 0 : -EBADFD;
}

/**
 * scard_transmit_check() - validate a TRANSMIT input
 * @in: SCARD_IO_REQUEST header and command bytes
 * @in_len: bytes in @in
 *
 * Return: 0, or -EINVAL for a malformed request.
 */
int scard_transmit_check(const u8 *in, size_t in_len)
{
	struct scard_io_request hdr;

	/* A command is at least CLA INS P1 P2. */
	if (in_len < SCARD_IO_HDR_LEN + 4 || in_len > SCARD_MAX_TRANSMIT_IN)
		return -EINVAL;
	memcpy(&hdr, in, sizeof(hdr));
	if (hdr.pci_length != SCARD_IO_HDR_LEN)
		return -EINVAL;
	return 0;
}

static void scard_perf_account(struct scard_reader *rdr, int ret,
			       size_t sent, size_t received, u64 ns)
{
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	rdr->perf.transmit_time_ns += ns;
	if (!ret) {
		rdr->perf.transmissions++;
		rdr->perf.bytes_sent += sent;
		rdr->perf.bytes_received += received;
	} else if (ret == -EPROTO) {
		rdr->perf.protocol_errors++;
	} else if (ret == -ETIMEDOUT) {
		rdr->perf.timeouts++;
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
}

/**
 * scard_transmit_reply_max() - the largest TRANSMIT output a command admits
 * @in: SCARD_IO_REQUEST header and command, checked by
 *	scard_transmit_check()
 * @in_len: bytes in @in
 *
 * A short command APDU gets at most 256 data bytes and SW1 SW2 back
 * (ISO/IEC 7816-4; the T=0 engine's GET RESPONSE loop stops there too), so
 * its reply buffer stays small however large the caller's is. An extended
 * APDU, or bytes that are no APDU at all (an APDU-level reader or the T=1
 * engine passes them on), may get the largest response.
 *
 * Return: header plus response bytes, at most SCARD_MAX_TRANSMIT_OUT.
 */
size_t scard_transmit_reply_max(const u8 *in, size_t in_len)
{
	struct scard_apdu apdu;

	if (!scard_apdu_parse(&apdu, in + SCARD_IO_HDR_LEN,
			      in_len - SCARD_IO_HDR_LEN) && !apdu.extended)
		return SCARD_IO_HDR_LEN + SCARD_MAX_SHORT_RESP;
	return SCARD_MAX_TRANSMIT_OUT;
}

/**
 * scard_transmit() - IOCTL_SMARTCARD_TRANSMIT
 * @sf: the file the TRANSMIT is for
 * @in: SCARD_IO_REQUEST header and command, checked by
 *	scard_transmit_check()
 * @in_len: bytes in @in
 * @out: buffer for the header and the response, at least
 *	SCARD_IO_HDR_LEN + 2 bytes
 * @out_size: size of @out
 * @out_len: set to the bytes stored in @out, or on -EOVERFLOW to the size
 *	that was needed
 *
 * The exchange writes the response straight into @out, after the header:
 * no buffer in between, no second copy. Every exchange level runs a
 * response that does not fit to its end and reports its size, so
 * -EOVERFLOW always comes with the size needed; a size beyond what the
 * command admits (scard_transmit_reply_max()) is -EPROTO instead.
 *
 * Context: process; takes the reader lock, sleeps.
 * Return: 0 or a negative errno (see Documentation/scard/userspace-api.rst).
 */
int scard_transmit(struct scard_file *sf, const u8 *in, size_t in_len,
		   u8 *out, size_t out_size, size_t *out_len)
{
	struct scard_reader *rdr = sf->rdr;
	struct scard_io_request hdr;
	size_t resp_len = 0;
	u64 start;
	int ret;

	if (WARN_ON_ONCE(out_size < SCARD_IO_HDR_LEN + 2))
		return -EINVAL;
	memcpy(&hdr, in, sizeof(hdr));

	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;

	ret = scard_reader_check_specific(rdr);
	if (!ret && hdr.protocol != rdr->params.protocol)
		ret = -EBADFD;
	if (ret)
		goto out_unlock;

	start = ktime_get_ns();
	ret = scard_protocol_transmit(rdr, in + SCARD_IO_HDR_LEN,
				      in_len - SCARD_IO_HDR_LEN,
				      out + SCARD_IO_HDR_LEN,
				      out_size - SCARD_IO_HDR_LEN, &resp_len);
	scard_perf_account(rdr, ret, in_len - SCARD_IO_HDR_LEN, resp_len,
			   ktime_get_ns() - start);
	if (!ret || ret == -EOVERFLOW)
		*out_len = SCARD_IO_HDR_LEN + resp_len;
	/*
	 * More than the command admits, whatever @out_size: the card broke
	 * the protocol (a short APDU answered with more than 256 data
	 * bytes). Its answer is gone, and EOVERFLOW would only make the
	 * caller send the command again with a buffer that cannot help.
	 */
	if (ret == -EOVERFLOW &&
	    *out_len > scard_transmit_reply_max(in, in_len))
		ret = -EPROTO;
	if (!ret)
		memcpy(out, &hdr, sizeof(hdr));

out_unlock:
	scard_reader_unlock(rdr);
	return ret;
}

static ssize_t name_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct scard_reader *rdr = to_scard_reader(dev);

	return sysfs_emit(buf, "%s %s\n", rdr->caps.vendor_name,
			  rdr->caps.ifd_type);
}
static DEVICE_ATTR_RO(name);

static ssize_t slot_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%u\n", to_scard_reader(dev)->slot);
}
static DEVICE_ATTR_RO(slot);

static ssize_t slots_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", max(to_scard_reader(dev)->slots, 1U));
}
static DEVICE_ATTR_RO(slots);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	u32 state = scard_reader_state(to_scard_reader(dev));

	return sysfs_emit(buf, "%s\n", scard_state_names[state]);
}
static DEVICE_ATTR_RO(state);

static ssize_t protocol_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct scard_reader *rdr = to_scard_reader(dev);
	unsigned long flags;
	u32 protocol;

	spin_lock_irqsave(&rdr->state_lock, flags);
	protocol = rdr->state == SCARD_SPECIFIC ? rdr->params.protocol : 0;
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	switch (protocol) {
	case SCARD_PROTOCOL_T0:
		return sysfs_emit(buf, "T0\n");
	case SCARD_PROTOCOL_T1:
		return sysfs_emit(buf, "T1\n");
	default:
		return sysfs_emit(buf, "none\n");
	}
}
static DEVICE_ATTR_RO(protocol);

static ssize_t atr_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct scard_reader *rdr = to_scard_reader(dev);
	u8 atr[SCARD_MAX_ATR];
	unsigned long flags;
	size_t i, len = 0;
	int n = 0;

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (rdr->state >= SCARD_POWERED) {
		len = rdr->atr.len;
		memcpy(atr, rdr->atr.raw, len);
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	for (i = 0; i < len; i++)
		n += sysfs_emit_at(buf, n, "%02X", atr[i]);
	n += sysfs_emit_at(buf, n, "\n");
	return n;
}
static DEVICE_ATTR_RO(atr);

static ssize_t event_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct scard_reader *rdr = to_scard_reader(dev);
	unsigned long flags;
	u32 count;

	spin_lock_irqsave(&rdr->state_lock, flags);
	count = rdr->event_count;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return sysfs_emit(buf, "%u\n", count);
}
static DEVICE_ATTR_RO(event_count);

static struct attribute *scard_attrs[] = {
	&dev_attr_name.attr,
	&dev_attr_slot.attr,
	&dev_attr_slots.attr,
	&dev_attr_state.attr,
	&dev_attr_protocol.attr,
	&dev_attr_atr.attr,
	&dev_attr_event_count.attr,
	NULL,
};
ATTRIBUTE_GROUPS(scard);

static struct class scard_class = {
	.name = "scard",
	.dev_groups = scard_groups,
};

static void scard_reader_release(struct device *dev)
{
	struct scard_reader *rdr = to_scard_reader(dev);

	ida_free(&scard_minors, MINOR(dev->devt));
	kfree(rdr);
}

/**
 * scard_reader_alloc() - allocate a reader
 * @parent: the device the reader belongs to (USB interface, tty...), or NULL
 * @ops: the driver's operations; must outlive the reader's registration
 *
 * The driver then fills in @caps, @slot and its private data, reports the
 * initial card presence with scard_reader_card_event() and calls
 * scard_reader_register(). Every error path after this call ends with
 * scard_reader_put().
 *
 * Context: process; may sleep.
 * Return: the reader or an ERR_PTR().
 */
struct scard_reader *scard_reader_alloc(struct device *parent,
					const struct scard_reader_ops *ops)
{
	struct scard_reader *rdr;
	int id, ret;

	if (!ops || !ops->power || !ops->xfr)
		return ERR_PTR(-EINVAL);

	rdr = kzalloc(sizeof(*rdr), GFP_KERNEL);
	if (!rdr)
		return ERR_PTR(-ENOMEM);

	id = ida_alloc_max(&scard_minors, SCARD_MINORS - 1, GFP_KERNEL);
	if (id < 0) {
		kfree(rdr);
		return ERR_PTR(id);
	}

	rdr->ops = ops;
	init_rwsem(&rdr->ops_sem);
	INIT_LIST_HEAD(&rdr->lock_queue);
	init_waitqueue_head(&rdr->lock_wait);
	lockdep_init_map(&rdr->lock_dep_map, "scard_reader_lock",
			 &scard_reader_lock_key, 0);
	mutex_init(&rdr->open_lock);
	spin_lock_init(&rdr->state_lock);
	init_waitqueue_head(&rdr->event_wait);
	INIT_WORK(&rdr->uevent_work, scard_uevent_work);
	INIT_LIST_HEAD(&rdr->files);
	rdr->state = SCARD_UNKNOWN;
	rdr->caps.level = SCARD_LEVEL_TPDU;
	rdr->perf.size = sizeof(rdr->perf);
	rdr->perf.version = SCARD_PERF_CNTR_VERSION;

	device_initialize(&rdr->dev);
	rdr->dev.devt = MKDEV(MAJOR(scard_first), id);
	rdr->dev.class = &scard_class;
	rdr->dev.parent = parent;
	rdr->dev.release = scard_reader_release;
	dev_set_drvdata(&rdr->dev, rdr);
	ret = dev_set_name(&rdr->dev, "scard%d", id);
	if (ret) {
		put_device(&rdr->dev);
		return ERR_PTR(ret);
	}

	cdev_init(&rdr->cdev, &scard_fops);
	rdr->cdev.owner = THIS_MODULE;
	return rdr;
}
EXPORT_SYMBOL_GPL(scard_reader_alloc);

/**
 * scard_reader_register() - make a reader visible as /dev/scardN
 * @rdr: a reader from scard_reader_alloc()
 *
 * Context: process; may sleep.
 * Return: 0 or a negative errno.
 */
int scard_reader_register(struct scard_reader *rdr)
{
	unsigned long flags;
	int ret;

	ret = cdev_device_add(&rdr->cdev, &rdr->dev);
	if (ret) {
		dev_err(&rdr->dev, "failed to add device: %d\n", ret);
		return ret;
	}
	spin_lock_irqsave(&rdr->state_lock, flags);
	rdr->registered = true;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return 0;
}
EXPORT_SYMBOL_GPL(scard_reader_register);

/**
 * scard_reader_unregister() - remove a reader
 * @rdr: a registered reader
 *
 * Completes pending card tracking with ENODEV, waits for the driver
 * operation in progress to return, calls @close if the reader is open and
 * removes /dev/scardN. Open files stay valid and fail with ENODEV. After
 * this returns the core calls no operation of the driver.
 *
 * Context: process; sleeps.
 */
void scard_reader_unregister(struct scard_reader *rdr)
{
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	rdr->gone = true;
	rdr->registered = false;
	scard_complete_tracking(rdr, false, ENODEV);
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	wake_up_interruptible_all(&rdr->event_wait);
	/* Operations waiting for the reader lock give up now. */
	wake_up_all(&rdr->lock_wait);

	mutex_lock(&rdr->open_lock);
	down_write(&rdr->ops_sem);
	rdr->disconnected = true;
	if (rdr->open_count && rdr->ops->close)
		rdr->ops->close(rdr);
	up_write(&rdr->ops_sem);
	mutex_unlock(&rdr->open_lock);
	wake_up_interruptible_all(&rdr->event_wait);

	cancel_work_sync(&rdr->uevent_work);
	cdev_device_del(&rdr->cdev, &rdr->dev);
}
EXPORT_SYMBOL_GPL(scard_reader_unregister);

/**
 * scard_reader_put() - drop the driver's reference to a reader
 * @rdr: the reader, or NULL
 *
 * The memory is freed when the last open file is closed as well.
 *
 * Context: process.
 */
void scard_reader_put(struct scard_reader *rdr)
{
	if (rdr)
		put_device(&rdr->dev);
}
EXPORT_SYMBOL_GPL(scard_reader_put);

static int __init scard_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&scard_first, 0, SCARD_MINORS, "scard");
	if (ret)
		return ret;

	ret = class_register(&scard_class);
	if (ret)
		goto err_unregister_chrdev;

	scard_wq = alloc_workqueue("scard", WQ_UNBOUND, 0);
	if (!scard_wq) {
		ret = -ENOMEM;
		goto err_unregister_class;
	}
	return 0;

err_unregister_class:
	class_unregister(&scard_class);
err_unregister_chrdev:
	unregister_chrdev_region(scard_first, SCARD_MINORS);
	return ret;
}
module_init(scard_init);

static void __exit scard_exit(void)
{
	destroy_workqueue(scard_wq);
	class_unregister(&scard_class);
	unregister_chrdev_region(scard_first, SCARD_MINORS);
	ida_destroy(&scard_minors);
}
module_exit(scard_exit);

MODULE_DESCRIPTION("Smart card reader core and driver library");
MODULE_LICENSE("GPL");
