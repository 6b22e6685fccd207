// SPDX-License-Identifier: GPL-2.0
/*
 * Several slots of one CCID reader at once (bMaxCCIDBusySlots), against
 * ccid-gadget with several slots. With --late-ms the gadget answers a
 * slot's trigger APDU late from another thread and serves the other
 * slots meanwhile, and it refuses (bError CMD_SLOT_BUSY, logged "slot
 * busy" or "too many busy slots") a command that the descriptor's
 * bMaxCCIDBusySlots does not allow. Its log orders what it received and
 * answered, so the tests see whether a slot's command went out while
 * another slot's answer was pending without timing anything:
 *
 * - with 2 busy slots allowed, slot 1 exchanges while slot 0 waits, and
 *   slot 0's answer, read by whichever task reads the bulk IN endpoint,
 *   still reaches it;
 * - with 1 (the default), slot 1's command goes only once slot 0 has its
 *   answer; with 2 of 3, the third slot waits for one of the first two;
 * - a SIGKILL of slot 0's exchange, its card mute, is aborted within a
 *   second while slot 1 goes on, and both slots work after;
 * - an unplug ends the exchanges of both slots with ENODEV.
 *
 * Skipped without /dev/raw-gadget or ccid-gadget, as scard_gadget_test.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "scard_gadget.h"

#define SLOTS_MAX	3

FIXTURE(slots)
{
	struct gadget g;
	int fd[SLOTS_MAX];
	pid_t child[SLOTS_MAX];
	char saved_timeout[32];
};

FIXTURE_SETUP(slots)
{
	int i;

	self->g.pid = 0;
	self->saved_timeout[0] = 0;
	for (i = 0; i < SLOTS_MAX; i++) {
		self->fd[i] = -1;
		self->child[i] = 0;
	}
}

FIXTURE_TEARDOWN(slots)
{
	int i;

	for (i = 0; i < SLOTS_MAX; i++) {
		if (self->child[i] > 0) {
			kill(self->child[i], SIGKILL);
			waitpid(self->child[i], NULL, 0);
		}
		if (i && self->fd[i] >= 0)
			close(self->fd[i]);
	}
	EXPECT_EQ(0, gadget_finish(&self->g, self->fd[0],
				     self->saved_timeout));
}

/* The gadget with @n slots and @args, each slot's card in T=0. */
static void start_slots(struct __test_metadata *_metadata,
			FIXTURE_DATA(slots) *self, int n,
			const char *const *args)
{
	int i;

	ASSERT_EQ(0, set_xfr_timeout(self->saved_timeout,
				     sizeof(self->saved_timeout), "10000"));
	ASSERT_EQ(0, gadget_start(&self->g, n, args));
	for (i = 0; i < n; i++) {
		self->fd[i] = open_specific(self->g.dev[i]);
		ASSERT_LE(0, self->fd[i]);
	}
}

/*
 * A child that sends the trigger APDU on slot @i and exits with
 * xmit_nop()'s result (0: 90 00 came back); started once the gadget has
 * logged @seen (the trigger's arrival) for it.
 */
static void trigger_slot(struct __test_metadata *_metadata,
			 FIXTURE_DATA(slots) *self, int i, const char *seen)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid)
		_exit(xmit_nop(self->fd[i], trigger, sizeof(trigger)));
	self->child[i] = pid;
	ASSERT_EQ(0, gadget_wait_for(&self->g, seen, 10));
}

/* Is the child of slot @i still running? (Not reaped if it is not.) */
static int running(FIXTURE_DATA(slots) *self, int i)
{
	siginfo_t info = { .si_pid = 0 };

	return !waitid(P_PID, self->child[i], &info,
		       WEXITED | WNOHANG | WNOWAIT) && !info.si_pid;
}

/* Reap the child of slot @i: its wait status, or -1. */
static int child_status(FIXTURE_DATA(slots) *self, int i)
{
	int st;

	if (waitpid(self->child[i], &st, 0) != self->child[i])
		return -1;
	self->child[i] = 0;
	return st;
}

/* The exit status of the child of slot @i (its errno), or -1. */
static int child_result(FIXTURE_DATA(slots) *self, int i)
{
	int st = child_status(self, i);

	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The gadget never had to refuse a command for a busy slot. */
static int never_busy(FIXTURE_DATA(slots) *self)
{
	return !gadget_log_has(&self->g, "busy", 1);
}

/*
 * Slots 0 to @late - 1 send the trigger, which the gadget answers late;
 * then slot @late sends a NOP, which must succeed. In the gadget's log,
 * that NOP's command comes before the first late answer (@overlap: it
 * went while the other slots were busy) or after it (it waited for a
 * place). The gadget never had to refuse a command.
 */
static void late_then_other(struct __test_metadata *_metadata,
			    FIXTURE_DATA(slots) *self,
			    const char *const *args, int nslots, int late,
			    int overlap)
{
	char what[16];
	int i, from, xfr, answered;

	start_slots(_metadata, self, nslots, args);
	for (i = 0; i < late; i++) {
		snprintf(what, sizeof(what), "late %d ", i);
		trigger_slot(_metadata, self, i, what);
	}
	from = gadget_log_line(&self->g, what, 0, 1);
	EXPECT_EQ(0, xmit_nop(self->fd[late], nop, sizeof(nop)));
	if (overlap) {
		EXPECT_TRUE(running(self, 0));
	}
	for (i = 0; i < late; i++)
		EXPECT_EQ(0, child_result(self, i));

	snprintf(what, sizeof(what), "xfr %d ", late);
	xfr = gadget_log_line(&self->g, what, 0, from);
	answered = gadget_log_line(&self->g, "answered ", 0, 1);
	EXPECT_LT(0, xfr);
	EXPECT_LT(0, answered);
	if (overlap) {
		EXPECT_LT(xfr, answered)
			TH_LOG("slot %d's command (line %d) waited for the first answer (line %d)",
			       late, xfr, answered);
	} else {
		EXPECT_LT(answered, xfr)
			TH_LOG("slot %d's command (line %d) went before the first answer (line %d)",
			       late, xfr, answered);
	}
	EXPECT_TRUE(never_busy(self));
}

/*
 * bMaxCCIDBusySlots 2: while slot 0's card takes 3 s, slot 1 exchanges;
 * its command reaches the reader before slot 0's answer goes, and slot 0
 * gets its answer all the same.
 */
TEST_F(slots, two_busy_slots_overlap)
{
	static const char *const args[] = {
		"--slots", "2", "--busy-slots", "2", "--late-ms", "3000", NULL
	};

	late_then_other(_metadata, self, args, 2, 1, 1);
	EXPECT_EQ(0, xmit_nop(self->fd[0], nop, sizeof(nop)));
	EXPECT_EQ(0, xmit_nop(self->fd[1], nop, sizeof(nop)));
}

/* bMaxCCIDBusySlots 1: slot 1's command waits until slot 0 has its answer. */
TEST_F(slots, one_busy_slot_queues)
{
	static const char *const args[] = {
		"--slots", "2", "--late-ms", "1500", NULL
	};

	late_then_other(_metadata, self, args, 2, 1, 0);
}

/*
 * Three slots, two busy allowed: with slots 0 and 1 waiting, slot 2's
 * command waits for one of them to be answered.
 */
TEST_F(slots, busy_slots_limit_queues_the_third)
{
	static const char *const args[] = {
		"--slots", "3", "--busy-slots", "2", "--late-ms", "2000", NULL
	};

	late_then_other(_metadata, self, args, 3, 2, 0);
}

/*
 * Slot 0's card never answers; slot 1 goes on exchanging meanwhile. A
 * SIGKILL ends slot 0's exchange within a second (the Abort goes out),
 * and both slots work after.
 */
TEST_F(slots, sigkill_one_slot_other_goes_on)
{
	static const char *const args[] = {
		"--slots", "2", "--busy-slots", "2", "--mute", NULL
	};
	double t0, dt;
	int i, st;

	start_slots(_metadata, self, 2, args);
	trigger_slot(_metadata, self, 0, "mute 0 ");
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, xmit_nop(self->fd[1], nop, sizeof(nop)));
	EXPECT_TRUE(running(self, 0));

	t0 = now_s();
	ASSERT_EQ(0, kill(self->child[0], SIGKILL));
	st = child_status(self, 0);
	dt = now_s() - t0;
	EXPECT_TRUE(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	TH_LOG("SIGKILL took %.3f s", dt);
	EXPECT_GE(1.0, dt);
	EXPECT_TRUE(gadget_saw(&self->g, "abort 0 "));
	EXPECT_EQ(0, xmit_nop(self->fd[0], nop, sizeof(nop)));
	EXPECT_EQ(0, xmit_nop(self->fd[1], nop, sizeof(nop)));
}

/* Both slots wait for mute cards when the reader goes: both get ENODEV. */
TEST_F(slots, unplug_ends_both_slots)
{
	static const char *const args[] = {
		"--slots", "2", "--busy-slots", "2", "--mute", NULL
	};

	start_slots(_metadata, self, 2, args);
	trigger_slot(_metadata, self, 0, "mute 0 ");
	trigger_slot(_metadata, self, 1, "mute 1 ");
	ASSERT_EQ(0, gadget_stop(&self->g));
	EXPECT_EQ(ENODEV, child_result(self, 0));
	EXPECT_EQ(ENODEV, child_result(self, 1));
}

int main(int argc, char **argv)
{
	return gadget_test_main(argc, argv);
}
