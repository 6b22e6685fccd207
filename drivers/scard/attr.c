// SPDX-License-Identifier: GPL-2.0
/*
 * scard: IOCTL_SMARTCARD_GET_ATTRIBUTE and SET_ATTRIBUTE.
 *
 * Answered from what the core knows, as the Windows smart card library
 * does: the reader's capabilities, the card state, the decoded ATR and the
 * parameters chosen by SET_PROTOCOL. Numbers are __u32 in host byte order,
 * strings carry no trailing NUL.
 */

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
	const struct scard_reader_caps *caps = &rdr->caps;
	struct scard_attr_view *v;
	char name[2 * MAXIMUM_ATTR_STRING_LENGTH + 2];
	unsigned long flags;
	bool specific;
	u8 fi, di;
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

	ret = -EBADFD;
	if (scard_attr_needs_atr(tag) && v->state < SCARD_NEGOTIABLE)
		goto out;

	specific = v->state == SCARD_SPECIFIC;
	fi = specific ? v->params.fi : v->atr.fi;
	di = specific ? v->params.di : v->atr.di;

	switch (tag) {
	case SCARD_ATTR_VENDOR_NAME:
		ret = scard_attr_str(caps->vendor_name, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_VENDOR_IFD_TYPE:
		ret = scard_attr_str(caps->ifd_type, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_VENDOR_IFD_SERIAL_NO:
		ret = scard_attr_str(caps->ifd_serial, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_DEVICE_FRIENDLY_NAME_A:
		snprintf(name, sizeof(name), "%s %s", caps->vendor_name,
			 caps->ifd_type);
		ret = scard_attr_str(name, out, out_len, returned, needed);
		break;
	case SCARD_ATTR_DEVICE_SYSTEM_NAME_A:
		ret = scard_attr_str(dev_name(&rdr->dev), out, out_len,
				     returned, needed);
		break;
	case SCARD_ATTR_VENDOR_IFD_VERSION:
		ret = scard_attr_u32(caps->ifd_version, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_CHANNEL_ID:
		ret = scard_attr_u32(caps->channel_id, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_PROTOCOL_TYPES:
		ret = scard_attr_u32(caps->protocols, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_DEFAULT_CLK:
	case SCARD_ATTR_CURRENT_CLK:
		ret = scard_attr_u32(caps->default_clk, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_MAX_CLK:
		ret = scard_attr_u32(caps->max_clk, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_DEFAULT_DATA_RATE:
		ret = scard_attr_u32(caps->default_rate, out, out_len,
				     returned, needed);
		break;
	case SCARD_ATTR_MAX_DATA_RATE:
		ret = scard_attr_u32(caps->max_rate, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_MAX_IFSD:
		ret = scard_attr_u32(caps->max_ifsd, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_POWER_MGMT_SUPPORT:
		ret = scard_attr_u32(0, out, out_len, returned, needed);
		break;
	case SCARD_ATTR_CHARACTERISTICS:
		ret = scard_attr_u32(caps->mechanical, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_DEVICE_UNIT:
		ret = scard_attr_u32(MINOR(rdr->dev.devt), out, out_len,
				     returned, needed);
		break;
	case SCARD_ATTR_CURRENT_PROTOCOL_TYPE:
		ret = scard_attr_u32(specific ? v->params.protocol : 0, out,
				     out_len, returned, needed);
		break;
	case SCARD_ATTR_CURRENT_F:
		ret = scard_attr_u32(scard_atr_fi_to_f(fi), out, out_len,
				     returned, needed);
		break;
	case SCARD_ATTR_CURRENT_D:
		ret = scard_attr_u32(scard_atr_di_to_d(di), out, out_len,
				     returned, needed);
		break;
	case SCARD_ATTR_CURRENT_N:
		ret = scard_attr_u32(v->atr.n, out, out_len, returned, needed);
		break;
	case SCARD_ATTR_CURRENT_W:
		ret = scard_attr_u32(v->atr.wi, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_CURRENT_IFSC:
		ret = scard_attr_u32(!specific ? v->atr.ifsc :
				     v->params.protocol == SCARD_PROTOCOL_T1 ?
				     v->t1_ifsc : v->params.ifsc,
				     out, out_len, returned, needed);
		break;
	case SCARD_ATTR_CURRENT_IFSD:
		ret = scard_attr_u32(!specific ? 32 :
				     v->params.protocol == SCARD_PROTOCOL_T1 ?
				     v->t1_ifsd : v->params.ifsd,
				     out, out_len, returned, needed);
		break;
	case SCARD_ATTR_CURRENT_BWT:
		ret = scard_attr_u32(v->atr.bwi, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_CURRENT_CWT:
		ret = scard_attr_u32(v->atr.cwi, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_CURRENT_EBC_ENCODING:
		ret = scard_attr_u32(v->atr.edc_crc, out, out_len, returned,
				     needed);
		break;
	case SCARD_ATTR_ATR_STRING:
		ret = scard_attr_bytes(v->atr.raw, v->atr.len, out, out_len,
				       returned, needed);
		break;
	case SCARD_ATTR_ICC_TYPE_PER_ATR:
		ret = scard_attr_u8(1, out, out_len, returned, needed);
		break;
	case SCARD_ATTR_ICC_PRESENCE:
		if (v->state == SCARD_UNKNOWN)
			break;
		ret = scard_attr_u8(v->state == SCARD_ABSENT ? 0 :
				    v->state == SCARD_PRESENT ? 1 : 2,
				    out, out_len, returned, needed);
		break;
	case SCARD_ATTR_ICC_INTERFACE_STATUS:
		ret = scard_attr_u8(v->state >= SCARD_POWERED ? 0xff : 0, out,
				    out_len, returned, needed);
		break;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
out:
	kfree(v);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(scard_attr_get);

/**
 * scard_attr_set() - IOCTL_SMARTCARD_SET_ATTRIBUTE
 * @rdr: the reader
 * @in: the tag (__u32) followed by the value
 * @in_len: bytes in @in, at least 4
 *
 * Only SCARD_ATTR_SUPRESS_T1_IFS_REQUEST is settable, as in Windows: the
 * next T=1 exchange starts without the S(IFS) request.
 *
 * Context: process; takes the reader lock.
 * Return: 0, -EOPNOTSUPP for another tag, -EINTR or -ENODEV.
 */
int scard_attr_set(struct scard_reader *rdr, const u8 *in, u32 in_len)
{
	u32 tag;
	int ret;

	memcpy(&tag, in, sizeof(tag));
	if (tag != SCARD_ATTR_SUPRESS_T1_IFS_REQUEST)
		return -EOPNOTSUPP;

	ret = scard_reader_lock(rdr);
	if (ret)
		return ret;
	rdr->suppress_ifs = true;
	rdr->t1.ifs_pending = false;
	scard_reader_unlock(rdr);
	return 0;
}
