// SPDX-License-Identifier: GPL-2.0
/*
 * scardattach: attach a serial smart card reader to the scard_serial line
 * discipline (compare BlueZ's btattach and slcand).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <linux/scard.h>
#include <linux/tty.h>

/* Exit codes (also in the usage text and Documentation/scard/serial.rst). */
#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NOTTY	3
#define EXIT_BUSY	4
#define EXIT_NOMODULE	5
#define EXIT_REFUSED	6
#define EXIT_NOREADER	7
#define EXIT_HANGUP	8

#define LDISC_PARAM	"/sys/module/scard_serial/parameters/ldisc"

static const char *prog = "scardattach";

static const char usage_text[] =
"usage: scardattach [-t twin|phoenix|smartmouse] [-s SPEED] [-k KHZ] [-c]\n"
"                   [-l LDISC] [-d] TTY\n"
"\n"
"Attach the serial smart card reader on TTY: set speed and framing, install\n"
"the scard_serial line discipline, select the reader protocol, print the\n"
"/dev/scardN it got, then stay until SIGINT, SIGTERM or SIGHUP (or the\n"
"line hangs up); the reader goes when scardattach does.\n"
"\n"
"  -t, --type TYPE     twin (GemPC Twin, CCID over serial; default),\n"
"                      phoenix or smartmouse (direct ISO 7816-3 reader)\n"
"  -s, --speed SPEED   twin: the line's bps (default 115200); direct\n"
"                      readers: the highest bps the port runs the card at\n"
"                      (default: the initial rate, clock / 372: no PPS)\n"
"  -k, --clock KHZ     direct readers: the card clock (default 3579)\n"
"  -c, --card-detect   direct readers: CTS low means a card is in\n"
"  -l, --ldisc N       the discipline's number (default: scard_serial's\n"
"                      ldisc parameter, else 29)\n"
"  -d, --daemon        go to the background once attached\n"
"  -h, --help          this text\n"
"\n"
"Exit status: 0 detached on a signal; 1 other failure; 2 usage; 3 no such\n"
"tty; 4 tty busy; 5 module scard_serial not loaded; 6 discipline or\n"
"protocol refused; 7 no reader answering; 8 the line hung up.\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int speed_const(unsigned long bps, speed_t *out)
{
	static const struct { unsigned long bps; speed_t c; } t[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 },
		{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
		{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].bps == bps) {
			*out = t[i].c;
			return 0;
		}
	}
	return -1;
}

/* The number the module registered, or -1 when it is not loaded. */
static int module_ldisc(void)
{
	FILE *f = fopen(LDISC_PARAM, "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

static int set_line(int fd, const char *tty, speed_t speed, int direct)
{
	struct termios tio;

	if (tcgetattr(fd, &tio) < 0) {
		fprintf(stderr, "%s: %s is not a tty: %s\n", prog, tty,
			strerror(errno));
		return EXIT_NOTTY;
	}
	cfmakeraw(&tio);
	tio.c_cflag &= ~(CSIZE | PARENB | PARODD | CRTSCTS);
	/* GemPC Twin: 8N2 (libccid); direct readers: 8E2 (ISO 7816-3). */
	tio.c_cflag |= CS8 | CSTOPB | CLOCAL | CREAD;
	if (direct)
		tio.c_cflag |= PARENB;
	tio.c_iflag = IGNBRK;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (cfsetispeed(&tio, speed) < 0 || cfsetospeed(&tio, speed) < 0 ||
	    tcsetattr(fd, TCSANOW, &tio) < 0) {
		fprintf(stderr, "%s: %s: cannot set the line: %s\n", prog, tty,
			strerror(errno));
		return EXIT_FAIL;
	}
	tcflush(fd, TCIOFLUSH);
	return 0;
}

static int attach(int fd, const char *tty, int ldisc, __u32 proto,
		  __u32 flags, const struct scard_serial_direct *direct,
		  unsigned int *index)
{
	int cur;

	if (ioctl(fd, TIOCGETD, &cur) == 0 && cur == ldisc) {
		fprintf(stderr, "%s: %s is busy: a reader is attached already\n",
			prog, tty);
		return EXIT_BUSY;
	}
	if (ioctl(fd, TIOCSETD, &ldisc) < 0) {
		int e = errno;

		if (e == EINVAL && module_ldisc() < 0)
			fprintf(stderr, "%s: line discipline %d unknown: is scard_serial loaded? (modprobe scard_serial)\n",
				prog, ldisc);
		else
			fprintf(stderr, "%s: %s refused line discipline %d: %s\n",
				prog, tty, ldisc, strerror(e));
		return e == EINVAL && module_ldisc() < 0 ? EXIT_NOMODULE :
		       EXIT_REFUSED;
	}
	if (flags && ioctl(fd, SCARD_SERIAL_IOC_SET_FLAGS, &flags) < 0) {
		fprintf(stderr, "%s: flags refused: %s\n", prog,
			strerror(errno));
		return EXIT_REFUSED;
	}
	if (direct && ioctl(fd, SCARD_SERIAL_IOC_SET_DIRECT, direct) < 0) {
		fprintf(stderr, "%s: clock or speed refused: %s\n", prog,
			strerror(errno));
		return EXIT_REFUSED;
	}
	if (ioctl(fd, SCARD_SERIAL_IOC_SET_PROTO, &proto) < 0) {
		int e = errno;

		if (e == EOPNOTSUPP && direct)
			fprintf(stderr, "%s: %s has no modem lines to reset a card with (RTS)\n",
				prog, tty);
		else if (e == ETIMEDOUT || e == EIO || e == EPROTO)
			fprintf(stderr, "%s: no reader answering on %s: %s\n",
				prog, tty, strerror(e));
		else
			fprintf(stderr, "%s: %s: protocol refused: %s\n", prog,
				tty, strerror(e));
		return e == ETIMEDOUT || e == EIO || e == EPROTO ?
		       EXIT_NOREADER : EXIT_REFUSED;
	}
	if (ioctl(fd, SCARD_SERIAL_IOC_GET_DEVICE, index) < 0) {
		fprintf(stderr, "%s: %s: no reader device: %s\n", prog, tty,
			strerror(errno));
		return EXIT_FAIL;
	}
	return 0;
}

/* Until a signal or a hangup; returns the exit code. */
static int wait_detach(int fd, const char *tty)
{
	struct sigaction sa;
	sigset_t block, old;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	while (!stop) {
		int n = ppoll(&pfd, 1, NULL, &old);

		if (n < 0 && errno != EINTR) {
			fprintf(stderr, "%s: poll: %s\n", prog,
				strerror(errno));
			ret = EXIT_FAIL;
			break;
		}
		if (n > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))) {
			fprintf(stderr, "%s: %s hung up: reader removed\n",
				prog, tty);
			ret = EXIT_HANGUP;
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "speed", required_argument, NULL, 's' },
		{ "clock", required_argument, NULL, 'k' },
		{ "card-detect", no_argument, NULL, 'c' },
		{ "ldisc", required_argument, NULL, 'l' },
		{ "daemon", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long bps = 0;
	int ldisc = -1, daemonize = 0, direct = 0, fd, c, ret, ntty = N_TTY;
	__u32 proto = SCARD_SERIAL_PROTO_TWIN, flags = 0;
	struct scard_serial_direct dcfg = { 0 };
	unsigned long khz = 0;
	unsigned int index = 0;
	const char *tty;
	speed_t speed;
	char *end;

	while ((c = getopt_long(argc, argv, "t:s:k:cl:dh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 't':
			if (!strcmp(optarg, "twin")) {
				proto = SCARD_SERIAL_PROTO_TWIN;
			} else if (!strcmp(optarg, "phoenix")) {
				proto = SCARD_SERIAL_PROTO_PHOENIX;
			} else if (!strcmp(optarg, "smartmouse")) {
				proto = SCARD_SERIAL_PROTO_SMARTMOUSE;
			} else {
				fprintf(stderr, "%s: unknown type %s\n", prog,
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			bps = strtoul(optarg, &end, 10);
			if (*end || !bps) {
				fprintf(stderr, "%s: bad speed %s\n", prog,
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			khz = strtoul(optarg, &end, 10);
			if (*end || khz < 1000 || khz > 20000) {
				fprintf(stderr, "%s: bad clock %s (1000 to 20000 kHz)\n",
					prog, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			flags |= SCARD_SERIAL_FLAG_CARD_DETECT;
			break;
		case 'l':
			ldisc = (int)strtol(optarg, &end, 10);
			if (*end || ldisc <= 0) {
				fprintf(stderr, "%s: bad ldisc %s\n", prog,
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'd':
			daemonize = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	tty = argv[optind];
	direct = proto != SCARD_SERIAL_PROTO_TWIN;
	if (direct) {
		/* The kernel sets the line from the clock: 9600 is a start. */
		dcfg.clock_khz = khz;
		dcfg.max_rate = bps;
		bps = 9600;
	} else if (khz || (flags & SCARD_SERIAL_FLAG_CARD_DETECT)) {
		fprintf(stderr, "%s: -k and -c are for direct readers\n", prog);
		return EXIT_USAGE;
	}
	if (!bps)
		bps = 115200;
	if (speed_const(bps, &speed)) {
		fprintf(stderr, "%s: unsupported speed %lu\n", prog, bps);
		return EXIT_USAGE;
	}
	if (ldisc < 0)
		ldisc = module_ldisc();
	if (ldisc < 0)
		ldisc = SCARD_SERIAL_LDISC_DEFAULT;

	fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		fprintf(stderr, "%s: %s: %s\n", prog, tty, strerror(e));
		return e == ENOENT || e == ENXIO || e == ENODEV ? EXIT_NOTTY :
		       e == EBUSY ? EXIT_BUSY : EXIT_FAIL;
	}
	/* The reader's bytes go to the kernel, nobody else opens it. */
	if (ioctl(fd, TIOCEXCL) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, tty, strerror(errno));
		close(fd);
		return EXIT_NOTTY;
	}
	ret = set_line(fd, tty, speed, direct);
	if (!ret && !direct) {
		/* libccid: keeps the reader from sending a PnP string. */
		int rts = TIOCM_RTS;

		ioctl(fd, TIOCMBIC, &rts);
	}
	if (!ret)
		ret = attach(fd, tty, ldisc, proto, flags,
			     direct ? &dcfg : NULL, &index);
	if (ret) {
		ioctl(fd, TIOCSETD, &ntty);
		close(fd);
		return ret;
	}

	printf("/dev/scard%u\n", index);
	fflush(stdout);
	if (daemonize && daemon(0, 0) < 0) {
		fprintf(stderr, "%s: daemon: %s\n", prog, strerror(errno));
		ioctl(fd, TIOCSETD, &ntty);
		close(fd);
		return EXIT_FAIL;
	}

	ret = wait_detach(fd, tty);
	/* Back to N_TTY: the discipline closes and the reader goes. */
	ioctl(fd, TIOCSETD, &ntty);
	close(fd);
	return ret;
}
