// SPDX-License-Identifier: GPL-2.0
/*
 * ccid-gadget's keypad: PC_to_RDR_Secure (CCID 6.1.11) as a strict PIN
 * pad reader does it.
 *
 *   --pin-pad N   bPINSupport N (1 verify, 2 modify, 3 both)
 *   --lcd XXYY    wLcdLayout, hexadecimal (lines XX, characters YY)
 *   --pin KEYS    what the user types, one entry per PIN the reader asks
 *                 for, separated by ':' (modification: the current PIN
 *                 when bConfirmPIN asks for it, the new PIN, its
 *                 confirmation when asked for). An entry is digits, or
 *                 "cancel" (the user presses Cancel: bError PIN_CANCELLED),
 *                 "timeout" (nothing typed: PIN_TIMEOUT after bTimeOut
 *                 seconds, at most 2) or "never" (no answer at all until
 *                 the host aborts). Default: 1234.
 *
 * The structure is checked field by field; a bad field fails the command
 * with bError its offset in the message (CCID 6.2.6), which a host sees as
 * EINVAL, so a host that builds the structure wrongly fails the tests. The
 * PIN goes into the APDU as bmFormatString, bmPINBlockString and
 * bmPINLengthFormat say (into a PIN block of its size, or, size 0, as the
 * data field with Lc recomputed), the APDU to the card at the reader's
 * level (T=1 at the TPDU level: one I-block with bTeoPrologue's NAD and
 * PCB), and the card's answer comes back after one time extension (the
 * user typing). New PINs that differ from their confirmation give SW
 * 64 02, a PIN shorter or longer than wPINMaxExtraDigit allows 64 03
 * (PC/SC part 10). Logged: "secure <slot> <seq> <op> timeout <s>",
 * "pin-apdu <hex>", "pin-wait <slot> <seq>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card.h"
#include "ccid-gadget.h"

#define PIN_MAX_APDU	(5 + 255 + 1)
#define PIN_MAX_ENTRY	32

static struct {
	uint8_t support;
	uint16_t lcd;
	char keys[128];
} pp = { .keys = "1234" };

int pinpad_option(const char *name, const char *value)
{
	if (!strcmp(name, "--pin-pad")) {
		pp.support = strtoul(value, NULL, 0);
		return pp.support > 3 ? -1 : 1;
	}
	if (!strcmp(name, "--lcd")) {
		pp.lcd = strtoul(value, NULL, 16);
		return 1;
	}
	if (!strcmp(name, "--pin")) {
		if (strlen(value) >= sizeof(pp.keys))
			return -1;
		strcpy(pp.keys, value);
		return 1;
	}
	return 0;
}

uint8_t pinpad_support(void)
{
	return pp.support;
}

uint16_t pinpad_lcd(void)
{
	return pp.lcd;
}

/* The fields of both structures, as this reader reads them. */
struct pin_cmd {
	uint8_t op, timeout, format, block, lenfmt, off_old, off_new;
	uint8_t min, max, confirm, entry, nmsg;
	const uint8_t *teo;
	const uint8_t *apdu;
	size_t apdu_len;
};

/* Field by field; 0, or the offset in the message of the bad field. */
static unsigned int parse(const uint8_t *d, size_t len, struct pin_cmd *c)
{
	size_t i = 0;

#define NEED(n)	do { if (i + (n) > len) return HDR + i; } while (0)
	NEED(1);
	c->op = d[i++];
	if (c->op > 1 || !(pp.support & (c->op ? 2 : 1)))
		return HDR;
	NEED(4);
	c->timeout = d[i++];
	c->format = d[i++];
	if ((c->format & 3) == 3)
		return HDR + i - 1;
	c->block = d[i++];
	c->lenfmt = d[i++];
	if (c->lenfmt & 0xE0)
		return HDR + i - 1;
	if (c->op) {
		NEED(2);
		c->off_old = d[i++];
		c->off_new = d[i++];
	}
	NEED(2);
	c->max = d[i++];	/* wPINMaxExtraDigit, little-endian: max, min */
	c->min = d[i++];
	if (!c->max || c->min > c->max)
		return HDR + i - 2;
	if (c->op) {
		NEED(1);
		c->confirm = d[i++];
		if (c->confirm & ~3)
			return HDR + i - 1;
	}
	NEED(2);
	c->entry = d[i++];
	if (!c->entry || c->entry & ~7)
		return HDR + i - 1;
	c->nmsg = d[i++];
	if (c->nmsg != 0xFF && c->nmsg > (c->op ? 3 : 1))
		return HDR + i - 1;
	NEED(3);
	i += 3;		/* wLangId, bMsgIndex(1) */
	if (c->op && c->nmsg)
		i++;	/* bMsgIndex2 */
	if (c->op && c->nmsg == 3)
		i++;	/* bMsgIndex3 */
	NEED(3 + 4);	/* bTeoPrologue, then at least CLA INS P1 P2 */
	c->teo = d + i;
	i += 3;
	c->apdu = d + i;
	c->apdu_len = len - i;
	if (c->apdu_len > PIN_MAX_APDU ||
	    (c->apdu_len > 5 && c->apdu_len != 5u + d[i + 4] &&
	     c->apdu_len != 5u + d[i + 4] + 1))
		return HDR + i;
#undef NEED
	return 0;
}

/* The user's entry @n for this command, in @out; its length. */
static const char *entry(unsigned int n, char *out)
{
	const char *p = pp.keys;
	size_t len;

	while (n--) {
		p = strchr(p, ':');
		if (!p)
			return "";
		p++;
	}
	len = strcspn(p, ":");
	if (len >= PIN_MAX_ENTRY)
		len = PIN_MAX_ENTRY - 1;
	memcpy(out, p, len);
	out[len] = 0;
	return out;
}

static void put_bits(uint8_t *buf, size_t pos, unsigned int n, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < n; i++, pos++) {
		uint8_t bit = 0x80 >> (pos % 8);

		if ((v >> (n - 1 - i)) & 1)
			buf[pos / 8] |= bit;
		else
			buf[pos / 8] &= ~bit;
	}
}

static unsigned int digit_bits(const struct pin_cmd *c)
{
	return (c->format & 3) == 1 ? 4 : 8;
}

static unsigned int digit_value(const struct pin_cmd *c, char k)
{
	return (c->format & 3) == 2 ? (unsigned int)k : (unsigned int)(k - '0');
}

/* The PIN @pin into the PIN block at @blk, as the format fields say. */
static void put_block(const struct pin_cmd *c, uint8_t *blk, const char *pin)
{
	size_t n = strlen(pin), i, bits = (c->block & 0x0F) * 8, pos;
	unsigned int db = digit_bits(c);

	pos = ((c->format >> 3) & 0x0F) * (c->format & 0x80 ? 8 : 1);
	if (c->format & 0x04)	/* right justified in the block */
		pos = bits - n * db;
	for (i = 0; i < n; i++)
		put_bits(blk, pos + i * db, db, digit_value(c, pin[i]));
	if (c->block >> 4)
		put_bits(blk, (c->lenfmt & 0x0F) * (c->lenfmt & 0x10 ? 8 : 1),
			 c->block >> 4, n);
}

/* A PIN without a block: its digits as they are, BCD packed, F-padded. */
static size_t put_plain(const struct pin_cmd *c, uint8_t *out, const char *pin)
{
	size_t n = strlen(pin), i;

	if (digit_bits(c) == 8) {
		for (i = 0; i < n; i++)
			out[i] = digit_value(c, pin[i]);
		return n;
	}
	memset(out, 0xFF, (n + 1) / 2);
	for (i = 0; i < n; i++)
		put_bits(out, i * 4, 4, digit_value(c, pin[i]));
	return (n + 1) / 2;
}

/* Out of wPINMaxExtraDigit's range, or not digits. */
static int bad_pin(const struct pin_cmd *c, const char *pin)
{
	size_t n = strlen(pin);

	return n < c->min || n > c->max || strspn(pin, "0123456789") != n;
}

/*
 * The APDU with the PINs in: @pins[0] the current PIN or NULL, @pins[1]
 * the new or verified one. Returns its length.
 */
static size_t build_apdu(const struct pin_cmd *c, const char *const *pins,
			 uint8_t *out)
{
	size_t lc = c->apdu_len > 5 ? c->apdu[4] : 0, n = 0;
	int le = c->apdu_len == 5 + lc + 1 && lc;
	size_t size = c->block & 0x0F;

	memcpy(out, c->apdu, 4);
	if (size && !lc) {
		/* No template for the blocks: padding of their size. */
		lc = (c->op ? (c->off_old > c->off_new ? c->off_old :
			       c->off_new) : 0) + size;
		memset(out + 5, 0xFF, lc);
	} else if (size) {
		memcpy(out + 5, c->apdu + 5, lc);
	}
	if (size) {
		if (c->op && pins[0])
			put_block(c, out + 5 + c->off_old, pins[0]);
		put_block(c, out + 5 + (c->op ? c->off_new : 0), pins[1]);
		n = lc;
	} else {
		if (pins[0])
			n = put_plain(c, out + 5, pins[0]);
		n += put_plain(c, out + 5 + n, pins[1]);
	}
	out[4] = n;
	if (le)
		out[5 + n] = c->apdu[c->apdu_len - 1];
	return 5 + n + le;
}

/* A failed DataBlock with @error. */
static void fail(uint8_t si, uint8_t seq, uint8_t error)
{
	gadget_send_msg(0x80, si, seq, 0x40 | gadget_icc_status(si), error, 0,
			NULL, 0);
}

static void answer_sw(uint8_t si, uint8_t seq, uint16_t sw)
{
	uint8_t r[2] = { sw >> 8, sw & 0xFF };

	gadget_send_msg(0x80, si, seq, gadget_icc_status(si), 0, 0, r, 2);
}

void pinpad_secure(uint8_t si, uint8_t seq, const uint8_t *d, size_t len)
{
	static uint8_t apdu[PIN_MAX_APDU + 16], blk[PIN_MAX_APDU + 16];
	static uint8_t resp[CARD_MAX_RESP + 16];
	char e[3][PIN_MAX_ENTRY], hex[2 * sizeof(apdu) + 1];
	const char *pins[2] = { NULL, NULL }, *confirm = NULL, *k;
	struct pin_cmd c;
	unsigned int bad, n = 0, t1, i;
	size_t alen, rlen;

	memset(&c, 0, sizeof(c));
	if (!pp.support) {
		fail(si, seq, 0x00);	/* command not supported */
		return;
	}
	if (gadget_icc_status(si)) {
		fail(si, seq, 0xFE);
		return;
	}
	bad = parse(d, len, &c);
	gadget_log("secure %u %u %u timeout %u", si, seq, c.op, c.timeout);
	if (bad) {
		gadget_log("secure bad field %u", bad);
		fail(si, seq, bad);
		return;
	}

	if (c.op && (c.confirm & 2))
		pins[0] = entry(n++, e[0]);
	pins[1] = entry(n++, e[1]);
	if (c.op && (c.confirm & 1))
		confirm = entry(n++, e[2]);
	for (i = 0; i < 2; i++) {
		k = pins[i];
		if (k && !strcmp(k, "cancel")) {
			fail(si, seq, 0xEF);
			return;
		}
		if (k && !strcmp(k, "timeout")) {
			gadget_msleep(1000 * (c.timeout && c.timeout < 2 ?
					      c.timeout : 2));
			fail(si, seq, 0xF0);
			return;
		}
		if (k && !strcmp(k, "never")) {
			gadget_log("pin-wait %u %u", si, seq);
			return;
		}
		if (k && bad_pin(&c, k)) {
			answer_sw(si, seq, 0x6403);
			return;
		}
	}
	if (confirm && strcmp(confirm, pins[1])) {
		answer_sw(si, seq, 0x6402);
		return;
	}

	alen = build_apdu(&c, pins, apdu);
	for (i = 0; i < alen; i++)
		sprintf(hex + 2 * i, "%02x", apdu[i]);
	gadget_log("pin-apdu %s", hex);

	/* The user typing. */
	gadget_send_msg(0x80, si, seq, 0x80, 1, 0, NULL, 0);

	t1 = gadget_tpdu_t1(si);
	if (t1) {
		blk[0] = c.teo[0];
		blk[1] = c.teo[1];
		blk[2] = alen;
		memcpy(blk + 3, apdu, alen);
		blk[3 + alen] = card_lrc(blk, 3 + alen);
		rlen = gadget_card_exchange(si, blk, 4 + alen, resp);
	} else {
		rlen = gadget_card_exchange(si, apdu, alen, resp);
	}
	gadget_send_msg(0x80, si, seq, gadget_icc_status(si), 0, 0, resp,
			rlen);
}
