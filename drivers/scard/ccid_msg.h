/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard: USB CCID Rev 1.1 message codec.
 *
 * Pure functions on byte buffers: the 10-byte bulk message header, the
 * PC_to_RDR command builders, the RDR_to_PC response validator, the
 * bError to errno mapping, the class descriptor parser and the
 * NotifySlotChange parser. There is no USB here, so a serial transport
 * (GemPC Twin framing) can reuse it. Lives in scard.ko.
 */
#ifndef _SCARD_CCID_MSG_H
#define _SCARD_CCID_MSG_H

#include <linux/types.h>
#include <linux/scard.h>

#define CCID_HDR_SIZE			10
#define CCID_DESC_SIZE			54
#define CCID_DESC_TYPE			0x21	/* USB_TYPE_CLASS | 0x01 */

/* Largest dwLength we ever build or accept: extended APDU + slack. */
#define CCID_MAX_DATA			(65536 + 10)

/* PC_to_RDR message types (bulk OUT). */
#define CCID_PC_TO_RDR_SET_PARAMETERS	0x61
#define CCID_PC_TO_RDR_ICC_POWER_ON	0x62
#define CCID_PC_TO_RDR_ICC_POWER_OFF	0x63
#define CCID_PC_TO_RDR_GET_SLOT_STATUS	0x65
#define CCID_PC_TO_RDR_SECURE		0x69
#define CCID_PC_TO_RDR_T0_APDU		0x6A
#define CCID_PC_TO_RDR_ESCAPE		0x6B
#define CCID_PC_TO_RDR_GET_PARAMETERS	0x6C
#define CCID_PC_TO_RDR_RESET_PARAMETERS	0x6D
#define CCID_PC_TO_RDR_ICC_CLOCK	0x6E
#define CCID_PC_TO_RDR_XFR_BLOCK	0x6F
#define CCID_PC_TO_RDR_MECHANICAL	0x71
#define CCID_PC_TO_RDR_ABORT		0x72
#define CCID_PC_TO_RDR_SET_DATA_RATE	0x73

/* RDR_to_PC message types (bulk IN). */
#define CCID_RDR_TO_PC_DATA_BLOCK	0x80
#define CCID_RDR_TO_PC_SLOT_STATUS	0x81
#define CCID_RDR_TO_PC_PARAMETERS	0x82
#define CCID_RDR_TO_PC_ESCAPE		0x83
#define CCID_RDR_TO_PC_DATA_RATE	0x84

/* RDR_to_PC messages on the interrupt IN endpoint. */
#define CCID_RDR_TO_PC_NOTIFY_SLOT_CHANGE 0x50
#define CCID_RDR_TO_PC_HARDWARE_ERROR	0x51

/* bHardwareErrorCode of RDR_to_PC_HardwareError. */
#define CCID_HW_ERR_OVERCURRENT		0x01

/* bStatus: bmICCStatus (bits 0-1) and bmCommandStatus (bits 6-7). */
#define CCID_ICC_STATUS_MASK		0x03
#define CCID_ICC_ACTIVE			0x00
#define CCID_ICC_INACTIVE		0x01
#define CCID_ICC_ABSENT			0x02
#define CCID_CMD_STATUS_MASK		0xC0
#define CCID_CMD_OK			0x00
#define CCID_CMD_FAILED			0x40
#define CCID_CMD_TIME_EXTENSION		0x80

/* bError values when bmCommandStatus is "failed". */
#define CCID_ERR_CMD_ABORTED		0xFF
#define CCID_ERR_ICC_MUTE		0xFE
#define CCID_ERR_XFR_PARITY		0xFD
#define CCID_ERR_XFR_OVERRUN		0xFC
#define CCID_ERR_HW_ERROR		0xFB
#define CCID_ERR_BAD_ATR_TS		0xF8
#define CCID_ERR_BAD_ATR_TCK		0xF7
#define CCID_ERR_ICC_PROTOCOL_NOT_SUPPORTED 0xF6
#define CCID_ERR_ICC_CLASS_NOT_SUPPORTED 0xF5
#define CCID_ERR_PROCEDURE_BYTE_CONFLICT 0xF4
#define CCID_ERR_DEACTIVATED_PROTOCOL	0xF3
#define CCID_ERR_BUSY_WITH_AUTO_SEQUENCE 0xF2
#define CCID_ERR_PIN_TIMEOUT		0xF0
#define CCID_ERR_PIN_CANCELLED		0xEF
#define CCID_ERR_CMD_SLOT_BUSY		0xE0
#define CCID_ERR_CMD_NOT_SUPPORTED	0x00

/* bPowerSelect of IccPowerOn. */
#define CCID_POWER_AUTO			0x00
#define CCID_POWER_5V			0x01
#define CCID_POWER_3V			0x02
#define CCID_POWER_1V8			0x03

/* bFunction of Mechanical. */
#define CCID_MECH_ACCEPT		0x01
#define CCID_MECH_EJECT			0x02
#define CCID_MECH_CAPTURE		0x03
#define CCID_MECH_LOCK			0x04
#define CCID_MECH_UNLOCK		0x05

/* dwFeatures bits. */
#define CCID_FEAT_AUTO_CONF_ATR		0x00000002
#define CCID_FEAT_AUTO_ACTIVATION	0x00000004
#define CCID_FEAT_AUTO_VOLTAGE		0x00000008
#define CCID_FEAT_AUTO_CLOCK		0x00000010
#define CCID_FEAT_AUTO_BAUD		0x00000020
#define CCID_FEAT_AUTO_PARAM_NEG	0x00000040
#define CCID_FEAT_AUTO_PPS		0x00000080
#define CCID_FEAT_CLOCK_STOP		0x00000100
#define CCID_FEAT_NAD			0x00000200
#define CCID_FEAT_AUTO_IFSD		0x00000400
#define CCID_FEAT_LEVEL_MASK		0x00070000
#define CCID_FEAT_LEVEL_CHAR		0x00000000
#define CCID_FEAT_LEVEL_TPDU		0x00010000
#define CCID_FEAT_LEVEL_APDU		0x00020000
#define CCID_FEAT_LEVEL_APDU_EXT	0x00040000
#define CCID_FEAT_USB_WAKEUP		0x00100000

/* Class-specific control requests (interface recipient). */
#define CCID_REQ_ABORT			0x01
#define CCID_REQ_GET_CLOCK_FREQUENCIES	0x02
#define CCID_REQ_GET_DATA_RATES		0x03

/* bChainParameter / wLevelParameter for APDU-level chaining. */
#define CCID_CHAIN_NONE			0x00
#define CCID_CHAIN_BEGIN		0x01
#define CCID_CHAIN_END			0x02
#define CCID_CHAIN_CONTINUE		0x03
#define CCID_CHAIN_EMPTY		0x10

/* Protocol data structure sizes of SetParameters / Parameters. */
#define CCID_PARAMS_T0_SIZE		5
#define CCID_PARAMS_T1_SIZE		7

/**
 * struct ccid_hdr - the 10-byte header of every bulk message
 * @type: bMessageType
 * @length: dwLength, the number of bytes after the header
 * @slot: bSlot
 * @seq: bSeq
 * @param: three message-specific bytes (bStatus, bError, ... for RDR_to_PC)
 */
struct ccid_hdr {
	u8 type;
	__le32 length;
	u8 slot;
	u8 seq;
	u8 param[3];
} __packed;

/**
 * struct scard_ccid_desc - a parsed CCID class descriptor, host byte order
 * @bcd_ccid: bcdCCID
 * @max_slot_index: bMaxSlotIndex (number of slots - 1)
 * @voltage_support: bVoltageSupport
 * @protocols: dwProtocols (bit 0 T=0, bit 1 T=1)
 * @default_clock: dwDefaultClock, kHz
 * @max_clock: dwMaximumClock, kHz
 * @num_clocks: bNumClockSupported
 * @data_rate: dwDataRate, bps
 * @max_data_rate: dwMaxDataRate, bps
 * @num_data_rates: bNumDataRatesSupported
 * @max_ifsd: dwMaxIFSD
 * @synch_protocols: dwSynchProtocols
 * @mechanical: dwMechanical
 * @features: dwFeatures
 * @max_msg_len: dwMaxCCIDMessageLength (header included)
 * @class_get_response: bClassGetResponse
 * @class_envelope: bClassEnvelope
 * @lcd_layout: wLcdLayout
 * @pin_support: bPINSupport
 * @max_busy_slots: bMaxCCIDBusySlots
 * @level: exchange level decoded from @features
 */
struct scard_ccid_desc {
	u16 bcd_ccid;
	u8 max_slot_index;
	u8 voltage_support;
	u32 protocols;
	u32 default_clock;
	u32 max_clock;
	u8 num_clocks;
	u32 data_rate;
	u32 max_data_rate;
	u8 num_data_rates;
	u32 max_ifsd;
	u32 synch_protocols;
	u32 mechanical;
	u32 features;
	u32 max_msg_len;
	u8 class_get_response;
	u8 class_envelope;
	u16 lcd_layout;
	u8 pin_support;
	u8 max_busy_slots;
	enum scard_level level;
};

/**
 * struct scard_ccid_resp - a validated RDR_to_PC bulk message
 * @type: bMessageType
 * @slot: bSlot
 * @seq: bSeq
 * @status: bStatus
 * @icc_status: bmICCStatus (CCID_ICC_*)
 * @cmd_status: bmCommandStatus (CCID_CMD_*)
 * @error: bError (time extension multiplier when @cmd_status is
 *	CCID_CMD_TIME_EXTENSION)
 * @specific: byte 9: bChainParameter, bClockStatus or bProtocolNum
 * @data: the message data, inside the buffer that was parsed
 * @data_len: number of bytes at @data
 */
struct scard_ccid_resp {
	u8 type;
	u8 slot;
	u8 seq;
	u8 status;
	u8 icc_status;
	u8 cmd_status;
	u8 error;
	u8 specific;
	const u8 *data;
	size_t data_len;
};

int scard_ccid_parse_desc(struct scard_ccid_desc *desc, const u8 *buf,
			  size_t len);
enum scard_level scard_ccid_features_level(u32 features);

int scard_ccid_build_icc_power_on(u8 *buf, size_t size, u8 slot, u8 seq,
				  u8 power_select);
int scard_ccid_build_icc_power_off(u8 *buf, size_t size, u8 slot, u8 seq);
int scard_ccid_build_get_slot_status(u8 *buf, size_t size, u8 slot, u8 seq);
int scard_ccid_build_xfr_block(u8 *buf, size_t size, u8 slot, u8 seq,
			       u8 bwi, u16 level_param, const u8 *data,
			       size_t len);
int scard_ccid_build_get_parameters(u8 *buf, size_t size, u8 slot, u8 seq);
int scard_ccid_build_reset_parameters(u8 *buf, size_t size, u8 slot, u8 seq);
int scard_ccid_build_set_parameters(u8 *buf, size_t size, u8 slot, u8 seq,
				    const struct scard_params *params,
				    bool inverse);
int scard_ccid_build_escape(u8 *buf, size_t size, u8 slot, u8 seq,
			    const u8 *data, size_t len);
int scard_ccid_build_secure(u8 *buf, size_t size, u8 slot, u8 seq,
			    const struct scard_pin_op *op);
int scard_ccid_build_abort(u8 *buf, size_t size, u8 slot, u8 seq);
int scard_ccid_build_set_data_rate(u8 *buf, size_t size, u8 slot, u8 seq,
				   u32 clock_khz, u32 rate_bps);
int scard_ccid_build_mechanical(u8 *buf, size_t size, u8 slot, u8 seq,
				u8 function);

u8 scard_ccid_response_type(u8 req_type);
int scard_ccid_error_to_errno(u8 error, u8 icc_status);
int scard_ccid_parse_response(struct scard_ccid_resp *resp, const u8 *buf,
			      size_t len, u8 req_type, u8 slot, u8 seq);
bool scard_ccid_pin_sw(const struct scard_ccid_resp *resp, u8 sw[2]);
int scard_ccid_icc_active(const struct scard_ccid_resp *resp);
int scard_ccid_copy_data(const struct scard_ccid_resp *resp, u8 *rx,
			 size_t rx_size, size_t *rx_len);

int scard_ccid_parse_slot_change(const u8 *buf, size_t len,
				 unsigned int nslots, u32 *present,
				 u32 *changed);
int scard_ccid_parse_hardware_error(const u8 *buf, size_t len,
				    unsigned int nslots, u8 *slot, u8 *code);

unsigned int scard_ccid_wait_ms(const struct scard_params *params,
				u32 clock_khz);

#endif /* _SCARD_CCID_MSG_H */
