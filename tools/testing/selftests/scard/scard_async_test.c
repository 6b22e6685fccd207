// SPDX-License-Identifier: GPL-2.0
/*
 * scard asynchronous tests: TRANSMIT through write()/read(), poll(),
 * IS_PRESENT/IS_ABSENT on blocking and O_NONBLOCK files, GET_LAST_ERROR,
 * signals, and concurrent users of one reader.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "kselftest_harness.h"
#include "scard_common.h"

#define XMIT_IN_MAX	(8 + 65544)

FIXTURE(async) {
	int fd;
};

FIXTURE_SETUP(async)
{
	self->fd = open(scard_test_dev(), O_RDWR);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO))
		SKIP(return, "%s not found", scard_test_dev());
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", scard_test_dev(),
				      strerror(errno));
}

FIXTURE_TEARDOWN(async)
{
	if (self->fd >= 0) {
		scard_t_power(self->fd, SCARD_POWER_DOWN);
		close(self->fd);
	}
}

static int open_nonblock(void)
{
	return open(scard_test_dev(), O_RDWR | O_NONBLOCK);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST_F(async, write_read_blocking)
{
	uint8_t in[64], out[64];
	uint32_t n, err = 1234;
	ssize_t r;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case4,
			    sizeof(select_pki_case4));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n));
	r = read(self->fd, out, sizeof(out));
	ASSERT_EQ((ssize_t)(8 + sizeof(select_pki_fci)), r)
		TH_LOG("read: %s", strerror(errno));
	EXPECT_EQ(0, memcmp(out, in, 8));	/* same header back */
	EXPECT_EQ(0, memcmp(out + 8, select_pki_fci, sizeof(select_pki_fci)));
	ASSERT_EQ(0, scard_t_last_error(self->fd, &err));
	EXPECT_EQ(0, err);
	/* Nothing queued any more. */
	EXPECT_EQ(0, read(self->fd, out, sizeof(out)));
}

TEST_F(async, write_read_nonblock_poll)
{
	struct pollfd pfd;
	uint8_t in[64], out[64];
	uint32_t n, err;
	ssize_t r;
	int fd;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	fd = open_nonblock();
	ASSERT_LE(0, fd);
	pfd.fd = fd;
	pfd.events = POLLIN | POLLOUT;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents & (POLLIN | POLLOUT));

	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case4,
			    sizeof(select_pki_case4));
	ASSERT_EQ((ssize_t)n, write(fd, in, n));
	r = read(fd, out, sizeof(out));
	if (r < 0) {
		/* Not done yet: EAGAIN, and GET_LAST_ERROR says pending. */
		EXPECT_EQ(EAGAIN, errno);
		if (!scard_t_last_error(fd, &err) && err != 0)
			EXPECT_EQ(EINPROGRESS, err);
		pfd.events = POLLIN;
		ASSERT_EQ(1, poll(&pfd, 1, 10000));
		EXPECT_TRUE(pfd.revents & POLLIN);
		r = read(fd, out, sizeof(out));
	} else {
		TH_LOG("the reply was ready at once, EAGAIN not observed");
	}
	ASSERT_EQ((ssize_t)(8 + sizeof(select_pki_fci)), r);
	EXPECT_EQ(0, memcmp(out + 8, select_pki_fci, sizeof(select_pki_fci)));
	/* Consumed: POLLIN gone, POLLOUT back. */
	pfd.events = POLLIN | POLLOUT;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents & (POLLIN | POLLOUT));
	close(fd);
}

TEST_F(async, second_write_ebusy)
{
	uint8_t in[64], out[64];
	uint32_t n;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case4,
			    sizeof(select_pki_case4));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n));
	/* Pending or unread: either way busy. */
	EXPECT_EQ(-1, write(self->fd, in, n));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ((ssize_t)(8 + sizeof(select_pki_fci)),
		  read(self->fd, out, sizeof(out)));
	/* Free again. */
	EXPECT_EQ((ssize_t)n, write(self->fd, in, n));
	EXPECT_EQ((ssize_t)(8 + sizeof(select_pki_fci)),
		  read(self->fd, out, sizeof(out)));
}

TEST_F(async, write_bad_size_einval)
{
	uint8_t *in;
	uint32_t n;

	in = calloc(1, XMIT_IN_MAX + 16);
	ASSERT_NE(NULL, in);
	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case3,
			    sizeof(select_pki_case3));
	EXPECT_EQ(-1, write(self->fd, in, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, in, 8 + 3));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, in, 4));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(self->fd, in, XMIT_IN_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
	/* Nothing was queued by the failures. */
	EXPECT_EQ((ssize_t)n, write(self->fd, in, n));
	EXPECT_EQ(8 + 2, read(self->fd, in, 64));
	free(in);
}

TEST_F(async, read_small_eoverflow_reply_kept)
{
	uint8_t in[64], out[64];
	uint32_t n;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case4,
			    sizeof(select_pki_case4));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n));
	EXPECT_EQ(-1, read(self->fd, out, 8 + 5));
	EXPECT_EQ(EOVERFLOW, errno);
	ASSERT_EQ((ssize_t)(8 + sizeof(select_pki_fci)),
		  read(self->fd, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(out + 8, select_pki_fci, sizeof(select_pki_fci)));
}

TEST_F(async, read_nothing_queued_zero)
{
	uint8_t out[64];
	int fd;

	EXPECT_EQ(0, read(self->fd, out, sizeof(out)));
	fd = open_nonblock();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, read(fd, out, sizeof(out)));
	close(fd);
}

TEST_F(async, failing_async_transmit_last_error)
{
	uint8_t in[64], out[64];
	uint32_t n, err = 0;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case3,
			    sizeof(select_pki_case3));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n))
		TH_LOG("write: %s", strerror(errno));
	EXPECT_EQ(-1, read(self->fd, out, sizeof(out)));
	EXPECT_EQ(EBADFD, errno);
	ASSERT_EQ(0, scard_t_last_error(self->fd, &err));
	EXPECT_EQ(EBADFD, err);
	/* The failure was consumed by read(). */
	EXPECT_EQ(0, read(self->fd, out, sizeof(out)));
	/* A successful one resets the stored result. */
	ASSERT_EQ(0, scard_t_specific(self->fd));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n));
	EXPECT_EQ(8 + 2, read(self->fd, out, sizeof(out)));
	ASSERT_EQ(0, scard_t_last_error(self->fd, &err));
	EXPECT_EQ(0, err);
}

TEST_F(async, is_present_immediate)
{
	uint32_t err = 1234;
	int fd;

	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_IS_PRESENT, NULL,
				  0, NULL, 0, NULL));
	fd = open_nonblock();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, scard_t_dioc(fd, IOCTL_SMARTCARD_IS_PRESENT, NULL, 0,
				  NULL, 0, NULL));
	/* Completed at once: nothing asynchronous happened. */
	ASSERT_EQ(0, scard_t_last_error(fd, &err));
	EXPECT_EQ(0, err);
	close(fd);
}

TEST_F(async, is_absent_nonblock_pending)
{
	struct pollfd pfd;
	uint32_t err = 0;
	double t0;
	int fd;

	fd = open_nonblock();
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINPROGRESS, scard_t_dioc(fd, IOCTL_SMARTCARD_IS_ABSENT, NULL,
					    0, NULL, 0, NULL));
	ASSERT_EQ(0, scard_t_last_error(fd, &err));
	EXPECT_EQ(EINPROGRESS, err);
	/* One pending IS_* per file. */
	EXPECT_EQ(EBUSY, scard_t_dioc(fd, IOCTL_SMARTCARD_IS_ABSENT, NULL, 0,
				      NULL, 0, NULL));
	EXPECT_EQ(EBUSY, scard_t_dioc(fd, IOCTL_SMARTCARD_IS_PRESENT, NULL, 0,
				      NULL, 0, NULL));
	/* Still pending: no POLLPRI. */
	pfd.fd = fd;
	pfd.events = POLLPRI;
	EXPECT_EQ(0, poll(&pfd, 1, 200));
	/* Other files are not affected. */
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_IS_PRESENT, NULL,
				  0, NULL, 0, NULL));
	/* Close with the wait pending: no hang. */
	t0 = now_s();
	EXPECT_EQ(0, close(fd));
	EXPECT_GT(2.0, now_s() - t0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F_TIMEOUT(async, is_absent_blocking_eintr, 20)
{
	struct sigaction sa;
	double t0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	t0 = now_s();
	alarm(1);
	EXPECT_EQ(EINTR, scard_t_dioc(self->fd, IOCTL_SMARTCARD_IS_ABSENT, NULL,
				      0, NULL, 0, NULL));
	alarm(0);
	EXPECT_LE(0.5, now_s() - t0);
}

struct xmit_thread {
	const uint8_t *aid;	/* 7 bytes */
	int iterations;
	int errors;
	int last_errno;
};

/* SELECT (case 4, two TPDUs) an applet; its FCI must name that applet. */
static void *xmit_worker(void *arg)
{
	struct xmit_thread *t = arg;
	uint8_t apdu[13] = { 0x00, 0xA4, 0x04, 0x00, 0x07 };
	uint8_t resp[300];
	size_t len;
	int fd, i, ret;

	memcpy(apdu + 5, t->aid, 7);
	apdu[12] = 0x00;
	fd = open(scard_test_dev(), O_RDWR);
	if (fd < 0) {
		t->errors = t->iterations;
		t->last_errno = errno;
		return NULL;
	}
	for (i = 0; i < t->iterations; i++) {
		ret = scard_t_transmit(fd, apdu, sizeof(apdu), resp,
				       sizeof(resp), &len);
		if (ret || len != 15 || resp[0] != 0x6F || resp[2] != 0x84 ||
		    memcmp(resp + 4, t->aid, 7) || resp[13] != 0x90 ||
		    resp[14] != 0x00) {
			t->errors++;
			t->last_errno = ret;
		}
	}
	close(fd);
	return NULL;
}

TEST_F_TIMEOUT(async, concurrent_transmits_not_interleaved, 120)
{
	static const uint8_t aid0[7] = { 0xA0, 0, 0, 0, 0x79, 0x01, 0x00 };
	static const uint8_t aid1[7] = { 0xA0, 0, 0, 0, 0x79, 0x01, 0x01 };
	struct xmit_thread t[2] = {
		{ .aid = aid0, .iterations = 40 },
		{ .aid = aid1, .iterations = 40 },
	};
	pthread_t th[2];
	int i;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_create(&th[i], NULL, xmit_worker, &t[i]));
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, t[i].errors)
			TH_LOG("thread %d: %d bad replies, last error %s", i,
			       t[i].errors, strerror(t[i].last_errno));
	}
}

TEST_F_TIMEOUT(async, concurrent_processes_not_interleaved, 120)
{
	static const uint8_t aid0[7] = { 0xA0, 0, 0, 0, 0x79, 0x01, 0x00 };
	static const uint8_t aid1[7] = { 0xA0, 0, 0, 0, 0x79, 0x01, 0x02 };
	struct xmit_thread t = { .iterations = 30 };
	int status = 0;
	pid_t pid;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		t.aid = aid1;
		xmit_worker(&t);
		_exit(t.errors ? 1 : 0);
	}
	t.aid = aid0;
	xmit_worker(&t);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, t.errors) TH_LOG("parent: %d bad replies", t.errors);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child had bad replies");
}

int main(int argc, char **argv)
{
	scard_t_require_dev(argc, argv);
	return test_harness_run(argc, argv);
}
