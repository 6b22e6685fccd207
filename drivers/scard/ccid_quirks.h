/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard_ccid: per-model workarounds. One table of readers keyed by
 * VID:PID and a bcdDevice range, each entry a set of named flags; the
 * module parameter "quirks" adds or overrides entries (as usb-storage's
 * quirks= does). See Documentation/scard/ccid.rst, "Quirks".
 */
#ifndef _SCARD_CCID_QUIRKS_H
#define _SCARD_CCID_QUIRKS_H

#include <linux/bits.h>
#include <linux/types.h>

/*
 * Answers longer than 384 bytes are lost although the descriptor says
 * more (QEMU 7.2's usb-ccid): messages are capped at 384 bytes.
 */
#define CCID_QUIRK_MAX_MSG_384	BIT(0)
/*
 * A command that arrives while the card is finishing the previous one is
 * never picked up (QEMU 7.2's ccid-card-emulated): an XfrBlock left
 * unanswered for a second is followed by an empty one that wakes it.
 */
#define CCID_QUIRK_LOST_WAKEUP	BIT(1)
/*
 * The interrupt endpoint is missing its NotifySlotChange messages: poll
 * the slots instead, as for a reader without one.
 */
#define CCID_QUIRK_NO_INTERRUPT	BIT(2)
/*
 * bPINSupport claims a keypad the reader does not have, or has one whose
 * secure PIN entry is not secure (it also sends the keys to the host):
 * no PIN pad features are offered.
 */
#define CCID_QUIRK_NO_PIN_PAD	BIT(3)
/*
 * dwFeatures says short APDU (or TPDU) level, the firmware exchanges
 * extended APDUs, chaining them: the extended APDU level is used.
 */
#define CCID_QUIRK_EXT_APDU	BIT(4)
#define CCID_QUIRK_COUNT	5
/* The longest "quirks" parameter, its NUL included. */
#define CCID_QUIRKS_MAX_STRING	256

/**
 * struct scard_ccid_quirk - one entry of the quirks table
 * @vid: idVendor
 * @pid: idProduct
 * @bcd_min: lowest bcdDevice the entry applies to
 * @bcd_max: highest bcdDevice the entry applies to
 * @flags: CCID_QUIRK_* (0: none, which overrides a table entry)
 */
struct scard_ccid_quirk {
	u16 vid;
	u16 pid;
	u16 bcd_min;
	u16 bcd_max;
	unsigned long flags;
};

const struct scard_ccid_quirk *
scard_ccid_quirk_find(const struct scard_ccid_quirk *table, size_t n,
		      u16 vid, u16 pid, u16 bcd);
int scard_ccid_quirks_parse(const char *s, struct scard_ccid_quirk *out,
			    size_t max);
int scard_ccid_quirks_names(unsigned long flags, char *buf, size_t size);

#endif /* _SCARD_CCID_QUIRKS_H */
