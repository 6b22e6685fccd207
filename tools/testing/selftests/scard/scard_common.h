/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the scard kselftests. The reader under test is
 * $SCARD_DEV or /dev/scard0: QEMU's usb-ccid with the emulated CAC card
 * (libcacard), T=0, TPDU level.
 */
#ifndef SCARD_SELFTEST_COMMON_H
#define SCARD_SELFTEST_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/scard.h>

static const uint8_t cac_atr[] = {
	0x3B, 0x7A, 0x18, 0x00, 0x00, 0x73, 0x66, 0x74,
	0x65, 0x20, 0x63, 0x64, 0x31, 0x34, 0x34,
};

/* SELECT the CAC PKI applet, case 3 (no Le): the card answers 61 0D. */
static const uint8_t select_pki_case3[] = {
	0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x79, 0x01, 0x00,
};

/* The same with Le=00 (case 4): the library fetches the FCI. */
static const uint8_t select_pki_case4[] = {
	0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x79, 0x01, 0x00,
	0x00,
};

static const uint8_t select_pki_fci[] = {
	0x6F, 0x0B, 0x84, 0x07, 0xA0, 0x00, 0x00, 0x00, 0x79, 0x01, 0x00,
	0xA5, 0x00, 0x90, 0x00,
};

/*
 * CAC GET PROPERTIES: Le=00 gets all the properties at once; an Le larger
 * than what the card holds (FF) makes libcacard answer 6C xx, and the
 * library must resend with Le=xx.
 */
static const uint8_t get_properties[] = { 0x80, 0x56, 0x01, 0x00, 0x00 };
static const uint8_t get_properties_le_ff[] = { 0x80, 0x56, 0x01, 0x00, 0xff };

/*
 * The reader under test: $SCARD_DEV, else the lowest /dev/scardN (a reader
 * that was replugged while a file still held its minor comes back with
 * another number), else /dev/scard0.
 */
static inline const char *scard_test_dev(void)
{
	static char path[32];
	const char *d = getenv("SCARD_DEV");
	int i;

	if (d && *d)
		return d;
	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/dev/scard%d", i);
		if (!access(path, F_OK))
			return path;
	}
	return "/dev/scard0";
}

/* ioctl with a parameter block; returns 0 or a positive errno. */
static inline int scard_t_dioc(int fd, unsigned long code, const void *in,
			       uint32_t in_len, void *out, uint32_t out_len,
			       uint32_t *returned)
{
	struct scard_dioc d = {
		.in_buf = (uintptr_t)in,
		.out_buf = (uintptr_t)out,
		.in_len = in_len,
		.out_len = out_len,
		.bytes_returned = 0xdeadbeef,
	};
	int ret = ioctl(fd, code, &d);

	if (returned)
		*returned = d.bytes_returned;
	return ret < 0 ? errno : 0;
}

static inline int scard_t_power(int fd, uint32_t minor)
{
	uint8_t atr[SCARD_ATR_LENGTH];

	return scard_t_dioc(fd, IOCTL_SMARTCARD_POWER, &minor, sizeof(minor),
			    atr, sizeof(atr), NULL);
}

static inline int scard_t_state(int fd, uint32_t *state)
{
	return scard_t_dioc(fd, IOCTL_SMARTCARD_GET_STATE, NULL, 0, state,
			    sizeof(*state), NULL);
}

static inline int scard_t_set_protocol(int fd, uint32_t mask)
{
	uint32_t sel;

	return scard_t_dioc(fd, IOCTL_SMARTCARD_SET_PROTOCOL, &mask,
			    sizeof(mask), &sel, sizeof(sel), NULL);
}

/* Cold reset, then T=0: the state every TRANSMIT test starts from. */
static inline int scard_t_specific(int fd)
{
	int ret = scard_t_power(fd, SCARD_COLD_RESET);

	return ret ? ret : scard_t_set_protocol(fd, SCARD_PROTOCOL_T0);
}

static inline int scard_t_last_error(int fd, uint32_t *err)
{
	return scard_t_dioc(fd, IOCTL_SMARTCARD_GET_LAST_ERROR, NULL, 0, err,
			    sizeof(*err), NULL);
}

/*
 * TRANSMIT @apdu with a T=0 header; the response (without header) goes to
 * @resp, its length to *@resp_len. Returns 0 or a positive errno.
 */
static inline int scard_t_transmit(int fd, const uint8_t *apdu, size_t len,
				   uint8_t *resp, size_t resp_size,
				   size_t *resp_len)
{
	uint8_t in[8 + 300], out[8 + 300];
	struct scard_io_request hdr = { SCARD_PROTOCOL_T0, 8 };
	uint32_t got = 0;
	int ret;

	if (len > 300 || resp_size > 300)
		return E2BIG;
	memcpy(in, &hdr, 8);
	memcpy(in + 8, apdu, len);
	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_TRANSMIT, in, 8 + len, out,
			   8 + resp_size, &got);
	if (ret)
		return ret;
	if (got < 8 || got > 8 + resp_size)
		return EPROTO;
	memcpy(resp, out + 8, got - 8);
	*resp_len = got - 8;
	return 0;
}

/* Build a TRANSMIT input (header + APDU) in @buf; returns its length. */
static inline uint32_t scard_t_xmit_in(uint8_t *buf, uint32_t proto,
				       uint32_t pci_len, const uint8_t *apdu,
				       size_t len)
{
	struct scard_io_request hdr = { proto, pci_len };

	memcpy(buf, &hdr, 8);
	memcpy(buf + 8, apdu, len);
	return (uint32_t)(8 + len);
}

/* Skip the whole program (exit 4) when the reader is not there. */
static inline void scard_t_require_dev(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return;
	if (access(scard_test_dev(), F_OK)) {
		ksft_print_header();
		ksft_exit_skip("%s not found (no smart card reader)\n",
			       scard_test_dev());
	}
}

#endif /* SCARD_SELFTEST_COMMON_H */
