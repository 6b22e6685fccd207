// SPDX-License-Identifier: GPL-2.0
/*
 * ifd_scard: a pcsc-lite IFD handler (ifdhandler.h, version 3) over the
 * kernel's /dev/scardN, so that PC/SC applications (OpenSC, pcsc_scan,
 * GnuPG, pyscard) keep working on readers that scard drives.
 *
 * One pcscd Lun is one /dev/scardN, one reader slot: Lun >> 16 is the
 * reader pcscd numbers, the low half the slot. pcscd names the reader in
 * one of the forms of enum ifd_kind (Documentation/scard/pcsc.rst): a USB
 * interface when the bundle's Info.plist lists the reader (pcscd's
 * hotplug; the slots are the scard devices under that interface), or a
 * reader.conf.d DEVICENAME (a path, or a tty or vproxy reader by name,
 * which may appear later).
 *
 * Names: pcsc-lite's headers define the card states, protocols and
 * SCARD_CTL_CODE with other values than <linux/scard.h>, so this file
 * takes the driver's as SCARD_W_* (userspace-api.rst, "Names"). pcsc-lite's
 * DWORD is unsigned long (64 bits here), the driver's numbers and its
 * TRANSMIT header are 32-bit: they meet only in ifd_protocol() (the
 * SCARD_IO_HEADER) and where IFDHControl() checks the lengths.
 *
 * A reader unplugged and plugged again (a reader.conf.d entry stays): the
 * files on the old device are closed as soon as it reports ENODEV (so its
 * minor is free for the new one), the card counts as absent meanwhile,
 * and the reader is found again in sysfs (ifd_find()): a path entry by the
 * parent device and slot it had (the name /dev/scardN may change), else
 * by its path (another port; readers without a parent device, vproxy).
 *
 * Card events: pcscd runs ifd_poll() (TAG_IFD_POLLING_THREAD_WITH_TIMEOUT)
 * in a thread of its own, which sleeps in poll() on an asynchronous
 * IS_PRESENT or IS_ABSENT of a second, read-only O_NONBLOCK file and on a
 * pipe that TAG_IFD_STOP_POLLING_THREAD writes to: no periodic polling.
 */
#define _GNU_SOURCE
#define SCARD_NO_WINSMCRD_NAMES
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <endian.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/scard.h>

#include <ifdhandler.h>
#include <reader.h>

#include "libscard.h"

/* pcscd's PCSCLITE_MAX_READERS_CONTEXTS: readers and slots, all counted. */
#define IFD_MAX_CHANS	16

/* libccid's IOCTL_SMARTCARD_VENDOR_IFD_EXCHANGE: escape, in pcsc numbers. */
#define IFD_VENDOR_IFD_EXCHANGE	SCARD_CTL_CODE(1)

#define IFD_GONE_POLL_MS	500
/* How soon to look again at a reader that has no card state yet. */
#define IFD_UNKNOWN_POLL_MS	100
/*
 * A USB reader pcscd announces: how long a driver may take to bind the
 * interface (none bound: not ours), and scard_ccid to register its slots
 * (probe talks to the reader: seconds on a slow reader or under QEMU).
 */
#define IFD_BIND_WAIT_MS	1000
#define IFD_PROBE_WAIT_MS	10000
#define IFD_WAIT_STEP_MS	50

/* How pcscd named the reader (Documentation/scard/pcsc.rst, "Names"). */
enum ifd_kind {
	IFD_BY_PATH,	/* a device path, reader.conf.d DEVICENAME */
	IFD_BY_USB,	/* usb:VVVV/PPPP:libudev:IF:/dev/bus/usb/BBB/DDD */
	IFD_BY_TTY,	/* scard:tty=NAME, the reader scardattach put on NAME */
	IFD_BY_VPROXY,	/* scard:vproxy=NAME, the vproxy reader NAME */
};

/*
 * One reader slot, one pcscd Lun: its file (-1 while the reader is gone),
 * the poll file (used by pcscd's event thread only) and the pipe that
 * stops it; @lock guards @fd against its replacement by a rediscovery.
 */
struct ifd_chan {
	int used;
	DWORD lun;
	enum ifd_kind kind;
	pthread_mutex_t lock;
	int fd;
	int poll_fd;
	int stop[2];
	uint32_t protocol;	/* SCARD_W_PROTOCOL_T0/T1 once selected */
	/* What IFDHICCPresence() last told pcscd: a card (1) or none (0). */
	int told_present;
	unsigned int slots;	/* of the physical reader (sysfs "slots") */
	unsigned int slot;	/* the slot this Lun is */
	/* BY_PATH: the path; BY_USB: the interface's sysfs path; else NAME */
	char key[PATH_MAX];
	/* BY_PATH: the parent device's sysfs path once seen, or "" */
	char parent[PATH_MAX];
};

/* A scard device as sysfs shows it. */
struct ifd_dev {
	char parent[PATH_MAX];	/* realpath of its "device" link, or "" */
	unsigned int slot;
	unsigned int slots;
	char name[160];
};

static struct ifd_chan chans[IFD_MAX_CHANS];
static pthread_mutex_t chans_lock = PTHREAD_MUTEX_INITIALIZER;

/* errno (positive) to IFD_*: one table for every function. */
static const struct {
	int err;
	RESPONSECODE rc;
} ifd_errors[] = {
	{ 0, IFD_SUCCESS },
	{ ENODEV, IFD_NO_SUCH_DEVICE },
	{ ENXIO, IFD_NO_SUCH_DEVICE },
	{ ENOENT, IFD_NO_SUCH_DEVICE },
	{ ENOMEDIUM, IFD_ICC_NOT_PRESENT },
	{ ETIMEDOUT, IFD_RESPONSE_TIMEOUT },
	{ EOVERFLOW, IFD_ERROR_INSUFFICIENT_BUFFER },
	{ EOPNOTSUPP, IFD_ERROR_NOT_SUPPORTED },
	{ ENOTTY, IFD_ERROR_NOT_SUPPORTED },
};

static RESPONSECODE ifd_rc(int ret)
{
	int err = ret < 0 ? -ret : ret;
	size_t i;

	for (i = 0; i < sizeof(ifd_errors) / sizeof(ifd_errors[0]); i++)
		if (ifd_errors[i].err == err)
			return ifd_errors[i].rc;
	return IFD_COMMUNICATION_ERROR;
}

static struct ifd_chan *ifd_chan(DWORD Lun)
{
	int i;

	for (i = 0; i < IFD_MAX_CHANS; i++)
		if (chans[i].used && chans[i].lun == Lun)
			return &chans[i];
	return NULL;
}

/*
 * A sysfs attribute's first line into @buf, without its newline ("" when
 * empty). Return: 0, or -1 when the file cannot be opened.
 */
static int ifd_read_attr(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return -1;
	if (!fgets(buf, (int)size, f))
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
	fclose(f);
	return 0;
}

/* @sys is a scard device's sysfs directory. Return: 0, or -1. */
static int ifd_dev_info(const char *sys, struct ifd_dev *d)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), "%s/device", sys);
	if (!realpath(path, d->parent))
		d->parent[0] = 0;
	snprintf(path, sizeof(path), "%s/slot", sys);
	if (ifd_read_attr(path, buf, sizeof(buf)) || !buf[0])
		return -1;
	d->slot = (unsigned int)strtoul(buf, NULL, 10);
	snprintf(path, sizeof(path), "%s/slots", sys);
	d->slots = ifd_read_attr(path, buf, sizeof(buf)) ? 1 :
		   (unsigned int)strtoul(buf, NULL, 10);
	snprintf(path, sizeof(path), "%s/name", sys);
	ifd_read_attr(path, d->name, sizeof(d->name));
	return 0;
}

/* The scard device open on @fd, as sysfs shows it. Return: 0, or -1. */
static int ifd_fd_info(int fd, struct ifd_dev *d)
{
	char sys[64];
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return -1;
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u",
		 major(st.st_rdev), minor(st.st_rdev));
	return ifd_dev_info(sys, d);
}

/* Is @d the reader slot @c stands for? */
static int ifd_match(const struct ifd_chan *c, const struct ifd_dev *d)
{
	const char *base;

	switch (c->kind) {
	case IFD_BY_PATH:
		return c->parent[0] && !strcmp(d->parent, c->parent) &&
		       d->slot == c->slot;
	case IFD_BY_USB:
		return !strcmp(d->parent, c->key) && d->slot == c->slot;
	case IFD_BY_TTY:
		base = strrchr(d->parent, '/');
		return base && !strcmp(base + 1, c->key) && d->slot == c->slot;
	case IFD_BY_VPROXY:
		return !d->parent[0] && !strncmp(d->name, "vproxy ", 7) &&
		       !strcmp(d->name + 7, c->key);
	}
	return 0;
}

/*
 * Open the reader slot @c stands for (flags for open(2)), looking it up
 * in sysfs: a path entry's parent device and slot once seen (the name
 * /dev/scardN may change across a replug), else its path. -1 while there
 * is none.
 */
static int ifd_find(const struct ifd_chan *c, int flags)
{
	char path[PATH_MAX];
	struct ifd_dev dev;
	struct dirent *e;
	int fd = -1;
	DIR *d;

	d = opendir("/sys/class/scard");
	while (d && fd < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, "scard", 5))
			continue;
		snprintf(path, sizeof(path), "/sys/class/scard/%s", e->d_name);
		if (ifd_dev_info(path, &dev) || !ifd_match(c, &dev))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		fd = open(path, flags | O_CLOEXEC);
	}
	if (d)
		closedir(d);
	if (fd < 0 && c->kind == IFD_BY_PATH)
		fd = open(c->key, flags | O_CLOEXEC);
	return fd;
}

/*
 * The USB interface pcscd names "usb:VVVV/PPPP:libudev:IF:DEVNODE" (its
 * hotplug of a reader that a bundle's Info.plist lists): the sysfs path
 * of interface IF of the USB device whose node is DEVNODE, into @c->key.
 */
static int ifd_usb_interface(struct ifd_chan *c, const char *devnode,
			     unsigned int ifnum)
{
	char path[PATH_MAX], usbdev[PATH_MAX], buf[16];
	struct dirent *e;
	struct stat st;
	int ret = -ENODEV;
	DIR *d;

	if (stat(devnode, &st) || !S_ISCHR(st.st_mode))
		return -ENODEV;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u",
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(path, usbdev))
		return -ENODEV;
	d = opendir(usbdev);
	while (d && ret && (e = readdir(d))) {
		/* interfaces are "<port>:<config>.<interface>" */
		if (!strchr(e->d_name, ':'))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s/bInterfaceNumber",
			     usbdev, e->d_name) >= (int)sizeof(path) ||
		    ifd_read_attr(path, buf, sizeof(buf)) ||
		    strtoul(buf, NULL, 16) != ifnum)
			continue;
		*strrchr(path, '/') = 0;
		if (realpath(path, c->key))
			ret = 0;
	}
	if (d)
		closedir(d);
	return ret;
}

/* Which of the forms in enum ifd_kind @name has; fills @c's key. */
static int ifd_parse_name(struct ifd_chan *c, const char *name)
{
	unsigned int vid, pid, ifnum;
	int n = 0;

	if (sscanf(name, "usb:%x/%x:libudev:%u:%n", &vid, &pid, &ifnum,
		   &n) == 3 && n > 0) {
		c->kind = IFD_BY_USB;
		return ifd_usb_interface(c, name + n, ifnum);
	}
	if (!strncmp(name, "usb:", 4))
		return -EINVAL;		/* pcscd's libusb names: not handled */
	if (c->slot)
		return -EINVAL;		/* one slot per entry */
	if (!strncmp(name, "scard:tty=", 10)) {
		c->kind = IFD_BY_TTY;
		name += 10;
	} else if (!strncmp(name, "scard:vproxy=", 13)) {
		c->kind = IFD_BY_VPROXY;
		name += 13;
	} else {
		c->kind = IFD_BY_PATH;
	}
	if (!*name || strlen(name) >= sizeof(c->key))
		return -EINVAL;
	strcpy(c->key, name);
	return 0;
}

/* The name of the driver bound to sysfs device @sys into @buf, or "". */
static void ifd_driver(const char *sys, char *buf, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/driver", sys);
	if (!realpath(path, target))
		return;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < size)
		strcpy(buf, base);
}

/*
 * A USB reader pcscd just saw: wait for scard_ccid to bind it and
 * register the slot. Another driver (usbfs: libccid), or none within
 * IFD_BIND_WAIT_MS, means the reader is not scard's: fail at once, and
 * pcscd hands it to libccid's class bundle.
 */
static int ifd_usb_wait(const struct ifd_chan *c)
{
	char drv[64];
	int t, fd;

	for (t = 0;; t += IFD_WAIT_STEP_MS) {
		fd = ifd_find(c, O_RDWR);
		if (fd >= 0)
			return fd;
		ifd_driver(c->key, drv, sizeof(drv));
		if (drv[0] && strcmp(drv, "scard_ccid"))
			return -ENODEV;
		if ((!drv[0] && t >= IFD_BIND_WAIT_MS) ||
		    t >= IFD_PROBE_WAIT_MS)
			return -ENODEV;
		usleep(IFD_WAIT_STEP_MS * 1000);
	}
}

static void ifd_close(struct ifd_chan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->poll_fd >= 0)
		close(c->poll_fd);
	if (c->stop[0] >= 0)
		close(c->stop[0]);
	if (c->stop[1] >= 0)
		close(c->stop[1]);
	pthread_mutex_destroy(&c->lock);
	memset(c, 0, sizeof(*c));
}

/*
 * @c has a new file @fd: a path entry learns the parent device and slot
 * it finds the reader by from now on; the slot count is read again.
 */
static void ifd_found(struct ifd_chan *c, int fd)
{
	struct ifd_dev dev;

	if (ifd_fd_info(fd, &dev))
		return;
	c->slots = dev.slots ? dev.slots : 1;
	if (c->kind == IFD_BY_PATH) {
		snprintf(c->parent, sizeof(c->parent), "%s", dev.parent);
		c->slot = dev.slot;
	}
}

/* @c's file for an operation, locked; -ENODEV while the reader is gone. */
static int ifd_get(struct ifd_chan *c)
{
	pthread_mutex_lock(&c->lock);
	return c->fd >= 0 ? c->fd : -ENODEV;
}

/* After the operation: a gone reader's file is closed (its minor freed). */
static void ifd_put(struct ifd_chan *c, int ret)
{
	if (ret == -ENODEV && c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	pthread_mutex_unlock(&c->lock);
}

/*
 * pcscd creates one channel per slot (Lun: reader << 16 | slot) with the
 * same name. A USB reader must be scard's now (else pcscd tries libccid);
 * a reader.conf.d entry may name a reader that comes later (vproxy,
 * scardattach): it is listed without a card until then.
 */
RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName)
{
	struct ifd_chan tmp = { .fd = -1, .poll_fd = -1, .stop = { -1, -1 },
				.slots = 1 };
	uint32_t state;
	int ret, i;

	if (!DeviceName || (Lun & 0xffff) >= IFD_MAX_CHANS)
		return IFD_COMMUNICATION_ERROR;
	tmp.lun = Lun;
	tmp.slot = Lun & 0xffff;
	ret = ifd_parse_name(&tmp, DeviceName);
	if (ret)
		return ret == -ENODEV ? IFD_NO_SUCH_DEVICE :
					IFD_COMMUNICATION_ERROR;
	ret = tmp.kind == IFD_BY_USB ? ifd_usb_wait(&tmp) :
				       ifd_find(&tmp, O_RDWR);
	if (ret < 0 && tmp.kind == IFD_BY_USB)
		return IFD_COMMUNICATION_ERROR;
	tmp.fd = ret;
	if (tmp.fd >= 0) {
		ret = scard_get_state(tmp.fd, &state);
		if (ret) {
			/* ENOTTY: a path to something that is no reader */
			close(tmp.fd);
			return ret == -ENODEV ? IFD_NO_SUCH_DEVICE :
						IFD_COMMUNICATION_ERROR;
		}
		ifd_found(&tmp, tmp.fd);
		/* Card tracking only: read-only (userspace-api.rst). */
		tmp.poll_fd = ifd_find(&tmp, O_RDONLY | O_NONBLOCK);
	}
	if (pipe2(tmp.stop, O_CLOEXEC | O_NONBLOCK) < 0) {
		tmp.stop[0] = tmp.stop[1] = -1;
		ifd_close(&tmp);
		return IFD_COMMUNICATION_ERROR;
	}
	pthread_mutex_lock(&chans_lock);
	for (i = 0; i < IFD_MAX_CHANS && chans[i].used; i++)
		;
	if (i == IFD_MAX_CHANS || ifd_chan(Lun)) {
		pthread_mutex_unlock(&chans_lock);
		ifd_close(&tmp);
		return IFD_COMMUNICATION_ERROR;
	}
	chans[i] = tmp;
	pthread_mutex_init(&chans[i].lock, NULL);
	chans[i].used = 1;
	pthread_mutex_unlock(&chans_lock);
	return IFD_SUCCESS;
}

/* A channel number N is /dev/scardN. */
RESPONSECODE IFDHCreateChannel(DWORD Lun, DWORD Channel)
{
	char name[32];

	snprintf(name, sizeof(name), "/dev/scard%lu", (unsigned long)Channel);
	return IFDHCreateChannelByName(Lun, name);
}

RESPONSECODE IFDHCloseChannel(DWORD Lun)
{
	struct ifd_chan *c;

	pthread_mutex_lock(&chans_lock);
	c = ifd_chan(Lun);
	if (c)
		ifd_close(c);
	pthread_mutex_unlock(&chans_lock);
	return c ? IFD_SUCCESS : IFD_COMMUNICATION_ERROR;
}

/*
 * Card events for pcscd's polling thread: returns when the card came or
 * went, after @timeout ms (0: no limit), when stopped, and while the
 * reader is gone after at most IFD_GONE_POLL_MS (pcscd then asks
 * IFDHICCPresence(), which looks for the reader again).
 */
static RESPONSECODE ifd_poll(DWORD Lun, int timeout)
{
	struct ifd_chan *c = ifd_chan(Lun);
	struct pollfd p[2];
	uint32_t state, err;
	int ret, n = 1, told;
	char buf[16];

	if (!c)
		return IFD_NO_SUCH_DEVICE;
	/* poll_fd is this thread's only: no lock. */
	if (c->poll_fd < 0) {
		pthread_mutex_lock(&c->lock);	/* c->parent, c->slot */
		c->poll_fd = ifd_find(c, O_RDONLY | O_NONBLOCK);
		pthread_mutex_unlock(&c->lock);
	}
	ret = c->poll_fd >= 0 ? scard_get_state(c->poll_fd, &state) : -ENODEV;
	pthread_mutex_lock(&c->lock);
	told = c->told_present;
	pthread_mutex_unlock(&c->lock);
	if (!ret && state == SCARD_W_UNKNOWN) {
		/*
		 * A reader just registered has not looked at its slot yet:
		 * no card to wait for, ask again soon.
		 */
		timeout = timeout > 0 && timeout < IFD_UNKNOWN_POLL_MS ?
			  timeout : IFD_UNKNOWN_POLL_MS;
	} else if (!ret && (state > SCARD_W_ABSENT) != told) {
		/*
		 * Not what pcscd last heard (a reader that came with its
		 * card between pcscd's IFDHICCPresence() and this call):
		 * waiting for the next change would hide this one.
		 */
		return IFD_SUCCESS;
	} else if (!ret) {
		ret = state == SCARD_W_ABSENT ? scard_is_present(c->poll_fd) :
						scard_is_absent(c->poll_fd);
		/* EBUSY: the request of an earlier call still pends. */
		if (!ret)
			return IFD_SUCCESS;
		if (ret == -EINPROGRESS || ret == -EBUSY)
			ret = 0;
	}
	if (ret && ret != -ENODEV)
		return ifd_rc(ret);
	if (ret) {
		/* Gone: look for it again every IFD_GONE_POLL_MS. */
		if (c->poll_fd >= 0)
			close(c->poll_fd);
		c->poll_fd = -1;
		timeout = timeout > 0 && timeout < IFD_GONE_POLL_MS ?
			  timeout : IFD_GONE_POLL_MS;
	} else if (state != SCARD_W_UNKNOWN) {
		p[n].fd = c->poll_fd;
		p[n].events = POLLPRI;
		n++;
	}
	p[0].fd = c->stop[0];
	p[0].events = POLLIN;
	p[0].revents = 0;
	if (n > 1)
		p[1].revents = 0;
	ret = poll(p, n, timeout > 0 ? timeout : -1);
	if (ret < 0 && errno != EINTR)
		return IFD_COMMUNICATION_ERROR;
	if (p[0].revents & POLLIN)
		while (read(c->stop[0], buf, sizeof(buf)) > 0)
			;
	if (n > 1 && (p[1].revents & (POLLHUP | POLLERR))) {
		/* Unplugged: pcscd asks IFDHICCPresence() next. */
		close(c->poll_fd);
		c->poll_fd = -1;
	} else if (n > 1 && (p[1].revents & POLLPRI)) {
		/* Clears EPOLLPRI; pcscd reads the state itself. */
		scard_get_last_error(c->poll_fd, &err);
	}
	return IFD_SUCCESS;
}

static RESPONSECODE ifd_stop_poll(DWORD Lun)
{
	struct ifd_chan *c = ifd_chan(Lun);

	if (!c)
		return IFD_NO_SUCH_DEVICE;
	return write(c->stop[1], "x", 1) == 1 || errno == EAGAIN ?
	       IFD_SUCCESS : IFD_COMMUNICATION_ERROR;
}

/* A one-byte capability for a pcsc-lite buffer of *@len bytes. */
static RESPONSECODE put_u8(PDWORD len, PUCHAR value, UCHAR v)
{
	if (*len < 1)
		return IFD_ERROR_INSUFFICIENT_BUFFER;
	value[0] = v;
	*len = 1;
	return IFD_SUCCESS;
}

static RESPONSECODE put_fn(PDWORD len, PUCHAR value, void *fn)
{
	if (*len < sizeof(fn))
		return IFD_ERROR_INSUFFICIENT_BUFFER;
	memcpy(value, &fn, sizeof(fn));
	*len = sizeof(fn);
	return IFD_SUCCESS;
}

RESPONSECODE IFDHGetCapabilities(DWORD Lun, DWORD Tag, PDWORD Length,
				 PUCHAR Value)
{
	struct ifd_chan *c = ifd_chan(Lun);
	size_t n = 0;
	int ret;

	if (!Length || !Value)
		return IFD_COMMUNICATION_ERROR;
	switch (Tag) {
	case TAG_IFD_SLOTS_NUMBER:
		return put_u8(Length, Value, c ? (UCHAR)c->slots : 1);
	case TAG_IFD_SIMULTANEOUS_ACCESS:
		return put_u8(Length, Value, IFD_MAX_CHANS);
	case TAG_IFD_THREAD_SAFE:
	case TAG_IFD_SLOT_THREAD_SAFE:
		/* Each reader has its own file; the kernel serializes. */
		return put_u8(Length, Value, 1);
	case TAG_IFD_POLLING_THREAD_WITH_TIMEOUT:
		return put_fn(Length, Value, (void *)ifd_poll);
	case TAG_IFD_STOP_POLLING_THREAD:
		return put_fn(Length, Value, (void *)ifd_stop_poll);
	case TAG_IFD_POLLING_THREAD_KILLABLE:
		return put_u8(Length, Value, 0);
	case TAG_IFD_ATR:
		Tag = SCARD_ATTR_ATR_STRING;
		break;
	default:
		break;
	}
	if (!c)
		return IFD_NO_SUCH_DEVICE;
	/* Everything else is a SCARD_ATTR_* tag: the driver answers. */
	ret = ifd_get(c);
	if (ret >= 0)
		ret = scard_get_attr(ret, (uint32_t)Tag, Value, *Length, &n);
	ifd_put(c, ret);
	if (ret == -ENOMEDIUM || (ret == -EBADFD && Tag == SCARD_ATTR_ATR_STRING)) {
		*Length = 0;
		return IFD_SUCCESS;	/* no card, no ATR */
	}
	if (ret == -EOVERFLOW)
		return IFD_ERROR_INSUFFICIENT_BUFFER;
	if (ret)
		return ret == -EINVAL || ret == -EOPNOTSUPP ? IFD_ERROR_TAG :
							      ifd_rc(ret);
	*Length = n;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHSetCapabilities(DWORD Lun, DWORD Tag, DWORD Length,
				 PUCHAR Value)
{
	struct ifd_chan *c = ifd_chan(Lun);
	int ret;

	if (Tag == TAG_IFD_DEVICE_REMOVED)
		return IFD_SUCCESS;	/* the next call gets ENODEV anyway */
	if (!c)
		return IFD_NO_SUCH_DEVICE;
	if (Tag == TAG_IFD_SLOTNUM)
		return Length >= 1 && Value && Value[0] == c->slot ? IFD_SUCCESS :
							       IFD_ERROR_TAG;
	ret = ifd_get(c);
	if (ret >= 0)
		ret = scard_set_attr(ret, (uint32_t)Tag, Value, Length);
	ifd_put(c, ret);
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		return IFD_ERROR_TAG;
	if (ret == -EACCES || ret == -EPERM)
		return IFD_ERROR_VALUE_READ_ONLY;
	return ret ? IFD_ERROR_SET_FAILURE : IFD_SUCCESS;
}

/*
 * pcsc-lite's SCARD_PROTOCOL_T0/T1 (1, 2) are the driver's values. The
 * kernel picks Fi/Di itself from the ATR and the reader: explicit PTS
 * bytes cannot be honoured (IFD_ERROR_PTS_FAILURE, which pcscd reports
 * as a failed connect; IFD_NOT_SUPPORTED would make pcscd take the
 * default protocol silently).
 */
RESPONSECODE IFDHSetProtocolParameters(DWORD Lun, DWORD Protocol, UCHAR Flags,
				       UCHAR PTS1, UCHAR PTS2, UCHAR PTS3)
{
	struct ifd_chan *c = ifd_chan(Lun);
	uint32_t sel = 0, mask;
	int ret;

	(void)PTS1;
	(void)PTS2;
	(void)PTS3;
	if (!c)
		return IFD_NO_SUCH_DEVICE;
	if (Flags & (IFD_NEGOTIATE_PTS1 | IFD_NEGOTIATE_PTS2 |
		     IFD_NEGOTIATE_PTS3))
		return IFD_ERROR_PTS_FAILURE;
	mask = (uint32_t)Protocol & SCARD_W_PROTOCOL_Tx;
	if (!mask || mask != (uint32_t)Protocol)
		return IFD_PROTOCOL_NOT_SUPPORTED;
	ret = ifd_get(c);
	if (ret >= 0)
		ret = scard_set_protocol(ret, mask, &sel);
	ifd_put(c, ret);
	if (ret == -EOPNOTSUPP)
		return IFD_PROTOCOL_NOT_SUPPORTED;
	if (ret == -EPROTO)
		return IFD_ERROR_PTS_FAILURE;
	if (ret)
		return ifd_rc(ret);
	c->protocol = sel;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHPowerICC(DWORD Lun, DWORD Action, PUCHAR Atr,
			  PDWORD AtrLength)
{
	struct ifd_chan *c = ifd_chan(Lun);
	uint8_t atr[SCARD_W_ATR_LENGTH];
	size_t n = 0;
	uint32_t minor;
	int ret;

	if (AtrLength)
		*AtrLength = 0;
	if (!c)
		return IFD_NO_SUCH_DEVICE;
	switch (Action) {
	case IFD_POWER_UP:
		minor = SCARD_COLD_RESET;
		break;
	case IFD_RESET:
		minor = SCARD_WARM_RESET;
		break;
	case IFD_POWER_DOWN:
		minor = SCARD_POWER_DOWN;
		break;
	default:
		return IFD_NOT_SUPPORTED;
	}
	c->protocol = 0;
	ret = ifd_get(c);
	if (ret >= 0)
		ret = scard_power(ret, minor, atr, sizeof(atr), &n);
	ifd_put(c, ret);
	if (ret == -ENODEV || ret == -ENOMEDIUM)
		return ifd_rc(ret);
	if (ret)
		return IFD_ERROR_POWER_ACTION;
	if (minor != SCARD_POWER_DOWN && Atr && AtrLength) {
		memcpy(Atr, atr, n);
		*AtrLength = n;
	}
	return IFD_SUCCESS;
}

/*
 * pcscd's SCARD_IO_HEADER.Protocol counts from 0 (0 T=0, 1 T=1); the
 * driver's TRANSMIT header carries the protocol bit (winsmcrd's
 * SCARD_IO_REQUEST of two 32-bit fields, built by scard_transmit()).
 */
static uint32_t ifd_protocol(const struct ifd_chan *c, DWORD pci_protocol)
{
	if (pci_protocol == 1)
		return SCARD_W_PROTOCOL_T1;
	if (pci_protocol == 0)
		return SCARD_W_PROTOCOL_T0;
	return c->protocol;
}

RESPONSECODE IFDHTransmitToICC(DWORD Lun, SCARD_IO_HEADER SendPci,
			       PUCHAR TxBuffer, DWORD TxLength,
			       PUCHAR RxBuffer, PDWORD RxLength,
			       PSCARD_IO_HEADER RecvPci)
{
	struct ifd_chan *c = ifd_chan(Lun);
	size_t n = 0, rx_size;
	int ret;

	if (!RxLength)
		return IFD_COMMUNICATION_ERROR;
	if (!c) {
		*RxLength = 0;
		return IFD_NO_SUCH_DEVICE;
	}
	/* pcscd offers MAX_BUFFER_SIZE_EXTENDED; a response is never longer. */
	rx_size = *RxLength < SCARD_MAX_RESPONSE ? *RxLength :
						   SCARD_MAX_RESPONSE;
	ret = ifd_get(c);
	if (ret >= 0)
		ret = scard_transmit(ret, ifd_protocol(c, SendPci.Protocol),
				     TxBuffer, TxLength, RxBuffer, rx_size,
				     &n);
	ifd_put(c, ret);
	if (ret) {
		*RxLength = 0;
		return ifd_rc(ret);
	}
	*RxLength = n;
	if (RecvPci)
		*RecvPci = SendPci;
	return IFD_SUCCESS;
}

/*
 * PC/SC applications pass the part 10 PIN structures in host byte order,
 * the driver takes them little-endian (as CCID): wPINMaxExtraDigit,
 * wLangId and ulDataLength. A copy is converted, the caller's buffer left
 * alone. Returns the buffer to pass, NULL when none is needed, or
 * (void *)-1 without memory.
 */
static uint8_t *ifd_pin_to_le(unsigned long code, const uint8_t *tx,
			      DWORD len)
{
	size_t hdr, extra, lang;
	uint8_t *buf;
	uint16_t v16;
	uint32_t v32;

	if (code == IOCTL_SCARD_VERIFY_PIN_DIRECT) {
		hdr = sizeof(struct scard_pin_verify);
		extra = offsetof(struct scard_pin_verify, max_extra_digit);
		lang = offsetof(struct scard_pin_verify, lang_id);
	} else if (code == IOCTL_SCARD_MODIFY_PIN_DIRECT) {
		hdr = sizeof(struct scard_pin_modify);
		extra = offsetof(struct scard_pin_modify, max_extra_digit);
		lang = offsetof(struct scard_pin_modify, lang_id);
	} else {
		return NULL;
	}
	if (len < hdr || __BYTE_ORDER == __LITTLE_ENDIAN)
		return NULL;	/* the driver refuses a short one anyway */
	buf = malloc(len);
	if (!buf)
		return (uint8_t *)-1;
	memcpy(buf, tx, len);
	memcpy(&v16, buf + extra, 2);
	v16 = htole16(v16);
	memcpy(buf + extra, &v16, 2);
	memcpy(&v16, buf + lang, 2);
	v16 = htole16(v16);
	memcpy(buf + lang, &v16, 2);
	memcpy(&v32, buf + hdr - 4, 4);
	v32 = htole32(v32);
	memcpy(buf + hdr - 4, &v32, 4);
	return buf;
}

/*
 * GET_FEATURE_REQUEST and the vendor exchange (escape) have pcsc-lite
 * numbers; the control codes the feature TLVs list are the driver's own
 * (SCARD_W_CTL_CODE) and pass through unchanged, the PIN structures
 * converted to little-endian (ifd_pin_to_le()), IFD_PIN_PROPERTIES'
 * wLcdLayout back to host order.
 */
RESPONSECODE IFDHControl(DWORD Lun, DWORD dwControlCode, PUCHAR TxBuffer,
			 DWORD TxLength, PUCHAR RxBuffer, DWORD RxLength,
			 LPDWORD pdwBytesReturned)
{
	struct ifd_chan *c = ifd_chan(Lun);
	unsigned long code;
	uint32_t got = 0;
	uint8_t *le;
	int ret;

	if (pdwBytesReturned)
		*pdwBytesReturned = 0;
	if (!c)
		return IFD_NO_SUCH_DEVICE;
	if (dwControlCode == CM_IOCTL_GET_FEATURE_REQUEST)
		code = IOCTL_SMARTCARD_GET_FEATURE_REQUEST;
	else if (dwControlCode == IFD_VENDOR_IFD_EXCHANGE)
		code = IOCTL_CCID_ESCAPE;
	else if ((dwControlCode & 0xffff0000UL) ==
		 (unsigned long)SCARD_W_CTL_CODE(0))
		code = dwControlCode;
	else
		return IFD_ERROR_NOT_SUPPORTED;
	if (TxLength > UINT32_MAX || RxLength > UINT32_MAX)
		return IFD_COMMUNICATION_ERROR;
	le = ifd_pin_to_le(code, TxBuffer, TxLength);
	if (le == (uint8_t *)-1)
		return IFD_COMMUNICATION_ERROR;
	ret = ifd_get(c);
	if (ret >= 0)
		ret = scard_dioc(ret, code, le ? le : TxBuffer,
				 (uint32_t)TxLength, RxBuffer,
				 (uint32_t)RxLength, &got);
	ifd_put(c, ret);
	free(le);
	if (ret)
		return ifd_rc(ret);
	if (code == IOCTL_SCARD_IFD_PIN_PROPERTIES && got >= 2) {
		uint16_t v;

		memcpy(&v, RxBuffer, 2);
		v = le16toh(v);
		memcpy(RxBuffer, &v, 2);
	}
	if (pdwBytesReturned)
		*pdwBytesReturned = got;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHICCPresence(DWORD Lun)
{
	struct ifd_chan *c = ifd_chan(Lun);
	uint32_t state = SCARD_W_ABSENT;
	int ret;

	if (!c)
		return IFD_NO_SUCH_DEVICE;
	pthread_mutex_lock(&c->lock);
	/* A reader that went: look for it again, no card meanwhile. */
	if (c->fd < 0) {
		c->fd = ifd_find(c, O_RDWR);
		if (c->fd >= 0)
			ifd_found(c, c->fd);
	}
	ret = c->fd >= 0 ? scard_get_state(c->fd, &state) : -ENODEV;
	if (!ret || ret == -ENODEV)
		c->told_present = !ret && state > SCARD_W_ABSENT;
	ifd_put(c, ret);
	if (ret && ret != -ENODEV)
		return ifd_rc(ret);
	/*
	 * SCARD_W_UNKNOWN: the reader has not looked at its slot yet. Saying
	 * "present" now would have pcscd power a card that may not be there
	 * (or not ready), fail, and mark it mute until it is reinserted.
	 */
	return state <= SCARD_W_ABSENT ? IFD_ICC_NOT_PRESENT : IFD_ICC_PRESENT;
}
