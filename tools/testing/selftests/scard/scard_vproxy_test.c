// SPDX-License-Identifier: GPL-2.0
/*
 * scard_vproxy tests: readers whose card is played by this program.
 *
 * A thread plays a simple card on the card-side descriptor (APDU level:
 * SELECT answers 90 00; TPDU level T=0: the card side of the TPDUs,
 * 61 xx for a case 4 so that the kernel's GET RESPONSE logic runs) while
 * the test drives /dev/scardN. The abuse tests play the card by hand: a
 * card process that dies mid-APDU, answers late, answers garbage or
 * floods the kernel with card events.
 *
 * Needs root and /dev/scard_vproxy (scard_vproxy.ko); skipped otherwise.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "scard_common.h"
#include "scard_uevent.h"
#include "vproxy.h"

#define MAX_PAYLOAD	SCARD_VPROXY_MAX_PAYLOAD

/* Flags shared between the test and its threads. */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

/* T=0, no interface bytes, two historical bytes: default Fi/Di, WI 10. */
static const uint8_t card_atr[] = { 0x3B, 0x02, 0x14, 0x50 };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- the card --------------------------------------------------------- */

struct vcard {
	int fd;				/* card side */
	unsigned int index;		/* N of /dev/scardN */
	char dev[32];
	unsigned int level;
	pthread_t thread;
	int running;
	int stop;
	int hold_xfr;		/* read XFR requests, never answer */
	int held;		/* an XFR request is being held */
	pthread_mutex_t lock;
	struct scard_vproxy_params params;	/* last PARAMS seen */
	int nparams;
	int nxfr;
	int get_responses;		/* TPDU: GET RESPONSE TPDUs seen */
	int unexpected;			/* requests the card did not expect */
	uint8_t last_tpdu[8];
};

/* The APDU-level card: SELECT, READ BINARY, an echo (INS 01). */
static size_t card_apdu(const uint8_t *c, size_t len, uint8_t *r)
{
	size_t n, i, lc, le;

	if (len < 4)
		return 0;
	switch (c[1]) {
	case 0xA4:				/* SELECT */
		r[0] = 0x90;
		r[1] = 0x00;
		return 2;
	case 0xB0:				/* READ BINARY, case 2 */
		le = len == 5 ? (c[4] ? c[4] : 256) : 0;
		for (i = 0; i < le; i++)
			r[i] = (uint8_t)i;
		r[le] = 0x90;
		r[le + 1] = 0x00;
		return le + 2;
	case 0x01:				/* echo, case 4 */
		lc = len > 5 ? c[4] : 0;
		n = lc <= len - 5 ? lc : 0;
		memcpy(r, c + 5, n);
		r[n] = 0x90;
		r[n + 1] = 0x00;
		return n + 2;
	default:
		r[0] = 0x6D;
		r[1] = 0x00;
		return 2;
	}
}

/*
 * The TPDU-level T=0 card: a TPDU is a 5-byte header plus P3 data bytes
 * for a case 3; the reader returns the data and SW1 SW2. A case 4 APDU
 * reaches the card as a case 3 TPDU; it answers 61 xx and keeps the data
 * for the GET RESPONSE that follows.
 */
static uint8_t tpdu_pending[256];
static size_t tpdu_pending_len;

static size_t card_tpdu(struct vcard *vc, const uint8_t *c, size_t len,
			uint8_t *r)
{
	size_t i, le;

	if (len >= 3 && c[0] == 0xFF) {		/* PPS: accept it */
		memcpy(r, c, len);
		return len;
	}
	if (len < 5)
		return 0;
	memcpy(vc->last_tpdu, c, 5);
	switch (c[1]) {
	case 0xA4:				/* SELECT: case 3 */
		r[0] = 0x90;
		r[1] = 0x00;
		return 2;
	case 0x01:				/* echo: case 3, then 61 xx */
		if (len != 5u + c[4] || !c[4])
			break;
		memcpy(tpdu_pending, c + 5, c[4]);
		tpdu_pending_len = c[4];
		r[0] = 0x61;
		r[1] = c[4];
		return 2;
	case 0xC0:				/* GET RESPONSE */
		vc->get_responses++;
		le = c[4] ? c[4] : 256;
		if (len != 5 || le > tpdu_pending_len)
			break;
		memcpy(r, tpdu_pending, le);
		r[le] = 0x90;
		r[le + 1] = 0x00;
		return le + 2;
	case 0xB0:				/* READ BINARY: case 2 */
		if (len != 5)
			break;
		le = c[4] ? c[4] : 256;
		for (i = 0; i < le; i++)
			r[i] = (uint8_t)(0xFF - i);
		r[le] = 0x90;
		r[le + 1] = 0x00;
		return le + 2;
	}
	r[0] = 0x6F;
	r[1] = 0x00;
	return 2;
}

/* Answer one request as a well-behaved card. */
static void card_answer(struct vcard *vc, const struct scard_vproxy_msg *req,
			const uint8_t *p, size_t len, uint8_t *resp)
{
	size_t n = 0;
	int status = 0;

	pthread_mutex_lock(&vc->lock);
	switch (req->type) {
	case SCARD_VPROXY_POWER:
		if (req->arg != SCARD_POWER_DOWN) {
			memcpy(resp, card_atr, sizeof(card_atr));
			n = sizeof(card_atr);
		}
		break;
	case SCARD_VPROXY_PARAMS:
		if (len == sizeof(vc->params))
			memcpy(&vc->params, p, len);
		else
			vc->unexpected++;
		vc->nparams++;
		break;
	case SCARD_VPROXY_XFR:
		vc->nxfr++;
		if (vc->level == SCARD_VPROXY_LEVEL_TPDU)
			n = card_tpdu(vc, p, len, resp);
		else
			n = card_apdu(p, len, resp);
		if (!n)
			status = -EPROTO;
		break;
	default:
		vc->unexpected++;
		status = -EOPNOTSUPP;
	}
	pthread_mutex_unlock(&vc->lock);
	scard_vproxy_reply(vc->fd, req, status, resp, n);
}

static void *card_thread(void *arg)
{
	struct vcard *vc = arg;
	struct scard_vproxy_msg req;
	uint8_t *p = malloc(MAX_PAYLOAD), *resp = malloc(MAX_PAYLOAD);
	struct pollfd pfd = { .fd = vc->fd, .events = POLLIN };
	int n;

	while (p && resp && !LOAD(vc->stop)) {
		if (poll(&pfd, 1, 20) != 1)
			continue;
		n = scard_vproxy_read_request(vc->fd, &req, p, MAX_PAYLOAD);
		if (n < 0)
			continue;
		if (req.type == SCARD_VPROXY_XFR && LOAD(vc->hold_xfr)) {
			STORE(vc->held, 1);
			continue;
		}
		card_answer(vc, &req, p, (size_t)n, resp);
	}
	free(p);
	free(resp);
	return NULL;
}

static int card_create(struct vcard *vc, unsigned int level, uint32_t flags,
		       uint32_t timeout_ms)
{
	struct scard_vproxy_new_dev nd = {
		.flags = flags,
		.level = level,
		.protocols = SCARD_PROTOCOL_T0,
		.timeout_ms = timeout_ms,
	};
	int fd;

	memset(vc, 0, sizeof(*vc));
	vc->fd = -1;
	pthread_mutex_init(&vc->lock, NULL);
	snprintf((char *)nd.name, sizeof(nd.name), "selftest card");
	fd = scard_vproxy_create(&nd, &nd);
	if (fd < 0)
		return -fd;
	vc->fd = fd;
	vc->index = nd.index;
	vc->level = level;
	snprintf(vc->dev, sizeof(vc->dev), "/dev/scard%u", nd.index);
	return 0;
}

static int card_start(struct vcard *vc)
{
	STORE(vc->stop, 0);
	if (pthread_create(&vc->thread, NULL, card_thread, vc))
		return -1;
	vc->running = 1;
	return 0;
}

static void card_stop(struct vcard *vc)
{
	if (vc->running) {
		STORE(vc->stop, 1);
		pthread_join(vc->thread, NULL);
		vc->running = 0;
	}
}

static void card_destroy(struct vcard *vc)
{
	card_stop(vc);
	if (vc->fd >= 0)
		close(vc->fd);
	vc->fd = -1;
}

/* --- the client side -------------------------------------------------- */

static int power_atr(int fd, uint32_t minor, uint8_t *atr, uint32_t *len)
{
	uint8_t buf[SCARD_ATR_LENGTH];
	uint32_t got = 0;
	int ret;

	ret = scard_t_dioc(fd, IOCTL_SMARTCARD_POWER, &minor, sizeof(minor),
			   buf, sizeof(buf), &got);
	if (!ret && atr) {
		memcpy(atr, buf, got <= sizeof(buf) ? got : sizeof(buf));
		*len = got;
	}
	return ret;
}

/* An ioctl run by a helper thread, for operations the test must answer. */
struct client_op {
	pthread_t thread;
	int fd;
	uint32_t code;
	uint32_t arg;
	uint8_t out[64];
	uint32_t out_len;
	int done;
	int result;
};

static void *client_thread(void *arg)
{
	struct client_op *op = arg;

	/* IS_PRESENT and IS_ABSENT take no buffers. */
	if (op->code == IOCTL_SMARTCARD_IS_PRESENT ||
	    op->code == IOCTL_SMARTCARD_IS_ABSENT)
		op->result = scard_t_dioc(op->fd, op->code, NULL, 0, NULL, 0,
					  NULL);
	else
		op->result = scard_t_dioc(op->fd, op->code, &op->arg,
					  sizeof(op->arg), op->out,
					  sizeof(op->out), &op->out_len);
	STORE(op->done, 1);
	return NULL;
}

static int client_start(struct client_op *op, int fd, uint32_t code,
			uint32_t arg)
{
	memset(op, 0, sizeof(*op));
	op->fd = fd;
	op->code = code;
	op->arg = arg;
	return pthread_create(&op->thread, NULL, client_thread, op);
}

static int client_join(struct client_op *op)
{
	pthread_join(op->thread, NULL);
	return op->result;
}

/* Read one request by hand, waiting up to @ms. Returns the payload size. */
static int read_req(int fd, struct scard_vproxy_msg *req, uint8_t *p,
		    size_t size, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return -ETIMEDOUT;
	return scard_vproxy_read_request(fd, req, p, size);
}

/* Write raw bytes to the card side; returns the count or -errno. */
static ssize_t raw_write(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	return n < 0 ? -errno : n;
}

static int node_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

/* Wait up to @ms for /dev/scardN to (dis)appear. */
static int wait_node(const char *path, int present, int ms)
{
	int i;

	for (i = 0; i < ms / 10; i++) {
		if (node_exists(path) == present)
			return 0;
		usleep(10000);
	}
	return node_exists(path) == present ? 0 : -1;
}

static int vproxy_usable(void)
{
	return geteuid() == 0 && !access(SCARD_VPROXY_CTL_PATH, F_OK);
}

/* --- fixture: a reader with a card and a well-behaved card thread ----- */

FIXTURE(vproxy) {
	struct vcard vc;
	int fd;
};

FIXTURE_VARIANT(vproxy) {
	unsigned int level;
};

FIXTURE_VARIANT_ADD(vproxy, apdu) {
	.level = SCARD_VPROXY_LEVEL_APDU,
};

FIXTURE_VARIANT_ADD(vproxy, tpdu) {
	.level = SCARD_VPROXY_LEVEL_TPDU,
};

FIXTURE_SETUP(vproxy)
{
	int ret;

	self->fd = -1;
	self->vc.fd = -1;
	if (!vproxy_usable())
		SKIP(return, "no %s or not root", SCARD_VPROXY_CTL_PATH);
	ret = card_create(&self->vc, variant->level,
			  SCARD_VPROXY_FLAG_CARD_PRESENT, 3000);
	ASSERT_EQ(0, ret) TH_LOG("create: %s", strerror(ret));
	ASSERT_EQ(0, card_start(&self->vc));
	self->fd = open(self->vc.dev, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->vc.dev,
				      strerror(errno));
}

FIXTURE_TEARDOWN(vproxy)
{
	if (self->fd >= 0)
		close(self->fd);
	card_destroy(&self->vc);
}

TEST_F(vproxy, created_reader)
{
	char path[64], name[128];
	uint32_t unit = ~0u, got = 0, state = 0;
	FILE *f;

	ASSERT_TRUE(node_exists(self->vc.dev));
	snprintf(path, sizeof(path), "/sys/class/scard/scard%u/name",
		 self->vc.index);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(name, sizeof(name), f));
	fclose(f);
	EXPECT_STREQ("vproxy selftest card\n", name);

	unit = SCARD_ATTR_DEVICE_UNIT;
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				  &unit, sizeof(unit), &unit, sizeof(unit),
				  &got));
	EXPECT_EQ(self->vc.index, unit);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
}

TEST_F(vproxy, power_returns_card_atr)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t len = 0, state = 0;

	ASSERT_EQ(0, power_atr(self->fd, SCARD_COLD_RESET, atr, &len));
	ASSERT_EQ(sizeof(card_atr), len);
	EXPECT_EQ(0, memcmp(card_atr, atr, len));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_NEGOTIABLE, state);

	ASSERT_EQ(0, power_atr(self->fd, SCARD_WARM_RESET, atr, &len));
	EXPECT_EQ(sizeof(card_atr), len);
	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
}

TEST_F(vproxy, set_protocol_sends_params)
{
	struct scard_vproxy_params p;
	uint32_t state = 0;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);

	pthread_mutex_lock(&self->vc.lock);
	p = self->vc.params;
	pthread_mutex_unlock(&self->vc.lock);
	ASSERT_LE(1, self->vc.nparams);
	EXPECT_EQ(SCARD_PROTOCOL_T0, p.protocol);
	EXPECT_EQ(1, p.fi);
	EXPECT_EQ(1, p.di);
	EXPECT_EQ(10, p.wi);
	EXPECT_EQ(0, p.inverse);
	EXPECT_EQ(0, self->vc.unexpected);
}

TEST_F(vproxy, transmit_round_trip)
{
	static const uint8_t select_mf[] = { 0x00, 0xA4, 0x00, 0x00, 0x02,
					     0x3F, 0x00 };
	static const uint8_t echo[] = { 0x00, 0x01, 0x00, 0x00, 0x04,
					0xDE, 0xAD, 0xBE, 0xEF, 0x00 };
	static const uint8_t read_bin[] = { 0x00, 0xB0, 0x00, 0x00, 0x10 };
	uint8_t resp[300];
	size_t len = 0;
	int xfr0, i;

	ASSERT_EQ(0, scard_t_specific(self->fd));

	ASSERT_EQ(0, scard_t_transmit(self->fd, select_mf, sizeof(select_mf),
				      resp, sizeof(resp), &len));
	ASSERT_EQ(2, len);
	EXPECT_EQ(0x90, resp[0]);
	EXPECT_EQ(0x00, resp[1]);

	/* Case 4: at TPDU level the kernel fetches the data (GET RESPONSE). */
	xfr0 = self->vc.nxfr;
	ASSERT_EQ(0, scard_t_transmit(self->fd, echo, sizeof(echo), resp,
				      sizeof(resp), &len));
	ASSERT_EQ(6, len);
	EXPECT_EQ(0, memcmp(resp, echo + 5, 4));
	EXPECT_EQ(0x90, resp[4]);
	EXPECT_EQ(0x00, resp[5]);
	if (variant->level == SCARD_VPROXY_LEVEL_TPDU) {
		EXPECT_EQ(2, self->vc.nxfr - xfr0);
		EXPECT_EQ(1, self->vc.get_responses);
		EXPECT_EQ(0xC0, self->vc.last_tpdu[1]);
		EXPECT_EQ(4, self->vc.last_tpdu[4]);
	} else {
		EXPECT_EQ(1, self->vc.nxfr - xfr0);
	}

	ASSERT_EQ(0, scard_t_transmit(self->fd, read_bin, sizeof(read_bin),
				      resp, sizeof(resp), &len));
	ASSERT_EQ(0x10 + 2, len);
	for (i = 0; i < 0x10; i++)
		EXPECT_EQ(variant->level == SCARD_VPROXY_LEVEL_TPDU ?
			  0xFF - i : i, resp[i]);
	EXPECT_EQ(0x90, resp[0x10]);
}

/* Closing the card side removes the reader and fails everything pending. */
TEST_F(vproxy, close_removes_reader)
{
	static const uint8_t select_mf[] = { 0x00, 0xA4, 0x00, 0x00, 0x02,
					     0x3F, 0x00 };
	uint8_t in[64], out[64];
	uint32_t n, err = 0, state;
	int nb, i;
	double t0;

	ASSERT_EQ(0, scard_t_specific(self->fd));

	/* A pending IS_ABSENT on a non-blocking file. */
	nb = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	ASSERT_EQ(EINPROGRESS, scard_t_dioc(nb, IOCTL_SMARTCARD_IS_ABSENT,
					    NULL, 0, NULL, 0, NULL));

	/* An asynchronous TRANSMIT the card reads and never answers. */
	STORE(self->vc.hold_xfr, 1);
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_mf,
			    sizeof(select_mf));
	ASSERT_EQ((ssize_t)n, write(self->fd, in, n));
	for (i = 0; i < 300 && !LOAD(self->vc.held); i++)
		usleep(10000);
	ASSERT_TRUE(LOAD(self->vc.held));

	t0 = now_s();
	card_destroy(&self->vc);

	/* The TRANSMIT fails with ENODEV, at once. */
	EXPECT_EQ(-1, read(self->fd, out, sizeof(out)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_GT(1.0, now_s() - t0);
	ASSERT_EQ(0, scard_t_last_error(self->fd, &err));
	EXPECT_EQ(ENODEV, err);
	/* So does the pending IS_ABSENT. */
	ASSERT_EQ(0, scard_t_last_error(nb, &err));
	EXPECT_EQ(ENODEV, err);
	/* And every further operation. */
	EXPECT_EQ(ENODEV, scard_t_state(self->fd, &state));
	EXPECT_EQ(ENODEV, scard_t_power(nb, SCARD_COLD_RESET));
	close(nb);
	EXPECT_EQ(0, wait_node(self->vc.dev, 0, 2000));
	EXPECT_EQ(-1, open(self->vc.dev, O_RDWR));
}

TEST_F(vproxy, card_events)
{
	struct client_op op;
	uint32_t state = 0, count0 = 0;
	char path[64], buf[32];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/sys/class/scard/scard%u/event_count",
		 self->vc.index);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	count0 = strtoul(buf, NULL, 10);

	/* IS_ABSENT blocks until the card process removes the card. */
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_IS_ABSENT,
				  0));
	usleep(100000);
	EXPECT_FALSE(LOAD(op.done));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 0));
	EXPECT_EQ(0, client_join(&op));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_ABSENT, state);
	EXPECT_EQ(ENOMEDIUM, scard_t_power(self->fd, SCARD_COLD_RESET));

	/* IS_PRESENT, the same way round. */
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_IS_PRESENT,
				  0));
	usleep(100000);
	EXPECT_FALSE(LOAD(op.done));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 1));
	for (i = 0; i < 200 && !LOAD(op.done); i++)
		usleep(10000);
	EXPECT_TRUE(LOAD(op.done));
	EXPECT_EQ(0, client_join(&op));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);

	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_EQ(count0 + 2, strtoul(buf, NULL, 10));

	/* Malformed events. */
	{
		struct scard_vproxy_msg ev = {
			.type = SCARD_VPROXY_CARD_EVENT, .arg = 2,
		};
		uint8_t withpay[sizeof(ev) + 1] = { 0 };

		EXPECT_EQ(-EINVAL, raw_write(self->vc.fd, &ev, sizeof(ev)));
		ev.arg = 1;
		ev.len = 1;
		memcpy(withpay, &ev, sizeof(ev));
		EXPECT_EQ(-EINVAL, raw_write(self->vc.fd, withpay,
					     sizeof(withpay)));
	}
	EXPECT_EQ(0, power_atr(self->fd, SCARD_COLD_RESET, NULL, NULL));
}

/* 100000 card events in a row; the reader then works as before. */
TEST_F(vproxy, event_flood)
{
	struct scard_vproxy_msg ev = { .type = SCARD_VPROXY_CARD_EVENT };
	char path[64], buf[32];
	long avail0, avail1;
	uint32_t count0, count1;
	double t0;
	FILE *f;
	int i, fails = 0;

	snprintf(path, sizeof(path), "/sys/class/scard/scard%u/event_count",
		 self->vc.index);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	count0 = strtoul(buf, NULL, 10);

	f = fopen("/proc/meminfo", "r");
	ASSERT_NE(NULL, f);
	avail0 = -1;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "MemAvailable: %ld", &avail0) == 1)
			break;
	fclose(f);

	t0 = now_s();
	for (i = 0; i < 100000; i++) {
		ev.arg = i & 1;		/* 0 first: the card is in */
		if (write(self->vc.fd, &ev, sizeof(ev)) != sizeof(ev))
			fails++;
	}
	EXPECT_EQ(0, fails);
	TH_LOG("100000 events in %.2f s", now_s() - t0);

	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	count1 = strtoul(buf, NULL, 10);
	EXPECT_EQ(count0 + 100000, count1);

	/* The last event inserted the card: it still powers up. */
	EXPECT_EQ(0, scard_t_specific(self->fd));

	f = fopen("/proc/meminfo", "r");
	ASSERT_NE(NULL, f);
	avail1 = -1;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "MemAvailable: %ld", &avail1) == 1)
			break;
	fclose(f);
	/* Nothing kept per event: allow 32 MiB of noise. */
	EXPECT_GT(32L * 1024, avail0 - avail1)
		TH_LOG("MemAvailable %ld -> %ld kB", avail0, avail1);
}

/*
 * The card comes and goes 20000 times while two threads power it, select
 * T=0, transmit and read the state and the protocol attribute: the
 * data-race detector's workload (make check-kcsan: card events write the
 * state from any context while operations read it), and under KASAN a
 * stress test. Every call ends with success or an errno the
 * documentation gives for a card that left; the reader works after.
 */
struct swap_user {
	pthread_t thread;
	int fd;
	int stop;
	unsigned int calls;
	int bad;	/* first unexpected errno, or 0 */
};

/* Keep the first errno a swap does not explain (@strict: only 0 is fine). */
static void swap_check(struct swap_user *u, int ret, int strict)
{
	int ok = !ret || (!strict && (ret == ENOMEDIUM || ret == EBADFD ||
				      ret == EBUSY));

	if (!ok && !u->bad)
		u->bad = ret;
}

static void *swap_user_thread(void *arg)
{
	static const uint8_t apdu[] = { 0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00 };
	struct swap_user *u = arg;
	uint8_t out[64];
	uint32_t v, got, state;
	size_t len;

	while (!LOAD(u->stop)) {
		swap_check(u, scard_t_power(u->fd, SCARD_COLD_RESET), 0);
		swap_check(u, scard_t_set_protocol(u->fd, SCARD_PROTOCOL_T0), 0);
		swap_check(u, scard_t_transmit(u->fd, apdu, sizeof(apdu), out,
					       sizeof(out), &len), 0);
		swap_check(u, scard_t_state(u->fd, &state), 1);
		v = SCARD_ATTR_CURRENT_PROTOCOL_TYPE;
		swap_check(u, scard_t_dioc(u->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
					   &v, sizeof(v), out, sizeof(out),
					   &got), 0);
		u->calls += 5;
	}
	return NULL;
}

TEST_F(vproxy, event_flood_while_used)
{
	struct scard_vproxy_msg ev = { .type = SCARD_VPROXY_CARD_EVENT };
	struct swap_user u[2];
	int i, fails = 0;

	for (i = 0; i < 2; i++) {
		memset(&u[i], 0, sizeof(u[i]));
		u[i].fd = open(self->vc.dev, O_RDWR);
		ASSERT_LE(0, u[i].fd);
		ASSERT_EQ(0, pthread_create(&u[i].thread, NULL,
					    swap_user_thread, &u[i]));
	}
	for (i = 0; i < 20000; i++) {
		ev.arg = i & 1;		/* 0 first: the card is in */
		if (write(self->vc.fd, &ev, sizeof(ev)) != sizeof(ev))
			fails++;
	}
	EXPECT_EQ(0, fails);
	for (i = 0; i < 2; i++) {
		STORE(u[i].stop, 1);
		pthread_join(u[i].thread, NULL);
		close(u[i].fd);
		TH_LOG("thread %d: %u calls", i, u[i].calls);
		EXPECT_EQ(0, u[i].bad) TH_LOG("errno %d: %s", u[i].bad,
					       strerror(u[i].bad));
	}
	/* The last event inserted the card: it powers up and answers. */
	EXPECT_EQ(0, scard_t_specific(self->fd));
}

/* --- the card process misbehaves (played by hand) --------------------- */

FIXTURE(abuse) {
	struct vcard vc;
	int fd;
	uint8_t *p;
};

/*
 * The setup of the fixtures whose card is played by hand: an APDU-level
 * reader with a card, a file open on it, a payload buffer. Returns 0, or
 * an errno (ENODEV: no vproxy, skip).
 */
static int by_hand_setup(struct vcard *vc, int *fd, uint8_t **p,
			 uint32_t timeout_ms)
{
	int ret;

	*fd = -1;
	vc->fd = -1;
	*p = NULL;
	if (!vproxy_usable())
		return ENODEV;
	ret = card_create(vc, SCARD_VPROXY_LEVEL_APDU,
			  SCARD_VPROXY_FLAG_CARD_PRESENT, timeout_ms);
	if (ret)
		return ret;
	*fd = open(vc->dev, O_RDWR);
	if (*fd < 0)
		return errno;
	*p = malloc(MAX_PAYLOAD);
	return *p ? 0 : ENOMEM;
}

static void by_hand_teardown(struct vcard *vc, int fd, uint8_t *p)
{
	if (fd >= 0)
		close(fd);
	card_destroy(vc);
	free(p);
}

FIXTURE_SETUP(abuse)
{
	int ret = by_hand_setup(&self->vc, &self->fd, &self->p, 200);

	if (ret == ENODEV)
		SKIP(return, "no %s or not root", SCARD_VPROXY_CTL_PATH);
	ASSERT_EQ(0, ret) TH_LOG("setup: %s", strerror(ret));
}

FIXTURE_TEARDOWN(abuse)
{
	by_hand_teardown(&self->vc, self->fd, self->p);
}

/* The card process dies while the kernel waits for its answer. */
TEST_F(abuse, card_dies_mid_apdu)
{
	static const uint8_t select_mf[] = { 0x00, 0xA4, 0x00, 0x00, 0x02,
					     0x3F, 0x00 };
	struct scard_vproxy_new_dev nd = {
		.flags = SCARD_VPROXY_FLAG_CARD_PRESENT,
		.level = SCARD_VPROXY_LEVEL_APDU,
		.protocols = SCARD_PROTOCOL_T0,
		.timeout_ms = 20000,
		.name = "dying card",
	};
	struct vcard vc;
	uint8_t resp[64];
	size_t len;
	double t0;
	int status, fd, cfd;
	pid_t pid;

	/* A long timeout: only the card's death can end the TRANSMIT soon. */
	cfd = scard_vproxy_create(&nd, &nd);
	ASSERT_LE(0, cfd);
	memset(&vc, 0, sizeof(vc));
	pthread_mutex_init(&vc.lock, NULL);
	vc.fd = cfd;
	vc.level = nd.level;
	snprintf(vc.dev, sizeof(vc.dev), "/dev/scard%u", nd.index);
	fd = open(vc.dev, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, card_start(&vc));
	ASSERT_EQ(0, scard_t_specific(fd));
	card_stop(&vc);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct scard_vproxy_msg req;

		close(fd);
		/* Read the XFR request, then die without answering. */
		if (read_req(cfd, &req, self->p, MAX_PAYLOAD, 5000) < 0 ||
		    req.type != SCARD_VPROXY_XFR)
			_exit(1);
		usleep(100000);
		_exit(0);
	}
	close(cfd);		/* the child holds the last reference */

	t0 = now_s();
	EXPECT_EQ(ENODEV, scard_t_transmit(fd, select_mf, sizeof(select_mf),
					   resp, sizeof(resp), &len));
	EXPECT_GT(3.0, now_s() - t0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, wait_node(vc.dev, 0, 2000));
	close(fd);
}

/* A reply after the timeout is dropped; the next exchange works. */
TEST_F(abuse, late_reply)
{
	struct scard_vproxy_msg req, req2;
	struct client_op op;
	double t0;
	int n;

	t0 = now_s();
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	n = read_req(self->vc.fd, &req, self->p, MAX_PAYLOAD, 2000);
	ASSERT_EQ(0, n);
	ASSERT_EQ(SCARD_VPROXY_POWER, req.type);
	EXPECT_EQ(SCARD_COLD_RESET, req.arg);
	usleep(500000);
	EXPECT_EQ(ETIMEDOUT, client_join(&op));
	EXPECT_LT(0.15, now_s() - t0);
	/* The late answer is accepted and dropped. */
	EXPECT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, card_atr,
					sizeof(card_atr)));

	/* Nothing is pending now. */
	EXPECT_EQ(-ETIMEDOUT, read_req(self->vc.fd, &req2, self->p,
				       MAX_PAYLOAD, 50));

	/* The next request is a new one, and its answer counts. */
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	ASSERT_EQ(0, read_req(self->vc.fd, &req2, self->p, MAX_PAYLOAD,
			      2000));
	EXPECT_NE(req.seq, req2.seq);
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req2, 0, card_atr,
					sizeof(card_atr)));
	ASSERT_EQ(0, client_join(&op));
	ASSERT_EQ(sizeof(card_atr), op.out_len);
	EXPECT_EQ(0, memcmp(card_atr, op.out, sizeof(card_atr)));
}

/* Malformed replies are refused and the request keeps waiting. */
TEST_F(abuse, garbage_replies)
{
	struct scard_vproxy_msg req, bad, other;
	struct client_op op;
	uint8_t *big;
	size_t big_len = SCARD_VPROXY_MAX_MSG + 1;

	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	ASSERT_EQ(0, read_req(self->vc.fd, &req, self->p, MAX_PAYLOAD, 150));

	/* Short write: less than a header. */
	memset(&bad, 0, sizeof(bad));
	bad.type = req.type | SCARD_VPROXY_REPLY;
	bad.seq = req.seq;
	EXPECT_EQ(-EINVAL, raw_write(self->vc.fd, &bad, sizeof(bad) - 1));
	/* Length mismatch: the header announces more than follows. */
	bad.len = 4;
	big = calloc(1, big_len);
	ASSERT_NE(NULL, big);
	memcpy(big, &bad, sizeof(bad));
	EXPECT_EQ(-EINVAL, raw_write(self->vc.fd, big, sizeof(bad) + 2));
	/* Oversize: more than any message. */
	bad.len = (uint32_t)(big_len - sizeof(bad));
	memcpy(big, &bad, sizeof(bad));
	EXPECT_EQ(-EINVAL, raw_write(self->vc.fd, big, big_len));
	free(big);
	/* Wrong seq, wrong type, no reply bit, unknown type. */
	other = req;
	other.seq = req.seq + 1000;
	EXPECT_EQ(-EINVAL, scard_vproxy_reply(self->vc.fd, &other, 0,
					      card_atr, sizeof(card_atr)));
	other = req;
	other.type = SCARD_VPROXY_XFR;
	EXPECT_EQ(-EINVAL, scard_vproxy_reply(self->vc.fd, &other, 0,
					      card_atr, sizeof(card_atr)));
	other.type = 0x7F;
	EXPECT_EQ(-EINVAL, scard_vproxy_reply(self->vc.fd, &other, 0, NULL,
					      0));
	bad.type = req.type;		/* no SCARD_VPROXY_REPLY */
	bad.len = 0;
	EXPECT_EQ(-EINVAL, raw_write(self->vc.fd, &bad, sizeof(bad)));

	/* None of it answered the request: the real answer still counts. */
	EXPECT_FALSE(LOAD(op.done));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, card_atr,
					sizeof(card_atr)));
	ASSERT_EQ(0, client_join(&op));
	ASSERT_EQ(sizeof(card_atr), op.out_len);
	EXPECT_EQ(0, memcmp(card_atr, op.out, sizeof(card_atr)));

	/* With no request pending, a reply with a new seq is refused. */
	other = req;
	other.seq = req.seq + 1;
	EXPECT_EQ(-EINVAL, scard_vproxy_reply(self->vc.fd, &other, 0,
					      card_atr, sizeof(card_atr)));
}

/* Well-formed replies that make no sense fail the operation cleanly. */
TEST_F(abuse, bad_answers)
{
	static const struct {
		int status;
		size_t len;
		int expect;
	} cases[] = {
		{ 0, 40, EPROTO },		/* ATR longer than 33 bytes */
		{ 0, 0, EPROTO },		/* no ATR at all */
		{ 5, 4, EPROTO },		/* positive status */
		{ -512, 0, EPROTO },		/* kernel-internal errno */
		{ -5000, 0, EPROTO },		/* not an errno */
		{ -ETIMEDOUT, 0, ETIMEDOUT },	/* mute card */
		{ -EIO, 0, EIO },
	};
	struct scard_vproxy_msg req;
	struct client_op op;
	uint8_t atr[40] = { 0x3B, 0x02, 0x14, 0x50 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
					  SCARD_COLD_RESET));
		ASSERT_EQ(0, read_req(self->vc.fd, &req, self->p, MAX_PAYLOAD,
				      150));
		EXPECT_EQ(0, scard_vproxy_reply(self->vc.fd, &req,
						cases[i].status, atr,
						cases[i].len));
		EXPECT_EQ(cases[i].expect, client_join(&op))
			TH_LOG("case %zu", i);
	}
	/* And a good answer still works. */
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	ASSERT_EQ(0, read_req(self->vc.fd, &req, self->p, MAX_PAYLOAD, 150));
	EXPECT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, atr, 4));
	EXPECT_EQ(0, client_join(&op));
}

/* read(): whole messages only; poll() reports pending requests. */
TEST_F(abuse, read_and_poll)
{
	struct pollfd pfd = { .fd = self->vc.fd, .events = POLLIN | POLLOUT };
	struct scard_vproxy_msg req;
	struct client_op op;
	uint8_t small[sizeof(req) - 1];
	int fl;

	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
	fl = fcntl(self->vc.fd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->vc.fd, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-1, read(self->vc.fd, &req, sizeof(req)));
	EXPECT_EQ(EAGAIN, errno);

	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 150));
	pfd.events = POLLIN | POLLOUT;
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN | POLLOUT, pfd.revents);
	EXPECT_EQ(-1, read(self->vc.fd, small, sizeof(small)));
	EXPECT_EQ(EMSGSIZE, errno);
	/* Still there, whole. */
	EXPECT_EQ((ssize_t)sizeof(req), read(self->vc.fd, &req, sizeof(req)));
	EXPECT_EQ(SCARD_VPROXY_POWER, req.type);
	EXPECT_EQ(0u, req.len);
	/* Read once: no longer readable. */
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
	EXPECT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, card_atr,
					sizeof(card_atr)));
	EXPECT_EQ(0, client_join(&op));
	ASSERT_EQ(0, fcntl(self->vc.fd, F_SETFL, fl));
}

/* --- the edges: cancellation, card swaps, errnos, unplug ------------- */

/*
 * A reader whose card is played by hand, with a long reply timeout: only
 * what the test does (close, kill, a card event, an answer) ends a wait.
 */
FIXTURE(hand) {
	struct vcard vc;
	int fd;
	uint8_t *p;
};

FIXTURE_SETUP(hand)
{
	int ret = by_hand_setup(&self->vc, &self->fd, &self->p, 30000);

	if (ret == ENODEV)
		SKIP(return, "no %s or not root", SCARD_VPROXY_CTL_PATH);
	ASSERT_EQ(0, ret) TH_LOG("setup: %s", strerror(ret));
}

FIXTURE_TEARDOWN(hand)
{
	by_hand_teardown(&self->vc, self->fd, self->p);
}

/* Cold reset and T=0 with the well-behaved card thread, then by hand. */
static int hand_specific(struct vcard *vc, int fd)
{
	int ret;

	if (card_start(vc))
		return -1;
	ret = scard_t_specific(fd);
	card_stop(vc);
	return ret;
}

/* Read the next request, which must be of @type; returns its size. */
static int expect_req(int cfd, unsigned int type, struct scard_vproxy_msg *req,
		      uint8_t *p, int ms)
{
	int n = read_req(cfd, req, p, MAX_PAYLOAD, ms);

	if (n < 0)
		return n;
	return req->type == type ? n : -EBADMSG;
}

static const uint8_t select_apdu[] = { 0x00, 0xA4, 0x04, 0x00, 0x02,
				       0x3F, 0x00 };
static const uint8_t sw_ok[] = { 0x90, 0x00 };

/* Queue a TRANSMIT of select_apdu with write(); 0 or an errno. */
static int write_select(int fd)
{
	uint8_t in[8 + sizeof(select_apdu)];
	uint32_t n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_apdu,
				     sizeof(select_apdu));

	return write(fd, in, n) == (ssize_t)n ? 0 : errno;
}

/* close() ends an asynchronous TRANSMIT the card never answers, at once. */
TEST_F(hand, close_cancels_running_transmit)
{
	struct scard_vproxy_msg req, req2;
	double t0;
	int fd2;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, write_select(fd2));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	t0 = now_s();
	EXPECT_EQ(0, close(fd2));
	EXPECT_GT(1.0, now_s() - t0) TH_LOG("close() took %.2f s",
					    now_s() - t0);
	/* The request was withdrawn: its late answer is dropped. */
	EXPECT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, sw_ok, 2));
	EXPECT_EQ(-ETIMEDOUT, read_req(self->vc.fd, &req2, self->p,
				       MAX_PAYLOAD, 50));
	/* The reader goes on. */
	ASSERT_EQ(0, card_start(&self->vc));
	EXPECT_EQ(0, scard_t_transmit(self->fd, select_apdu,
				      sizeof(select_apdu), self->p, 64,
				      &(size_t){ 0 }));
}

/* close() of a file whose TRANSMIT waits behind another file's. */
TEST_F(hand, close_cancels_queued_transmit)
{
	struct scard_vproxy_msg req, req2;
	struct client_op op;
	double t0;
	int fd2;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	/* The fixture's file holds the reader with a POWER. */
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_WARM_RESET));
	ASSERT_EQ(0, expect_req(self->vc.fd, SCARD_VPROXY_POWER, &req,
				self->p, 2000));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, write_select(fd2));
	usleep(100000);
	t0 = now_s();
	EXPECT_EQ(0, close(fd2));
	EXPECT_GT(1.0, now_s() - t0) TH_LOG("close() took %.2f s",
					    now_s() - t0);
	EXPECT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, card_atr,
					sizeof(card_atr)));
	EXPECT_EQ(0, client_join(&op));
	/* The queued TRANSMIT never reached the card. */
	EXPECT_EQ(-ETIMEDOUT, read_req(self->vc.fd, &req2, self->p,
				       MAX_PAYLOAD, 200));
}

/* SIGKILL ends a blocking TRANSMIT at once; the reader goes on. */
TEST_F(hand, sigkill_ends_transmit)
{
	struct scard_vproxy_msg req;
	int status;
	double t0;
	pid_t pid;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		size_t len;

		scard_t_transmit(self->fd, select_apdu, sizeof(select_apdu),
				 self->p, 64, &len);
		_exit(0);
	}
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	t0 = now_s();
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_GT(1.0, now_s() - t0);
	EXPECT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, card_start(&self->vc));
	EXPECT_EQ(0, scard_t_transmit(self->fd, select_apdu,
				      sizeof(select_apdu), self->p, 64,
				      &(size_t){ 0 }));
}

/* A removal and an insertion in a row wake a blocking IS_ABSENT. */
TEST_F(hand, quick_swap_completes_is_absent)
{
	struct client_op op;
	int i;

	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, client_start(&op, self->fd,
					  IOCTL_SMARTCARD_IS_ABSENT, 0));
		usleep(20000);
		ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 0));
		ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 1));
		usleep(100000);
		if (!LOAD(op.done)) {
			/* Lost: end the waiter with another removal. */
			scard_vproxy_card_event(self->vc.fd, 0);
			client_join(&op);
			scard_vproxy_card_event(self->vc.fd, 1);
			ASSERT_TRUE(0) TH_LOG("round %d: IS_ABSENT missed the swap",
					      i);
		}
		EXPECT_EQ(0, client_join(&op));
	}
}

/* Each of two quick events is a uevent of its own. */
TEST_F(hand, quick_swap_two_uevents)
{
	int ue = uevent_socket();

	if (ue < 0)
		SKIP(return, "no NETLINK_KOBJECT_UEVENT: %s", strerror(errno));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 0));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 1));
	EXPECT_EQ(0, wait_uevent(ue, self->vc.dev, "SCARD_EVENT=removed",
				 2000));
	EXPECT_EQ(0, wait_uevent(ue, self->vc.dev, "SCARD_EVENT=inserted",
				 2000));
	close(ue);
}

/*
 * A card swapped while POWER or SET_PROTOCOL runs: the operation fails
 * with ENOMEDIUM and the new card is PRESENT, without the old ATR.
 */
TEST_F(hand, swap_during_power)
{
	struct scard_vproxy_msg req;
	struct client_op op;
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t state, tag = SCARD_ATTR_ATR_STRING;

	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	ASSERT_EQ(0, expect_req(self->vc.fd, SCARD_VPROXY_POWER, &req,
				self->p, 2000));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 0));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 1));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, card_atr,
					sizeof(card_atr)));
	EXPECT_EQ(ENOMEDIUM, client_join(&op));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
	EXPECT_EQ(EBADFD, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				       &tag, 4, atr, sizeof(atr), NULL));
}

TEST_F(hand, swap_during_set_protocol)
{
	struct scard_vproxy_msg req;
	struct client_op op;
	uint32_t state;

	ASSERT_EQ(0, card_start(&self->vc));
	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	card_stop(&self->vc);
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_SET_PROTOCOL,
				  SCARD_PROTOCOL_T0));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_PARAMS, &req,
				self->p, 2000));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 0));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 1));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, NULL, 0));
	EXPECT_EQ(ENOMEDIUM, client_join(&op));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
}

/*
 * Errnos a card process may not inject become EPROTO; the documented ones
 * pass. The state after a refused POWER is still true.
 */
TEST_F(hand, card_errnos_filtered)
{
	static const struct {
		int card, want;
	} cases[] = {
		{ -EINPROGRESS, EPROTO }, { -ENODEV, EPROTO },
		{ -EOVERFLOW, EPROTO }, { -EAGAIN, EPROTO },
		{ -EINTR, EPROTO }, { -ECANCELED, EPROTO },
		{ -EBADFD, EPROTO }, { -4095, EPROTO }, { 7, EPROTO },
		{ -ETIMEDOUT, ETIMEDOUT }, { -EIO, EIO },
		{ -ENOMEDIUM, ENOMEDIUM }, { -EPROTO, EPROTO },
	};
	struct scard_vproxy_msg req;
	struct client_op op;
	uint32_t err, state;
	size_t i;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_EQ(0, client_start(&op, self->fd,
					  IOCTL_SMARTCARD_POWER,
					  SCARD_WARM_RESET));
		ASSERT_EQ(0, expect_req(self->vc.fd, SCARD_VPROXY_POWER, &req,
					self->p, 2000));
		ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req,
						cases[i].card, NULL, 0));
		EXPECT_EQ(cases[i].want, client_join(&op))
			TH_LOG("card answered %d", cases[i].card);
		ASSERT_EQ(0, scard_t_state(self->fd, &state));
		EXPECT_EQ(SCARD_PRESENT, state);
		/* Synchronous: GET_LAST_ERROR is untouched. */
		ASSERT_EQ(0, scard_t_last_error(self->fd, &err));
		EXPECT_EQ(0u, err);
	}
}

/*
 * GET_LAST_ERROR says EINPROGRESS while any overlapped operation of the
 * file pends, even after another one completed.
 */
TEST_F(hand, last_error_while_transmit_pends)
{
	struct scard_vproxy_msg req;
	struct pollfd pfd;
	uint8_t out[64];
	uint32_t err;
	int fd2;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, write_select(fd2));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	EXPECT_EQ(EINPROGRESS, scard_t_dioc(fd2, IOCTL_SMARTCARD_IS_ABSENT,
					    NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 0));
	pfd = (struct pollfd){ .fd = fd2, .events = POLLPRI };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	ASSERT_EQ(0, scard_t_last_error(fd2, &err));
	EXPECT_EQ(EINPROGRESS, err) TH_LOG("IS_ABSENT done, TRANSMIT pending");

	/* Now the TRANSMIT completes; IS_PRESENT pends in its turn. */
	EXPECT_EQ(EINPROGRESS, scard_t_dioc(fd2, IOCTL_SMARTCARD_IS_PRESENT,
					    NULL, 0, NULL, 0, NULL));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, sw_ok, 2));
	pfd = (struct pollfd){ .fd = fd2, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	ASSERT_EQ(0, scard_t_last_error(fd2, &err));
	EXPECT_EQ(EINPROGRESS, err) TH_LOG("TRANSMIT done, IS_PRESENT pending");
	EXPECT_EQ(10, read(fd2, out, sizeof(out)));
	ASSERT_EQ(0, scard_vproxy_card_event(self->vc.fd, 1));
	pfd = (struct pollfd){ .fd = fd2, .events = POLLPRI };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	ASSERT_EQ(0, scard_t_last_error(fd2, &err));
	EXPECT_EQ(0u, err);
	close(fd2);
}

/* EOVERFLOW reports the size needed, by ioctl and by read() (FIONREAD). */
TEST_F(hand, eoverflow_reports_size)
{
	static const uint8_t read98[] = { 0x00, 0xB0, 0x00, 0x00, 98 };
	uint8_t in[8 + sizeof(read98)], out[8 + 100];
	struct pollfd pfd;
	uint32_t n, got = 0;
	int fd2, avail = -1;

	ASSERT_EQ(0, card_start(&self->vc));
	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, read98, sizeof(read98));
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT,
					  in, n, out, 8 + 2, &got));
	EXPECT_EQ(8u + 100, got);
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in, n,
				  out, got, &got));
	EXPECT_EQ(8u + 100, got);

	/* write()/read(): a short read() keeps the reply; FIONREAD sizes it. */
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(0, ioctl(fd2, FIONREAD, &avail));
	EXPECT_EQ(0, avail);
	ASSERT_EQ((ssize_t)n, write(fd2, in, n));
	pfd = (struct pollfd){ .fd = fd2, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	ASSERT_EQ(0, ioctl(fd2, FIONREAD, &avail));
	EXPECT_EQ(108, avail);
	EXPECT_EQ(-1, read(fd2, out, 10));
	EXPECT_EQ(EOVERFLOW, errno);
	ASSERT_EQ(0, ioctl(fd2, FIONREAD, &avail));
	EXPECT_EQ(108, avail);
	EXPECT_EQ(108, read(fd2, out, sizeof(out)));
	EXPECT_EQ(0x90, out[106]);
	ASSERT_EQ(0, ioctl(fd2, FIONREAD, &avail));
	EXPECT_EQ(0, avail);
	close(fd2);
}

/* A TRANSMIT by ioctl in a helper thread, for cards the test plays. */
struct xmit_op {
	pthread_t thread;
	int fd;
	const uint8_t *in;	/* xmit_twice_thread(): two inputs in a row */
	uint32_t in_len;
	uint8_t *out;
	uint32_t out_size;
	uint32_t got;
	int result;
};

static void *xmit_thread(void *arg)
{
	struct xmit_op *op = arg;

	op->result = scard_t_dioc(op->fd, IOCTL_SMARTCARD_TRANSMIT, op->in,
				  op->in_len, op->out, op->out_size, &op->got);
	return NULL;
}

/*
 * The reply room is what the command admits, not the caller's buffer: a
 * short APDU gets at most 256 data bytes back (more is EPROTO, by ioctl
 * and by read(), however large the buffer), an extended one up to 65536
 * (EOVERFLOW with the size needed when the buffer is smaller).
 */
TEST_F(hand, reply_room_by_command)
{
	static const uint8_t short_le[] = { 0x00, 0xB0, 0x00, 0x00, 0x00 };
	static const uint8_t ext_le[] = { 0x00, 0xB0, 0x00, 0x00,
					  0x00, 0x01, 0x2C };
	static const struct {
		const uint8_t *apdu;
		size_t apdu_len;
		size_t answer;		/* bytes the card sends, SW included */
		int want;		/* with a 64 KiB buffer */
	} rows[] = {
		{ short_le, sizeof(short_le), 258, 0 },
		{ short_le, sizeof(short_le), 259, EPROTO },
		{ short_le, sizeof(short_le), 4000, EPROTO },
		{ ext_le, sizeof(ext_le), 302, 0 },
		{ ext_le, sizeof(ext_le), 65538, 0 },
	};
	size_t big = 8 + 65538;
	uint8_t in[8 + 16], *out, *answer;
	struct scard_vproxy_msg req;
	struct xmit_op op;
	uint32_t n;
	size_t i;
	int fd2;

	out = malloc(big);
	answer = malloc(65538);
	ASSERT_TRUE(out && answer);
	for (i = 0; i < 65538; i++)
		answer[i] = (uint8_t)i;
	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pollfd pfd = { .fd = fd2, .events = POLLIN };
		ssize_t r;

		n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, rows[i].apdu,
				    rows[i].apdu_len);
		/* by ioctl, a 64 KiB buffer */
		op = (struct xmit_op){ .fd = self->fd, .in = in, .in_len = n,
				       .out = out, .out_size = big };
		ASSERT_EQ(0, pthread_create(&op.thread, NULL, xmit_thread,
					    &op));
		ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req,
					self->p, 2000));
		ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, answer,
						rows[i].answer));
		pthread_join(op.thread, NULL);
		EXPECT_EQ(rows[i].want, op.result)
			TH_LOG("row %zu by ioctl", i);
		if (!rows[i].want)
			EXPECT_EQ(8 + rows[i].answer, op.got);

		/* by write() and read() */
		ASSERT_EQ((ssize_t)n, write(fd2, in, n));
		ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req,
					self->p, 2000));
		ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, answer,
						rows[i].answer));
		ASSERT_EQ(1, poll(&pfd, 1, 2000));
		if (rows[i].want) {
			EXPECT_EQ(-1, read(fd2, out, big));
			EXPECT_EQ(rows[i].want, errno)
				TH_LOG("row %zu by read()", i);
			continue;
		}
		/* a read() too small keeps the reply; the next one gets it */
		EXPECT_EQ(-1, read(fd2, out, 10));
		EXPECT_EQ(EOVERFLOW, errno);
		r = read(fd2, out, big);
		EXPECT_EQ((ssize_t)(8 + rows[i].answer), r)
			TH_LOG("row %zu by read()", i);
		EXPECT_EQ(0, memcmp(out + 8, answer, rows[i].answer));
	}

	/* An extended APDU's reply into a small buffer: the size needed. */
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, ext_le, sizeof(ext_le));
	op = (struct xmit_op){ .fd = self->fd, .in = in, .in_len = n,
			       .out = out, .out_size = 8 + 10 };
	ASSERT_EQ(0, pthread_create(&op.thread, NULL, xmit_thread, &op));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, answer, 302));
	pthread_join(op.thread, NULL);
	EXPECT_EQ(EOVERFLOW, op.result);
	EXPECT_EQ(8u + 302, op.got);

	/*
	 * A short APDU answered with more than it admits is EPROTO whatever
	 * the caller offered: with a buffer of 8 + 100 too, not EOVERFLOW.
	 */
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, short_le,
			    sizeof(short_le));
	op = (struct xmit_op){ .fd = self->fd, .in = in, .in_len = n,
			       .out = out, .out_size = 8 + 100 };
	ASSERT_EQ(0, pthread_create(&op.thread, NULL, xmit_thread, &op));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, answer, 300));
	pthread_join(op.thread, NULL);
	EXPECT_EQ(EPROTO, op.result);
	close(fd2);
	free(out);
	free(answer);
}

/* Two TRANSMITs back to back on one file, as a client in a loop. */
static void *xmit_twice_thread(void *arg)
{
	struct xmit_op *op = arg;

	op->result = scard_t_dioc(op->fd, IOCTL_SMARTCARD_TRANSMIT, op->in,
				  op->in_len, op->out, op->out_size, &op->got);
	if (!op->result)
		op->result = scard_t_dioc(op->fd, IOCTL_SMARTCARD_TRANSMIT,
					  op->in + op->in_len, op->in_len,
					  op->out, op->out_size, &op->got);
	return NULL;
}

/*
 * The reader lock is handed over first come first served: a file that
 * transmits again at once after its exchange queues behind the files
 * already waiting, instead of taking the lock before they wake up.
 */
TEST_F(hand, reader_lock_first_come_first_served)
{
	static const uint8_t order[] = { 2, 3, 4 };
	uint8_t in_a[2][8 + 4], in_b[8 + 4], in_c[8 + 4], out[3][8 + 2];
	uint8_t apdu[4] = { 0x00, 0xCA, 0x00, 0x00 };
	struct xmit_op a, b, c;
	struct scard_vproxy_msg req;
	int fds[3], i, n;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	for (i = 0; i < 3; i++) {
		fds[i] = open(self->vc.dev, O_RDWR);
		ASSERT_LE(0, fds[i]);
	}
	/* P1 says who sent it: A 1 then 4, B 2, C 3 */
	apdu[2] = 1;
	n = (int)scard_t_xmit_in(in_a[0], SCARD_PROTOCOL_T0, 8, apdu, 4);
	apdu[2] = 4;
	scard_t_xmit_in(in_a[1], SCARD_PROTOCOL_T0, 8, apdu, 4);
	apdu[2] = 2;
	scard_t_xmit_in(in_b, SCARD_PROTOCOL_T0, 8, apdu, 4);
	apdu[2] = 3;
	scard_t_xmit_in(in_c, SCARD_PROTOCOL_T0, 8, apdu, 4);
	a = (struct xmit_op){ .fd = fds[0], .in = in_a[0], .in_len = n,
			      .out = out[0], .out_size = sizeof(out[0]) };
	b = (struct xmit_op){ .fd = fds[1], .in = in_b, .in_len = n,
			      .out = out[1], .out_size = sizeof(out[1]) };
	c = (struct xmit_op){ .fd = fds[2], .in = in_c, .in_len = n,
			      .out = out[2], .out_size = sizeof(out[2]) };

	/* A holds the reader while the card thinks; B, then C, queue. */
	ASSERT_EQ(0, pthread_create(&a.thread, NULL, xmit_twice_thread, &a));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	ASSERT_EQ(1, self->p[2]);
	ASSERT_EQ(0, pthread_create(&b.thread, NULL, xmit_thread, &b));
	usleep(200000);
	ASSERT_EQ(0, pthread_create(&c.thread, NULL, xmit_thread, &c));
	usleep(200000);
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, sw_ok,
					sizeof(sw_ok)));
	for (i = 0; i < 3; i++) {
		ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req,
					self->p, 2000));
		EXPECT_EQ(order[i], self->p[2]) TH_LOG("exchange %d", i + 2);
		ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, sw_ok,
						sizeof(sw_ok)));
	}
	pthread_join(a.thread, NULL);
	pthread_join(b.thread, NULL);
	pthread_join(c.thread, NULL);
	EXPECT_EQ(0, a.result);
	EXPECT_EQ(0, b.result);
	EXPECT_EQ(0, c.result);
	for (i = 0; i < 3; i++)
		close(fds[i]);
}

/* A read-only file watches the reader; it cannot drive the card. */
TEST_F(hand, read_only_file_watches)
{
	uint8_t in[8 + sizeof(select_apdu)], out[64];
	struct scard_perf_cntr perf;
	uint32_t minor = SCARD_COLD_RESET, mask = SCARD_PROTOCOL_T0, v;
	uint32_t attr[2] = { SCARD_ATTR_SUPRESS_T1_IFS_REQUEST, 1 };
	uint32_t tag = SCARD_ATTR_VENDOR_NAME, n;
	int ro;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	ro = open(self->vc.dev, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, ro);
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_apdu,
			    sizeof(select_apdu));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_POWER, &minor, 4,
				      out, sizeof(out), NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_SET_PROTOCOL, &mask,
				      4, out, 4, NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_TRANSMIT, in, n,
				      out, sizeof(out), NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_SET_ATTRIBUTE, attr,
				      8, NULL, 0, NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_EJECT, NULL, 0,
				      NULL, 0, NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_SWALLOW, NULL, 0,
				      NULL, 0, NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_SMARTCARD_CONFISCATE, NULL, 0,
				      NULL, 0, NULL));
	EXPECT_EQ(EBADF, scard_t_dioc(ro, IOCTL_CCID_ESCAPE, NULL, 0, out,
				      sizeof(out), NULL));
	EXPECT_EQ(-1, write(ro, in, n));
	EXPECT_EQ(EBADF, errno);

	EXPECT_EQ(0, scard_t_state(ro, &v));
	EXPECT_EQ(SCARD_SPECIFIC, v);
	EXPECT_EQ(0, scard_t_dioc(ro, IOCTL_SMARTCARD_GET_ATTRIBUTE, &tag, 4,
				  out, sizeof(out), NULL));
	EXPECT_EQ(0, scard_t_dioc(ro, IOCTL_SMARTCARD_IS_PRESENT, NULL, 0,
				  NULL, 0, NULL));
	EXPECT_EQ(EINPROGRESS, scard_t_dioc(ro, IOCTL_SMARTCARD_IS_ABSENT,
					    NULL, 0, NULL, 0, NULL));
	EXPECT_EQ(0, scard_t_last_error(ro, &v));
	EXPECT_EQ(EINPROGRESS, v);
	EXPECT_EQ(0, scard_t_dioc(ro, IOCTL_SMARTCARD_GET_PERF_CNTR, NULL, 0,
				  &perf, sizeof(perf), NULL));
	close(ro);
}

/* poll() says EPOLLHUP: read() must say ENODEV, 100 times in a row. */
static void expect_enodev_after_hup(struct __test_metadata *_metadata,
				    int fd)
{
	struct pollfd pfd;
	uint8_t out[64];
	int i;

	for (i = 0; i < 100; i++) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
		ASSERT_EQ(1, poll(&pfd, 1, 2000));
		ASSERT_TRUE(pfd.revents & POLLHUP);
		EXPECT_EQ(-1, read(fd, out, sizeof(out)));
		ASSERT_EQ(ENODEV, errno) TH_LOG("read %d after EPOLLHUP", i);
	}
}

/* GET_LAST_ERROR once the file's overlapped operations are over (≤ 1 s). */
static uint32_t wait_last_error(int fd)
{
	uint32_t err = EINPROGRESS;
	int i;

	for (i = 0; i < 100; i++) {
		if (scard_t_last_error(fd, &err) || err != EINPROGRESS)
			break;
		usleep(10000);
	}
	return err;
}

/*
 * After the card side is closed: a reply completed before can be read
 * once, then read() says ENODEV; a TRANSMIT pending at the unplug reads
 * ENODEV at once, never EAGAIN after poll() said EPOLLHUP.
 */
TEST_F(hand, read_after_gone_completed_reply)
{
	struct pollfd pfd;
	uint8_t out[64];
	int fd2;

	ASSERT_EQ(0, card_start(&self->vc));
	ASSERT_EQ(0, scard_t_specific(self->fd));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, write_select(fd2));
	pfd = (struct pollfd){ .fd = fd2, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	card_destroy(&self->vc);
	pfd.events = POLLIN;
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	EXPECT_EQ(POLLIN | POLLHUP | POLLERR, pfd.revents);
	EXPECT_EQ(10, read(fd2, out, sizeof(out)));
	EXPECT_EQ(-1, read(fd2, out, sizeof(out)));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, pfd.revents);
	close(fd2);
}

TEST_F(hand, read_after_gone_pending_transmit)
{
	struct scard_vproxy_msg req;
	uint8_t out[64];
	double t0;
	int fd2, fd3;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	fd3 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd3);
	ASSERT_EQ(0, write_select(fd2));
	ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req, self->p,
				2000));
	/* fd3's TRANSMIT waits for the reader behind fd2's. */
	ASSERT_EQ(0, write_select(fd3));
	usleep(50000);
	t0 = now_s();
	card_destroy(&self->vc);
	/* At once, while fd3's TRANSMIT may still be on its way out. */
	expect_enodev_after_hup(_metadata, fd3);
	expect_enodev_after_hup(_metadata, fd2);
	/* Both TRANSMITs ended with the card side, not seconds later. */
	EXPECT_EQ(ENODEV, wait_last_error(fd2));
	EXPECT_EQ(ENODEV, wait_last_error(fd3));
	EXPECT_GT(1.0, now_s() - t0);
	EXPECT_EQ(-1, read(fd3, out, sizeof(out)));
	EXPECT_EQ(ENODEV, errno);
	close(fd3);
	close(fd2);
}

TEST_F(hand, read_after_gone_failed_transmit)
{
	struct pollfd pfd;
	uint8_t out[64];
	uint32_t err;
	int fd2;

	/* Not SPECIFIC: the TRANSMIT fails with EBADFD. */
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, write_select(fd2));
	pfd = (struct pollfd){ .fd = fd2, .events = POLLIN };
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	card_destroy(&self->vc);
	EXPECT_EQ(-1, read(fd2, out, sizeof(out)));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, scard_t_last_error(fd2, &err));
	EXPECT_EQ(EBADFD, err);
	close(fd2);
}

/* A response without SW1 SW2 from an APDU-level reader is EPROTO. */
TEST_F(hand, short_reply_eproto)
{
	static const uint8_t sw1[] = { 0x90 };
	struct scard_vproxy_msg req;
	uint8_t out[8 + 64];
	size_t i;
	int fd2;

	ASSERT_EQ(0, hand_specific(&self->vc, self->fd));
	fd2 = open(self->vc.dev, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, fd2);
	for (i = 0; i < 2; i++) {
		struct pollfd pfd = { .fd = fd2, .events = POLLIN };

		ASSERT_EQ(0, write_select(fd2));
		ASSERT_LT(0, expect_req(self->vc.fd, SCARD_VPROXY_XFR, &req,
					self->p, 2000));
		ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, sw1, i));
		ASSERT_EQ(1, poll(&pfd, 1, 2000));
		EXPECT_EQ(-1, read(fd2, out, sizeof(out)))
			TH_LOG("a %zu-byte answer", i);
		EXPECT_EQ(EPROTO, errno);
	}
	close(fd2);
}

/* An APDU-level reader gets the parameters, never PPS bytes as an APDU. */
TEST_F(hand, no_pps_to_apdu_reader)
{
	/* TA1 = 13: Fi 372, Di 4, which needs a PPS. */
	static const uint8_t atr_ta1[] = { 0x3B, 0x10, 0x13 };
	struct scard_vproxy_msg req;
	struct client_op op;
	struct scard_vproxy_params prm;
	int n;

	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_POWER,
				  SCARD_COLD_RESET));
	ASSERT_EQ(0, expect_req(self->vc.fd, SCARD_VPROXY_POWER, &req,
				self->p, 2000));
	ASSERT_EQ(0, scard_vproxy_reply(self->vc.fd, &req, 0, atr_ta1,
					sizeof(atr_ta1)));
	ASSERT_EQ(0, client_join(&op));
	ASSERT_EQ(0, client_start(&op, self->fd, IOCTL_SMARTCARD_SET_PROTOCOL,
				  SCARD_PROTOCOL_T0));
	n = read_req(self->vc.fd, &req, self->p, MAX_PAYLOAD, 2000);
	ASSERT_LE(0, n);
	EXPECT_EQ(SCARD_VPROXY_PARAMS, req.type)
		TH_LOG("got %s", scard_vproxy_type_name(req.type));
	if (req.type == SCARD_VPROXY_PARAMS && n == sizeof(prm)) {
		memcpy(&prm, self->p, sizeof(prm));
		EXPECT_EQ(3, prm.di);
	}
	scard_vproxy_reply(self->vc.fd, &req, 0, NULL, 0);
	EXPECT_EQ(0, client_join(&op));
}

/* --- creation arguments ----------------------------------------------- */

static int try_create(struct scard_vproxy_new_dev *nd)
{
	int ctl, ret, err;

	ctl = open(SCARD_VPROXY_CTL_PATH, O_RDWR);
	if (ctl < 0)
		return errno;
	ret = ioctl(ctl, SCARD_VPROXY_IOC_NEW_DEV, nd);
	err = errno;
	close(ctl);
	if (ret == 0) {
		close((int)nd->fd);
		return 0;
	}
	return err;
}

TEST(create_args)
{
	const struct scard_vproxy_new_dev good = {
		.level = SCARD_VPROXY_LEVEL_APDU,
		.protocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
		.name = "args",
	};
	struct scard_vproxy_new_dev nd;
	int ctl;

	if (!vproxy_usable())
		SKIP(return, "no %s or not root", SCARD_VPROXY_CTL_PATH);

	nd = good;
	EXPECT_EQ(0, try_create(&nd));
	nd = good;
	nd.flags = 0x4;
	EXPECT_EQ(EOPNOTSUPP, try_create(&nd));
	nd = good;
	nd.reserved[3] = 1;
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	nd.level = SCARD_VPROXY_LEVEL_APDU_EXT + 1;
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	nd.protocols = 0;
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	nd.protocols = SCARD_PROTOCOL_RAW;
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	nd.max_ifsd = 255;
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	memset(nd.name, 'x', sizeof(nd.name));
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	nd.clock_khz = 20001;
	EXPECT_EQ(EINVAL, try_create(&nd));
	nd = good;
	nd.timeout_ms = 60001;
	EXPECT_EQ(EINVAL, try_create(&nd));
	/* Every level, and the limits themselves, are fine. */
	nd = good;
	nd.level = SCARD_VPROXY_LEVEL_CHAR;
	nd.max_ifsd = 254;
	nd.clock_khz = 20000;
	nd.timeout_ms = 60000;
	EXPECT_EQ(0, try_create(&nd));
	nd = good;
	nd.level = SCARD_VPROXY_LEVEL_TPDU;
	EXPECT_EQ(0, try_create(&nd));
	nd = good;
	nd.level = SCARD_VPROXY_LEVEL_APDU_EXT;
	EXPECT_EQ(0, try_create(&nd));

	ctl = open(SCARD_VPROXY_CTL_PATH, O_RDWR);
	ASSERT_LE(0, ctl);
	EXPECT_EQ(-1, ioctl(ctl, SCARD_VPROXY_IOC_NEW_DEV, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(ctl, _IO(SCARD_VPROXY_IOC_MAGIC, 0x01), 0));
	EXPECT_EQ(ENOTTY, errno);
	close(ctl);
}

/* Without CAP_SYS_ADMIN, even with the control device open: EPERM. */
TEST(create_needs_cap_sys_admin)
{
	struct scard_vproxy_new_dev nd = {
		.level = SCARD_VPROXY_LEVEL_APDU,
		.protocols = SCARD_PROTOCOL_T0,
		.name = "unprivileged",
	};
	int ctl;

	if (!vproxy_usable())
		SKIP(return, "no %s or not root", SCARD_VPROXY_CTL_PATH);
	ctl = open(SCARD_VPROXY_CTL_PATH, O_RDWR);
	ASSERT_LE(0, ctl);
	/* This test runs in its own process; drop root for good. */
	ASSERT_EQ(0, setgid(65534));
	ASSERT_EQ(0, setuid(65534));
	EXPECT_EQ(-1, ioctl(ctl, SCARD_VPROXY_IOC_NEW_DEV, &nd));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, open(SCARD_VPROXY_CTL_PATH, O_RDWR));
	EXPECT_EQ(EACCES, errno);
	close(ctl);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	if (!vproxy_usable()) {
		ksft_print_header();
		ksft_exit_skip("%s not found or not root\n",
			       SCARD_VPROXY_CTL_PATH);
	}
	return test_harness_run(argc, argv);
}
