// SPDX-License-Identifier: GPL-2.0
/*
 * scard: file operations of /dev/scardN.
 *
 * Besides the ioctls, a file offers the overlapped TRANSMIT of
 * Documentation/scard/userspace-api.rst: write() queues a TRANSMIT input,
 * a work item runs it (in the one buffer of scard_xfr_work()), read()
 * returns the TRANSMIT output and poll() reports EPOLLIN when it is there.
 * The result of every asynchronous operation is kept in the file for
 * IOCTL_SMARTCARD_GET_LAST_ERROR. The shape follows
 * drivers/char/tpm/tpm-dev-common.c.
 */

#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "scard_core.h"

/*
 * The asynchronous TRANSMIT has one buffer, sf->xfr_buf, allocated by
 * write(): the request (req_len bytes), then room for the largest reply it
 * admits (scard_transmit_reply_max()), where the exchange writes the
 * reply. read() takes the buffer, copies the reply out and frees it.
 */
static void scard_xfr_work(struct work_struct *work)
{
	struct scard_file *sf = container_of(work, struct scard_file,
					     xfr_work);
	struct scard_reader *rdr = sf->rdr;
	/* Stable while the request is queued: write() refuses a second. */
	u8 *buf = sf->xfr_buf;
	unsigned long flags;
	size_t len = 0;
	int ret;

	/*
	 * The room is the most the command admits: a longer reply is
	 * -EPROTO (scard_transmit()), never an -EOVERFLOW read() must see.
	 */
	ret = scard_transmit(sf, buf, sf->req_len, buf + sf->req_len,
			     sf->reply_size, &len);

	spin_lock_irqsave(&rdr->state_lock, flags);
	sf->reply_len = ret ? 0 : len;
	sf->xfr_result = ret;
	sf->last_error = -ret;
	sf->xfr_state = SCARD_XFR_DONE;
	if (ret)
		sf->xfr_buf = NULL;
	else
		buf = NULL;	/* read() frees it with the reply */
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	kvfree(buf);
	wake_up_interruptible_all(&rdr->event_wait);
}

static int scard_open(struct inode *inode, struct file *file)
{
	struct scard_reader *rdr = container_of(inode->i_cdev,
						struct scard_reader, cdev);
	bool excl = file->f_flags & O_EXCL;
	struct scard_file *sf;
	unsigned long flags;
	int ret;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return -ENOMEM;
	sf->rdr = rdr;
	sf->file = file;
	sf->exclusive = excl;
	INIT_WORK(&sf->xfr_work, scard_xfr_work);

	get_device(&rdr->dev);
	mutex_lock(&rdr->open_lock);
	if (rdr->disconnected) {
		ret = -ENODEV;
		goto err_unlock;
	}
	if (rdr->exclusive || (excl && rdr->open_count)) {
		ret = -EBUSY;
		goto err_unlock;
	}
	if (!rdr->open_count && rdr->ops->open) {
		down_read(&rdr->ops_sem);
		ret = rdr->ops->open(rdr);
		up_read(&rdr->ops_sem);
		if (ret)
			goto err_unlock;
	}
	rdr->open_count++;
	rdr->exclusive = excl;
	spin_lock_irqsave(&rdr->state_lock, flags);
	list_add(&sf->node, &rdr->files);
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	mutex_unlock(&rdr->open_lock);

	file->private_data = sf;
	stream_open(inode, file);
	return 0;

err_unlock:
	mutex_unlock(&rdr->open_lock);
	put_device(&rdr->dev);
	kfree(sf);
	return ret;
}

static int scard_release(struct inode *inode, struct file *file)
{
	struct scard_file *sf = file->private_data;
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	bool busy;

	/*
	 * Closing cancels: a queued TRANSMIT never runs, one waiting for the
	 * reader lock gives up, a running one is aborted by the driver
	 * (ops->cancel); so close() does not sit out a whole exchange.
	 */
	spin_lock_irqsave(&rdr->state_lock, flags);
	WRITE_ONCE(sf->cancelled, true);
	busy = sf->xfr_state == SCARD_XFR_QUEUED;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	if (busy) {
		wake_up_all(&rdr->lock_wait);
		/* A failed trylock means the reader is going: that aborts. */
		if (down_read_trylock(&rdr->ops_sem)) {
			if (!rdr->disconnected && rdr->ops->cancel)
				rdr->ops->cancel(rdr);
			up_read(&rdr->ops_sem);
		}
	}
	cancel_work_sync(&sf->xfr_work);

	spin_lock_irqsave(&rdr->state_lock, flags);
	list_del(&sf->node);
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	mutex_lock(&rdr->open_lock);
	if (sf->exclusive)
		rdr->exclusive = false;
	if (!--rdr->open_count && !rdr->disconnected) {
		down_read(&rdr->ops_sem);
		if (rdr->ops->close)
			rdr->ops->close(rdr);
		up_read(&rdr->ops_sem);
		/*
		 * Per-reader settings last until the last close: the next
		 * user starts with the defaults. No operation runs now.
		 */
		rdr->suppress_ifs = false;
	}
	mutex_unlock(&rdr->open_lock);

	kvfree(sf->xfr_buf);
	kfree(sf);
	put_device(&rdr->dev);
	return 0;
}

static ssize_t scard_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *off)
{
	struct scard_file *sf = file->private_data;
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	size_t room;
	u8 *req;
	int ret;

	if (READ_ONCE(rdr->gone))
		return -ENODEV;
	if (count < SCARD_IO_HDR_LEN + 4 || count > SCARD_MAX_TRANSMIT_IN)
		return -EINVAL;

	/*
	 * One buffer for the request and its reply (see scard_xfr_work()),
	 * sized first for a short APDU's reply; an extended APDU moves to
	 * a larger one.
	 */
	room = SCARD_IO_HDR_LEN + SCARD_MAX_SHORT_RESP;
	req = kvmalloc(count + room, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req, buf, count)) {
		ret = -EFAULT;
		goto err_free;
	}
	ret = scard_transmit_check(req, count);
	if (ret)
		goto err_free;
	if (scard_transmit_reply_max(req, count) > room) {
		u8 *big;

		room = SCARD_MAX_TRANSMIT_OUT;
		big = kvmalloc(count + room, GFP_KERNEL);
		if (!big) {
			ret = -ENOMEM;
			goto err_free;
		}
		memcpy(big, req, count);
		kvfree(req);
		req = big;
	}

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (sf->xfr_state != SCARD_XFR_IDLE) {
		ret = -EBUSY;
	} else {
		sf->xfr_buf = req;
		sf->req_len = count;
		sf->reply_size = room;
		sf->xfr_state = SCARD_XFR_QUEUED;
	}
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	if (ret)
		goto err_free;

	queue_work(scard_wq, &sf->xfr_work);
	return count;

err_free:
	kvfree(req);
	return ret;
}

/* The queued TRANSMIT has finished (or none was queued), or the reader went. */
static bool scard_xfr_done(struct scard_file *sf)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&sf->rdr->state_lock, flags);
	done = sf->xfr_state != SCARD_XFR_QUEUED || sf->rdr->gone;
	spin_unlock_irqrestore(&sf->rdr->state_lock, flags);
	return done;
}

/**
 * scard_reply_size() - the size of the reply read() would return
 * @sf: the file
 *
 * What FIONREAD answers, so that a reader whose buffer was too small
 * (read() failed with EOVERFLOW and kept the reply) learns the size.
 *
 * Return: the bytes of the completed TRANSMIT reply waiting, or 0.
 */
size_t scard_reply_size(struct scard_file *sf)
{
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	size_t len = 0;

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (sf->xfr_state == SCARD_XFR_DONE && !sf->xfr_result)
		len = sf->reply_len;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return len;
}

/*
 * read() after the reader has gone: a reply that was complete before the
 * unplug can still be read, once; everything else (a TRANSMIT that failed,
 * one still pending, nothing queued) is ENODEV, the answer of every other
 * operation then. poll() says EPOLLHUP | EPOLLERR, and EPOLLIN while such
 * a reply waits, so a poll-driven reader never sees EAGAIN after EPOLLHUP.
 */
static ssize_t scard_read(struct file *file, char __user *buf, size_t count,
			  loff_t *off)
{
	struct scard_file *sf = file->private_data;
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	size_t len, req_len;
	u8 *xfr_buf;
	int ret;

	if (!(file->f_flags & O_NONBLOCK)) {
		/* -ERESTARTSYS: an ignored signal does not end the read. */
		ret = wait_event_interruptible(rdr->event_wait,
					       scard_xfr_done(sf));
		if (ret)
			return -ERESTARTSYS;
	}

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (sf->xfr_state != SCARD_XFR_DONE ||
	    (rdr->gone && sf->xfr_result)) {
		ret = rdr->gone ? -ENODEV :
		      sf->xfr_state == SCARD_XFR_QUEUED ? -EAGAIN : 0;
		spin_unlock_irqrestore(&rdr->state_lock, flags);
		return ret;
	}
	ret = sf->xfr_result;
	xfr_buf = sf->xfr_buf;
	req_len = sf->req_len;
	len = sf->reply_len;
	if (!ret && len > count) {
		/* Keep the reply for a read with a large enough buffer. */
		spin_unlock_irqrestore(&rdr->state_lock, flags);
		return -EOVERFLOW;
	}
	sf->xfr_buf = NULL;
	sf->reply_len = 0;
	sf->xfr_state = SCARD_XFR_IDLE;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	wake_up_interruptible_all(&rdr->event_wait);

	if (!ret && copy_to_user(buf, xfr_buf + req_len, len))
		ret = -EFAULT;
	kvfree(xfr_buf);
	return ret ? ret : len;
}

static __poll_t scard_poll(struct file *file, poll_table *wait)
{
	struct scard_file *sf = file->private_data;
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	__poll_t mask = 0;

	poll_wait(file, &rdr->event_wait, wait);

	spin_lock_irqsave(&rdr->state_lock, flags);
	if (sf->xfr_state == SCARD_XFR_DONE && (!rdr->gone || !sf->xfr_result))
		mask |= EPOLLIN | EPOLLRDNORM;
	else if (sf->xfr_state == SCARD_XFR_IDLE && !rdr->gone)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (sf->track_done)
		mask |= EPOLLPRI;
	if (rdr->gone)
		mask |= EPOLLHUP | EPOLLERR;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return mask;
}

const struct file_operations scard_fops = {
	.owner		= THIS_MODULE,
	.open		= scard_open,
	.release	= scard_release,
	.read		= scard_read,
	.write		= scard_write,
	.poll		= scard_poll,
	.unlocked_ioctl	= scard_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
