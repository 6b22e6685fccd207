// SPDX-License-Identifier: GPL-2.0
/*
 * scard_fuzz: a seeded, bounded fuzzer of the /dev/scardN ABI.
 *
 * The reader is a vproxy reader whose card, a thread of this program,
 * answers the kernel at random: correct replies, garbage, a wrong seq or
 * type, oversized or malformed messages, errnos the kernel must pass on
 * and others it must turn into EPROTO, late replies or none, and card
 * removals, insertions and swaps in the middle of a request. Meanwhile
 * the test thread calls the ioctls with codes around and between the
 * valid ones (n - 1, n + 1, unaligned, other device types, access bits,
 * 0, ~0, generic VFS ioctls), random in/out lengths and flags, parameter
 * blocks and buffers that are NULL, unmapped, kernel addresses,
 * non-canonical, misaligned, read-only or run into a PROT_NONE page, and
 * write()/read()/poll() of random sizes on files of every open mode
 * (O_RDONLY, O_RDWR, O_NONBLOCK, blocking waits bounded by a timer
 * signal). A second thread replaces those files under it (close and
 * reopen), tries O_EXCL and tracks the card with non-blocking
 * IS_PRESENT/IS_ABSENT. The "gone" tests also unplug the reader (close
 * the card side) half-way through.
 *
 * Every result is judged against Documentation/scard/userspace-api.rst
 * and vproxy.rst: where the documented checks decide the answer (ENOTTY,
 * EBADF on read-only files, EFAULT, EINVAL, EOVERFLOW with the size
 * needed, ENODEV once the reader is gone, EOPNOTSUPP, POLLHUP ...) it
 * must be exactly that; elsewhere it must be one of the errnos the
 * documentation lists for the call. What does not fit is collected and
 * the test fails with the list. No call may take longer than a few
 * seconds. Afterwards the reader must still work: a clean card, a cold
 * reset, SET_PROTOCOL T=0 and a fixed APDU with the right reply.
 *
 * The seed is printed; SCARD_FUZZ_SEED=<n> replays a run (timing still
 * differs between runs: the threads race), SCARD_FUZZ_CALLS=<n> sets the
 * number of calls of the test thread per test.
 *
 * Needs root and /dev/scard_vproxy (scard_vproxy.ko); skipped otherwise.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>

#include "kselftest_harness.h"
#include "scard_common.h"
#include "vproxy.h"

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)

#define DEFAULT_SEED	0x5ca2df0220250601ULL
#define DEFAULT_CALLS	2500
#define CARD_TIMEOUT_MS	150	/* the reader's reply timeout */
#define SLOW_CALL_S	3.0	/* a call that takes longer is a finding */
#define NSLOTS		6
#define MAX_PAYLOAD	SCARD_VPROXY_MAX_PAYLOAD
#define MAX_XMIT_IN	(8 + 65544)	/* TRANSMIT input: header + APDU */
#define MAX_XMIT_OUT	(8 + 65538)	/* TRANSMIT output */
#define BUF_PAGES	17		/* > MAX_XMIT_IN, room to misalign */
#define MAX_BAD		48

/* T=0, no interface bytes, two historical bytes. */
static const uint8_t card_atr[] = { 0x3B, 0x02, 0x14, 0x50 };
/* The APDU of the final check: the card echoes the data (case 4). */
static const uint8_t echo_apdu[] = { 0x00, 0x01, 0x00, 0x00, 0x04,
				     0xDE, 0xAD, 0xBE, 0xEF, 0x00 };
static const uint8_t echo_reply[] = { 0xDE, 0xAD, 0xBE, 0xEF, 0x90, 0x00 };

/* --- random numbers: splitmix64, one stream per thread --------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnd64(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n - 1 */
static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd64(r) % n) : 0;
}

/* true with probability p per mille */
static bool chance(struct rng *r, unsigned int p)
{
	return rnd(r, 1000) < p;
}

static void rnd_bytes(struct rng *r, uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd64(r);
}

#define PICK(r, a)	((a)[rnd((r), ARRAY_SIZE(a))])

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 0);
	return errno || *end ? def : v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *ename(int e)
{
	static __thread char buf[24];
	const char *n = e ? strerrorname_np(e) : "0";

	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

/* --- the commands, as Documentation/scard/userspace-api.rst has them -- */

#define C_WRITE		0x1	/* needs a file open for writing (EBADF) */
#define C_SLEEPS	0x2	/* may wait for the reader, a card or an event */
#define C_OFFLINE	0x4	/* still answered once the reader is gone */

/* What a card may answer through vproxy and the kernel passes on. */
#define CARD_ERRS	ETIMEDOUT, EPROTO, EIO, ENOMEDIUM, EMEDIUMTYPE, EBADMSG

static const int power_errs[] = { CARD_ERRS, 0 };
static const int setproto_errs[] = { EOPNOTSUPP, EBADFD, CARD_ERRS, 0 };
static const int transmit_errs[] = { EBADFD, EOVERFLOW, CARD_ERRS, 0 };
static const int getattr_errs[] = { EOPNOTSUPP, EBADFD, EOVERFLOW, 0 };
static const int track_errs[] = { EINPROGRESS, EBUSY, 0 };
static const int no_errs[] = { 0 };
/* TRANSMIT at TPDU level: malformed APDUs, T=1 S(ABORT) from the card. */
static const int tpdu_errs[] = { EINVAL, ECANCELED, 0 };
/*
 * The stored result of an asynchronous operation (GET_LAST_ERROR, read()
 * of a failed TRANSMIT): what a TRANSMIT can end with. EINPROGRESS and 0
 * are added where they apply.
 */
static const int async_errs[] = { ENOMEDIUM, EBADFD, CARD_ERRS, 0 };

struct cmd {
	uint32_t code;
	const char *name;
	uint32_t min_in, max_in, min_out, max_out;
	unsigned int flags;
	const int *errs;
};

static const struct cmd cmds[] = {
	{ IOCTL_SMARTCARD_POWER, "POWER", 4, 4, 0, 33,
	  C_WRITE | C_SLEEPS, power_errs },
	{ IOCTL_SMARTCARD_GET_ATTRIBUTE, "GET_ATTRIBUTE", 4, 4, 0, 256,
	  0, getattr_errs },
	{ IOCTL_SMARTCARD_SET_ATTRIBUTE, "SET_ATTRIBUTE", 4, 260, 0, 0,
	  C_WRITE | C_SLEEPS, no_errs },
	{ IOCTL_SMARTCARD_CONFISCATE, "CONFISCATE", 0, 0, 0, 0,
	  C_WRITE, no_errs },
	{ IOCTL_SMARTCARD_TRANSMIT, "TRANSMIT", 12, MAX_XMIT_IN, 10,
	  MAX_XMIT_OUT, C_WRITE | C_SLEEPS, transmit_errs },
	{ IOCTL_SMARTCARD_EJECT, "EJECT", 0, 0, 0, 0, C_WRITE, no_errs },
	{ IOCTL_SMARTCARD_SWALLOW, "SWALLOW", 0, 0, 0, 0, C_WRITE, no_errs },
	{ IOCTL_SMARTCARD_IS_PRESENT, "IS_PRESENT", 0, 0, 0, 0,
	  C_SLEEPS, track_errs },
	{ IOCTL_SMARTCARD_IS_ABSENT, "IS_ABSENT", 0, 0, 0, 0,
	  C_SLEEPS, track_errs },
	{ IOCTL_SMARTCARD_SET_PROTOCOL, "SET_PROTOCOL", 4, 4, 4, 4,
	  C_WRITE | C_SLEEPS, setproto_errs },
	{ IOCTL_SMARTCARD_GET_STATE, "GET_STATE", 0, 0, 4, 4, 0, no_errs },
	{ IOCTL_SMARTCARD_GET_LAST_ERROR, "GET_LAST_ERROR", 0, 0, 4, 4,
	  C_OFFLINE, no_errs },
	{ IOCTL_SMARTCARD_GET_PERF_CNTR, "GET_PERF_CNTR", 0, 0, 88, 88,
	  0, no_errs },
	{ IOCTL_SMARTCARD_GET_FEATURE_REQUEST, "GET_FEATURE_REQUEST", 0, 0,
	  0, 64, 0, no_errs },
	{ IOCTL_CCID_ESCAPE, "CCID_ESCAPE", 0, 65536, 0, 65536, C_WRITE,
	  no_errs },
	{ IOCTL_SCARD_VERIFY_PIN_DIRECT, "VERIFY_PIN_DIRECT", 23, 19 + 261,
	  2, 258, C_WRITE, no_errs },
	{ IOCTL_SCARD_MODIFY_PIN_DIRECT, "MODIFY_PIN_DIRECT", 28, 24 + 261,
	  2, 258, C_WRITE, no_errs },
	{ IOCTL_SCARD_IFD_PIN_PROPERTIES, "IFD_PIN_PROPERTIES", 0, 0, 0, 4,
	  0, no_errs },
	{ IOCTL_SCARD_GET_TLV_PROPERTIES, "GET_TLV_PROPERTIES", 0, 0, 0, 64,
	  0, no_errs },
};

/* A vproxy reader's part 10 answers: one TLV each (dwMaxAPDUDataSize). */
#define TLV_PROPERTIES_LEN	6
#define FEATURES_LEN		6

#define NCMDS	ARRAY_SIZE(cmds)

/* Well-formed calls favour the commands that reach the card. */
static const uint8_t cmd_weights[NCMDS] = {
	14, 4, 3, 1, 16, 1, 1, 3, 3, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1,
};

static const struct cmd *find_cmd(uint32_t code)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (cmds[i].code == code)
			return &cmds[i];
	return NULL;
}

static bool in_set(const int *set, int e)
{
	for (; *set; set++)
		if (*set == e)
			return true;
	return false;
}

static const uint32_t attr_tags[] = {
	SCARD_ATTR_VENDOR_NAME, SCARD_ATTR_VENDOR_IFD_TYPE,
	SCARD_ATTR_VENDOR_IFD_VERSION, SCARD_ATTR_VENDOR_IFD_SERIAL_NO,
	SCARD_ATTR_CHANNEL_ID, SCARD_ATTR_PROTOCOL_TYPES,
	SCARD_ATTR_DEFAULT_CLK, SCARD_ATTR_MAX_CLK,
	SCARD_ATTR_DEFAULT_DATA_RATE, SCARD_ATTR_MAX_DATA_RATE,
	SCARD_ATTR_MAX_IFSD, SCARD_ATTR_SYNC_PROTOCOL_TYPES,
	SCARD_ATTR_POWER_MGMT_SUPPORT, SCARD_ATTR_USER_TO_CARD_AUTH_DEVICE,
	SCARD_ATTR_CHARACTERISTICS, SCARD_ATTR_CURRENT_PROTOCOL_TYPE,
	SCARD_ATTR_CURRENT_CLK, SCARD_ATTR_CURRENT_F, SCARD_ATTR_CURRENT_D,
	SCARD_ATTR_CURRENT_N, SCARD_ATTR_CURRENT_W, SCARD_ATTR_CURRENT_IFSC,
	SCARD_ATTR_CURRENT_IFSD, SCARD_ATTR_CURRENT_BWT,
	SCARD_ATTR_CURRENT_CWT, SCARD_ATTR_CURRENT_EBC_ENCODING,
	SCARD_ATTR_EXTENDED_BWT, SCARD_ATTR_ICC_PRESENCE,
	SCARD_ATTR_ICC_INTERFACE_STATUS, SCARD_ATTR_CURRENT_IO_STATE,
	SCARD_ATTR_ATR_STRING, SCARD_ATTR_ICC_TYPE_PER_ATR,
	SCARD_ATTR_ESC_RESET, SCARD_ATTR_MAXINPUT, SCARD_ATTR_DEVICE_UNIT,
	SCARD_ATTR_DEVICE_IN_USE, SCARD_ATTR_DEVICE_FRIENDLY_NAME_A,
	SCARD_ATTR_DEVICE_SYSTEM_NAME_A, SCARD_ATTR_DEVICE_FRIENDLY_NAME_W,
	SCARD_ATTR_SUPRESS_T1_IFS_REQUEST, SCARD_PERF_NUM_TRANSMISSIONS,
};

static const uint32_t proto_masks[] = {
	SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1,
	SCARD_PROTOCOL_Tx, SCARD_PROTOCOL_DEFAULT | SCARD_PROTOCOL_T0,
	SCARD_PROTOCOL_DEFAULT | SCARD_PROTOCOL_Tx, SCARD_PROTOCOL_RAW,
	SCARD_PROTOCOL_DEFAULT, 0, 0xffffffff,
};

static const uint32_t magic_lens[] = {
	0, 1, 3, 4, 7, 8, 33, 255, 256, 65536, 0xffffffff,
};

/* --- user memory: buffers that end at a PROT_NONE page, holes ... --- */

enum ptr_kind {
	P_OK, P_MISALIGNED, P_CROSS, P_RO, P_NULL, P_LOW, P_HOLE, P_KERNEL,
	P_NONCANON, P_TOP, NKINDS
};

static const char *const kind_names[NKINDS] = {
	"ok", "misaligned", "into-PROT_NONE", "read-only", "NULL", "low",
	"PROT_NONE", "kernel", "non-canonical", "top",
};

struct uptr {
	uint8_t *p;		/* as a pointer, for our own accesses */
	uint64_t addr;
	size_t prefix;		/* bytes from addr that user space may touch */
	bool kaddr;		/* not a user address at all (access_ok) */
	enum ptr_kind kind;
};

struct arena {
	void *map;
	size_t len, page;
	uint8_t *in, *in_end;	/* in_end: the first byte of a PROT_NONE page */
	uint8_t *out, *out_end;
	uint8_t *blk, *blk_end;
	uint8_t *ro;		/* one PROT_READ page */
	uint8_t *hole;		/* one PROT_NONE page */
};

static int arena_init(struct arena *a)
{
	size_t pg = sysconf(_SC_PAGESIZE);
	size_t buf = BUF_PAGES * pg;
	uint8_t *m;

	a->page = pg;
	a->len = 2 * (buf + pg) + 2 * pg + 2 * pg;
	m = mmap(NULL, a->len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	a->map = m;
	a->in = m;
	a->in_end = m + buf;
	a->out = a->in_end + pg;
	a->out_end = a->out + buf;
	a->blk = a->out_end + pg;
	a->blk_end = a->blk + pg;
	a->ro = a->blk_end + pg;
	a->hole = a->ro + pg;
	if (mprotect(a->in_end, pg, PROT_NONE) ||
	    mprotect(a->out_end, pg, PROT_NONE) ||
	    mprotect(a->blk_end, pg, PROT_NONE) ||
	    mprotect(a->ro, pg, PROT_READ) ||
	    mprotect(a->hole, pg, PROT_NONE))
		return -1;
	return 0;
}

static void arena_free(struct arena *a)
{
	if (a->map)
		munmap(a->map, a->len);
	a->map = NULL;
}

/*
 * A pointer of @kind into the buffer [base, end) (end is followed by a
 * PROT_NONE page) for an access of @len bytes; @out: the kernel writes
 * there (the read-only page then has no accessible prefix).
 */
static struct uptr make_ptr(struct rng *r, const struct arena *a,
			    uint8_t *base, uint8_t *end, uint64_t len,
			    enum ptr_kind kind, bool out)
{
	struct uptr u = { .kind = kind };
	size_t room = end - base, k;

	switch (kind) {
	case P_OK:
		u.p = base;
		break;
	case P_MISALIGNED:
		u.p = base + 1 + rnd(r, 7);
		break;
	case P_CROSS:
		k = len ? rnd(r, len < room ? (uint32_t)len : room) : 0;
		u.p = end - k;
		break;
	case P_RO:
		/* behind the block's place; the hole page follows */
		u.p = a->ro + (out ? 2048 : 512);
		u.addr = (uintptr_t)u.p;
		u.prefix = out ? 0 : a->page - 512;
		return u;
	case P_NULL:
		break;
	case P_LOW:
		u.addr = 0x1000;	/* below mmap_min_addr */
		break;
	case P_HOLE:
		u.addr = (uintptr_t)a->hole + rnd(r, a->page);
		break;
	case P_KERNEL:
		u.addr = 0xffff888000000000ULL + (uint64_t)rnd(r, 4096) * 8;
		u.kaddr = true;
		break;
	case P_NONCANON:
		u.addr = 0xdead000000000000ULL;
		u.kaddr = true;
		break;
	case P_TOP:
		u.addr = 0xffffffffffffff00ULL;
		u.kaddr = true;
		break;
	default:
		break;
	}
	if (u.p) {
		u.addr = (uintptr_t)u.p;
		u.prefix = end - u.p;
	}
	return u;
}

/* Store @n bytes where @u points, as far as it is mapped. */
static void poke(const struct arena *a, const struct uptr *u,
		 const void *src, size_t n)
{
	if (!u->p)
		return;
	if (u->kind == P_RO) {
		if (n > a->page - (u->p - a->ro))
			n = a->page - (u->p - a->ro);
		mprotect(a->ro, a->page, PROT_READ | PROT_WRITE);
		memcpy(u->p, src, n);
		mprotect(a->ro, a->page, PROT_READ);
		return;
	}
	memcpy(u->p, src, n < u->prefix ? n : u->prefix);
}

/* Kinds for buffers of a well-formed call, and of a random one. */
static enum ptr_kind pick_kind(struct rng *r, bool well)
{
	static const uint8_t w[NKINDS] = { 50, 12, 10, 5, 5, 3, 4, 5, 3, 3 };
	unsigned int i, t = 0, x;

	if (well)
		return chance(r, 800) ? P_OK : P_MISALIGNED;
	for (i = 0; i < NKINDS; i++)
		t += w[i];
	x = rnd(r, t);
	for (i = 0; x >= w[i]; i++)
		x -= w[i];
	return i;
}

/* --- what went wrong ------------------------------------------------- */

struct bad {
	char key[112];
	char first[176];
	unsigned long count;
};

struct report {
	pthread_mutex_t lock;
	struct bad bad[MAX_BAD];
	unsigned int nbad;
	unsigned long more;
};

struct slot {
	int fd;
	int flags;		/* open() flags: access mode, O_NONBLOCK */
};

struct fz {
	unsigned int level;
	uint64_t seed;
	unsigned long calls;
	char dev[32];
	int cfd;		/* the card side; only the card thread uses it */
	struct arena a;
	uint8_t *stage;		/* inputs are built here, then placed */
	uint8_t *card_req, *card_resp;
	struct slot slot[NSLOTS];
	struct report rp;
	double t_start;

	/* the test thread */
	struct rng rng;
	unsigned int session;	/* next step of a well-formed session */
	bool armed;		/* the timer signal may interrupt this call */
	unsigned long iter;
	unsigned long n_ioctl, n_vfs, n_ctl, n_write, n_read, n_poll;
	unsigned long cmd_calls[NCMDS], cmd_ok[NCMDS];
	unsigned long n_unknown, n_reads_ok, n_writes_ok;
	double slowest;

	/* the card thread */
	pthread_t card_thr;
	bool card_running;
	struct rng card_rng;
	int present;
	uint8_t kept[256];	/* TPDU level: data for GET RESPONSE */
	size_t kept_len;
	unsigned long n_req, n_replies, n_events, n_silent;

	/* the reopen/tracking thread */
	pthread_t track_thr;
	bool track_running;
	struct rng track_rng;
	int tfd;
	unsigned long n_reopen, n_excl, n_track;

	/* shared */
	unsigned long call_id;	/* the test thread's call in progress */
	unsigned long swap_call; /* a card swap happened during this call's */
	uint32_t swap_type;	/* ... request of this type */
	unsigned long n_swap_checked;
	int stop_card, stop_track;
	int clean, clean_ack;	/* the card behaves from now on */
	int unplug, gone;	/* close the card side / it is closed */
};

static void __attribute__((format(printf, 3, 4)))
bad(struct fz *fz, const char *key, const char *fmt, ...)
{
	struct report *rp = &fz->rp;
	unsigned int i;
	va_list ap;

	pthread_mutex_lock(&rp->lock);
	for (i = 0; i < rp->nbad; i++)
		if (!strcmp(rp->bad[i].key, key))
			break;
	if (i == rp->nbad) {
		if (i == MAX_BAD) {
			rp->more++;
			pthread_mutex_unlock(&rp->lock);
			return;
		}
		snprintf(rp->bad[i].key, sizeof(rp->bad[i].key), "%s", key);
		va_start(ap, fmt);
		vsnprintf(rp->bad[i].first, sizeof(rp->bad[i].first), fmt, ap);
		va_end(ap);
		rp->nbad++;
	}
	rp->bad[i].count++;
	pthread_mutex_unlock(&rp->lock);
}

static bool gone_maybe(struct fz *fz)
{
	return LOAD(fz->unplug);
}

static bool gone_sure(struct fz *fz)
{
	return LOAD(fz->gone);
}

static const char *mode_name(int flags)
{
	bool nb = flags & O_NONBLOCK;

	switch (flags & O_ACCMODE) {
	case O_RDONLY:
		return nb ? "O_RDONLY|O_NONBLOCK" : "O_RDONLY";
	default:
		return nb ? "O_RDWR|O_NONBLOCK" : "O_RDWR";
	}
}

/* --- bounded blocking: a timer signal interrupts the waits ----------- */

static void on_alarm(int sig)
{
	(void)sig;
}

static void arm(struct fz *fz)
{
	struct itimerval it = {
		.it_value.tv_usec = 5000 + rnd(&fz->rng, 45000),
	};

	setitimer(ITIMER_REAL, &it, NULL);
	fz->armed = true;
}

static void disarm(struct fz *fz)
{
	struct itimerval it = {};

	if (fz->armed)
		setitimer(ITIMER_REAL, &it, NULL);
	fz->armed = false;
}

static void timed(struct fz *fz, double t0, const char *what)
{
	double dt = now_s() - t0;
	char key[112];

	if (dt > fz->slowest)
		fz->slowest = dt;
	if (dt <= SLOW_CALL_S)
		return;
	snprintf(key, sizeof(key), "%s took more than %.0f s", what,
		 SLOW_CALL_S);
	bad(fz, key, "call %lu took %.1f s", fz->iter, dt);
}

/* --- the card: a thread on the card side ------------------------------ */

/* APDU level: echo (INS 01), READ BINARY (B0), the rest 90 00. */
static size_t card_apdu(const uint8_t *c, size_t len, uint8_t *r)
{
	size_t n = 0, i;

	if (len < 4) {
		r[0] = 0x6F;
		r[1] = 0x00;
		return 2;
	}
	if (c[1] == 0x01 && len > 5 && 5u + c[4] <= len) {
		n = c[4];
		memcpy(r, c + 5, n);
	} else if (c[1] == 0xB0 && len == 5) {
		n = c[4] ? c[4] : 256;
		for (i = 0; i < n; i++)
			r[i] = (uint8_t)i;
	}
	r[n] = 0x90;
	r[n + 1] = 0x00;
	return n + 2;
}

/*
 * TPDU level, T=0: the case 3 TPDU of an echo is answered 61 xx and its
 * data kept for the GET RESPONSE (C0) the kernel sends next; PPS is
 * accepted as it came.
 */
static size_t card_tpdu(struct fz *fz, const uint8_t *c, size_t len,
			uint8_t *r)
{
	size_t n = 0, i;

	if (len >= 3 && len <= 6 && c[0] == 0xFF) {
		memcpy(r, c, len);
		return len;
	}
	if (len < 5) {
		r[0] = 0x6F;
		r[1] = 0x00;
		return 2;
	}
	if (c[1] == 0x01 && c[4] && len == 5u + c[4]) {
		memcpy(fz->kept, c + 5, c[4]);
		fz->kept_len = c[4];
		r[0] = 0x61;
		r[1] = c[4];
		return 2;
	}
	if (c[1] == 0xC0 && len == 5) {
		n = c[4] ? c[4] : 256;
		if (n > fz->kept_len) {
			r[0] = fz->kept_len ? 0x6C : 0x6F;
			r[1] = (uint8_t)fz->kept_len;
			return 2;
		}
		memcpy(r, fz->kept, n);
	} else if (c[1] == 0xB0 && len == 5) {
		n = c[4] ? c[4] : 256;
		for (i = 0; i < n; i++)
			r[i] = (uint8_t)(0xFF - i);
	}
	r[n] = 0x90;
	r[n + 1] = 0x00;
	return n + 2;
}

static size_t card_correct(struct fz *fz, const struct scard_vproxy_msg *req,
			   const uint8_t *p, size_t len, uint8_t *r)
{
	switch (req->type) {
	case SCARD_VPROXY_POWER:
		if (req->arg == SCARD_POWER_DOWN)
			return 0;
		memcpy(r, card_atr, sizeof(card_atr));
		return sizeof(card_atr);
	case SCARD_VPROXY_XFR:
		if (fz->level == SCARD_VPROXY_LEVEL_TPDU)
			return card_tpdu(fz, p, len, r);
		return card_apdu(p, len, r);
	default:		/* PARAMS: no payload */
		return 0;
	}
}

/* Statuses a card may reply with: the first six pass, the rest: EPROTO. */
static const int32_t card_statuses[] = {
	-ETIMEDOUT, -EPROTO, -EIO, -ENOMEDIUM, -EMEDIUMTYPE, -EBADMSG,
	-EINPROGRESS, -ENODEV, -EOVERFLOW, -EAGAIN, -EINTR, -EINVAL, -EBADFD,
	-ENOTTY, -EFAULT, -ENOMEM, -EBUSY, -ECANCELED, -ENOENT, -EPERM,
	-EBADF, -EOPNOTSUPP, -EMSGSIZE,
	-512, -513, -514, -516, -517, -524, -4095, -4096, 1, 5,
	INT32_MAX, INT32_MIN,
};

/* One write to the card side; judge the kernel's answer. */
static void card_write(struct fz *fz, const void *buf, size_t len,
		       int expect, const char *what)
{
	ssize_t n = write(fz->cfd, buf, len);
	int err = n < 0 ? errno : 0;
	char key[112];

	if (expect == 0 && (size_t)n == len)
		return;
	if (expect > 0 && n < 0 && err == expect)
		return;
	/* -1: the reply may be taken or refused (the request moved on). */
	if (expect < 0 && ((size_t)n == len || err == EINVAL))
		return;
	snprintf(key, sizeof(key), "vproxy write %s: %s", what,
		 n < 0 ? ename(err) : "accepted");
	bad(fz, key, "card side, %zu bytes, expected %s", len,
	    expect > 0 ? ename(expect) : expect ? "count or EINVAL" : "count");
}

static void card_msg(struct fz *fz, uint32_t type, uint32_t seq, int32_t arg,
		     const uint8_t *payload, size_t len, int expect,
		     const char *what)
{
	struct scard_vproxy_msg *m = (void *)fz->card_resp;

	/* The reply payload lives right behind the header already. */
	if (payload && payload != fz->card_resp + sizeof(*m))
		memmove(fz->card_resp + sizeof(*m), payload, len);
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->seq = seq;
	m->len = (uint32_t)len;
	m->arg = arg;
	card_write(fz, m, sizeof(*m) + len, expect, what);
}

static void card_event(struct fz *fz, int present)
{
	struct scard_vproxy_msg ev = {
		.type = SCARD_VPROXY_CARD_EVENT,
		.arg = present,
	};

	card_write(fz, &ev, sizeof(ev), 0, "CARD_EVENT");
	fz->present = present;
	fz->n_events++;
}

/* Malformed card events: all EINVAL, none changes anything. */
static void card_bad_event(struct fz *fz)
{
	struct rng *r = &fz->card_rng;
	uint8_t buf[sizeof(struct scard_vproxy_msg) + 1] = { 0 };
	struct scard_vproxy_msg ev = { .type = SCARD_VPROXY_CARD_EVENT };

	if (chance(r, 500)) {
		ev.arg = PICK(r, ((const int32_t[]){ 2, -1, 0x100, INT32_MIN }));
		card_write(fz, &ev, sizeof(ev), EINVAL, "bad CARD_EVENT");
	} else {
		ev.arg = fz->present;
		ev.len = 1;
		memcpy(buf, &ev, sizeof(ev));
		card_write(fz, buf, sizeof(buf), EINVAL, "CARD_EVENT+payload");
	}
}

enum behaviour {
	B_OK, B_GARBAGE, B_BAD_SEQ, B_BAD_TYPE, B_TOO_LONG, B_BAD_LEN,
	B_ERRNO, B_LATE, B_SILENT, B_SWAP, B_TWICE, NBEHAVIOURS
};

static const uint8_t behaviour_weights[NBEHAVIOURS] = {
	50, 9, 5, 5, 4, 3, 10, 6, 2, 3, 3,
};

static enum behaviour pick_behaviour(struct rng *r)
{
	unsigned int i, t = 0, x;

	for (i = 0; i < NBEHAVIOURS; i++)
		t += behaviour_weights[i];
	x = rnd(r, t);
	for (i = 0; i < NBEHAVIOURS; i++) {
		if (x < behaviour_weights[i])
			return i;
		x -= behaviour_weights[i];
	}
	return B_OK;
}

/* Reply types that are no request's: EINVAL. */
static const uint32_t bad_types[] = { 0, 6, 0x7f, 0x80, 0xffff };

/* Answer one request, well or not. */
static void card_answer(struct fz *fz, const struct scard_vproxy_msg *req,
			const uint8_t *p, size_t len, unsigned long id)
{
	uint8_t *resp = fz->card_resp + sizeof(struct scard_vproxy_msg);
	uint32_t rtype = req->type | SCARD_VPROXY_REPLY;
	struct rng *r = &fz->card_rng;
	enum behaviour b = LOAD(fz->clean) ? B_OK : pick_behaviour(r);
	size_t n;

	n = card_correct(fz, req, p, len, resp);
	switch (b) {
	case B_OK:
		break;
	case B_GARBAGE:
		/* mostly ATR-sized, so that the ATR parser sees them */
		n = req->type == SCARD_VPROXY_POWER && chance(r, 800) ?
		    1 + rnd(r, 33) : chance(r, 150) ? rnd(r, 2) : rnd(r, 300);
		rnd_bytes(r, resp, n);
		if (n && req->type == SCARD_VPROXY_POWER && chance(r, 500))
			resp[0] = chance(r, 500) ? 0x3B : 0x3F;
		break;
	case B_BAD_SEQ:
		if (chance(r, 300))
			card_msg(fz, rtype, 0, 0, resp, n, EINVAL, "seq 0");
		else if (chance(r, 500) && req->seq > 1)
			card_msg(fz, rtype, req->seq - 1, 0, resp, n, 0,
				 "stale seq");
		else
			card_msg(fz, rtype, req->seq + 1000 + rnd(r, 1000), 0,
				 resp, n, EINVAL, "future seq");
		if (chance(r, 300))
			return;		/* and no real answer */
		break;
	case B_BAD_TYPE:
		switch (rnd(r, 4)) {
		case 0:		/* another request type: refused if pending */
			card_msg(fz, (1 + (req->type % 5)) | SCARD_VPROXY_REPLY,
				 req->seq, 0, resp, n, -1, "other type");
			break;
		case 1:
			card_msg(fz, req->type, req->seq, 0, resp, n, EINVAL,
				 "no REPLY bit");
			break;
		default:
			card_msg(fz, PICK(r, bad_types) | SCARD_VPROXY_REPLY,
				 req->seq, 0, resp, n, EINVAL, "unknown type");
			break;
		}
		if (chance(r, 300))
			return;
		break;
	case B_TOO_LONG:
		if (chance(r, 200)) {
			/* more than any message: refused */
			memset(resp, 0x55, MAX_PAYLOAD + 1);
			card_msg(fz, rtype, req->seq, 0, resp, MAX_PAYLOAD + 1,
				 EINVAL, "oversized message");
			if (chance(r, 500))
				return;
			n = card_correct(fz, req, p, len, resp);
			break;
		}
		n = req->type == SCARD_VPROXY_POWER ? 34 + rnd(r, 64) :
		    req->type == SCARD_VPROXY_XFR && chance(r, 500) ?
		    MAX_PAYLOAD : 1 + rnd(r, 600);
		rnd_bytes(r, resp, n < 600 ? n : 600);
		break;
	case B_BAD_LEN: {
		struct scard_vproxy_msg *m = (void *)fz->card_resp;

		memset(m, 0, sizeof(*m));
		m->type = rtype;
		m->seq = req->seq;
		m->len = (uint32_t)n + 1 + rnd(r, 8);
		card_write(fz, m, sizeof(*m) + n, EINVAL, "len mismatch");
		card_write(fz, m, rnd(r, sizeof(*m)), EINVAL, "short header");
		if (chance(r, 300))
			return;
		n = card_correct(fz, req, p, len, resp);
		break;
	}
	case B_ERRNO:
		card_msg(fz, rtype, req->seq,
			 chance(r, 800) ? PICK(r, card_statuses) :
			 (int32_t)rnd64(r), resp, rnd(r, 3) ? 0 : n, 0,
			 "errno");
		fz->n_replies++;
		return;
	case B_LATE:
		/* mostly a little late, sometimes after the timeout */
		usleep(chance(r, 700) ? 1000 * (1 + rnd(r, 20)) :
		       1000 * (CARD_TIMEOUT_MS + rnd(r, CARD_TIMEOUT_MS / 2)));
		break;
	case B_SILENT:
		fz->n_silent++;
		return;
	case B_SWAP:
		/* another card, in the middle of the operation */
		if (fz->present)
			card_event(fz, 0);
		card_event(fz, 1);
		STORE(fz->swap_type, req->type);
		STORE(fz->swap_call, id);
		break;
	case B_TWICE:
		card_msg(fz, rtype, req->seq, 0, resp, n, 0, "reply");
		fz->n_replies++;
		/* the second one is stale: taken and dropped */
		card_msg(fz, rtype, req->seq, 0, resp, n, 0, "reply again");
		return;
	default:
		break;
	}
	card_msg(fz, rtype, req->seq, 0, resp, n, 0, "reply");
	fz->n_replies++;
}

static void *card_thread(void *arg)
{
	struct fz *fz = arg;
	struct rng *r = &fz->card_rng;
	struct pollfd pfd = { .fd = fz->cfd, .events = POLLIN };
	struct scard_vproxy_msg req;
	uint8_t small[sizeof(req) - 1];
	unsigned long id;
	ssize_t sn;
	int n;

	while (!LOAD(fz->stop_card)) {
		if (LOAD(fz->unplug)) {
			/* the reader goes: all its files get ENODEV now */
			close(fz->cfd);
			fz->cfd = -1;
			STORE(fz->gone, 1);
			break;
		}
		if (LOAD(fz->clean) && !LOAD(fz->clean_ack)) {
			if (!fz->present)
				card_event(fz, 1);
			STORE(fz->clean_ack, 1);
		}
		if (!LOAD(fz->clean)) {
			if (fz->present ? chance(r, 8) : chance(r, 150))
				card_event(fz, !fz->present);
			else if (chance(r, 3))
				card_event(fz, fz->present); /* repeated */
			else if (chance(r, 3))
				card_bad_event(fz);
		}
		pfd.fd = fz->cfd;
		if (poll(&pfd, 1, 5) != 1 || !(pfd.revents & POLLIN))
			continue;
		if (!LOAD(fz->clean) && chance(r, 50)) {
			/* too small for the request: it stays queued */
			sn = read(fz->cfd, small, sizeof(small));
			if (sn >= 0 || (errno != EMSGSIZE && errno != EAGAIN))
				bad(fz, "vproxy read, small buffer",
				    "returned %zd (%s), expected EMSGSIZE",
				    sn, sn < 0 ? ename(errno) : "data");
		}
		/*
		 * Taken before the request: a request read now belongs to
		 * this call of the test thread or to a later one.
		 */
		id = LOAD(fz->call_id);
		n = scard_vproxy_read_request(fz->cfd, &req, fz->card_req,
					      MAX_PAYLOAD);
		if (n == -EAGAIN)
			continue;	/* withdrawn: timed out or cancelled */
		if (n < 0) {
			bad(fz, "vproxy read", "%s", ename(-n));
			continue;
		}
		fz->n_req++;
		if (req.type < SCARD_VPROXY_POWER ||
		    req.type > SCARD_VPROXY_XFR || !req.seq)
			bad(fz, "vproxy request type/seq",
			    "type %u seq %u len %u", req.type, req.seq, req.len);
		card_answer(fz, &req, fz->card_req, n, id);
	}
	return NULL;
}

/* --- the second thread: reopen the files, O_EXCL, card tracking ----- */

static int track_dioc(int fd, uint32_t code, uint32_t *val)
{
	return scard_t_dioc(fd, code, NULL, 0, val, val ? sizeof(*val) : 0,
			    NULL);
}

/* open() while the reader may be going: ENOENT/ENODEV are fine then. */
static int track_open(struct fz *fz, int flags, const char *what)
{
	int fd = open(fz->dev, flags | O_CLOEXEC);
	char key[112];

	if (fd >= 0 || (gone_maybe(fz) && (errno == ENOENT || errno == ENODEV)))
		return fd;
	snprintf(key, sizeof(key), "open(%s) %s: %s", mode_name(flags), what,
		 ename(errno));
	bad(fz, key, "tracker");
	return -1;
}

static const int excl_modes[] = { O_RDONLY, O_RDWR, O_RDWR | O_NONBLOCK };

static void track_step(struct fz *fz)
{
	struct rng *r = &fz->track_rng;
	uint32_t val = 0xdeadbeef, code;
	struct pollfd pfd;
	struct slot *s;
	int fd, ret;
	char key[112];

	switch (rnd(r, 10)) {
	case 0:
	case 1:
	case 2:		/* close a file of the test thread and reopen it */
		s = &fz->slot[rnd(r, NSLOTS)];
		fd = track_open(fz, s->flags, "reopen");
		if (fd < 0)
			break;
		/* atomically: the test thread never sees a closed fd */
		if (dup2(fd, s->fd) < 0)
			bad(fz, "dup2", "%s", ename(errno));
		close(fd);
		fz->n_reopen++;
		break;
	case 3:		/* O_EXCL while other files are open */
		fd = open(fz->dev, PICK(r, excl_modes) | O_EXCL | O_CLOEXEC);
		fz->n_excl++;
		if (fd >= 0) {
			bad(fz, "O_EXCL open succeeded", "others are open");
			close(fd);
		} else if (errno != EBUSY &&
			   !(gone_maybe(fz) &&
			     (errno == ENOENT || errno == ENODEV))) {
			snprintf(key, sizeof(key), "open(O_EXCL): %s",
				 ename(errno));
			bad(fz, key, "expected EBUSY");
		}
		break;
	case 4:
	case 5:
	case 6:		/* non-blocking card tracking */
		if (fz->tfd < 0)
			break;
		code = chance(r, 500) ? IOCTL_SMARTCARD_IS_PRESENT :
					IOCTL_SMARTCARD_IS_ABSENT;
		ret = track_dioc(fz->tfd, code, NULL);
		fz->n_track++;
		if (!ret || ret == EINPROGRESS || ret == EBUSY ||
		    (ret == ENODEV && gone_maybe(fz)))
			break;
		snprintf(key, sizeof(key), "tracker %s: %s",
			 find_cmd(code)->name, ename(ret));
		bad(fz, key, "O_NONBLOCK");
		break;
	case 7:
		if (fz->tfd < 0)
			break;
		ret = track_dioc(fz->tfd, IOCTL_SMARTCARD_GET_LAST_ERROR, &val);
		if (ret || (val && val != EINPROGRESS && val != ENODEV)) {
			snprintf(key, sizeof(key),
				 "tracker GET_LAST_ERROR: %s, value %s",
				 ename(ret), ename(val));
			bad(fz, key, "after IS_PRESENT/IS_ABSENT only");
		}
		break;
	case 8:
		if (fz->tfd < 0)
			break;
		pfd.fd = fz->tfd;
		pfd.events = POLLPRI;
		ret = poll(&pfd, 1, 0);
		if (ret < 0 || (pfd.revents & ~(POLLPRI | POLLHUP | POLLERR)) ||
		    ((pfd.revents & (POLLHUP | POLLERR)) && !gone_maybe(fz)))
			bad(fz, "tracker poll", "returned %d revents %#x", ret,
			    pfd.revents);
		break;
	default:	/* close with a request pending, reopen */
		if (fz->tfd >= 0)
			close(fz->tfd);
		fz->tfd = track_open(fz, (chance(r, 500) ? O_RDONLY : O_RDWR) |
				     O_NONBLOCK, "tracking");
		break;
	}
}

static void *track_thread(void *arg)
{
	struct fz *fz = arg;

	while (!LOAD(fz->stop_track)) {
		track_step(fz);
		usleep(200 + rnd(&fz->track_rng, 2000));
	}
	return NULL;
}

/* --- the test thread's calls ----------------------------------------- */

/* A command APDU: one of the shapes the card knows, or anything. */
static size_t gen_apdu(struct rng *r, uint8_t *a)
{
	size_t lc, n;

	switch (rnd(r, 8)) {
	case 0:
	case 1:		/* echo, case 4 */
		lc = 1 + rnd(r, 255);
		memcpy(a, (const uint8_t[]){ 0x00, 0x01, 0, 0 }, 4);
		a[4] = (uint8_t)lc;
		rnd_bytes(r, a + 5, lc);
		a[5 + lc] = (uint8_t)rnd(r, 256);
		return 6 + lc;
	case 2:		/* READ BINARY, case 2 */
		memcpy(a, (const uint8_t[]){ 0x00, 0xB0, 0, 0 }, 4);
		a[4] = (uint8_t)rnd(r, 256);
		return 5;
	case 3:		/* SELECT, case 3 */
		lc = 1 + rnd(r, 16);
		memcpy(a, (const uint8_t[]){ 0x00, 0xA4, 0x04, 0x00 }, 4);
		a[4] = (uint8_t)lc;
		rnd_bytes(r, a + 5, lc);
		return 5 + lc;
	case 4:		/* case 1 */
		memcpy(a, (const uint8_t[]){ 0x00, 0x70, 0, 0 }, 4);
		return 4;
	case 5:		/* extended echo */
		lc = 1 + rnd(r, 600);
		memcpy(a, (const uint8_t[]){ 0x00, 0x01, 0, 0, 0 }, 5);
		a[5] = (uint8_t)(lc >> 8);
		a[6] = (uint8_t)lc;
		rnd_bytes(r, a + 7, lc);
		return 7 + lc;
	default:	/* anything */
		n = rnd(r, 300);
		rnd_bytes(r, a, n);
		return n;
	}
}

/*
 * A session: the steps that make a card SPECIFIC and use it, so that
 * TRANSMIT and the card's answers to it get their share of the calls.
 */
static const uint32_t session_steps[] = {
	IOCTL_SMARTCARD_POWER, IOCTL_SMARTCARD_SET_PROTOCOL,
	IOCTL_SMARTCARD_TRANSMIT, IOCTL_SMARTCARD_TRANSMIT,
	IOCTL_SMARTCARD_TRANSMIT, IOCTL_SMARTCARD_TRANSMIT,
};

/* The well-formed input of a session step into fz->stage. */
static uint32_t gen_session_input(struct fz *fz, uint32_t code)
{
	static const struct scard_io_request t0 = { SCARD_PROTOCOL_T0, 8 };
	uint32_t v;

	switch (code) {
	case IOCTL_SMARTCARD_POWER:
		v = SCARD_COLD_RESET;
		memcpy(fz->stage, &v, 4);
		return 4;
	case IOCTL_SMARTCARD_SET_PROTOCOL:
		v = SCARD_PROTOCOL_T0;
		memcpy(fz->stage, &v, 4);
		return 4;
	default:
		memcpy(fz->stage, &t0, 8);
		return 8 + gen_apdu(&fz->rng, fz->stage + 8);
	}
}

/* The input bytes of @cmd (or of an unknown code) into fz->stage. */
static uint32_t gen_input(struct fz *fz, const struct cmd *cmd)
{
	struct rng *r = &fz->rng;
	uint8_t *s = fz->stage;
	uint32_t v, n = 4;

	rnd_bytes(r, s, 16);
	switch (cmd ? cmd->code : 0) {
	case IOCTL_SMARTCARD_POWER:
		v = chance(r, 850) ? PICK(r, ((const uint32_t[]){
			SCARD_COLD_RESET, SCARD_COLD_RESET, SCARD_WARM_RESET,
			SCARD_POWER_DOWN })) : (uint32_t)rnd64(r);
		memcpy(s, &v, 4);
		break;
	case IOCTL_SMARTCARD_GET_ATTRIBUTE:
		v = chance(r, 850) ? PICK(r, attr_tags) : (uint32_t)rnd64(r);
		memcpy(s, &v, 4);
		break;
	case IOCTL_SMARTCARD_SET_ATTRIBUTE:
		v = chance(r, 700) ? SCARD_ATTR_SUPRESS_T1_IFS_REQUEST :
				     PICK(r, attr_tags);
		memcpy(s, &v, 4);
		v = rnd(r, 3) ? rnd(r, 2) : (uint32_t)rnd64(r);
		memcpy(s + 4, &v, 4);
		n = chance(r, 800) ? 8 : 4 + rnd(r, 257);
		break;
	case IOCTL_SMARTCARD_SET_PROTOCOL:
		v = chance(r, 900) ? PICK(r, proto_masks) : (uint32_t)rnd64(r);
		memcpy(s, &v, 4);
		break;
	case IOCTL_SMARTCARD_TRANSMIT: {
		struct scard_io_request h = {
			.protocol = chance(r, 850) ? SCARD_PROTOCOL_T0 :
				    PICK(r, ((const uint32_t[]){
				    SCARD_PROTOCOL_T1, 0, SCARD_PROTOCOL_RAW,
				    (uint32_t)rnd64(r) })),
			.pci_length = chance(r, 900) ? 8 : rnd(r, 20),
		};

		memcpy(s, &h, 8);
		n = 8 + gen_apdu(r, s + 8);
		break;
	}
	case IOCTL_CCID_ESCAPE:
	case IOCTL_SCARD_VERIFY_PIN_DIRECT:
	case IOCTL_SCARD_MODIFY_PIN_DIRECT:
		n = rnd(r, 64);
		rnd_bytes(r, s, n);
		break;
	default:
		n = 0;
		break;
	}
	return n;
}

static uint32_t pick_len(struct rng *r)
{
	if (chance(r, 850))
		return PICK(r, magic_lens);
	return rnd(r, 70000);
}

static const uint32_t odd_codes[] = {
	0, 0xffffffff, 0x00310000, 0x0031ffff, 0x00320000,
};

/* Codes around and between the valid ones; not the generic VFS ones. */
static uint32_t pick_code(struct rng *r)
{
	static const uint32_t types[] = {
		0x00, 0x01, 0x22, 0x30, 0x32, 0x131, 0x3100, 0x8031, 0xffff,
	};
	static const uint32_t ns[] = { 3399, 3400, 3401, 3499, 3500, 3501 };
	uint32_t code, t;

	do {
		switch (rnd(r, 12)) {
		case 0:
		case 1:
		case 2:	/* n = 0 .. 17, aligned and not */
			code = SCARD_CTL_CODE(rnd(r, 18)) + rnd(r, 4);
			break;
		case 3:
			code = SCARD_CTL_CODE(PICK(r, ns)) + rnd(r, 4);
			break;
		case 4:
		case 5:	/* another device type */
			code = (PICK(r, types) << 16) |
			       (PICK(r, cmds).code & 0xffff);
			break;
		case 6:	/* access bits (winioctl.h bits 14-15) */
			code = PICK(r, cmds).code | (1 + rnd(r, 3)) << 14;
			break;
		case 7:	/* Linux direction bits */
			code = PICK(r, cmds).code | (1 + rnd(r, 3)) << 30;
			break;
		case 8:
			code = PICK(r, odd_codes);
			break;
		case 9:	/* 8 and 9 (obsolete), 13 (unassigned) */
			code = SCARD_CTL_CODE(PICK(r, ((const uint32_t[]){
				8, 9, 13 })));
			break;
		default:
			code = (uint32_t)rnd64(r);
			break;
		}
		t = (code >> 8) & 0xff;
		/* the types of the ioctls do_vfs_ioctl() answers itself */
	} while (code == 2 || t == 'T' || t == 'f' || t == 0x94 || t == 'X' ||
		 t == 0x15);
	return code;
}

struct call {
	const struct cmd *cmd;
	unsigned int ci;	/* index in cmds */
	uint32_t code;
	unsigned long req;	/* what ioctl() gets: maybe with high bits */
	struct slot *slot;
	int flags;
	struct scard_dioc d;
	struct uptr blk, in, out;
	uint32_t content;	/* bytes of structured input built */
	bool was_gone;		/* the reader was gone before the call */
	bool armed;		/* the timer signal could interrupt it */
};

/*
 * The result where the documented checks decide it, else -1; in the order
 * of userspace-api.rst "Checks, in order", EBADF (read-only file) right
 * after ENOTTY. *@online is set once the checks are past "reader
 * unplugged": from there on a reader that is going may say ENODEV.
 */
static int dioc_strict(struct fz *fz, const struct call *c, uint32_t *br,
		       bool *sleeps, bool *online)
{
	const struct cmd *cmd = c->cmd;
	const uint8_t *in = fz->stage;
	uint32_t out_size, v = 0;

	*sleeps = false;
	*online = false;
	if (!cmd)
		return ENOTTY;
	if ((cmd->flags & C_WRITE) && (c->flags & O_ACCMODE) == O_RDONLY)
		return EBADF;
	if (c->blk.prefix < sizeof(c->d) || c->blk.kaddr)
		return EFAULT;
	if (c->d.flags)
		return EINVAL;
	if (c->d.in_len < cmd->min_in || c->d.in_len > cmd->max_in)
		return EINVAL;
	if (c->d.out_len < cmd->min_out) {
		*br = cmd->min_out;
		return EOVERFLOW;
	}
	if (!(cmd->flags & C_OFFLINE)) {
		if (c->was_gone)
			return ENODEV;
		*online = true;
	}
	out_size = c->d.out_len < cmd->max_out ? c->d.out_len : cmd->max_out;
	if (out_size && c->out.kaddr)
		return EFAULT;
	if (c->d.in_len && c->in.prefix < c->d.in_len)
		return EFAULT;
	/* The input is ours from here (the content is in fz->stage). */
	if (c->d.in_len >= 4)
		memcpy(&v, in, 4);
	switch (cmd->code) {
	case IOCTL_SMARTCARD_POWER:
		if (v > SCARD_WARM_RESET)
			return EINVAL;
		if (v != SCARD_POWER_DOWN && c->d.out_len < SCARD_ATR_LENGTH) {
			*br = SCARD_ATR_LENGTH;
			return EOVERFLOW;
		}
		break;
	case IOCTL_SMARTCARD_SET_PROTOCOL:
		if (!(v & (SCARD_PROTOCOL_Tx | SCARD_PROTOCOL_RAW)))
			return EINVAL;
		break;
	case IOCTL_SMARTCARD_SET_ATTRIBUTE:
		if (v != SCARD_ATTR_SUPRESS_T1_IFS_REQUEST)
			return EOPNOTSUPP;
		if (c->d.in_len != 8)
			return EINVAL;
		*sleeps = true;		/* the reader lock */
		*br = 0;
		return 0;
	case IOCTL_SMARTCARD_TRANSMIT:
		memcpy(&v, in + 4, 4);
		if (v != 8)
			return EINVAL;
		break;
	case IOCTL_SMARTCARD_CONFISCATE:
	case IOCTL_SMARTCARD_EJECT:
	case IOCTL_SMARTCARD_SWALLOW:
	case IOCTL_CCID_ESCAPE:
	case IOCTL_SCARD_VERIFY_PIN_DIRECT:
	case IOCTL_SCARD_MODIFY_PIN_DIRECT:
	case IOCTL_SCARD_IFD_PIN_PROPERTIES:
		/* no such mechanism, escape off, no keypad */
		return EOPNOTSUPP;
	case IOCTL_SMARTCARD_GET_STATE:
	case IOCTL_SMARTCARD_GET_LAST_ERROR:
	case IOCTL_SMARTCARD_GET_PERF_CNTR:
		*br = cmd->max_out;
		return c->out.prefix < cmd->max_out ? EFAULT : 0;
	case IOCTL_SMARTCARD_GET_FEATURE_REQUEST:
	case IOCTL_SCARD_GET_TLV_PROPERTIES:
		/* GET_TLV_PROPERTIES only; dwMaxAPDUDataSize only. */
		*br = cmd->code == IOCTL_SCARD_GET_TLV_PROPERTIES ?
		      TLV_PROPERTIES_LEN : FEATURES_LEN;
		if (out_size < *br)
			return EOVERFLOW;
		return c->out.prefix < *br ? EFAULT : 0;
	default:
		break;
	}
	return -1;
}

static bool last_error_ok(struct fz *fz, uint32_t v)
{
	return !v || v == EINPROGRESS || in_set(async_errs, v) ||
	       (v == EINVAL && fz->level == SCARD_VPROXY_LEVEL_TPDU) ||
	       (v == ENODEV && gone_maybe(fz));
}

/* A successful call's output; NULL when it is right. */
static const char *check_output(struct fz *fz, const struct call *c,
				uint32_t br)
{
	const struct cmd *cmd = c->cmd;
	uint32_t out_size = c->d.out_len < cmd->max_out ? c->d.out_len :
							  cmd->max_out;
	uint32_t v = 0, minor = 0;

	if (br > out_size)
		return "bytes_returned > buffer";
	if (br > c->out.prefix)
		return "wrote past a PROT_NONE boundary";
	if (br >= 4 && c->out.p)
		memcpy(&v, c->out.p, 4);
	switch (cmd->code) {
	case IOCTL_SMARTCARD_POWER:
		memcpy(&minor, fz->stage, 4);
		if (minor == SCARD_POWER_DOWN ? br != 0 : !br || br > 33)
			return "ATR length";
		break;
	case IOCTL_SMARTCARD_SET_PROTOCOL:
		memcpy(&minor, fz->stage, 4);
		if (br != 4 || (v != SCARD_PROTOCOL_T0 &&
				v != SCARD_PROTOCOL_T1) || !(v & minor))
			return "selected protocol";
		break;
	case IOCTL_SMARTCARD_TRANSMIT:
		if (br < 10)
			return "reply without SW1 SW2";
		if (memcmp(c->out.p, fz->stage, 8))
			return "reply header differs from the request's";
		break;
	case IOCTL_SMARTCARD_GET_STATE:
		if (br != 4 || v > SCARD_SPECIFIC)
			return "state value";
		break;
	case IOCTL_SMARTCARD_GET_LAST_ERROR:
		if (br != 4 || !last_error_ok(fz, v))
			return "stored result";
		break;
	case IOCTL_SMARTCARD_GET_PERF_CNTR:
		if (br != 88 || v != 88)
			return "perf counter size";
		break;
	case IOCTL_SMARTCARD_GET_FEATURE_REQUEST:
		if (br != FEATURES_LEN || c->out.p[0] !=
		    SCARD_FEATURE_GET_TLV_PROPERTIES)
			return "feature list";
		break;
	case IOCTL_SCARD_GET_TLV_PROPERTIES:
		if (br != TLV_PROPERTIES_LEN ||
		    c->out.p[0] != SCARD_PROP_MAX_APDU_DATA_SIZE)
			return "TLV properties";
		break;
	case IOCTL_SMARTCARD_IS_PRESENT:
	case IOCTL_SMARTCARD_IS_ABSENT:
	case IOCTL_SMARTCARD_SET_ATTRIBUTE:
		if (br)
			return "bytes_returned";
		break;
	default:
		break;
	}
	return NULL;
}

/* Copy the staged input where the in pointer points (what is mapped). */
static void place_input(struct fz *fz, const struct call *c)
{
	poke(&fz->a, &c->in, fz->stage, c->content);
}

/* Put the parameter block where the block pointer points. */
static void place_block(struct fz *fz, const struct call *c)
{
	poke(&fz->a, &c->blk, &c->d, sizeof(c->d));
}

static struct uptr block_ptr(struct fz *fz, bool well)
{
	struct rng *r = &fz->rng;
	enum ptr_kind k = pick_kind(r, well);
	struct uptr u = { .kind = k };
	size_t off;

	switch (k) {
	case P_OK:		/* anywhere 8-aligned in the page */
	case P_MISALIGNED:
		off = 8 * rnd(r, (fz->a.page - 32) / 8) +
		      (k == P_MISALIGNED ? 1 + rnd(r, 7) : 0);
		u.p = fz->a.blk + off;
		break;
	case P_CROSS:		/* the block runs into the PROT_NONE page */
		u.p = fz->a.blk_end - 1 - rnd(r, 23);
		break;
	case P_RO:		/* readable: bytes_returned cannot be stored */
		u.p = fz->a.ro + 8 * rnd(r, 32);
		u.addr = (uintptr_t)u.p;
		u.prefix = fz->a.page - (u.p - fz->a.ro);
		return u;
	default:
		return make_ptr(r, &fz->a, fz->a.blk, fz->a.blk_end, 24, k,
				false);
	}
	u.addr = (uintptr_t)u.p;
	u.prefix = fz->a.blk_end - u.p;
	return u;
}

static void judge(struct fz *fz, const struct call *c, int err, uint32_t br)
{
	const struct cmd *cmd = c->cmd;
	bool sleeps, online, ok, ro = c->blk.kind == P_RO;
	uint32_t out_size = c->d.out_len < cmd->max_out ? c->d.out_len :
							  cmd->max_out;
	uint32_t want_br = 0;
	const char *why = NULL;
	char key[112];
	int strict;

	strict = dioc_strict(fz, c, &want_br, &sleeps, &online);
	if (strict >= 0) {
		/* a read-only block: bytes_returned cannot be written */
		if (ro && (strict == 0 || strict == EOVERFLOW))
			strict = EFAULT;
		ok = err == strict || (sleeps && c->armed && err == EINTR);
		if (ok && err == EOVERFLOW && br != want_br)
			why = "EOVERFLOW: bytes_returned is not the size needed";
	} else {
		/* the card, the card state and the other threads decide */
		ok = in_set(cmd->errs, err) ||
		     (err == EINTR && c->armed && (cmd->flags & C_SLEEPS)) ||
		     (err == EFAULT && (ro || c->out.prefix < out_size)) ||
		     (cmd->code == IOCTL_SMARTCARD_TRANSMIT &&
		      fz->level == SCARD_VPROXY_LEVEL_TPDU &&
		      in_set(tpdu_errs, err)) ||
		     (!err && !ro);
		/* EINPROGRESS only on O_NONBLOCK files */
		if (err == EINPROGRESS && !(c->flags & O_NONBLOCK))
			ok = false;
		if (ok && err == EOVERFLOW && (br <= c->d.out_len ||
					       br > cmd->max_out))
			why = "EOVERFLOW: bytes_returned is not the size needed";
	}
	/* the reader went during the call */
	if (!ok && online && err == ENODEV && gone_maybe(fz))
		ok = true;
	if (ok && !err && !ro)
		why = check_output(fz, c, br);
	if (ok && !why)
		return;
	if (!ok)
		snprintf(key, sizeof(key), "%s on %s: %s (expected %s)",
			 cmd->name, mode_name(c->flags), ename(err),
			 strict >= 0 ? ename(strict) : "a documented errno");
	else
		snprintf(key, sizeof(key), "%s: %s", cmd->name, why);
	bad(fz, key,
	    "call %lu: blk %s flags %#x in %s/%u out %s/%u br %u",
	    fz->iter, kind_names[c->blk.kind], c->d.flags,
	    kind_names[c->in.kind], c->d.in_len, kind_names[c->out.kind],
	    c->d.out_len, br);
}

/*
 * The card was swapped while it answered this call's POWER or PARAMS
 * request (only the test thread sends those): the operation is bound to
 * the card it started with, so it must fail (ENOMEDIUM, or ETIMEDOUT for
 * a reply that came too late), never succeed for the new card.
 */
static void check_swap(struct fz *fz, const struct call *c, int err)
{
	uint32_t want;

	if (LOAD(fz->swap_call) != fz->call_id || !c->cmd)
		return;
	if (c->cmd->code == IOCTL_SMARTCARD_POWER)
		want = SCARD_VPROXY_POWER;
	else if (c->cmd->code == IOCTL_SMARTCARD_SET_PROTOCOL)
		want = SCARD_VPROXY_PARAMS;
	else
		return;
	if (LOAD(fz->swap_type) != want)
		return;
	fz->n_swap_checked++;
	if (err != ENOMEDIUM && err != ETIMEDOUT)
		bad(fz, c->cmd->code == IOCTL_SMARTCARD_POWER ?
		    "POWER across a card swap: not ENOMEDIUM" :
		    "SET_PROTOCOL across a card swap: not ENOMEDIUM",
		    "call %lu: %s", fz->iter, ename(err));
}

static void op_ioctl(struct fz *fz)
{
	struct rng *r = &fz->rng;
	struct call c = {};
	bool well = chance(r, 400), step = false;
	unsigned int i, t, x;
	struct scard_dioc back;
	double t0;
	int ret, err;

	c.slot = &fz->slot[rnd(r, NSLOTS)];
	if (!fz->session && chance(r, 40))
		fz->session = 1;
	if (fz->session) {
		/* on a file that may drive the card (slots 0, 1, 4, 5) */
		c.slot = &fz->slot[PICK(r, ((const int[]){ 0, 1, 4, 5 }))];
		c.code = session_steps[fz->session - 1];
		if (++fz->session > ARRAY_SIZE(session_steps))
			fz->session = 0;
		well = true;
		step = true;
	} else if (well) {
		for (i = 0, t = 0; i < NCMDS; i++)
			t += cmd_weights[i];
		x = rnd(r, t);
		for (i = 0; x >= cmd_weights[i]; i++)
			x -= cmd_weights[i];
		c.code = cmds[i].code;
	} else {
		c.code = chance(r, 500) ? PICK(r, cmds).code : pick_code(r);
	}
	c.flags = c.slot->flags;
	c.cmd = find_cmd(c.code);
	c.ci = c.cmd ? c.cmd - cmds : 0;
	/* the kernel's cmd is 32 bits: the upper half is not looked at */
	c.req = chance(r, 30) ? (unsigned long)c.code | 1UL << 32 : c.code;

	c.content = step ? gen_session_input(fz, c.code) :
			   gen_input(fz, c.cmd);
	if (well) {
		c.d.in_len = c.cmd->max_in ? c.content : 0;
		c.d.out_len = c.cmd->max_out;
	} else {
		c.d.in_len = chance(r, 300) ? c.content : pick_len(r);
		c.d.out_len = chance(r, 300) && c.cmd ? c.cmd->max_out :
						       pick_len(r);
	}
	c.d.flags = well || chance(r, 850) ? 0 :
		    chance(r, 500) ? 1u << rnd(r, 32) : (uint32_t)rnd64(r) | 1;
	c.in = make_ptr(r, &fz->a, fz->a.in, fz->a.in_end, c.d.in_len,
			pick_kind(r, well), false);
	c.out = make_ptr(r, &fz->a, fz->a.out, fz->a.out_end, c.d.out_len,
			 pick_kind(r, well), true);
	c.d.in_buf = c.in.addr;
	c.d.out_buf = c.out.addr;
	c.d.bytes_returned = 0xdeadbeef;
	c.blk = block_ptr(fz, well);
	place_input(fz, &c);
	place_block(fz, &c);

	if (c.cmd && (c.cmd->flags & C_SLEEPS))
		arm(fz);
	c.armed = fz->armed;
	c.was_gone = gone_sure(fz);
	STORE(fz->call_id, fz->call_id + 1);
	t0 = now_s();
	ret = ioctl(c.slot->fd, c.req, (void *)(uintptr_t)c.blk.addr);
	err = ret < 0 ? errno : 0;
	check_swap(fz, &c, err);
	timed(fz, t0, c.cmd ? c.cmd->name : "unknown ioctl");
	disarm(fz);
	fz->n_ioctl++;

	if (ret > 0)
		bad(fz, "ioctl returned > 0", "code %#x", c.code);
	if (!c.cmd) {
		fz->n_unknown++;
		if (err != ENOTTY) {
			char key[112];

			snprintf(key, sizeof(key), "unknown code: %s",
				 ename(err));
			bad(fz, key, "call %lu: code %#x (req %#lx)", fz->iter,
			    c.code, c.req);
		}
		return;
	}
	fz->cmd_calls[c.ci]++;
	if (!err)
		fz->cmd_ok[c.ci]++;
	back.bytes_returned = 0xdeadbeef;
	if (c.blk.p && c.blk.prefix >= sizeof(back))
		memcpy(&back, c.blk.p, sizeof(back));
	judge(fz, &c, err, back.bytes_returned);
}

/* The generic ioctls do_vfs_ioctl() answers itself, or passes on. */
static void op_vfs_ioctl(struct fz *fz)
{
	static const struct {
		unsigned long code;
		const char *name;
	} vfs[] = {
		{ FIONREAD, "FIONREAD" }, { FIONBIO, "FIONBIO" },
		{ FIOCLEX, "FIOCLEX" }, { FIONCLEX, "FIONCLEX" },
		{ FIOASYNC, "FIOASYNC" }, { FIOQSIZE, "FIOQSIZE" },
		{ TCGETS, "TCGETS" }, { TIOCGWINSZ, "TIOCGWINSZ" },
	};
	struct rng *r = &fz->rng;
	struct slot *s = &fz->slot[rnd(r, NSLOTS)];
	unsigned int i = rnd(r, ARRAY_SIZE(vfs));
	struct uptr u = block_ptr(fz, chance(r, 500));
	int val = 0, ret, err, expect;
	char key[112];

	switch (vfs[i].code) {
	case FIONBIO:		/* keep the file's mode */
		val = !!(s->flags & O_NONBLOCK);
		expect = u.prefix < 4 || u.kaddr ? EFAULT : 0;
		break;
	case FIOASYNC:		/* no fasync: turning it on is ENOTTY */
		val = rnd(r, 2);
		expect = u.prefix < 4 || u.kaddr ? EFAULT : val ? ENOTTY : 0;
		break;
	case FIONREAD:		/* the size of the reply waiting, or 0 */
		val = -1;
		expect = u.prefix < 4 || u.kaddr || u.kind == P_RO ?
			 EFAULT : 0;
		break;
	case FIOCLEX:
	case FIONCLEX:
		expect = 0;
		break;
	default:		/* passed on to the driver, which refuses */
		expect = ENOTTY;
		break;
	}
	poke(&fz->a, &u, &val, sizeof(val));
	ret = ioctl(s->fd, vfs[i].code, (void *)(uintptr_t)u.addr);
	err = ret < 0 ? errno : 0;
	fz->n_vfs++;
	if (!err && vfs[i].code == FIONREAD) {
		memcpy(&val, u.p, sizeof(val));
		/* read-only files never have a reply */
		if (val < 0 || (val && (val < 10 || val > MAX_XMIT_OUT ||
					(s->flags & O_ACCMODE) == O_RDONLY)))
			bad(fz, "FIONREAD: not a reply size", "call %lu: %d on %s",
			    fz->iter, val, mode_name(s->flags));
	}
	if (err == expect)
		return;
	/* FIONREAD after the unplug: the documentation says ENODEV */
	if (vfs[i].code == FIONREAD && err == ENODEV && gone_maybe(fz))
		return;
	snprintf(key, sizeof(key), "%s: %s (expected %s)", vfs[i].name,
		 ename(err), ename(expect));
	bad(fz, key, "call %lu: arg %s", fz->iter, kind_names[u.kind]);
}

/* The vproxy control device: SCARD_VPROXY_IOC_NEW_DEV and other codes. */
static int newdev_expect(const struct scard_vproxy_new_dev *nd)
{
	size_t i;

	if (nd->flags & ~(SCARD_VPROXY_FLAG_CARD_PRESENT |
			  SCARD_VPROXY_FLAG_AUTO_PPS))
		return EOPNOTSUPP;
	if (nd->level > SCARD_VPROXY_LEVEL_APDU_EXT || !nd->protocols ||
	    nd->protocols & ~SCARD_PROTOCOL_Tx || nd->max_ifsd > 254 ||
	    nd->clock_khz > 20000 || nd->timeout_ms > 60000 ||
	    !memchr(nd->name, 0, sizeof(nd->name)))
		return EINVAL;
	for (i = 0; i < ARRAY_SIZE(nd->reserved); i++)
		if (nd->reserved[i])
			return EINVAL;
	return 0;
}

static void op_ctl(struct fz *fz)
{
	struct rng *r = &fz->rng;
	struct scard_vproxy_new_dev nd = {
		.level = rnd(r, 4),
		.protocols = 1 + rnd(r, 3),
		.name = "fuzz",
	};
	struct scard_vproxy_new_dev back;
	unsigned long code = SCARD_VPROXY_IOC_NEW_DEV;
	struct uptr u = block_ptr(fz, chance(r, 400));
	int ctl, ret, err, expect;
	char key[112];

	switch (rnd(r, 10)) {
	case 0:
		rnd_bytes(r, (uint8_t *)&nd, sizeof(nd));
		break;
	case 1:
		nd.flags = 1u << rnd(r, 32);
		break;
	case 2:
		nd.reserved[rnd(r, 4)] = (uint32_t)rnd64(r);
		break;
	case 3:
		nd.max_ifsd = 250 + rnd(r, 10);
		nd.clock_khz = 19990 + rnd(r, 20);
		nd.timeout_ms = 59990 + rnd(r, 20);
		break;
	case 4:
		memset(nd.name, 'x', sizeof(nd.name) - rnd(r, 2));
		break;
	case 5:
		code = PICK(r, ((const unsigned long[]){
			_IOWR(SCARD_VPROXY_IOC_MAGIC, 1, nd),
			_IOR(SCARD_VPROXY_IOC_MAGIC, 0, nd),
			_IOW(SCARD_VPROXY_IOC_MAGIC, 0, nd),
			_IO(SCARD_VPROXY_IOC_MAGIC, 0), IOCTL_SMARTCARD_POWER,
			0, 0xffffffff }));
		break;
	default:
		nd.flags = rnd(r, 4);
		break;
	}
	poke(&fz->a, &u, &nd, sizeof(nd));
	if (code != SCARD_VPROXY_IOC_NEW_DEV)
		expect = ENOTTY;
	else if (u.kaddr || u.prefix < sizeof(nd))
		expect = EFAULT;
	else
		expect = newdev_expect(&nd);
	/* success, but no room to say so: nothing may be left behind */
	if (!expect && u.kind == P_RO)
		expect = EFAULT;

	ctl = open(SCARD_VPROXY_CTL_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		bad(fz, "open " SCARD_VPROXY_CTL_PATH, "%s", ename(errno));
		return;
	}
	ret = ioctl(ctl, code, (void *)(uintptr_t)u.addr);
	err = ret < 0 ? errno : 0;
	close(ctl);
	fz->n_ctl++;
	if (!ret && u.p && u.prefix >= sizeof(back) && u.kind != P_RO) {
		memcpy(&back, u.p, sizeof(back));
		close((int)back.fd);	/* removes the reader */
	}
	if (err == expect)
		return;
	snprintf(key, sizeof(key), "vproxy ctl %#lx: %s (expected %s)", code,
		 ename(err), ename(expect));
	bad(fz, key, "call %lu: arg %s flags %#x level %u", fz->iter,
	    kind_names[u.kind], nd.flags, nd.level);
}

static void op_write(struct fz *fz)
{
	struct rng *r = &fz->rng;
	struct slot *s = &fz->slot[rnd(r, NSLOTS)];
	const struct cmd *xmit = find_cmd(IOCTL_SMARTCARD_TRANSMIT);
	uint32_t content = gen_input(fz, xmit), pci;
	size_t len = chance(r, 500) ? content : pick_len(r);
	struct call c = { .content = content };
	bool online = false, was_gone, ok;
	int expect = -1, err;
	char key[112];
	ssize_t n;
	double t0;

	c.in = make_ptr(r, &fz->a, fz->a.in, fz->a.in_end, len,
			pick_kind(r, chance(r, 500)), false);
	place_input(fz, &c);
	memcpy(&pci, fz->stage + 4, 4);
	was_gone = gone_sure(fz);

	t0 = now_s();
	n = write(s->fd, (void *)(uintptr_t)c.in.addr, len);
	err = n < 0 ? errno : 0;
	timed(fz, t0, "write");
	fz->n_write++;

	/* the VFS checks, then scard_write(): gone, size, copy, header */
	if ((s->flags & O_ACCMODE) == O_RDONLY) {
		expect = EBADF;
	} else if (c.in.kaddr) {
		expect = EFAULT;
	} else if (was_gone) {
		expect = ENODEV;
	} else {
		online = true;
		if (len < 12 || len > MAX_XMIT_IN)
			expect = EINVAL;
		else if (c.in.prefix < len)
			expect = EFAULT;
		else if (pci != 8)
			expect = EINVAL;
	}
	if (n >= 0 && (size_t)n != len) {
		bad(fz, "write: short count", "%zd of %zu", n, len);
		return;
	}
	if (n >= 0)
		fz->n_writes_ok++;
	ok = expect >= 0 ? err == expect : (n >= 0 || err == EBUSY);
	if (ok || (online && err == ENODEV && gone_maybe(fz)))
		return;
	snprintf(key, sizeof(key), "write on %s: %s (expected %s)",
		 mode_name(s->flags), n < 0 ? ename(err) : "success",
		 expect >= 0 ? ename(expect) : "count or EBUSY");
	bad(fz, key, "call %lu: %zu bytes, buffer %s", fz->iter, len,
	    kind_names[c.in.kind]);
}

static void op_read(struct fz *fz)
{
	struct rng *r = &fz->rng;
	struct slot *s = &fz->slot[rnd(r, NSLOTS)];
	size_t len = chance(r, 400) ? MAX_XMIT_OUT :
		     chance(r, 300) ? rnd(r, 64) : pick_len(r);
	struct uptr u = make_ptr(r, &fz->a, fz->a.out, fz->a.out_end, len,
				 pick_kind(r, chance(r, 500)), true);
	bool blocking = !(s->flags & O_NONBLOCK), ok, gone;
	const char *what = NULL;
	char key[112];
	int err;
	ssize_t n;
	double t0;

	if (blocking)
		arm(fz);
	gone = gone_sure(fz);
	t0 = now_s();
	n = read(s->fd, (void *)(uintptr_t)u.addr, len);
	err = n < 0 ? errno : 0;
	timed(fz, t0, "read");
	disarm(fz);
	fz->n_read++;
	if (n > 0)
		fz->n_reads_ok++;

	if (u.kaddr) {
		ok = err == EFAULT;
		what = "EFAULT";
	} else if ((s->flags & O_ACCMODE) == O_RDONLY) {
		/* never a write(), so never a reply */
		ok = gone ? err == ENODEV :
		     n == 0 || (gone_maybe(fz) && err == ENODEV);
		what = gone ? "ENODEV" : "0";
	} else if (n > 0) {
		ok = n >= 10 && (size_t)n <= len && (size_t)n <= u.prefix;
		what = "a TRANSMIT output";
	} else if (gone) {
		/* only a reply completed before the unplug is still there */
		ok = err == ENODEV || err == EOVERFLOW || err == EFAULT;
		what = "ENODEV (never EAGAIN or 0 after EPOLLHUP)";
	} else {
		ok = n == 0 || err == EOVERFLOW ||
		     (err == EAGAIN && !blocking) ||
		     (err == EINTR && blocking) ||
		     (err == EFAULT && u.prefix < len) ||
		     (err == ENODEV && gone_maybe(fz)) ||
		     (err && last_error_ok(fz, err) && err != EINPROGRESS);
		what = "a documented errno";
	}
	if (ok && err == EOVERFLOW) {
		int size = -1;

		/* the reply stays; FIONREAD tells its size */
		if (ioctl(s->fd, FIONREAD, &size) ||
		    !((size_t)size > len ||
		      (!size && fz->track_running && !gone)))
			bad(fz, "read EOVERFLOW: FIONREAD is not the size needed",
			    "call %lu: read %zu bytes, FIONREAD %d", fz->iter,
			    len, size);
	}
	if (ok)
		return;
	snprintf(key, sizeof(key), "read on %s: %s (expected %s)",
		 mode_name(s->flags), n < 0 ? ename(err) : n ? "data" : "0",
		 what);
	bad(fz, key, "call %lu: %zu bytes, buffer %s, returned %zd", fz->iter,
	    len, kind_names[u.kind], n);
}

static void op_poll(struct fz *fz)
{
	static const short evs[] = {
		POLLIN, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM, POLLRDHUP,
	};
	struct rng *r = &fz->rng;
	struct pollfd pfd[NSLOTS];
	struct slot *sl[NSLOTS];
	unsigned int n = 1 + rnd(r, NSLOTS), i, j;
	int ret, tmo = chance(r, 700) ? 0 : 1 + rnd(r, 10);
	const char *why;
	bool gone;
	short re;
	double t0;

	for (i = 0; i < n; i++) {
		sl[i] = &fz->slot[rnd(r, NSLOTS)];
		pfd[i].fd = sl[i]->fd;
		pfd[i].events = 0;
		for (j = 0; j < ARRAY_SIZE(evs); j++)
			if (chance(r, 500))
				pfd[i].events |= evs[j];
		pfd[i].revents = (short)0xdead;
	}
	gone = gone_sure(fz);
	t0 = now_s();
	ret = poll(pfd, n, tmo);
	timed(fz, t0, "poll");
	fz->n_poll++;
	if (ret < 0) {
		bad(fz, "poll failed", "%s", ename(errno));
		return;
	}
	for (i = 0; i < n; i++) {
		re = pfd[i].revents;
		if (re & ~(pfd[i].events | POLLHUP | POLLERR))
			why = "poll: events not asked for (POLLNVAL?)";
		else if (gone && (re & (POLLHUP | POLLERR)) !=
			 (POLLHUP | POLLERR))
			why = "poll: no POLLHUP|POLLERR after the unplug";
		else if (gone && (re & (POLLOUT | POLLWRNORM)))
			why = "poll: POLLOUT after the unplug";
		else if (!gone_maybe(fz) && (re & (POLLHUP | POLLERR)))
			why = "poll: POLLHUP/POLLERR with the reader there";
		else if ((re & POLLIN) && (re & POLLOUT))
			why = "poll: POLLIN and POLLOUT at once";
		else if ((re & (POLLIN | POLLRDNORM)) &&
			 (sl[i]->flags & O_ACCMODE) == O_RDONLY)
			why = "poll: POLLIN on a read-only file (no write)";
		else
			continue;
		bad(fz, why, "call %lu: %s, events %#x revents %#x", fz->iter,
		    mode_name(sl[i]->flags), pfd[i].events, re);
	}
}

/* --- setup, the run, the final check ---------------------------------- */

static const int slot_flags[NSLOTS] = {
	O_RDWR, O_RDWR | O_NONBLOCK, O_RDONLY, O_RDONLY | O_NONBLOCK,
	O_RDWR, O_RDWR | O_NONBLOCK,
};

/* A vproxy reader at @level played by fz's card thread. */
static int reader_create(struct fz *fz, uint32_t timeout_ms)
{
	struct scard_vproxy_new_dev nd = {
		.flags = SCARD_VPROXY_FLAG_CARD_PRESENT,
		.level = fz->level,
		.protocols = SCARD_PROTOCOL_T0,
		.timeout_ms = timeout_ms,
		.name = "fuzz card",
	};
	int fd = scard_vproxy_create(&nd, &nd);

	if (fd < 0)
		return -fd;
	fz->cfd = fd;
	fz->present = 1;
	fz->kept_len = 0;
	snprintf(fz->dev, sizeof(fz->dev), "/dev/scard%u", nd.index);
	if (fcntl(fd, F_SETFL, O_NONBLOCK))
		return errno;
	return 0;
}

static int start_thread(pthread_t *t, void *(*fn)(void *), struct fz *fz)
{
	sigset_t set, old;
	int ret;

	/* the timer signal is for the test thread's waits only */
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(t, NULL, fn, fz);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static void stop_threads(struct fz *fz)
{
	if (fz->track_running) {
		STORE(fz->stop_track, 1);
		pthread_join(fz->track_thr, NULL);
		fz->track_running = false;
	}
	if (fz->card_running) {
		STORE(fz->stop_card, 1);
		pthread_join(fz->card_thr, NULL);
		fz->card_running = false;
	}
}

static void close_files(struct fz *fz)
{
	int i;

	for (i = 0; i < NSLOTS; i++) {
		if (fz->slot[i].fd >= 0)
			close(fz->slot[i].fd);
		fz->slot[i].fd = -1;
	}
	if (fz->tfd >= 0)
		close(fz->tfd);
	fz->tfd = -1;
}

static uint64_t name_hash(const char *s, unsigned int level)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ULL;
	return h ^ level;
}

FIXTURE(fuzz) {
	struct fz *fz;
};

FIXTURE_VARIANT(fuzz) {
	unsigned int level;
};

FIXTURE_VARIANT_ADD(fuzz, apdu) {
	.level = SCARD_VPROXY_LEVEL_APDU,
};

FIXTURE_VARIANT_ADD(fuzz, tpdu) {
	.level = SCARD_VPROXY_LEVEL_TPDU,
};

FIXTURE_SETUP(fuzz)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct fz *fz;
	int i, ret;

	self->fz = NULL;
	if (geteuid() || access(SCARD_VPROXY_CTL_PATH, F_OK))
		SKIP(return, "no %s or not root", SCARD_VPROXY_CTL_PATH);
	fz = calloc(1, sizeof(*fz));
	ASSERT_NE(NULL, fz);
	self->fz = fz;
	pthread_mutex_init(&fz->rp.lock, NULL);
	fz->cfd = -1;
	fz->tfd = -1;
	for (i = 0; i < NSLOTS; i++)
		fz->slot[i].fd = -1;
	fz->level = variant->level;
	fz->seed = env_u64("SCARD_FUZZ_SEED", DEFAULT_SEED);
	fz->calls = env_u64("SCARD_FUZZ_CALLS", DEFAULT_CALLS);
	fz->rng.s = fz->seed ^ name_hash(_metadata->name, fz->level);
	fz->card_rng.s = rnd64(&fz->rng);
	fz->track_rng.s = rnd64(&fz->rng);
	fz->stage = malloc(BUF_PAGES * 4096);
	fz->card_req = malloc(MAX_PAYLOAD);
	fz->card_resp = malloc(SCARD_VPROXY_MAX_MSG + 1);
	ASSERT_TRUE(fz->stage && fz->card_req && fz->card_resp);
	ASSERT_EQ(0, arena_init(&fz->a));
	/* no SA_RESTART: the timer interrupts a blocking call (EINTR) */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));

	ret = reader_create(fz, CARD_TIMEOUT_MS);
	ASSERT_EQ(0, ret) TH_LOG("vproxy reader: %s", strerror(ret));
	for (i = 0; i < NSLOTS; i++) {
		fz->slot[i].flags = slot_flags[i];
		fz->slot[i].fd = open(fz->dev, slot_flags[i] | O_CLOEXEC);
		ASSERT_LE(0, fz->slot[i].fd) TH_LOG("open %s: %s", fz->dev,
						    strerror(errno));
	}
	ASSERT_EQ(0, start_thread(&fz->card_thr, card_thread, fz));
	fz->card_running = true;
	ksft_print_msg("%s.%s: seed %#llx (SCARD_FUZZ_SEED), %lu calls (SCARD_FUZZ_CALLS), reader %s\n",
		       variant->level == SCARD_VPROXY_LEVEL_TPDU ? "tpdu" :
		       "apdu", _metadata->name,
		       (unsigned long long)fz->seed, fz->calls, fz->dev);
	fflush(stdout);
	fz->t_start = now_s();
}

FIXTURE_TEARDOWN(fuzz)
{
	struct fz *fz = self->fz;

	if (!fz)
		return;
	disarm(fz);
	stop_threads(fz);
	close_files(fz);
	if (fz->cfd >= 0)
		close(fz->cfd);
	arena_free(&fz->a);
	free(fz->stage);
	free(fz->card_req);
	free(fz->card_resp);
	free(fz);
}

/*
 * Run @fz->calls operations; @files adds write/read/poll and the reopen
 * thread, @unplug closes the card side half-way through.
 */
static void fuzz_run(struct fz *fz, bool files, bool unplug)
{
	struct rng *r = &fz->rng;
	unsigned int x;
	int i;

	if (files && !start_thread(&fz->track_thr, track_thread, fz))
		fz->track_running = true;
	for (fz->iter = 0; fz->iter < fz->calls; fz->iter++) {
		if (unplug && fz->iter == fz->calls / 2)
			STORE(fz->unplug, 1);
		/* from the unplug on, until the card thread has closed it */
		if (unplug && LOAD(fz->unplug) && !LOAD(fz->gone) &&
		    fz->iter == fz->calls / 2 + 50) {
			for (i = 0; i < 500 && !LOAD(fz->gone); i++)
				usleep(10000);
		}
		x = rnd(r, 100);
		if (x < 3)
			op_ctl(fz);
		else if (x < 8)
			op_vfs_ioctl(fz);
		else if (!files || x < 50)
			op_ioctl(fz);
		else if (x < 68)
			op_write(fz);
		else if (x < 88)
			op_read(fz);
		else
			op_poll(fz);
	}
	if (fz->track_running) {
		STORE(fz->stop_track, 1);
		pthread_join(fz->track_thr, NULL);
		fz->track_running = false;
	}
}

static void print_summary(struct fz *fz)
{
	char line[1024];
	size_t i, n = 0;

	ksft_print_msg("%lu calls in %.1f s (slowest %.2f s): %lu ioctl (%lu unknown codes), %lu generic, %lu ctl, %lu write (%lu ok), %lu read (%lu data), %lu poll\n",
		       fz->iter, now_s() - fz->t_start, fz->slowest,
		       fz->n_ioctl, fz->n_unknown, fz->n_vfs, fz->n_ctl,
		       fz->n_write, fz->n_writes_ok, fz->n_read,
		       fz->n_reads_ok, fz->n_poll);
	line[0] = 0;
	for (i = 0; i < NCMDS && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " %s %lu/%lu",
			      cmds[i].name, fz->cmd_ok[i], fz->cmd_calls[i]);
	ksft_print_msg("succeeded/called:%s\n", line);
	ksft_print_msg("card: %lu requests, %lu replies, %lu unanswered, %lu card events, %lu swaps in POWER/SET_PROTOCOL; other thread: %lu reopens, %lu O_EXCL, %lu tracking\n",
		       fz->n_req, fz->n_replies, fz->n_silent, fz->n_events,
		       fz->n_swap_checked, fz->n_reopen, fz->n_excl,
		       fz->n_track);
	fflush(stdout);
}

/* The fuzzing found nothing: else list what did not fit and fail. */
static void expect_clean_report(struct __test_metadata *_metadata,
				struct fz *fz)
{
	unsigned int i;

	for (i = 0; i < fz->rp.nbad; i++)
		TH_LOG("unexpected (%lu x): %s; first: %s",
		       fz->rp.bad[i].count, fz->rp.bad[i].key,
		       fz->rp.bad[i].first);
	if (fz->rp.more)
		TH_LOG("... and %lu more of other kinds", fz->rp.more);
	EXPECT_EQ(0, fz->rp.nbad) {
		TH_LOG("seed %#llx: replay with SCARD_FUZZ_SEED=%#llx",
		       (unsigned long long)fz->seed,
		       (unsigned long long)fz->seed);
	}
}

/*
 * The card behaves again: a fresh file, a cold reset, T=0 and a fixed
 * APDU must give the card's ATR, SPECIFIC and the right reply.
 */
static void expect_reader_works(struct __test_metadata *_metadata,
				struct fz *fz)
{
	uint8_t atr[SCARD_ATR_LENGTH], resp[64];
	uint32_t minor = SCARD_COLD_RESET, got = 0, state = 0;
	size_t len = 0;
	int fd, i;

	STORE(fz->clean, 1);
	for (i = 0; i < 300 && !LOAD(fz->clean_ack); i++)
		usleep(10000);
	ASSERT_TRUE(LOAD(fz->clean_ack));
	fd = open(fz->dev, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", fz->dev, strerror(errno));
	EXPECT_EQ(0, scard_t_dioc(fd, IOCTL_SMARTCARD_POWER, &minor,
				  sizeof(minor), atr, sizeof(atr), &got));
	EXPECT_EQ(sizeof(card_atr), got);
	EXPECT_EQ(0, memcmp(atr, card_atr, sizeof(card_atr)));
	EXPECT_EQ(0, scard_t_state(fd, &state));
	EXPECT_EQ(SCARD_NEGOTIABLE, state);
	EXPECT_EQ(0, scard_t_set_protocol(fd, SCARD_PROTOCOL_T0));
	EXPECT_EQ(0, scard_t_transmit(fd, echo_apdu, sizeof(echo_apdu), resp,
				      sizeof(resp), &len));
	ASSERT_EQ(sizeof(echo_reply), len);
	EXPECT_EQ(0, memcmp(resp, echo_reply, len));
	EXPECT_EQ(0, scard_t_state(fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
	close(fd);
}

/* Fuzz, then the reader must work and nothing may have been unexpected. */
static void fuzz_and_check(struct __test_metadata *_metadata, struct fz *fz,
			   bool files)
{
	fuzz_run(fz, files, false);
	print_summary(fz);
	close_files(fz);
	expect_reader_works(_metadata, fz);
	expect_clean_report(_metadata, fz);
}

/* ioctls only, from one thread, against the random card. */
TEST_F_TIMEOUT(fuzz, ioctls, 240)
{
	fuzz_and_check(_metadata, self->fz, false);
}

/* ioctls, write/read/poll, with the files replaced under them. */
TEST_F_TIMEOUT(fuzz, files, 240)
{
	fuzz_and_check(_metadata, self->fz, true);
}

/* The same, and the reader is unplugged half-way through. */
TEST_F_TIMEOUT(fuzz, reader_gone, 240)
{
	struct fz *fz = self->fz;
	uint32_t val = ~0u, state;
	int i, ret;

	fuzz_run(fz, true, true);
	print_summary(fz);
	ASSERT_TRUE(LOAD(fz->gone));
	/* the old files: ENODEV, except GET_LAST_ERROR */
	for (i = 0; i < NSLOTS; i++) {
		EXPECT_EQ(ENODEV, scard_t_state(fz->slot[i].fd, &state));
		EXPECT_EQ(0, scard_t_last_error(fz->slot[i].fd, &val));
		EXPECT_TRUE(last_error_ok(fz, val)) TH_LOG("%u", val);
	}
	close_files(fz);
	stop_threads(fz);
	/* a new reader, the same card */
	STORE(fz->unplug, 0);
	STORE(fz->gone, 0);
	STORE(fz->stop_card, 0);
	ret = reader_create(fz, CARD_TIMEOUT_MS);
	ASSERT_EQ(0, ret) TH_LOG("vproxy reader: %s", strerror(ret));
	ASSERT_EQ(0, start_thread(&fz->card_thr, card_thread, fz));
	fz->card_running = true;
	expect_reader_works(_metadata, fz);
	expect_clean_report(_metadata, fz);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return test_harness_run(argc, argv);
	if (geteuid() || access(SCARD_VPROXY_CTL_PATH, F_OK)) {
		ksft_print_header();
		ksft_exit_skip("%s not found or not root\n",
			       SCARD_VPROXY_CTL_PATH);
	}
	return test_harness_run(argc, argv);
}
