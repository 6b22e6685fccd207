// SPDX-License-Identifier: GPL-2.0
/*
 * scard_vproxy: readers whose card is played by a user-space process.
 *
 * /dev/scard_vproxy is the control device. SCARD_VPROXY_IOC_NEW_DEV
 * creates a reader (/dev/scardN) and returns a file descriptor, the
 * "card side". Every reader operation the core calls (power, parameters,
 * exchange, character send/receive) becomes a request the process read()s
 * from that descriptor; the operation sleeps until the process write()s
 * the reply, the reply times out, or the descriptor is closed. Closing the
 * descriptor removes the reader. The protocol is described in
 * include/uapi/linux/scard.h and Documentation/scard/vproxy.rst.
 *
 * Model: drivers/char/tpm/tpm_vtpm_proxy.c. As there, the descriptor is
 * installed only after the last point of failure, and on close the waiting
 * operation is failed before the reader is unregistered (unregistration
 * waits for that operation to return).
 *
 * The core serializes the operations of a reader, so at most one request
 * is outstanding. A request lives in a reference-counted buffer: the
 * operation holds one reference, a read() copying it out holds another,
 * so an operation that gives up (timeout, fatal signal) never frees a
 * buffer that read() is still copying. A reply is copied from user space
 * into a buffer of its own and handed to the waiting operation under the
 * spinlock; replies for requests nobody waits for any more are dropped.
 */

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kref.h>
#include <linux/math64.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/scard.h>

#define VPROXY_HDR_LEN		sizeof(struct scard_vproxy_msg)
#define VPROXY_MAX_PAYLOAD	(SCARD_VPROXY_MAX_MSG - VPROXY_HDR_LEN)
#define VPROXY_FLAGS_ALL	(SCARD_VPROXY_FLAG_CARD_PRESENT | \
				 SCARD_VPROXY_FLAG_AUTO_PPS)
#define VPROXY_DEFAULT_CLK	4000	/* kHz */
#define VPROXY_MAX_CLK		20000	/* kHz, ISO/IEC 7816-3 fmax */
#define VPROXY_DEFAULT_TIMEOUT	5000	/* ms */
/* ms; a killable sleep must stay well below the hung task timeout */
#define VPROXY_MAX_TIMEOUT	60000

/**
 * struct vproxy_req - one request and, once it came, its reply
 * @ref: held by the operation that sent it and by a read() copying it
 * @type: SCARD_VPROXY_POWER .. SCARD_VPROXY_RECV
 * @seq: its sequence number
 * @claimed: a read() has taken it (under the device lock)
 * @answered: @status, @reply and @reply_len are set (under the device lock)
 * @status: the reply's arg
 * @reply: the reply payload, or NULL; owned by the operation once answered
 * @reply_len: bytes in @reply
 * @msg_len: bytes in @msg
 * @msg: header and payload, as read() returns them
 */
struct vproxy_req {
	struct kref ref;
	u32 type;
	u32 seq;
	bool claimed;
	bool answered;
	s32 status;
	void *reply;
	size_t reply_len;
	size_t msg_len;
	u8 msg[];
};

/**
 * struct vproxy_dev - one virtual reader and its card-side descriptor
 * @rdr: the reader
 * @lock: protects @pending, @last_seq, @closed and the request flags
 * @pending: the request in progress, or NULL
 * @last_seq: sequence number of the last request sent; 0: none yet
 * @closed: the card side was closed; operations fail with -ENODEV
 * @registered: the reader was registered
 * @read_wait: the process waits here for a request
 * @reply_wait: the operation waits here for the reply
 * @timeout_ms: how long an operation waits for its reply
 */
struct vproxy_dev {
	struct scard_reader *rdr;
	spinlock_t lock;		/* see above */
	struct vproxy_req *pending;
	u32 last_seq;
	bool closed;
	bool registered;
	wait_queue_head_t read_wait;
	wait_queue_head_t reply_wait;
	unsigned int timeout_ms;
};

static void vproxy_req_release(struct kref *ref)
{
	kvfree(container_of(ref, struct vproxy_req, ref));
}

static void vproxy_req_put(struct vproxy_req *req)
{
	kref_put(&req->ref, vproxy_req_release);
}

/* The request read() may hand out, or NULL. Lock held. */
static struct vproxy_req *vproxy_readable(struct vproxy_dev *vp)
{
	struct vproxy_req *req = vp->pending;

	return req && !req->claimed ? req : NULL;
}

static bool vproxy_has_request(struct vproxy_dev *vp)
{
	bool ret;

	spin_lock(&vp->lock);
	ret = vproxy_readable(vp);
	spin_unlock(&vp->lock);
	return ret;
}

/*
 * The errnos a card process may answer with: what a card or its line can
 * do (Documentation/scard/vproxy.rst). Anything else (EINPROGRESS would
 * read as "pending" for ever, ENODEV would pass for an unplug, EOVERFLOW
 * or EAGAIN carry meanings of their own in the core) becomes EPROTO.
 */
static int vproxy_errno(s32 status)
{
	switch (status) {
	case -ETIMEDOUT:	/* the card is mute */
	case -EPROTO:		/* it broke the protocol */
	case -EIO:		/* the reader failed */
	case -ENOMEDIUM:	/* no card */
	case -EMEDIUMTYPE:	/* a card that cannot be used */
	case -EBADMSG:		/* RECV: bytes with parity errors */
		return status;
	default:
		return -EPROTO;
	}
}

/**
 * vproxy_request() - send a request to the card process, wait for the reply
 * @vp: the device
 * @type: SCARD_VPROXY_POWER .. SCARD_VPROXY_RECV
 * @arg: the request's arg
 * @payload: payload bytes, or NULL
 * @len: bytes in @payload
 * @first_us: RECV: timeout_us; else 0
 * @next_us: RECV: char_timeout_us; else 0
 * @extra_ms: added to the reply timeout (RECV: the byte times)
 * @reply: set to the reply payload (kvfree() it), or NULL when empty
 * @reply_len: set to the bytes in @reply
 *
 * Context: process, the reader lock held; sleeps killably.
 * Return: 0 when the card process replied with status 0, the negative
 * errno it replied with, -ETIMEDOUT when no reply came in time, -EINTR on
 * a fatal signal, -ECANCELED when the core cancelled the operation (the
 * request is withdrawn: unread, it is never handed out; a late reply to
 * it is dropped as stale), -ENODEV once the card side is closed. A reply
 * with an errno is handed back too (RECV uses the bytes that came with
 * it).
 */
static int vproxy_request(struct vproxy_dev *vp, u32 type, s32 arg,
			  const void *payload, size_t len, u32 first_us,
			  u32 next_us, unsigned int extra_ms, void **reply,
			  size_t *reply_len)
{
	struct scard_vproxy_msg hdr = {
		.type = type,
		.len = len,
		.arg = arg,
		.timeout_us = first_us,
		.char_timeout_us = next_us,
	};
	struct vproxy_req *req;
	unsigned long wait;
	bool answered;
	long left;
	int ret;

	*reply = NULL;
	*reply_len = 0;
	if (len > VPROXY_MAX_PAYLOAD)
		return -EINVAL;

	req = kvmalloc(struct_size(req, msg, VPROXY_HDR_LEN + len),
		       GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	kref_init(&req->ref);
	req->type = type;
	req->claimed = false;
	req->answered = false;
	req->reply = NULL;
	req->reply_len = 0;
	req->msg_len = VPROXY_HDR_LEN + len;
	if (len)
		memcpy(req->msg + VPROXY_HDR_LEN, payload, len);

	spin_lock(&vp->lock);
	if (vp->closed) {
		spin_unlock(&vp->lock);
		vproxy_req_put(req);
		return -ENODEV;
	}
	/* Sequence numbers run from 1; 0 means "none sent yet". */
	vp->last_seq++;
	if (!vp->last_seq)
		vp->last_seq = 1;
	req->seq = vp->last_seq;
	hdr.seq = req->seq;
	memcpy(req->msg, &hdr, sizeof(hdr));
	vp->pending = req;
	spin_unlock(&vp->lock);
	wake_up_interruptible(&vp->read_wait);

	wait = msecs_to_jiffies(min_t(unsigned int, vp->timeout_ms + extra_ms,
				      VPROXY_MAX_TIMEOUT));
	left = wait_event_killable_timeout(vp->reply_wait,
					   READ_ONCE(req->answered) ||
					   READ_ONCE(vp->closed) ||
					   scard_reader_cancelled(vp->rdr),
					   wait);

	spin_lock(&vp->lock);
	if (vp->pending == req)
		vp->pending = NULL;
	answered = req->answered;
	if (answered) {
		/* A reply that beat the timeout or the close still counts. */
		ret = req->status ? vproxy_errno(req->status) : 0;
		*reply = req->reply;
		*reply_len = req->reply_len;
	} else if (vp->closed) {
		ret = -ENODEV;
	} else if (left < 0) {
		ret = -EINTR;
	} else if (left > 0) {
		/* Woken before the timeout, neither answered nor closed. */
		ret = -ECANCELED;
	} else {
		ret = -ETIMEDOUT;
	}
	spin_unlock(&vp->lock);

	if (!answered)
		dev_dbg(&vp->rdr->dev, "request %u (type %u): %d\n", req->seq,
			type, ret);
	vproxy_req_put(req);
	return ret;
}

static int vproxy_power(struct scard_reader *rdr, u32 action, u8 *atr,
			size_t *atr_len)
{
	struct vproxy_dev *vp = scard_reader_get_drvdata(rdr);
	size_t len;
	void *reply;
	int ret;

	ret = vproxy_request(vp, SCARD_VPROXY_POWER, action, NULL, 0, 0, 0, 0,
			     &reply, &len);
	if (!ret && action == SCARD_POWER_DOWN) {
		if (len)
			ret = -EPROTO;
	} else if (!ret) {
		if (!len || len > SCARD_MAX_ATR) {
			ret = -EPROTO;
		} else {
			memcpy(atr, reply, len);
			*atr_len = len;
		}
	}
	kvfree(reply);
	return ret;
}

static int vproxy_set_params(struct scard_reader *rdr,
			     const struct scard_params *params)
{
	struct vproxy_dev *vp = scard_reader_get_drvdata(rdr);
	struct scard_vproxy_params p = {
		.protocol = params->protocol,
		.fi = params->fi,
		.di = params->di,
		.n = params->n,
		.wi = params->wi,
		.ifsc = params->ifsc,
		.ifsd = params->ifsd,
		.cwi = params->cwi,
		.bwi = params->bwi,
		.edc_crc = params->edc_crc,
		.inverse = params->inverse,
	};
	size_t len;
	void *reply;
	int ret;

	ret = vproxy_request(vp, SCARD_VPROXY_PARAMS, 0, &p, sizeof(p), 0, 0,
			     0, &reply, &len);
	if (!ret && len)
		ret = -EPROTO;
	kvfree(reply);
	return ret;
}

static int vproxy_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		      u8 *rx, size_t rx_size, size_t *rx_len)
{
	struct vproxy_dev *vp = scard_reader_get_drvdata(rdr);
	size_t len;
	void *reply;
	int ret;

	ret = vproxy_request(vp, SCARD_VPROXY_XFR, 0, tx, tx_len, 0, 0, 0,
			     &reply, &len);
	if (!ret && len > SCARD_MAX_RESP) {
		/* A card cannot answer more than a response APDU holds. */
		ret = -EPROTO;
	} else if (!ret && len > rx_size) {
		/* The caller's buffer is too small: tell it the size. */
		*rx_len = len;
		ret = -EOVERFLOW;
	} else if (!ret) {
		memcpy(rx, reply, len);
		*rx_len = len;
	}
	kvfree(reply);
	return ret;
}

static int vproxy_send(struct scard_reader *rdr, const u8 *buf, size_t len)
{
	struct vproxy_dev *vp = scard_reader_get_drvdata(rdr);
	size_t reply_len;
	void *reply;
	int ret;

	ret = vproxy_request(vp, SCARD_VPROXY_SEND, 0, buf, len, 0, 0, 0,
			     &reply, &reply_len);
	if (!ret && reply_len)
		ret = -EPROTO;
	kvfree(reply);
	return ret;
}

static int vproxy_recv(struct scard_reader *rdr, u8 *buf, size_t len,
		       size_t *got, unsigned int first_us,
		       unsigned int next_us)
{
	struct vproxy_dev *vp = scard_reader_get_drvdata(rdr);
	unsigned int extra_ms;
	size_t reply_len;
	void *reply;
	u64 us;
	int ret;

	*got = 0;
	if (len > VPROXY_MAX_PAYLOAD)
		return -EINVAL;
	/* The card process times the bytes; allow it all of their time. */
	us = (u64)first_us + (u64)next_us * len;
	extra_ms = min_t(u64, div_u64(us, USEC_PER_MSEC) + 1,
			 VPROXY_MAX_TIMEOUT);

	ret = vproxy_request(vp, SCARD_VPROXY_RECV, len, NULL, 0, first_us,
			     next_us, extra_ms, &reply, &reply_len);
	/* A reply with an errno may still carry the bytes received. */
	if (reply_len > len) {
		ret = -EPROTO;
		goto out;
	}
	memcpy(buf, reply, reply_len);
	*got = reply_len;
	if (!ret && reply_len < len)
		ret = -ETIMEDOUT;
out:
	kvfree(reply);
	return ret;
}

/* close() of a file whose TRANSMIT waits here: re-check the wait. */
static void vproxy_cancel(struct scard_reader *rdr)
{
	struct vproxy_dev *vp = scard_reader_get_drvdata(rdr);

	wake_up_all(&vp->reply_wait);
}

static const struct scard_reader_ops vproxy_ops = {
	.power = vproxy_power,
	.set_params = vproxy_set_params,
	.xfr = vproxy_xfr,
	.cancel = vproxy_cancel,
};

static const struct scard_reader_ops vproxy_char_ops = {
	.power = vproxy_power,
	.set_params = vproxy_set_params,
	.xfr = vproxy_xfr,
	.send = vproxy_send,
	.recv = vproxy_recv,
	.cancel = vproxy_cancel,
};

static ssize_t vproxy_fops_read(struct file *file, char __user *buf,
				size_t count, loff_t *off)
{
	struct vproxy_dev *vp = file->private_data;
	struct vproxy_req *req;
	ssize_t ret;

	for (;;) {
		spin_lock(&vp->lock);
		req = vproxy_readable(vp);
		if (req) {
			if (count < req->msg_len) {
				spin_unlock(&vp->lock);
				return -EMSGSIZE;
			}
			req->claimed = true;
			kref_get(&req->ref);
			spin_unlock(&vp->lock);
			break;
		}
		spin_unlock(&vp->lock);

		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(vp->read_wait,
					     vproxy_has_request(vp)))
			return -ERESTARTSYS;
	}

	ret = req->msg_len;
	if (copy_to_user(buf, req->msg, req->msg_len)) {
		/* Offer it again to the next read(). */
		spin_lock(&vp->lock);
		if (vp->pending == req)
			req->claimed = false;
		spin_unlock(&vp->lock);
		wake_up_interruptible(&vp->read_wait);
		ret = -EFAULT;
	}
	vproxy_req_put(req);
	return ret;
}

/*
 * A reply whose seq the kernel sent earlier but no longer waits for
 * (answered already, timed out, interrupted) is dropped quietly.
 */
static bool vproxy_seq_stale(struct vproxy_dev *vp, u32 seq)
{
	return vp->last_seq && seq && (s32)(vp->last_seq - seq) >= 0;
}

static ssize_t vproxy_reply(struct vproxy_dev *vp,
			    const struct scard_vproxy_msg *hdr,
			    const char __user *ubuf, size_t count)
{
	u32 type = hdr->type & ~SCARD_VPROXY_REPLY;
	struct vproxy_req *req;
	bool answered = false;
	void *buf = NULL;
	ssize_t ret;

	if (type < SCARD_VPROXY_POWER || type > SCARD_VPROXY_RECV)
		return -EINVAL;
	if (hdr->len) {
		buf = kvmalloc(hdr->len, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		if (copy_from_user(buf, ubuf + VPROXY_HDR_LEN, hdr->len)) {
			kvfree(buf);
			return -EFAULT;
		}
	}

	spin_lock(&vp->lock);
	req = vp->pending;
	if (req && req->seq == hdr->seq) {
		if (req->type == type) {
			req->status = hdr->arg;
			req->reply = buf;
			req->reply_len = hdr->len;
			WRITE_ONCE(req->answered, true);
			vp->pending = NULL;
			buf = NULL;
			answered = true;
			ret = count;
		} else {
			ret = -EINVAL;
		}
	} else if (vproxy_seq_stale(vp, hdr->seq)) {
		ret = count;
	} else {
		ret = -EINVAL;
	}
	spin_unlock(&vp->lock);

	if (answered)
		wake_up(&vp->reply_wait);
	kvfree(buf);
	return ret;
}

static ssize_t vproxy_fops_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *off)
{
	struct vproxy_dev *vp = file->private_data;
	struct scard_vproxy_msg hdr;

	if (count < VPROXY_HDR_LEN || count > SCARD_VPROXY_MAX_MSG)
		return -EINVAL;
	if (copy_from_user(&hdr, buf, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len != count - VPROXY_HDR_LEN)
		return -EINVAL;

	if (hdr.type == SCARD_VPROXY_CARD_EVENT) {
		if (hdr.len || (hdr.arg != 0 && hdr.arg != 1))
			return -EINVAL;
		scard_reader_card_event(vp->rdr, hdr.arg);
		return count;
	}
	if (!(hdr.type & SCARD_VPROXY_REPLY))
		return -EINVAL;
	return vproxy_reply(vp, &hdr, buf, count);
}

static __poll_t vproxy_fops_poll(struct file *file, poll_table *wait)
{
	struct vproxy_dev *vp = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &vp->read_wait, wait);
	if (vproxy_has_request(vp))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static void vproxy_free(struct vproxy_dev *vp)
{
	scard_reader_put(vp->rdr);
	kfree(vp);
}

static int vproxy_fops_release(struct inode *inode, struct file *file)
{
	struct vproxy_dev *vp = file->private_data;

	/*
	 * Fail the operation waiting for a reply first: unregistration
	 * waits for it to return (vtpm_proxy_delete_device() does the same).
	 */
	spin_lock(&vp->lock);
	WRITE_ONCE(vp->closed, true);
	spin_unlock(&vp->lock);
	wake_up_all(&vp->reply_wait);

	if (vp->registered)
		scard_reader_unregister(vp->rdr);
	vproxy_free(vp);
	return 0;
}

static const struct file_operations vproxy_fops = {
	.owner = THIS_MODULE,
	.read = vproxy_fops_read,
	.write = vproxy_fops_write,
	.poll = vproxy_fops_poll,
	.release = vproxy_fops_release,
	.llseek = noop_llseek,
};

static int vproxy_check(const struct scard_vproxy_new_dev *nd)
{
	size_t i;

	if (nd->flags & ~VPROXY_FLAGS_ALL)
		return -EOPNOTSUPP;
	if (nd->level > SCARD_VPROXY_LEVEL_APDU_EXT ||
	    !nd->protocols || nd->protocols & ~SCARD_PROTOCOL_Tx ||
	    nd->max_ifsd > SCARD_T1_MAX_IFS ||
	    nd->clock_khz > VPROXY_MAX_CLK ||
	    nd->timeout_ms > VPROXY_MAX_TIMEOUT ||
	    !memchr(nd->name, 0, sizeof(nd->name)))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(nd->reserved); i++)
		if (nd->reserved[i])
			return -EINVAL;
	return 0;
}

static enum scard_level vproxy_level(u32 level)
{
	switch (level) {
	case SCARD_VPROXY_LEVEL_CHAR:
		return SCARD_LEVEL_CHAR;
	case SCARD_VPROXY_LEVEL_TPDU:
		return SCARD_LEVEL_TPDU;
	case SCARD_VPROXY_LEVEL_APDU:
		return SCARD_LEVEL_APDU;
	default:
		return SCARD_LEVEL_APDU_EXT;
	}
}

static void vproxy_fill_caps(struct scard_reader_caps *caps,
			     const struct scard_vproxy_new_dev *nd)
{
	u32 clk = nd->clock_khz ?: VPROXY_DEFAULT_CLK;

	strscpy(caps->vendor_name, "vproxy", sizeof(caps->vendor_name));
	strscpy(caps->ifd_type, nd->name, sizeof(caps->ifd_type));
	caps->ifd_version = 0x01000000;
	caps->channel_id = SCARD_READER_TYPE_VENDOR << 16;
	caps->protocols = nd->protocols;
	caps->level = vproxy_level(nd->level);
	caps->default_clk = clk;
	caps->max_clk = clk;
	/* Fd = 372, Dd = 1; at most D = 64 (ISO/IEC 7816-3 table 8). */
	caps->default_rate = clk * 1000 / 372;
	caps->max_rate = div_u64((u64)clk * 1000 * 64, 372);
	caps->max_ifsd = nd->max_ifsd ?: SCARD_T1_MAX_IFS;
	caps->auto_pps = nd->flags & SCARD_VPROXY_FLAG_AUTO_PPS;
}

static struct vproxy_dev *vproxy_create(const struct scard_vproxy_new_dev *nd)
{
	const struct scard_reader_ops *ops;
	struct scard_reader *rdr;
	struct vproxy_dev *vp;

	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&vp->lock);
	init_waitqueue_head(&vp->read_wait);
	init_waitqueue_head(&vp->reply_wait);
	vp->timeout_ms = nd->timeout_ms ?: VPROXY_DEFAULT_TIMEOUT;

	ops = nd->level == SCARD_VPROXY_LEVEL_CHAR ? &vproxy_char_ops :
						     &vproxy_ops;
	rdr = scard_reader_alloc(NULL, ops);
	if (IS_ERR(rdr)) {
		kfree(vp);
		return ERR_CAST(rdr);
	}
	vp->rdr = rdr;
	scard_reader_set_drvdata(rdr, vp);
	vproxy_fill_caps(&rdr->caps, nd);
	scard_reader_card_event(rdr, nd->flags & SCARD_VPROXY_FLAG_CARD_PRESENT);
	return vp;
}

static long vproxy_ioc_new_dev(void __user *argp)
{
	struct scard_vproxy_new_dev nd;
	struct vproxy_dev *vp;
	struct file *file;
	int fd, ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&nd, argp, sizeof(nd)))
		return -EFAULT;
	ret = vproxy_check(&nd);
	if (ret)
		return ret;

	vp = vproxy_create(&nd);
	if (IS_ERR(vp))
		return PTR_ERR(vp);

	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		vproxy_free(vp);
		return fd;
	}
	file = anon_inode_getfile("[scard_vproxy]", &vproxy_fops, vp, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		vproxy_free(vp);
		return PTR_ERR(file);
	}
	/* From here on, fput() undoes everything. */

	ret = scard_reader_register(vp->rdr);
	if (ret)
		goto err_fput;
	vp->registered = true;

	nd.index = MINOR(vp->rdr->dev.devt);
	nd.fd = fd;
	if (copy_to_user(argp, &nd, sizeof(nd))) {
		ret = -EFAULT;
		goto err_fput;
	}
	fd_install(fd, file);
	return 0;

err_fput:
	put_unused_fd(fd);
	fput(file);
	return ret;
}

static long vproxy_ctl_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	switch (cmd) {
	case SCARD_VPROXY_IOC_NEW_DEV:
		return vproxy_ioc_new_dev((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vproxy_ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vproxy_ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice vproxy_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "scard_vproxy",
	.fops = &vproxy_ctl_fops,
	.mode = 0600,
};

module_misc_device(vproxy_miscdev);

MODULE_DESCRIPTION("Smart card readers played by a user-space process");
MODULE_LICENSE("GPL");
