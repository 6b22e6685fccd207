// SPDX-License-Identifier: GPL-2.0
/*
 * pcsc-bench: SCardTransmit latency through pcscd, for make bench's paths
 * through PC/SC (pcscd with scard's IFD handler, pcscd with libccid; see
 * tools/testing/vm/guest/bench.sh and Documentation/scard/performance.rst).
 *
 *   pcsc-bench NAME READER SAMPLES
 *
 * Connects (shared, T=0 or T=1) to the first reader whose name contains
 * READER (waiting up to 20 s for it and its card), sends the CAC SELECT
 * that scard-bench's "ccid" path sends, SAMPLES times, and prints
 * "samples NAME v1 v2 ..." lines (nanoseconds), as scard-bench does.
 * Exit status: 0, 1 when a PC/SC call failed, 2 usage, 3 no reader.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <winscard.h>

#include "bench.h"

static int fail(const char *what, LONG rv)
{
	fprintf(stderr, "pcsc-bench: %s: %s\n", what, pcsc_stringify_error(rv));
	return 1;
}

/* The first reader whose name contains @want, with a card, into @out. */
static int find_reader(SCARDCONTEXT ctx, const char *want, char *out,
		       size_t size)
{
	int tries;

	for (tries = 0; tries < 80; tries++) {
		char *list = NULL, *p;
		DWORD len = SCARD_AUTOALLOCATE;

		if (SCardListReaders(ctx, NULL, (LPSTR)&list, &len) ==
		    SCARD_S_SUCCESS) {
			for (p = list; *p; p += strlen(p) + 1) {
				SCARD_READERSTATE rs = { .szReader = p };

				if (!strstr(p, want))
					continue;
				if (SCardGetStatusChange(ctx, 0, &rs, 1) ==
				    SCARD_S_SUCCESS &&
				    (rs.dwEventState & SCARD_STATE_PRESENT)) {
					snprintf(out, size, "%s", p);
					SCardFreeMemory(ctx, list);
					return 0;
				}
			}
			SCardFreeMemory(ctx, list);
		}
		usleep(250000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const BYTE select_cac[] = { 0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0,
					   0x00, 0x00, 0x00, 0x79, 0x01,
					   0x00 };
	const SCARD_IO_REQUEST *pci;
	BYTE resp[258];
	char reader[256];
	SCARDCONTEXT ctx;
	SCARDHANDLE h;
	uint64_t *s;
	DWORD proto, rlen;
	long n, i;
	LONG rv;

	if (argc != 4 || (n = strtol(argv[3], NULL, 0)) <= 0) {
		fprintf(stderr, "usage: pcsc-bench NAME READER SAMPLES\n");
		return 2;
	}
	s = calloc((size_t)n, sizeof(*s));
	if (!s)
		return 1;
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardEstablishContext", rv);
	if (find_reader(ctx, argv[2], reader, sizeof(reader))) {
		fprintf(stderr, "pcsc-bench: no reader with a card matches %s\n",
			argv[2]);
		return 3;
	}
	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &h, &proto);
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardConnect", rv);
	pci = proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
	for (i = 0; i < n; i++) {
		uint64_t t0 = bench_now_ns();

		rlen = sizeof(resp);
		rv = SCardTransmit(h, pci, select_cac, sizeof(select_cac), NULL,
				   resp, &rlen);
		if (rv != SCARD_S_SUCCESS)
			return fail("SCardTransmit", rv);
		s[i] = bench_now_ns() - t0;
	}
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	SCardReleaseContext(ctx);
	bench_print_samples(argv[1], s, (size_t)n);
	fprintf(stderr, "pcsc-bench: %s: %ld samples on %s\n", argv[1], n,
		reader);
	free(s);
	return 0;
}
