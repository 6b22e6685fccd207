// SPDX-License-Identifier: GPL-2.0
/*
 * scard_serial: direct ISO/IEC 7816-3 readers (Phoenix, Smartmouse).
 *
 * Such a reader is little more than a level shifter: the card's I/O line
 * is wired to the UART's RX and TX together, its RST to RTS, its clock to
 * a crystal on the reader. So the card talks at the UART's speed, every
 * byte sent comes back as an echo, and nothing but the modem lines tells
 * the host anything. This file is the reader; the core's character-level
 * library (charlvl.c) runs PPS, T=0 and T=1 over its send and recv
 * operations.
 *
 * - Reset: RTS asserted holds RST low on a Phoenix reader; a Smartmouse
 *   reader has it the other way round. There is no switch for VCC, so a
 *   cold reset is an RST pulse like a warm one, and powering down holds
 *   the card in reset.
 * - ATR: at the initial rate (clock / 372) with 8 data bits, even parity
 *   and two stop bits (12 etu per character, guard time included). TS
 *   chooses the convention: 3B is direct; an inverse-convention card's
 *   3F arrives as 03 (clause 6.2.2), and every byte of it fails even
 *   parity, so parity errors are ignored during the ATR and the line is
 *   switched to odd parity after it, when the card waits for the host.
 *   scard_atr_length() says when the ATR is complete.
 * - Speed: after a PPS the line runs at clock * D / F. The UART's
 *   accuracy at such rates is unknown here: SCARD_SERIAL_IOC_SET_DIRECT
 *   tells the highest rate that works (caps.max_rate), by default only
 *   the initial rate, so that no PPS to a higher speed is proposed.
 * - Echo: the bytes sent are read back and compared before the card's
 *   answer is awaited; a byte that differs or comes back with an error
 *   (the card signalling a parity error on it, clause 7.3) fails the
 *   exchange with -EIO.
 * - Guard time: two stop bits give 12 etu; N = 255 in T=1 drops to one
 *   (11 etu); a larger N sends byte by byte with the extra etus as a
 *   pause after each echo.
 * - Parity errors in what the card sends: T=1 passes the byte on (its
 *   EDC catches it and the T=1 layer asks again); elsewhere -EIO, since a
 *   UART cannot signal the error that would make the card repeat.
 * - Card detect (SCARD_SERIAL_FLAG_CARD_DETECT): CTS low means a card is
 *   in; the line is polled every PHX_POLL_MS, as a tty tells a line
 *   discipline of no modem line change but DCD. Without the flag the
 *   card is taken as present and a missing one answers POWER with
 *   -ETIMEDOUT.
 *
 * Every wait adds PHX_LATENCY_MS to what ISO/IEC 7816-3 allows: a
 * USB-serial adapter hands received bytes over in batches (FTDI: every
 * 16 ms).
 *
 * Locking: the receive queue is under ss->lock (bytes arrive in the tty's
 * receive path); reader operations are serialized by the core; the
 * detect work only reads the modem lines and reports card events.
 */

#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kfifo.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/termios.h>
#include <linux/tty.h>
#include <linux/workqueue.h>
#include <linux/scard.h>
#include <linux/scard_proto.h>

#include "serial.h"

#define PHX_FD			372
#define PHX_TS_DIRECT		0x3b
#define PHX_TS_INVERSE_RAW	0x03
/* RST held low: 40000 clock cycles at 3.58 MHz are 11.2 ms. */
#define PHX_RESET_MS		20
/* The ATR starts within 40000 clock cycles after RST goes high. */
#define PHX_ATR_CLOCKS		40000
#define PHX_LATENCY_MS		50
#define PHX_POLL_MS		500
/* One character frame: start, 8 data bits, parity, 2 stop bits. */
#define PHX_CHAR_ETU		12
#define PHX_RX_SIZE		1024
/* Flag of a queued byte that arrived with a parity, framing or other error. */
#define PHX_RX_ERR		0x100

/**
 * struct phoenix - a direct reader on a serial line
 * @ss: the line
 * @rdr: the reader
 * @rx: bytes received, each with PHX_RX_ERR when flagged (under @ss->lock)
 * @rx_lost: bytes dropped on a full @rx since the last reset (under
 *	@ss->lock)
 * @reset_set: TIOCM_RTS set holds RST low (Phoenix), else clear does
 *	(Smartmouse)
 * @detect: card detect on CTS
 * @present: presence last reported (detect work)
 * @clk_khz: the reader's card clock
 * @fi: Fi in force on the line
 * @di: Di in force on the line
 * @inverse: the card uses the inverse convention (odd parity on the line)
 * @t1: T=1 in force: the card's parity errors go to the EDC
 * @check_parity: parity errors count (not during the ATR)
 * @one_stop: one stop bit (T=1 with N = 255)
 * @pause_us: extra guard time after each byte sent, microseconds
 * @detect_work: polls CTS
 * @registered: the reader is registered
 */
struct phoenix {
	struct scard_serial *ss;
	struct scard_reader *rdr;
	DECLARE_KFIFO(rx, u16, PHX_RX_SIZE);
	unsigned int rx_lost;
	bool reset_set;
	bool detect;
	bool present;
	u32 clk_khz;
	u8 fi;
	u8 di;
	bool inverse;
	bool t1;
	bool check_parity;
	bool one_stop;
	unsigned int pause_us;
	struct delayed_work detect_work;
	bool registered;
};

static struct device *phx_dev(struct phoenix *p)
{
	return p->registered ? &p->rdr->dev : p->ss->parent;
}

/* One etu on the line now, nanoseconds. */
static u32 phx_etu_ns(struct phoenix *p)
{
	return scard_etu_ns(p->fi, p->di, p->clk_khz);
}

/* The bit rate for Fi/Di at the reader's clock. */
static u32 phx_rate(struct phoenix *p, u8 fi, u8 di)
{
	u16 f = scard_atr_fi_to_f(fi);

	if (!f)
		return 0;
	return div_u64((u64)p->clk_khz * 1000 * scard_atr_di_to_d(di), f);
}

/* --- the line ------------------------------------------------------- */

static int phx_set_line(struct phoenix *p)
{
	unsigned int parity = p->inverse ? SCARD_SERIAL_PARITY_ODD :
					   SCARD_SERIAL_PARITY_EVEN;

	return p->ss->line->set_line(p->ss, phx_rate(p, p->fi, p->di), parity,
				     !p->one_stop);
}

static int phx_reset_line(struct phoenix *p, bool assert)
{
	unsigned int rts = assert == p->reset_set ? TIOCM_RTS : 0;

	return p->ss->line->set_modem(p->ss, rts | TIOCM_DTR, TIOCM_RTS ^ rts);
}

/* Called with ss->lock held, interrupts off. */
static void phx_recv(struct scard_serial *ss, const u8 *data, const u8 *flags,
		     size_t count)
{
	struct phoenix *p = ss->proto_data;
	size_t i;
	u16 v;

	for (i = 0; i < count; i++) {
		v = data[i];
		if (flags && flags[i] != TTY_NORMAL)
			v |= PHX_RX_ERR;
		if (!kfifo_put(&p->rx, v))
			p->rx_lost++;
	}
}

/* Drop what was received so far; returns how many bytes that was. */
static unsigned int phx_rx_drop(struct phoenix *p)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&p->ss->lock, flags);
	n = kfifo_len(&p->rx) + p->rx_lost;
	kfifo_reset(&p->rx);
	p->rx_lost = 0;
	spin_unlock_irqrestore(&p->ss->lock, flags);
	return n;
}

/* Wait condition: a byte in *@v, or a reason to stop in *@ret. */
static bool phx_rx_ready(struct phoenix *p, u16 *v, int *ret)
{
	unsigned long flags;
	bool got;

	spin_lock_irqsave(&p->ss->lock, flags);
	got = kfifo_get(&p->rx, v);
	if (!got && p->rx_lost)
		*ret = -EIO;
	else if (!got && p->ss->dead)
		*ret = -ENODEV;
	spin_unlock_irqrestore(&p->ss->lock, flags);
	if (!got && !*ret && scard_reader_cancelled(p->rdr))
		*ret = -ECANCELED;
	return got || *ret;
}

/*
 * The next byte received, within @us microseconds (plus the adapter's
 * latency). Killable; every sleep is at most SCARD_SERIAL_SLICE_MS.
 * Return: the byte, with PHX_RX_ERR when it arrived flagged; -ETIMEDOUT,
 * -EINTR, -ECANCELED, -ENODEV, or -EIO when bytes were lost.
 */
static int phx_rx_byte(struct phoenix *p, unsigned int us)
{
	unsigned long deadline = jiffies + usecs_to_jiffies(us) +
				 msecs_to_jiffies(PHX_LATENCY_MS);
	long left, slice;
	int ret = 0;
	u16 v = 0;

	for (;;) {
		left = (long)(deadline - jiffies);
		if (left <= 0)
			left = 0;
		slice = min_t(long, left,
			      msecs_to_jiffies(SCARD_SERIAL_SLICE_MS));
		left = wait_event_killable_timeout(p->ss->wait,
						   phx_rx_ready(p, &v, &ret),
						   slice);
		if (left < 0)
			return -EINTR;
		if (left)
			return ret ?: v;
		if (time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
	}
}

/* --- the reader operations ------------------------------------------ */

/* Read the ATR after RST went high; @atr has SCARD_MAX_ATR bytes. */
static int phx_read_atr(struct phoenix *p, u8 *atr, size_t *atr_len)
{
	unsigned int first_us = div_u64((u64)PHX_ATR_CLOCKS * 1000,
					p->clk_khz);
	unsigned int wt_us = scard_initial_wt_us(p->clk_khz);
	u8 logical[SCARD_MAX_ATR];
	size_t n = 0;
	int v, need;

	do {
		v = phx_rx_byte(p, n ? wt_us : first_us);
		if (v == -ETIMEDOUT && n)
			return -EPROTO;		/* truncated ATR */
		if (v < 0)
			return v;
		atr[n] = v & 0xff;
		if (!n && atr[0] == PHX_TS_INVERSE_RAW)
			p->inverse = true;
		else if (!n && atr[0] != PHX_TS_DIRECT)
			return -EPROTO;
		logical[n] = p->inverse ? scard_atr_inverse_byte(atr[n]) :
					  atr[n];
		n++;
		need = scard_atr_length(logical, n);
		if (need < 0)
			return -EPROTO;
	} while (need > n);
	*atr_len = n;
	return 0;
}

static int phx_power(struct scard_reader *rdr, u32 action, u8 *atr,
		     size_t *atr_len)
{
	struct phoenix *p = scard_reader_get_drvdata(rdr);
	int ret;

	ret = phx_reset_line(p, true);
	if (ret || action == SCARD_POWER_DOWN)
		return ret;

	p->fi = 1;
	p->di = 1;
	p->inverse = false;
	p->t1 = false;
	p->one_stop = false;
	p->pause_us = 0;
	p->check_parity = false;
	ret = phx_set_line(p);
	if (ret)
		return ret;
	msleep(PHX_RESET_MS);
	p->ss->line->flush(p->ss);
	phx_rx_drop(p);
	ret = phx_reset_line(p, false);
	if (ret)
		return ret;
	ret = phx_read_atr(p, atr, atr_len);
	if (ret) {
		phx_reset_line(p, true);
		return ret;
	}
	/* The card now waits for the host: the convention's parity. */
	p->check_parity = true;
	return p->inverse ? phx_set_line(p) : 0;
}

static int phx_set_params(struct scard_reader *rdr,
			  const struct scard_params *params)
{
	struct phoenix *p = scard_reader_get_drvdata(rdr);
	u32 guard = scard_guard_etu(params);

	if (!phx_rate(p, params->fi, params->di))
		return -EINVAL;
	p->fi = params->fi;
	p->di = params->di;
	p->t1 = params->protocol == SCARD_PROTOCOL_T1;
	p->one_stop = guard < PHX_CHAR_ETU;
	p->pause_us = guard > PHX_CHAR_ETU ?
		      DIV_ROUND_UP((guard - PHX_CHAR_ETU) * phx_etu_ns(p), 1000) :
		      0;
	return phx_set_line(p);
}

/* Read back the @len bytes just sent; they must come back unchanged. */
static int phx_echo(struct phoenix *p, const u8 *buf, size_t len)
{
	unsigned int char_us = DIV_ROUND_UP(PHX_CHAR_ETU * phx_etu_ns(p), 1000);
	size_t i;
	int v;

	for (i = 0; i < len; i++) {
		v = phx_rx_byte(p, char_us);
		if (v < 0)
			return v == -ETIMEDOUT ? -EIO : v;
		if (v != buf[i]) {
			dev_dbg(phx_dev(p), "echo %03x for %02x\n", v, buf[i]);
			return -EIO;
		}
	}
	return 0;
}

static int phx_send(struct scard_reader *rdr, const u8 *buf, size_t len)
{
	struct phoenix *p = scard_reader_get_drvdata(rdr);
	unsigned int char_us = DIV_ROUND_UP(PHX_CHAR_ETU * phx_etu_ns(p), 1000);
	unsigned int n, stale;
	size_t off;
	int ret;

	/* Whatever the card said out of turn is no answer to this. */
	stale = phx_rx_drop(p);
	if (stale)
		dev_dbg(phx_dev(p), "%u stray bytes dropped\n", stale);
	for (off = 0; off < len; off += n) {
		n = p->pause_us ? 1 : len - off;
		ret = scard_serial_write(p->ss, buf + off, n,
					 n * char_us / 1000 + 1000);
		if (!ret)
			ret = phx_echo(p, buf + off, n);
		if (ret)
			return ret;
		if (p->pause_us)
			usleep_range(p->pause_us, p->pause_us + 100);
	}
	return 0;
}

static int phx_recv_op(struct scard_reader *rdr, u8 *buf, size_t len,
		       size_t *got, unsigned int first_us,
		       unsigned int next_us)
{
	struct phoenix *p = scard_reader_get_drvdata(rdr);
	size_t i;
	int v;

	*got = 0;
	for (i = 0; i < len; i++) {
		v = phx_rx_byte(p, i ? next_us : first_us);
		if (v < 0)
			return v;
		if ((v & PHX_RX_ERR) && p->check_parity && !p->t1) {
			dev_dbg(phx_dev(p), "parity error from the card\n");
			return -EIO;
		}
		buf[i] = v & 0xff;
		*got = i + 1;
	}
	return 0;
}

/* Never called at the character level: the core exchanges bytes. */
static int phx_xfr(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		   u8 *rx, size_t rx_size, size_t *rx_len)
{
	*rx_len = 0;
	return -EOPNOTSUPP;
}

static void phx_cancel(struct scard_reader *rdr)
{
	struct phoenix *p = scard_reader_get_drvdata(rdr);

	wake_up_all(&p->ss->wait);
}

static const struct scard_reader_ops phx_ops = {
	.power = phx_power,
	.set_params = phx_set_params,
	.xfr = phx_xfr,
	.send = phx_send,
	.recv = phx_recv_op,
	.cancel = phx_cancel,
};

/* --- card detect ---------------------------------------------------- */

/* Card present per CTS, or a negative errno. */
static int phx_card_in(struct phoenix *p)
{
	int m = p->ss->line->get_modem(p->ss);

	return m < 0 ? m : !(m & TIOCM_CTS);
}

static void phx_detect_work(struct work_struct *work)
{
	struct phoenix *p = container_of(to_delayed_work(work), struct phoenix,
					 detect_work);
	int in;

	if (scard_serial_dead(p->ss))
		return;
	in = phx_card_in(p);
	if (in >= 0 && in != p->present) {
		p->present = in;
		scard_reader_card_event(p->rdr, in);
	}
	schedule_delayed_work(&p->detect_work, msecs_to_jiffies(PHX_POLL_MS));
}

/* --- attach and detach ---------------------------------------------- */

static void phx_fill_caps(struct phoenix *p, struct scard_reader_caps *caps,
			  const char *name, u32 max_rate)
{
	u32 initial = phx_rate(p, 1, 1);

	strscpy(caps->vendor_name, "ISO 7816-3 direct", sizeof(caps->vendor_name));
	strscpy(caps->ifd_type, name, sizeof(caps->ifd_type));
	strscpy(caps->ifd_serial, p->ss->name, sizeof(caps->ifd_serial));
	caps->channel_id = SCARD_READER_TYPE_SERIAL << 16 | p->ss->index;
	caps->protocols = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
	caps->level = SCARD_LEVEL_CHAR;
	caps->default_clk = p->clk_khz;
	caps->max_clk = p->clk_khz;
	caps->default_rate = initial;
	caps->max_rate = max(max_rate, initial);
	caps->max_ifsd = 254;
}

static int phx_attach_as(struct scard_serial *ss, const char *name,
			 bool reset_set)
{
	struct scard_reader *rdr;
	unsigned long flags;
	struct phoenix *p;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->ss = ss;
	INIT_KFIFO(p->rx);
	INIT_DELAYED_WORK(&p->detect_work, phx_detect_work);
	p->reset_set = reset_set;
	p->detect = ss->flags & SCARD_SERIAL_FLAG_CARD_DETECT;
	p->clk_khz = ss->direct.clock_khz ?: SCARD_SERIAL_DIRECT_CLOCK_DEFAULT;
	p->fi = 1;
	p->di = 1;

	rdr = scard_reader_alloc(ss->parent, &phx_ops);
	if (IS_ERR(rdr)) {
		kfree(p);
		return PTR_ERR(rdr);
	}
	p->rdr = rdr;
	ss->rdr = rdr;
	scard_reader_set_drvdata(rdr, p);
	phx_fill_caps(p, &rdr->caps, name, ss->direct.max_rate);

	spin_lock_irqsave(&ss->lock, flags);
	ss->proto_data = p;
	ss->ready = true;
	spin_unlock_irqrestore(&ss->lock, flags);

	/* The card stays in reset until the first POWER. */
	ret = phx_set_line(p);
	if (!ret)
		ret = phx_reset_line(p, true);
	if (ret) {
		dev_info(ss->parent, "%s: cannot drive the modem lines: %d\n",
			 ss->name, ret);
		return ret == -ENOTTY || ret == -EINVAL ? -EOPNOTSUPP : ret;
	}
	p->present = true;
	if (p->detect) {
		ret = phx_card_in(p);
		if (ret < 0) {
			dev_info(ss->parent, "%s: cannot read CTS: %d\n",
				 ss->name, ret);
			return ret == -ENOTTY ? -EOPNOTSUPP : ret;
		}
		p->present = ret;
	}
	scard_reader_card_event(rdr, p->present);

	ret = scard_reader_register(rdr);
	if (ret)
		return ret;
	p->registered = true;
	if (p->detect)
		schedule_delayed_work(&p->detect_work,
				      msecs_to_jiffies(PHX_POLL_MS));
	dev_info(&rdr->dev, "%s on %s, clock %u kHz, up to %u bps%s\n", name,
		 ss->name, p->clk_khz, rdr->caps.max_rate,
		 p->detect ? ", card detect on CTS" : "");
	return 0;
}

static int phx_attach(struct scard_serial *ss)
{
	return phx_attach_as(ss, "Phoenix", true);
}

static int smartmouse_attach(struct scard_serial *ss)
{
	return phx_attach_as(ss, "Smartmouse", false);
}

/* The line is dead: the detect work stops rearming itself. */
static void phx_detach(struct scard_serial *ss)
{
	struct phoenix *p = ss->proto_data;

	cancel_delayed_work_sync(&p->detect_work);
	if (p->registered)
		scard_reader_unregister(p->rdr);
	ss->proto_data = NULL;
	ss->rdr = NULL;
	scard_reader_put(p->rdr);
	kfree(p);
}

static int phx_minor(struct scard_serial *ss)
{
	struct phoenix *p = ss->proto_data;

	return p->registered ? MINOR(p->rdr->dev.devt) : -EUNATCH;
}

const struct scard_serial_proto scard_serial_phoenix = {
	.id = SCARD_SERIAL_PROTO_PHOENIX,
	.name = "Phoenix",
	.attach = phx_attach,
	.detach = phx_detach,
	.recv = phx_recv,
	.minor = phx_minor,
};
EXPORT_SYMBOL_IF_KUNIT(scard_serial_phoenix);

const struct scard_serial_proto scard_serial_smartmouse = {
	.id = SCARD_SERIAL_PROTO_SMARTMOUSE,
	.name = "Smartmouse",
	.attach = smartmouse_attach,
	.detach = phx_detach,
	.recv = phx_recv,
	.minor = phx_minor,
};
EXPORT_SYMBOL_IF_KUNIT(scard_serial_smartmouse);
