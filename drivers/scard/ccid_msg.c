// SPDX-License-Identifier: GPL-2.0
/*
 * scard: USB CCID Rev 1.1 message codec.
 *
 * Everything here works on byte buffers only, so that the USB driver
 * (scard_ccid) and a serial CCID transport (GemPC Twin) share it. Field
 * offsets and values follow the CCID specification Rev 1.1, chapters 5
 * and 6; QEMU 7.2's usb-ccid quirks are noted where they matter.
 */

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/scard_proto.h>

#include "ccid_msg.h"
#include "compat.h"

static_assert(sizeof(struct ccid_hdr) == CCID_HDR_SIZE);

/* Class descriptor field offsets (CCID Rev 1.1 table 5.1-1). */
#define DESC_BLENGTH		0
#define DESC_BTYPE		1
#define DESC_BCDCCID		2
#define DESC_MAX_SLOT		4
#define DESC_VOLTAGE		5
#define DESC_PROTOCOLS		6
#define DESC_DEFAULT_CLOCK	10
#define DESC_MAX_CLOCK		14
#define DESC_NUM_CLOCKS		18
#define DESC_DATA_RATE		19
#define DESC_MAX_DATA_RATE	23
#define DESC_NUM_DATA_RATES	27
#define DESC_MAX_IFSD		28
#define DESC_SYNCH_PROTOCOLS	32
#define DESC_MECHANICAL		36
#define DESC_FEATURES		40
#define DESC_MAX_MSG_LEN	44
#define DESC_CLASS_GET_RESPONSE	48
#define DESC_CLASS_ENVELOPE	49
#define DESC_LCD_LAYOUT		50
#define DESC_PIN_SUPPORT	52
#define DESC_MAX_BUSY_SLOTS	53

/**
 * scard_ccid_features_level() - exchange level from dwFeatures
 * @features: the class descriptor's dwFeatures
 *
 * The highest level bit set wins; no level bit means character level.
 *
 * Return: the &enum scard_level the reader works at.
 */
enum scard_level scard_ccid_features_level(u32 features)
{
	if (features & CCID_FEAT_LEVEL_APDU_EXT)
		return SCARD_LEVEL_APDU_EXT;
	if (features & CCID_FEAT_LEVEL_APDU)
		return SCARD_LEVEL_APDU;
	if (features & CCID_FEAT_LEVEL_TPDU)
		return SCARD_LEVEL_TPDU;
	return SCARD_LEVEL_CHAR;
}
EXPORT_SYMBOL_GPL(scard_ccid_features_level);

/**
 * scard_ccid_parse_desc() - parse a CCID class descriptor
 * @desc: filled in with the fields in host byte order
 * @buf: the descriptor bytes, starting at bLength
 * @len: number of bytes available at @buf
 *
 * The descriptor must have type 0x21 and a bLength of at least 54 that
 * fits in @len. Multi-byte fields are little-endian and unaligned.
 *
 * Return: 0, or -EINVAL when the bytes are not a CCID class descriptor.
 */
int scard_ccid_parse_desc(struct scard_ccid_desc *desc, const u8 *buf,
			  size_t len)
{
	if (len < CCID_DESC_SIZE || buf[DESC_BLENGTH] < CCID_DESC_SIZE ||
	    buf[DESC_BLENGTH] > len || buf[DESC_BTYPE] != CCID_DESC_TYPE)
		return -EINVAL;

	memset(desc, 0, sizeof(*desc));
	desc->bcd_ccid = get_unaligned_le16(buf + DESC_BCDCCID);
	desc->max_slot_index = buf[DESC_MAX_SLOT];
	desc->voltage_support = buf[DESC_VOLTAGE];
	desc->protocols = get_unaligned_le32(buf + DESC_PROTOCOLS);
	desc->default_clock = get_unaligned_le32(buf + DESC_DEFAULT_CLOCK);
	desc->max_clock = get_unaligned_le32(buf + DESC_MAX_CLOCK);
	desc->num_clocks = buf[DESC_NUM_CLOCKS];
	desc->data_rate = get_unaligned_le32(buf + DESC_DATA_RATE);
	desc->max_data_rate = get_unaligned_le32(buf + DESC_MAX_DATA_RATE);
	desc->num_data_rates = buf[DESC_NUM_DATA_RATES];
	desc->max_ifsd = get_unaligned_le32(buf + DESC_MAX_IFSD);
	desc->synch_protocols = get_unaligned_le32(buf + DESC_SYNCH_PROTOCOLS);
	desc->mechanical = get_unaligned_le32(buf + DESC_MECHANICAL);
	desc->features = get_unaligned_le32(buf + DESC_FEATURES);
	desc->max_msg_len = get_unaligned_le32(buf + DESC_MAX_MSG_LEN);
	desc->class_get_response = buf[DESC_CLASS_GET_RESPONSE];
	desc->class_envelope = buf[DESC_CLASS_ENVELOPE];
	desc->lcd_layout = get_unaligned_le16(buf + DESC_LCD_LAYOUT);
	desc->pin_support = buf[DESC_PIN_SUPPORT];
	desc->max_busy_slots = buf[DESC_MAX_BUSY_SLOTS];
	desc->level = scard_ccid_features_level(desc->features);
	return 0;
}
EXPORT_SYMBOL_GPL(scard_ccid_parse_desc);

/*
 * Write a header with @len data bytes and return the message length, or
 * -EMSGSIZE when @size cannot hold it. The data is copied by the caller.
 */
static int ccid_put_hdr(u8 *buf, size_t size, u8 type, size_t len, u8 slot,
			u8 seq, u8 p0, u8 p1, u8 p2)
{
	struct ccid_hdr *hdr = (struct ccid_hdr *)buf;

	if (len > CCID_MAX_DATA || size < CCID_HDR_SIZE ||
	    len > size - CCID_HDR_SIZE)
		return -EMSGSIZE;

	hdr->type = type;
	put_unaligned_le32(len, &hdr->length);
	hdr->slot = slot;
	hdr->seq = seq;
	hdr->param[0] = p0;
	hdr->param[1] = p1;
	hdr->param[2] = p2;
	return CCID_HDR_SIZE + len;
}

/**
 * scard_ccid_build_icc_power_on() - build PC_to_RDR_IccPowerOn
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @power_select: bPowerSelect, CCID_POWER_AUTO or a voltage
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_icc_power_on(u8 *buf, size_t size, u8 slot, u8 seq,
				  u8 power_select)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_ICC_POWER_ON, 0, slot,
			    seq, power_select, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_icc_power_on);

/**
 * scard_ccid_build_icc_power_off() - build PC_to_RDR_IccPowerOff
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_icc_power_off(u8 *buf, size_t size, u8 slot, u8 seq)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_ICC_POWER_OFF, 0, slot,
			    seq, 0, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_icc_power_off);

/**
 * scard_ccid_build_get_slot_status() - build PC_to_RDR_GetSlotStatus
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_get_slot_status(u8 *buf, size_t size, u8 slot, u8 seq)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_GET_SLOT_STATUS, 0, slot,
			    seq, 0, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_get_slot_status);

/**
 * scard_ccid_build_xfr_block() - build PC_to_RDR_XfrBlock
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @bwi: bBWI, block waiting time multiplier (T=1), usually 0
 * @level_param: wLevelParameter (APDU chaining, CCID_CHAIN_*), else 0
 * @data: the bytes for the card (may be NULL when @len is 0)
 * @len: number of bytes at @data
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_xfr_block(u8 *buf, size_t size, u8 slot, u8 seq,
			       u8 bwi, u16 level_param, const u8 *data,
			       size_t len)
{
	int ret;

	ret = ccid_put_hdr(buf, size, CCID_PC_TO_RDR_XFR_BLOCK, len, slot, seq,
			   bwi, level_param & 0xff, level_param >> 8);
	if (ret > 0 && len)
		memcpy(buf + CCID_HDR_SIZE, data, len);
	return ret;
}
EXPORT_SYMBOL_GPL(scard_ccid_build_xfr_block);

/**
 * scard_ccid_build_get_parameters() - build PC_to_RDR_GetParameters
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_get_parameters(u8 *buf, size_t size, u8 slot, u8 seq)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_GET_PARAMETERS, 0, slot,
			    seq, 0, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_get_parameters);

/**
 * scard_ccid_build_reset_parameters() - build PC_to_RDR_ResetParameters
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_reset_parameters(u8 *buf, size_t size, u8 slot, u8 seq)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_RESET_PARAMETERS, 0,
			    slot, seq, 0, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_reset_parameters);

/**
 * scard_ccid_build_set_parameters() - build PC_to_RDR_SetParameters
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @params: the protocol and parameters chosen for the card
 * @inverse: the card uses the inverse convention (TS = 3F)
 *
 * T=0 carries the 5-byte structure bmFindexDindex, bmTCCKST0,
 * bGuardTimeT0, bWaitingIntegerT0, bClockStop; T=1 the 7-byte structure
 * bmFindexDindex, bmTCCKST1, bGuardTimeT1, bWaitingIntegersT1,
 * bClockStop, bIFSC, bNadValue (0).
 *
 * Return: the message length, -EINVAL when @params names neither T=0
 * nor T=1, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_set_parameters(u8 *buf, size_t size, u8 slot, u8 seq,
				    const struct scard_params *params,
				    bool inverse)
{
	u8 *d = buf + CCID_HDR_SIZE;
	u8 fidi = (params->fi & 0x0f) << 4 | (params->di & 0x0f);
	u8 conv = inverse ? 0x02 : 0x00;
	int ret;

	switch (params->protocol) {
	case SCARD_PROTOCOL_T0:
		ret = ccid_put_hdr(buf, size, CCID_PC_TO_RDR_SET_PARAMETERS,
				   CCID_PARAMS_T0_SIZE, slot, seq, 0, 0, 0);
		if (ret < 0)
			return ret;
		d[0] = fidi;
		d[1] = conv;
		d[2] = params->n;
		d[3] = params->wi;
		d[4] = params->clock_stop & 0x03;
		return ret;
	case SCARD_PROTOCOL_T1:
		ret = ccid_put_hdr(buf, size, CCID_PC_TO_RDR_SET_PARAMETERS,
				   CCID_PARAMS_T1_SIZE, slot, seq, 1, 0, 0);
		if (ret < 0)
			return ret;
		d[0] = fidi;
		d[1] = 0x10 | conv | (params->edc_crc ? 0x01 : 0x00);
		d[2] = params->n;
		d[3] = (params->bwi & 0x0f) << 4 | (params->cwi & 0x0f);
		d[4] = params->clock_stop & 0x03;
		d[5] = params->ifsc;
		d[6] = 0;
		return ret;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(scard_ccid_build_set_parameters);

/**
 * scard_ccid_build_escape() - build PC_to_RDR_Escape
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @data: the vendor command (may be NULL when @len is 0)
 * @len: number of bytes at @data
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_escape(u8 *buf, size_t size, u8 slot, u8 seq,
			    const u8 *data, size_t len)
{
	int ret;

	ret = ccid_put_hdr(buf, size, CCID_PC_TO_RDR_ESCAPE, len, slot, seq,
			   0, 0, 0);
	if (ret > 0 && len)
		memcpy(buf + CCID_HDR_SIZE, data, len);
	return ret;
}
EXPORT_SYMBOL_GPL(scard_ccid_build_escape);

/* bPINOperation and the largest structure: modification, three messages. */
#define CCID_SECURE_MAX_STRUCT	20

/**
 * scard_ccid_build_secure() - build PC_to_RDR_Secure for a PIN operation
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @op: the operation, checked by scard_pin_parse()
 *
 * bPINOperation (0 verify, 1 modify), then the CCID PIN verification or
 * modification data structure (CCID 6.1.11): the part 10 structure without
 * bTimerOut2 and ulDataLength, bMsgIndex2 only when bNumberMessage is not
 * 0, bMsgIndex3 only when it is 3; then the APDU.
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_secure(u8 *buf, size_t size, u8 slot, u8 seq,
			    const struct scard_pin_op *op)
{
	u8 st[CCID_SECURE_MAX_STRUCT], *p = st;
	size_t n;
	int ret;

	*p++ = op->modify ? 0x01 : 0x00;
	*p++ = op->timeout;
	*p++ = op->format;
	*p++ = op->block;
	*p++ = op->length_format;
	if (op->modify) {
		*p++ = op->offset_old;
		*p++ = op->offset_new;
	}
	put_unaligned_le16(op->max_extra_digit, p);
	p += 2;
	if (op->modify)
		*p++ = op->confirm;
	*p++ = op->entry_validation;
	*p++ = op->n_messages;
	put_unaligned_le16(op->lang_id, p);
	p += 2;
	*p++ = op->msg_index[0];
	if (op->modify && op->n_messages)
		*p++ = op->msg_index[1];
	if (op->modify && op->n_messages == 3)
		*p++ = op->msg_index[2];
	memcpy(p, op->teo_prologue, 3);
	p += 3;
	n = p - st;

	ret = ccid_put_hdr(buf, size, CCID_PC_TO_RDR_SECURE, n + op->apdu_len,
			   slot, seq, 0, 0, 0);
	if (ret > 0) {
		memcpy(buf + CCID_HDR_SIZE, st, n);
		memcpy(buf + CCID_HDR_SIZE + n, op->apdu, op->apdu_len);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(scard_ccid_build_secure);

/**
 * scard_ccid_pin_sw() - the status word for a PIN entry the reader ended
 * @resp: a failed answer to PC_to_RDR_Secure
 * @sw: set to SW1 SW2
 *
 * PC/SC part 10 has the reader answer for the user: 64 00 when the entry
 * timed out (bError PIN_TIMEOUT), 64 01 when it was cancelled
 * (PIN_CANCELLED).
 *
 * Return: true when @resp is one of those and @sw was set.
 */
bool scard_ccid_pin_sw(const struct scard_ccid_resp *resp, u8 sw[2])
{
	if (resp->cmd_status != CCID_CMD_FAILED)
		return false;
	if (resp->error != CCID_ERR_PIN_TIMEOUT &&
	    resp->error != CCID_ERR_PIN_CANCELLED)
		return false;
	sw[0] = 0x64;
	sw[1] = resp->error == CCID_ERR_PIN_CANCELLED ? 0x01 : 0x00;
	return true;
}
EXPORT_SYMBOL_GPL(scard_ccid_pin_sw);

/**
 * scard_ccid_build_abort() - build PC_to_RDR_Abort
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot of the command to abort
 * @seq: bSeq of the command to abort (the same as in the control ABORT)
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_abort(u8 *buf, size_t size, u8 slot, u8 seq)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_ABORT, 0, slot, seq,
			    0, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_abort);

/**
 * scard_ccid_build_set_data_rate() - build PC_to_RDR_SetDataRateAndClockFrequency
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @clock_khz: dwClockFrequency, kHz
 * @rate_bps: dwDataRate, bps
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_set_data_rate(u8 *buf, size_t size, u8 slot, u8 seq,
				   u32 clock_khz, u32 rate_bps)
{
	int len = ccid_put_hdr(buf, size, CCID_PC_TO_RDR_SET_DATA_RATE, 8,
			       slot, seq, 0, 0, 0);

	if (len < 0)
		return len;
	put_unaligned_le32(clock_khz, buf + CCID_HDR_SIZE);
	put_unaligned_le32(rate_bps, buf + CCID_HDR_SIZE + 4);
	return len;
}
EXPORT_SYMBOL_GPL(scard_ccid_build_set_data_rate);

/**
 * scard_ccid_build_mechanical() - build PC_to_RDR_Mechanical
 * @buf: output buffer
 * @size: size of @buf
 * @slot: bSlot
 * @seq: bSeq
 * @function: bFunction, CCID_MECH_*
 *
 * Return: the message length, or -EMSGSIZE when @buf is too small.
 */
int scard_ccid_build_mechanical(u8 *buf, size_t size, u8 slot, u8 seq,
				u8 function)
{
	return ccid_put_hdr(buf, size, CCID_PC_TO_RDR_MECHANICAL, 0, slot, seq,
			    function, 0, 0);
}
EXPORT_SYMBOL_GPL(scard_ccid_build_mechanical);

/**
 * scard_ccid_response_type() - the RDR_to_PC type answering a command
 * @req_type: the PC_to_RDR bMessageType
 *
 * Return: the expected RDR_to_PC bMessageType, or 0 for an unknown command.
 */
u8 scard_ccid_response_type(u8 req_type)
{
	switch (req_type) {
	case CCID_PC_TO_RDR_ICC_POWER_ON:
	case CCID_PC_TO_RDR_XFR_BLOCK:
	case CCID_PC_TO_RDR_SECURE:
		return CCID_RDR_TO_PC_DATA_BLOCK;
	case CCID_PC_TO_RDR_ICC_POWER_OFF:
	case CCID_PC_TO_RDR_GET_SLOT_STATUS:
	case CCID_PC_TO_RDR_ICC_CLOCK:
	case CCID_PC_TO_RDR_T0_APDU:
	case CCID_PC_TO_RDR_MECHANICAL:
	case CCID_PC_TO_RDR_ABORT:
		return CCID_RDR_TO_PC_SLOT_STATUS;
	case CCID_PC_TO_RDR_GET_PARAMETERS:
	case CCID_PC_TO_RDR_RESET_PARAMETERS:
	case CCID_PC_TO_RDR_SET_PARAMETERS:
		return CCID_RDR_TO_PC_PARAMETERS;
	case CCID_PC_TO_RDR_ESCAPE:
		return CCID_RDR_TO_PC_ESCAPE;
	case CCID_PC_TO_RDR_SET_DATA_RATE:
		return CCID_RDR_TO_PC_DATA_RATE;
	default:
		return 0;
	}
}
EXPORT_SYMBOL_GPL(scard_ccid_response_type);

/**
 * scard_ccid_error_to_errno() - map a failed command's bError to an errno
 * @error: bError
 * @icc_status: bmICCStatus of the same message (CCID_ICC_*)
 *
 * ICC_MUTE means "no card" when the slot reports no ICC (-ENOMEDIUM) and
 * a card that does not answer otherwise (-ETIMEDOUT). Transmission errors
 * are -EPROTO, reader faults -EIO, bad ATRs and unsupported card classes
 * -EMEDIUMTYPE, "command not supported" (0) -EOPNOTSUPP and a bad field
 * index (1..127) -EINVAL.
 *
 * Return: a negative errno.
 */
int scard_ccid_error_to_errno(u8 error, u8 icc_status)
{
	switch (error) {
	case CCID_ERR_CMD_ABORTED:
	case CCID_ERR_PIN_CANCELLED:
		return -ECANCELED;
	case CCID_ERR_ICC_MUTE:
		if ((icc_status & CCID_ICC_STATUS_MASK) == CCID_ICC_ABSENT)
			return -ENOMEDIUM;
		return -ETIMEDOUT;
	case CCID_ERR_XFR_PARITY:
	case CCID_ERR_XFR_OVERRUN:
	case CCID_ERR_PROCEDURE_BYTE_CONFLICT:
	case CCID_ERR_DEACTIVATED_PROTOCOL:
		return -EPROTO;
	case CCID_ERR_HW_ERROR:
		return -EIO;
	case CCID_ERR_BAD_ATR_TS:
	case CCID_ERR_BAD_ATR_TCK:
	case CCID_ERR_ICC_CLASS_NOT_SUPPORTED:
		return -EMEDIUMTYPE;
	case CCID_ERR_ICC_PROTOCOL_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	case CCID_ERR_BUSY_WITH_AUTO_SEQUENCE:
	case CCID_ERR_CMD_SLOT_BUSY:
		return -EBUSY;
	case CCID_ERR_PIN_TIMEOUT:
		return -ETIMEDOUT;
	case CCID_ERR_CMD_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	default:
		if (error < 0x80)
			return -EINVAL;
		return -EIO;
	}
}
EXPORT_SYMBOL_GPL(scard_ccid_error_to_errno);

/**
 * scard_ccid_parse_response() - validate an RDR_to_PC bulk message
 * @resp: filled in whenever the header could be read
 * @buf: the received bytes
 * @len: number of bytes received
 * @req_type: the PC_to_RDR bMessageType this answers
 * @slot: bSlot of the command
 * @seq: bSeq of the command
 *
 * Checks in order: a full header; bSeq (a mismatch is a stale answer to
 * an earlier command, which the caller discards); bSlot; bMessageType;
 * dwLength against @len; then bmCommandStatus. @resp->data points into
 * @buf and never past @len.
 *
 * Quirks tolerated: QEMU 7.2 sends RDR_to_PC_Parameters with dwLength 0
 * but the protocol structure appended (17 bytes in all): the appended
 * bytes are taken as data, 5 for T=0 and 7 for T=1. QEMU 7.2 also answers
 * unsupported commands (Escape, Abort, ...) with a failed SlotStatus
 * instead of the matching type: that is accepted as a failure.
 *
 * Return: 0 on success; -EAGAIN for a stale bSeq; -EINPROGRESS when the
 * reader asks for more time (@resp->error is the multiplier); -EPROTO for
 * a malformed or unexpected message; otherwise the errno of the failed
 * command (scard_ccid_error_to_errno()).
 */
int scard_ccid_parse_response(struct scard_ccid_resp *resp, const u8 *buf,
			      size_t len, u8 req_type, u8 slot, u8 seq)
{
	u8 want = scard_ccid_response_type(req_type);
	size_t avail;
	u32 dlen;

	memset(resp, 0, sizeof(*resp));
	if (len < CCID_HDR_SIZE || !want)
		return -EPROTO;

	resp->type = buf[0];
	dlen = get_unaligned_le32(buf + 1);
	resp->slot = buf[5];
	resp->seq = buf[6];
	resp->status = buf[7];
	resp->icc_status = buf[7] & CCID_ICC_STATUS_MASK;
	resp->cmd_status = buf[7] & CCID_CMD_STATUS_MASK;
	resp->error = buf[8];
	resp->specific = buf[9];

	if (resp->seq != seq)
		return -EAGAIN;
	if (resp->slot != slot)
		return -EPROTO;
	if (resp->cmd_status == CCID_CMD_STATUS_MASK)
		return -EPROTO;

	if (resp->type != want) {
		/* QEMU 7.2: unsupported commands get a failed SlotStatus. */
		if (resp->type == CCID_RDR_TO_PC_SLOT_STATUS &&
		    resp->cmd_status == CCID_CMD_FAILED)
			return scard_ccid_error_to_errno(resp->error,
							 resp->icc_status);
		return -EPROTO;
	}

	avail = len - CCID_HDR_SIZE;
	if (dlen > avail)
		return -EPROTO;
	if (dlen == 0 && avail && want == CCID_RDR_TO_PC_PARAMETERS) {
		/* QEMU 7.2: dwLength 0, structure appended anyway. */
		dlen = min_t(size_t, avail, resp->specific == 0 ?
			     CCID_PARAMS_T0_SIZE : CCID_PARAMS_T1_SIZE);
	}
	resp->data = buf + CCID_HDR_SIZE;
	resp->data_len = dlen;

	switch (resp->cmd_status) {
	case CCID_CMD_OK:
		return 0;
	case CCID_CMD_TIME_EXTENSION:
		return -EINPROGRESS;
	default:
		return scard_ccid_error_to_errno(resp->error, resp->icc_status);
	}
}
EXPORT_SYMBOL_GPL(scard_ccid_parse_response);

/**
 * scard_ccid_icc_active() - is the card of a successful answer active?
 * @resp: a response that scard_ccid_parse_response() accepted
 *
 * Some readers (QEMU's) answer an XfrBlock to an absent or unpowered card
 * with "success"; bmICCStatus still tells.
 *
 * Context: any context.
 * Return: 0 when the card is active, -ENOMEDIUM when it is absent, -EIO
 * when it is present but not powered.
 */
int scard_ccid_icc_active(const struct scard_ccid_resp *resp)
{
	if (resp->icc_status == CCID_ICC_ACTIVE)
		return 0;
	return resp->icc_status == CCID_ICC_ABSENT ? -ENOMEDIUM : -EIO;
}
EXPORT_SYMBOL_GPL(scard_ccid_icc_active);

/**
 * scard_ccid_copy_data() - the data of a response into the caller's buffer
 * @resp: a parsed response
 * @rx: the buffer
 * @rx_size: its size
 * @rx_len: set to the data length, also on -EOVERFLOW (the size needed)
 *
 * Context: any context.
 * Return: 0, or -EOVERFLOW when @rx is too small (nothing is copied).
 */
int scard_ccid_copy_data(const struct scard_ccid_resp *resp, u8 *rx,
			 size_t rx_size, size_t *rx_len)
{
	*rx_len = resp->data_len;
	if (resp->data_len > rx_size)
		return -EOVERFLOW;
	memcpy(rx, resp->data, resp->data_len);
	return 0;
}
EXPORT_SYMBOL_GPL(scard_ccid_copy_data);

/**
 * scard_ccid_parse_slot_change() - parse RDR_to_PC_NotifySlotChange
 * @buf: the interrupt message
 * @len: its length
 * @nslots: number of slots to decode (1..32)
 * @present: bit n set when slot n holds a card
 * @changed: bit n set when slot n changed since the last notification
 *
 * The message is 0x50 followed by bmSlotICCState: two bits per slot,
 * bit 2n "present" and bit 2n+1 "changed". It must be long enough to
 * cover @nslots slots.
 *
 * Return: 0, -EINVAL for a bad @nslots, or -EPROTO for a message of the
 * wrong type or too short.
 */
int scard_ccid_parse_slot_change(const u8 *buf, size_t len,
				 unsigned int nslots, u32 *present,
				 u32 *changed)
{
	unsigned int i;

	if (!nslots || nslots > 32)
		return -EINVAL;
	if (len < 1 + DIV_ROUND_UP(nslots, 4) ||
	    buf[0] != CCID_RDR_TO_PC_NOTIFY_SLOT_CHANGE)
		return -EPROTO;

	*present = 0;
	*changed = 0;
	for (i = 0; i < nslots; i++) {
		u8 bits = buf[1 + i / 4] >> (2 * (i % 4));

		if (bits & 0x01)
			*present |= BIT(i);
		if (bits & 0x02)
			*changed |= BIT(i);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(scard_ccid_parse_slot_change);

/**
 * scard_ccid_parse_hardware_error() - parse RDR_to_PC_HardwareError
 * @buf: the interrupt message
 * @len: its length
 * @nslots: number of slots of the reader
 * @slot: set to bSlot
 * @code: set to bHardwareErrorCode (CCID_HW_ERR_OVERCURRENT)
 *
 * The message is 0x51, bSlot, bSeq (of the command outstanding, if any)
 * and bHardwareErrorCode (CCID 6.3.2); bytes after them are ignored.
 *
 * Return: 0, or -EPROTO for a message of the wrong type, too short, or for
 * a slot the reader does not have.
 */
int scard_ccid_parse_hardware_error(const u8 *buf, size_t len,
				    unsigned int nslots, u8 *slot, u8 *code)
{
	if (len < 4 || buf[0] != CCID_RDR_TO_PC_HARDWARE_ERROR ||
	    buf[1] >= nslots)
		return -EPROTO;
	*slot = buf[1];
	*code = buf[3];
	return 0;
}
EXPORT_SYMBOL_GPL(scard_ccid_parse_hardware_error);

/**
 * scard_ccid_wait_ms() - the card's waiting time under @params, in ms
 * @params: protocol parameters in force
 * @clock_khz: the clock the reader drives the card with (0: 4000 kHz)
 *
 * The T=0 waiting time WT (scard_t0_wt_us()) or the T=1 block waiting
 * time BWT (scard_t1_bwt_us()), from drivers/scard/timing.c, rounded up to
 * whole milliseconds: how long the reader may wait for the card within
 * one XfrBlock. The caller adds its own margin for the reader and the bus.
 *
 * Context: any context.
 * Return: the waiting time in milliseconds, or 0 when @params names
 * neither T=0 nor T=1.
 */
unsigned int scard_ccid_wait_ms(const struct scard_params *params,
				u32 clock_khz)
{
	u32 us;

	switch (params->protocol) {
	case SCARD_PROTOCOL_T0:
		us = scard_t0_wt_us(params, clock_khz);
		break;
	case SCARD_PROTOCOL_T1:
		us = scard_t1_bwt_us(params, clock_khz);
		break;
	default:
		return 0;
	}
	/* Not DIV_ROUND_UP(): @us may be U32_MAX. */
	return us / 1000 + !!(us % 1000);
}
EXPORT_SYMBOL_GPL(scard_ccid_wait_ms);
