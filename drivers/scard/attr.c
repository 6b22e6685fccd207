// SPDX-License-Identifier: GPL-2.0
/*
 * scard: IOCTL_SMARTCARD_GET_ATTRIBUTE and SET_ATTRIBUTE.
 *
 * Answered from what the core knows, as the Windows smart card library
 * does: the reader's capabilities, the card state, the decoded ATR and the
 * parameters chosen by SET_PROTOCOL. Numbers are __u32 in host byte order,
 * strings carry no trailing NUL.
 */

#include <linux/scard_proto.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "scard_core.h"

/* A consistent copy of what the attributes are computed from. */
struct scard_attr_view {
	u32 state;
	struct scard_atr atr;
	struct scard_params params;
	u8 t1_ifsc;
	u8 t1_ifsd;
};

static int scard_attr_bytes(const void *val, u32 len, u8 *out, u32 out_len,
			    u32 *returned, u32 *needed)
{
	if (out_len < len) {
		*needed = len;
		return -EOVERFLOW;
	}
	memcpy(out, val, len);
	*returned = len;
	return 0;
}

static int scard_attr_u32(u32 val, u8 *out, u32 out_len, u32 *returned,
			  u32 *needed)
{
	return scard_attr_bytes(&val, sizeof(val), out, out_len, returned,
				needed);
}

static int scard_attr_u8(u8 val, u8 *out, u32 out_len, u32 *returned,
			 u32 *needed)
{
	return scard_attr_bytes(&val, sizeof(val), out, out_len, returned,
				needed);
}

static int scard_attr_str(const char *s, u8 *out, u32 out_len,
			  u32 *returned, u32 *needed)
{
	return scard_attr_bytes(s, strlen(s), out, out_len, returned, needed);
}

/* Tags that describe the card: only once an ATR has been decoded. */
static bool scard_attr_needs_atr(u32 tag)
{
	if ((tag >> 16) == SCARD_CLASS_IFD_PROTOCOL)
		return true;
	return tag == SCARD_ATTR_ATR_STRING ||
	       tag == SCARD_ATTR_ICC_TYPE_PER_ATR;
}

/*
 * The numeric attributes, all __u32. Return: 0 with *@val set, or -ENOENT
 * when @tag is not one of them.
 */
static int scard_attr_number(const struct scard_reader *rdr,
			     const struct scard_attr_view *v, u32 tag, u32 *val)
{
	const struct scard_reader_caps *caps = &rdr->caps;
	bool specific = v->state == SCARD_SPECIFIC;
	bool t1 = specific && v->params.protocol == SCARD_PROTOCOL_T1;
	u8 fi = specific ? v->params.fi : v->atr.fi;
	u8 di = specific ? v->params.di : v->atr.di;

	switch (tag) {
	case SCARD_ATTR_VENDOR_IFD_VERSION:
		*val = caps->ifd_version;
		break;
	case SCARD_ATTR_CHANNEL_ID:
		*val = caps->channel_id;
		break;
	case SCARD_ATTR_PROTOCOL_TYPES:
		*val = caps->protocols;
		break;
	case SCARD_ATTR_DEFAULT_CLK:
		*val = caps->default_clk;
		break;
	case SCARD_ATTR_CURRENT_CLK:
		/* The clock pps.c chose for the Fi in force (Fd until then). */
		*val = scard_pps_clk_khz(caps, specific ? v->params.fi : 1);
		break;
	case SCARD_ATTR_MAX_CLK:
		*val = caps->max_clk;
		break;
	case SCARD_ATTR_DEFAULT_DATA_RATE:
		*val = caps->default_rate;
		break;
	case SCARD_ATTR_MAX_DATA_RATE:
		*val = caps->max_rate;
		break;
	case SCARD_ATTR_MAX_IFSD:
		*val = caps->max_ifsd;
		break;
	case SCARD_ATTR_POWER_MGMT_SUPPORT:
		*val = 0;
		break;
	case SCARD_ATTR_CHARACTERISTICS:
		*val = caps->mechanical;
		break;
	case SCARD_ATTR_DEVICE_UNIT:
		*val = MINOR(rdr->dev.devt);
		break;
	case SCARD_ATTR_CURRENT_PROTOCOL_TYPE:
		*val = specific ? v->params.protocol : 0;
		break;
	case SCARD_ATTR_CURRENT_F:
		*val = scard_atr_fi_to_f(fi);
		break;
	case SCARD_ATTR_CURRENT_D:
		*val = scard_atr_di_to_d(di);
		break;
	case SCARD_ATTR_CURRENT_N:
		*val = v->atr.n;
		break;
	case SCARD_ATTR_CURRENT_W:
		*val = v->atr.wi;
		break;
	case SCARD_ATTR_CURRENT_IFSC:
		*val = t1 ? v->t1_ifsc : specific ? v->params.ifsc : v->atr.ifsc;
		break;
	case SCARD_ATTR_CURRENT_IFSD:
		*val = t1 ? v->t1_ifsd : specific ? v->params.ifsd : 32;
		break;
	case SCARD_ATTR_CURRENT_BWT:
		*val = v->atr.bwi;
		break;
	case SCARD_ATTR_CURRENT_CWT:
		*val = v->atr.cwi;
		break;
	case SCARD_ATTR_CURRENT_EBC_ENCODING:
		*val = v->atr.edc_crc;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

/* The string and byte attributes. */
static int scard_attr_other(struct scard_reader *rdr,
			    const struct scard_attr_view *v, u32 tag, u8 *out,
			    u32 out_len, u32 *returned, u32 *needed)
{
	const struct scard_reader_caps *caps = &rdr->caps;
	char name[2 * MAXIMUM_ATTR_STRING_LENGTH + 2];

	switch (tag) {
	case SCARD_ATTR_VENDOR_NAME:
		return scard_attr_str(caps->vendor_name, out, out_len,
				      returned, needed);
	case SCARD_ATTR_VENDOR_IFD_TYPE:
		return scard_attr_str(caps->ifd_type, out, out_len, returned,
				      needed);
	case SCARD_ATTR_VENDOR_IFD_SERIAL_NO:
		return scard_attr_str(caps->ifd_serial, out, out_len,
				      returned, needed);
	case SCARD_ATTR_DEVICE_FRIENDLY_NAME_A:
		snprintf(name, sizeof(name), "%s %s", caps->vendor_name,
			 caps->ifd_type);
		return scard_attr_str(name, out, out_len, returned, needed);
	case SCARD_ATTR_DEVICE_SYSTEM_NAME_A:
		return scard_attr_str(dev_name(&rdr->dev), out, out_len,
				      returned, needed);
	case SCARD_ATTR_ATR_STRING:
		return scard_attr_bytes(v->atr.raw, v->atr.len, out, out_len,
					returned, needed);
	case SCARD_ATTR_ICC_TYPE_PER_ATR:
		return scard_attr_u8(1, out, out_len, returned, needed);
	case SCARD_ATTR_ICC_PRESENCE:
		if (v->state == SCARD_UNKNOWN)
			return -EBADFD;
		return scard_attr_u8(v->state == SCARD_ABSENT ? 0 :
				     v->state == SCARD_PRESENT ? 1 : 2,
				     out, out_len, returned, needed);
	case SCARD_ATTR_ICC_INTERFACE_STATUS:
		return scard_attr_u8(v->state >= SCARD_POWERED ? 0xff : 0, out,
				     out_len, returned, needed);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * scard_attr_get() - the value of an attribute
 * @rdr: the reader
 * @tag: SCARD_ATTR_*
 * @out: where to store the value
 * @out_len: size of @out
 * @returned: set to the bytes stored
 * @needed: set to the size needed on -EOVERFLOW
 *
 * Context: any process context; takes the reader's state_lock.
 * Return: 0, -EOPNOTSUPP for a tag the reader does not answer, -EBADFD for
 * a card attribute while no ATR is known, -EOVERFLOW if @out is too small.
 */
int scard_attr_get(struct scard_reader *rdr, u32 tag, u8 *out, u32 out_len,
		   u32 *returned, u32 *needed)
{
	struct scard_attr_view *v;
	unsigned long flags;
	u32 val;
	int ret;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	spin_lock_irqsave(&rdr->state_lock, flags);
	v->state = rdr->state;
	v->atr = rdr->atr;
	v->params = rdr->params;
	/* IFSC and IFSD change with S(IFS) blocks: the T=1 engine has them. */
	v->t1_ifsc = READ_ONCE(rdr->t1.ifsc);
	v->t1_ifsd = READ_ONCE(rdr->t1.ifsd);
	spin_unlock_irqrestore(&rdr->state_lock, flags);

	if (scard_attr_needs_atr(tag) && v->state < SCARD_NEGOTIABLE)
		ret = -EBADFD;
	else if (!scard_attr_number(rdr, v, tag, &val))
		ret = scard_attr_u32(val, out, out_len, returned, needed);
	else
		ret = scard_attr_other(rdr, v, tag, out, out_len, returned,
				       needed);
	kfree(v);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_attr_get);

/**
 * scard_attr_set() - IOCTL_SMARTCARD_SET_ATTRIBUTE
 * @sf: the file asking
 * @in: the tag (__u32) followed by the value
 * @in_len: bytes in @in, at least 4
 *
 * Only SCARD_ATTR_SUPRESS_T1_IFS_REQUEST is settable, as in Windows. Its
 * value is a __u32: non-zero, T=1 starts (SET_PROTOCOL, or a reset of a
 * card in specific mode) send no S(IFS request), and one not yet sent by
 * the T=1 session in force is dropped; 0, they send it again. The setting
 * belongs to the reader, for every file, until it is set again or the
 * last file open on the reader is closed.
 *
 * Context: process; takes the reader lock.
 * Return: 0, -EOPNOTSUPP for another tag, -EINVAL for a value that is not
 * a __u32, -EINTR or -ENODEV.
 */
int scard_attr_set(struct scard_file *sf, const u8 *in, u32 in_len)
{
	struct scard_reader *rdr = sf->rdr;
	u32 tag, val;
	int ret;

	memcpy(&tag, in, sizeof(tag));
	if (tag != SCARD_ATTR_SUPRESS_T1_IFS_REQUEST)
		return -EOPNOTSUPP;
	if (in_len != sizeof(tag) + sizeof(val))
		return -EINVAL;
	memcpy(&val, in + sizeof(tag), sizeof(val));

	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;
	rdr->suppress_ifs = val;
	if (val)
		rdr->t1.ifs_pending = false;
	scard_reader_unlock(rdr);
	return 0;
}
