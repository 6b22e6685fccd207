// SPDX-License-Identifier: GPL-2.0
/*
 * ccid-gadget --hostile NAME: the reader lies or misbehaves in one way,
 * for scard_gadget_test's hostile-device campaign (Documentation/scard/
 * testing.rst). Four kinds:
 *
 * - desc_*: the configuration descriptor the host reads is malformed
 *   (the endpoints the gadget enables stay the good ones);
 * - reply modes: the answer to the trigger XfrBlock (INS EA) is malformed;
 * - int_*: with the answer to the trigger, bad interrupt IN messages;
 * - unplug_*: the gadget disconnects at one step of an exchange.
 *
 * Every mode logs "hostile NAME" when it acts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccid-gadget.h"

#define MODES(X)							\
	/* descriptors */						\
	X(desc_short) X(desc_long) X(desc_missing) X(desc_type)		\
	X(no_bulk_in) X(no_bulk_out) X(no_int) X(in_is_int)		\
	X(int_is_bulk) X(mps_zero) X(slots_255) X(max_msg_0)		\
	X(max_msg_9) X(max_msg_huge) X(clock_zero) X(rate_zero)		\
	X(ifsd_zero) X(no_protocols) X(clocks_many) X(rates_many)	\
	X(level_all) X(total_short) X(num_ep_zero) X(extra_junk)	\
	X(extra_len_zero)						\
	/* replies to the trigger */					\
	X(seq) X(short) X(length) X(type) X(slot) X(status)		\
	X(length_max) X(length_over) X(length_zero) X(header_only)	\
	X(trailing)							\
	X(header_9) X(header_1) X(zlp_one) X(zlp_flood)		\
	X(slot_status) X(chain_forever) X(chain_empty)			\
	X(err_mute) X(err_parity) X(err_overrun) X(err_hw)		\
	X(err_bad_ts) X(err_busy_auto) X(err_slot_busy)		\
	X(err_not_supported) X(err_vendor) X(err_aborted)		\
	X(wtx_forever) X(stall_in) X(stall_abort) X(stall_out)	\
	X(stall_int)							\
	/* interrupt IN */						\
	X(int_short) X(int_long) X(int_absent_slot) X(int_unknown)	\
	X(int_hw_error) X(int_flood)					\
	/* unplug */							\
	X(unplug_out) X(unplug_in) X(unplug_chain) X(unplug_wtx)	\
	X(unplug_power) X(unplug_params)

#define AS_ENUM(n) H_##n,
#define AS_NAME(n) #n,
enum mode { H_NONE, MODES(AS_ENUM) H_COUNT };
static const char *const names[] = { "", MODES(AS_NAME) };

static enum mode mode;
static int chaining;		/* chain_*, unplug_chain: a chain is open */

int hostile_select(const char *name)
{
	int i;

	for (i = 1; i < H_COUNT; i++)
		if (!strcmp(name, names[i])) {
			mode = i;
			return 0;
		}
	return -1;
}

const char *hostile_name(void)
{
	return names[mode];
}

static void acting(void)
{
	gadget_log("hostile %s", names[mode]);
}

static void unplug(void)
{
	acting();
	gadget_log("unplug");
	_exit(0);	/* closes /dev/raw-gadget: USB disconnect */
}

/* --- descriptors ------------------------------------------------------- */

/* Offsets in the gadget's configuration descriptor (ccid-gadget.c). */
#define INTF		9
#define CLS		18
#define EP_BULK_IN	72
#define EP_BULK_OUT	79
#define EP_INT		86
/* A piece of an endless chain: what a 1024-byte message holds. */
#define PIECE		1000

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void cut(uint8_t *cfg, size_t *len, size_t off, size_t n)
{
	memmove(cfg + off, cfg + off + n, *len - off - n);
	*len -= n;
}

static void insert(uint8_t *cfg, size_t *len, size_t room, size_t off,
		   const uint8_t *b, size_t n)
{
	if (*len + n > room)
		return;
	memmove(cfg + off + n, cfg + off, *len - off);
	memcpy(cfg + off, b, n);
	*len += n;
}

void hostile_descriptors(uint8_t *cfg, size_t *len, size_t room)
{
	static const uint8_t junk[] = { 4, 0xFF, 0xA5, 0x5A };
	static const uint8_t zero[] = { 0, 0x21, 0, 0 };
	static const uint8_t pad[6];
	uint8_t *c = cfg + CLS;
	int keep_total = 0;

	switch (mode) {
	case H_desc_short:
		c[0] = 53;
		cut(cfg, len, CLS + 53, 1);
		break;
	case H_desc_long:
		c[0] = 60;
		insert(cfg, len, room, CLS + 54, pad, sizeof(pad));
		break;
	case H_desc_missing:
		cut(cfg, len, CLS, 54);
		break;
	case H_desc_type:
		c[1] = 0x22;
		break;
	case H_no_bulk_in:
		cut(cfg, len, EP_BULK_IN, 7);
		cfg[INTF + 4] = 2;
		break;
	case H_no_bulk_out:
		cut(cfg, len, EP_BULK_OUT, 7);
		cfg[INTF + 4] = 2;
		break;
	case H_no_int:
		cut(cfg, len, EP_INT, 7);
		cfg[INTF + 4] = 2;
		break;
	case H_in_is_int:
		cfg[EP_BULK_IN + 3] = 3;
		cfg[EP_BULK_IN + 6] = 8;
		break;
	case H_int_is_bulk:
		cfg[EP_INT + 3] = 2;
		cfg[EP_INT + 4] = 0x00;
		cfg[EP_INT + 5] = 0x02;
		cfg[EP_INT + 6] = 0;
		break;
	case H_mps_zero:
		cfg[EP_BULK_IN + 4] = 0;
		cfg[EP_BULK_IN + 5] = 0;
		break;
	case H_slots_255:
		c[4] = 255;
		break;
	case H_max_msg_0:
		put32(c + 44, 0);
		break;
	case H_max_msg_9:
		put32(c + 44, 9);
		break;
	case H_max_msg_huge:
		put32(c + 44, 0xFFFFFFFF);
		break;
	case H_clock_zero:
		put32(c + 10, 0);
		put32(c + 14, 0);
		break;
	case H_rate_zero:
		put32(c + 19, 0);
		put32(c + 23, 0);
		break;
	case H_ifsd_zero:
		put32(c + 28, 0);
		break;
	case H_no_protocols:
		put32(c + 6, 0);
		break;
	case H_clocks_many:
		c[18] = 255;
		break;
	case H_rates_many:
		c[27] = 255;
		break;
	case H_level_all:
		c[42] |= 0x07;
		break;
	case H_total_short:
		cfg[2] = 50;
		cfg[3] = 0;
		keep_total = 1;
		break;
	case H_num_ep_zero:
		cfg[INTF + 4] = 0;
		break;
	case H_extra_junk:
		insert(cfg, len, room, CLS, junk, sizeof(junk));
		break;
	case H_extra_len_zero:
		insert(cfg, len, room, CLS, zero, sizeof(zero));
		break;
	default:
		return;
	}
	acting();
	if (!keep_total) {
		cfg[2] = *len;
		cfg[3] = *len >> 8;
	}
}

/* --- replies -------------------------------------------------------------- */

int hostile_stall_abort(void)
{
	return mode == H_stall_abort;
}

int hostile_packet(const uint8_t *pkt, size_t len)
{
	/* A trigger command longer than a packet: gone after its first. */
	if (mode == H_unplug_out && len == BULK_MPS && pkt[0] == 0x6F &&
	    len > HDR + 7 && pkt[HDR + 1] == GADGET_INS_TRIGGER)
		unplug();
	return 0;
}

int hostile_command(const uint8_t *m, size_t len)
{
	(void)len;
	if ((mode == H_unplug_power && m[0] == 0x62) ||
	    (mode == H_unplug_params && m[0] == 0x61))
		unplug();
	return 0;
}

/* A DataBlock header with @status and @error, then @n data bytes. */
static void datablock(uint8_t si, uint8_t seq, uint8_t status, uint8_t error,
		      uint8_t chain, uint32_t dw, const uint8_t *d, size_t n)
{
	static uint8_t m[HDR + PIECE];

	if (n > sizeof(m) - HDR)
		n = sizeof(m) - HDR;
	gadget_put_hdr(m, 0x80, dw, si, seq, status, error, chain);
	if (n)
		memcpy(m + HDR, d, n);
	gadget_write(1, m, HDR + n);
}

static void failed(uint8_t si, uint8_t seq, uint8_t error)
{
	datablock(si, seq, 0x40, error, 0, 0, NULL, 0);
}

static void interrupt(const uint8_t *m, size_t n)
{
	gadget_write(0, m, n);
}

int hostile_xfr(uint8_t si, uint8_t seq, uint16_t level_param, int trigger)
{
	static const uint8_t sw[] = { 0x90, 0x00, 0xDE, 0xAD, 0xBE, 0xEF };
	uint8_t m[HDR + 2] = { 0x80, 2, 0, 0, 0, si, seq, 0, 0, 0, 0x90, 0 };
	static const uint8_t piece[PIECE];
	uint8_t big[BULK_MPS] = { 0x80 };
	int i;

	if (chaining && level_param == 0x10) {
		/* the host asks for the next piece of an open chain */
		if (mode == H_unplug_chain)
			unplug();
		datablock(si, seq, 0, 0, 0x03, mode == H_chain_empty ? 0 : PIECE,
			  piece, mode == H_chain_empty ? 0 : PIECE);
		return 1;
	}
	if (!trigger || mode == H_NONE)
		return 0;

	switch (mode) {
	case H_seq:		/* a stale answer first, then the real one */
		m[6] = seq - 1;
		gadget_write(1, m, sizeof(m));
		m[6] = seq;
		break;
	case H_short:
		acting();
		gadget_write(1, m, 5);
		return 1;
	case H_length:
		put32(m + 1, 0x7FFFFFF0);
		break;
	case H_type:
		m[0] = 0x84;
		break;
	case H_slot:
		m[5] = si + 1;
		break;
	case H_status:		/* bmCommandStatus 3 is reserved */
		m[7] = 0xC0;
		break;
	case H_length_max:
		put32(m + 1, 0xFFFFFFFF);
		break;
	case H_length_over:	/* says 100, carries 2 */
		put32(m + 1, 100);
		break;
	case H_length_zero:	/* a DataBlock with no SW at all */
		acting();
		datablock(si, seq, 0, 0, 0, 0, NULL, 0);
		return 1;
	case H_header_only:	/* says 2, carries nothing */
		acting();
		datablock(si, seq, 0, 0, 0, 2, NULL, 0);
		return 1;
	case H_trailing:	/* says 2, carries 6 */
		acting();
		datablock(si, seq, 0, 0, 0, 2, sw, sizeof(sw));
		return 1;
	case H_header_9:
		acting();
		gadget_write(1, m, 9);
		return 1;
	case H_header_1:
		acting();
		gadget_write(1, m, 1);
		return 1;
	case H_zlp_one:
		gadget_write(1, m, 0);
		break;
	case H_zlp_flood:
		/* one more than scard_ccid takes (CCID_MAX_ZLP), no answer */
		acting();
		for (i = 0; i < 9; i++)
			gadget_write(1, m, 0);
		return 1;
	case H_slot_status:
		m[0] = 0x81;
		put32(m + 1, 0);
		acting();
		gadget_write(1, m, HDR);
		return 1;
	case H_chain_forever:
	case H_chain_empty:
	case H_unplug_chain:
		acting();
		chaining = 1;
		datablock(si, seq, 0, 0, 0x01, PIECE, piece, PIECE);
		return 1;
	case H_err_mute:
		acting();
		failed(si, seq, 0xFE);
		return 1;
	case H_err_parity:
		acting();
		failed(si, seq, 0xFD);
		return 1;
	case H_err_overrun:
		acting();
		failed(si, seq, 0xFC);
		return 1;
	case H_err_hw:
		acting();
		failed(si, seq, 0xFB);
		return 1;
	case H_err_bad_ts:
		acting();
		failed(si, seq, 0xF8);
		return 1;
	case H_err_busy_auto:
		acting();
		failed(si, seq, 0xF2);
		return 1;
	case H_err_slot_busy:
		acting();
		failed(si, seq, 0xE0);
		return 1;
	case H_err_not_supported:
		acting();
		failed(si, seq, 0x00);
		return 1;
	case H_err_vendor:
		acting();
		failed(si, seq, 0xA2);
		return 1;
	case H_err_aborted:
		acting();
		failed(si, seq, 0xFF);
		return 1;
	case H_wtx_forever: {
		int aborts = gadget_ctrl_aborts;

		acting();
		/* time extensions until the host aborts, at most a minute */
		for (i = 0; i < 600 && gadget_ctrl_aborts == aborts; i++) {
			datablock(si, seq, 0x80, 1, 0, 0, NULL, 0);
			gadget_msleep(100);
		}
		return 1;
	}
	case H_stall_in:
		acting();
		gadget_halt(1);
		return 1;
	case H_stall_abort:	/* mute: the host aborts, ep0 stalls it */
		acting();
		return 1;
	case H_stall_out:	/* answered, then the next command stalls */
		acting();
		gadget_halt_out();
		return 0;
	case H_stall_int:
		/*
		 * Interrupt IN stalled, then a HardwareError on it: it gets
		 * through once the host has cleared the halt.
		 */
		acting();
		gadget_halt(0);
		gadget_deactivate(si);
		interrupt((const uint8_t[]){ 0x51, si, seq, 0x01 }, 4);
		return 0;
	case H_int_short:
		interrupt((const uint8_t[]){ 0x50 }, 1);
		break;
	case H_int_long:
		interrupt((const uint8_t[]){ 0x50, 0x01, 0, 0, 0, 0, 0, 0 }, 8);
		break;
	case H_int_absent_slot:	/* slot 3 changed, on a one-slot reader */
		interrupt((const uint8_t[]){ 0x50, 0xC1 }, 2);
		break;
	case H_int_unknown:
		interrupt((const uint8_t[]){ 0x57, 0x01, 0x02, 0x03 }, 4);
		break;
	case H_int_hw_error:	/* overcurrent: the card deactivated */
		gadget_deactivate(si);
		interrupt((const uint8_t[]){ 0x51, si, seq, 0x01 }, 4);
		break;
	case H_int_flood:
		for (i = 0; i < 100; i++)
			interrupt((const uint8_t[]){ 0x50, 0x01 }, 2);
		break;
	case H_unplug_in:	/* half of a two-packet answer, then gone */
		put32(big + 1, 1000);
		big[5] = si;
		big[6] = seq;
		acting();
		gadget_write(1, big, sizeof(big));
		unplug();
		return 1;
	case H_unplug_wtx:
		datablock(si, seq, 0x80, 1, 0, 0, NULL, 0);
		unplug();
		return 1;
	default:
		return 0;
	}
	acting();
	gadget_write(1, m, sizeof(m));
	return 1;
}
