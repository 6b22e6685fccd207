// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the direct serial readers (drivers/scard/serial_phoenix.c)
 * over a fake serial line: what QEMU cannot carry (its serial ports do not
 * pass RTS to a socket, and pass no parity).
 *
 * The fake line records every modem-line and line-setting change and plays
 * a card wired the way a Phoenix or Smartmouse reader wires it: every byte
 * the host sends comes back as an echo; releasing RST (RTS) makes the card
 * send its ATR, at once or one byte at a time from a delayed work; the card
 * only understands the host at its own bit rate and parity, and what it
 * sends arrives flagged TTY_PARITY when the line's parity is not the one
 * of the card's convention. An inverse-convention card's bytes go over the
 * line inverted and reversed, as on a real line. After the ATR the card
 * follows a script: bytes the host must send (H), bytes it answers (C),
 * and the bit rate it moves to (S), as after a PPS.
 *
 * The reader is driven through the core (scard_card_power(),
 * scard_protocol_set(), scard_protocol_transmit()), as the ioctls drive it.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/termios.h>
#include <linux/tty.h>
#include <linux/workqueue.h>
#include <linux/scard.h>
#include <linux/scard_atr.h>

#include "../scard_core.h"
#include "../serial.h"
#include "scard_kunit.h"

enum phx_step_kind { PHX_H, PHX_C, PHX_S };

struct phx_step {
	enum phx_step_kind kind;
	const u8 *b;
	size_t len;
	u32 baud;
};

#define H(...)	{ .kind = PHX_H, .b = (const u8[]){ __VA_ARGS__ }, \
		  .len = sizeof((const u8[]){ __VA_ARGS__ }) }
#define C(...)	{ .kind = PHX_C, .b = (const u8[]){ __VA_ARGS__ }, \
		  .len = sizeof((const u8[]){ __VA_ARGS__ }) }
#define S(rate)	{ .kind = PHX_S, .baud = (rate) }
#define BYTES(...) .b = (const u8[]){ __VA_ARGS__ }, \
		   .len = sizeof((const u8[]){ __VA_ARGS__ })

/* At the default 3579 kHz: clock / 372, and with D = 4. */
#define RATE_D1		9620
#define RATE_D4		38483

#define PHX_LOG		32

struct phx_bytes {
	const u8 *b;
	size_t len;
};

struct phx_fake {
	struct scard_serial ss;
	struct kunit *test;
	/* the reader wiring */
	bool reset_set;		/* RTS set holds RST low */
	bool card_in;		/* CTS low */
	int modem_err;		/* set_modem and get_modem fail with it */
	/* the card */
	struct phx_bytes atr;	/* logical bytes */
	bool inverse;
	bool mute;
	unsigned int atr_gap_ms;	/* 0: the ATR comes at once */
	const struct phx_step *steps;
	size_t n, i, off;
	u32 card_baud;
	unsigned int corrupt_echo;	/* sent byte whose echo flips, or UINT_MAX */
	unsigned int sent;
	/* the line */
	unsigned int modem;
	u32 baud;
	unsigned int parity;
	bool two_stop;
	unsigned int max_write;
	/* logs */
	unsigned int rts_log[PHX_LOG];	/* RST asserted (1) or not, per change */
	unsigned int nrts;
	unsigned int nlines;
	/* the ATR played from a work, a byte at a time */
	struct delayed_work atr_work;
	size_t atr_pos;
};

static u8 phx_wire(struct phx_fake *f, u8 b)
{
	return f->inverse ? scard_atr_inverse_byte(b) : b;
}

static unsigned int phx_card_parity(struct phx_fake *f)
{
	return f->inverse ? SCARD_SERIAL_PARITY_ODD : SCARD_SERIAL_PARITY_EVEN;
}

/* What the tty's receive path does: the protocol's recv under ss->lock. */
static void phx_deliver(struct phx_fake *f, const u8 *b, const u8 *flags,
			size_t len)
{
	struct scard_serial *ss = &f->ss;
	unsigned long irq;

	spin_lock_irqsave(&ss->lock, irq);
	if (ss->ready && !ss->dead)
		ss->proto->recv(ss, b, flags, len);
	spin_unlock_irqrestore(&ss->lock, irq);
	wake_up_all(&ss->wait);
}

/* The card sends @len logical bytes. */
static void phx_card_send(struct phx_fake *f, const u8 *b, size_t len)
{
	u8 flag = f->parity == phx_card_parity(f) ? TTY_NORMAL : TTY_PARITY;
	size_t i;
	u8 raw;

	for (i = 0; i < len; i++) {
		raw = phx_wire(f, b[i]);
		phx_deliver(f, &raw, &flag, 1);
	}
}

/* The card's part after the host's step: what it answers, its new rate. */
static void phx_card_answer(struct phx_fake *f)
{
	while (f->i < f->n && f->steps[f->i].kind != PHX_H) {
		const struct phx_step *s = &f->steps[f->i++];

		if (s->kind == PHX_S)
			f->card_baud = s->baud;
		else
			phx_card_send(f, s->b, s->len);
	}
}

static void phx_atr_work(struct work_struct *work)
{
	struct phx_fake *f = container_of(to_delayed_work(work),
					  struct phx_fake, atr_work);

	phx_card_send(f, f->atr.b + f->atr_pos, 1);
	if (++f->atr_pos < f->atr.len)
		schedule_delayed_work(&f->atr_work,
				      msecs_to_jiffies(f->atr_gap_ms));
	else
		phx_card_answer(f);
}

static struct phx_fake *phx_of(struct scard_serial *ss)
{
	return container_of(ss, struct phx_fake, ss);
}

static int phx_fake_write(struct scard_serial *ss, const u8 *buf, size_t len)
{
	struct phx_fake *f = phx_of(ss);
	bool in_reset = f->nrts && f->rts_log[f->nrts - 1];
	bool in_step = f->baud == f->card_baud;
	bool heard = in_step && f->parity == phx_card_parity(f) && !in_reset;
	u8 echo, flag;
	size_t k;

	f->max_write = max_t(unsigned int, f->max_write, len);
	for (k = 0; k < len; k++, f->sent++) {
		/*
		 * A card in step with the line but getting the wrong parity
		 * signals the error during the echo: a framing error.
		 */
		echo = buf[k];
		flag = in_step && !in_reset && !heard ? TTY_FRAME : TTY_NORMAL;
		if (f->sent == f->corrupt_echo)
			echo ^= 0x10;
		phx_deliver(f, &echo, &flag, 1);
		if (!heard)
			continue;
		if (f->i >= f->n || f->steps[f->i].kind != PHX_H) {
			KUNIT_FAIL(f->test, "byte %02x sent out of turn",
				   phx_wire(f, buf[k]));
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(f->test, phx_wire(f, buf[k]),
				    f->steps[f->i].b[f->off],
				    "step %zu byte %zu", f->i, f->off);
		if (++f->off == f->steps[f->i].len) {
			f->i++;
			f->off = 0;
			phx_card_answer(f);
		}
	}
	return len;
}

static void phx_fake_wait_sent(struct scard_serial *ss,
			       unsigned int timeout_ms)
{
}

static int phx_fake_set_modem(struct scard_serial *ss, unsigned int set,
			      unsigned int clear)
{
	struct phx_fake *f = phx_of(ss);
	bool was_reset = f->nrts && f->rts_log[f->nrts - 1];
	bool reset;

	if (f->modem_err)
		return f->modem_err;
	f->modem = (f->modem | set) & ~clear;
	reset = !!(f->modem & TIOCM_RTS) == f->reset_set;
	if (f->nrts < PHX_LOG)
		f->rts_log[f->nrts++] = reset;
	if (!was_reset || reset || f->mute || !f->card_in)
		return 0;
	/* RST released: the ATR, at the initial rate. */
	f->card_baud = RATE_D1;
	if (f->atr_gap_ms) {
		f->atr_pos = 0;
		schedule_delayed_work(&f->atr_work,
				      msecs_to_jiffies(f->atr_gap_ms));
	} else {
		phx_card_send(f, f->atr.b, f->atr.len);
		phx_card_answer(f);
	}
	return 0;
}

static int phx_fake_get_modem(struct scard_serial *ss)
{
	struct phx_fake *f = phx_of(ss);

	if (f->modem_err)
		return f->modem_err;
	/* The detect work reads it while the test changes it. */
	return f->modem | (READ_ONCE(f->card_in) ? 0 : TIOCM_CTS);
}

static int phx_fake_set_line(struct scard_serial *ss, unsigned int baud,
			     unsigned int parity, bool two_stop)
{
	struct phx_fake *f = phx_of(ss);

	f->baud = baud;
	f->parity = parity;
	f->two_stop = two_stop;
	f->nlines++;
	return 0;
}

static void phx_fake_flush(struct scard_serial *ss)
{
}

static const struct scard_serial_line_ops phx_fake_ops = {
	.write = phx_fake_write,
	.wait_sent = phx_fake_wait_sent,
	.set_modem = phx_fake_set_modem,
	.get_modem = phx_fake_get_modem,
	.set_line = phx_fake_set_line,
	.flush = phx_fake_flush,
};

static struct phx_fake *phx_fake_new(struct kunit *test, bool smartmouse)
{
	struct phx_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	f->ss.line = &phx_fake_ops;
	f->ss.line_data = f;
	strscpy(f->ss.name, "fake0", sizeof(f->ss.name));
	spin_lock_init(&f->ss.lock);
	init_waitqueue_head(&f->ss.wait);
	f->ss.proto = smartmouse ? &scard_serial_smartmouse :
				   &scard_serial_phoenix;
	f->reset_set = !smartmouse;
	f->card_in = true;
	f->corrupt_echo = UINT_MAX;
	INIT_DELAYED_WORK(&f->atr_work, phx_atr_work);
	return f;
}

/* As the line discipline's close: no more receive, waits fail, detach. */
static void phx_fake_detach(struct phx_fake *f)
{
	unsigned long irq;

	cancel_delayed_work_sync(&f->atr_work);
	spin_lock_irqsave(&f->ss.lock, irq);
	f->ss.ready = false;
	f->ss.dead = true;
	spin_unlock_irqrestore(&f->ss.lock, irq);
	wake_up_all(&f->ss.wait);
	if (f->ss.proto_data)
		f->ss.proto->detach(&f->ss);
}

static struct scard_reader *phx_fake_attach(struct phx_fake *f)
{
	int ret = f->ss.proto->attach(&f->ss);

	if (ret)
		phx_fake_detach(f);
	KUNIT_ASSERT_EQ(f->test, ret, 0);
	KUNIT_ASSERT_NOT_NULL(f->test, f->ss.rdr);
	return f->ss.rdr;
}

/* One table row: a reader, a card, what it runs and what must result. */
struct phx_vec {
	const char *name;
	bool smartmouse;
	u32 max_rate;
	struct phx_bytes atr;
	bool inverse;
	u32 mask;
	const struct phx_step *steps;
	size_t n;
	struct phx_bytes apdu;
	struct phx_bytes resp;
	u32 protocol;
	u32 baud;
	bool two_stop;
	unsigned int max_write;
};

/* READ BINARY of two bytes (case 2), answered AA BB 90 00. */
#define READ_BINARY_2 \
	.apdu = { BYTES(0x00, 0xb0, 0x00, 0x00, 0x02) }, \
	.resp = { BYTES(0xaa, 0xbb, 0x90, 0x00) }

#define T0	SCARD_PROTOCOL_T0
#define T1	SCARD_PROTOCOL_T1

static const struct phx_step phoenix_direct_t0_case2_steps[] = {
	H(0x00, 0xb0, 0x00, 0x00, 0x02), C(0xb0, 0xaa, 0xbb, 0x90, 0x00),
};

static const struct phx_step smartmouse_direct_t0_case3_steps[] = {
	H(0x00, 0xd6, 0x00, 0x00, 0x02), C(0xd6), H(0x11, 0x22),
		C(0x90, 0x00),
};

static const struct phx_step phoenix_inverse_t0_case2_steps[] = {
	H(0x00, 0xb0, 0x00, 0x00, 0x02), C(0xb0, 0xaa, 0xbb, 0x90, 0x00),
};

static const struct phx_step phoenix_pps_to_d4_steps[] = {
	H(0xff, 0x10, 0x13, 0xfc), C(0xff, 0x10, 0x13, 0xfc),
		S(RATE_D4),
		H(0x00, 0xb0, 0x00, 0x00, 0x02), C(0xb0, 0xaa, 0xbb, 0x90, 0x00),
};

static const struct phx_step phoenix_inverse_pps_to_d4_steps[] = {
	H(0xff, 0x10, 0x13, 0xfc), C(0xff, 0x10, 0x13, 0xfc),
		S(RATE_D4),
		H(0x00, 0xb0, 0x00, 0x00, 0x02), C(0xb0, 0xaa, 0xbb, 0x90, 0x00),
};

static const struct phx_step phoenix_no_pps_at_default_rate_steps[] = {
	H(0x00, 0xb0, 0x00, 0x00, 0x02), C(0xb0, 0xaa, 0xbb, 0x90, 0x00),
};

static const struct phx_step phoenix_t1_case2_steps[] = {
	H(0x00, 0xc1, 0x01, 0xfe, 0x3e), C(0x00, 0xe1, 0x01, 0xfe, 0x1e),
		H(0x00, 0x00, 0x05, 0x00, 0xb0, 0x00, 0x00, 0x02, 0xb7),
		C(0x00, 0x00, 0x04, 0xaa, 0xbb, 0x90, 0x00, 0x85),
};

static const struct phx_step phoenix_t1_n255_one_stop_bit_steps[] = {
	H(0x00, 0xc1, 0x01, 0xfe, 0x3e), C(0x00, 0xe1, 0x01, 0xfe, 0x1e),
		H(0x00, 0x00, 0x05, 0x00, 0xb0, 0x00, 0x00, 0x02, 0xb7),
		C(0x00, 0x00, 0x04, 0xaa, 0xbb, 0x90, 0x00, 0x85),
};

static const struct phx_step phoenix_t0_extra_guard_time_steps[] = {
	H(0x00, 0xb0, 0x00, 0x00, 0x02), C(0xb0, 0xaa, 0xbb, 0x90, 0x00),
};

static const struct phx_vec phx_vecs[] = {
	{ .name = "phoenix_direct_t0_case2",
	  .atr = { BYTES(0x3b, 0x02, 0x14, 0x50) }, .mask = T0,
	  .steps = phoenix_direct_t0_case2_steps,
	  .n = ARRAY_SIZE(phoenix_direct_t0_case2_steps),
	  READ_BINARY_2,
	  .protocol = T0, .baud = RATE_D1, .two_stop = true, .max_write = 5 },
	{ .name = "smartmouse_direct_t0_case3", .smartmouse = true,
	  .atr = { BYTES(0x3b, 0x02, 0x14, 0x50) }, .mask = T0,
	  .steps = smartmouse_direct_t0_case3_steps,
	  .n = ARRAY_SIZE(smartmouse_direct_t0_case3_steps),
	  .apdu = { BYTES(0x00, 0xd6, 0x00, 0x00, 0x02, 0x11, 0x22) },
	  .resp = { BYTES(0x90, 0x00) },
	  .protocol = T0, .baud = RATE_D1, .two_stop = true, .max_write = 5 },
	/* TS 3F goes over the line as 03; odd parity after the ATR. */
	{ .name = "phoenix_inverse_t0_case2",
	  .atr = { BYTES(0x3f, 0x02, 0x14, 0x50) }, .inverse = true, .mask = T0,
	  .steps = phoenix_inverse_t0_case2_steps,
	  .n = ARRAY_SIZE(phoenix_inverse_t0_case2_steps),
	  READ_BINARY_2,
	  .protocol = T0, .baud = RATE_D1, .two_stop = true, .max_write = 5 },
	/* TA1 13 (D = 4) and a port good for 40000 bps: PPS, then 38483. */
	{ .name = "phoenix_pps_to_d4", .max_rate = 40000,
	  .atr = { BYTES(0x3b, 0x10, 0x13) }, .mask = T0,
	  .steps = phoenix_pps_to_d4_steps,
	  .n = ARRAY_SIZE(phoenix_pps_to_d4_steps),
	  READ_BINARY_2,
	  .protocol = T0, .baud = RATE_D4, .two_stop = true, .max_write = 5 },
	{ .name = "phoenix_inverse_pps_to_d4", .max_rate = 40000,
	  .atr = { BYTES(0x3f, 0x10, 0x13) }, .inverse = true, .mask = T0,
	  .steps = phoenix_inverse_pps_to_d4_steps,
	  .n = ARRAY_SIZE(phoenix_inverse_pps_to_d4_steps),
	  READ_BINARY_2,
	  .protocol = T0, .baud = RATE_D4, .two_stop = true, .max_write = 5 },
	/* The same card on a port left at its default: no PPS at all. */
	{ .name = "phoenix_no_pps_at_default_rate",
	  .atr = { BYTES(0x3b, 0x10, 0x13) }, .mask = T0,
	  .steps = phoenix_no_pps_at_default_rate_steps,
	  .n = ARRAY_SIZE(phoenix_no_pps_at_default_rate_steps),
	  READ_BINARY_2,
	  .protocol = T0, .baud = RATE_D1, .two_stop = true, .max_write = 5 },
	/* T=1: S(IFS) first, then one I-block each way. */
	{ .name = "phoenix_t1_case2",
	  .atr = { BYTES(0x3b, 0x80, 0x81, 0x31, 0xfe, 0x45, 0x8b) },
	  .mask = T1,
	  .steps = phoenix_t1_case2_steps,
	  .n = ARRAY_SIZE(phoenix_t1_case2_steps),
	  READ_BINARY_2,
	  .protocol = T1, .baud = RATE_D1, .two_stop = true, .max_write = 9 },
	/* TC1 FF under T=1: 11 etu, one stop bit. */
	{ .name = "phoenix_t1_n255_one_stop_bit",
	  .atr = { BYTES(0x3b, 0xc0, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x34) },
	  .mask = T1,
	  .steps = phoenix_t1_n255_one_stop_bit_steps,
	  .n = ARRAY_SIZE(phoenix_t1_n255_one_stop_bit_steps),
	  READ_BINARY_2,
	  .protocol = T1, .baud = RATE_D1, .two_stop = false, .max_write = 9 },
	/* TC1 02: two extra etu after each byte, so bytes go one by one. */
	{ .name = "phoenix_t0_extra_guard_time",
	  .atr = { BYTES(0x3b, 0x40, 0x02) }, .mask = T0,
	  .steps = phoenix_t0_extra_guard_time_steps,
	  .n = ARRAY_SIZE(phoenix_t0_extra_guard_time_steps),
	  READ_BINARY_2,
	  .protocol = T0, .baud = RATE_D1, .two_stop = true, .max_write = 1 },
};

static void phx_vec_desc(const struct phx_vec *v, char *desc)
{
	strscpy(desc, v->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(phx_session, phx_vecs, phx_vec_desc);

static struct phx_fake *phx_fake_for(struct kunit *test,
				     const struct phx_vec *v)
{
	struct phx_fake *f = phx_fake_new(test, v->smartmouse);

	f->ss.direct.max_rate = v->max_rate;
	f->atr = v->atr;
	f->inverse = v->inverse;
	f->steps = v->steps;
	f->n = v->n;
	return f;
}

/* Lock the reader as an ioctl does, cold reset; returns the result. */
static int phx_power_on(struct scard_reader *rdr)
{
	int ret = scard_reader_lock(rdr, NULL);

	if (ret)
		return ret;
	ret = scard_card_power(rdr, SCARD_COLD_RESET);
	scard_reader_unlock(rdr);
	return ret;
}

/* SET_PROTOCOL @v->mask, then TRANSMIT @v->apdu, as the ioctls do. */
static int phx_exchange(struct scard_reader *rdr, const struct phx_vec *v,
			u32 *sel, u8 *resp, size_t size, size_t *len)
{
	int ret = scard_reader_lock(rdr, NULL);

	if (ret)
		return ret;
	ret = scard_protocol_set(rdr, v->mask, sel);
	if (!ret)
		ret = scard_protocol_transmit(rdr, v->apdu.b, v->apdu.len,
					      resp, size, len);
	scard_reader_unlock(rdr);
	return ret;
}

/*
 * Attach, cold reset (RST pulsed with the reader's RTS polarity, the ATR
 * at the initial rate, the card's convention found), SET_PROTOCOL (PPS
 * and the speed change when the port allows), one TRANSMIT.
 */
static void phx_session(struct kunit *test)
{
	const struct phx_vec *v = test->param_value;
	struct phx_fake *f = phx_fake_for(test, v);
	struct scard_reader *rdr = phx_fake_attach(f);
	u8 resp[64];
	size_t len = 0;
	u32 sel = 0;
	int ret;

	KUNIT_EXPECT_EQ(test, scard_reader_state(rdr), SCARD_PRESENT);
	/* Attach holds the card in reset. */
	KUNIT_EXPECT_EQ(test, f->nrts, 1U);
	KUNIT_EXPECT_EQ(test, f->rts_log[0], 1U);
	KUNIT_EXPECT_EQ(test, !!(f->modem & TIOCM_RTS), !v->smartmouse);

	KUNIT_ASSERT_EQ(test, phx_power_on(rdr), 0);
	KUNIT_EXPECT_EQ(test, scard_reader_state(rdr), SCARD_NEGOTIABLE);
	KUNIT_EXPECT_EQ(test, rdr->atr.len, v->atr.len);
	KUNIT_EXPECT_MEMEQ(test, rdr->atr.raw, v->atr.b, v->atr.len);
	KUNIT_EXPECT_EQ(test, rdr->atr.inverse, v->inverse);
	/* ... and the reset released it: asserted, then not. */
	KUNIT_ASSERT_GE(test, f->nrts, 2U);
	KUNIT_EXPECT_EQ(test, f->rts_log[f->nrts - 1], 0U);
	KUNIT_EXPECT_EQ(test, !!(f->modem & TIOCM_RTS), v->smartmouse);
	KUNIT_EXPECT_EQ(test, f->parity, phx_card_parity(f));

	ret = phx_exchange(rdr, v, &sel, resp, sizeof(resp), &len);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, sel, v->protocol);
	KUNIT_EXPECT_EQ(test, f->baud, v->baud);
	KUNIT_EXPECT_EQ(test, f->parity, phx_card_parity(f));
	KUNIT_EXPECT_EQ(test, f->two_stop, v->two_stop);
	KUNIT_EXPECT_EQ(test, f->max_write, v->max_write);
	KUNIT_EXPECT_EQ(test, len, v->resp.len);
	KUNIT_EXPECT_MEMEQ(test, resp, v->resp.b, min(len, v->resp.len));
	KUNIT_EXPECT_EQ_MSG(test, f->i, f->n, "script not played to its end");
	phx_fake_detach(f);
}

/* No card answering the reset: -ETIMEDOUT soon, the card left in reset. */
static void phx_mute_card(struct kunit *test)
{
	struct phx_fake *f = phx_fake_new(test, false);
	struct scard_reader *rdr;
	unsigned long t0;

	f->mute = true;
	rdr = phx_fake_attach(f);
	t0 = jiffies;
	KUNIT_EXPECT_EQ(test, phx_power_on(rdr), -ETIMEDOUT);
	KUNIT_EXPECT_LT(test, jiffies_to_msecs(jiffies - t0), 2000U);
	KUNIT_EXPECT_EQ(test, scard_reader_state(rdr), SCARD_PRESENT);
	KUNIT_EXPECT_EQ(test, f->rts_log[f->nrts - 1], 1U);
	phx_fake_detach(f);
}

/*
 * The ATR a byte every 20 ms, from a work: the waits are for bytes that
 * have not arrived yet, each within the initial waiting time.
 */
static void phx_slow_atr(struct kunit *test)
{
	static const u8 atr[] = { 0x3b, 0x80, 0x81, 0x31, 0xfe, 0x45, 0x8b };
	struct phx_fake *f = phx_fake_new(test, false);
	struct scard_reader *rdr;

	f->atr.b = atr;
	f->atr.len = sizeof(atr);
	f->atr_gap_ms = 20;
	rdr = phx_fake_attach(f);
	KUNIT_EXPECT_EQ(test, phx_power_on(rdr), 0);
	KUNIT_EXPECT_EQ(test, rdr->atr.len, sizeof(atr));
	KUNIT_EXPECT_EQ(test, scard_reader_state(rdr), SCARD_NEGOTIABLE);
	phx_fake_detach(f);
}

/* An echo that differs from the byte sent fails the exchange: -EIO. */
static void phx_bad_echo(struct kunit *test)
{
	const struct phx_vec *v = &phx_vecs[0];
	struct phx_fake *f = phx_fake_for(test, v);
	struct scard_reader *rdr;
	size_t len = 0;
	u8 resp[16];
	u32 sel;
	int ret;

	f->corrupt_echo = 2;
	rdr = phx_fake_attach(f);
	KUNIT_ASSERT_EQ(test, phx_power_on(rdr), 0);
	ret = phx_exchange(rdr, v, &sel, resp, sizeof(resp), &len);
	KUNIT_EXPECT_EQ(test, ret, -EIO);
	phx_fake_detach(f);
}

/* Wait up to 3 s (six polls) for the card state @want. */
static bool phx_wait_state(struct scard_reader *rdr, u32 want)
{
	unsigned int i;

	for (i = 0; i < 60; i++) {
		if (scard_reader_state(rdr) == want)
			return true;
		msleep(50);
	}
	return false;
}

/* SCARD_SERIAL_FLAG_CARD_DETECT: CTS low means a card; changes are seen. */
static void phx_card_detect(struct kunit *test)
{
	struct phx_fake *f = phx_fake_new(test, false);
	struct scard_reader *rdr;

	f->ss.flags = SCARD_SERIAL_FLAG_CARD_DETECT;
	f->card_in = false;
	rdr = phx_fake_attach(f);
	KUNIT_EXPECT_EQ(test, scard_reader_state(rdr), SCARD_ABSENT);
	WRITE_ONCE(f->card_in, true);
	KUNIT_EXPECT_TRUE(test, phx_wait_state(rdr, SCARD_PRESENT));
	WRITE_ONCE(f->card_in, false);
	KUNIT_EXPECT_TRUE(test, phx_wait_state(rdr, SCARD_ABSENT));
	phx_fake_detach(f);
}

/* A line without modem lines (a pty) cannot reset a card: -EOPNOTSUPP. */
static void phx_no_modem_lines(struct kunit *test)
{
	struct phx_fake *f = phx_fake_new(test, false);

	f->modem_err = -ENOTTY;
	KUNIT_EXPECT_EQ(test, f->ss.proto->attach(&f->ss), -EOPNOTSUPP);
	phx_fake_detach(f);
}

static struct kunit_case scard_serial_cases[] = {
	KUNIT_CASE_PARAM(phx_session, phx_session_gen_params),
	KUNIT_CASE(phx_mute_card),
	KUNIT_CASE(phx_slow_atr),
	KUNIT_CASE(phx_bad_echo),
	KUNIT_CASE_SLOW(phx_card_detect),
	KUNIT_CASE(phx_no_modem_lines),
	{}
};

struct kunit_suite scard_serial_suite = {
	.name = "scard_serial_direct",
	.test_cases = scard_serial_cases,
};
