// SPDX-License-Identifier: GPL-2.0
/*
 * scard hot-plug tests: card removal/insertion and reader unplug/replug,
 * driven by `vmctl` (a command in the test VM that asks the host to change
 * QEMU's emulated hardware). Skipped when vmctl is not in PATH.
 *
 * The tests leave the hardware as they found it (reader plugged, card
 * inserted); the harness runs this program last.
 */
#include <dirent.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "kselftest_harness.h"
#include "scard_common.h"
#include "scard_uevent.h"

static int have_vmctl(void)
{
	const char *path = getenv("PATH");
	char buf[512], *dir, *save = NULL, *copy;
	int found = 0;

	if (!path)
		return 0;
	copy = strdup(path);
	if (!copy)
		return 0;
	for (dir = strtok_r(copy, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/vmctl", dir);
		found = !access(buf, X_OK);
	}
	free(copy);
	return found;
}

/* Run "vmctl @cmd" (its output to stderr, keeping TAP clean). */
static int vmctl(const char *cmd)
{
	char buf[128];
	int st;

	snprintf(buf, sizeof(buf), "vmctl %s 1>&2", cmd);
	st = system(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long sysfs_long(const char *dev, const char *attr)
{
	const char *base = strrchr(dev, '/');
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/scard/%s/%s",
		 base ? base + 1 : dev, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int sysfs_str(const char *dev, const char *attr, char *buf,
		     size_t size)
{
	const char *base = strrchr(dev, '/');
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/scard/%s/%s",
		 base ? base + 1 : dev, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* First /dev/scardN that exists, within @secs seconds. */
static int find_reader(char *path, size_t size, int secs)
{
	int i;

	for (i = 0; i < secs * 10; i++) {
		DIR *d = opendir("/dev");
		struct dirent *e;
		int found = 0;

		if (!d)
			return -1;
		while ((e = readdir(d))) {
			if (!strncmp(e->d_name, "scard", 5) &&
			    e->d_name[5] >= '0' && e->d_name[5] <= '9') {
				snprintf(path, size, "/dev/%.32s", e->d_name);
				found = 1;
				break;
			}
		}
		closedir(d);
		if (found)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Wait (non-blocking IS_PRESENT + poll) for a card, up to @ms. */
static int wait_present(const char *dev, int ms)
{
	struct pollfd pfd;
	uint32_t err = EINPROGRESS;
	int fd, ret;

	fd = open(dev, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return errno;
	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_IS_PRESENT, NULL, 0, NULL, 0,
			   NULL);
	if (ret == EINPROGRESS) {
		pfd.fd = fd;
		pfd.events = POLLPRI;
		ret = ETIMEDOUT;
		if (poll(&pfd, 1, ms) == 1 && !scard_t_last_error(fd, &err))
			ret = (int)err;
	}
	close(fd);
	return ret;
}

FIXTURE(hotplug) {
	int fd;
	int card_removed;
	int reader_unplugged;
};

FIXTURE_SETUP(hotplug)
{
	self->fd = -1;
	if (!have_vmctl())
		SKIP(return, "vmctl not in PATH (not in the test VM)");
	self->fd = open(scard_test_dev(), O_RDWR);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO))
		SKIP(return, "%s not found", scard_test_dev());
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", scard_test_dev(),
				      strerror(errno));
}

/* Put the hardware back whatever happened in the test. */
FIXTURE_TEARDOWN(hotplug)
{
	char path[64];

	if (self->fd >= 0)
		close(self->fd);
	if (self->reader_unplugged) {
		vmctl("reader-plug");
		if (!find_reader(path, sizeof(path), 20))
			wait_present(path, 10000);
	} else if (self->card_removed) {
		vmctl("card-insert");
		wait_present(scard_test_dev(), 10000);
	}
}

struct blocking_wait {
	int fd;
	unsigned long code;
	int result;
};

static void *blocking_wait_thread(void *arg)
{
	struct blocking_wait *w = arg;

	w->result = scard_t_dioc(w->fd, w->code, NULL, 0, NULL, 0, NULL);
	return NULL;
}

TEST_F_TIMEOUT(hotplug, card_remove_and_insert, 180)
{
	struct blocking_wait w;
	struct pollfd pfd;
	pthread_t th;
	uint8_t in[64], out[64], b = 0x55;
	uint32_t n, err = 1234, state = 0, minor, tag;
	char buf[32];
	long events0, events1;
	int nb;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	events0 = sysfs_long(scard_test_dev(), "event_count");

	nb = open(scard_test_dev(), O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	ASSERT_EQ(EINPROGRESS, scard_t_dioc(nb, IOCTL_SMARTCARD_IS_ABSENT,
					    NULL, 0, NULL, 0, NULL));
	self->card_removed = 1;
	ASSERT_EQ(0, vmctl("card-remove"));

	pfd.fd = nb;
	pfd.events = POLLPRI;
	ASSERT_EQ(1, poll(&pfd, 1, 15000)) TH_LOG("no POLLPRI after removal");
	EXPECT_TRUE(pfd.revents & POLLPRI);
	ASSERT_EQ(0, scard_t_last_error(nb, &err));
	EXPECT_EQ(0, err);
	/* GET_LAST_ERROR cleared the notification, not the value. */
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, scard_t_last_error(nb, &err));
	EXPECT_EQ(0, err);
	close(nb);

	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_ABSENT, state);
	EXPECT_EQ(ENOMEDIUM, scard_t_power(self->fd, SCARD_COLD_RESET));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case3,
			    sizeof(select_pki_case3));
	EXPECT_EQ(ENOMEDIUM, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT,
					  in, n, out, sizeof(out), NULL));
	EXPECT_EQ(ENOMEDIUM, scard_t_set_protocol(self->fd,
						  SCARD_PROTOCOL_T0));
	tag = SCARD_ATTR_ICC_PRESENCE;
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				  &tag, 4, &b, 1, NULL));
	EXPECT_EQ(0, b);
	EXPECT_EQ(0, sysfs_str(scard_test_dev(), "state", buf, sizeof(buf)));
	EXPECT_STREQ("absent", buf);
	events1 = sysfs_long(scard_test_dev(), "event_count");
	EXPECT_LT(events0, events1);
	/* Absent now: IS_ABSENT completes at once. */
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_IS_ABSENT, NULL, 0,
				  NULL, 0, NULL));

	/* A blocking IS_PRESENT returns once the card is back. */
	w.fd = self->fd;
	w.code = IOCTL_SMARTCARD_IS_PRESENT;
	w.result = -1;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocking_wait_thread, &w));
	usleep(300000);
	ASSERT_EQ(0, vmctl("card-insert"));
	pthread_join(th, NULL);
	self->card_removed = 0;
	EXPECT_EQ(0, w.result);

	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
	/* A new card is not powered: the old session is gone. */
	EXPECT_EQ(EBADFD, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
	EXPECT_LT(events1, sysfs_long(scard_test_dev(), "event_count"));
	/* And it works after a reset. */
	minor = SCARD_COLD_RESET;
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor, 4,
				  out, SCARD_ATR_LENGTH, &n));
	EXPECT_EQ(sizeof(cac_atr), n);
	EXPECT_EQ(0, memcmp(out, cac_atr, sizeof(cac_atr)));
	scard_t_power(self->fd, SCARD_POWER_DOWN);
}

TEST_F_TIMEOUT(hotplug, reader_unplug_and_plug, 240)
{
	struct blocking_wait w;
	struct pollfd pfd;
	pthread_t th;
	uint8_t buf[64], resp[300];
	uint32_t err = 1234, state;
	char path[64];
	size_t len;
	int nb, fd, i;

	/*
	 * Wait for a card that cannot come: QEMU takes the card out before it
	 * unplugs the reader, so an IS_ABSENT could legitimately complete
	 * with 0 first. With the card gone, only the unplug ends the waits.
	 */
	self->card_removed = 1;
	ASSERT_EQ(0, vmctl("card-remove"));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_IS_ABSENT, NULL, 0,
				  NULL, 0, NULL));

	nb = open(scard_test_dev(), O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	ASSERT_EQ(EINPROGRESS, scard_t_dioc(nb, IOCTL_SMARTCARD_IS_PRESENT,
					    NULL, 0, NULL, 0, NULL));

	w.fd = self->fd;
	w.code = IOCTL_SMARTCARD_IS_PRESENT;
	w.result = -1;
	ASSERT_EQ(0, pthread_create(&th, NULL, blocking_wait_thread, &w));
	usleep(300000);

	self->reader_unplugged = 1;
	ASSERT_EQ(0, vmctl("reader-unplug"));
	pthread_join(th, NULL);
	EXPECT_EQ(ENODEV, w.result);

	pfd.fd = nb;
	pfd.events = POLLPRI | POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 15000));
	EXPECT_EQ(POLLHUP | POLLERR, pfd.revents & (POLLHUP | POLLERR));
	ASSERT_EQ(0, scard_t_last_error(nb, &err));
	EXPECT_EQ(ENODEV, err);

	/* Everything but GET_LAST_ERROR and close fails with ENODEV. */
	EXPECT_EQ(ENODEV, scard_t_state(self->fd, &state));
	EXPECT_EQ(ENODEV, scard_t_power(self->fd, SCARD_COLD_RESET));
	EXPECT_EQ(ENODEV, scard_t_dioc(nb, IOCTL_SMARTCARD_IS_PRESENT, NULL, 0,
				       NULL, 0, NULL));
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	len = scard_t_xmit_in(buf, SCARD_PROTOCOL_T0, 8, select_pki_case3,
			      sizeof(select_pki_case3));
	EXPECT_EQ(-1, write(self->fd, buf, len));
	EXPECT_EQ(ENODEV, errno);
	pfd.fd = self->fd;
	pfd.events = POLLIN | POLLOUT | POLLPRI;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, pfd.revents & (POLLHUP | POLLERR));
	EXPECT_EQ(0, close(nb));
	EXPECT_EQ(0, close(self->fd));
	self->fd = -1;
	/* devtmpfs drops the node. */
	for (i = 0; i < 50 && !access(scard_test_dev(), F_OK); i++)
		usleep(100000);
	EXPECT_NE(0, access(scard_test_dev(), F_OK));

	ASSERT_EQ(0, vmctl("reader-plug"));
	ASSERT_EQ(0, find_reader(path, sizeof(path), 20))
		TH_LOG("no /dev/scard* within 20 s of reader-plug");
	self->reader_unplugged = 0;
	self->card_removed = 0;
	if (strcmp(path, scard_test_dev()))
		TH_LOG("the reader came back as %s", path);
	EXPECT_EQ(0, wait_present(path, 10000));

	fd = open(path, O_RDWR);
	ASSERT_LE(0, fd);
	self->fd = fd;
	ASSERT_EQ(0, scard_t_specific(fd));
	ASSERT_EQ(0, scard_t_transmit(fd, select_pki_case4,
				      sizeof(select_pki_case4), resp,
				      sizeof(resp), &len));
	ASSERT_EQ(sizeof(select_pki_fci), len);
	EXPECT_EQ(0, memcmp(resp, select_pki_fci, len));
	scard_t_power(fd, SCARD_POWER_DOWN);
}

TEST_F_TIMEOUT(hotplug, uevent_on_card_events, 120)
{
	int ue = uevent_socket();

	if (ue < 0)
		SKIP(return, "no NETLINK_KOBJECT_UEVENT: %s", strerror(errno));
	self->card_removed = 1;
	ASSERT_EQ(0, vmctl("card-remove"));
	EXPECT_EQ(0, wait_uevent(ue, scard_test_dev(), "SCARD_EVENT=removed",
				 10000));
	ASSERT_EQ(0, vmctl("card-insert"));
	EXPECT_EQ(0, wait_uevent(ue, scard_test_dev(), "SCARD_EVENT=inserted",
				 10000));
	self->card_removed = 0;
	EXPECT_EQ(0, wait_present(scard_test_dev(), 10000));
	close(ue);
}

struct transmit_loop {
	int fd;
	int bad_errno;		/* first errno outside the expected set */
	int last;		/* errno that ended the loop */
	unsigned int ok;	/* transmissions that succeeded */
};

/* TRANSMIT until the reader is gone; note any surprising errno. */
static void *transmit_loop_thread(void *arg)
{
	struct transmit_loop *t = arg;
	uint8_t resp[300];
	size_t len;
	int ret;

	for (;;) {
		ret = scard_t_transmit(t->fd, select_pki_case4,
				       sizeof(select_pki_case4), resp,
				       sizeof(resp), &len);
		if (!ret) {
			t->ok++;
			continue;
		}
		/* The card leaves first, then the reader. */
		if (ret != ENODEV && ret != ENOMEDIUM && ret != EBADFD &&
		    !t->bad_errno)
			t->bad_errno = ret;
		if (ret == ENODEV) {
			t->last = ret;
			return NULL;
		}
		usleep(1000);
	}
}

TEST_F_TIMEOUT(hotplug, reader_unplug_during_transmit, 240)
{
	struct transmit_loop t = { .fd = self->fd };
	char path[64];
	pthread_t th;

	/*
	 * QEMU 7.2 deadlocks when usb-ccid is deleted while its emulated
	 * card has an APDU in flight (device_del never completes), so this
	 * runs only where the reader can really be pulled mid-transfer.
	 */
	if (!getenv("SCARD_TEST_UNPLUG_DURING_IO"))
		SKIP(return,
		     "set SCARD_TEST_UNPLUG_DURING_IO=1 on a reader that survives it");
	ASSERT_EQ(0, scard_t_specific(self->fd));
	ASSERT_EQ(0, pthread_create(&th, NULL, transmit_loop_thread, &t));
	usleep(500000);

	self->reader_unplugged = 1;
	ASSERT_EQ(0, vmctl("reader-unplug"));
	pthread_join(th, NULL);
	EXPECT_LT(0U, t.ok);
	EXPECT_EQ(0, t.bad_errno) TH_LOG("unexpected errno %d", t.bad_errno);
	EXPECT_EQ(ENODEV, t.last);

	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, vmctl("reader-plug"));
	ASSERT_EQ(0, find_reader(path, sizeof(path), 20));
	self->reader_unplugged = 0;
	EXPECT_EQ(0, wait_present(path, 10000));
}

int main(int argc, char **argv)
{
	int i, list = 0;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			list = 1;
	if (!list && !have_vmctl()) {
		ksft_print_header();
		ksft_exit_skip("vmctl not in PATH (not in the test VM)\n");
	}
	scard_t_require_dev(argc, argv);
	return test_harness_run(argc, argv);
}
