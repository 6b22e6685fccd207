// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the IOCTL_SMARTCARD_* dispatch table and handlers.
 *
 * Every command is one row of scard_ioctls[]: its code, the sizes its
 * input may have, the smallest output it accepts and the largest it
 * produces. scard_ioctl() checks a request against its row, copies the
 * input in, runs the handler on kernel buffers and copies the output back;
 * nothing below it sees a user pointer. See
 * Documentation/scard/userspace-api.rst for what each command does.
 */

#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/ioctls.h>

#include "scard_core.h"

#define SCARD_MAX_ESCAPE	65536
#define SCARD_MAX_FEATURES	64

static u32 scard_get_u32(const u8 *in)
{
	u32 v;

	memcpy(&v, in, sizeof(v));
	return v;
}

static int scard_put_u32(u8 *out, u32 out_len, u32 v, u32 *returned,
			 u32 *needed)
{
	if (out_len < sizeof(v)) {
		*needed = sizeof(v);
		return -EOVERFLOW;
	}
	memcpy(out, &v, sizeof(v));
	*returned = sizeof(v);
	return 0;
}

static int scard_ioc_power(struct scard_file *sf, const u8 *in, u32 in_len,
			   u8 *out, u32 out_len, u32 *returned, u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	u32 minor = scard_get_u32(in);
	u32 state;
	int ret;

	if (minor > SCARD_WARM_RESET)
		return -EINVAL;
	if (minor != SCARD_POWER_DOWN && out_len < SCARD_ATR_LENGTH) {
		*needed = SCARD_ATR_LENGTH;
		return -EOVERFLOW;
	}

	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;

	state = scard_reader_state(rdr);
	if (state == SCARD_ABSENT)
		ret = -ENOMEDIUM;
	else if (state == SCARD_UNKNOWN)
		ret = -EBADFD;
	else
		ret = scard_card_power(rdr, minor);
	if (!ret && minor != SCARD_POWER_DOWN) {
		/*
		 * The ATR as decoded: a character reader passes on an
		 * inverse-convention card's bytes as the line carried them
		 * (03 ...); applications, ATR_STRING and sysfs get 3F ...
		 */
		memcpy(out, rdr->atr.raw, rdr->atr.len);
		*returned = rdr->atr.len;
	}
	scard_reader_unlock(rdr);
	return ret;
}

static int scard_ioc_set_protocol(struct scard_file *sf, const u8 *in,
				  u32 in_len, u8 *out, u32 out_len,
				  u32 *returned, u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	u32 mask = scard_get_u32(in);
	u32 protocol = 0;
	int ret;

	if (!(mask & (SCARD_PROTOCOL_Tx | SCARD_PROTOCOL_RAW)))
		return -EINVAL;

	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;
	ret = scard_protocol_set(rdr, mask, &protocol);
	scard_reader_unlock(rdr);
	if (ret)
		return ret;
	return scard_put_u32(out, out_len, protocol, returned, needed);
}

static int scard_ioc_transmit(struct scard_file *sf, const u8 *in,
			      u32 in_len, u8 *out, u32 out_len,
			      u32 *returned, u32 *needed)
{
	size_t len = 0;
	int ret;

	ret = scard_transmit_check(in, in_len);
	if (ret)
		return ret;
	ret = scard_transmit(sf, in, in_len, out, out_len, &len);
	if (ret == -EOVERFLOW)
		*needed = len;
	else if (!ret)
		*returned = len;
	return ret;
}

static int scard_ioc_is_present(struct scard_file *sf, const u8 *in,
				u32 in_len, u8 *out, u32 out_len,
				u32 *returned, u32 *needed)
{
	return scard_track(sf, true, sf->file->f_flags & O_NONBLOCK);
}

static int scard_ioc_is_absent(struct scard_file *sf, const u8 *in,
			       u32 in_len, u8 *out, u32 out_len,
			       u32 *returned, u32 *needed)
{
	return scard_track(sf, false, sf->file->f_flags & O_NONBLOCK);
}

static int scard_ioc_get_state(struct scard_file *sf, const u8 *in,
			       u32 in_len, u8 *out, u32 out_len,
			       u32 *returned, u32 *needed)
{
	return scard_put_u32(out, out_len, scard_reader_state(sf->rdr),
			     returned, needed);
}

static int scard_ioc_get_last_error(struct scard_file *sf, const u8 *in,
				    u32 in_len, u8 *out, u32 out_len,
				    u32 *returned, u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	unsigned long flags;
	u32 err;

	/*
	 * EINPROGRESS while any overlapped operation of the file (TRANSMIT
	 * by write(), O_NONBLOCK IS_PRESENT/IS_ABSENT) is pending, so that a
	 * completed one never hides another still running; otherwise the
	 * result of the one that completed last.
	 */
	spin_lock_irqsave(&rdr->state_lock, flags);
	if (sf->xfr_state == SCARD_XFR_QUEUED ||
	    sf->track != SCARD_TRACK_NONE)
		err = EINPROGRESS;
	else
		err = sf->last_error;
	sf->track_done = false;
	spin_unlock_irqrestore(&rdr->state_lock, flags);
	return scard_put_u32(out, out_len, err, returned, needed);
}

static int scard_ioc_get_perf(struct scard_file *sf, const u8 *in,
			      u32 in_len, u8 *out, u32 out_len,
			      u32 *returned, u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	struct scard_perf_cntr perf;
	unsigned long flags;

	spin_lock_irqsave(&rdr->state_lock, flags);
	perf = rdr->perf;
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	*returned = min_t(u32, out_len, sizeof(perf));
	memcpy(out, &perf, *returned);
	return 0;
}

static void scard_feature(struct scard_feature_tlv *tlv, u8 tag, u32 code)
{
	__be32 val = cpu_to_be32(code);

	tlv->tag = tag;
	tlv->length = sizeof(tlv->value);
	memcpy(tlv->value, &val, sizeof(val));
}

static int scard_ioc_get_features(struct scard_file *sf, const u8 *in,
				  u32 in_len, u8 *out, u32 out_len,
				  u32 *returned, u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	u8 pin = rdr->caps.pin_support;
	struct scard_feature_tlv tlv[5];
	u32 n = 0;

	if (pin & SCARD_PIN_SUPPORT_VERIFY)
		scard_feature(&tlv[n++], SCARD_FEATURE_VERIFY_PIN_DIRECT,
			      IOCTL_SCARD_VERIFY_PIN_DIRECT);
	if (pin & SCARD_PIN_SUPPORT_MODIFY)
		scard_feature(&tlv[n++], SCARD_FEATURE_MODIFY_PIN_DIRECT,
			      IOCTL_SCARD_MODIFY_PIN_DIRECT);
	if (pin)
		scard_feature(&tlv[n++], SCARD_FEATURE_IFD_PIN_PROPERTIES,
			      IOCTL_SCARD_IFD_PIN_PROPERTIES);
	scard_feature(&tlv[n++], SCARD_FEATURE_GET_TLV_PROPERTIES,
		      IOCTL_SCARD_GET_TLV_PROPERTIES);
	if (rdr->caps.features_escape)
		scard_feature(&tlv[n++], SCARD_FEATURE_CCID_ESC_COMMAND,
			      IOCTL_CCID_ESCAPE);
	if (out_len < n * sizeof(tlv[0])) {
		*needed = n * sizeof(tlv[0]);
		return -EOVERFLOW;
	}
	memcpy(out, tlv, n * sizeof(tlv[0]));
	*returned = n * sizeof(tlv[0]);
	return 0;
}

static int scard_ioc_escape(struct scard_file *sf, const u8 *in, u32 in_len,
			    u8 *out, u32 out_len, u32 *returned, u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	size_t len = 0;
	int ret;

	if (!rdr->caps.features_escape)
		return -EOPNOTSUPP;

	/* The ops may only be looked at while the reader is locked. */
	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;
	if (rdr->ops->escape)
		ret = rdr->ops->escape(rdr, in, in_len, out, out_len, &len);
	else
		ret = -EOPNOTSUPP;
	scard_reader_unlock(rdr);
	if (ret == -EOVERFLOW)
		*needed = len;
	else if (!ret)
		*returned = len;
	return ret;
}

static int scard_ioc_verify_pin(struct scard_file *sf, const u8 *in,
				u32 in_len, u8 *out, u32 out_len,
				u32 *returned, u32 *needed)
{
	return scard_pin_direct(sf, false, in, in_len, out, out_len, returned,
				needed);
}

static int scard_ioc_modify_pin(struct scard_file *sf, const u8 *in,
				u32 in_len, u8 *out, u32 out_len,
				u32 *returned, u32 *needed)
{
	return scard_pin_direct(sf, true, in, in_len, out, out_len, returned,
				needed);
}

static int scard_ioc_pin_properties(struct scard_file *sf, const u8 *in,
				    u32 in_len, u8 *out, u32 out_len,
				    u32 *returned, u32 *needed)
{
	return scard_pin_properties(sf->rdr, out, out_len, returned, needed);
}

static int scard_ioc_tlv_properties(struct scard_file *sf, const u8 *in,
				    u32 in_len, u8 *out, u32 out_len,
				    u32 *returned, u32 *needed)
{
	return scard_tlv_properties(sf->rdr, out, out_len, returned, needed);
}

static int scard_mechanical(struct scard_file *sf, u32 function)
{
	struct scard_reader *rdr = sf->rdr;
	int ret;

	if (!(rdr->caps.mechanical & function))
		return -EOPNOTSUPP;

	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;
	if (rdr->ops->mechanical)
		ret = rdr->ops->mechanical(rdr, function);
	else
		ret = -EOPNOTSUPP;
	scard_reader_unlock(rdr);
	return ret;
}

static int scard_ioc_eject(struct scard_file *sf, const u8 *in, u32 in_len,
			   u8 *out, u32 out_len, u32 *returned, u32 *needed)
{
	return scard_mechanical(sf, SCARD_READER_EJECTS);
}

static int scard_ioc_swallow(struct scard_file *sf, const u8 *in,
			     u32 in_len, u8 *out, u32 out_len, u32 *returned,
			     u32 *needed)
{
	return scard_mechanical(sf, SCARD_READER_SWALLOWS);
}

static int scard_ioc_confiscate(struct scard_file *sf, const u8 *in,
				u32 in_len, u8 *out, u32 out_len,
				u32 *returned, u32 *needed)
{
	return scard_mechanical(sf, SCARD_READER_CONFISCATES);
}

static int scard_ioc_get_attribute(struct scard_file *sf, const u8 *in,
				   u32 in_len, u8 *out, u32 out_len,
				   u32 *returned, u32 *needed)
{
	return scard_attr_get(sf->rdr, scard_get_u32(in), out, out_len,
			      returned, needed);
}

static int scard_ioc_set_attribute(struct scard_file *sf, const u8 *in,
				   u32 in_len, u8 *out, u32 out_len,
				   u32 *returned, u32 *needed)
{
	return scard_attr_set(sf, in, in_len);
}

#define SCARD_IOC(_code, _min_in, _max_in, _min_out, _max_out, _fn)	\
	{ .code = _code, .min_in = _min_in, .max_in = _max_in,		\
	  .min_out = _min_out, .max_out = _max_out, .handler = _fn }

/* Commands that change the card or the reader: a file open for writing. */
#define SCARD_IOC_W(_code, _min_in, _max_in, _min_out, _max_out, _fn)	\
	{ .code = _code, .min_in = _min_in, .max_in = _max_in,		\
	  .min_out = _min_out, .max_out = _max_out, .handler = _fn,	\
	  .needs_write = true }

static const struct scard_ioctl_desc scard_ioctls[] = {
	SCARD_IOC_W(IOCTL_SMARTCARD_POWER, 4, 4, 0, SCARD_MAX_ATR,
		    scard_ioc_power),
	SCARD_IOC(IOCTL_SMARTCARD_GET_ATTRIBUTE, 4, 4, 0, 256,
		  scard_ioc_get_attribute),
	SCARD_IOC_W(IOCTL_SMARTCARD_SET_ATTRIBUTE, 4, 4 + 256, 0, 0,
		    scard_ioc_set_attribute),
	SCARD_IOC_W(IOCTL_SMARTCARD_CONFISCATE, 0, 0, 0, 0,
		    scard_ioc_confiscate),
	{ .code = IOCTL_SMARTCARD_TRANSMIT, .min_in = SCARD_IO_HDR_LEN + 4,
	  .max_in = SCARD_MAX_TRANSMIT_IN, .min_out = SCARD_IO_HDR_LEN + 2,
	  .max_out = SCARD_MAX_TRANSMIT_OUT, .needs_write = true,
	  .out_max = scard_transmit_reply_max,
	  .handler = scard_ioc_transmit },
	SCARD_IOC_W(IOCTL_SMARTCARD_EJECT, 0, 0, 0, 0, scard_ioc_eject),
	SCARD_IOC_W(IOCTL_SMARTCARD_SWALLOW, 0, 0, 0, 0, scard_ioc_swallow),
	SCARD_IOC(IOCTL_SMARTCARD_IS_PRESENT, 0, 0, 0, 0,
		  scard_ioc_is_present),
	SCARD_IOC(IOCTL_SMARTCARD_IS_ABSENT, 0, 0, 0, 0, scard_ioc_is_absent),
	SCARD_IOC_W(IOCTL_SMARTCARD_SET_PROTOCOL, 4, 4, 4, 4,
		    scard_ioc_set_protocol),
	SCARD_IOC(IOCTL_SMARTCARD_GET_STATE, 0, 0, 4, 4, scard_ioc_get_state),
	{ .code = IOCTL_SMARTCARD_GET_LAST_ERROR, .min_out = 4, .max_out = 4,
	  .offline_ok = true, .handler = scard_ioc_get_last_error },
	SCARD_IOC(IOCTL_SMARTCARD_GET_PERF_CNTR, 0, 0,
		  SCARD_PERF_CNTR_SIZE_VER0, sizeof(struct scard_perf_cntr),
		  scard_ioc_get_perf),
	SCARD_IOC(IOCTL_SMARTCARD_GET_FEATURE_REQUEST, 0, 0, 0,
		  SCARD_MAX_FEATURES, scard_ioc_get_features),
	SCARD_IOC_W(IOCTL_CCID_ESCAPE, 0, SCARD_MAX_ESCAPE, 0,
		    SCARD_MAX_ESCAPE, scard_ioc_escape),
	SCARD_IOC_W(IOCTL_SCARD_VERIFY_PIN_DIRECT, SCARD_PIN_VERIFY_SIZE + 4,
		    SCARD_PIN_VERIFY_SIZE + SCARD_PIN_MAX_APDU, 2,
		    SCARD_MAX_SHORT_RESP, scard_ioc_verify_pin),
	SCARD_IOC_W(IOCTL_SCARD_MODIFY_PIN_DIRECT, SCARD_PIN_MODIFY_SIZE + 4,
		    SCARD_PIN_MODIFY_SIZE + SCARD_PIN_MAX_APDU, 2,
		    SCARD_MAX_SHORT_RESP, scard_ioc_modify_pin),
	SCARD_IOC(IOCTL_SCARD_IFD_PIN_PROPERTIES, 0, 0, 0,
		  sizeof(struct scard_pin_properties), scard_ioc_pin_properties),
	SCARD_IOC(IOCTL_SCARD_GET_TLV_PROPERTIES, 0, 0, 0,
		  SCARD_MAX_TLV_PROPERTIES, scard_ioc_tlv_properties),
};

/**
 * scard_ioctl_find() - the table row of an ioctl code
 * @code: the command
 *
 * Return: the row, or NULL for a code scard does not know.
 */
VISIBLE_IF_KUNIT const struct scard_ioctl_desc *scard_ioctl_find(u32 code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scard_ioctls); i++)
		if (scard_ioctls[i].code == code)
			return &scard_ioctls[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(scard_ioctl_find);

/**
 * scard_ioctl_check() - check a parameter block against its table row
 * @desc: the row
 * @dioc: the parameter block
 * @needed: set to the smallest output size on -EOVERFLOW
 *
 * Return: 0, -EINVAL for non-zero flags or an input size out of range, or
 * -EOVERFLOW for an output buffer below the minimum.
 */
VISIBLE_IF_KUNIT int scard_ioctl_check(const struct scard_ioctl_desc *desc,
				       const struct scard_dioc *dioc,
				       u32 *needed)
{
	if (dioc->flags)
		return -EINVAL;
	if (dioc->in_len < desc->min_in || dioc->in_len > desc->max_in)
		return -EINVAL;
	if (dioc->out_len < desc->min_out) {
		*needed = desc->min_out;
		return -EOVERFLOW;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scard_ioctl_check);

/**
 * scard_ioctl() - the unlocked_ioctl of /dev/scardN
 * @file: the open file
 * @cmd: an IOCTL_SMARTCARD_* code
 * @arg: user pointer to a struct scard_dioc
 *
 * Return: 0 or a negative errno; bytes_returned in the parameter block is
 * written on success and on -EOVERFLOW.
 */
long scard_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct scard_file *sf = file->private_data;
	struct scard_dioc __user *uarg = (void __user *)arg;
	const struct scard_ioctl_desc *desc;
	u32 returned = 0, needed = 0, out_size, buf_size;
	void __user *ubuf;
	struct scard_dioc dioc;
	u8 *in = NULL, *out = NULL;
	int ret;

	/* The size of the reply read() would return (EOVERFLOW's "needed"). */
	if (cmd == FIONREAD)
		return put_user((int)scard_reply_size(sf), (int __user *)arg);

	desc = scard_ioctl_find(cmd);
	if (!desc)
		return -ENOTTY;
	/* A read-only file may watch the reader, not drive it. */
	if (desc->needs_write && !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (copy_from_user(&dioc, uarg, sizeof(dioc)))
		return -EFAULT;
	ret = scard_ioctl_check(desc, &dioc, &needed);
	if (ret && ret != -EOVERFLOW)
		return ret;
	if (ret)
		goto out_report;
	if (!desc->offline_ok && READ_ONCE(sf->rdr->disconnected))
		return -ENODEV;

	out_size = min(dioc.out_len, desc->max_out);
	ubuf = u64_to_user_ptr(dioc.out_buf);
	if (out_size && !access_ok(ubuf, out_size))
		return -EFAULT;

	if (dioc.in_len) {
		in = vmemdup_user(u64_to_user_ptr(dioc.in_buf), dioc.in_len);
		if (IS_ERR(in))
			return PTR_ERR(in);
	}
	/*
	 * A caller offering 64 KiB for a short APDU's answer gets a buffer
	 * of the answer's largest size, not one of 64 KiB.
	 */
	buf_size = out_size;
	if (desc->out_max && dioc.in_len)
		buf_size = min_t(size_t, buf_size,
				 desc->out_max(in, dioc.in_len));
	if (buf_size) {
		out = kvzalloc(buf_size, GFP_KERNEL);
		if (!out) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	ret = desc->handler(sf, in, dioc.in_len, out, buf_size, &returned,
			    &needed);
	if (!ret && returned && copy_to_user(ubuf, out, returned))
		ret = -EFAULT;

out_free:
	kvfree(out);
	kvfree(in);
	if (ret && ret != -EOVERFLOW)
		return ret;
out_report:
	if (ret == -EOVERFLOW)
		returned = needed;
	if (put_user(returned, &uarg->bytes_returned))
		return -EFAULT;
	return ret;
}
