/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: declarations shared by the files of the core module.
 */
#ifndef _SCARD_CORE_H
#define _SCARD_CORE_H

#include <linux/fs.h>
#include <linux/scard.h>
#include <linux/types.h>

#include <kunit/visibility.h>

#include "compat.h"

/* Largest TRANSMIT input and output: header plus an extended APDU. */
#define SCARD_IO_HDR_LEN	((u32)sizeof(struct scard_io_request))
#define SCARD_MAX_TRANSMIT_IN	(SCARD_IO_HDR_LEN + SCARD_MAX_APDU)
#define SCARD_MAX_TRANSMIT_OUT	(SCARD_IO_HDR_LEN + SCARD_MAX_RESP)

/**
 * enum scard_xfr_state - the asynchronous TRANSMIT of one open file
 * @SCARD_XFR_IDLE: nothing queued, no reply waiting
 * @SCARD_XFR_QUEUED: a request is queued or running
 * @SCARD_XFR_DONE: the reply (or the error) waits for read()
 */
enum scard_xfr_state {
	SCARD_XFR_IDLE,
	SCARD_XFR_QUEUED,
	SCARD_XFR_DONE,
};

/**
 * enum scard_track - the pending card tracking request of one open file
 * @SCARD_TRACK_NONE: none
 * @SCARD_TRACK_PRESENT: IS_PRESENT is waiting for an insertion
 * @SCARD_TRACK_ABSENT: IS_ABSENT is waiting for a removal
 */
enum scard_track {
	SCARD_TRACK_NONE,
	SCARD_TRACK_PRESENT,
	SCARD_TRACK_ABSENT,
};

/**
 * struct scard_file - per open file state
 * @rdr: the reader (a reference is held while the file is open)
 * @file: the VFS file, for its O_NONBLOCK flag
 * @node: entry in the reader's file list (under the reader's state_lock)
 * @exclusive: opened with O_EXCL
 * @cancelled: the file is being closed: its asynchronous TRANSMIT gives up
 *	(set once, read with READ_ONCE())
 * @last_error: result of the asynchronous operation that completed last,
 *	a positive errno or 0 (under state_lock); GET_LAST_ERROR reports
 *	EINPROGRESS instead while one is pending
 * @track: pending IS_PRESENT/IS_ABSENT (under state_lock)
 * @track_done: a tracking request completed and GET_LAST_ERROR has not
 *	been called since; poll() reports EPOLLPRI (under state_lock)
 * @xfr_state: asynchronous TRANSMIT state (under state_lock)
 * @xfr_work: runs the queued TRANSMIT
 * @xfr_buf: the asynchronous TRANSMIT's buffer, from write() until read()
 *	takes the reply (or the exchange fails): the input, then room for
 *	the output (under state_lock once queued)
 * @req_len: bytes of input in @xfr_buf
 * @reply_size: bytes of room for the output after them
 * @reply_len: bytes of output once done
 * @xfr_result: 0 or a negative errno for the finished TRANSMIT
 */
struct scard_file {
	struct scard_reader *rdr;
	struct file *file;
	struct list_head node;
	bool exclusive;
	bool cancelled;
	u32 last_error;
	enum scard_track track;
	bool track_done;
	enum scard_xfr_state xfr_state;
	struct work_struct xfr_work;
	u8 *xfr_buf;
	size_t req_len;
	size_t reply_size;
	size_t reply_len;
	int xfr_result;
};

/* core.c */
int scard_reader_lock(struct scard_reader *rdr, struct scard_file *sf);
void scard_reader_unlock(struct scard_reader *rdr);
u32 scard_reader_state(struct scard_reader *rdr);
int scard_reader_check_specific(struct scard_reader *rdr);
int scard_reader_set_state(struct scard_reader *rdr, u32 state);
int scard_reader_commit(struct scard_reader *rdr, const struct scard_atr *atr,
			const struct scard_params *params);
int scard_track(struct scard_file *sf, bool want_present, bool nonblock);
int scard_transmit(struct scard_file *sf, const u8 *in, size_t in_len,
		   u8 *out, size_t out_size, size_t *out_len);
int scard_transmit_check(const u8 *in, size_t in_len);
size_t scard_transmit_reply_max(const u8 *in, size_t in_len);
extern struct workqueue_struct *scard_wq;

/* file.c */
extern const struct file_operations scard_fops;
size_t scard_reply_size(struct scard_file *sf);

/* ioctl.c */
long scard_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/**
 * struct scard_ioctl_desc - one row of the ioctl table
 * @code: the IOCTL_SMARTCARD_* code
 * @min_in: smallest accepted in_len
 * @max_in: largest accepted in_len
 * @min_out: smallest accepted out_len (smaller: EOVERFLOW)
 * @max_out: largest output the handler produces
 * @out_max: NULL, or the largest output this input can produce; the
 *	buffer allocated is the smallest of it, @max_out and the caller's
 * @offline_ok: also answered once the reader is gone
 * @needs_write: changes the card or the reader: EBADF on a file not open
 *	for writing
 * @handler: does the work; may set *needed and return -EOVERFLOW
 */
struct scard_ioctl_desc {
	u32 code;
	u32 min_in;
	u32 max_in;
	u32 min_out;
	u32 max_out;
	bool offline_ok;
	bool needs_write;
	size_t (*out_max)(const u8 *in, size_t in_len);
	int (*handler)(struct scard_file *sf, const u8 *in, u32 in_len,
		       u8 *out, u32 out_len, u32 *returned, u32 *needed);
};

#if IS_ENABLED(CONFIG_KUNIT)
const struct scard_ioctl_desc *scard_ioctl_find(u32 code);
int scard_ioctl_check(const struct scard_ioctl_desc *desc,
		      const struct scard_dioc *dioc, u32 *needed);
#endif

/* protocol.c */
int scard_card_power(struct scard_reader *rdr, u32 minor);
int scard_protocol_set(struct scard_reader *rdr, u32 mask, u32 *selected);
int scard_protocol_t1_prepare(struct scard_reader *rdr);
int scard_protocol_transmit(struct scard_reader *rdr, const u8 *cmd,
			    size_t cmd_len, u8 *resp, size_t resp_size,
			    size_t *resp_len);

/* pinpad.c */
#define SCARD_MAX_TLV_PROPERTIES	64
int scard_pin_direct(struct scard_file *sf, bool modify, const u8 *in,
		     u32 in_len, u8 *out, u32 out_len, u32 *returned,
		     u32 *needed);
int scard_pin_properties(struct scard_reader *rdr, u8 *out, u32 out_len,
			 u32 *returned, u32 *needed);
int scard_tlv_properties(struct scard_reader *rdr, u8 *out, u32 out_len,
			 u32 *returned, u32 *needed);

/* attr.c */
int scard_attr_get(struct scard_reader *rdr, u32 tag, u8 *out, u32 out_len,
		   u32 *returned, u32 *needed);
int scard_attr_set(struct scard_file *sf, const u8 *in, u32 in_len);

#endif /* _SCARD_CORE_H */
