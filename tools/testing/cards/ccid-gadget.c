// SPDX-License-Identifier: GPL-2.0
/*
 * ccid-gadget: a USB CCID reader emulated through raw-gadget on dummy_hcd.
 *
 * The host side (scard_ccid) sees a high-speed CCID device, class 0x0B,
 * "scard" "CCID gadget", with one card per slot played by the applet of
 * apdu.c (APDU levels), or t0card.c / t1card.c (TPDU level).
 *
 *   ccid-gadget [--slots N] [--level tpdu|apdu|ext] [--protocols t0|t1|both]
 *               [--time-ext N] [--mute] [--mute-after-ext N]
 *               [--garbage seq|short|length|type|slot|status] [--hostile NAME]
 *               [--unplug-after-ms N] [--remove-after-ms N] [--chain N]
 *               [--zlp yes|no] [--late-ms N] [--late-after-wtx-ms N]
 *               [--max-msg N] [--rates BPS,...] [--clocks KHZ,...]
 *               [--max-rate BPS] [--no-auto-baud 1] [--ta1 XX]
 *               [--pin-pad N] [--lcd XXYY] [--pin KEYS]
 *               [--suspend-power-off 1] [--ext-card 1] [--busy-slots N]
 *
 * --mute, --mute-after-ext, --garbage, --late-ms and --unplug-after-ms act
 * only on XfrBlocks whose APDU has INS GADGET_INS_TRIGGER (EA): the tests
 * can run normal commands before and after. --mute never answers it;
 * --mute-after-ext N sends N time extensions and then nothing. --time-ext
 * N sends N time extensions (multiplier 1) before every DataBlock.
 * --late-after-wtx-ms N (TPDU level, T=1) answers the block that follows
 * the card's S(WTX request) N ms late. --max-msg N sets
 * dwMaxCCIDMessageLength (default 1024, 65554 at level ext) and holds
 * both directions to it: a longer command gets a failed answer, a longer
 * answer is replaced by one (bError XFR_OVERRUN). At the APDU levels the
 * reader takes a long command in pieces (wLevelParameter 1, 3 ... 2, each
 * but the last answered with an empty DataBlock, bChainParameter 10h) and
 * sends a response longer than a message in pieces of at most one
 * message, or of --chain N bytes (bChainParameter 01/03/02), the next
 * piece for each empty XfrBlock with wLevelParameter 0010 (CCID 6.1.4,
 * 6.2.1). A message of whole packets ends with a zero-length packet
 * unless --zlp no. --remove-after-ms N takes the card of slot 0 out N ms
 * after SET_CONFIGURATION and says so with NotifySlotChange.
 * PC_to_RDR_Escape is answered with RDR_to_PC_Escape carrying the same
 * bytes. --rates lists the data rates GET_DATA_RATES answers
 * (bNumDataRatesSupported), --clocks the clocks GET_CLOCK_FREQUENCIES
 * answers (bNumClockSupported), --max-rate sets dwMaxDataRate, --no-auto-baud 1
 * clears "automatic baud rate change" from dwFeatures, --ta1 XX gives the
 * T=0 card's ATR a TA1; SetParameters is logged as "params <slot>
 * <bmFindexDindex>", SetDataRateAndClockFrequency as "set-rate <slot>
 * <kHz> <bps>" and answered with the same values. --hostile NAME makes the reader misbehave in one way (its
 * descriptors, its answer to the trigger, its interrupt messages, or an
 * unplug at one step): see ccid-gadget-hostile.c; --garbage MODE is the
 * same as --hostile MODE. --pin-pad, --lcd and --pin make it a PIN pad
 * reader: see ccid-gadget-pinpad.c. A bus suspend (the host's
 * autosuspend) is logged as "suspend", the resume as "resume";
 * --suspend-power-off 1 makes the suspend deactivate the cards, as readers
 * that save power that way do. A bus reset after the configuration (the
 * host's usb_reset_device()) is logged as "reset" and deactivates the
 * cards. --ext-card 1 has the card take extended APDUs whatever the level
 * the descriptor says, as firmwares that chain them do. --busy-slots N
 * sets bMaxCCIDBusySlots (default 1). With several slots, --late-ms
 * answers its trigger from another thread, serving the other slots
 * meanwhile ("answered <slot> <seq>" when it does); a command for a slot
 * whose answer is pending, or for another while N slots have one pending,
 * is refused with bError CMD_SLOT_BUSY ("slot busy <slot> <seq>", "too
 * many busy slots <slot> <seq>").
 *
 * What the reader sees is logged on stdout, one line each: "configured",
 * "xfr <slot> <seq> bwi <bBWI> chain <wLevelParameter>",
 * "ctrl-abort <slot> <seq>", "abort <slot> <seq>", "mute <slot> <seq>",
 * "late <slot> <seq>", "escape <slot> <seq> <length>", "garbage <mode>",
 * "command too long <length>", "answer too long <length>", "unplug",
 * "removed <slot>". Exit status 4 when /dev/raw-gadget is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/usb/ch9.h>
#include <linux/usb/raw_gadget.h>

#include "card.h"
#include "ccid-gadget.h"

#define MAX_SLOTS		8

/* Bus events of 6.10's raw-gadget (Debian 12's uapi header predates them). */
#define RAW_EVENT_SUSPEND	3
#define RAW_EVENT_RESUME	4
#define RAW_EVENT_RESET		5
#define MAX_MSG			(HDR + 65544)

enum level { LVL_TPDU, LVL_APDU, LVL_EXT };

static struct {
	unsigned int slots;
	enum level level;
	unsigned int protocols;	/* bit 0: T=0, bit 1: T=1 */
	unsigned int time_ext;
	int mute;
	unsigned int unplug_ms;
	unsigned int remove_ms;
	unsigned int chain;	/* APDU level: response pieces of this size */
	int no_zlp;
	unsigned int late_ms;	/* trigger: answer after this long */
	int mute_ext;		/* trigger: this many time extensions, then mute */
	unsigned int wtx_late_ms;	/* T=1: the block after S(WTX) */
	unsigned int max_msg;	/* dwMaxCCIDMessageLength */
	uint32_t rates[32];	/* GET_DATA_RATES, bps */
	unsigned int n_rates;
	uint32_t clocks[32];	/* GET_CLOCK_FREQUENCIES, kHz */
	unsigned int n_clocks;
	uint32_t max_rate;	/* dwMaxDataRate, 0: 10752 */
	int no_auto_baud;	/* dwFeatures without automatic baud change */
	int ta1;		/* the ATR's TA1, -1: none */
	int suspend_off;	/* a bus suspend deactivates the cards */
	int ext_card;		/* extended APDUs at any level (chained) */
	unsigned int busy_slots;	/* bMaxCCIDBusySlots */
} opt = { .slots = 1, .level = LVL_APDU, .protocols = 1, .mute_ext = -1, .ta1 = -1,
	.busy_slots = 1 };

struct slot {
	int present, powered;
	uint8_t protocol;	/* 0 or 1 after SetParameters */
	struct card_apdu_state app;
	struct card_stats stats;
	struct card_t0 t0;
	struct card_t1 t1;
	struct card_faults faults;
	int wtx_asked;		/* the last T=1 answer was S(WTX request) */
	int busy;		/* a command waits for its answer (late, mute) */
};

static int fd;
static int ep_in = -1, ep_out = -1, ep_int = -1;
static struct slot slots[MAX_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int configured;


void gadget_log(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&lock);
}

static void die(const char *what)
{
	fprintf(stderr, "ccid-gadget: %s: %s\n", what, strerror(errno));
	exit(1);
}

void gadget_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* --- descriptors ------------------------------------------------------ */

static const uint8_t dev_desc[18] = {
	18, USB_DT_DEVICE, 0x00, 0x02, 0, 0, 0, 64,
	0x09, 0x12, 0x01, 0x00,		/* 1209:0001 (pid.codes test) */
	0x00, 0x01, 1, 2, 3, 1,
};

/* What the host reads (hostile_descriptors() may change it) and what the
 * gadget enables its endpoints from. */
#define CFG_LEN		(9 + 9 + 54 + 3 * 7)
static uint8_t cfg_desc[CFG_LEN + 64], good_cfg[CFG_LEN];
static size_t cfg_len = CFG_LEN;
volatile int gadget_ctrl_aborts;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void build_cfg(void)
{
	uint8_t *p = cfg_desc;
	uint32_t feat = 0x000004FE;	/* auto everything, auto IFSD */

	p[0] = 9;
	p[1] = USB_DT_CONFIG;
	p[2] = CFG_LEN;
	p[3] = CFG_LEN >> 8;
	p[4] = 1;
	p[5] = 1;
	p[6] = 0;
	p[7] = 0x80;
	p[8] = 50;
	p += 9;
	memcpy(p, (uint8_t[]){ 9, USB_DT_INTERFACE, 0, 0, 3, 0x0B, 0, 0, 0 },
	       9);
	p += 9;
	memset(p, 0, 54);
	p[0] = 54;
	p[1] = 0x21;
	p[2] = 0x10;
	p[3] = 0x01;
	p[4] = opt.slots - 1;
	p[5] = 0x07;
	put32(p + 6, opt.protocols);
	put32(p + 10, 4000);
	put32(p + 14, 4000);
	p[18] = opt.n_clocks;
	put32(p + 19, 10752);
	put32(p + 23, opt.max_rate ? opt.max_rate : 10752);
	p[27] = opt.n_rates;
	put32(p + 28, 254);
	if (opt.no_auto_baud)
		feat &= ~0x00000020u;
	if (opt.level == LVL_TPDU)
		feat |= 0x00010000;
	else if (opt.level == LVL_APDU)
		feat |= 0x00020000;
	else
		feat |= 0x00040000;
	put32(p + 40, feat);
	put32(p + 44, opt.max_msg);
	p[48] = 0xFF;
	p[49] = 0xFF;
	p[50] = pinpad_lcd();
	p[51] = pinpad_lcd() >> 8;
	p[52] = pinpad_support();
	p[53] = opt.busy_slots;
	p += 54;
	memcpy(p, (uint8_t[]){ 7, USB_DT_ENDPOINT, 0x81, 2, 0x00, 0x02, 0 }, 7);
	memcpy(p + 7, (uint8_t[]){ 7, USB_DT_ENDPOINT, 0x02, 2, 0x00, 0x02, 0 },
	       7);
	memcpy(p + 14, (uint8_t[]){ 7, USB_DT_ENDPOINT, 0x85, 3, 8, 0, 8 }, 7);
	memcpy(good_cfg, cfg_desc, CFG_LEN);
	hostile_descriptors(cfg_desc, &cfg_len, sizeof(cfg_desc));
}

static size_t string_desc(unsigned int idx, uint8_t *out)
{
	static const char *const s[] = { NULL, "scard", "CCID gadget", "0001" };
	size_t i, n;

	if (idx == 0) {
		memcpy(out, (uint8_t[]){ 4, USB_DT_STRING, 0x09, 0x04 }, 4);
		return 4;
	}
	if (idx >= 4)
		return 0;
	n = strlen(s[idx]);
	out[0] = 2 + 2 * n;
	out[1] = USB_DT_STRING;
	for (i = 0; i < n; i++) {
		out[2 + 2 * i] = s[idx][i];
		out[3 + 2 * i] = 0;
	}
	return 2 + 2 * n;
}

/* --- raw-gadget I/O --------------------------------------------------- */

struct io {
	struct usb_raw_ep_io io;
	uint8_t data[MAX_MSG + 16];
};

/*
 * An endpoint transfer. The freezer of a system sleep (scard_gadget_test
 * sleep_*) interrupts raw-gadget's wait, which dequeues the request and
 * fails with EINTR: a device does not freeze, so do the transfer again.
 */
static int raw_io(unsigned long req, struct io *p)
{
	int ret;

	do
		ret = ioctl(fd, req, p);
	while (ret < 0 && errno == EINTR);
	return ret;
}

static int ep_write(int ep, const uint8_t *buf, size_t len)
{
	static struct io w;	/* bulk and interrupt: one writer each */
	static struct io wi;
	struct io *p = ep == ep_int ? &wi : &w;

	p->io.ep = ep;
	/* A message of whole packets ends with a ZLP (USB 2.0 5.8.3). */
	p->io.flags = len && !(len % BULK_MPS) && !opt.no_zlp ?
		      USB_RAW_IO_FLAGS_ZERO : 0;
	p->io.length = len;
	memcpy(p->io.data, buf, len);
	return raw_io(USB_RAW_IOCTL_EP_WRITE, p);
}

/* Late answers (late_thread()) are sent while the bulk thread runs. */
static pthread_mutex_t send_lock = PTHREAD_MUTEX_INITIALIZER;

int gadget_write(int bulk, const uint8_t *buf, size_t len)
{
	int ret;

	pthread_mutex_lock(&send_lock);
	ret = ep_write(bulk ? ep_in : ep_int, buf, len);
	pthread_mutex_unlock(&send_lock);
	return ret;
}

int gadget_halt(int bulk)
{
	return ioctl(fd, USB_RAW_IOCTL_EP_SET_HALT, bulk ? ep_in : ep_int);
}

int gadget_halt_out(void)
{
	return ioctl(fd, USB_RAW_IOCTL_EP_SET_HALT, ep_out);
}

unsigned int gadget_slots(void)
{
	return opt.slots;
}

static int ep_read(int ep, struct io *p, size_t len)
{
	p->io.ep = ep;
	p->io.flags = 0;
	p->io.length = len;
	return raw_io(USB_RAW_IOCTL_EP_READ, p);
}

/* --- CCID ------------------------------------------------------------- */

static uint8_t icc_status(const struct slot *s)
{
	return !s->present ? 2 : s->powered ? 0 : 1;
}

/* The host suspended the bus (autosuspend, system sleep). */
static void bus_suspend(void)
{
	unsigned int i;

	gadget_log("suspend");
	if (!opt.suspend_off)
		return;
	pthread_mutex_lock(&lock);
	for (i = 0; i < opt.slots; i++)
		slots[i].powered = 0;
	pthread_mutex_unlock(&lock);
}

/*
 * The host reset the device (usb_reset_device()): a reader restarts, its
 * cards deactivated. The endpoints stay enabled; the transfers the reset
 * cut fail with ESHUTDOWN and the bulk thread reads again.
 */
static void bus_reset(void)
{
	unsigned int i;

	gadget_log("reset");
	pthread_mutex_lock(&lock);
	for (i = 0; i < opt.slots; i++)
		slots[i].powered = 0;
	pthread_mutex_unlock(&lock);
}

uint8_t gadget_icc_status(uint8_t si)
{
	return icc_status(&slots[si]);
}

void gadget_deactivate(uint8_t si)
{
	slots[si].powered = 0;
}

int gadget_tpdu_t1(uint8_t si)
{
	return opt.level == LVL_TPDU && slots[si].protocol == 1;
}

size_t gadget_card_exchange(uint8_t si, const uint8_t *cmd, size_t len,
			    uint8_t *resp)
{
	struct slot *s = &slots[si];

	if (opt.level != LVL_TPDU)
		return card_apdu_raw(&s->app, cmd, len, resp);
	if (s->protocol == 1)
		return card_t1_block(&s->t1, cmd, len, resp);
	return card_t0_tpdu(&s->t0, cmd, len, resp);
}

void gadget_put_hdr(uint8_t *m, uint8_t type, uint32_t dw, uint8_t slot,
		    uint8_t seq, uint8_t status, uint8_t error, uint8_t specific)
{
	m[0] = type;
	put32(m + 1, dw);
	m[5] = slot;
	m[6] = seq;
	m[7] = status;
	m[8] = error;
	m[9] = specific;
}

void gadget_send_msg(uint8_t type, uint8_t slot, uint8_t seq, uint8_t status,
		     uint8_t error, uint8_t specific, const uint8_t *data,
		     size_t len)
{
	static uint8_t m[MAX_MSG];

	if (HDR + len > opt.max_msg) {
		/* A reader cannot send that: it fails the command instead. */
		gadget_log("answer too long %zu", HDR + len);
		status = 0x40 | (status & 0x03);
		error = 0xFC;
		len = 0;
	}
	pthread_mutex_lock(&send_lock);
	gadget_put_hdr(m, type, len, slot, seq, status, error, specific);
	if (len)
		memcpy(m + HDR, data, len);
	if (ep_write(ep_in, m, HDR + len) < 0)
		gadget_log("bulk IN write failed: %s", strerror(errno));
	pthread_mutex_unlock(&send_lock);
}

static size_t make_atr(uint8_t *atr)
{
	size_t n = 0, i;
	uint8_t tck = 0;

	atr[n++] = 0x3B;
	if (opt.protocols == 1 && opt.ta1 >= 0) {
		atr[n++] = 0x12;
		atr[n++] = opt.ta1;
		atr[n++] = 'S';
		atr[n++] = 'C';
		return n;
	}
	if (opt.protocols == 1) {
		atr[n++] = 0x02;
		atr[n++] = 'S';
		atr[n++] = 'C';
		return n;
	}
	atr[n++] = 0x82;
	if (opt.protocols == 3)
		atr[n++] = 0x80;
	atr[n++] = 0x01;
	atr[n++] = 'S';
	atr[n++] = 'C';
	for (i = 1; i < n; i++)
		tck ^= atr[i];
	atr[n++] = tck;
	return n;
}

/* The rest of a chained response, sent on empty XfrBlocks. */
static uint8_t chain_buf[CARD_MAX_RESP + 16];
static size_t chain_len, chain_off;

/* A command that comes in pieces (APDU levels, wLevelParameter 1/3/2). */
static uint8_t cmd_buf[CARD_MAX_CMD + 16];
static size_t cmd_len;

/* Response pieces: --chain N, and never more than a message. */
static size_t chain_piece(void)
{
	size_t n = opt.max_msg - HDR;

	return opt.chain && opt.chain < n ? opt.chain : n;
}

static void send_chained(uint8_t si, uint8_t seq)
{
	size_t n = chain_len - chain_off;
	uint8_t param;

	if (n > chain_piece()) {
		n = chain_piece();
		param = chain_off ? 0x03 : 0x01;
	} else {
		param = chain_off ? 0x02 : 0x00;
	}
	gadget_send_msg(0x80, si, seq, 0, 0, param, chain_buf + chain_off, n);
	chain_off += n;
	if (chain_off >= chain_len)
		chain_len = chain_off = 0;
}

/*
 * Slots with a late answer pending (several slots: the answer comes from
 * late_thread() while the others are served). A command for such a slot,
 * or for another once --busy-slots of them are, is refused with bError
 * CMD_SLOT_BUSY, as CCID 6.3.1 has a reader do: the log says so.
 */
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;

static int slot_refused(uint8_t type, uint8_t si, uint8_t seq)
{
	unsigned int i, n = 0;
	int busy;

	pthread_mutex_lock(&busy_lock);
	for (i = 0; i < opt.slots; i++)
		n += slots[i].busy;
	busy = slots[si].busy;
	pthread_mutex_unlock(&busy_lock);
	if (!busy && n < opt.busy_slots)
		return 0;
	gadget_log(busy ? "slot busy %u %u" : "too many busy slots %u %u", si,
		   seq);
	gadget_send_msg(type == 0x62 || type == 0x6F ? 0x80 : 0x81, si, seq,
			0x40 | icc_status(&slots[si]), 0xE0, 0, NULL, 0);
	return 1;
}

static void set_busy(uint8_t si, int busy)
{
	pthread_mutex_lock(&busy_lock);
	slots[si].busy = busy;
	pthread_mutex_unlock(&busy_lock);
}

struct late {
	uint8_t si, seq;
	size_t len;
	uint8_t data[CARD_MAX_RESP];
};

static void *late_thread(void *arg)
{
	struct late *l = arg;

	gadget_msleep(opt.late_ms);
	gadget_log("answered %u %u", l->si, l->seq);
	set_busy(l->si, 0);
	gadget_send_msg(0x80, l->si, l->seq, 0, 0, 0, l->data, l->len);
	free(l);
	return NULL;
}

/* Answer slot @si's command @seq with @resp in opt.late_ms, meanwhile serving others. */
static void answer_late(uint8_t si, uint8_t seq, const uint8_t *resp,
			size_t len)
{
	struct late *l = malloc(sizeof(*l));
	pthread_t t;

	if (!l || len > sizeof(l->data))
		die("late answer");
	l->si = si;
	l->seq = seq;
	l->len = len;
	memcpy(l->data, resp, len);
	set_busy(si, 1);
	if (pthread_create(&t, NULL, late_thread, l))
		die("pthread_create");
	pthread_detach(t);
}

static void do_xfr(uint8_t si, uint8_t seq, uint8_t bwi,
		   uint16_t level_param, const uint8_t *d, size_t len)
{
	static uint8_t resp[CARD_MAX_RESP + 16];
	struct slot *s = &slots[si];
	int trigger, late_wtx = 0, defer = 0;
	size_t rlen;
	unsigned int i;

	gadget_log("xfr %u %u bwi %u chain %u", si, seq, bwi, level_param);
	if (!s->present || !s->powered) {
		gadget_send_msg(0x80, si, seq, 0x40 | icc_status(s), 0xFE, 0, NULL, 0);
		return;
	}
	if (hostile_xfr(si, seq, level_param,
			opt.level != LVL_TPDU && !level_param && len >= 2 &&
			d[1] == GADGET_INS_TRIGGER))
		return;
	if (opt.level != LVL_TPDU && level_param == 0x10 && !len) {
		if (!chain_len) {
			gadget_log("unexpected chain continuation");
			gadget_send_msg(0x80, si, seq, 0x40, 0x08, 0, NULL, 0);
			return;
		}
		send_chained(si, seq);
		return;
	}
	if (opt.level != LVL_TPDU && level_param) {
		/* A piece of a command: 1 begins, 3 continues, 2 ends it. */
		int first = level_param == 0x01;

		if (level_param > 0x03 || first != !cmd_len ||
		    cmd_len + len > CARD_MAX_CMD) {
			gadget_log("bad command chain %u", level_param);
			cmd_len = 0;
			gadget_send_msg(0x80, si, seq, 0x40, 0x08, 0, NULL, 0);
			return;
		}
		memcpy(cmd_buf + cmd_len, d, len);
		cmd_len += len;
		if (level_param != 0x02) {
			gadget_send_msg(0x80, si, seq, 0, 0, 0x10, NULL, 0);
			return;
		}
		d = cmd_buf;
		len = cmd_len;
		cmd_len = 0;
	}
	trigger = opt.level != LVL_TPDU && len >= 2 &&
		  d[1] == GADGET_INS_TRIGGER;
	if (trigger && (opt.mute || opt.mute_ext >= 0)) {
		for (i = 0; opt.mute_ext > 0 && i < (unsigned int)opt.mute_ext;
		     i++)
			gadget_send_msg(0x80, si, seq, 0x80 | icc_status(s), 1, 0,
				 NULL, 0);
		gadget_log("mute %u %u", si, seq);
		return;
	}
	if (trigger && opt.late_ms) {
		gadget_log("late %u %u", si, seq);
		/* Several slots: the others are served meanwhile. */
		if (opt.slots > 1)
			defer = 1;
		else
			gadget_msleep(opt.late_ms);
	}
	if (trigger && opt.unplug_ms) {
		gadget_msleep(opt.unplug_ms);
		gadget_log("unplug");
		_exit(0);	/* closes /dev/raw-gadget: USB disconnect */
	}

	if (opt.level != LVL_TPDU) {
		uint8_t cmd[5];

		if (trigger) {	/* the applet does not know EA: a NOP */
			memcpy(cmd, d, 4);
			cmd[1] = CARD_INS_NOP;
			rlen = card_apdu_raw(&s->app, cmd, 4, resp);
		} else {
			rlen = card_apdu_raw(&s->app, d, len, resp);
		}
	} else if (s->protocol == 1) {
		unsigned long wtx = s->t1.wtx_sent;

		late_wtx = s->wtx_asked && opt.wtx_late_ms;
		rlen = card_t1_block(&s->t1, d, len, resp);
		s->wtx_asked = s->t1.wtx_sent != wtx;
	} else {
		rlen = card_t0_tpdu(&s->t0, d, len, resp);
	}

	if (defer) {
		answer_late(si, seq, resp, rlen);
		return;
	}
	if (late_wtx) {
		gadget_log("late %u %u", si, seq);
		gadget_msleep(opt.wtx_late_ms);
	}
	for (i = 0; i < opt.time_ext; i++)
		gadget_send_msg(0x80, si, seq, 0x80 | icc_status(s), 1, 0, NULL, 0);
	if (opt.level != LVL_TPDU && rlen > chain_piece()) {
		memcpy(chain_buf, resp, rlen);
		chain_len = rlen;
		chain_off = 0;
		send_chained(si, seq);
		return;
	}
	gadget_send_msg(0x80, si, seq, 0, 0, 0, resp, rlen);
}

static void handle(const uint8_t *m, size_t len)
{
	uint8_t type = m[0], si = m[5], seq = m[6];
	uint8_t atr[33];
	struct slot *s;
	size_t n;

	if (si >= opt.slots) {
		gadget_send_msg(type == 0x62 || type == 0x6F ? 0x80 : 0x81, si, seq,
			 0x42, 5, 0, NULL, 0);
		return;
	}
	s = &slots[si];
	if (type != 0x72 && slot_refused(type, si, seq))
		return;
	switch (type) {
	case 0x62:	/* IccPowerOn */
		if (!s->present) {
			gadget_send_msg(0x80, si, seq, 0x42, 0xFE, 0, NULL, 0);
			break;
		}
		s->powered = 1;
		s->protocol = 0;
		s->stats.powers++;
		card_t0_reset(&s->t0, &s->app);
		card_t1_reset(&s->t1);
		n = make_atr(atr);
		gadget_send_msg(0x80, si, seq, 0, 0, 0, atr, n);
		break;
	case 0x63:	/* IccPowerOff */
		s->powered = 0;
		gadget_send_msg(0x81, si, seq, icc_status(s), 0, 0, NULL, 0);
		break;
	case 0x65:	/* GetSlotStatus */
		gadget_send_msg(0x81, si, seq, icc_status(s), 0, 0, NULL, 0);
		break;
	case 0x61:	/* SetParameters */
		gadget_log("params %u %02x", si, len > HDR ? m[HDR] : 0);
		s->protocol = m[7] ? 1 : 0;
		gadget_send_msg(0x82, si, seq, icc_status(s), 0, s->protocol, m + HDR,
			 len - HDR);
		break;
	case 0x6F:	/* XfrBlock */
		do_xfr(si, seq, m[7], m[8] | m[9] << 8, m + HDR, len - HDR);
		break;
	case 0x69:	/* Secure: the keypad */
		pinpad_secure(si, seq, m + HDR, len - HDR);
		break;
	case 0x6B:	/* Escape: the bytes come back */
		gadget_log("escape %u %u %zu", si, seq, len - HDR);
		gadget_send_msg(0x83, si, seq, icc_status(s), 0, 0, m + HDR, len - HDR);
		break;
	case 0x73:	/* SetDataRateAndClockFrequency: what it was told */
		gadget_log("set-rate %u %u %u", si,
			   len >= HDR + 8 ? get32(m + HDR) : 0,
			   len >= HDR + 8 ? get32(m + HDR + 4) : 0);
		gadget_send_msg(0x84, si, seq, icc_status(s), 0, 0, m + HDR,
				len >= HDR + 8 ? 8 : 0);
		break;
	case 0x72:	/* Abort */
		gadget_log("abort %u %u", si, seq);
		gadget_send_msg(0x81, si, seq, icc_status(s), 0, 0, NULL, 0);
		break;
	default:	/* not supported */
		gadget_send_msg(0x81, si, seq, 0x40 | icc_status(s), 0, 0, NULL, 0);
		break;
	}
}

static void *bulk_thread(void *arg)
{
	static struct io r;
	static uint8_t msg[MAX_MSG];

	(void)arg;
	for (;;) {
		size_t got, need;
		int n;

		n = ep_read(ep_out, &r, BULK_MPS);
		/* A bus reset fails the transfers in flight: read again. */
		if (n < 0 && errno == ESHUTDOWN)
			continue;
		if (n < 0)
			break;
		if (n < HDR) {
			gadget_log("short command (%d bytes)", n);
			continue;
		}
		hostile_packet(r.data, n);
		memcpy(msg, r.data, n);
		got = n;
		need = HDR + (size_t)get32(msg + 1);
		if (need > opt.max_msg) {
			/* Take it all in, then fail it: bError 1, dwLength. */
			gadget_log("command too long %zu", need);
			while (got < need) {
				n = ep_read(ep_out, &r, need - got < BULK_MPS ?
					    need - got : BULK_MPS);
				if (n <= 0)
					return NULL;
				got += n;
			}
			gadget_send_msg(msg[0] == 0x6F || msg[0] == 0x62 ? 0x80 : 0x81,
				 msg[5], msg[6], 0x40, 1, 0, NULL, 0);
			continue;
		}
		/* Exact reads: the driver sends no ZLP after 512*k bytes. */
		while (got < need) {
			n = ep_read(ep_out, &r, need - got);
			if (n <= 0)
				return NULL;
			memcpy(msg + got, r.data, n);
			got += n;
		}
		if (!hostile_command(msg, got))
			handle(msg, got);
	}
	return NULL;
}

static void *remove_thread(void *arg)
{
	uint8_t m[1 + MAX_SLOTS / 4] = { 0x50 };
	unsigned int i;

	(void)arg;
	gadget_msleep(opt.remove_ms);
	slots[0].present = 0;
	slots[0].powered = 0;
	for (i = 0; i < opt.slots; i++)
		m[1 + i / 4] |= (slots[i].present | (i == 0) << 1) << (2 * (i % 4));
	gadget_log("removed 0");
	if (ep_write(ep_int, m, 1 + (opt.slots + 3) / 4) < 0)
		gadget_log("interrupt IN write failed: %s", strerror(errno));
	return NULL;
}

/* --- ep0 -------------------------------------------------------------- */

static void ep0_reply(const void *data, size_t len, size_t wlen)
{
	static struct io w;

	w.io.ep = 0;
	w.io.flags = 0;
	w.io.length = len < wlen ? len : wlen;
	memcpy(w.io.data, data, w.io.length);
	if (raw_io(USB_RAW_IOCTL_EP0_WRITE, &w) < 0)
		gadget_log("ep0 write: %s", strerror(errno));
}

static void ep0_ack(void)
{
	static struct io r;

	r.io.ep = 0;
	r.io.flags = 0;
	r.io.length = 0;
	if (raw_io(USB_RAW_IOCTL_EP0_READ, &r) < 0)
		gadget_log("ep0 ack: %s", strerror(errno));
}

static void ep0_stall(void)
{
	ioctl(fd, USB_RAW_IOCTL_EP0_STALL, 0);
}

static int enable_ep(const uint8_t *d)
{
	struct usb_endpoint_descriptor e;
	int ret;

	memset(&e, 0, sizeof(e));
	memcpy(&e, d, USB_DT_ENDPOINT_SIZE);
	ret = ioctl(fd, USB_RAW_IOCTL_EP_ENABLE, &e);
	if (ret < 0)
		die("EP_ENABLE");
	return ret;
}

static void set_configuration(void)
{
	const uint8_t *eps = good_cfg + 9 + 9 + 54;
	pthread_t t;

	if (!configured) {
		ep_in = enable_ep(eps);
		ep_out = enable_ep(eps + 7);
		ep_int = enable_ep(eps + 14);
		if (ioctl(fd, USB_RAW_IOCTL_VBUS_DRAW, 50) < 0)
			die("VBUS_DRAW");
		if (ioctl(fd, USB_RAW_IOCTL_CONFIGURE, 0) < 0)
			die("CONFIGURE");
		if (pthread_create(&t, NULL, bulk_thread, NULL))
			die("pthread_create");
		if (opt.remove_ms &&
		    pthread_create(&t, NULL, remove_thread, NULL))
			die("pthread_create");
		configured = 1;
		gadget_log("configured");
	}
	ep0_ack();
}

static void control(const struct usb_ctrlrequest *c)
{
	uint16_t value = c->wValue, wlen = c->wLength;
	uint8_t buf[256];
	size_t n;

	if ((c->bRequestType & USB_TYPE_MASK) == USB_TYPE_CLASS) {
		if (c->bRequest == 1 && !(c->bRequestType & USB_DIR_IN)) {
			gadget_log("ctrl-abort %u %u", value & 0xff, value >> 8);
			gadget_ctrl_aborts++;
			if (hostile_stall_abort())
				ep0_stall();
			else
				ep0_ack();
			return;
		}
		if ((c->bRequest == 2 || c->bRequest == 3) &&
		    (c->bRequestType & USB_DIR_IN)) {
			/* GET_CLOCK_FREQUENCIES, GET_DATA_RATES */
			const uint32_t *v = c->bRequest == 2 ? opt.clocks :
							       opt.rates;
			unsigned int i, n = c->bRequest == 2 ? opt.n_clocks :
							       opt.n_rates;
			uint8_t r[4 * 32];

			if (n) {
				for (i = 0; i < n; i++)
					put32(r + 4 * i, v[i]);
				gadget_log(c->bRequest == 2 ? "get-clocks" :
					   "get-data-rates");
				ep0_reply(r, 4 * n, wlen);
				return;
			}
		}
		ep0_stall();
		return;
	}
	if ((c->bRequestType & USB_TYPE_MASK) != USB_TYPE_STANDARD) {
		ep0_stall();
		return;
	}
	switch (c->bRequest) {
	case USB_REQ_GET_DESCRIPTOR:
		switch (value >> 8) {
		case USB_DT_DEVICE:
			ep0_reply(dev_desc, sizeof(dev_desc), wlen);
			return;
		case USB_DT_CONFIG:
			ep0_reply(cfg_desc, cfg_len, wlen);
			return;
		case USB_DT_STRING:
			n = string_desc(value & 0xff, buf);
			if (n) {
				ep0_reply(buf, n, wlen);
				return;
			}
			break;
		default:
			break;
		}
		break;
	case USB_REQ_SET_CONFIGURATION:
		set_configuration();
		return;
	case USB_REQ_SET_INTERFACE:
		ep0_ack();
		return;
	case USB_REQ_GET_STATUS:
		memset(buf, 0, 2);
		ep0_reply(buf, 2, wlen);
		return;
	default:
		break;
	}
	ep0_stall();
}

/* "a,b,c" (decimal) into at most 32 values. */
static int parse_list(const char *q, uint32_t *v, unsigned int *n)
{
	char *end;

	*n = 0;
	while (*q && *n < 32) {
		v[(*n)++] = strtoul(q, &end, 10);
		if (end == q)
			return -1;
		q = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r;

		if (!strcmp(a, "--mute")) {
			opt.mute = 1;
			continue;
		}
		if (!v)
			return -1;
		i++;
		r = pinpad_option(a, v);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (!strcmp(a, "--slots")) {
			opt.slots = atoi(v);
			if (opt.slots < 1 || opt.slots > MAX_SLOTS)
				return -1;
		} else if (!strcmp(a, "--level")) {
			if (!strcmp(v, "tpdu"))
				opt.level = LVL_TPDU;
			else if (!strcmp(v, "apdu"))
				opt.level = LVL_APDU;
			else if (!strcmp(v, "ext"))
				opt.level = LVL_EXT;
			else
				return -1;
		} else if (!strcmp(a, "--protocols")) {
			if (!strcmp(v, "t0"))
				opt.protocols = 1;
			else if (!strcmp(v, "t1"))
				opt.protocols = 2;
			else if (!strcmp(v, "both"))
				opt.protocols = 3;
			else
				return -1;
		} else if (!strcmp(a, "--time-ext")) {
			opt.time_ext = atoi(v);
		} else if (!strcmp(a, "--garbage") ||
			   !strcmp(a, "--hostile")) {
			if (hostile_select(v))
				return -1;
		} else if (!strcmp(a, "--unplug-after-ms")) {
			opt.unplug_ms = atoi(v);
		} else if (!strcmp(a, "--late-ms")) {
			opt.late_ms = atoi(v);
		} else if (!strcmp(a, "--mute-after-ext")) {
			opt.mute_ext = atoi(v);
			if (opt.mute_ext < 0)
				return -1;
		} else if (!strcmp(a, "--late-after-wtx-ms")) {
			opt.wtx_late_ms = atoi(v);
		} else if (!strcmp(a, "--max-msg")) {
			opt.max_msg = atoi(v);
			if (opt.max_msg < 64 || opt.max_msg > MAX_MSG)
				return -1;
		} else if (!strcmp(a, "--chain")) {
			opt.chain = atoi(v);
		} else if (!strcmp(a, "--zlp")) {
			opt.no_zlp = !strcmp(v, "no");
		} else if (!strcmp(a, "--rates")) {
			if (parse_list(v, opt.rates, &opt.n_rates))
				return -1;
		} else if (!strcmp(a, "--clocks")) {
			if (parse_list(v, opt.clocks, &opt.n_clocks))
				return -1;
		} else if (!strcmp(a, "--max-rate")) {
			opt.max_rate = strtoul(v, NULL, 10);
		} else if (!strcmp(a, "--no-auto-baud")) {
			opt.no_auto_baud = atoi(v);
		} else if (!strcmp(a, "--ta1")) {
			opt.ta1 = strtol(v, NULL, 16);
			if (opt.ta1 < 0 || opt.ta1 > 255)
				return -1;
		} else if (!strcmp(a, "--ext-card")) {
			opt.ext_card = atoi(v);
		} else if (!strcmp(a, "--suspend-power-off")) {
			opt.suspend_off = atoi(v);
		} else if (!strcmp(a, "--remove-after-ms")) {
			opt.remove_ms = atoi(v);
		} else if (!strcmp(a, "--busy-slots")) {
			opt.busy_slots = atoi(v);
			if (opt.busy_slots < 1 || opt.busy_slots > 255)
				return -1;
		} else {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct {
		struct usb_raw_event ev;
		uint8_t data[sizeof(struct usb_ctrlrequest)];
	} e;
	struct usb_raw_init init;
	unsigned int i;

	if (parse_args(argc, argv)) {
		fprintf(stderr, "usage: ccid-gadget [--slots N] [--level tpdu|apdu|ext] [--protocols t0|t1|both] [--time-ext N] [--mute] [--mute-after-ext N] [--garbage seq|short|length|type|slot|status] [--hostile NAME] [--unplug-after-ms N] [--remove-after-ms N] [--chain N] [--zlp yes|no] [--late-ms N] [--late-after-wtx-ms N] [--max-msg N] [--rates BPS,...] [--clocks KHZ,...] [--max-rate BPS] [--no-auto-baud 1] [--ta1 XX] [--pin-pad N] [--lcd XXYY] [--pin KEYS] [--suspend-power-off 1] [--ext-card 1] [--busy-slots N]\n");
		return 2;
	}
	if (!opt.max_msg)
		opt.max_msg = opt.level == LVL_EXT ? MAX_MSG : 1024;
	for (i = 0; i < opt.slots; i++) {
		struct slot *s = &slots[i];

		s->present = 1;
		s->app.stats = &s->stats;
		s->app.ext_allowed = opt.level == LVL_EXT || opt.ext_card;
		card_t0_reset(&s->t0, &s->app);
		/* IFSC 32: the ATR has no TA3 */
		if (card_t1_init(&s->t1, &s->app, &s->faults, 32, 0))
			die("card_t1_init");
	}
	build_cfg();

	fd = open("/dev/raw-gadget", O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "ccid-gadget: /dev/raw-gadget: %s\n",
			strerror(errno));
		return 4;
	}
	memset(&init, 0, sizeof(init));
	strcpy((char *)init.driver_name, "dummy_udc");
	strcpy((char *)init.device_name, "dummy_udc.0");
	init.speed = USB_SPEED_HIGH;
	if (ioctl(fd, USB_RAW_IOCTL_INIT, &init) < 0)
		die("USB_RAW_IOCTL_INIT");
	if (ioctl(fd, USB_RAW_IOCTL_RUN, 0) < 0)
		die("USB_RAW_IOCTL_RUN");

	for (;;) {
		e.ev.type = 0;
		e.ev.length = sizeof(e.data);
		if (ioctl(fd, USB_RAW_IOCTL_EVENT_FETCH, &e) < 0) {
			if (errno == EINTR)
				continue;
			die("EVENT_FETCH");
		}
		if (e.ev.type == USB_RAW_EVENT_CONTROL)
			control((const struct usb_ctrlrequest *)e.ev.data);
		else if (e.ev.type == RAW_EVENT_SUSPEND)
			bus_suspend();
		else if (e.ev.type == RAW_EVENT_RESUME)
			gadget_log("resume");
		else if (e.ev.type == RAW_EVENT_RESET && configured)
			bus_reset();
	}
	return 0;
}
