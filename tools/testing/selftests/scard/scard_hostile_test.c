// SPDX-License-Identifier: GPL-2.0
/*
 * The hostile-device campaign: scard_ccid against a raw-gadget CCID reader
 * that lies or misbehaves in one way per test (ccid-gadget --hostile NAME,
 * tools/testing/cards/ccid-gadget-hostile.c):
 *
 * - malformed descriptors: the reader is refused at probe (no /dev/scardN)
 *   or bound with sane limits and works;
 * - malformed answers to one XfrBlock, every bError, endless time
 *   extensions and chaining, a stalled endpoint: the TRANSMIT fails with
 *   a clear errno and the reader works again at once;
 * - malformed interrupt IN messages: ignored, the reader keeps working; a
 *   HardwareError (also one behind a stalled interrupt endpoint): the
 *   card's session ends, it is PRESENT and can be powered again;
 * - an unplug at each step of an exchange: the call fails with ENODEV
 *   and the reader goes.
 *
 * What must never happen, a KASAN, lockdep, kmemleak, UBSAN or WARN
 * report, is checked by the test harness on the guest's kernel log
 * (tools/testing/vm). Skipped without /dev/raw-gadget or ccid-gadget.
 */
#include <poll.h>

#include "kselftest_harness.h"
#include "scard_gadget.h"

enum outcome {
	REFUSED,	/* no reader appears */
	WORKS,		/* the reader appears and exchanges APDUs */
	NO_PROTOCOL,	/* it appears, powers the card, refuses SET_PROTOCOL */
	ANSWER,		/* the trigger gets .want, the next APDU works */
	DEACTIVATED,	/* the card loses power: PRESENT, powered again */
	NEXT_FAILS,	/* the trigger works, the next APDU gets .want */
	GONE,		/* the step fails with ENODEV and the reader goes */
};

FIXTURE(hostile)
{
	struct gadget g;
	int fd;
	char saved_timeout[32];
};

FIXTURE_VARIANT(hostile)
{
	const char *mode;
	enum outcome outcome;
	int want;		/* ANSWER: the trigger's errno */
	const char *level;	/* --level, default apdu */
	int readers;		/* WORKS: how many (default 1) */
};

FIXTURE_SETUP(hostile)
{
	self->fd = -1;
	self->g.pid = 0;
	self->saved_timeout[0] = 0;
}

FIXTURE_TEARDOWN(hostile)
{
	EXPECT_EQ(0, gadget_finish(&self->g, self->fd,
				     self->saved_timeout));
}

#define DESC(m, o) \
	FIXTURE_VARIANT_ADD(hostile, m) { .mode = #m, .outcome = o }
#define REPLY(m, e) \
	FIXTURE_VARIANT_ADD(hostile, m) { .mode = #m, .outcome = ANSWER, \
					  .want = e }

/* Descriptors: too short, too long, missing, of the wrong type. */
DESC(desc_short, REFUSED);
DESC(desc_long, WORKS);
DESC(desc_missing, REFUSED);
DESC(desc_type, REFUSED);
/* Endpoints: missing, of the wrong type, wMaxPacketSize 0. */
DESC(no_bulk_in, REFUSED);
DESC(no_bulk_out, REFUSED);
DESC(no_int, WORKS);
DESC(in_is_int, REFUSED);
DESC(int_is_bulk, WORKS);
DESC(mps_zero, REFUSED);
DESC(num_ep_zero, REFUSED);
/* Class descriptor fields out of range or inconsistent. */
FIXTURE_VARIANT_ADD(hostile, slots_255) {
	.mode = "slots_255", .outcome = WORKS, .readers = 8 };
DESC(max_msg_0, WORKS);
DESC(max_msg_9, WORKS);
DESC(max_msg_huge, WORKS);
DESC(clock_zero, WORKS);
DESC(rate_zero, WORKS);
DESC(ifsd_zero, WORKS);
DESC(no_protocols, NO_PROTOCOL);
DESC(clocks_many, WORKS);
DESC(rates_many, WORKS);
DESC(level_all, WORKS);
/* The configuration as a whole. */
DESC(total_short, REFUSED);
DESC(extra_junk, WORKS);
DESC(extra_len_zero, REFUSED);

/* Answers: the wrong message, slot or sequence; lengths that lie. */
REPLY(seq, 0);
REPLY(short, EPROTO);
REPLY(length, EPROTO);
REPLY(type, EPROTO);
REPLY(slot, EPROTO);
REPLY(status, EPROTO);
REPLY(length_max, EPROTO);
REPLY(length_over, EPROTO);
REPLY(length_zero, EPROTO);
REPLY(header_only, EPROTO);
/* Bytes after dwLength are ignored: the answer is what dwLength says. */
REPLY(trailing, 0);
REPLY(header_9, EPROTO);
REPLY(header_1, EPROTO);
REPLY(zlp_one, 0);
/* More empty packets than the driver takes (8) instead of the answer. */
REPLY(zlp_flood, EPROTO);
REPLY(slot_status, EPROTO);
/* Endless response chaining, with data and without. */
REPLY(chain_forever, EPROTO);
REPLY(chain_empty, EPROTO);
/* Every kind of bError (bmCommandStatus 1, card active). */
REPLY(err_mute, ETIMEDOUT);
REPLY(err_parity, EPROTO);
REPLY(err_overrun, EPROTO);
REPLY(err_hw, EIO);
REPLY(err_bad_ts, EMEDIUMTYPE);
REPLY(err_busy_auto, EBUSY);
REPLY(err_slot_busy, EBUSY);
REPLY(err_not_supported, EOPNOTSUPP);
REPLY(err_vendor, EIO);
REPLY(err_aborted, ECANCELED);
/*
 * A stalled bulk IN endpoint (cleared); a stalled control ABORT; a bulk
 * OUT that stalls the command after the trigger (cleared: that one fails
 * with EIO, the next works); a stalled interrupt IN (cleared: the
 * HardwareError sent on it behind the stall arrives).
 */
REPLY(stall_in, EIO);
REPLY(stall_abort, ETIMEDOUT);
FIXTURE_VARIANT_ADD(hostile, stall_out) {
	.mode = "stall_out", .outcome = NEXT_FAILS, .want = EIO,
};
FIXTURE_VARIANT_ADD(hostile, stall_int) {
	.mode = "stall_int", .outcome = DEACTIVATED,
};
/* Interrupt IN: the wrong size, absent slots, unknown and error types. */
REPLY(int_short, 0);
REPLY(int_long, 0);
REPLY(int_absent_slot, 0);
REPLY(int_unknown, 0);
FIXTURE_VARIANT_ADD(hostile, int_hw_error) {
	.mode = "int_hw_error", .outcome = DEACTIVATED,
};
REPLY(int_flood, 0);

/* Unplugged at each step. */
FIXTURE_VARIANT_ADD(hostile, unplug_out) {
	.mode = "unplug_out", .outcome = GONE, .level = "ext" };
FIXTURE_VARIANT_ADD(hostile, unplug_in) {
	.mode = "unplug_in", .outcome = GONE };
FIXTURE_VARIANT_ADD(hostile, unplug_chain) {
	.mode = "unplug_chain", .outcome = GONE };
FIXTURE_VARIANT_ADD(hostile, unplug_wtx) {
	.mode = "unplug_wtx", .outcome = GONE };
FIXTURE_VARIANT_ADD(hostile, unplug_power) {
	.mode = "unplug_power", .outcome = GONE };
FIXTURE_VARIANT_ADD(hostile, unplug_params) {
	.mode = "unplug_params", .outcome = GONE };

/* The trigger APDU; a 1000-byte one (two packets) for unplug_out. */
static int send_trigger(int fd, const char *mode)
{
	static uint8_t big[7 + 1000] = { 0x00, 0xEA, 0x00, 0x00, 0x00, 0x03,
					 0xE8 };

	if (!strcmp(mode, "unplug_out"))
		return xmit_nop(fd, big, sizeof(big));
	return xmit_nop(fd, trigger, sizeof(trigger));
}

/*
 * RDR_to_PC_HardwareError (overcurrent) while the trigger runs (behind a
 * stalled interrupt endpoint for stall_int): the reader
 * deactivated the card. The exchange ends (done or ENOMEDIUM, whichever
 * the interrupt beat), the card is PRESENT and unpowered, the error is
 * counted in sysfs, and a new power up works.
 */
static void deactivated(struct __test_metadata *_metadata,
			FIXTURE_DATA(hostile) *self, const char *mode)
{
	char path[128], buf[32] = "";
	uint32_t state = 0;
	int ret;

	ret = send_trigger(self->fd, mode);
	EXPECT_TRUE(!ret || ret == ENOMEDIUM) TH_LOG("trigger: %d", ret);
	gadget_wait_state(self->g.sys[0], "present", 5, buf, sizeof(buf));
	EXPECT_STREQ("present", buf);
	snprintf(path, sizeof(path), "%s/device/hardware_errors",
		 self->g.sys[0]);
	ASSERT_EQ(0, read_line(path, buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
	EXPECT_EQ(EBADFD, xmit_nop(self->fd, nop, sizeof(nop)));
	EXPECT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	EXPECT_EQ(0, scard_t_set_protocol(self->fd, SCARD_PROTOCOL_T0));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/* No reader shows up while the host enumerates and probes the device. */
static int stays_refused(struct gadget *g)
{
	int st;

	gadget_wait_for(g, "configured", 5);
	usleep(1500000);
	if (waitpid(g->pid, &st, WNOHANG) == g->pid) {
		g->pid = 0;
		return -1;	/* the gadget died: no verdict */
	}
	return gadget_scan(g);
}

TEST_F(hostile, device)
{
	const char *args[] = { "--hostile", variant->mode, "--level",
			       variant->level ? variant->level : "apdu", NULL };
	int readers = variant->readers ? variant->readers : 1;
	uint32_t state = 0;
	double t0;

	if (variant->outcome == REFUSED) {
		ASSERT_EQ(0, gadget_start(&self->g, 0, args));
		EXPECT_EQ(0, stays_refused(&self->g));
		EXPECT_TRUE(gadget_saw(&self->g, "hostile "));
		return;
	}
	if (!strcmp(variant->mode, "stall_abort"))
		ASSERT_EQ(0, set_xfr_timeout(self->saved_timeout,
					     sizeof(self->saved_timeout),
					     "1000"));
	ASSERT_EQ(0, gadget_start(&self->g, readers, args));

	if (variant->outcome == NO_PROTOCOL) {
		self->fd = open(self->g.dev[0], O_RDWR);
		ASSERT_LE(0, self->fd);
		EXPECT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
		EXPECT_NE(0, scard_t_set_protocol(self->fd, SCARD_PROTOCOL_T0 |
						  SCARD_PROTOCOL_T1));
		return;
	}
	if (variant->outcome == GONE && !strcmp(variant->mode,
						"unplug_power")) {
		self->fd = open(self->g.dev[0], O_RDWR);
		ASSERT_LE(0, self->fd);
		EXPECT_EQ(ENODEV, scard_t_power(self->fd, SCARD_COLD_RESET));
		goto gone;
	}
	if (variant->outcome == GONE && !strcmp(variant->mode,
						"unplug_params")) {
		self->fd = open(self->g.dev[0], O_RDWR);
		ASSERT_LE(0, self->fd);
		ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
		EXPECT_EQ(ENODEV, scard_t_set_protocol(self->fd,
						       SCARD_PROTOCOL_T0));
		goto gone;
	}

	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	if (variant->outcome == WORKS)
		return;

	t0 = now_s();
	if (variant->outcome == GONE) {
		EXPECT_EQ(ENODEV, send_trigger(self->fd, variant->mode));
		EXPECT_GE(5.0, now_s() - t0);
		goto gone;
	}
	if (variant->outcome == DEACTIVATED) {
		deactivated(_metadata, self, variant->mode);
		return;
	}
	if (variant->outcome == NEXT_FAILS) {
		EXPECT_EQ(0, send_trigger(self->fd, variant->mode));
		EXPECT_EQ(variant->want, xmit_nop(self->fd, nop, sizeof(nop)));
		EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
		EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
		return;
	}
	EXPECT_EQ(variant->want, send_trigger(self->fd, variant->mode));
	EXPECT_GE(5.0, now_s() - t0);
	EXPECT_TRUE(gadget_saw(&self->g, "hostile "));
	/* usable again at once, the card still there and in specific mode */
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
	return;

gone:
	EXPECT_EQ(0, gadget_wait_gone());
	EXPECT_TRUE(gadget_saw(&self->g, "unplug"));
	EXPECT_EQ(ENODEV, scard_t_state(self->fd, &state));
}

/*
 * A card that asks for more time for ever is served as long as it asks;
 * close() ends the exchange at once (the Abort), and the reader is usable
 * from the next open.
 */
FIXTURE(endless)
{
	struct gadget g;
	int fd;
};

FIXTURE_SETUP(endless)
{
	self->fd = -1;
	self->g.pid = 0;
}

FIXTURE_TEARDOWN(endless)
{
	if (self->fd >= 0)
		close(self->fd);
	EXPECT_EQ(0, gadget_stop(&self->g));
}

TEST_F(endless, wtx_until_close)
{
	const char *args[] = { "--hostile", "wtx_forever", NULL };
	uint8_t in[8 + sizeof(trigger)];
	struct pollfd p;
	uint32_t n;
	double t0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, trigger, sizeof(trigger));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n));
	p = (struct pollfd){ .fd = self->fd, .events = POLLIN };
	EXPECT_EQ(0, poll(&p, 1, 3000));	/* still being served */
	EXPECT_TRUE(gadget_saw(&self->g, "hostile wtx_forever"));
	t0 = now_s();
	close(self->fd);
	self->fd = -1;
	EXPECT_GE(1.5, now_s() - t0);
	EXPECT_EQ(0, gadget_wait_for(&self->g, "ctrl-abort", 2));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

int main(int argc, char **argv)
{
	return gadget_test_main(argc, argv);
}
