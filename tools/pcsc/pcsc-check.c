// SPDX-License-Identifier: GPL-2.0
/*
 * pcsc-check: a small PC/SC client for the IFD handler's tests (the
 * scenario pcsc-ifd). It talks to pcscd through libpcsclite only, as any
 * PC/SC application does:
 *
 *   pcsc-check list                 the readers, one per line
 *   pcsc-check [-r NAME] atr        wait for a card, print its ATR
 *   pcsc-check [-r NAME] features   GET_FEATURE_REQUEST (part 10) TLVs
 *   pcsc-check [-r NAME] verify-pin APDU   secure PIN entry as a PC/SC
 *       application does it: the reader's VERIFY_PIN_DIRECT control code
 *       from GET_FEATURE_REQUEST, a PIN_VERIFY_STRUCTURE (host byte
 *       order, ASCII digits, 4 to 8, no PIN block: the reader sets Lc)
 *       for the APDU header (hex, 4 bytes); prints the card's response
 *   pcsc-check [-r NAME] wait present|absent [SECONDS]
 *   pcsc-check [-r NAME] transmit APDU...   hex; prints each response
 *   pcsc-check [-r NAME] survive FILE APDU  connect, transmit; wait for
 *       FILE to exist (the test pulls the reader meanwhile), transmit on
 *       the old handle and print the error, then look for the reader
 *       again (by NAME: a hotplugged reader's name changes), connect and
 *       transmit: what an application does when its reader came back
 *
 * NAME: the first reader whose name contains it (default: the first).
 * Exit status: 0 done, 1 a PC/SC call failed (its error printed), 2 usage,
 * 3 no reader, 4 timed out.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <winscard.h>
#include <reader.h>

static SCARDCONTEXT ctx;
static char reader[256];

static int fail(const char *what, LONG rv)
{
	fprintf(stderr, "pcsc-check: %s: %s (0x%lX)\n", what,
		pcsc_stringify_error(rv), (unsigned long)rv);
	return 1;
}

static void hex(const BYTE *b, DWORD n)
{
	DWORD i;

	for (i = 0; i < n; i++)
		printf("%s%02X", i ? " " : "", b[i]);
	printf("\n");
}

static long parse_hex(const char *s, BYTE *out, size_t size)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == ' ' || *s == ':')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			v = *s - 'A' + 10;
		else
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == size)
			return -1;
		out[n++] = (BYTE)(hi << 4 | v);
		hi = -1;
	}
	return hi < 0 ? (long)n : -1;
}

/* The reader to use, into reader[]; 0, or an exit status. */
static int pick(const char *want, int print_all)
{
	char *list = NULL, *p;
	DWORD len = SCARD_AUTOALLOCATE;
	LONG rv;

	rv = SCardListReaders(ctx, NULL, (LPSTR)&list, &len);
	if (rv == SCARD_E_NO_READERS_AVAILABLE) {
		fprintf(stderr, "pcsc-check: no reader\n");
		return 3;
	}
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardListReaders", rv);
	reader[0] = 0;
	for (p = list; *p; p += strlen(p) + 1) {
		if (print_all)
			printf("%s\n", p);
		if (!reader[0] && (!want || strstr(p, want)))
			snprintf(reader, sizeof(reader), "%s", p);
	}
	SCardFreeMemory(ctx, list);
	if (!reader[0]) {
		fprintf(stderr, "pcsc-check: no reader matches %s\n", want);
		return 3;
	}
	return 0;
}

/* Wait until the card is present (or absent) for at most @secs. */
static int wait_card(int present, int secs)
{
	SCARD_READERSTATE rs = { .szReader = reader,
				 .dwCurrentState = SCARD_STATE_UNAWARE };
	DWORD want = present ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY;
	int left = secs * 10;
	LONG rv;

	for (;;) {
		rv = SCardGetStatusChange(ctx, 100, &rs, 1);
		if (rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
			return fail("SCardGetStatusChange", rv);
		if (rs.dwEventState & want)
			return 0;
		rs.dwCurrentState = rs.dwEventState & ~SCARD_STATE_CHANGED;
		if (--left <= 0) {
			fprintf(stderr, "pcsc-check: timed out\n");
			return 4;
		}
	}
}

static int connect_card(SCARDHANDLE *h, DWORD *proto)
{
	LONG rv;
	int ret = wait_card(1, 10);

	if (ret)
		return ret;
	rv = SCardConnect(ctx, reader, SCARD_SHARE_SHARED,
			  SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, h, proto);
	return rv == SCARD_S_SUCCESS ? 0 : fail("SCardConnect", rv);
}

static int cmd_atr(void)
{
	BYTE atr[MAX_ATR_SIZE];
	DWORD atr_len = sizeof(atr), state, proto, rlen = 0;
	SCARDHANDLE h;
	LONG rv;
	int ret = connect_card(&h, &proto);

	if (ret)
		return ret;
	rv = SCardStatus(h, NULL, &rlen, &state, &proto, atr, &atr_len);
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardStatus", rv);
	hex(atr, atr_len);
	return 0;
}

static int cmd_features(void)
{
	BYTE out[256];
	DWORD n = 0, proto;
	SCARDHANDLE h;
	LONG rv;
	int ret = connect_card(&h, &proto);

	if (ret)
		return ret;
	rv = SCardControl(h, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, out,
			  sizeof(out), &n);
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardControl(GET_FEATURE_REQUEST)", rv);
	printf("%lu bytes\n", (unsigned long)n);
	if (n)
		hex(out, n);
	return 0;
}

/* The control code GET_FEATURE_REQUEST gives for @tag, 0 if none. */
static DWORD feature_code(SCARDHANDLE h, BYTE tag)
{
	BYTE out[256];
	DWORD n = 0, i;

	if (SCardControl(h, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, out,
			 sizeof(out), &n) != SCARD_S_SUCCESS)
		return 0;
	for (i = 0; i + 6 <= n; i += 6)
		if (out[i] == tag && out[i + 1] == 4)
			return (DWORD)out[i + 2] << 24 | out[i + 3] << 16 |
			       out[i + 4] << 8 | out[i + 5];
	return 0;
}

static int cmd_verify_pin(const char *hdr)
{
	BYTE buf[sizeof(PIN_VERIFY_STRUCTURE) + 8], resp[258];
	PIN_VERIFY_STRUCTURE *v = (PIN_VERIFY_STRUCTURE *)buf;
	DWORD proto, n = 0, code;
	SCARDHANDLE h;
	LONG rv;
	int ret;

	memset(buf, 0, sizeof(buf));
	if (parse_hex(hdr, v->abData, 4) != 4) {
		fprintf(stderr, "pcsc-check: bad APDU header %s\n", hdr);
		return 2;
	}
	ret = connect_card(&h, &proto);
	if (ret)
		return ret;
	code = feature_code(h, FEATURE_VERIFY_PIN_DIRECT);
	if (!code) {
		SCardDisconnect(h, SCARD_LEAVE_CARD);
		fprintf(stderr, "pcsc-check: no VERIFY_PIN_DIRECT feature\n");
		return 1;
	}
	v->bTimerOut = 30;
	v->bmFormatString = 0x82;	/* bytes, position 0, left, ASCII */
	v->wPINMaxExtraDigit = 0x0408;
	v->bEntryValidationCondition = 0x02;
	v->bNumberMessage = 0x01;
	v->wLangId = 0x0409;
	v->abData[4] = 0;		/* Lc: the reader's */
	v->ulDataLength = 5;
	rv = SCardControl(h, code, buf,
			  offsetof(PIN_VERIFY_STRUCTURE, abData) + 5, resp,
			  sizeof(resp), &n);
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardControl(VERIFY_PIN_DIRECT)", rv);
	hex(resp, n);
	return 0;
}

static int cmd_transmit(int argc, char **argv)
{
	BYTE apdu[261], resp[258];
	DWORD proto, n;
	SCARDHANDLE h;
	long len;
	LONG rv;
	int i, ret = connect_card(&h, &proto);

	if (ret)
		return ret;
	for (i = 0; i < argc; i++) {
		len = parse_hex(argv[i], apdu, sizeof(apdu));
		if (len < 4) {
			fprintf(stderr, "pcsc-check: bad APDU %s\n", argv[i]);
			SCardDisconnect(h, SCARD_LEAVE_CARD);
			return 2;
		}
		n = sizeof(resp);
		rv = SCardTransmit(h, proto == SCARD_PROTOCOL_T1 ?
				   SCARD_PCI_T1 : SCARD_PCI_T0, apdu,
				   (DWORD)len, NULL, resp, &n);
		if (rv != SCARD_S_SUCCESS) {
			SCardDisconnect(h, SCARD_LEAVE_CARD);
			return fail("SCardTransmit", rv);
		}
		hex(resp, n);
	}
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	return 0;
}

static int transmit_one(SCARDHANDLE h, DWORD proto, const BYTE *apdu,
			DWORD len, LONG *rv)
{
	BYTE resp[258];
	DWORD n = sizeof(resp);

	*rv = SCardTransmit(h, proto == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 :
			    SCARD_PCI_T0, apdu, len, NULL, resp, &n);
	if (*rv == SCARD_S_SUCCESS)
		hex(resp, n);
	return *rv == SCARD_S_SUCCESS ? 0 : 1;
}

static int cmd_survive(const char *want, const char *file,
		       const char *apdu_hex)
{
	BYTE apdu[261];
	DWORD proto;
	SCARDHANDLE h;
	long len = parse_hex(apdu_hex, apdu, sizeof(apdu));
	int i, ret;
	LONG rv;

	if (len < 4)
		return 2;
	ret = connect_card(&h, &proto);
	if (ret)
		return ret;
	if (transmit_one(h, proto, apdu, (DWORD)len, &rv))
		return fail("SCardTransmit before", rv);
	for (i = 0; i < 600; i++) {
		FILE *f = fopen(file, "r");

		if (f) {
			fclose(f);
			break;
		}
		usleep(100000);
	}
	if (!transmit_one(h, proto, apdu, (DWORD)len, &rv)) {
		fprintf(stderr, "pcsc-check: the old handle still works\n");
		return 1;
	}
	printf("old handle: %s\n", pcsc_stringify_error(rv));
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	/* A hotplugged reader comes back under a new name (its serial). */
	ret = pick(want, 0);
	if (ret)
		return ret;
	printf("reconnecting to: %s\n", reader);
	ret = connect_card(&h, &proto);
	if (ret)
		return ret;
	ret = transmit_one(h, proto, apdu, (DWORD)len, &rv);
	SCardDisconnect(h, SCARD_LEAVE_CARD);
	return ret ? fail("SCardTransmit after reconnecting", rv) : 0;
}

int main(int argc, char **argv)
{
	const char *want = NULL;
	LONG rv;
	int ret;

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		want = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: pcsc-check [-r NAME] list|atr|features|verify-pin HDR|wait present|absent [S]|transmit APDU...|survive FILE APDU\n");
		return 2;
	}
	rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
	if (rv != SCARD_S_SUCCESS)
		return fail("SCardEstablishContext", rv);
	ret = pick(want, !strcmp(argv[1], "list"));
	if (!ret) {
		if (!strcmp(argv[1], "list"))
			ret = 0;
		else if (!strcmp(argv[1], "atr"))
			ret = cmd_atr();
		else if (!strcmp(argv[1], "features"))
			ret = cmd_features();
		else if (!strcmp(argv[1], "wait") && argc >= 3)
			ret = wait_card(!strcmp(argv[2], "present"),
					argc > 3 ? atoi(argv[3]) : 10);
		else if (!strcmp(argv[1], "verify-pin") && argc == 3)
			ret = cmd_verify_pin(argv[2]);
		else if (!strcmp(argv[1], "transmit"))
			ret = cmd_transmit(argc - 2, argv + 2);
		else if (!strcmp(argv[1], "survive") && argc == 4)
			ret = cmd_survive(want, argv[2], argv[3]);
		else
			ret = 2;
	}
	SCardReleaseContext(ctx);
	return ret;
}
