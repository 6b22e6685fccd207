// SPDX-License-Identifier: GPL-2.0
/*
 * scard_serial: GemPC Twin serial readers, CCID messages over a serial line.
 *
 * Framing (the "Twin protocol" of LudovicRousseau/CCID's ccid_serial.c):
 * every message is SYNC (03), CTRL (06 = ACK), the CCID bulk message (the
 * 10-byte header and dwLength data bytes) and an LRC, the XOR of all the
 * bytes before it, so that a correct frame XORs to 0. A NAK is the frame
 * 03 15 16. Between frames the reader sends the card movement
 * notification 50 02 (absent) or 50 03 (present), and during a T=0
 * exchange single bytes 80..FF (time requests), which are skipped. The
 * messages are built and checked by the codec scard_ccid uses (ccid_msg.c,
 * in scard.ko): this file only frames them and moves them.
 *
 * The GemPC Twin echoes each command frame before its answer (again after
 * every time extension); echoes are recognised as PC_to_RDR messages
 * (bMessageType below 80) and dropped. Answers are matched on bSeq like on
 * USB; stale ones are dropped.
 *
 * Line errors. libccid only logs a bad LRC and never resynchronises; here
 * both sides follow one rule: a frame that arrives damaged (bad CTRL, LRC
 * or length, a frame cut short, garbage between frames) is answered, once
 * the line has been quiet for TWIN_IDLE_MS, with a NAK, and a NAK means
 * "send your last frame again". After a damaged frame the receiver skips
 * everything until the line is quiet, then hunts for SYNC again. So a
 * command the reader got damaged is sent again (on its NAK), and an answer
 * that arrived damaged is asked for again (our NAK) rather than the
 * command being run twice. A command that raised no byte at all from a
 * reader known to echo within TWIN_RESEND_MS was lost whole and is sent
 * again. Each command gets TWIN_MAX_RETRIES such repetitions.
 *
 * One command at a time per line (io_mutex). Commands cut short (fatal
 * signal, cancel) leave their answer to arrive later: it is dropped by its
 * bSeq when the next command waits for its own.
 */

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kfifo.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tty_buffer.h>
#include <linux/workqueue.h>
#include <linux/scard.h>

#include "ccid_msg.h"
#include "compat.h"
#include "serial.h"

#define TWIN_SYNC		0x03
#define TWIN_ACK		0x06
#define TWIN_NAK		0x15
#define TWIN_NOTIFY		0x50
#define TWIN_NOTIFY_ABSENT	0x02
#define TWIN_NOTIFY_PRESENT	0x03

/* dwMaxCCIDMessageLength of the serial GemPC Twin (header included). */
#define TWIN_MAX_MSG		271
/* Largest dwLength accepted from the line: anything beyond is noise. */
#define TWIN_MAX_RX_DATA	512
#define TWIN_FRAME_EXTRA	3	/* SYNC CTRL ... LRC */
#define TWIN_RX_FIFO		4096

#define TWIN_IDLE_MS		100	/* quiet line after a damaged frame */
#define TWIN_RESEND_MS		1000	/* no byte at all: the command was lost */
#define TWIN_MAX_RETRIES	8
#define TWIN_MAX_STALE		16
#define TWIN_WRITE_MS		2000
#define TWIN_HELLO_MS		2000	/* firmware query at attach */
#define TWIN_CMD_MS		3000	/* status, power off, parameters */
#define TWIN_POWER_MS		5000	/* IccPowerOn */
#define TWIN_MAX_WAIT_MS	300000	/* one exchange, time extensions too */

static const u8 twin_esc_firmware[] = { 0x02 };
static const u8 twin_esc_notify_on[] = { 0x01, 0x01, 0x01 };

static unsigned int xfr_timeout_ms = 10000;
module_param(xfr_timeout_ms, uint, 0644);
MODULE_PARM_DESC(xfr_timeout_ms,
		 "GemPC Twin: minimum time to wait for a card's answer, in ms (default: 10000)");

enum twin_rx_state {
	TWIN_RX_HUNT,		/* between frames */
	TWIN_RX_NOTIFY,		/* after 50: the card state byte */
	TWIN_RX_CTRL,		/* after SYNC */
	TWIN_RX_NAK,		/* after 03 15: the LRC 16 */
	TWIN_RX_BODY,		/* CCID header and data */
	TWIN_RX_LRC,
	TWIN_RX_SKIP,		/* after an error: until the line is quiet */
};

enum twin_event {
	TWIN_EV_FRAME,		/* a good frame, in twin->rx */
	TWIN_EV_NAK,		/* the reader wants our last frame again */
	TWIN_EV_DAMAGED,	/* something arrived damaged, line now quiet */
	TWIN_EV_SILENT,		/* nothing at all since the command */
	TWIN_EV_TIMEOUT,	/* the deadline passed */
};

/**
 * struct twin - one GemPC Twin on a serial line
 * @ss: the line
 * @rdr: the reader of its one slot
 * @registered: @rdr is registered
 * @io_mutex: one command at a time; protects the fields up to @echoes
 * @seq: bSeq of the next command
 * @timeout_ms: XfrBlock timeout under the parameters in force
 * @msg: the CCID message being sent
 * @tx: @msg framed
 * @tx_len: bytes in @tx
 * @rx: the frame taken from @frames (CCID message only)
 * @echoes: the reader echoes commands (seen once)
 * @rescan_work: asks for the slot status and reports the card
 * @rx_state: receive state (the fields from here on are under ss->lock)
 * @frame: the frame being received, SYNC and CTRL included
 * @pos: bytes in @frame
 * @need: bytes the frame has before its LRC
 * @last_rx: jiffies of the last byte received
 * @rx_bytes: bytes received in all
 * @naks: NAK frames received
 * @damaged: damaged frames (or garbage) received
 * @frames: good frames, each as a u16 length and the CCID message
 * @notes: in-band card notifications received (under @ss->lock)
 */
struct twin {
	struct scard_serial *ss;
	struct scard_reader *rdr;
	bool registered;

	struct mutex io_mutex;		/* one command at a time */
	u8 seq;
	unsigned int timeout_ms;
	u8 msg[TWIN_MAX_MSG];
	u8 tx[TWIN_MAX_MSG + TWIN_FRAME_EXTRA];
	size_t tx_len;
	u8 rx[CCID_HDR_SIZE + TWIN_MAX_RX_DATA];
	bool echoes;
	struct work_struct rescan_work;
	u32 notes;

	enum twin_rx_state rx_state;
	u8 frame[TWIN_FRAME_EXTRA + CCID_HDR_SIZE + TWIN_MAX_RX_DATA];
	size_t pos;
	size_t need;
	unsigned long last_rx;
	u32 rx_bytes;
	u32 naks;
	u32 damaged;
	DECLARE_KFIFO(frames, u8, TWIN_RX_FIFO);
};

static unsigned int twin_xfr_timeout(void)
{
	return clamp_t(unsigned int, READ_ONCE(xfr_timeout_ms), 1000,
		       TWIN_MAX_WAIT_MS);
}

static struct device *twin_dev(struct twin *t)
{
	return &t->rdr->dev;
}

/* --- receive: called with ss->lock held ----------------------------- */

static void twin_rx_error(struct twin *t)
{
	t->damaged++;
	t->rx_state = TWIN_RX_SKIP;
}

/* A quiet line ends a damaged or unfinished frame. ss->lock held. */
static void twin_rx_idle(struct twin *t, unsigned long now)
{
	if (t->rx_state == TWIN_RX_HUNT ||
	    time_before(now, t->last_rx + msecs_to_jiffies(TWIN_IDLE_MS)))
		return;
	if (t->rx_state != TWIN_RX_SKIP)
		t->damaged++;		/* cut short */
	t->rx_state = TWIN_RX_HUNT;
}

static void twin_rx_frame(struct twin *t)
{
	size_t len = t->pos - 2;	/* the CCID message */
	u16 rec = len;

	if (kfifo_avail(&t->frames) < sizeof(rec) + len) {
		t->damaged++;		/* overrun: as if it had been lost */
		return;
	}
	kfifo_in(&t->frames, (u8 *)&rec, sizeof(rec));
	kfifo_in(&t->frames, t->frame + 2, len);
}

static void twin_rx_byte(struct twin *t, u8 b)
{
	switch (t->rx_state) {
	case TWIN_RX_SKIP:
		return;
	case TWIN_RX_HUNT:
		if (b == TWIN_SYNC) {
			t->frame[0] = b;
			t->pos = 1;
			t->rx_state = TWIN_RX_CTRL;
		} else if (b == TWIN_NOTIFY) {
			t->rx_state = TWIN_RX_NOTIFY;
		} else if (b < 0x80) {
			/* 80..FF are T=0 time requests; the rest is noise. */
			twin_rx_error(t);
		}
		return;
	case TWIN_RX_NOTIFY:
		if (b != TWIN_NOTIFY_ABSENT && b != TWIN_NOTIFY_PRESENT) {
			twin_rx_error(t);
			return;
		}
		t->rx_state = TWIN_RX_HUNT;
		t->notes++;
		scard_reader_card_event(t->rdr, b == TWIN_NOTIFY_PRESENT);
		/* Confirm: a notification may come from noise. */
		schedule_work(&t->rescan_work);
		return;
	case TWIN_RX_CTRL:
		t->frame[t->pos++] = b;
		if (b == TWIN_ACK) {
			t->need = TWIN_FRAME_EXTRA - 1 + CCID_HDR_SIZE;
			t->rx_state = TWIN_RX_BODY;
		} else if (b == TWIN_NAK) {
			t->rx_state = TWIN_RX_NAK;
		} else {
			twin_rx_error(t);
		}
		return;
	case TWIN_RX_NAK:
		if (b != (TWIN_SYNC ^ TWIN_NAK)) {
			twin_rx_error(t);
			return;
		}
		t->naks++;
		t->rx_state = TWIN_RX_HUNT;
		return;
	case TWIN_RX_BODY:
		t->frame[t->pos++] = b;
		if (t->pos == 2 + CCID_HDR_SIZE) {
			u32 dlen = get_unaligned_le32(t->frame + 3);

			if (dlen > TWIN_MAX_RX_DATA) {
				twin_rx_error(t);
				return;
			}
			t->need = 2 + CCID_HDR_SIZE + dlen;
		}
		if (t->pos == t->need)
			t->rx_state = TWIN_RX_LRC;
		return;
	case TWIN_RX_LRC: {
		u8 lrc = b;
		size_t i;

		for (i = 0; i < t->pos; i++)
			lrc ^= t->frame[i];
		if (lrc) {
			twin_rx_error(t);
			return;
		}
		twin_rx_frame(t);
		t->rx_state = TWIN_RX_HUNT;
		return;
	}
	}
}

static void twin_recv(struct scard_serial *ss, const u8 *data,
		      const u8 *flags, size_t count)
{
	struct twin *t = ss->proto_data;
	unsigned long now = jiffies;
	size_t i;

	twin_rx_idle(t, now);
	for (i = 0; i < count; i++) {
		if (flags && flags[i] != TTY_NORMAL)
			twin_rx_error(t);	/* framing, parity, overrun */
		else
			twin_rx_byte(t, data[i]);
	}
	t->last_rx = now;
	t->rx_bytes += count;
}

/* --- send and wait -------------------------------------------------- */

/* Frame the @len-byte message in t->msg into t->tx. */
static void twin_frame(struct twin *t, size_t len)
{
	u8 lrc = TWIN_SYNC ^ TWIN_ACK;
	size_t i;

	t->tx[0] = TWIN_SYNC;
	t->tx[1] = TWIN_ACK;
	memcpy(t->tx + 2, t->msg, len);
	for (i = 0; i < len; i++)
		lrc ^= t->msg[i];
	t->tx[2 + len] = lrc;
	t->tx_len = len + TWIN_FRAME_EXTRA;
}

/* Frame repetitions count as retransmissions (GET_PERF_CNTR). */
static void twin_count_retry(struct twin *t)
{
	struct scard_reader *rdr = t->rdr;
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	rdr->perf.retransmissions++;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
}

static int twin_send_nak(struct twin *t)
{
	static const u8 nak[] = { TWIN_SYNC, TWIN_NAK, TWIN_SYNC ^ TWIN_NAK };

	return scard_serial_write(t->ss, nak, sizeof(nak), TWIN_WRITE_MS);
}

/**
 * struct twin_wait - what one command waits for
 * @naks: NAKs seen so far
 * @damaged: damaged frames seen so far
 * @rx_bytes: bytes received when the command was sent
 * @sent: jiffies when it was sent
 * @deadline: jiffies when it times out
 */
struct twin_wait {
	u32 naks;
	u32 damaged;
	u32 rx_bytes;
	unsigned long sent;
	unsigned long deadline;
};

/*
 * What happened, under ss->lock: a frame (copied to t->rx, its length in
 * *@len), a NAK, damage followed by a quiet line, or nothing (-EAGAIN).
 */
static int twin_poll(struct twin *t, struct twin_wait *w, size_t *len)
{
	struct scard_serial *ss = t->ss;
	unsigned long flags;
	int ret = -EAGAIN;
	u16 rec;

	spin_lock_irqsave(&ss->lock, flags);
	twin_rx_idle(t, jiffies);
	if (ss->dead) {
		ret = -ENODEV;
	} else if (kfifo_out(&t->frames, (u8 *)&rec, sizeof(rec)) ==
		   sizeof(rec)) {
		*len = kfifo_out(&t->frames, t->rx, min_t(size_t, rec,
							  sizeof(t->rx)));
		ret = TWIN_EV_FRAME;
	} else if (t->naks != w->naks) {
		w->naks = t->naks;
		ret = TWIN_EV_NAK;
	} else if (t->damaged != w->damaged &&
		   t->rx_state == TWIN_RX_HUNT) {
		w->damaged = t->damaged;
		ret = TWIN_EV_DAMAGED;
	} else if (t->echoes && t->rx_bytes == w->rx_bytes &&
		   time_after_eq(jiffies, w->sent +
				 msecs_to_jiffies(TWIN_RESEND_MS))) {
		ret = TWIN_EV_SILENT;
	}
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret;
}

static bool twin_wake(struct twin *t, const struct twin_wait *w)
{
	struct scard_serial *ss = t->ss;
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&ss->lock, flags);
	ret = ss->dead || !kfifo_is_empty(&t->frames) || t->naks != w->naks;
	spin_unlock_irqrestore(&ss->lock, flags);
	return ret || scard_reader_cancelled(t->rdr);
}

/* The next thing that happens on the line, or an error. */
static int twin_next(struct twin *t, struct twin_wait *w, size_t *len)
{
	long left, ret;
	int ev;

	for (;;) {
		ev = twin_poll(t, w, len);
		if (ev != -EAGAIN)
			return ev;
		if (scard_reader_cancelled(t->rdr))
			return -ECANCELED;
		left = (long)(w->deadline - jiffies);
		if (left <= 0)
			return TWIN_EV_TIMEOUT;
		/* Wake up for the quiet-line and resend checks too. */
		left = min_t(long, left, msecs_to_jiffies(TWIN_IDLE_MS));
		ret = wait_event_killable_timeout(t->ss->wait, twin_wake(t, w),
						  left);
		if (ret < 0)
			return -EINTR;
	}
}

static int twin_send(struct twin *t, struct twin_wait *w)
{
	struct scard_serial *ss = t->ss;
	unsigned long flags;

	spin_lock_irqsave(&ss->lock, flags);
	w->rx_bytes = t->rx_bytes;
	spin_unlock_irqrestore(&ss->lock, flags);
	w->sent = jiffies;
	return scard_serial_write(ss, t->tx, t->tx_len, TWIN_WRITE_MS);
}

/*
 * Send the @len-byte message in t->msg and wait up to @timeout_ms for its
 * answer, validated into @resp (pointing into t->rx). io_mutex held.
 */
static int twin_transact(struct twin *t, size_t len, unsigned int timeout_ms,
			 struct scard_ccid_resp *resp)
{
	struct scard_serial *ss = t->ss;
	u8 req = t->msg[0], slot = t->msg[5], seq = t->msg[6];
	unsigned int retries = 0, stale = 0;
	struct twin_wait w = {};
	unsigned long flags, limit;
	size_t rlen = 0;
	int ret;

	lockdep_assert_held(&t->io_mutex);

	/* Whatever is left over from earlier commands is stale. */
	spin_lock_irqsave(&ss->lock, flags);
	kfifo_reset(&t->frames);
	w.naks = t->naks;
	w.damaged = t->damaged;
	spin_unlock_irqrestore(&ss->lock, flags);

	twin_frame(t, len);
	ret = twin_send(t, &w);
	if (ret)
		return ret;
	w.deadline = jiffies + msecs_to_jiffies(timeout_ms);
	limit = jiffies + msecs_to_jiffies(TWIN_MAX_WAIT_MS);

	for (;;) {
		ret = twin_next(t, &w, &rlen);
		switch (ret) {
		case TWIN_EV_FRAME:
			break;
		case TWIN_EV_NAK:
		case TWIN_EV_SILENT:
			if (++retries > TWIN_MAX_RETRIES)
				return -EIO;
			twin_count_retry(t);
			dev_dbg_ratelimited(twin_dev(t),
					    "command %02x seq %u: %s, sending again\n",
					    req, seq, ret == TWIN_EV_NAK ?
					    "NAK" : "no echo");
			ret = twin_send(t, &w);
			if (ret)
				return ret;
			continue;
		case TWIN_EV_DAMAGED:
			if (++retries > TWIN_MAX_RETRIES)
				return -EIO;
			twin_count_retry(t);
			dev_dbg_ratelimited(twin_dev(t),
					    "command %02x seq %u: damaged frame, NAK\n",
					    req, seq);
			ret = twin_send_nak(t);
			if (ret)
				return ret;
			continue;
		case TWIN_EV_TIMEOUT:
			dev_dbg_ratelimited(twin_dev(t),
					    "command %02x seq %u: timeout\n",
					    req, seq);
			return -ETIMEDOUT;
		default:
			return ret;
		}

		if (rlen < CCID_HDR_SIZE)
			continue;
		if (!(t->rx[0] & 0x80)) {
			/* A PC_to_RDR message: the reader's echo. */
			t->echoes = true;
			continue;
		}
		ret = scard_ccid_parse_response(resp, t->rx, rlen, req, slot,
						seq);
		switch (ret) {
		case -EAGAIN:
			if (++stale > TWIN_MAX_STALE)
				return -EPROTO;
			continue;
		case -EINPROGRESS: {
			unsigned int ext = timeout_ms * max_t(u8, resp->error, 1);

			if (time_after_eq(jiffies, limit))
				return -ETIMEDOUT;
			ext = min_t(unsigned int, ext, TWIN_MAX_WAIT_MS);
			w.deadline = jiffies + msecs_to_jiffies(ext);
			if (time_after(w.deadline, limit))
				w.deadline = limit;
			continue;
		}
		case -EPROTO:
			dev_warn_ratelimited(twin_dev(t),
					     "command %02x: bad answer %*ph\n",
					     req, (int)min_t(size_t, rlen,
							     CCID_HDR_SIZE),
					     t->rx);
			return ret;
		default:
			return ret;
		}
	}
}

static int twin_lock(struct twin *t)
{
	if (mutex_lock_killable(&t->io_mutex))
		return -EINTR;
	if (scard_serial_dead(t->ss)) {
		mutex_unlock(&t->io_mutex);
		return -ENODEV;
	}
	return 0;
}

/* --- CCID commands -------------------------------------------------- */

static int twin_simple(struct twin *t, int len, unsigned int timeout_ms,
		       struct scard_ccid_resp *resp)
{
	if (len < 0)
		return len;
	return twin_transact(t, len, timeout_ms, resp);
}

static int twin_get_slot_status(struct twin *t, struct scard_ccid_resp *resp)
{
	return twin_simple(t, scard_ccid_build_get_slot_status(t->msg,
							       sizeof(t->msg),
							       0, t->seq++),
			   TWIN_CMD_MS, resp);
}

static int twin_escape_cmd(struct twin *t, const u8 *data, size_t len,
			   unsigned int timeout_ms,
			   struct scard_ccid_resp *resp)
{
	return twin_simple(t, scard_ccid_build_escape(t->msg, sizeof(t->msg),
						      0, t->seq++, data, len),
			   timeout_ms, resp);
}

static int twin_power_off(struct twin *t)
{
	struct scard_ccid_resp resp;
	int ret;

	ret = twin_simple(t, scard_ccid_build_icc_power_off(t->msg,
							    sizeof(t->msg),
							    0, t->seq++),
			  TWIN_CMD_MS, &resp);
	if (!ret && resp.icc_status == CCID_ICC_ABSENT)
		ret = -ENOMEDIUM;
	return ret;
}

static int twin_power_on(struct twin *t, u8 *atr, size_t *atr_len)
{
	struct scard_ccid_resp resp;
	int ret;

	ret = twin_simple(t, scard_ccid_build_icc_power_on(t->msg,
							   sizeof(t->msg), 0,
							   t->seq++,
							   CCID_POWER_5V),
			  TWIN_POWER_MS, &resp);
	if (ret)
		return ret;
	if (resp.icc_status == CCID_ICC_ABSENT)
		return -ENOMEDIUM;
	if (!resp.data_len || resp.data_len > SCARD_MAX_ATR)
		return -EPROTO;
	memcpy(atr, resp.data, resp.data_len);
	*atr_len = resp.data_len;
	t->timeout_ms = twin_xfr_timeout();
	return 0;
}

static int twin_power(struct scard_reader *rdr, u32 action, u8 *atr,
		      size_t *atr_len)
{
	struct twin *t = scard_reader_get_drvdata(rdr);
	int ret;

	ret = twin_lock(t);
	if (ret)
		return ret;
	switch (action) {
	case SCARD_POWER_DOWN:
		ret = twin_power_off(t);
		break;
	case SCARD_COLD_RESET:
		ret = twin_power_off(t);
		if (ret == -ENODEV || ret == -EINTR || ret == -ECANCELED)
			break;
		ret = twin_power_on(t, atr, atr_len);
		break;
	case SCARD_WARM_RESET:
		/* IccPowerOn on a powered card is a warm reset. */
		ret = twin_power_on(t, atr, atr_len);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&t->io_mutex);
	return ret;
}

static int twin_set_params(struct scard_reader *rdr,
			   const struct scard_params *params)
{
	struct twin *t = scard_reader_get_drvdata(rdr);
	struct scard_ccid_resp resp;
	unsigned int wait;
	int ret;

	ret = twin_lock(t);
	if (ret)
		return ret;
	ret = twin_simple(t, scard_ccid_build_set_parameters(t->msg,
							     sizeof(t->msg),
							     0, t->seq++,
							     params,
							     rdr->atr.inverse),
			  TWIN_CMD_MS, &resp);
	if (!ret) {
		/* The reader times the card; allow twice that and a margin. */
		wait = scard_ccid_wait_ms(params, rdr->caps.default_clk);
		t->timeout_ms = clamp_t(unsigned int, 2 * wait + 1000,
					twin_xfr_timeout(), TWIN_MAX_WAIT_MS);
	}
	mutex_unlock(&t->io_mutex);
	return ret;
}

static int twin_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		    u8 *rx, size_t rx_size, size_t *rx_len)
{
	struct twin *t = scard_reader_get_drvdata(rdr);
	struct scard_ccid_resp resp;
	int ret;

	if (tx_len > TWIN_MAX_MSG - CCID_HDR_SIZE)
		return -EMSGSIZE;
	ret = twin_lock(t);
	if (ret)
		return ret;
	ret = twin_simple(t, scard_ccid_build_xfr_block(t->msg,
							sizeof(t->msg), 0,
							t->seq++, rdr->wtx,
							CCID_CHAIN_NONE, tx,
							tx_len),
			  min_t(unsigned long, (unsigned long)t->timeout_ms *
				max(rdr->wtx, 1U), TWIN_MAX_WAIT_MS), &resp);
	if (!ret)
		ret = scard_ccid_icc_active(&resp);
	if (!ret)
		ret = scard_ccid_copy_data(&resp, rx, rx_size, rx_len);
	mutex_unlock(&t->io_mutex);
	return ret;
}

static void twin_cancel(struct scard_reader *rdr)
{
	struct twin *t = scard_reader_get_drvdata(rdr);

	wake_up_all(&t->ss->wait);
}

static const struct scard_reader_ops twin_ops = {
	.power = twin_power,
	.set_params = twin_set_params,
	.xfr = twin_xfr,
	.cancel = twin_cancel,
};

/* The in-band notifications received so far. */
static u32 twin_notes(struct twin *t)
{
	unsigned long flags;
	u32 n;

	spin_lock_irqsave(&t->ss->lock, flags);
	n = t->notes;
	spin_unlock_irqrestore(&t->ss->lock, flags);
	return n;
}

/*
 * Ask for the slot status and report the card; @power_off active cards.
 * An answer overtaken by a notification is not reported: the reader said
 * something newer, whose own confirmation follows, and reporting the
 * older state in between would count two events that never happened.
 */
static int twin_rescan(struct twin *t, bool power_off)
{
	struct scard_ccid_resp resp;
	u32 notes = twin_notes(t);
	bool present;
	int ret;

	ret = twin_get_slot_status(t, &resp);
	if (ret)
		return ret;
	present = resp.icc_status != CCID_ICC_ABSENT;
	if (present && power_off && resp.icc_status == CCID_ICC_ACTIVE)
		twin_power_off(t);
	if (twin_notes(t) == notes)
		scard_reader_card_event(t->rdr, present);
	return 0;
}

static void twin_rescan_work(struct work_struct *work)
{
	struct twin *t = container_of(work, struct twin, rescan_work);
	int ret;

	if (twin_lock(t))
		return;
	ret = twin_rescan(t, false);
	mutex_unlock(&t->io_mutex);
	if (ret && ret != -ENODEV)
		dev_warn_ratelimited(twin_dev(t), "GetSlotStatus failed: %d\n",
				     ret);
}

/* --- attach and detach ---------------------------------------------- */

static void twin_fill_caps(struct twin *t, struct scard_reader_caps *caps,
			   const u8 *fw, size_t fw_len)
{
	size_t i;

	strscpy(caps->vendor_name, "Gemalto", sizeof(caps->vendor_name));
	strscpy(caps->ifd_type, "GemPC Twin (serial)", sizeof(caps->ifd_type));
	/* The firmware string, printable characters only. */
	fw_len = min(fw_len, sizeof(caps->ifd_serial) - 1);
	for (i = 0; i < fw_len; i++)
		caps->ifd_serial[i] = fw[i] >= 0x20 && fw[i] < 0x7f ? fw[i] :
				      '.';
	caps->ifd_serial[fw_len] = '\0';
	caps->channel_id = SCARD_READER_TYPE_SERIAL << 16 | t->ss->index;
	caps->protocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
	caps->level = SCARD_LEVEL_TPDU;
	caps->default_clk = 4000;
	caps->max_clk = 4000;
	caps->default_rate = 10752;
	caps->max_rate = 344086;
	caps->max_ifsd = 254;
	caps->max_msg = TWIN_MAX_MSG - CCID_HDR_SIZE;
}

/* Firmware query, card notifications on, first slot status. */
static int twin_hello(struct twin *t)
{
	struct scard_ccid_resp resp;
	int ret;

	ret = twin_lock(t);
	if (ret)
		return ret;
	ret = twin_escape_cmd(t, twin_esc_firmware,
			      sizeof(twin_esc_firmware), TWIN_HELLO_MS, &resp);
	if (ret)
		goto out;
	twin_fill_caps(t, &t->rdr->caps, resp.data, resp.data_len);
	ret = twin_escape_cmd(t, twin_esc_notify_on,
			      sizeof(twin_esc_notify_on), TWIN_CMD_MS, &resp);
	if (ret)
		dev_dbg(twin_dev(t), "card notifications refused: %d\n", ret);
	/* The first report is the initial state, not an event. */
	ret = twin_rescan(t, true);
out:
	mutex_unlock(&t->io_mutex);
	return ret;
}

static void twin_free(struct twin *t)
{
	scard_reader_put(t->rdr);
	kfree(t);
}

static int twin_attach(struct scard_serial *ss)
{
	struct scard_reader *rdr;
	unsigned long flags;
	struct twin *t;
	int ret;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->ss = ss;
	mutex_init(&t->io_mutex);
	INIT_KFIFO(t->frames);
	INIT_WORK(&t->rescan_work, twin_rescan_work);
	t->timeout_ms = twin_xfr_timeout();

	rdr = scard_reader_alloc(ss->parent, &twin_ops);
	if (IS_ERR(rdr)) {
		kfree(t);
		return PTR_ERR(rdr);
	}
	t->rdr = rdr;
	ss->rdr = rdr;
	scard_reader_set_drvdata(rdr, t);
	twin_fill_caps(t, &rdr->caps, NULL, 0);

	spin_lock_irqsave(&ss->lock, flags);
	ss->proto_data = t;
	t->last_rx = jiffies;
	ss->ready = true;
	spin_unlock_irqrestore(&ss->lock, flags);

	ret = twin_hello(t);
	if (ret) {
		dev_info(ss->parent, "%s: no GemPC Twin answering: %d\n",
			 ss->name, ret);
		return ret;
	}
	ret = scard_reader_register(rdr);
	if (ret)
		return ret;
	t->registered = true;
	dev_info(&rdr->dev, "GemPC Twin on %s, firmware \"%s\"\n", ss->name,
		 rdr->caps.ifd_serial);
	return 0;
}

/* The line is dead and receives no more: no new rescans get queued. */
static void twin_detach(struct scard_serial *ss)
{
	struct twin *t = ss->proto_data;

	cancel_work_sync(&t->rescan_work);
	if (t->registered)
		scard_reader_unregister(t->rdr);
	ss->proto_data = NULL;
	ss->rdr = NULL;
	twin_free(t);
}

static int twin_minor(struct scard_serial *ss)
{
	struct twin *t = ss->proto_data;

	return t->registered ? MINOR(t->rdr->dev.devt) : -EUNATCH;
}

const struct scard_serial_proto scard_serial_twin = {
	.id = SCARD_SERIAL_PROTO_TWIN,
	.name = "GemPC Twin",
	.attach = twin_attach,
	.detach = twin_detach,
	.recv = twin_recv,
	.minor = twin_minor,
};
