// SPDX-License-Identifier: GPL-2.0
/*
 * scard_ccid against a CCID reader emulated with raw-gadget on dummy_hcd
 * (tools/testing/cards/ccid-gadget.c): what QEMU's usb-ccid cannot do.
 * Several slots, extended APDU level, command and response chaining
 * through small messages, time extensions, T=1 WTX (bBWI), a mute card
 * and the Abort sequence, SIGKILL and close() in the middle of an
 * exchange, system sleep during an exchange, escape commands, an unplug
 * in the middle of an exchange, NotifySlotChange and the quirks table.
 * Malformed descriptors and answers: scard_hostile_test.
 *
 * Each test starts ccid-gadget (from PATH) and finds its readers by their
 * sysfs name; the QEMU reader is left alone. The whole program is skipped
 * without /dev/raw-gadget (CONFIG_USB_RAW_GADGET) or ccid-gadget.
 */
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include <linux/usbdevice_fs.h>

#include "kselftest_harness.h"
#include "scard_gadget.h"

FIXTURE(gadget)
{
	struct gadget g;
	int fd;
	char saved_timeout[32];
	char saved_escape[8];
};

FIXTURE_SETUP(gadget)
{
	self->fd = -1;
	self->g.pid = 0;
	self->saved_timeout[0] = 0;
	self->saved_escape[0] = 0;
}

FIXTURE_TEARDOWN(gadget)
{
	EXPECT_EQ(0, gadget_finish(&self->g, self->fd,
				     self->saved_timeout));
	if (self->saved_escape[0])
		write_str(ESCAPE_PARAM, self->saved_escape);
}

/*
 * xfr_timeout_ms @ms, the gadget with @args, its card powered and in T=0
 * on self->fd.
 */
static void start_specific(struct __test_metadata *_metadata,
			   FIXTURE_DATA(gadget) *self,
			   const char *const *args, const char *ms)
{
	ASSERT_EQ(0, set_xfr_timeout(self->saved_timeout,
				     sizeof(self->saved_timeout), ms));
	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
}

/* After an exchange cut short: the Abort went out, the reader works. */
static void check_aborted(struct __test_metadata *_metadata,
			  FIXTURE_DATA(gadget) *self)
{
	EXPECT_TRUE(gadget_saw(&self->g, "ctrl-abort 0 "));
	EXPECT_TRUE(gadget_saw(&self->g, "abort 0 "));
	/* bSeq matching keeps the reader and the driver in step */
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

TEST_F(gadget, basic_round_trip)
{
	static const char *const args[] = { "--level", "apdu", NULL };
	uint8_t r[300];
	uint32_t state = 0;
	size_t n = 0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
	ASSERT_EQ(0, scard_t_transmit(self->fd, echo, sizeof(echo), r,
				      sizeof(r), &n));
	ASSERT_EQ(sizeof(echo_resp), n);
	EXPECT_EQ(0, memcmp(r, echo_resp, n));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	/* POWER down and up again */
	EXPECT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	EXPECT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
}

TEST_F(gadget, two_slots)
{
	static const char *const args[] = { "--slots", "2", NULL };
	char path[96], buf[32];
	int i;

	ASSERT_EQ(0, gadget_start(&self->g, 2, args));
	ASSERT_STRNE(self->g.dev[0], self->g.dev[1]);
	for (i = 0; i < 2; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/slot", self->g.sys[i]);
		ASSERT_EQ(0, read_line(path, buf, sizeof(buf)));
		EXPECT_EQ(i, atoi(buf));
		/* every slot says how many the reader has (IFD handler) */
		snprintf(path, sizeof(path), "%s/slots", self->g.sys[i]);
		ASSERT_EQ(0, read_line(path, buf, sizeof(buf)));
		EXPECT_STREQ("2", buf);
		fd = open_specific(self->g.dev[i]);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, xmit_nop(fd, nop, sizeof(nop)));
		EXPECT_EQ(0, scard_t_power(fd, SCARD_POWER_DOWN));
		close(fd);
	}
	/* slot 1 stays powered while slot 0 is powered down */
	snprintf(path, sizeof(path), "%s/state", self->g.sys[0]);
	ASSERT_EQ(0, read_line(path, buf, sizeof(buf)));
	EXPECT_STREQ("present", buf);
}

TEST_F(gadget, extended_apdu)
{
	static const char *const args[] = { "--level", "ext", NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 4000, 1));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 65535, 1));
}

/* Messages of whole 512-byte packets, ended by a zero-length packet. */
TEST_F(gadget, whole_packet_messages)
{
	static const char *const args[] = { "--level", "ext", NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	/* answer: 10 + 500 + 2 = 512 bytes; command 10 + 7 + 500 + 2 */
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 500, 1));
	/* answer 1024 bytes */
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 1012, 1));
	/* command 10 + 7 + 493 + 2 = 512 bytes */
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 493, 1));
}

/* APDU level: the reader chains a long response (bChainParameter). */
TEST_F(gadget, response_chaining)
{
	static const char *const args[] = { "--level", "ext", "--chain", "100",
					    NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 1000, 1));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 98, 1));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 10, 0));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/* TPDU level, T=0: the library maps case 4 to GET RESPONSE. */
TEST_F(gadget, tpdu_t0)
{
	static const char *const args[] = { "--level", "tpdu", NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 3, 0));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 255, 0));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/* TPDU level, T=1: blocks go through XfrBlock to the card's T=1. */
TEST_F(gadget, tpdu_t1)
{
	static const char *const args[] = { "--level", "tpdu", "--protocols",
					    "t1", NULL };
	static const uint8_t atr_t1[] = { 0x3B, 0x82, 0x01, 0x53, 0x43, 0x93 };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_proto(self->g.dev[0], atr_t1, sizeof(atr_t1),
			      SCARD_PROTOCOL_T1);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T1, 3, 0));
	/* chained I-blocks both ways (IFSC 32) */
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T1, 200, 0));
}

TEST_F(gadget, time_extension)
{
	static const char *const args[] = { "--time-ext", "3", NULL };
	uint8_t r[300];
	size_t n = 0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, scard_t_transmit(self->fd, echo, sizeof(echo), r,
				      sizeof(r), &n));
	ASSERT_EQ(sizeof(echo_resp), n);
	EXPECT_EQ(0, memcmp(r, echo_resp, n));
}

/*
 * Many quick time extensions: each restarts the wait, however many come
 * (there is no limit on the total time either).
 */
TEST_F(gadget, time_extension_many)
{
	static const char *const args[] = { "--time-ext", "40", NULL };
	uint8_t r[300];
	size_t n = 0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, scard_t_transmit(self->fd, echo, sizeof(echo), r,
				      sizeof(r), &n));
	ASSERT_EQ(sizeof(echo_resp), n);
	EXPECT_EQ(0, memcmp(r, echo_resp, n));
	EXPECT_FALSE(gadget_saw(&self->g, "abort"));
}

/*
 * A process blocked in TRANSMIT, on a reader that sent one time extension
 * and then nothing, dies within a second of SIGKILL: the driver's waits
 * are killable and it aborts the command (CCID 5.3.1); the reader works
 * afterwards.
 */
TEST_F(gadget, sigkill_in_transmit)
{
	static const char *const args[] = { "--mute-after-ext", "1", NULL };
	double t0, dt;
	pid_t pid;
	int st;

	start_specific(_metadata, self, args, "5000");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(self->g.dev[0], O_RDWR);

		xmit_nop(fd, trigger, sizeof(trigger));
		_exit(0);
	}
	ASSERT_EQ(0, gadget_wait_for(&self->g, "mute 0 ", 10));
	/* Well inside the wait that the time extension started. */
	usleep(300000);
	t0 = now_s();
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	dt = now_s() - t0;
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	TH_LOG("SIGKILL took %.3f s", dt);
	EXPECT_GE(1.0, dt);
	check_aborted(_metadata, self);
}

/*
 * Slot 1's asynchronous TRANSMIT waits for the device's one bulk exchange,
 * which slot 0 holds with a card that never answers: close() of slot 1's
 * file returns within a second all the same, and its command never goes
 * out.
 */
TEST_F(gadget, close_cancels_transmit_behind_other_slot)
{
	static const char *const args[] = { "--slots", "2", "--mute", NULL };
	uint8_t in[8 + sizeof(nop)];
	double t0, dt;
	uint32_t len;
	pid_t pid;
	int fd, st;

	ASSERT_EQ(0, set_xfr_timeout(self->saved_timeout,
				     sizeof(self->saved_timeout), "5000"));
	ASSERT_EQ(0, gadget_start(&self->g, 2, args));
	self->fd = open_specific(self->g.dev[1]);
	ASSERT_LE(0, self->fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = open_specific(self->g.dev[0]);
		xmit_nop(fd, trigger, sizeof(trigger));
		_exit(0);
	}
	ASSERT_EQ(0, gadget_wait_for(&self->g, "mute 0 ", 10));
	fd = open(self->g.dev[1], O_RDWR);
	ASSERT_LE(0, fd);
	len = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, nop, sizeof(nop));
	ASSERT_EQ((ssize_t)len, write(fd, in, len));
	/* it waits for slot 0's exchange */
	usleep(300000);
	t0 = now_s();
	EXPECT_EQ(0, close(fd));
	dt = now_s() - t0;
	TH_LOG("close() took %.3f s", dt);
	EXPECT_GE(1.0, dt);
	EXPECT_FALSE(gadget_saw(&self->g, "xfr 1 "));

	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/*
 * close() of a file whose asynchronous TRANSMIT (write()) waits for a
 * card that never answers returns within a second: the core cancels, the
 * driver aborts the command; the reader works afterwards.
 */
TEST_F(gadget, close_cancels_async_transmit)
{
	static const char *const args[] = { "--mute", NULL };
	uint8_t in[8 + sizeof(trigger)];
	uint32_t len;
	double t0, dt;
	int fd;

	start_specific(_metadata, self, args, "5000");
	fd = open(self->g.dev[0], O_RDWR);
	ASSERT_LE(0, fd);
	len = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, trigger,
			      sizeof(trigger));
	ASSERT_EQ((ssize_t)len, write(fd, in, len));
	ASSERT_EQ(0, gadget_wait_for(&self->g, "mute 0 ", 10));
	t0 = now_s();
	EXPECT_EQ(0, close(fd));
	dt = now_s() - t0;
	TH_LOG("close() took %.3f s", dt);
	EXPECT_GE(1.0, dt);
	check_aborted(_metadata, self);
}

#define PM_TEST		"/sys/power/pm_test"
#define PM_STATE	"/sys/power/state"

/*
 * The system goes to sleep (freeze, with pm_test "freezer": the PM
 * notifiers and the freezer, no device suspend) while a TRANSMIT waits
 * for a card that never answers: the exchange is aborted at once with
 * ECANCELED, so its task freezes and the sleep succeeds; the reader
 * works afterwards. A task stuck in the exchange would make the freezer
 * give up after 20 s (EBUSY). Whether the Abort reaches the gadget is not
 * checked: the gadget is a user process, and the freezer may stop it
 * before it reads the Abort (a real reader does not freeze).
 */
TEST_F_TIMEOUT(gadget, sleep_aborts_running_transmit, 90)
{
	static const char *const args[] = { "--mute", NULL };
	char level[128];
	double t0, dt;
	pid_t pid;
	int st, ret;

	if (access(PM_TEST, W_OK) || read_line(PM_TEST, level, sizeof(level)) ||
	    !strstr(level, "freezer"))
		SKIP(return, "no %s with the freezer level", PM_TEST);
	start_specific(_metadata, self, args, "60000");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = open(self->g.dev[0], O_RDWR);

		_exit(fd < 0 ? 255 : xmit_nop(fd, trigger, sizeof(trigger)));
	}
	ASSERT_EQ(0, gadget_wait_for(&self->g, "mute 0 ", 10));
	ASSERT_EQ(0, write_str(PM_TEST, "freezer"));
	t0 = now_s();
	ret = write_str(PM_STATE, "freeze") ? errno : 0;
	dt = now_s() - t0;
	EXPECT_EQ(0, write_str(PM_TEST, "none"));
	TH_LOG("freeze took %.3f s", dt);
	EXPECT_EQ(0, ret);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(ECANCELED, WEXITSTATUS(st));
	/* bSeq matching keeps the reader and the driver in step */
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/*
 * T=1 on a TPDU reader: the block after the card's S(WTX request)
 * (multiplier 2) goes out with bBWI 2 (CCID 6.1.4), and the driver waits
 * twice as long for its answer: one 5 s late is taken (the wait under
 * the card's BWT alone is about 3.9 s here).
 */
TEST_F(gadget, tpdu_t1_wtx_bwi)
{
	static const char *const args[] = { "--level", "tpdu", "--protocols",
					    "t1", "--late-after-wtx-ms",
					    "5000", NULL };
	static const uint8_t atr_t1[] = { 0x3B, 0x82, 0x01, 0x53, 0x43, 0x93 };
	/* SLOW: one S(WTX request) before 90 00 */
	static const uint8_t slow[] = { 0x00, 0xE8, 0x01, 0x00 };
	uint8_t *r = NULL;
	size_t n = 0;

	ASSERT_EQ(0, set_xfr_timeout(self->saved_timeout,
				     sizeof(self->saved_timeout), "1000"));
	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_proto(self->g.dev[0], atr_t1, sizeof(atr_t1),
			      SCARD_PROTOCOL_T1);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T1, 3, 0));
	EXPECT_FALSE(gadget_log_has(&self->g, " bwi 2 ", 1));

	ASSERT_EQ(0, xmit(self->fd, SCARD_PROTOCOL_T1, slow, sizeof(slow), &r,
			  &n));
	ASSERT_EQ(2, n);
	EXPECT_EQ(0x90, r[0]);
	EXPECT_EQ(0x00, r[1]);
	free(r);
	EXPECT_TRUE(gadget_saw(&self->g, "late 0 "));
	EXPECT_TRUE(gadget_log_has(&self->g, " bwi 2 ", 1));
	EXPECT_FALSE(gadget_saw(&self->g, "ctrl-abort"));
	/* the next blocks are back to bBWI 0 */
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T1, 3, 0));
}

/*
 * An extended APDU of 65535 bytes, and its response, through a reader
 * whose messages are at most 271 bytes: command and response chaining
 * through wLevelParameter and bChainParameter (CCID 6.1.4, 6.2.1).
 */
TEST_F(gadget, extended_apdu_small_messages)
{
	static const char *const args[] = { "--level", "ext", "--max-msg",
					    "271", NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 65535, 1));
	/* two pieces each way; then exactly one message each way */
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 300, 1));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 250, 1));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 10, 0));
	EXPECT_TRUE(gadget_log_has(&self->g, " chain 1\n", 1));
	EXPECT_TRUE(gadget_log_has(&self->g, " chain 16\n", 1));
	EXPECT_FALSE(gadget_saw(&self->g, "command too long"));
	EXPECT_FALSE(gadget_saw(&self->g, "answer too long"));
	EXPECT_FALSE(gadget_saw(&self->g, "bad command chain"));
}

/*
 * T=1 on a TPDU reader whose messages are at most 64 bytes: IFSD (and
 * IFSC) are chosen so that every block fits in one message.
 */
TEST_F(gadget, tpdu_t1_small_messages)
{
	static const char *const args[] = { "--level", "tpdu", "--protocols",
					    "t1", "--max-msg", "64", NULL };
	static const uint8_t atr_t1[] = { 0x3B, 0x82, 0x01, 0x53, 0x43, 0x93 };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_proto(self->g.dev[0], atr_t1, sizeof(atr_t1),
			      SCARD_PROTOCOL_T1);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T1, 200, 0));
	EXPECT_FALSE(gadget_saw(&self->g, "answer too long"));
	EXPECT_FALSE(gadget_saw(&self->g, "command too long"));
}

/*
 * TRANSMIT into a buffer too small for the response: EOVERFLOW with
 * bytes_returned the size needed; the reader works afterwards.
 */
TEST_F(gadget, transmit_eoverflow_size)
{
	static const char *const args[] = { "--level", "apdu", NULL };
	uint8_t in[8 + sizeof(echo)], out[8 + sizeof(echo_resp)];
	uint32_t got = 0, len;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	len = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, echo, sizeof(echo));
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT,
					  in, len, out, 8 + 2, &got));
	EXPECT_EQ(8 + sizeof(echo_resp), got);
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in, len,
				  out, sizeof(out), &got));
	EXPECT_EQ(sizeof(out), got);
	EXPECT_EQ(0, memcmp(out + 8, echo_resp, sizeof(echo_resp)));
}

/*
 * IOCTL_CCID_ESCAPE (scard_ccid escape=1) with an output buffer too
 * small for the reader's answer: EOVERFLOW with bytes_returned the size
 * needed; then the whole answer.
 */
TEST_F(gadget, escape_eoverflow_size)
{
	static const char *const args[] = { NULL };
	uint8_t cmd[40], out[sizeof(cmd)];
	uint32_t got = 0;
	size_t i;

	for (i = 0; i < sizeof(cmd); i++)
		cmd[i] = (uint8_t)(3 * i + 1);
	ASSERT_EQ(0, read_line(ESCAPE_PARAM, self->saved_escape,
			       sizeof(self->saved_escape)));
	/* read by probe: the gadget's reader is bound after this */
	ASSERT_EQ(0, write_str(ESCAPE_PARAM, "1"));
	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open(self->g.dev[0], O_RDWR);
	ASSERT_LE(0, self->fd);

	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_CCID_ESCAPE, cmd,
					  sizeof(cmd), out, 4, &got));
	EXPECT_EQ(sizeof(cmd), got);
	EXPECT_TRUE(gadget_saw(&self->g, "escape 0 "));
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_CCID_ESCAPE, cmd,
				  sizeof(cmd), out, sizeof(out), &got));
	EXPECT_EQ(sizeof(cmd), got);
	EXPECT_EQ(0, memcmp(out, cmd, sizeof(cmd)));
}

TEST_F(gadget, mute_card_timeout_and_abort)
{
	static const char *const args[] = { "--mute", NULL };
	double t0, dt;

	start_specific(_metadata, self, args, "2000");
	t0 = now_s();
	EXPECT_EQ(ETIMEDOUT, xmit_nop(self->fd, trigger, sizeof(trigger)));
	dt = now_s() - t0;
	EXPECT_LE(1.5, dt);
	EXPECT_GE(8.0, dt);
	EXPECT_TRUE(gadget_saw(&self->g, "mute 0 "));
	check_aborted(_metadata, self);
}

/*
 * The answer comes after the driver gave up and aborted; the gadget is
 * stopped while that answer waits unread: the reader must still go.
 */
TEST_F(gadget, stop_with_unread_answer)
{
	static const char *const args[] = { "--late-ms", "5000", NULL };

	start_specific(_metadata, self, args, "1000");
	/* SetParameters made the timeout about 2.8 s; the Abort < 1 s more */
	EXPECT_EQ(ETIMEDOUT, xmit_nop(self->fd, trigger, sizeof(trigger)));
	EXPECT_TRUE(gadget_saw(&self->g, "ctrl-abort 0 "));
	usleep(2500000);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, gadget_stop(&self->g));
}

TEST_F(gadget, unplug_mid_transfer)
{
	static const char *const args[] = { "--unplug-after-ms", "300", NULL };
	struct pollfd p;
	uint32_t state;
	double t0, dt;
	int st;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	t0 = now_s();
	EXPECT_EQ(ENODEV, xmit_nop(self->fd, trigger, sizeof(trigger)));
	dt = now_s() - t0;
	EXPECT_GE(3.0, dt);
	ASSERT_EQ(self->g.pid, waitpid(self->g.pid, &st, 0));
	self->g.pid = 0;
	EXPECT_TRUE(gadget_saw(&self->g, "unplug"));
	/* the reader goes; the open file stays, and says so */
	ASSERT_EQ(0, gadget_wait_gone());
	EXPECT_EQ(ENODEV, scard_t_state(self->fd, &state));
	EXPECT_EQ(ENODEV, xmit_nop(self->fd, nop, sizeof(nop)));
	p.fd = self->fd;
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	ASSERT_EQ(1, poll(&p, 1, 1000));
	EXPECT_EQ(POLLHUP | POLLERR, p.revents & (POLLHUP | POLLERR));
}

TEST_F(gadget, card_removal_notify)
{
	static const char *const args[] = { "--remove-after-ms", "2000", NULL };
	char buf[32] = "";
	uint32_t state = 0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open(self->g.dev[0], O_RDWR);
	ASSERT_LE(0, self->fd);
	gadget_wait_state(self->g.sys[0], "absent", 8, buf, sizeof(buf));
	EXPECT_STREQ("absent", buf);
	EXPECT_TRUE(gadget_saw(&self->g, "removed 0"));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_ABSENT, state);
	EXPECT_EQ(ENOMEDIUM, scard_t_power(self->fd, SCARD_COLD_RESET));
}

/* The current D, by GET_ATTRIBUTE; 0 on failure. */
static uint32_t current_d(int fd)
{
	uint32_t tag = SCARD_ATTR_CURRENT_D, d = 0, got = 0;

	if (scard_t_dioc(fd, IOCTL_SMARTCARD_GET_ATTRIBUTE, &tag, sizeof(tag),
			 &d, sizeof(d), &got) || got != sizeof(d))
		return 0;
	return d;
}

/*
 * A reader that lists its data rates (GET_DATA_RATES): the card offers
 * Fi 512, Di 32 (TA1 96), the reader's dwMaxDataRate allows 250000 bps at
 * 4 MHz, but its list has only 7812 (D 1), 15625 (D 2) and 62000 (D 8's
 * 62500 as a reader with a slightly slower clock counts it): D 8 it is,
 * and the reader is told its own 62000. Without automatic baud rate change the reader is told clock
 * and rate (SetDataRateAndClockFrequency). Without a list, D 32.
 */
TEST_F(gadget, data_rates_limit_pps)
{
	static const uint8_t atr96[] = { 0x3B, 0x12, 0x96, 0x53, 0x43 };
	static const char *const listed[] = {
		"--level", "tpdu", "--ta1", "96", "--max-rate", "250000",
		"--rates", "7812,15625,62000", "--no-auto-baud", "1", NULL };
	static const char *const unlisted[] = {
		"--level", "tpdu", "--ta1", "96", "--max-rate", "250000",
		"--no-auto-baud", "1", NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, listed));
	EXPECT_TRUE(gadget_saw(&self->g, "get-data-rates"));
	self->fd = open_proto(self->g.dev[0], atr96, sizeof(atr96),
			      SCARD_PROTOCOL_T0);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(8u, current_d(self->fd));
	EXPECT_TRUE(gadget_saw(&self->g, "params 0 94"));
	/* 62500 as the reader lists it: 62000, within 1/64 */
	EXPECT_TRUE(gadget_saw(&self->g, "set-rate 0 4000 62000"));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, gadget_stop(&self->g));

	ASSERT_EQ(0, gadget_start(&self->g, 1, unlisted));
	EXPECT_FALSE(gadget_saw(&self->g, "get-data-rates"));
	self->fd = open_proto(self->g.dev[0], atr96, sizeof(atr96),
			      SCARD_PROTOCOL_T0);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(32u, current_d(self->fd));
	EXPECT_TRUE(gadget_saw(&self->g, "params 0 96"));
	EXPECT_TRUE(gadget_saw(&self->g, "set-rate 0 4000 250000"));
}

/*
 * A reader that lists its clocks (GET_CLOCK_FREQUENCIES): 4800 kHz is the
 * highest within Fi 512's 5 MHz, so PPS counts with it: D 32 would be
 * 300000 bps, above dwMaxDataRate 250000; D 20 (Di 9), 187500 bps, it is.
 * At the descriptor's 4000 kHz, D 32 would have fitted.
 */
TEST_F(gadget, clock_list_used)
{
	static const uint8_t atr96[] = { 0x3B, 0x12, 0x96, 0x53, 0x43 };
	static const char *const args[] = {
		"--level", "tpdu", "--ta1", "96", "--max-rate", "250000",
		"--clocks", "4000,4800,8000", "--no-auto-baud", "1", NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	EXPECT_TRUE(gadget_saw(&self->g, "get-clocks"));
	self->fd = open_proto(self->g.dev[0], atr96, sizeof(atr96),
			      SCARD_PROTOCOL_T0);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(20u, current_d(self->fd));
	EXPECT_TRUE(gadget_saw(&self->g, "params 0 99"));
	EXPECT_TRUE(gadget_saw(&self->g, "set-rate 0 4800 187500"));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/* The USB device's runtime PM attribute @name (power/@name). */
static int usb_power(struct gadget *g, const char *name, char *buf,
		     size_t size, const char *set)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/device/../power/%s", g->sys[0], name);
	if (set)
		return write_str(path, set);
	return read_line(path, buf, size);
}

/* Let the USB core autosuspend the gadget 200 ms after its last use. */
static int autosuspend_allow(struct gadget *g)
{
	return usb_power(g, "autosuspend_delay_ms", NULL, 0, "200") ?:
	       usb_power(g, "control", NULL, 0, "auto");
}

/* Wait up to @sec for runtime_status @want; the last value in @buf. */
static int wait_runtime(struct gadget *g, const char *want, double sec,
			char *buf, size_t size)
{
	double end = now_s() + sec;

	do {
		if (!usb_power(g, "runtime_status", buf, size, NULL) &&
		    !strcmp(buf, want))
			return 0;
		usleep(50000);
	} while (now_s() < end);
	return -1;
}

/*
 * Autosuspend (power/control "auto"): with no file open the reader
 * suspends (the gadget sees the bus suspend); an open wakes it, an open
 * file keeps it awake, and a card that kept its power keeps its state.
 * The gadget is 1209:0001; its device and settings go with it.
 */
TEST_F(gadget, autosuspend_idle_reader)
{
	static const char *const args[] = { NULL };
	char buf[32] = "";
	uint32_t state = 0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, autosuspend_allow(&self->g));
	/* An open file keeps it awake. */
	usleep(1000000);
	ASSERT_EQ(0, usb_power(&self->g, "runtime_status", buf, sizeof(buf),
			       NULL));
	EXPECT_STREQ("active", buf);
	close(self->fd);
	self->fd = -1;

	EXPECT_EQ(0, wait_runtime(&self->g, "suspended", 10, buf,
				  sizeof(buf))) TH_LOG("runtime_status %s", buf);
	EXPECT_EQ(0, gadget_wait_for(&self->g, "suspend", 2));

	self->fd = open(self->g.dev[0], O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, usb_power(&self->g, "runtime_status", buf, sizeof(buf),
			       NULL));
	EXPECT_STREQ("active", buf);
	EXPECT_TRUE(gadget_saw(&self->g, "resume"));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/*
 * A reader that deactivates its cards when suspended: after the resume
 * the card is re-read, PRESENT and unpowered, TRANSMIT says EBADFD and a
 * new power up works.
 */
TEST_F(gadget, autosuspend_card_lost_power)
{
	static const char *const args[] = { "--suspend-power-off", "1", NULL };
	char buf[32] = "";
	uint32_t state = 0;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, autosuspend_allow(&self->g));
	ASSERT_EQ(0, wait_runtime(&self->g, "suspended", 10, buf,
				  sizeof(buf))) TH_LOG("runtime_status %s", buf);

	/* open() returns once the resume's rescan has re-read the slot. */
	self->fd = open(self->g.dev[0], O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
	EXPECT_EQ(EBADFD, xmit_nop(self->fd, nop, sizeof(nop)));
	EXPECT_EQ(0, scard_t_specific(self->fd));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/*
 * usb_reset_device() (USBDEVFS_RESET, as a user's tool would do it) with a
 * card in specific mode and an IS_ABSENT pending on another file: the
 * driver's pre_reset/post_reset keep the reader (same /dev/scardN), the
 * card's session is over (the reader deactivated it): IS_ABSENT
 * completes, the state is PRESENT, TRANSMIT EBADFD, a new power up works.
 */
TEST_F(gadget, usb_reset_ends_card_session)
{
	static const char *const args[] = { NULL };
	char path[160], bus[16] = "", devnum[16] = "", buf[32] = "";
	struct pollfd p;
	uint32_t state = 0, err = 1;
	int track, usb;

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	track = open(self->g.dev[0], O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, track);
	EXPECT_EQ(EINPROGRESS, scard_t_dioc(track, IOCTL_SMARTCARD_IS_ABSENT,
					    NULL, 0, NULL, 0, NULL));

	snprintf(path, sizeof(path), "%s/device/../busnum", self->g.sys[0]);
	ASSERT_EQ(0, read_line(path, bus, sizeof(bus)));
	snprintf(path, sizeof(path), "%s/device/../devnum", self->g.sys[0]);
	ASSERT_EQ(0, read_line(path, devnum, sizeof(devnum)));
	snprintf(path, sizeof(path), "/dev/bus/usb/%03d/%03d", atoi(bus),
		 atoi(devnum));
	usb = open(path, O_RDWR);
	ASSERT_LE(0, usb) TH_LOG("%s: %s", path, strerror(errno));
	EXPECT_EQ(0, ioctl(usb, USBDEVFS_RESET, 0)) TH_LOG("%s",
							   strerror(errno));
	close(usb);
	EXPECT_EQ(0, gadget_wait_for(&self->g, "reset", 5));

	p.fd = track;
	p.events = POLLPRI;
	EXPECT_EQ(1, poll(&p, 1, 5000));
	EXPECT_EQ(0, scard_t_last_error(track, &err));
	EXPECT_EQ(0, err);
	close(track);

	gadget_wait_state(self->g.sys[0], "present", 5, buf, sizeof(buf));
	EXPECT_STREQ("present", buf);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
	EXPECT_EQ(EBADFD, xmit_nop(self->fd, nop, sizeof(nop)));
	EXPECT_EQ(0, scard_t_specific(self->fd));
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
	/* The same reader: the reset did not unbind the driver. */
	EXPECT_EQ(1, gadget_scan(&self->g));
}

/* dwMaxAPDUDataSize from GET_TLV_PROPERTIES, or -1. */
static long max_apdu_data(int fd)
{
	uint8_t buf[64];
	uint32_t len = 0, i;

	if (scard_t_dioc(fd, IOCTL_SCARD_GET_TLV_PROPERTIES, NULL, 0, buf,
			 sizeof(buf), &len))
		return -1;
	for (i = 0; i + 2 <= len; i += 2 + buf[i + 1])
		if (buf[i] == SCARD_PROP_MAX_APDU_DATA_SIZE && buf[i + 1] == 4 &&
		    i + 6 <= len)
			return buf[i + 2] | buf[i + 3] << 8 | buf[i + 4] << 16 |
			       (long)buf[i + 5] << 24;
	return -1;
}

/*
 * ext_apdu: a reader whose descriptor says short APDUs and whose firmware
 * chains extended ones (OMNIKEY 3x21 and others in the table) is driven
 * at the extended APDU level: a 300-byte extended ECHO goes through, and
 * GET_TLV_PROPERTIES says 65536. Without the quirk the same reader says 0.
 */
TEST_F(gadget, quirk_ext_apdu_level)
{
	static const char *const args[] = { "--level", "apdu", "--ext-card",
					    "1", NULL };
	char buf[128] = "";

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, max_apdu_data(self->fd));
	EXPECT_EQ(0, gadget_finish(&self->g, self->fd, ""));
	self->fd = -1;

	ASSERT_EQ(0, gadget_start_quirks(&self->g, 1, args,
					 "1209:0001:ext_apdu"));
	ASSERT_EQ(0, gadget_quirks(&self->g, buf, sizeof(buf)));
	EXPECT_STREQ("ext_apdu", buf);
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(65536, max_apdu_data(self->fd));
	EXPECT_EQ(0, echo_check(self->fd, SCARD_PROTOCOL_T0, 300, 1));
}

/*
 * A reader without interrupt endpoint (here: quirk no_interrupt) is polled
 * every second; the polls must not keep it awake when nothing is open.
 */
TEST_F(gadget, autosuspend_polled_reader)
{
	static const char *const args[] = { NULL };
	char buf[32] = "";

	ASSERT_EQ(0, gadget_start_quirks(&self->g, 1, args,
					 "1209:0001:no_interrupt"));
	/* Longer than the polling period. */
	ASSERT_EQ(0, usb_power(&self->g, "autosuspend_delay_ms", NULL, 0,
			       "1500"));
	ASSERT_EQ(0, usb_power(&self->g, "control", NULL, 0, "auto"));
	EXPECT_EQ(0, wait_runtime(&self->g, "suspended", 10, buf,
				  sizeof(buf))) TH_LOG("runtime_status %s", buf);
	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(0, xmit_nop(self->fd, nop, sizeof(nop)));
}

/* Without an entry (ccid-gadget is 1209:0001), the reader has none. */
TEST_F(gadget, quirks_none_by_default)
{
	static const char *const args[] = { NULL };
	char buf[128] = "";

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	ASSERT_EQ(0, gadget_quirks(&self->g, buf, sizeof(buf)));
	EXPECT_STREQ("none", buf);
}

/*
 * The quirks parameter adds an entry for the gadget's VID:PID, applied
 * when the reader binds and shown in sysfs: max_msg_384 caps the messages
 * of a reader that says 65554 (a 1000-byte APDU goes in pieces),
 * no_interrupt makes the driver poll for the card's removal.
 */
TEST_F(gadget, quirks_param_applied)
{
	static const char *const args[] = { "--level", "ext", "--max-msg",
					    "65554", "--remove-after-ms",
					    "3000", NULL };
	char buf[128] = "";
	uint8_t case3e[7 + 1000];
	uint32_t state = 0;

	ASSERT_EQ(0, gadget_start_quirks(&self->g, 1, args,
					 "1209:0001:no_interrupt+max_msg_384"));
	ASSERT_EQ(0, gadget_quirks(&self->g, buf, sizeof(buf)));
	EXPECT_STREQ("max_msg_384 no_interrupt", buf);

	self->fd = open_specific(self->g.dev[0]);
	ASSERT_LE(0, self->fd);
	/* 1000 bytes in (case 3E: only 90 00 back, which fits 384) */
	memset(case3e, 0x5A, sizeof(case3e));
	memcpy(case3e, (uint8_t[]){ 0x00, 0xEE, 0x00, 0x00, 0x00, 0x03, 0xE8 },
	       7);
	EXPECT_EQ(0, xmit_nop(self->fd, case3e, sizeof(case3e)));
	EXPECT_TRUE(gadget_log_has(&self->g, " chain 1\n", 1));

	/* no NotifySlotChange is looked at: polling sees the card go */
	gadget_wait_state(self->g.sys[0], "absent", 10, buf, sizeof(buf));
	EXPECT_STREQ("absent", buf);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_ABSENT, state);
}

/* A malformed quirks string is refused and changes nothing. */
TEST_F(gadget, quirks_param_refused)
{
	static const char *const bad[] = {
		"zz", "1209:0001", "1209:0001:bogus", "1209:1:none",
		"1209:0001:none,,", "1209:0001:no_interrupt+",
	};
	char saved[256] = "", now[256] = "";
	size_t i;

	ASSERT_EQ(0, read_line(QUIRKS_PARAM, saved, sizeof(saved)));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = open(QUIRKS_PARAM, O_WRONLY);

		ASSERT_LE(0, fd);
		EXPECT_EQ(-1, write(fd, bad[i], strlen(bad[i])))
			TH_LOG("\"%s\" was accepted", bad[i]);
		EXPECT_EQ(EINVAL, errno);
		close(fd);
		ASSERT_EQ(0, read_line(QUIRKS_PARAM, now, sizeof(now)));
		EXPECT_STREQ(saved, now);
	}
}

int main(int argc, char **argv)
{
	return gadget_test_main(argc, argv);
}
