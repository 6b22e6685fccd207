/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * scard: smart card reader character devices (/dev/scardN).
 *
 * The command numbers and the byte formats exchanged through
 * struct scard_dioc are those of Windows' winsmcrd.h, so that code written
 * against the Windows smart card reader interface carries over. See
 * Documentation/scard/userspace-api.rst.
 */
#ifndef _UAPI_LINUX_SCARD_H
#define _UAPI_LINUX_SCARD_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Names and pcsc-lite. Every name below is winsmcrd.h's, with its value.
 * pcsc-lite's headers (winscard.h, reader.h, ifdhandler.h) define some of
 * the same names, several with other values: the reader states (a bit mask
 * there), SCARD_PROTOCOL_RAW (4 there), SCARD_CTL_CODE. So the names both
 * define are given here twice: always with the prefix SCARD_W_ ("the
 * winsmcrd value"), and under their winsmcrd names unless the program says
 * it uses pcsc-lite's: it defines SCARD_NO_WINSMCRD_NAMES before including
 * this header, or includes pcsc-lite's headers first. Such a program (an
 * IFD handler) takes the attribute tags, whose values are the same, from
 * pcsc-lite's reader.h and uses SCARD_W_* for the rest.
 * Documentation/scard/userspace-api.rst, "Names".
 */
#if !defined(SCARD_NO_WINSMCRD_NAMES) && \
	(defined(__pcsclite_h__) || defined(__reader_h__) || \
	 defined(__winscard_h__))
#define SCARD_NO_WINSMCRD_NAMES
#endif

/*
 * Command numbers: SCARD_W_CTL_CODE(n) = CTL_CODE(FILE_DEVICE_SMARTCARD, n,
 * METHOD_BUFFERED, FILE_ANY_ACCESS). Decoded with Linux's _IOC() layout they
 * read as direction none, type 0x00, size 0x31; the userspace API
 * documentation explains why they collide with no generic VFS ioctl.
 */
#define SCARD_FILE_DEVICE_SMARTCARD	0x31U
#define SCARD_W_CTL_CODE(n)		((SCARD_FILE_DEVICE_SMARTCARD << 16) | \
					 ((__u32)(n) << 2))

#define IOCTL_SMARTCARD_POWER		SCARD_W_CTL_CODE(1)	/* 0x00310004 */
#define IOCTL_SMARTCARD_GET_ATTRIBUTE	SCARD_W_CTL_CODE(2)	/* 0x00310008 */
#define IOCTL_SMARTCARD_SET_ATTRIBUTE	SCARD_W_CTL_CODE(3)	/* 0x0031000C */
#define IOCTL_SMARTCARD_CONFISCATE	SCARD_W_CTL_CODE(4)	/* 0x00310010 */
#define IOCTL_SMARTCARD_TRANSMIT	SCARD_W_CTL_CODE(5)	/* 0x00310014 */
#define IOCTL_SMARTCARD_EJECT		SCARD_W_CTL_CODE(6)	/* 0x00310018 */
#define IOCTL_SMARTCARD_SWALLOW		SCARD_W_CTL_CODE(7)	/* 0x0031001C */
/* 8 (READ) and 9 (WRITE) are obsolete and answered with ENOTTY. */
#define IOCTL_SMARTCARD_IS_PRESENT	SCARD_W_CTL_CODE(10)	/* 0x00310028 */
#define IOCTL_SMARTCARD_IS_ABSENT	SCARD_W_CTL_CODE(11)	/* 0x0031002C */
#define IOCTL_SMARTCARD_SET_PROTOCOL	SCARD_W_CTL_CODE(12)	/* 0x00310030 */
#define IOCTL_SMARTCARD_GET_STATE	SCARD_W_CTL_CODE(14)	/* 0x00310038 */
#define IOCTL_SMARTCARD_GET_LAST_ERROR	SCARD_W_CTL_CODE(15)	/* 0x0031003C */
#define IOCTL_SMARTCARD_GET_PERF_CNTR	SCARD_W_CTL_CODE(16)	/* 0x00310040 */
#define IOCTL_SMARTCARD_GET_FEATURE_REQUEST SCARD_W_CTL_CODE(3400) /* 0x00313520 */
#define IOCTL_CCID_ESCAPE		SCARD_W_CTL_CODE(3500)	/* 0x003136B0 */
/*
 * The PC/SC part 10 features scard performs itself have the code
 * SCARD_W_CTL_CODE(3400 + feature tag); GET_FEATURE_REQUEST lists those a
 * reader has. See struct scard_pin_verify and struct scard_pin_modify.
 */
#define IOCTL_SCARD_VERIFY_PIN_DIRECT	SCARD_W_CTL_CODE(3406)	/* 0x00313538 */
#define IOCTL_SCARD_MODIFY_PIN_DIRECT	SCARD_W_CTL_CODE(3407)	/* 0x0031353C */
#define IOCTL_SCARD_IFD_PIN_PROPERTIES	SCARD_W_CTL_CODE(3410)	/* 0x00313548 */
#define IOCTL_SCARD_GET_TLV_PROPERTIES	SCARD_W_CTL_CODE(3418)	/* 0x00313568 */

/**
 * struct scard_dioc - the argument of every IOCTL_SMARTCARD_* command
 * @in_buf: user pointer to the input bytes (lpvInBuffer), or 0
 * @out_buf: user pointer to the output bytes (lpvOutBuffer), or 0
 * @in_len: number of input bytes (cbInBuffer)
 * @out_len: size of the output buffer (cbOutBuffer)
 * @bytes_returned: written by the driver: bytes stored in @out_buf, or on
 *	EOVERFLOW the output size that would have been needed
 * @flags: must be 0
 *
 * Windows' DeviceIoControl() takes an input and an output buffer; an ioctl
 * takes one pointer, to this block. Its layout is the same for 32-bit and
 * 64-bit processes.
 */
struct scard_dioc {
	__u64 in_buf;
	__u64 out_buf;
	__u32 in_len;
	__u32 out_len;
	__u32 bytes_returned;
	__u32 flags;
};

/* IOCTL_SMARTCARD_POWER minor codes (the __u32 input). */
#define SCARD_POWER_DOWN	0
#define SCARD_COLD_RESET	1
#define SCARD_WARM_RESET	2

/* Protocols: Windows values (pcsc-lite's RAW is 4, ours is 0x10000). */
#define SCARD_W_PROTOCOL_UNDEFINED	0x00000000U
#define SCARD_W_PROTOCOL_T0		0x00000001U
#define SCARD_W_PROTOCOL_T1		0x00000002U
#define SCARD_W_PROTOCOL_RAW		0x00010000U
#define SCARD_W_PROTOCOL_Tx		(SCARD_W_PROTOCOL_T0 | \
					 SCARD_W_PROTOCOL_T1)
#define SCARD_W_PROTOCOL_DEFAULT	0x80000000U
#define SCARD_W_PROTOCOL_OPTIMAL	0x00000000U

/* Reader states returned by IOCTL_SMARTCARD_GET_STATE. */
#define SCARD_W_UNKNOWN		0
#define SCARD_W_ABSENT		1
#define SCARD_W_PRESENT		2
#define SCARD_W_SWALLOWED	3
#define SCARD_W_POWERED		4
#define SCARD_W_NEGOTIABLE	5
#define SCARD_W_SPECIFIC	6

/* Sizes from winsmcrd.h. */
#define SCARD_W_ATR_LENGTH		33
#define SCARD_W_MAXIMUM_ATTR_STRING_LENGTH 32
#define SCARD_T1_MAX_IFS		254

/* Attribute tags: class << 16 | tag. */
#define SCARD_W_ATTR_VALUE(class, tag)	((((__u32)(class)) << 16) | \
					 ((__u32)(tag)))
#define SCARD_CLASS_PERF		0x7FFE
#define SCARD_PERF_NUM_TRANSMISSIONS	SCARD_W_ATTR_VALUE(SCARD_CLASS_PERF, 0x0001)
#define SCARD_PERF_BYTES_TRANSMITTED	SCARD_W_ATTR_VALUE(SCARD_CLASS_PERF, 0x0002)
#define SCARD_PERF_TRANSMISSION_TIME	SCARD_W_ATTR_VALUE(SCARD_CLASS_PERF, 0x0003)

#ifndef SCARD_NO_WINSMCRD_NAMES
#define SCARD_CTL_CODE(n)		SCARD_W_CTL_CODE(n)

#define SCARD_PROTOCOL_UNDEFINED	SCARD_W_PROTOCOL_UNDEFINED
#define SCARD_PROTOCOL_T0		SCARD_W_PROTOCOL_T0
#define SCARD_PROTOCOL_T1		SCARD_W_PROTOCOL_T1
#define SCARD_PROTOCOL_RAW		SCARD_W_PROTOCOL_RAW
#define SCARD_PROTOCOL_Tx		SCARD_W_PROTOCOL_Tx
#define SCARD_PROTOCOL_DEFAULT		SCARD_W_PROTOCOL_DEFAULT
#define SCARD_PROTOCOL_OPTIMAL		SCARD_W_PROTOCOL_OPTIMAL

#define SCARD_UNKNOWN		SCARD_W_UNKNOWN
#define SCARD_ABSENT		SCARD_W_ABSENT
#define SCARD_PRESENT		SCARD_W_PRESENT
#define SCARD_SWALLOWED		SCARD_W_SWALLOWED
#define SCARD_POWERED		SCARD_W_POWERED
#define SCARD_NEGOTIABLE	SCARD_W_NEGOTIABLE
#define SCARD_SPECIFIC		SCARD_W_SPECIFIC

#define SCARD_ATR_LENGTH		SCARD_W_ATR_LENGTH
#define MAXIMUM_ATTR_STRING_LENGTH	SCARD_W_MAXIMUM_ATTR_STRING_LENGTH

/* Attribute classes and tags (GET_ATTRIBUTE / SET_ATTRIBUTE). */
#define SCARD_CLASS_VENDOR_INFO		1
#define SCARD_CLASS_COMMUNICATIONS	2
#define SCARD_CLASS_PROTOCOL		3
#define SCARD_CLASS_POWER_MGMT		4
#define SCARD_CLASS_SECURITY		5
#define SCARD_CLASS_MECHANICAL		6
#define SCARD_CLASS_VENDOR_DEFINED	7
#define SCARD_CLASS_IFD_PROTOCOL	8
#define SCARD_CLASS_ICC_STATE		9
#define SCARD_CLASS_SYSTEM		0x7FFF

#define SCARD_ATTR_VALUE(class, tag)	SCARD_W_ATTR_VALUE(class, tag)

#define SCARD_ATTR_VENDOR_NAME		SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_INFO, 0x0100)
#define SCARD_ATTR_VENDOR_IFD_TYPE	SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_INFO, 0x0101)
#define SCARD_ATTR_VENDOR_IFD_VERSION	SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_INFO, 0x0102)
#define SCARD_ATTR_VENDOR_IFD_SERIAL_NO	SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_INFO, 0x0103)
#define SCARD_ATTR_CHANNEL_ID		SCARD_ATTR_VALUE(SCARD_CLASS_COMMUNICATIONS, 0x0110)
#define SCARD_ATTR_PROTOCOL_TYPES	SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0120)
#define SCARD_ATTR_ASYNC_PROTOCOL_TYPES	SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0120)
#define SCARD_ATTR_DEFAULT_CLK		SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0121)
#define SCARD_ATTR_MAX_CLK		SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0122)
#define SCARD_ATTR_DEFAULT_DATA_RATE	SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0123)
#define SCARD_ATTR_MAX_DATA_RATE	SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0124)
#define SCARD_ATTR_MAX_IFSD		SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0125)
#define SCARD_ATTR_SYNC_PROTOCOL_TYPES	SCARD_ATTR_VALUE(SCARD_CLASS_PROTOCOL, 0x0126)
#define SCARD_ATTR_POWER_MGMT_SUPPORT	SCARD_ATTR_VALUE(SCARD_CLASS_POWER_MGMT, 0x0131)
#define SCARD_ATTR_USER_TO_CARD_AUTH_DEVICE SCARD_ATTR_VALUE(SCARD_CLASS_SECURITY, 0x0140)
#define SCARD_ATTR_USER_AUTH_INPUT_DEVICE SCARD_ATTR_VALUE(SCARD_CLASS_SECURITY, 0x0142)
#define SCARD_ATTR_CHARACTERISTICS	SCARD_ATTR_VALUE(SCARD_CLASS_MECHANICAL, 0x0150)
#define SCARD_ATTR_CURRENT_PROTOCOL_TYPE SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0201)
#define SCARD_ATTR_CURRENT_CLK		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0202)
#define SCARD_ATTR_CURRENT_F		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0203)
#define SCARD_ATTR_CURRENT_D		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0204)
#define SCARD_ATTR_CURRENT_N		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0205)
#define SCARD_ATTR_CURRENT_W		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0206)
#define SCARD_ATTR_CURRENT_IFSC		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0207)
#define SCARD_ATTR_CURRENT_IFSD		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0208)
#define SCARD_ATTR_CURRENT_BWT		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x0209)
#define SCARD_ATTR_CURRENT_CWT		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x020A)
#define SCARD_ATTR_CURRENT_EBC_ENCODING	SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x020B)
#define SCARD_ATTR_EXTENDED_BWT		SCARD_ATTR_VALUE(SCARD_CLASS_IFD_PROTOCOL, 0x020C)
#define SCARD_ATTR_ICC_PRESENCE		SCARD_ATTR_VALUE(SCARD_CLASS_ICC_STATE, 0x0300)
#define SCARD_ATTR_ICC_INTERFACE_STATUS	SCARD_ATTR_VALUE(SCARD_CLASS_ICC_STATE, 0x0301)
#define SCARD_ATTR_CURRENT_IO_STATE	SCARD_ATTR_VALUE(SCARD_CLASS_ICC_STATE, 0x0302)
#define SCARD_ATTR_ATR_STRING		SCARD_ATTR_VALUE(SCARD_CLASS_ICC_STATE, 0x0303)
#define SCARD_ATTR_ICC_TYPE_PER_ATR	SCARD_ATTR_VALUE(SCARD_CLASS_ICC_STATE, 0x0304)
#define SCARD_ATTR_ESC_RESET		SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_DEFINED, 0xA000)
#define SCARD_ATTR_ESC_CANCEL		SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_DEFINED, 0xA003)
#define SCARD_ATTR_ESC_AUTHREQUEST	SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_DEFINED, 0xA005)
#define SCARD_ATTR_MAXINPUT		SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_DEFINED, 0xA007)
#define SCARD_ATTR_VENDOR_SPECIFIC_INFO	SCARD_ATTR_VALUE(SCARD_CLASS_VENDOR_DEFINED, 0xA008)
#define SCARD_ATTR_DEVICE_UNIT		SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0001)
#define SCARD_ATTR_DEVICE_IN_USE	SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0002)
#define SCARD_ATTR_DEVICE_FRIENDLY_NAME_A SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0003)
#define SCARD_ATTR_DEVICE_SYSTEM_NAME_A	SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0004)
#define SCARD_ATTR_DEVICE_FRIENDLY_NAME_W SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0005)
#define SCARD_ATTR_DEVICE_SYSTEM_NAME_W	SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0006)
#define SCARD_ATTR_SUPRESS_T1_IFS_REQUEST SCARD_ATTR_VALUE(SCARD_CLASS_SYSTEM, 0x0007)
#endif /* !SCARD_NO_WINSMCRD_NAMES */

/* SCARD_ATTR_CHANNEL_ID high word and SCARD_ATTR_CHARACTERISTICS bits. */
#define SCARD_READER_TYPE_SERIAL	0x01
#define SCARD_READER_TYPE_PARALELL	0x02
#define SCARD_READER_TYPE_KEYBOARD	0x04
#define SCARD_READER_TYPE_SCSI		0x08
#define SCARD_READER_TYPE_IDE		0x10
#define SCARD_READER_TYPE_USB		0x20
#define SCARD_READER_TYPE_PCMCIA	0x40
#define SCARD_READER_TYPE_TPM		0x80
#define SCARD_READER_TYPE_NFC		0x100
#define SCARD_READER_TYPE_UICC		0x200
#define SCARD_READER_TYPE_NGC		0x400
#define SCARD_READER_TYPE_EMBEDDEDSE	0x800
#define SCARD_READER_TYPE_VENDOR	0xF0

#define SCARD_READER_SWALLOWS		0x1
#define SCARD_READER_EJECTS		0x2
#define SCARD_READER_CONFISCATES	0x4
#define SCARD_READER_CONTACTLESS	0x8

/**
 * struct scard_io_request - SCARD_IO_REQUEST, the TRANSMIT header
 * @protocol: SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1, equal to the selected one
 * @pci_length: sizeof(struct scard_io_request), i.e. 8
 *
 * TRANSMIT's input is this header followed by the command bytes; its output
 * is the same header followed by the response bytes.
 */
struct scard_io_request {
	__u32 protocol;
	__u32 pci_length;
};

/**
 * struct scard_perf_cntr - IOCTL_SMARTCARD_GET_PERF_CNTR output
 * @size: written by the driver: the size of the structure it knows
 * @version: SCARD_PERF_CNTR_VERSION
 * @transmissions: completed TRANSMIT operations
 * @bytes_sent: command bytes handed to the card
 * @bytes_received: response bytes received from the card
 * @transmit_time_ns: time spent in the reader during TRANSMIT, in ns
 * @retransmissions: blocks sent again by a transmission protocol
 * @resynchs: T=1 resynchronisations
 * @wtx_requests: waiting time extensions granted to the card
 * @protocol_errors: transmissions that ended in EPROTO
 * @timeouts: transmissions that ended in ETIMEDOUT
 * @resets: successful cold and warm resets
 *
 * Windows publishes no layout for this command, so this one is ours. It is
 * extensible: fields are only ever appended. The output buffer must hold at
 * least SCARD_PERF_CNTR_SIZE_VER0 bytes; the driver fills as much of its own
 * structure as fits and reports that length in bytes_returned.
 */
struct scard_perf_cntr {
	__u32 size;
	__u32 version;
	__u64 transmissions;
	__u64 bytes_sent;
	__u64 bytes_received;
	__u64 transmit_time_ns;
	__u64 retransmissions;
	__u64 resynchs;
	__u64 wtx_requests;
	__u64 protocol_errors;
	__u64 timeouts;
	__u64 resets;
};

#define SCARD_PERF_CNTR_VERSION		1
#define SCARD_PERF_CNTR_SIZE_VER0	88

/* PC/SC part 10 feature tags returned by GET_FEATURE_REQUEST. */
#define SCARD_FEATURE_VERIFY_PIN_DIRECT	0x06
#define SCARD_FEATURE_MODIFY_PIN_DIRECT	0x07
#define SCARD_FEATURE_IFD_PIN_PROPERTIES 0x0A
#define SCARD_FEATURE_GET_TLV_PROPERTIES 0x12
#define SCARD_FEATURE_CCID_ESC_COMMAND	0x13

/**
 * struct scard_feature_tlv - one GET_FEATURE_REQUEST entry (PC/SC part 10)
 * @tag: SCARD_FEATURE_*
 * @length: 4
 * @value: the control code that performs the feature, big-endian
 */
struct scard_feature_tlv {
	__u8 tag;
	__u8 length;
	__u8 value[4];
};

/*
 * IOCTL_SCARD_VERIFY_PIN_DIRECT and IOCTL_SCARD_MODIFY_PIN_DIRECT: the PIN
 * is typed on the reader's keypad, put into the command APDU there and
 * never seen by the host. The input is PC/SC part 10's PIN_VERIFY_STRUCTURE
 * or PIN_MODIFY_STRUCTURE, fields little-endian, followed by the APDU; the
 * output is the card's response (data, SW1 SW2), or SW 64 00 when the
 * user let the reader's timeout pass and 64 01 when the user cancelled.
 */

/* bmFormatString: where and how the PIN digits go into the PIN block. */
#define SCARD_PIN_FMT_UNIT_BYTES	0x80	/* position in bytes, else bits */
#define SCARD_PIN_FMT_POS(f)		(((f) >> 3) & 0x0F)
#define SCARD_PIN_FMT_RIGHT		0x04	/* right justified */
#define SCARD_PIN_FMT_CODING(f)		((f) & 0x03)
#define SCARD_PIN_CODING_BINARY		0	/* one byte per digit, 0x00-0x09 */
#define SCARD_PIN_CODING_BCD		1	/* a nibble per digit */
#define SCARD_PIN_CODING_ASCII		2	/* one byte per digit, '0'-'9' */
/* bmPINBlockString: the size of the PIN length field and of the block. */
#define SCARD_PIN_BLOCK_LEN_BITS(b)	((b) >> 4)
#define SCARD_PIN_BLOCK_SIZE(b)		((b) & 0x0F)	/* bytes; 0: the PIN's */
/* bmPINLengthFormat: where the PIN length goes. */
#define SCARD_PIN_LEN_UNIT_BYTES	0x10	/* position in bytes, else bits */
#define SCARD_PIN_LEN_POS(l)		((l) & 0x0F)
#define SCARD_PIN_LEN_RESERVED		0xE0
/* bEntryValidationCondition. */
#define SCARD_PIN_ENTRY_MAX_SIZE	0x01	/* the maximum size reached */
#define SCARD_PIN_ENTRY_KEY		0x02	/* the validation key pressed */
#define SCARD_PIN_ENTRY_TIMEOUT		0x04	/* the timeout expired */
/* bConfirmPIN (modification). */
#define SCARD_PIN_CONFIRM_NEW		0x01	/* the new PIN entered twice */
#define SCARD_PIN_ENTER_CURRENT		0x02	/* the current PIN entered too */
/* wPINMaxExtraDigit: minimum digits << 8 | maximum digits. */
#define SCARD_PIN_MIN_DIGITS(w)		((w) >> 8)
#define SCARD_PIN_MAX_DIGITS(w)		((w) & 0xFF)

/**
 * struct scard_pin_verify - IOCTL_SCARD_VERIFY_PIN_DIRECT input
 * @timeout: seconds the user has to enter the PIN, 0: the reader's default
 * @timeout2: seconds after the first key (IFD_PIN_PROPERTIES says whether
 *	the reader tells the two apart)
 * @format: bmFormatString, SCARD_PIN_FMT_*
 * @block: bmPINBlockString, SCARD_PIN_BLOCK_*
 * @length_format: bmPINLengthFormat, SCARD_PIN_LEN_*
 * @max_extra_digit: wPINMaxExtraDigit, SCARD_PIN_MIN/MAX_DIGITS()
 * @entry_validation: bEntryValidationCondition, SCARD_PIN_ENTRY_*
 * @n_messages: bNumberMessage: 0, 1 or 0xFF (the reader's default)
 * @lang_id: wLangId of the messages
 * @msg_index: bMsgIndex of the prompt
 * @teo_prologue: bTeoPrologue; scard fills it in (T=1 at the TPDU level)
 * @data_length: ulDataLength, the bytes of the command APDU that follows
 *	the structure (its PIN block a placeholder)
 */
struct scard_pin_verify {
	__u8 timeout;
	__u8 timeout2;
	__u8 format;
	__u8 block;
	__u8 length_format;
	__le16 max_extra_digit;
	__u8 entry_validation;
	__u8 n_messages;
	__le16 lang_id;
	__u8 msg_index;
	__u8 teo_prologue[3];
	__le32 data_length;
} __attribute__((packed));

/**
 * struct scard_pin_modify - IOCTL_SCARD_MODIFY_PIN_DIRECT input
 * @timeout: as in struct scard_pin_verify
 * @timeout2: as in struct scard_pin_verify
 * @format: as in struct scard_pin_verify
 * @block: as in struct scard_pin_verify
 * @length_format: as in struct scard_pin_verify
 * @offset_old: bInsertionOffsetOld, byte offset of the current PIN's block
 *	in the command data (with SCARD_PIN_ENTER_CURRENT)
 * @offset_new: bInsertionOffsetNew, byte offset of the new PIN's block
 * @max_extra_digit: as in struct scard_pin_verify
 * @confirm: bConfirmPIN, SCARD_PIN_CONFIRM_NEW | SCARD_PIN_ENTER_CURRENT
 * @entry_validation: as in struct scard_pin_verify
 * @n_messages: bNumberMessage: 0 to 3 or 0xFF
 * @lang_id: as in struct scard_pin_verify
 * @msg_index: bMsgIndex1..3 of the prompts
 * @teo_prologue: as in struct scard_pin_verify
 * @data_length: as in struct scard_pin_verify
 */
struct scard_pin_modify {
	__u8 timeout;
	__u8 timeout2;
	__u8 format;
	__u8 block;
	__u8 length_format;
	__u8 offset_old;
	__u8 offset_new;
	__le16 max_extra_digit;
	__u8 confirm;
	__u8 entry_validation;
	__u8 n_messages;
	__le16 lang_id;
	__u8 msg_index[3];
	__u8 teo_prologue[3];
	__le32 data_length;
} __attribute__((packed));

/* The structures' sizes: the APDU starts there. */
#define SCARD_PIN_VERIFY_SIZE	19
#define SCARD_PIN_MODIFY_SIZE	24

/**
 * struct scard_pin_properties - IOCTL_SCARD_IFD_PIN_PROPERTIES output
 * @lcd_layout: wLcdLayout: lines << 8 | characters per line, 0: no display
 * @entry_validation: the SCARD_PIN_ENTRY_* conditions the reader supports
 * @timeout2: 1 when the reader tells timeout2 from timeout, else 0
 */
struct scard_pin_properties {
	__le16 lcd_layout;
	__u8 entry_validation;
	__u8 timeout2;
} __attribute__((packed));

/*
 * IOCTL_SCARD_GET_TLV_PROPERTIES output: tag, length, value (little-endian)
 * for each property the reader has (PC/SC part 10 2.6.14).
 */
#define SCARD_PROP_LCD_LAYOUT		0x01	/* __le16 */
#define SCARD_PROP_ENTRY_VALIDATION	0x02	/* __u8 */
#define SCARD_PROP_TIMEOUT2		0x03	/* __u8 */
#define SCARD_PROP_LCD_MAX_CHARACTERS	0x04	/* __le16 */
#define SCARD_PROP_LCD_MAX_LINES	0x05	/* __le16 */
#define SCARD_PROP_MAX_APDU_DATA_SIZE	0x0A	/* __le32, 0: short APDUs only */
#define SCARD_PROP_ID_VENDOR		0x0B	/* __le16 */
#define SCARD_PROP_ID_PRODUCT		0x0C	/* __le16 */

/*
 * scard_vproxy: a reader whose card is played by a user-space process.
 * /dev/scard_vproxy is the control device; SCARD_VPROXY_IOC_NEW_DEV creates
 * a reader and returns a file descriptor. The process holding it reads
 * requests (struct scard_vproxy_msg + payload) and writes one reply per
 * request; it may also write SCARD_VPROXY_CARD_EVENT at any time. Closing
 * the descriptor removes the reader. Documentation/scard/vproxy.rst.
 */

/* Exchange levels (struct scard_vproxy_new_dev.level). */
#define SCARD_VPROXY_LEVEL_CHAR		0
#define SCARD_VPROXY_LEVEL_TPDU		1
#define SCARD_VPROXY_LEVEL_APDU		2
#define SCARD_VPROXY_LEVEL_APDU_EXT	3

/* struct scard_vproxy_new_dev.flags */
#define SCARD_VPROXY_FLAG_CARD_PRESENT	0x1	/* a card is in at creation */
#define SCARD_VPROXY_FLAG_AUTO_PPS	0x2	/* the "reader" does PPS itself */

/**
 * struct scard_vproxy_new_dev - SCARD_VPROXY_IOC_NEW_DEV argument
 * @flags: SCARD_VPROXY_FLAG_*; unknown bits: EOPNOTSUPP
 * @level: SCARD_VPROXY_LEVEL_*
 * @protocols: SCARD_PROTOCOL_T0 and/or SCARD_PROTOCOL_T1
 * @max_ifsd: the reader's maximum IFSD (1..254; 0 means 254)
 * @clock_khz: the card clock the reader runs at (0 means 4000)
 * @timeout_ms: how long the kernel waits for each reply (0 means 5000)
 * @name: the reader's name, NUL-terminated (ifd_type); vendor is "vproxy"
 * @index: out: N of the new /dev/scardN
 * @fd: out: the descriptor the process plays the card through
 * @reserved: must be 0
 */
struct scard_vproxy_new_dev {
	__u32 flags;
	__u32 level;
	__u32 protocols;
	__u32 max_ifsd;
	__u32 clock_khz;
	__u32 timeout_ms;
	__u8 name[32];
	__u32 index;
	__u32 fd;
	__u32 reserved[4];
};

/* 0xB9 is free in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define SCARD_VPROXY_IOC_MAGIC	0xB9
#define SCARD_VPROXY_IOC_NEW_DEV _IOWR(SCARD_VPROXY_IOC_MAGIC, 0x00, \
				       struct scard_vproxy_new_dev)

/* struct scard_vproxy_msg.type: requests from the kernel ... */
#define SCARD_VPROXY_POWER	1	/* arg: SCARD_POWER_*; reply: ATR */
#define SCARD_VPROXY_PARAMS	2	/* payload: struct scard_vproxy_params */
#define SCARD_VPROXY_XFR	3	/* payload: TPDU/block/APDU; reply: its answer */
#define SCARD_VPROXY_SEND	4	/* char level: payload: bytes for the card */
#define SCARD_VPROXY_RECV	5	/* char level: arg: bytes wanted; reply: bytes */
/* ... and messages from the process. */
#define SCARD_VPROXY_CARD_EVENT	0x80	/* arg: 1 inserted, 0 removed; no seq */
#define SCARD_VPROXY_REPLY	0x100	/* ORed into the type of a reply */

/**
 * struct scard_vproxy_msg - header of every message on a vproxy descriptor
 * @type: SCARD_VPROXY_*; a reply carries the request's type |
 *	SCARD_VPROXY_REPLY
 * @seq: request number; a reply repeats it (replies to requests the kernel
 *	no longer waits for are dropped)
 * @len: payload bytes after the header
 * @arg: request argument; in a reply, 0 or a negative errno the kernel
 *	passes on (e.g. -ETIMEDOUT for a mute card)
 * @timeout_us: RECV: how long the first byte may take; other types: 0
 * @char_timeout_us: RECV: how long each further byte may take
 *
 * A request is read() whole (the buffer must hold header and payload, at
 * most SCARD_VPROXY_MAX_MSG bytes); a reply or event is written whole.
 */
struct scard_vproxy_msg {
	__u32 type;
	__u32 seq;
	__u32 len;
	__s32 arg;
	__u32 timeout_us;
	__u32 char_timeout_us;
};

#define SCARD_VPROXY_MAX_MSG	(sizeof(struct scard_vproxy_msg) + 65546)

/**
 * struct scard_vproxy_params - SCARD_VPROXY_PARAMS payload
 * @protocol: SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1
 * @fi: Fi index
 * @di: Di index
 * @n: extra guard time integer
 * @wi: T=0 waiting time integer
 * @ifsc: T=1 IFSC
 * @ifsd: T=1 IFSD
 * @cwi: T=1 CWI
 * @bwi: T=1 BWI
 * @edc_crc: T=1 uses CRC
 * @inverse: the card uses the inverse convention
 * @reserved: 0
 */
struct scard_vproxy_params {
	__u32 protocol;
	__u8 fi;
	__u8 di;
	__u8 n;
	__u8 wi;
	__u8 ifsc;
	__u8 ifsd;
	__u8 cwi;
	__u8 bwi;
	__u8 edc_crc;
	__u8 inverse;
	__u8 reserved[2];
};

/*
 * scard_serial: the tty line discipline for serial readers. scardattach
 * opens the tty, sets its speed and framing, installs the discipline with
 * TIOCSETD (number: scard_serial's module parameter "ldisc", by default
 * SCARD_SERIAL_LDISC_DEFAULT), selects the reader protocol with
 * SCARD_SERIAL_IOC_SET_PROTO, which finds the reader and creates its
 * /dev/scardN, and keeps the tty open: closing it or a hangup removes the
 * reader. Documentation/scard/serial.rst.
 */

/* N_DEVELOPMENT: out of tree the discipline has no number of its own. */
#define SCARD_SERIAL_LDISC_DEFAULT	29

/* SCARD_SERIAL_IOC_SET_PROTO argument. */
#define SCARD_SERIAL_PROTO_TWIN		1	/* GemPC Twin: CCID over serial */
#define SCARD_SERIAL_PROTO_PHOENIX	2	/* ISO 7816-3 direct, reset = RTS */
#define SCARD_SERIAL_PROTO_SMARTMOUSE	3	/* the same, RTS inverted */

/* SCARD_SERIAL_IOC_SET_FLAGS argument (before SET_PROTO). */
#define SCARD_SERIAL_FLAG_CARD_DETECT	0x1	/* direct: CTS low = card in */

/*
 * SCARD_SERIAL_IOC_SET_DIRECT argument (before SET_PROTO): what a direct
 * reader cannot tell. @clock_khz: the card clock of the reader's crystal,
 * 0 for SCARD_SERIAL_DIRECT_CLOCK_DEFAULT (1000 .. 20000). @max_rate: the
 * highest bit rate the serial port runs the card at closely enough
 * (within 1 %), 0 for the initial rate only (clock / 372: no PPS to a
 * higher speed). @reserved: must be zero.
 */
struct scard_serial_direct {
	__u32 clock_khz;
	__u32 max_rate;
	__u32 reserved[2];
};

#define SCARD_SERIAL_DIRECT_CLOCK_DEFAULT	3579	/* 3.579545 MHz */

/* The same magic as vproxy; numbers from 0x10 up. */
#define SCARD_SERIAL_IOC_SET_PROTO	_IOW(SCARD_VPROXY_IOC_MAGIC, 0x10, __u32)
#define SCARD_SERIAL_IOC_GET_DEVICE	_IOR(SCARD_VPROXY_IOC_MAGIC, 0x11, __u32)
#define SCARD_SERIAL_IOC_SET_FLAGS	_IOW(SCARD_VPROXY_IOC_MAGIC, 0x12, __u32)
#define SCARD_SERIAL_IOC_SET_DIRECT	_IOW(SCARD_VPROXY_IOC_MAGIC, 0x13, \
					     struct scard_serial_direct)

#endif /* _UAPI_LINUX_SCARD_H */
