// SPDX-License-Identifier: GPL-2.0
/*
 * scard-vicc-bridge: a vproxy reader (APDU level) whose card is vsmartcard's
 * vicc, reached over the vpcd protocol.
 *
 *   scard-vicc-bridge --device /dev/ttyS3 | --listen PORT | --connect HOST:PORT
 *                     [--name NAME] [--timeout MS] [--ready-fd N] [-v]
 *   scard-vicc-bridge ... --probe APDU...   (no reader: talk to vicc only)
 *
 * vpcd protocol (vsmartcard's vpcd.c / VirtualSmartcard.py): every message
 * is a 2-byte big-endian length and the payload. A 1-byte payload from the
 * reader side is a control code: 0 power off, 1 power on, 2 reset, 4 get
 * ATR (vicc answers with the ATR as a normal message; no answer to the
 * others). Any longer payload is a command APDU, answered with the
 * response APDU. vicc is the TCP client; with --device the stream is a
 * serial line (raw mode) whose other end QEMU connects to vicc.
 *
 * Prints "scardN" on stdout (or --ready-fd) once the reader exists. A vicc
 * that does not answer within --timeout (2000 ms) makes the request fail
 * with ETIMEDOUT (a mute card).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vproxy.h"

#define VPCD_OFF	0
#define VPCD_ON		1
#define VPCD_RESET	2
#define VPCD_ATR	4

static int verbose, timeout_ms = 2000;
static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void dump(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	if (!verbose)
		return;
	fprintf(stderr, "vicc-bridge: %s (%zu):", what, n);
	for (i = 0; i < n && i < 48; i++)
		fprintf(stderr, " %02X", p[i]);
	fprintf(stderr, "%s\n", n > 48 ? " ..." : "");
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read exactly @n bytes before @deadline; 0, -ETIMEDOUT, -EPIPE. */
static int read_full(int fd, uint8_t *p, size_t n, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t r;

	while (n) {
		long long left = deadline - now_ms();

		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : -ETIMEDOUT;
		r = read(fd, p, n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -EPIPE;
		p += r;
		n -= r;
	}
	return 0;
}

static int write_full(int fd, const uint8_t *p, size_t n)
{
	ssize_t r;

	while (n) {
		r = write(fd, p, n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -EPIPE;
		p += r;
		n -= r;
	}
	return 0;
}

static int vpcd_send(int fd, const uint8_t *p, size_t n)
{
	uint8_t hdr[2] = { n >> 8, n & 0xff };

	dump("to vicc", p, n);
	return write_full(fd, hdr, 2) ?: write_full(fd, p, n);
}

/* One message from vicc into @p (@size bytes); its length or -errno. */
static int vpcd_recv(int fd, uint8_t *p, size_t size)
{
	long long deadline = now_ms() + timeout_ms;
	uint8_t hdr[2];
	size_t n;
	int ret;

	ret = read_full(fd, hdr, 2, deadline);
	if (ret)
		return ret;
	n = hdr[0] << 8 | hdr[1];
	if (n > size)
		return -EMSGSIZE;
	ret = read_full(fd, p, n, deadline);
	if (ret)
		return ret;
	dump("from vicc", p, n);
	return (int)n;
}

static int vpcd_ctrl(int fd, uint8_t code)
{
	return vpcd_send(fd, &code, 1);
}

static int vpcd_atr(int fd, int reset, uint8_t *atr, size_t size)
{
	int ret = vpcd_ctrl(fd, reset ? VPCD_RESET : VPCD_ON);

	if (!ret)
		ret = vpcd_ctrl(fd, VPCD_ATR);
	if (!ret)
		ret = vpcd_recv(fd, atr, size);
	return ret;
}

static int open_serial(const char *dev)
{
	struct termios t;
	int fd = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(fd, TCSANOW, &t);
	}
	tcflush(fd, TCIOFLUSH);
	return fd;
}

static int open_listen(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s, c, one = 1;

	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (void *)&a, sizeof(a)) || listen(s, 1)) {
		c = -errno;
		close(s);
		return c;
	}
	fprintf(stderr, "vicc-bridge: waiting for vicc on 127.0.0.1:%d\n",
		port);
	c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		c = -errno;
	close(s);
	return c;
}

static int open_connect(const char *hostport)
{
	char host[256], *colon;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int s, ret;

	snprintf(host, sizeof(host), "%s", hostport);
	colon = strrchr(host, ':');
	if (!colon)
		return -EINVAL;
	*colon = 0;
	ret = getaddrinfo(host, colon + 1, &hints, &ai);
	if (ret)
		return -EHOSTUNREACH;
	s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, ai->ai_addr, ai->ai_addrlen)) {
		ret = -errno;
		if (s >= 0)
			close(s);
		freeaddrinfo(ai);
		return ret;
	}
	freeaddrinfo(ai);
	return s;
}

static int probe(int io, char **apdus, int n)
{
	static uint8_t buf[65538 + 16];
	int i, len, k, ret = 0;

	len = vpcd_atr(io, 0, buf, sizeof(buf));
	if (len < 0) {
		fprintf(stderr, "vicc-bridge: ATR: %s\n", strerror(-len));
		return 1;
	}
	printf("ATR");
	for (k = 0; k < len; k++)
		printf(" %02X", buf[k]);
	printf("\n");
	for (i = 0; i < n; i++) {
		const char *s = apdus[i];

		for (len = 0; s[0] && s[1] && len < (int)sizeof(buf); s += 2)
			if (sscanf(s, "%2hhx", &buf[len++]) != 1)
				return 2;
		if (vpcd_send(io, buf, len) ||
		    (len = vpcd_recv(io, buf, sizeof(buf))) < 0) {
			fprintf(stderr, "vicc-bridge: %s: no answer\n",
				apdus[i]);
			ret = 1;
			continue;
		}
		printf("%s ->", apdus[i]);
		for (k = 0; k < len; k++)
			printf(" %02X", buf[k]);
		printf("\n");
	}
	vpcd_ctrl(io, VPCD_OFF);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scard-vicc-bridge --device TTY | --listen PORT | --connect HOST:PORT\n"
		"       [--name NAME] [--timeout MS] [--ready-fd N] [-v] [--probe APDU...]\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "connect", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ready-fd", required_argument, NULL, 'r' },
		{ "probe", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t buf[SCARD_VPROXY_MAX_PAYLOAD], ans[65538 + 16];
	const char *device = NULL, *connect_to = NULL, *name = "vicc";
	struct scard_vproxy_new_dev req, got;
	struct scard_vproxy_msg m;
	struct sigaction sa;
	struct pollfd pfd;
	int c, io, fd, listen_port = 0, ready_fd = 1, do_probe = 0, n, st;
	size_t alen;
	FILE *ready;

	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			device = optarg;
			break;
		case 'l':
			listen_port = atoi(optarg);
			break;
		case 'c':
			connect_to = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 't':
			timeout_ms = atoi(optarg);
			break;
		case 'r':
			ready_fd = atoi(optarg);
			break;
		case 'p':
			do_probe = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!!device + !!listen_port + !!connect_to != 1 ||
	    (optind != argc && !do_probe)) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (device)
		io = open_serial(device);
	else if (listen_port)
		io = open_listen(listen_port);
	else
		io = open_connect(connect_to);
	if (io < 0) {
		fprintf(stderr, "vicc-bridge: %s: %s\n",
			device ? device : connect_to ? connect_to : "listen",
			strerror(-io));
		return 1;
	}
	if (do_probe)
		return probe(io, argv + optind, argc - optind);

	memset(&req, 0, sizeof(req));
	req.flags = SCARD_VPROXY_FLAG_CARD_PRESENT;
	req.level = SCARD_VPROXY_LEVEL_APDU;
	req.protocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
	req.timeout_ms = timeout_ms + 3000;
	snprintf((char *)req.name, sizeof(req.name), "%s", name);
	fd = scard_vproxy_create(&req, &got);
	if (fd < 0) {
		fprintf(stderr, "vicc-bridge: %s: %s\n", SCARD_VPROXY_CTL_PATH,
			strerror(-fd));
		return fd == -ENOENT || fd == -ENODEV ? 4 : 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	ready = fdopen(dup(ready_fd), "w");
	if (ready) {
		fprintf(ready, "scard%u\n", got.index);
		fclose(ready);
	}

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!quit) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (pfd.revents & (POLLHUP | POLLERR))
			break;
		n = scard_vproxy_read_request(fd, &m, buf, sizeof(buf));
		if (n == -EAGAIN || n == -EINTR)
			continue;
		if (n < 0)
			break;
		alen = 0;
		st = 0;
		switch (m.type) {
		case SCARD_VPROXY_POWER:
			if (m.arg == SCARD_POWER_DOWN) {
				st = vpcd_ctrl(io, VPCD_OFF);
				break;
			}
			st = vpcd_atr(io, m.arg == SCARD_WARM_RESET, ans, 33);
			if (st >= 0) {
				alen = st;
				st = 0;
			}
			break;
		case SCARD_VPROXY_XFR:
			st = vpcd_send(io, buf, n);
			if (!st)
				st = vpcd_recv(io, ans, sizeof(ans));
			if (st >= 0) {
				alen = st;
				st = 0;
			}
			break;
		case SCARD_VPROXY_PARAMS:
			break;
		default:
			st = -EINVAL;
			break;
		}
		if (st == -EPIPE || st == -EMSGSIZE)
			st = -ETIMEDOUT;
		if (st && verbose)
			fprintf(stderr, "vicc-bridge: %s: %s\n",
				scard_vproxy_type_name(m.type), strerror(-st));
		scard_vproxy_reply(fd, &m, st, ans, st ? 0 : alen);
	}
	close(fd);
	close(io);
	return 0;
}
