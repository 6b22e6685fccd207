// SPDX-License-Identifier: GPL-2.0
/*
 * scard: PIN pad readers, the PC/SC part 10 features scard performs.
 *
 * VERIFY_PIN_DIRECT and MODIFY_PIN_DIRECT take a PIN_VERIFY_STRUCTURE or a
 * PIN_MODIFY_STRUCTURE and the APDU it describes, checked by
 * scard_pin_parse() (pin.c) before anything reaches the reader; the reader
 * driver's @secure op gets the struct scard_pin_op. At the TPDU level the
 * core does the transport's part: the T=1 prologue and the card's block,
 * T=0's GET RESPONSE.
 *
 * IFD_PIN_PROPERTIES and GET_TLV_PROPERTIES describe the keypad and the
 * reader from its capabilities. See Documentation/scard/userspace-api.rst.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "scard_core.h"

/*
 * T=1 at the TPDU level: the reader sends the APDU as one I-block with
 * the prologue given and passes back the card's block. A single I-block
 * with the expected N(S) and no chaining is the only answer taken; any
 * other leaves the sequence numbers unknown, so the next exchange starts
 * with a resynchronisation.
 */
static int scard_pin_t1(struct scard_reader *rdr, struct scard_pin_op *op,
			u8 *out, size_t out_size, size_t *out_len)
{
	struct scard_t1 *t1 = &rdr->t1;
	size_t blk_len = 0, inf_len;
	const u8 *inf;
	u8 *blk, nad, pcb;
	int ret;

	if (op->apdu_len > t1->ifsc)
		return -EMSGSIZE;
	/* An earlier exchange cut short: N(S) is known again first. */
	ret = scard_protocol_t1_prepare(rdr);
	if (ret)
		return ret;
	op->teo_prologue[0] = t1->nad;
	op->teo_prologue[1] = SCARD_T1_I_BLOCK | (t1->ns ? SCARD_T1_I_NS : 0);
	op->teo_prologue[2] = op->apdu_len;

	blk = kmalloc(SCARD_T1_MAX_BLOCK, GFP_KERNEL);
	if (!blk)
		return -ENOMEM;
	/* Whatever goes wrong from here, the card may have seen the block. */
	t1->resynch_first = true;
	ret = rdr->ops->secure(rdr, op, blk, SCARD_T1_MAX_BLOCK, &blk_len);
	/* More than a block: no block at all. */
	if (ret == -EOVERFLOW)
		ret = -EPROTO;
	if (ret)
		goto out;
	/*
	 * The reader's own answer (timeout, cancel): the card saw nothing,
	 * and scard_protocol_t1_prepare() left the state in step.
	 */
	if (blk_len == 2 && blk[0] == 0x64) {
		t1->resynch_first = false;
		inf = blk;
		inf_len = 2;
		goto copy;
	}
	if (scard_t1_parse_block(blk, blk_len, t1->edc_crc, &nad, &pcb,
				 &inf, &inf_len)) {
		ret = -EPROTO;
		goto out;
	}
	if ((pcb & SCARD_T1_R_BLOCK) || (pcb & SCARD_T1_I_MORE) ||
	    !!(pcb & SCARD_T1_I_NS) != t1->nr) {
		ret = -EPROTO;
		goto out;
	}
	t1->resynch_first = false;
	t1->ns ^= 1;
	t1->nr ^= 1;
copy:
	*out_len = inf_len;
	if (inf_len > out_size)
		ret = -EOVERFLOW;
	else
		memcpy(out, inf, inf_len);
out:
	kfree(blk);
	return ret;
}

/**
 * scard_pin_direct() - IOCTL_SCARD_VERIFY_PIN_DIRECT / MODIFY_PIN_DIRECT
 * @sf: the file
 * @modify: MODIFY_PIN_DIRECT
 * @in: the PIN structure and its APDU
 * @in_len: bytes in @in
 * @out: the card's response
 * @out_len: room in @out, at least 2
 * @returned: set to the response's length
 * @needed: set to it on -EOVERFLOW
 *
 * Context: process; takes the reader lock, sleeps while the user types.
 * Return: 0; -EOPNOTSUPP when the reader has no keypad for it; -EINVAL for
 * a structure scard_pin_parse() refuses; -ENOMEDIUM, -EBADFD as TRANSMIT;
 * -EMSGSIZE when the reader cannot carry the command; -EPROTO for an
 * answer that is none; or the reader's errno (-ETIMEDOUT, -EINTR, ...).
 */
int scard_pin_direct(struct scard_file *sf, bool modify, const u8 *in,
		     u32 in_len, u8 *out, u32 out_len, u32 *returned,
		     u32 *needed)
{
	struct scard_reader *rdr = sf->rdr;
	u8 bit = modify ? SCARD_PIN_SUPPORT_MODIFY : SCARD_PIN_SUPPORT_VERIFY;
	struct scard_pin_op op;
	size_t len = 0;
	int ret;

	if (!(rdr->caps.pin_support & bit))
		return -EOPNOTSUPP;
	ret = scard_pin_parse(&op, modify, in, in_len);
	if (ret)
		return ret;

	ret = scard_reader_lock(rdr, sf);
	if (ret)
		return ret;
	ret = scard_reader_check_specific(rdr);
	if (!ret && !rdr->ops->secure)
		ret = -EOPNOTSUPP;
	if (ret)
		goto out;

	/* A T=0 TPDU has no Le: the data comes by GET RESPONSE below. */
	if (rdr->caps.level == SCARD_LEVEL_TPDU &&
	    rdr->params.protocol == SCARD_PROTOCOL_T0 && op.apdu_len > 5 &&
	    op.apdu_len == 5 + op.apdu[4] + 1)
		op.apdu_len--;
	if (rdr->caps.level == SCARD_LEVEL_TPDU &&
	    rdr->params.protocol == SCARD_PROTOCOL_T1)
		ret = scard_pin_t1(rdr, &op, out, out_len, &len);
	else
		ret = rdr->ops->secure(rdr, &op, out, out_len, &len);
	/*
	 * T=0 at the TPDU level: a case 4 command's data waits behind
	 * 61 xx, and GET RESPONSE fetches it, as for TRANSMIT.
	 */
	if (!ret && len == 2 && out[0] == 0x61 &&
	    rdr->caps.level == SCARD_LEVEL_TPDU &&
	    rdr->params.protocol == SCARD_PROTOCOL_T0) {
		u8 get[5] = { op.apdu[0], 0xC0, 0x00, 0x00, out[1] };

		ret = scard_protocol_transmit(rdr, get, sizeof(get), out,
					      out_len, &len);
	}
	/* A response APDU ends with SW1 SW2. */
	if (!ret && len < 2)
		ret = -EPROTO;
out:
	scard_reader_unlock(rdr);
	if (ret == -EOVERFLOW)
		*needed = len;
	else if (!ret)
		*returned = len;
	return ret;
}

/**
 * scard_pin_properties() - IOCTL_SCARD_IFD_PIN_PROPERTIES
 * @rdr: the reader
 * @out: struct scard_pin_properties
 * @out_len: room in @out
 * @returned: set to its size
 * @needed: set to its size on -EOVERFLOW
 *
 * Context: any context; no I/O.
 * Return: 0, -EOPNOTSUPP without a keypad, or -EOVERFLOW.
 */
int scard_pin_properties(struct scard_reader *rdr, u8 *out, u32 out_len,
			 u32 *returned, u32 *needed)
{
	struct scard_pin_properties p = {
		.lcd_layout = cpu_to_le16(rdr->caps.lcd_layout),
		.entry_validation = rdr->caps.pin_entry_validation,
		.timeout2 = 0,
	};

	if (!rdr->caps.pin_support)
		return -EOPNOTSUPP;
	if (out_len < sizeof(p)) {
		*needed = sizeof(p);
		return -EOVERFLOW;
	}
	memcpy(out, &p, sizeof(p));
	*returned = sizeof(p);
	return 0;
}

static u8 *scard_prop_put(u8 *p, u8 tag, u32 value, u8 size)
{
	*p++ = tag;
	*p++ = size;
	if (size == 1)
		*p = value;
	else if (size == 2)
		put_unaligned_le16(value, p);
	else
		put_unaligned_le32(value, p);
	return p + size;
}

/**
 * scard_tlv_properties() - IOCTL_SCARD_GET_TLV_PROPERTIES
 * @rdr: the reader
 * @out: the TLVs (SCARD_PROP_*)
 * @out_len: room in @out
 * @returned: set to their length
 * @needed: set to it on -EOVERFLOW
 *
 * Every reader has dwMaxAPDUDataSize: 65536 unless it moves short APDUs
 * only; USB readers their IDs; PIN pads their keypad and display.
 *
 * Context: any context; no I/O.
 * Return: 0 or -EOVERFLOW.
 */
int scard_tlv_properties(struct scard_reader *rdr, u8 *out, u32 out_len,
			 u32 *returned, u32 *needed)
{
	const struct scard_reader_caps *c = &rdr->caps;
	u8 buf[SCARD_MAX_TLV_PROPERTIES], *p = buf;

	if (c->pin_support) {
		p = scard_prop_put(p, SCARD_PROP_LCD_LAYOUT, c->lcd_layout, 2);
		p = scard_prop_put(p, SCARD_PROP_ENTRY_VALIDATION,
				   c->pin_entry_validation, 1);
		p = scard_prop_put(p, SCARD_PROP_TIMEOUT2, 0, 1);
		if (c->lcd_layout) {
			p = scard_prop_put(p, SCARD_PROP_LCD_MAX_CHARACTERS,
					   c->lcd_layout & 0xFF, 2);
			p = scard_prop_put(p, SCARD_PROP_LCD_MAX_LINES,
					   c->lcd_layout >> 8, 2);
		}
	}
	p = scard_prop_put(p, SCARD_PROP_MAX_APDU_DATA_SIZE,
			   c->level == SCARD_LEVEL_APDU ? 0 : 65536, 4);
	if (c->id_vendor || c->id_product) {
		p = scard_prop_put(p, SCARD_PROP_ID_VENDOR, c->id_vendor, 2);
		p = scard_prop_put(p, SCARD_PROP_ID_PRODUCT, c->id_product, 2);
	}
	if (out_len < p - buf) {
		*needed = p - buf;
		return -EOVERFLOW;
	}
	memcpy(out, buf, p - buf);
	*returned = p - buf;
	return 0;
}
