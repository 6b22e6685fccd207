// SPDX-License-Identifier: GPL-2.0
/*
 * scard: the PC/SC part 10 PIN structures (PIN_VERIFY_STRUCTURE,
 * PIN_MODIFY_STRUCTURE), checked field by field.
 *
 * Every field is checked before anything reaches the reader: a keypad's
 * firmware is the last place to find out that a PIN block lies past the
 * end of the command, and the user has typed the PIN by then. A pure
 * function on a byte buffer: the scard_pin KUnit suite and a fuzz target
 * drive it.
 */

#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/scard.h>

#include "compat.h"

/* The APDU starts after the structure: its size is ABI. */
static_assert(sizeof(struct scard_pin_verify) == SCARD_PIN_VERIFY_SIZE);
static_assert(sizeof(struct scard_pin_modify) == SCARD_PIN_MODIFY_SIZE);

/* A digit's size in a PIN block, in bits. */
static unsigned int scard_pin_digit_bits(u8 format)
{
	return SCARD_PIN_FMT_CODING(format) == SCARD_PIN_CODING_BCD ? 4 : 8;
}

/*
 * The APDU of the structure: CLA INS P1 P2, then either nothing, a lone Lc
 * the reader fills in (the PIN's length decides it), or a short case 3 or
 * 4 body. Sets *@lc to the data length, 0 when the reader decides it.
 */
static int scard_pin_check_apdu(const u8 *apdu, size_t len, unsigned int *lc)
{
	*lc = 0;
	if (len < 4 || len > SCARD_PIN_MAX_APDU)
		return -EINVAL;
	if (len <= 5)
		return 0;
	/* An Lc of 0 here would start an extended length field. */
	*lc = apdu[4];
	if (!*lc || (len != 5 + *lc && len != 5 + *lc + 1))
		return -EINVAL;
	return 0;
}

/* A PIN block of @size bytes at byte @offset of the command data. */
static bool scard_pin_block_fits(unsigned int offset, unsigned int size,
				 unsigned int lc)
{
	return !lc || offset + size <= lc;
}

/*
 * The formatting fields, common to both structures: the PIN frame and
 * the length field inside a PIN block of the declared size, a coding
 * that exists, at least the shortest PIN allowed fitting.
 */
static int scard_pin_check_format(const struct scard_pin_op *op)
{
	unsigned int block_bits = SCARD_PIN_BLOCK_SIZE(op->block) * 8;
	unsigned int len_bits = SCARD_PIN_BLOCK_LEN_BITS(op->block);
	unsigned int pin_pos, len_pos;
	unsigned int min = SCARD_PIN_MIN_DIGITS(op->max_extra_digit);
	unsigned int max = SCARD_PIN_MAX_DIGITS(op->max_extra_digit);

	if (SCARD_PIN_FMT_CODING(op->format) > SCARD_PIN_CODING_ASCII)
		return -EINVAL;
	if (op->length_format & SCARD_PIN_LEN_RESERVED)
		return -EINVAL;
	if (!max || min > max)
		return -EINVAL;

	pin_pos = SCARD_PIN_FMT_POS(op->format) *
		  (op->format & SCARD_PIN_FMT_UNIT_BYTES ? 8 : 1);
	len_pos = SCARD_PIN_LEN_POS(op->length_format) *
		  (op->length_format & SCARD_PIN_LEN_UNIT_BYTES ? 8 : 1);
	if (!block_bits) {
		/* No block: the PIN goes in as typed, nothing around it. */
		if (len_bits || pin_pos || len_pos)
			return -EINVAL;
		return 0;
	}
	if (pin_pos + min * scard_pin_digit_bits(op->format) > block_bits)
		return -EINVAL;
	if (len_bits && len_pos + len_bits > block_bits)
		return -EINVAL;
	/* The length field inside the (left-justified) PIN frame. */
	if (len_bits && !(op->format & SCARD_PIN_FMT_RIGHT) &&
	    len_pos < pin_pos + min * scard_pin_digit_bits(op->format) &&
	    pin_pos < len_pos + len_bits)
		return -EINVAL;
	/* A length field of fewer bits than the largest PIN needs. */
	if (len_bits && len_bits < 16 && max >= 1U << len_bits)
		return -EINVAL;
	return 0;
}

static int scard_pin_check_modify(const struct scard_pin_op *op,
				  unsigned int lc)
{
	unsigned int size = SCARD_PIN_BLOCK_SIZE(op->block);
	bool old = op->confirm & SCARD_PIN_ENTER_CURRENT;

	if (op->confirm & ~(SCARD_PIN_CONFIRM_NEW | SCARD_PIN_ENTER_CURRENT))
		return -EINVAL;
	if (op->n_messages > 3 && op->n_messages != 0xFF)
		return -EINVAL;
	if (!scard_pin_block_fits(op->offset_new, size, lc))
		return -EINVAL;
	if (!old)
		return 0;
	if (!scard_pin_block_fits(op->offset_old, size, lc))
		return -EINVAL;
	/* Two PINs typed into one place. */
	if (size && op->offset_old < op->offset_new + size &&
	    op->offset_new < op->offset_old + size)
		return -EINVAL;
	return 0;
}

/**
 * scard_pin_parse() - check a PC/SC part 10 PIN structure field by field
 * @op: filled in on success; @op->apdu points into @in
 * @modify: @in is a PIN_MODIFY_STRUCTURE, else a PIN_VERIFY_STRUCTURE
 * @in: the structure (struct scard_pin_verify or struct scard_pin_modify)
 *	followed by the APDU
 * @len: bytes in @in
 *
 * Checks: ulDataLength against @len; the APDU (CLA INS P1 P2, a lone Lc
 * or a short case 3/4 body with a consistent Lc); bmFormatString's coding;
 * the PIN frame and the PIN length field inside a PIN block of the size
 * given, apart, with room for the shortest PIN allowed, and a length field
 * wide enough for the longest; minimum PIN size <= maximum, maximum not 0; the
 * PIN blocks inside the command data and, for a modification, apart;
 * bEntryValidationCondition one or more of the defined conditions;
 * bNumberMessage 0, 1 (verification; up to 3 for a modification) or 0xFF;
 * the reserved bits of bmPINLengthFormat and bConfirmPIN zero. The timeouts
 * are seconds, any value valid (0: the reader's default); the reader
 * driver's wait covers them. bTeoPrologue is the core's: it is cleared.
 *
 * Context: any context.
 * Return: 0, or -EINVAL naming nothing more: the structure is refused.
 */
int scard_pin_parse(struct scard_pin_op *op, bool modify, const u8 *in,
		    size_t len)
{
	size_t hdr = modify ? SCARD_PIN_MODIFY_SIZE : SCARD_PIN_VERIFY_SIZE;
	unsigned int lc;
	const u8 *p = in;
	int ret;

	memset(op, 0, sizeof(*op));
	if (len < hdr || get_unaligned_le32(in + hdr - 4) != len - hdr)
		return -EINVAL;

	op->modify = modify;
	op->timeout = *p++;
	op->timeout2 = *p++;
	op->format = *p++;
	op->block = *p++;
	op->length_format = *p++;
	if (modify) {
		op->offset_old = *p++;
		op->offset_new = *p++;
	}
	op->max_extra_digit = get_unaligned_le16(p);
	p += 2;
	if (modify)
		op->confirm = *p++;
	op->entry_validation = *p++;
	op->n_messages = *p++;
	op->lang_id = get_unaligned_le16(p);
	p += 2;
	memcpy(op->msg_index, p, modify ? 3 : 1);
	/* bTeoPrologue and ulDataLength: 7 bytes. */
	op->apdu = in + hdr;
	op->apdu_len = len - hdr;

	ret = scard_pin_check_apdu(op->apdu, op->apdu_len, &lc);
	if (ret)
		return ret;
	if (!op->entry_validation ||
	    op->entry_validation & ~(SCARD_PIN_ENTRY_MAX_SIZE |
				     SCARD_PIN_ENTRY_KEY |
				     SCARD_PIN_ENTRY_TIMEOUT))
		return -EINVAL;
	ret = scard_pin_check_format(op);
	if (ret)
		return ret;
	if (modify)
		return scard_pin_check_modify(op, lc);
	if (op->n_messages > 1 && op->n_messages != 0xFF)
		return -EINVAL;
	if (!scard_pin_block_fits(0, SCARD_PIN_BLOCK_SIZE(op->block), lc))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(scard_pin_parse);
