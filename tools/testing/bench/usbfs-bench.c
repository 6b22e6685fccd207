// SPDX-License-Identifier: GPL-2.0
/*
 * usbfs-bench: the reader's own round trip, the floor no driver can beat
 * (make bench; Documentation/scard/performance.rst). With no driver bound
 * to the CCID interface, it powers the card up and sends the XfrBlock
 * that scard_ccid sends for scard-bench's "ccid" SELECT, straight through
 * usbfs (libusb), reading the DataBlock back, SAMPLES times.
 *
 *   usbfs-bench NAME VID:PID SAMPLES
 *
 * Prints "samples NAME v1 v2 ..." lines (nanoseconds), as scard-bench.
 * Exit status: 0, 1 on a USB or CCID error, 2 usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libusb-1.0/libusb.h>

#include "bench.h"

#define CCID_HDR		10
#define PC_TO_RDR_ICCPOWERON	0x62
#define PC_TO_RDR_XFRBLOCK	0x6F
#define RDR_TO_PC_DATABLOCK	0x80
#define TIMEOUT_MS		5000

static libusb_device_handle *dev;
static unsigned char ep_out, ep_in;
static uint8_t seq;

/*
 * One command (@type, @data of @len bytes) and its DataBlock answer.
 * Time extensions (bStatus 0x80) are read past. Returns the answer's
 * data length, or -1.
 */
static int ccid_cmd(uint8_t type, const uint8_t *data, uint32_t len,
		    uint8_t *ans, int ans_size)
{
	uint8_t msg[CCID_HDR + 271] = { type };
	int n, got;

	if (len > sizeof(msg) - CCID_HDR)
		return -1;
	msg[1] = (uint8_t)len;
	msg[2] = (uint8_t)(len >> 8);
	msg[6] = seq++;
	memcpy(msg + CCID_HDR, data, len);
	if (libusb_bulk_transfer(dev, ep_out, msg, (int)(CCID_HDR + len), &n,
				 TIMEOUT_MS) || n != (int)(CCID_HDR + len))
		return -1;
	do {
		if (libusb_bulk_transfer(dev, ep_in, ans, ans_size, &got,
					 TIMEOUT_MS) || got < CCID_HDR)
			return -1;
	} while ((ans[7] & 0xC0) == 0x80);
	if (ans[0] != RDR_TO_PC_DATABLOCK || (ans[7] & 0x40))
		return -1;
	return got - CCID_HDR;
}

static int find_endpoints(void)
{
	struct libusb_config_descriptor *cfg;
	const struct libusb_interface_descriptor *alt;
	int i;

	if (libusb_get_active_config_descriptor(libusb_get_device(dev), &cfg))
		return -1;
	alt = &cfg->interface[0].altsetting[0];
	for (i = 0; i < alt->bNumEndpoints; i++) {
		const struct libusb_endpoint_descriptor *e = &alt->endpoint[i];

		if ((e->bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK)
			continue;
		if (e->bEndpointAddress & LIBUSB_ENDPOINT_IN)
			ep_in = e->bEndpointAddress;
		else
			ep_out = e->bEndpointAddress;
	}
	libusb_free_config_descriptor(cfg);
	return ep_in && ep_out ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const uint8_t select_cac[] = { 0x00, 0xA4, 0x04, 0x00, 0x07,
					      0xA0, 0x00, 0x00, 0x00, 0x79,
					      0x01, 0x00 };
	unsigned int vid, pid;
	uint8_t ans[CCID_HDR + 300];
	libusb_context *ctx;
	uint64_t *s;
	long n, i;

	if (argc != 4 || sscanf(argv[2], "%x:%x", &vid, &pid) != 2 ||
	    (n = strtol(argv[3], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: usbfs-bench NAME VID:PID SAMPLES\n");
		return 2;
	}
	s = calloc((size_t)n, sizeof(*s));
	if (!s || libusb_init(&ctx))
		return 1;
	dev = libusb_open_device_with_vid_pid(ctx, (uint16_t)vid,
					      (uint16_t)pid);
	if (!dev || find_endpoints() || libusb_claim_interface(dev, 0)) {
		fprintf(stderr, "usbfs-bench: %04x:%04x: cannot open or claim (a driver bound?)\n",
			vid, pid);
		return 1;
	}
	if (ccid_cmd(PC_TO_RDR_ICCPOWERON, NULL, 0, ans, sizeof(ans)) < 0) {
		fprintf(stderr, "usbfs-bench: IccPowerOn failed\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();

		if (ccid_cmd(PC_TO_RDR_XFRBLOCK, select_cac, sizeof(select_cac),
			     ans, sizeof(ans)) < 2) {
			fprintf(stderr, "usbfs-bench: XfrBlock %ld failed\n", i);
			return 1;
		}
		s[i] = bench_now_ns() - t0;
	}
	libusb_release_interface(dev, 0);
	libusb_close(dev);
	libusb_exit(ctx);
	bench_print_samples(argv[1], s, (size_t)n);
	free(s);
	return 0;
}
