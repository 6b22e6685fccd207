// SPDX-License-Identifier: GPL-2.0
/*
 * The pcsc-lite IFD handler (tools/pcsc/libifd_scard.so) loaded as pcscd
 * loads it, dlopen(), on a host without readers: the device names it
 * refuses and accepts (Documentation/scard/pcsc.rst, "Hotplug"), a
 * reader.conf.d entry whose reader is absent (listed without a card, every
 * card operation IFD_NO_SUCH_DEVICE), the polling thread's function while
 * the reader is absent and its stop, channels closed. With --vproxy (in
 * the VM, as root, scard_vproxy loaded) a reader that comes with its card
 * between pcscd's IFDHICCPresence() and its call of the polling function:
 * that call returns at once, so pcscd asks again and sees the card. One
 * line per test: "PASS <name>" or "FAIL <name>: <why>"; exit 1 if
 * anything failed.
 *
 *   ifd_unit PATH/libifd_scard.so [--vproxy]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ifdhandler.h>

#include "vproxy.h"

typedef RESPONSECODE (*create_fn)(DWORD, LPSTR);
typedef RESPONSECODE (*lun_fn)(DWORD);
typedef RESPONSECODE (*caps_fn)(DWORD, DWORD, PDWORD, PUCHAR);
typedef RESPONSECODE (*power_fn)(DWORD, DWORD, PUCHAR, PDWORD);
typedef RESPONSECODE (*xmit_fn)(DWORD, SCARD_IO_HEADER, PUCHAR, DWORD,
				PUCHAR, PDWORD, PSCARD_IO_HEADER);
typedef RESPONSECODE (*poll_fn)(DWORD, int);

static create_fn create;
static lun_fn close_chan, presence;
static caps_fn get_caps;
static power_fn power;
static xmit_fn xmit;
static int failed;
static const char *group = "";	/* prefix of the test names */

#define EXPECT(name, cond) do { \
	if (cond) { \
		printf("PASS %s%s\n", group, name); \
	} else { \
		printf("FAIL %s%s: line %d: %s\n", group, name, __LINE__, \
		       #cond); \
		failed = 1; \
	} \
} while (0)

/* Names CreateChannelByName refuses, and with which code. */
static const struct {
	const char *desc;
	DWORD lun;
	const char *name;
	RESPONSECODE rc;
} refused[] = {
	{ "a libusb-style USB name", 0, "usb:08e6/4433", IFD_COMMUNICATION_ERROR },
	{ "a USB name without a device node", 0,
	  "usb:08e6/4433:libudev:0:/nonexistent/bus/usb/001/002",
	  IFD_NO_SUCH_DEVICE },
	{ "a USB name whose node is no USB device", 0,
	  "usb:08e6/4433:libudev:0:/dev/null", IFD_NO_SUCH_DEVICE },
	{ "an empty vproxy name", 0, "scard:vproxy=", IFD_COMMUNICATION_ERROR },
	{ "an empty tty name", 0, "scard:tty=", IFD_COMMUNICATION_ERROR },
	{ "an empty path", 0, "", IFD_COMMUNICATION_ERROR },
	{ "slot 1 of a one-slot entry", 1, "scard:tty=ttyS0",
	  IFD_COMMUNICATION_ERROR },
	{ "a slot beyond pcscd's readers", 0x10, "/dev/scard0",
	  IFD_COMMUNICATION_ERROR },
	{ "a file that is no reader", 0, "/dev/null", IFD_COMMUNICATION_ERROR },
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_refused(void)
{
	char name[128];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		RESPONSECODE rc = create(refused[i].lun,
					 (LPSTR)refused[i].name);

		snprintf(name, sizeof(name), "refuses %s", refused[i].desc);
		EXPECT(name, rc == refused[i].rc);
		if (rc == IFD_SUCCESS)
			close_chan(refused[i].lun);
	}
	EXPECT("refuses a NULL name", create(0, NULL) != IFD_SUCCESS);
}

/* A reader.conf.d entry whose reader does not exist (yet). */
static void test_absent(const char *devname)
{
	const DWORD lun = 0x20000;
	UCHAR buf[64], atr[33];
	DWORD len = sizeof(buf), rx = sizeof(buf);
	SCARD_IO_HEADER pci = { 1, 8 };
	UCHAR apdu[] = { 0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00 };
	poll_fn poll_cb = NULL;
	lun_fn stop_cb = NULL;
	char prefix[96];
	double t;

	snprintf(prefix, sizeof(prefix), "%s: ", devname);
	group = prefix;
	EXPECT("accepted while absent", create(lun, (LPSTR)devname) == IFD_SUCCESS);
	EXPECT("the same Lun twice is refused",
	       create(lun, (LPSTR)devname) == IFD_COMMUNICATION_ERROR);
	EXPECT("absent reader: no card",
	       presence(lun) == IFD_ICC_NOT_PRESENT);
	EXPECT("absent reader: one slot",
	       get_caps(lun, TAG_IFD_SLOTS_NUMBER, &len, buf) == IFD_SUCCESS &&
	       len == 1 && buf[0] == 1);
	len = sizeof(atr);
	EXPECT("absent reader: power up is IFD_NO_SUCH_DEVICE",
	       power(lun, IFD_POWER_UP, atr, &len) == IFD_NO_SUCH_DEVICE &&
	       len == 0);
	EXPECT("absent reader: transmit is IFD_NO_SUCH_DEVICE, nothing back",
	       xmit(lun, pci, apdu, sizeof(apdu), buf, &rx, NULL) ==
	       IFD_NO_SUCH_DEVICE && rx == 0);
	len = sizeof(poll_cb);
	get_caps(lun, TAG_IFD_POLLING_THREAD_WITH_TIMEOUT, &len,
		 (PUCHAR)&poll_cb);
	len = sizeof(stop_cb);
	get_caps(lun, TAG_IFD_STOP_POLLING_THREAD, &len, (PUCHAR)&stop_cb);
	EXPECT("polling functions offered", poll_cb && stop_cb);
	if (poll_cb && stop_cb) {
		t = now();
		EXPECT("absent reader: the polling function returns by the timeout",
		       poll_cb(lun, 200) == IFD_SUCCESS && now() - t < 1.0);
		EXPECT("stop polling", stop_cb(lun) == IFD_SUCCESS);
		t = now();
		EXPECT("stopped: the polling function returns at once",
		       poll_cb(lun, 5000) == IFD_SUCCESS && now() - t < 1.0);
	}
	EXPECT("close the channel", close_chan(lun) == IFD_SUCCESS);
	EXPECT("closed: the Lun is unknown",
	       presence(lun) == IFD_NO_SUCH_DEVICE &&
	       close_chan(lun) == IFD_COMMUNICATION_ERROR);
	group = "";
}

/* Wait up to 10 s for /dev/scard@index's state to read @want. */
static int wait_state(unsigned int index, const char *want)
{
	char path[64], buf[32] = "";
	double end = now() + 10;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/scard/scard%u/state", index);
	while (now() < end) {
		f = fopen(path, "r");
		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = 0;
			fclose(f);
			buf[strcspn(buf, "\n")] = 0;
			if (!strcmp(buf, want))
				return 0;
		}
		usleep(20000);
	}
	return -1;
}

/*
 * pcscd's polling thread asks IFDHICCPresence() (no reader yet: no
 * card), then calls the polling function; the reader came in between,
 * its card in. The polling function must not wait for that card's
 * removal, which would keep pcscd from ever seeing it: it returns at
 * once, and IFDHICCPresence() then says present.
 */
static void test_late_vproxy(void)
{
	const DWORD lun = 0x30000;
	struct scard_vproxy_new_dev nd = {
		.level = SCARD_VPROXY_LEVEL_APDU,
		.protocols = SCARD_PROTOCOL_T0,
		.name = "ifd-unit-late",
	};
	poll_fn poll_cb = NULL;
	DWORD len = sizeof(poll_cb);
	double t;
	int fd;

	group = "late vproxy reader: ";
	EXPECT("entry accepted before the reader exists",
	       create(lun, "scard:vproxy=ifd-unit-late") == IFD_SUCCESS);
	EXPECT("no card while there is no reader",
	       presence(lun) == IFD_ICC_NOT_PRESENT);
	get_caps(lun, TAG_IFD_POLLING_THREAD_WITH_TIMEOUT, &len,
		 (PUCHAR)&poll_cb);
	fd = scard_vproxy_create(&nd, &nd);
	EXPECT("reader created with its card",
	       fd >= 0 && !scard_vproxy_card_event(fd, 1) &&
	       !wait_state(nd.index, "present"));
	if (fd >= 0 && poll_cb) {
		t = now();
		EXPECT("the polling function returns at once for a card pcscd has not seen",
		       poll_cb(lun, 5000) == IFD_SUCCESS && now() - t < 2.0);
		EXPECT("then IFDHICCPresence() says present",
		       presence(lun) == IFD_ICC_PRESENT);
		scard_vproxy_card_event(fd, 0);
		EXPECT("card removed", !wait_state(nd.index, "absent"));
		t = now();
		EXPECT("the removal: the polling function returns at once",
		       poll_cb(lun, 5000) == IFD_SUCCESS && now() - t < 2.0);
		EXPECT("then no card", presence(lun) == IFD_ICC_NOT_PRESENT);
	}
	if (fd >= 0)
		close(fd);
	EXPECT("close the channel", close_chan(lun) == IFD_SUCCESS);
	group = "";
}

int main(int argc, char **argv)
{
	int vproxy = argc == 3 && !strcmp(argv[2], "--vproxy");
	void *h;

	if (argc != 2 && !vproxy) {
		fprintf(stderr, "usage: ifd_unit LIBIFD [--vproxy]\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("FAIL dlopen: %s\n", dlerror());
		return 1;
	}
	create = (create_fn)dlsym(h, "IFDHCreateChannelByName");
	close_chan = (lun_fn)dlsym(h, "IFDHCloseChannel");
	presence = (lun_fn)dlsym(h, "IFDHICCPresence");
	get_caps = (caps_fn)dlsym(h, "IFDHGetCapabilities");
	power = (power_fn)dlsym(h, "IFDHPowerICC");
	xmit = (xmit_fn)dlsym(h, "IFDHTransmitToICC");
	EXPECT("exports the IFD handler v3 functions",
	       create && close_chan && presence && get_caps && power && xmit &&
	       dlsym(h, "IFDHCreateChannel") && dlsym(h, "IFDHControl") &&
	       dlsym(h, "IFDHSetProtocolParameters") &&
	       dlsym(h, "IFDHSetCapabilities"));
	EXPECT("exports nothing else", !dlsym(h, "scard_open") &&
	       !dlsym(h, "ifd_poll"));
	if (!create || !close_chan || !presence || !get_caps || !power || !xmit)
		return 1;
	if (vproxy) {
		test_late_vproxy();
	} else {
		test_refused();
		test_absent("scard:vproxy=ifd-unit-absent");
		test_absent("scard:tty=ttyifdunit");
	}
	dlclose(h);
	return failed;
}
