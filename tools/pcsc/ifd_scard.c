// SPDX-License-Identifier: GPL-2.0
/*
 * ifd_scard: a pcsc-lite IFD handler (ifdhandler.h, version 3) over the
 * kernel's /dev/scardN, so that PC/SC applications (OpenSC, pcsc_scan,
 * GnuPG, pyscard) keep working on readers that scard drives.
 *
 * One pcscd reader is one /dev/scardN (one slot): Lun >> 16 is the reader
 * pcscd numbers, the low half the slot, always 0. The device name is the
 * path (reader.conf.d DEVICENAME), Documentation/scard/pcsc.rst.
 *
 * Names: pcsc-lite's headers define the card states, protocols and
 * SCARD_CTL_CODE with other values than <linux/scard.h>, so this file
 * takes the driver's as SCARD_W_* (userspace-api.rst, "Names"). pcsc-lite's
 * DWORD is unsigned long (64 bits here), the driver's numbers and its
 * TRANSMIT header are 32-bit: they meet only in ifd_protocol() (the
 * SCARD_IO_HEADER) and where IFDHControl() checks the lengths.
 *
 * Card events: pcscd runs IFDHPolling() (TAG_IFD_POLLING_THREAD_WITH_TIMEOUT)
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
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/scard.h>

#include <ifdhandler.h>
#include <reader.h>

#include "libscard.h"

#define IFD_MAX_READERS	16

/* libccid's IOCTL_SMARTCARD_VENDOR_IFD_EXCHANGE: escape, in pcsc numbers. */
#define IFD_VENDOR_IFD_EXCHANGE	SCARD_CTL_CODE(1)

/* One reader slot: its file, the poll file and the pipe that stops it. */
struct ifd_chan {
	int used;
	int fd;
	int poll_fd;
	int stop[2];
	uint32_t protocol;	/* SCARD_W_PROTOCOL_T0/T1 once selected */
};

static struct ifd_chan chans[IFD_MAX_READERS];
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
	DWORD reader = Lun >> 16;

	if (reader >= IFD_MAX_READERS || (Lun & 0xffff) || !chans[reader].used)
		return NULL;
	return &chans[reader];
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
	memset(c, 0, sizeof(*c));
}

RESPONSECODE IFDHCreateChannelByName(DWORD Lun, LPSTR DeviceName)
{
	DWORD reader = Lun >> 16;
	struct ifd_chan *c;
	uint32_t state;
	int ret;

	if (reader >= IFD_MAX_READERS || (Lun & 0xffff) || !DeviceName)
		return IFD_COMMUNICATION_ERROR;
	pthread_mutex_lock(&chans_lock);
	c = &chans[reader];
	if (c->used) {
		pthread_mutex_unlock(&chans_lock);
		return IFD_COMMUNICATION_ERROR;
	}
	c->used = 1;
	c->fd = c->poll_fd = c->stop[0] = c->stop[1] = -1;
	ret = scard_open(DeviceName, 0);
	if (ret < 0)
		goto fail;
	c->fd = ret;
	/* Card tracking only: read-only (userspace-api.rst, "Opening"). */
	ret = open(DeviceName, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ret < 0) {
		ret = -errno;
		goto fail;
	}
	c->poll_fd = ret;
	if (pipe2(c->stop, O_CLOEXEC | O_NONBLOCK) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = scard_get_state(c->fd, &state);
	if (ret)
		goto fail;
	pthread_mutex_unlock(&chans_lock);
	return IFD_SUCCESS;
fail:
	ifd_close(c);
	pthread_mutex_unlock(&chans_lock);
	return ret == -ENOENT || ret == -ENODEV || ret == -ENXIO ?
	       IFD_NO_SUCH_DEVICE : IFD_COMMUNICATION_ERROR;
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
 * went, after @timeout ms (0: no limit), when stopped, or at once when
 * the reader is gone.
 */
static RESPONSECODE ifd_poll(DWORD Lun, int timeout)
{
	struct ifd_chan *c = ifd_chan(Lun);
	struct pollfd p[2];
	uint32_t state, err;
	char buf[16];
	int ret;

	if (!c)
		return IFD_NO_SUCH_DEVICE;
	ret = scard_get_state(c->poll_fd, &state);
	if (ret)
		return ifd_rc(ret);
	ret = state == SCARD_W_ABSENT ? scard_is_present(c->poll_fd) :
					scard_is_absent(c->poll_fd);
	/* EBUSY: the request of an earlier call still pends. */
	if (ret && ret != -EINPROGRESS && ret != -EBUSY)
		return ifd_rc(ret);
	if (!ret)
		return IFD_SUCCESS;
	p[0].fd = c->poll_fd;
	p[0].events = POLLPRI;
	p[1].fd = c->stop[0];
	p[1].events = POLLIN;
	ret = poll(p, 2, timeout > 0 ? timeout : -1);
	if (ret < 0 && errno != EINTR)
		return IFD_COMMUNICATION_ERROR;
	if (p[1].revents & POLLIN)
		while (read(c->stop[0], buf, sizeof(buf)) > 0)
			;
	if (p[0].revents & (POLLHUP | POLLERR))
		return IFD_NO_SUCH_DEVICE;
	/* Clears EPOLLPRI; the result itself is read back by pcscd. */
	if (p[0].revents & POLLPRI)
		scard_get_last_error(c->poll_fd, &err);
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
		if (*Length < 1)
			return IFD_ERROR_INSUFFICIENT_BUFFER;
		Value[0] = 1;
		*Length = 1;
		return IFD_SUCCESS;
	case TAG_IFD_SIMULTANEOUS_ACCESS:
		if (*Length < 1)
			return IFD_ERROR_INSUFFICIENT_BUFFER;
		Value[0] = IFD_MAX_READERS;
		*Length = 1;
		return IFD_SUCCESS;
	case TAG_IFD_THREAD_SAFE:
	case TAG_IFD_SLOT_THREAD_SAFE:
		/* Each reader has its own file; the kernel serializes. */
		if (*Length < 1)
			return IFD_ERROR_INSUFFICIENT_BUFFER;
		Value[0] = 1;
		*Length = 1;
		return IFD_SUCCESS;
	case TAG_IFD_POLLING_THREAD_WITH_TIMEOUT:
		return put_fn(Length, Value, (void *)ifd_poll);
	case TAG_IFD_STOP_POLLING_THREAD:
		return put_fn(Length, Value, (void *)ifd_stop_poll);
	case TAG_IFD_POLLING_THREAD_KILLABLE:
		if (*Length < 1)
			return IFD_ERROR_INSUFFICIENT_BUFFER;
		Value[0] = 0;
		*Length = 1;
		return IFD_SUCCESS;
	case TAG_IFD_ATR:
		Tag = SCARD_ATTR_ATR_STRING;
		break;
	default:
		break;
	}
	if (!c)
		return IFD_NO_SUCH_DEVICE;
	/* Everything else is a SCARD_ATTR_* tag: the driver answers. */
	ret = scard_get_attr(c->fd, (uint32_t)Tag, Value, *Length, &n);
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
		return Length >= 1 && Value && Value[0] == 0 ? IFD_SUCCESS :
							       IFD_ERROR_TAG;
	ret = scard_set_attr(c->fd, (uint32_t)Tag, Value, Length);
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
	ret = scard_set_protocol(c->fd, mask, &sel);
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
	ret = scard_power(c->fd, minor, atr, sizeof(atr), &n);
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
	ret = scard_transmit(c->fd, ifd_protocol(c, SendPci.Protocol),
			     TxBuffer, TxLength, RxBuffer, rx_size, &n);
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
 * GET_FEATURE_REQUEST and the vendor exchange (escape) have pcsc-lite
 * numbers; the control codes the feature TLVs list are the driver's own
 * (SCARD_W_CTL_CODE) and pass through unchanged.
 */
RESPONSECODE IFDHControl(DWORD Lun, DWORD dwControlCode, PUCHAR TxBuffer,
			 DWORD TxLength, PUCHAR RxBuffer, DWORD RxLength,
			 LPDWORD pdwBytesReturned)
{
	struct ifd_chan *c = ifd_chan(Lun);
	unsigned long code;
	uint32_t got = 0;
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
	ret = scard_dioc(c->fd, code, TxBuffer, (uint32_t)TxLength, RxBuffer,
			 (uint32_t)RxLength, &got);
	if (ret)
		return ifd_rc(ret);
	if (pdwBytesReturned)
		*pdwBytesReturned = got;
	return IFD_SUCCESS;
}

RESPONSECODE IFDHICCPresence(DWORD Lun)
{
	struct ifd_chan *c = ifd_chan(Lun);
	uint32_t state;
	int ret;

	if (!c)
		return IFD_NO_SUCH_DEVICE;
	ret = scard_get_state(c->fd, &state);
	if (ret)
		return ifd_rc(ret);
	return state == SCARD_W_ABSENT ? IFD_ICC_NOT_PRESENT : IFD_ICC_PRESENT;
}
