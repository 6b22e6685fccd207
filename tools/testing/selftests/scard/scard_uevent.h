/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receiving the kernel's uevents in the scard kselftests: the change
 * uevents /dev/scardN sends on card insertion and removal.
 */
#ifndef SCARD_SELFTEST_UEVENT_H
#define SCARD_SELFTEST_UEVENT_H

#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>

/* A socket receiving the kernel's uevents, or -1. */
static inline int uevent_socket(void)
{
	struct sockaddr_nl addr = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,	/* the kernel's broadcast group */
	};
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
		    NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Wait up to @ms for a "change" uevent of @dev carrying @var ("KEY=value").
 * A uevent is "action@devpath\0KEY=value\0...".
 */
static inline int wait_uevent(int fd, const char *dev, const char *var, int ms)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char buf[4096], suffix[48];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	snprintf(suffix, sizeof(suffix), "/%s", name);
	while (poll(&pfd, 1, ms) == 1) {
		const char *p;
		int devpath_ok = 0, var_ok = 0;

		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			return -1;
		buf[n] = '\0';
		if (strncmp(buf, "change@", 7))
			continue;
		p = buf + strlen(buf);
		if ((size_t)(p - buf) >= strlen(suffix) &&
		    !strcmp(p - strlen(suffix), suffix))
			devpath_ok = 1;
		for (p = buf; p < buf + n; p += strlen(p) + 1)
			if (!strcmp(p, var))
				var_ok = 1;
		if (devpath_ok && var_ok)
			return 0;
	}
	return -1;
}

#endif /* SCARD_SELFTEST_UEVENT_H */
