/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: smart card reader subsystem, in-kernel API for reader drivers.
 *
 * A reader driver allocates one struct scard_reader per slot, fills in its
 * capabilities and operations, registers it, and reports card insertion and
 * removal with scard_reader_card_event(). The core provides /dev/scardN, the
 * winsmcrd.h ioctls, card state tracking, ATR parsing and the transmission
 * protocols. See Documentation/scard/driver-api.rst.
 */
#ifndef _LINUX_SCARD_H
#define _LINUX_SCARD_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/scard_atr.h>
#include <linux/scard_t1.h>
#include <uapi/linux/scard.h>

/* Largest short APDU response (256 data bytes + SW1 SW2). */
#define SCARD_MAX_SHORT_RESP	258
/* Largest extended APDU response (65536 data bytes + SW1 SW2). */
#define SCARD_MAX_RESP		(65536 + 2)
/* Data rates and clocks a reader may list (struct scard_reader_caps). */
#define SCARD_MAX_DATA_RATES	32
#define SCARD_MAX_CLOCKS	16
/* Largest APDU the core passes (extended: 4 + 3 + 65535 + 2). */
#define SCARD_MAX_APDU		65544

/**
 * enum scard_level - what a reader moves, and so what the core does for it
 * @SCARD_LEVEL_CHAR: bytes; the core also times characters (not yet)
 * @SCARD_LEVEL_TPDU: T=0 TPDUs or T=1 blocks; the core maps APDUs to them
 * @SCARD_LEVEL_APDU: short APDUs; the reader does the transport protocol
 * @SCARD_LEVEL_APDU_EXT: short and extended APDUs
 */
enum scard_level {
	SCARD_LEVEL_CHAR,
	SCARD_LEVEL_TPDU,
	SCARD_LEVEL_APDU,
	SCARD_LEVEL_APDU_EXT,
};

/**
 * struct scard_params - the protocol parameters in force after SET_PROTOCOL
 * @protocol: SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1
 * @fi: Fi index in use
 * @di: Di index in use
 * @n: extra guard time integer
 * @wi: T=0 waiting time integer
 * @ifsc: T=1 IFSC
 * @ifsd: T=1 IFSD
 * @cwi: T=1 character waiting integer
 * @bwi: T=1 block waiting integer
 * @edc_crc: T=1 uses CRC rather than LRC
 * @clock_stop: clock stop support (CCID bClockStop encoding)
 * @inverse: the card uses the inverse convention
 */
struct scard_params {
	u32 protocol;
	u8 fi;
	u8 di;
	u8 n;
	u8 wi;
	u8 ifsc;
	u8 ifsd;
	u8 cwi;
	u8 bwi;
	bool edc_crc;
	u8 clock_stop;
	bool inverse;
};

/**
 * struct scard_apdu - a decoded ISO/IEC 7816-4 command APDU
 * @cla: class byte
 * @ins: instruction byte
 * @p1: parameter 1
 * @p2: parameter 2
 * @lc: number of command data bytes (Nc)
 * @le: expected response length (Ne), 0 when absent
 * @data: pointer to the @lc command data bytes
 * @kase: 1, 2, 3 or 4
 * @extended: the APDU uses extended length fields
 */
struct scard_apdu {
	u8 cla, ins, p1, p2;
	u32 lc;
	u32 le;
	const u8 *data;
	u8 kase;
	bool extended;
};

int scard_apdu_parse(struct scard_apdu *apdu, const u8 *buf, size_t len);

/**
 * struct scard_pin_op - a checked PIN verification or modification
 * @modify: a modification (PIN_MODIFY_STRUCTURE), else a verification
 * @timeout: bTimerOut, seconds, 0 for the reader's default
 * @timeout2: bTimerOut2, seconds
 * @format: bmFormatString
 * @block: bmPINBlockString
 * @length_format: bmPINLengthFormat
 * @offset_old: bInsertionOffsetOld (modification)
 * @offset_new: bInsertionOffsetNew (modification)
 * @max_extra_digit: wPINMaxExtraDigit
 * @confirm: bConfirmPIN (modification)
 * @entry_validation: bEntryValidationCondition
 * @n_messages: bNumberMessage
 * @lang_id: wLangId
 * @msg_index: bMsgIndex (verification: [0] only) or bMsgIndex1..3
 * @teo_prologue: the T=1 prologue the reader puts before @apdu (NAD PCB
 *	LEN, filled in by the core for T=1 at the TPDU level), else zero
 * @apdu: the command APDU, in the caller's buffer
 * @apdu_len: its length, 4 to SCARD_PIN_MAX_APDU
 *
 * scard_pin_parse() fills it in from the ioctl's input; a reader driver's
 * @secure op gets it once every field has been checked.
 */
struct scard_pin_op {
	bool modify;
	u8 timeout;
	u8 timeout2;
	u8 format;
	u8 block;
	u8 length_format;
	u8 offset_old;
	u8 offset_new;
	u16 max_extra_digit;
	u8 confirm;
	u8 entry_validation;
	u8 n_messages;
	u16 lang_id;
	u8 msg_index[3];
	u8 teo_prologue[3];
	const u8 *apdu;
	size_t apdu_len;
};

/* A short command APDU: header, Lc, 255 data bytes, Le. */
#define SCARD_PIN_MAX_APDU	(5 + 255 + 1)

int scard_pin_parse(struct scard_pin_op *op, bool modify, const u8 *in,
		    size_t len);

struct scard_reader;

/**
 * typedef scard_xfr_fn - exchange one unit with the card at the reader's level
 * @rdr: the reader
 * @tx: bytes to send (TPDU, block or APDU)
 * @tx_len: number of bytes in @tx
 * @rx: buffer for the reply
 * @rx_size: size of @rx
 * @rx_len: set to the number of reply bytes
 *
 * Return: 0 or a negative errno.
 */
typedef int (*scard_xfr_fn)(struct scard_reader *rdr, const u8 *tx,
			    size_t tx_len, u8 *rx, size_t rx_size,
			    size_t *rx_len);

int scard_t0_transmit(struct scard_reader *rdr, scard_xfr_fn xfr,
		      const u8 *cmd, size_t cmd_len, u8 *resp,
		      size_t resp_size, size_t *resp_len);

/**
 * struct scard_reader_ops - what a reader driver implements
 * @open: optional; first open of /dev/scardN. Process context, may sleep.
 * @close: optional; last close, or deregistration. Process context.
 * @power: mandatory; @action is SCARD_POWER_DOWN, SCARD_COLD_RESET or
 *	SCARD_WARM_RESET. On a reset, store the ATR (at most SCARD_MAX_ATR
 *	bytes) in @atr and its length in @atr_len. Return -ENOMEDIUM when no
 *	card is present, -ETIMEDOUT when the card is mute. Process context,
 *	may sleep; called with the reader lock held.
 * @set_params: optional; tell the reader the protocol parameters chosen by
 *	SET_PROTOCOL (CCID SetParameters). Same context as @power.
 * @xfr: mandatory; exchange one unit at the reader's exchange level and
 *	return the reply. Same context as @power.
 * @mechanical: optional; SCARD_READER_EJECTS, SCARD_READER_SWALLOWS or
 *	SCARD_READER_CONFISCATES. Same context as @power.
 * @escape: optional; vendor escape (IOCTL_CCID_ESCAPE). Same context.
 * @secure: optional (mandatory with @caps.pin_support); let the user
 *	enter a PIN on the reader's keypad as @op says, send the APDU and
 *	return the card's answer at the reader's level (T=1 at the TPDU
 *	level: the card's block). The reader's own outcomes are answers
 *	too: SW 64 00 when the entry timed out, 64 01 when the user
 *	cancelled. Same context.
 * @send: character level only: send @len bytes to the card (the core has
 *	already applied the inverse convention). Same context.
 * @recv: character level only: receive @len bytes; the first may take
 *	@first_us, each next one @next_us. Sets *@got to the bytes received;
 *	returns -ETIMEDOUT when a byte missed its deadline. Same context.
 * @cancel: optional; ask the operation in progress to give up. Called
 *	from another task (close() of the file whose asynchronous TRANSMIT
 *	runs), without the reader lock, possibly while no operation or one
 *	for another file runs; must not sleep. The driver wakes its waits,
 *	which re-check scard_reader_cancelled() and end the operation
 *	(after aborting the command on the reader) with -ECANCELED.
 *
 * Every operation is called by the core with the reader's ops rwsem read
 * locked after checking that the reader is still registered, so none runs
 * or starts once scard_reader_unregister() has returned.
 *
 * Waits: an operation may take as long as the card needs, but every sleep
 * in it is killable (a fatal signal ends it with -EINTR), bounded, and
 * ends early when scard_reader_cancelled() becomes true. On -EOVERFLOW
 * (@xfr, @escape) *@rx_len is the size that would have been needed.
 */
struct scard_reader_ops {
	int (*open)(struct scard_reader *rdr);
	void (*close)(struct scard_reader *rdr);
	int (*power)(struct scard_reader *rdr, u32 action, u8 *atr,
		     size_t *atr_len);
	int (*set_params)(struct scard_reader *rdr,
			  const struct scard_params *params);
	int (*xfr)(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		   u8 *rx, size_t rx_size, size_t *rx_len);
	int (*mechanical)(struct scard_reader *rdr, u32 function);
	int (*escape)(struct scard_reader *rdr, const u8 *tx, size_t tx_len,
		      u8 *rx, size_t rx_size, size_t *rx_len);
	int (*secure)(struct scard_reader *rdr, const struct scard_pin_op *op,
		      u8 *rx, size_t rx_size, size_t *rx_len);
	int (*send)(struct scard_reader *rdr, const u8 *buf, size_t len);
	int (*recv)(struct scard_reader *rdr, u8 *buf, size_t len,
		    size_t *got, unsigned int first_us, unsigned int next_us);
	void (*cancel)(struct scard_reader *rdr);
};

struct scard_file;

/**
 * struct scard_reader_caps - what the reader can do, filled in before
 *	scard_reader_register()
 * @vendor_name: SCARD_ATTR_VENDOR_NAME
 * @ifd_type: SCARD_ATTR_VENDOR_IFD_TYPE
 * @ifd_serial: SCARD_ATTR_VENDOR_IFD_SERIAL_NO
 * @ifd_version: SCARD_ATTR_VENDOR_IFD_VERSION (0xMMmmbbbb)
 * @channel_id: SCARD_ATTR_CHANNEL_ID (type << 16 | channel number)
 * @protocols: SCARD_PROTOCOL_T0 and/or SCARD_PROTOCOL_T1
 * @level: exchange level
 * @default_clk: default clock, kHz
 * @max_clk: maximum clock, kHz
 * @default_rate: default data rate, bps
 * @max_rate: maximum data rate, bps
 * @data_rates: the only data rates (bps) the reader can use, as a CCID
 *	reader's GET_DATA_RATES lists them, when @n_data_rates is not 0:
 *	scard_pps_select() then picks D among them (the default rate, D = 1,
 *	always remains)
 * @n_data_rates: entries in @data_rates, at most SCARD_MAX_DATA_RATES
 * @clocks: more clock frequencies (kHz) the reader can give the card, as a
 *	CCID reader's GET_CLOCK_FREQUENCIES lists them, when @n_clocks is not
 *	0: scard_pps_select() may use any of them, @default_clk and @max_clk
 * @n_clocks: entries in @clocks, at most SCARD_MAX_CLOCKS
 * @max_ifsd: maximum IFSD
 * @max_msg: largest unit @xfr can move in either direction, 0 = no limit
 * @mechanical: SCARD_READER_* mechanical characteristics
 * @auto_pps: the reader negotiates PPS itself (CCID automatic PPS)
 * @features_escape: IOCTL_CCID_ESCAPE is offered
 * @pin_support: SCARD_PIN_SUPPORT_VERIFY and/or SCARD_PIN_SUPPORT_MODIFY:
 *	the reader has a keypad and @secure
 * @lcd_layout: its display, lines << 8 | characters, 0 for none
 * @pin_entry_validation: the SCARD_PIN_ENTRY_* conditions it supports
 * @id_vendor: USB idVendor (GET_TLV_PROPERTIES), 0 when not USB
 * @id_product: USB idProduct
 */
struct scard_reader_caps {
	char vendor_name[MAXIMUM_ATTR_STRING_LENGTH + 1];
	char ifd_type[MAXIMUM_ATTR_STRING_LENGTH + 1];
	char ifd_serial[MAXIMUM_ATTR_STRING_LENGTH + 1];
	u32 ifd_version;
	u32 channel_id;
	u32 protocols;
	enum scard_level level;
	u32 default_clk;
	u32 max_clk;
	u32 default_rate;
	u32 max_rate;
	u32 data_rates[SCARD_MAX_DATA_RATES];
	unsigned int n_data_rates;
	u32 clocks[SCARD_MAX_CLOCKS];
	unsigned int n_clocks;
	u32 max_ifsd;
	u32 max_msg;
	u32 mechanical;
	bool auto_pps;
	bool features_escape;
	u8 pin_support;
	u16 lcd_layout;
	u8 pin_entry_validation;
	u16 id_vendor;
	u16 id_product;
};

/* struct scard_reader_caps pin_support (the CCID bPINSupport bits). */
#define SCARD_PIN_SUPPORT_VERIFY	0x01
#define SCARD_PIN_SUPPORT_MODIFY	0x02

/**
 * struct scard_reader - one reader slot, /dev/scardN
 * @dev: the class device (its release frees the reader)
 * @cdev: the character device
 * @ops: the driver's operations
 * @caps: the driver's capabilities
 * @slot: slot number within the physical reader
 * @slots: number of slots of the physical reader (0 counts as 1); set
 *	before scard_reader_register(), shown in sysfs so that user space
 *	(the pcsc-lite IFD handler) knows how many devices one reader has
 * @ops_sem: read-held around every driver call; write-held to disconnect
 * @disconnected: set once the driver has unregistered the reader
 * @lock_held: the reader lock, which serializes card operations (power,
 *	protocol, transmit), is taken (under @state_lock); see
 *	scard_reader_lock()
 * @lock_queue: operations waiting for the reader lock, served first in
 *	first out (under @state_lock)
 * @lock_wait: the waiters for the reader lock sleep here; woken when a
 *	file is closed or the reader goes, so that they can give up
 * @lock_dep_map: the reader lock for lockdep
 * @holder: the file whose asynchronous TRANSMIT holds the reader lock, or
 *	NULL (written and read by the holder of the lock only)
 * @op_events: @event_count when the reader lock was taken: the operation
 *	under way is for the card present then (written under the reader
 *	lock and @state_lock)
 * @state_lock: protects @state, @event_count and @files (any context)
 * @state: SCARD_ABSENT .. SCARD_SPECIFIC
 * @event_count: card insertions and removals seen
 * @event_wait: woken on every state change and on disconnection
 * @uevent_work: sends the change uevents from process context
 * @uevent_count: @event_count of the last event sent as a uevent
 * @initial_present: the presence first reported (events toggle it)
 * @files: open files, for completing asynchronous card tracking
 * @open_lock: serializes open and release accounting
 * @open_count: number of open files
 * @exclusive: a file opened with O_EXCL owns the reader
 * @registered: the device is visible to user space (under @state_lock)
 * @gone: unregistration started; card events are ignored (under
 *	@state_lock; read locklessly with READ_ONCE() where a stale value
 *	only delays the ENODEV that the locked paths give anyway)
 * @atr: the decoded ATR of the powered card
 * @params: protocol parameters selected by SET_PROTOCOL
 * @suppress_ifs: SCARD_ATTR_SUPRESS_T1_IFS_REQUEST is set (under @lock)
 * @t1: T=1 protocol state, when T=1 is in force
 * @wtx: T=1 on a TPDU reader: the S(WTX) multiplier granted for the block
 *	@xfr is exchanging (2..255), else 0; the driver tells the reader
 *	(CCID bBWI) and waits that many times longer (under @lock)
 * @perf: performance counters
 * @priv: driver private data
 */
struct scard_reader {
	struct device dev;
	struct cdev cdev;
	const struct scard_reader_ops *ops;
	struct scard_reader_caps caps;
	unsigned int slot;
	unsigned int slots;

	struct rw_semaphore ops_sem;
	bool disconnected;
	bool lock_held;
	struct list_head lock_queue;
	wait_queue_head_t lock_wait;
#ifdef CONFIG_LOCKDEP
	struct lockdep_map lock_dep_map;
#endif
	struct scard_file *holder;
	u32 op_events;

	spinlock_t state_lock;		/* card state, files, counters */
	u32 state;
	u32 event_count;
	wait_queue_head_t event_wait;
	struct work_struct uevent_work;
	u32 uevent_count;
	bool initial_present;
	struct list_head files;
	struct mutex open_lock;		/* open_count, exclusive */
	unsigned int open_count;
	bool exclusive;
	bool registered;
	bool gone;

	struct scard_atr atr;
	struct scard_params params;
	bool suppress_ifs;
	struct scard_t1 t1;
	unsigned int wtx;
	struct scard_perf_cntr perf;

	void *priv;
};

struct scard_reader *scard_reader_alloc(struct device *parent,
					const struct scard_reader_ops *ops);
int scard_reader_register(struct scard_reader *rdr);
void scard_reader_unregister(struct scard_reader *rdr);
void scard_reader_put(struct scard_reader *rdr);
void scard_reader_card_event(struct scard_reader *rdr, bool present);
void scard_reader_card_unpowered(struct scard_reader *rdr);
bool scard_reader_cancelled(struct scard_reader *rdr);
int scard_reader_check_stop(struct scard_reader *rdr);

static inline void scard_reader_set_drvdata(struct scard_reader *rdr,
					    void *data)
{
	rdr->priv = data;
}

static inline void *scard_reader_get_drvdata(struct scard_reader *rdr)
{
	return rdr->priv;
}

#endif /* _LINUX_SCARD_H */
