// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite scard_ccid_msg: the CCID message codec (drivers/scard/
 * ccid_msg.c). The class descriptor is the one QEMU 7.2's usb-ccid ships
 * (dumped from Debian's qemu-system-x86_64); the quirky messages are the
 * ones its 7.2-era code sends.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/scard.h>
#include <linux/string.h>

#include "../ccid_msg.h"
#include "scard_kunit.h"

static const u8 qemu_desc[CCID_DESC_SIZE] = {
	0x36, 0x21, 0x10, 0x01, 0x00, 0x07, 0x01, 0x00, 0x00, 0x00,
	0xa0, 0x0f, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x80,
	0x25, 0x00, 0x00, 0x00, 0xc2, 0x01, 0x00, 0x00, 0xfe, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xfe, 0x04, 0x01, 0x00, 0x12, 0x00, 0x01, 0x00, 0xff, 0xff,
	0x00, 0x00, 0x01, 0x01,
};

/* Descriptor */

static void scard_ccid_msg_parse_desc_qemu(struct kunit *test)
{
	struct scard_ccid_desc d;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_desc(&d, qemu_desc,
						    sizeof(qemu_desc)), 0);
	KUNIT_EXPECT_EQ(test, d.bcd_ccid, 0x0110);
	KUNIT_EXPECT_EQ(test, d.max_slot_index, 0);
	KUNIT_EXPECT_EQ(test, d.voltage_support, 0x07);
	KUNIT_EXPECT_EQ(test, d.protocols, 0x00000001);
	KUNIT_EXPECT_EQ(test, d.default_clock, 4000);
	KUNIT_EXPECT_EQ(test, d.max_clock, 65536);
	KUNIT_EXPECT_EQ(test, d.num_clocks, 0);
	KUNIT_EXPECT_EQ(test, d.data_rate, 9600);
	KUNIT_EXPECT_EQ(test, d.max_data_rate, 115200);
	KUNIT_EXPECT_EQ(test, d.num_data_rates, 0);
	KUNIT_EXPECT_EQ(test, d.max_ifsd, 254);
	KUNIT_EXPECT_EQ(test, d.synch_protocols, 0);
	KUNIT_EXPECT_EQ(test, d.mechanical, 0);
	KUNIT_EXPECT_EQ(test, d.features, 0x000104FE);
	KUNIT_EXPECT_EQ(test, d.max_msg_len, 65554);
	KUNIT_EXPECT_EQ(test, d.class_get_response, 0xFF);
	KUNIT_EXPECT_EQ(test, d.class_envelope, 0xFF);
	KUNIT_EXPECT_EQ(test, d.lcd_layout, 0);
	KUNIT_EXPECT_EQ(test, d.pin_support, 0x01);
	KUNIT_EXPECT_EQ(test, d.max_busy_slots, 1);
}

static void scard_ccid_msg_parse_desc_qemu_tpdu_t0(struct kunit *test)
{
	struct scard_ccid_desc d;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_desc(&d, qemu_desc,
						    sizeof(qemu_desc)), 0);
	KUNIT_EXPECT_EQ(test, d.level, SCARD_LEVEL_TPDU);
	KUNIT_EXPECT_EQ(test, d.protocols & SCARD_PROTOCOL_Tx,
			SCARD_PROTOCOL_T0);
	KUNIT_EXPECT_TRUE(test, d.features & CCID_FEAT_AUTO_PPS);
}

static void scard_ccid_msg_parse_desc_truncated(struct kunit *test)
{
	struct scard_ccid_desc d;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_desc(&d, qemu_desc,
						    CCID_DESC_SIZE - 1),
			-EINVAL);
}

static void scard_ccid_msg_parse_desc_short_blength(struct kunit *test)
{
	u8 buf[CCID_DESC_SIZE];
	struct scard_ccid_desc d;

	memcpy(buf, qemu_desc, sizeof(buf));
	buf[0] = CCID_DESC_SIZE - 1;
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_desc(&d, buf, sizeof(buf)),
			-EINVAL);
}

static void scard_ccid_msg_parse_desc_blength_beyond_buffer(struct kunit *test)
{
	u8 buf[CCID_DESC_SIZE];
	struct scard_ccid_desc d;

	memcpy(buf, qemu_desc, sizeof(buf));
	buf[0] = CCID_DESC_SIZE + 1;
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_desc(&d, buf, sizeof(buf)),
			-EINVAL);
}

static void scard_ccid_msg_parse_desc_wrong_type(struct kunit *test)
{
	u8 buf[CCID_DESC_SIZE];
	struct scard_ccid_desc d;

	memcpy(buf, qemu_desc, sizeof(buf));
	buf[1] = 0x24;	/* CS_INTERFACE, not CCID */
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_desc(&d, buf, sizeof(buf)),
			-EINVAL);
}

static void scard_ccid_msg_parse_desc_multi_slot(struct kunit *test)
{
	u8 buf[CCID_DESC_SIZE];
	struct scard_ccid_desc d;

	memcpy(buf, qemu_desc, sizeof(buf));
	buf[4] = 3;				/* four slots */
	buf[6] = 0x03;				/* T=0 and T=1 */
	buf[40] = 0xBA; buf[41] = 0x02; buf[42] = 0x04; buf[43] = 0x00;
	buf[44] = 0x0F; buf[45] = 0x01; buf[46] = 0x00; buf[47] = 0x00;
	buf[53] = 2;
	KUNIT_ASSERT_EQ(test, scard_ccid_parse_desc(&d, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_EQ(test, d.max_slot_index, 3);
	KUNIT_EXPECT_EQ(test, d.protocols, SCARD_PROTOCOL_Tx);
	KUNIT_EXPECT_EQ(test, d.features, 0x000402BA);
	KUNIT_EXPECT_EQ(test, d.level, SCARD_LEVEL_APDU_EXT);
	KUNIT_EXPECT_EQ(test, d.max_msg_len, 271);
	KUNIT_EXPECT_EQ(test, d.max_busy_slots, 2);
}

static void scard_ccid_msg_features_level_each(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, scard_ccid_features_level(0x000000FE),
			SCARD_LEVEL_CHAR);
	KUNIT_EXPECT_EQ(test, scard_ccid_features_level(0x000100FE),
			SCARD_LEVEL_TPDU);
	KUNIT_EXPECT_EQ(test, scard_ccid_features_level(0x000200FE),
			SCARD_LEVEL_APDU);
	KUNIT_EXPECT_EQ(test, scard_ccid_features_level(0x000400FE),
			SCARD_LEVEL_APDU_EXT);
}

/* Builders */

static void expect_msg(struct kunit *test, const u8 *buf, int ret,
		       const u8 *want, size_t len)
{
	KUNIT_ASSERT_EQ(test, ret, (int)len);
	KUNIT_EXPECT_MEMEQ(test, buf, want, len);
}

#define EXPECT_MSG(test, buf, ret, ...)					\
	expect_msg(test, buf, ret, (const u8[]){ __VA_ARGS__ },		\
		   sizeof((const u8[]){ __VA_ARGS__ }))

static void scard_ccid_msg_build_icc_power_on_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_icc_power_on(buf, sizeof(buf), 2, 0x17,
					    CCID_POWER_AUTO);
	EXPECT_MSG(test, buf, ret,
		   0x62, 0, 0, 0, 0, 0x02, 0x17, 0x00, 0, 0);
	ret = scard_ccid_build_icc_power_on(buf, sizeof(buf), 0, 0xFF,
					    CCID_POWER_1V8);
	EXPECT_MSG(test, buf, ret,
		   0x62, 0, 0, 0, 0, 0x00, 0xFF, 0x03, 0, 0);
}

static void scard_ccid_msg_build_icc_power_off_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_icc_power_off(buf, sizeof(buf), 1, 0x42);
	EXPECT_MSG(test, buf, ret, 0x63, 0, 0, 0, 0, 0x01, 0x42, 0, 0, 0);
}

static void scard_ccid_msg_build_get_slot_status_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_get_slot_status(buf, sizeof(buf), 7, 0x80);
	EXPECT_MSG(test, buf, ret, 0x65, 0, 0, 0, 0, 0x07, 0x80, 0, 0, 0);
}

static void scard_ccid_msg_build_xfr_block_bytes(struct kunit *test)
{
	static const u8 apdu[] = { 0x00, 0xA4, 0x04, 0x00 };
	u8 buf[32];
	int ret;

	ret = scard_ccid_build_xfr_block(buf, sizeof(buf), 0, 0x05, 0x02,
					 0x1234, apdu, sizeof(apdu));
	EXPECT_MSG(test, buf, ret,
		   0x6F, 0x04, 0, 0, 0, 0x00, 0x05, 0x02, 0x34, 0x12,
		   0x00, 0xA4, 0x04, 0x00);
}

static void scard_ccid_msg_build_xfr_block_long_length(struct kunit *test)
{
	u8 *data, *buf;
	int ret;

	data = kunit_kzalloc(test, 300, GFP_KERNEL);
	buf = kunit_kzalloc(test, 310, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	data[299] = 0x5A;
	ret = scard_ccid_build_xfr_block(buf, 310, 0, 1, 0, 0, data, 300);
	KUNIT_ASSERT_EQ(test, ret, 310);
	KUNIT_EXPECT_EQ(test, buf[1], 0x2C);
	KUNIT_EXPECT_EQ(test, buf[2], 0x01);
	KUNIT_EXPECT_EQ(test, buf[3], 0x00);
	KUNIT_EXPECT_EQ(test, buf[4], 0x00);
	KUNIT_EXPECT_EQ(test, buf[309], 0x5A);
}

static void scard_ccid_msg_build_xfr_block_too_small(struct kunit *test)
{
	static const u8 apdu[] = { 0x00, 0xA4, 0x04, 0x00, 0x00 };
	u8 buf[14];

	KUNIT_EXPECT_EQ(test, scard_ccid_build_xfr_block(buf, sizeof(buf), 0,
							 1, 0, 0, apdu,
							 sizeof(apdu)),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, scard_ccid_build_get_slot_status(buf, 9, 0, 1),
			-EMSGSIZE);
}

static void scard_ccid_msg_build_get_parameters_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_get_parameters(buf, sizeof(buf), 0, 9);
	EXPECT_MSG(test, buf, ret, 0x6C, 0, 0, 0, 0, 0x00, 0x09, 0, 0, 0);
}

static void scard_ccid_msg_build_reset_parameters_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_reset_parameters(buf, sizeof(buf), 3, 10);
	EXPECT_MSG(test, buf, ret, 0x6D, 0, 0, 0, 0, 0x03, 0x0A, 0, 0, 0);
}

static void scard_ccid_msg_build_set_parameters_t0(struct kunit *test)
{
	const struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T0, .fi = 1, .di = 8, .n = 2,
		.wi = 10, .clock_stop = 3,
	};
	u8 buf[32];
	int ret;

	ret = scard_ccid_build_set_parameters(buf, sizeof(buf), 0, 0x20, &p,
					      false);
	EXPECT_MSG(test, buf, ret,
		   0x61, 0x05, 0, 0, 0, 0x00, 0x20, 0x00, 0, 0,
		   0x18, 0x00, 0x02, 0x0A, 0x03);
	ret = scard_ccid_build_set_parameters(buf, sizeof(buf), 0, 0x21, &p,
					      true);
	EXPECT_MSG(test, buf, ret,
		   0x61, 0x05, 0, 0, 0, 0x00, 0x21, 0x00, 0, 0,
		   0x18, 0x02, 0x02, 0x0A, 0x03);
}

static void scard_ccid_msg_build_set_parameters_t1(struct kunit *test)
{
	const struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T1, .fi = 9, .di = 4, .n = 0xFF,
		.ifsc = 0xFE, .cwi = 5, .bwi = 7, .edc_crc = true,
	};
	u8 buf[32];
	int ret;

	ret = scard_ccid_build_set_parameters(buf, sizeof(buf), 1, 0x30, &p,
					      false);
	EXPECT_MSG(test, buf, ret,
		   0x61, 0x07, 0, 0, 0, 0x01, 0x30, 0x01, 0, 0,
		   0x94, 0x11, 0xFF, 0x75, 0x00, 0xFE, 0x00);
}

static void scard_ccid_msg_build_set_parameters_bad_protocol(struct kunit *test)
{
	const struct scard_params p = { .protocol = SCARD_PROTOCOL_RAW };
	u8 buf[32];

	KUNIT_EXPECT_EQ(test, scard_ccid_build_set_parameters(buf, sizeof(buf),
							      0, 0, &p, false),
			-EINVAL);
}

static void scard_ccid_msg_build_escape_bytes(struct kunit *test)
{
	static const u8 cmd[] = { 0x01, 0x10, 0x20 };
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_escape(buf, sizeof(buf), 0, 0x44, cmd,
				      sizeof(cmd));
	EXPECT_MSG(test, buf, ret,
		   0x6B, 0x03, 0, 0, 0, 0x00, 0x44, 0, 0, 0,
		   0x01, 0x10, 0x20);
}

static void scard_ccid_msg_build_abort_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_abort(buf, sizeof(buf), 1, 0x99);
	EXPECT_MSG(test, buf, ret, 0x72, 0, 0, 0, 0, 0x01, 0x99, 0, 0, 0);
}

static void scard_ccid_msg_build_set_data_rate_bytes(struct kunit *test)
{
	u8 buf[18];
	int ret;

	ret = scard_ccid_build_set_data_rate(buf, sizeof(buf), 2, 0x21, 4000,
					     62500);
	EXPECT_MSG(test, buf, ret, 0x73, 0x08, 0, 0, 0, 0x02, 0x21, 0, 0, 0,
		   0xa0, 0x0f, 0, 0, 0x24, 0xf4, 0, 0);
	KUNIT_EXPECT_EQ(test, scard_ccid_build_set_data_rate(buf, 17, 0, 0, 1,
							     1), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_SET_DATA_RATE),
			CCID_RDR_TO_PC_DATA_RATE);
}

static void scard_ccid_msg_build_mechanical_bytes(struct kunit *test)
{
	u8 buf[16];
	int ret;

	ret = scard_ccid_build_mechanical(buf, sizeof(buf), 0, 0x03,
					  CCID_MECH_EJECT);
	EXPECT_MSG(test, buf, ret, 0x71, 0, 0, 0, 0, 0x00, 0x03, 0x02, 0, 0);
}

/* Responses */

/* DataBlock for slot 0, seq 7: ATR of libcacard's CAC card + trailing. */
static const u8 data_block[] = {
	0x80, 0x04, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x90, 0x00, 0x61, 0x0D,
};

static void scard_ccid_msg_parse_response_data_block(struct kunit *test)
{
	struct scard_ccid_resp r;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_response(&r, data_block,
							sizeof(data_block),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 7), 0);
	KUNIT_EXPECT_EQ(test, r.type, CCID_RDR_TO_PC_DATA_BLOCK);
	KUNIT_EXPECT_EQ(test, r.icc_status, CCID_ICC_ACTIVE);
	KUNIT_EXPECT_EQ(test, r.cmd_status, CCID_CMD_OK);
	KUNIT_EXPECT_EQ(test, r.data_len, 4);
	KUNIT_EXPECT_PTR_EQ(test, r.data, &data_block[CCID_HDR_SIZE]);
}

static void scard_ccid_msg_parse_response_trailing_ignored(struct kunit *test)
{
	struct scard_ccid_resp r;
	u8 buf[sizeof(data_block)];

	memcpy(buf, data_block, sizeof(buf));
	buf[1] = 2;	/* two of the four bytes belong to the message */
	KUNIT_ASSERT_EQ(test, scard_ccid_parse_response(&r, buf, sizeof(buf),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 7), 0);
	KUNIT_EXPECT_EQ(test, r.data_len, 2);
}

static void scard_ccid_msg_parse_response_wrong_seq(struct kunit *test)
{
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, data_block,
							sizeof(data_block),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 8), -EAGAIN);
	KUNIT_EXPECT_EQ(test, r.seq, 7);
}

static void scard_ccid_msg_parse_response_wrong_slot(struct kunit *test)
{
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, data_block,
							sizeof(data_block),
							CCID_PC_TO_RDR_XFR_BLOCK,
							1, 7), -EPROTO);
}

static void scard_ccid_msg_parse_response_wrong_type(struct kunit *test)
{
	struct scard_ccid_resp r;

	/* A DataBlock does not answer GetParameters. */
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, data_block,
							sizeof(data_block),
							CCID_PC_TO_RDR_GET_PARAMETERS,
							0, 7), -EPROTO);
}

static void scard_ccid_msg_parse_response_unknown_request(struct kunit *test)
{
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, data_block,
							sizeof(data_block),
							0x42, 0, 7), -EPROTO);
}

static void scard_ccid_msg_parse_response_truncated_header(struct kunit *test)
{
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, data_block,
							CCID_HDR_SIZE - 1,
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 7), -EPROTO);
}

static void scard_ccid_msg_parse_response_length_beyond_data(struct kunit *test)
{
	struct scard_ccid_resp r;
	u8 buf[sizeof(data_block)];

	memcpy(buf, data_block, sizeof(buf));
	buf[1] = 5;	/* one byte more than received */
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, buf, sizeof(buf),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 7), -EPROTO);
	buf[1] = 0;
	buf[4] = 0x80;	/* absurd: 2 GiB */
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, buf, sizeof(buf),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 7), -EPROTO);
}

static void scard_ccid_msg_parse_response_reserved_status(struct kunit *test)
{
	struct scard_ccid_resp r;
	u8 buf[sizeof(data_block)];

	memcpy(buf, data_block, sizeof(buf));
	buf[7] = 0xC0;
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, buf, sizeof(buf),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 7), -EPROTO);
}

/* QEMU 7.2: dwLength 0, bProtocolNum in byte 9, the union after it. */
static void scard_ccid_msg_parse_response_qemu_parameters_t0(struct kunit *test)
{
	static const u8 msg[] = {
		0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
		0x11, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_SET_PARAMETERS,
							0, 3), 0);
	KUNIT_EXPECT_EQ(test, r.specific, 0);
	KUNIT_EXPECT_EQ(test, r.data_len, CCID_PARAMS_T0_SIZE);
	KUNIT_EXPECT_EQ(test, r.data[0], 0x11);
	KUNIT_EXPECT_EQ(test, r.data[3], 0x0A);
}

static void scard_ccid_msg_parse_response_qemu_parameters_t1(struct kunit *test)
{
	static const u8 msg[] = {
		0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x01,
		0x11, 0x10, 0x00, 0x4D, 0x00, 0xFE, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_GET_PARAMETERS,
							0, 4), 0);
	KUNIT_EXPECT_EQ(test, r.specific, 1);
	KUNIT_EXPECT_EQ(test, r.data_len, CCID_PARAMS_T1_SIZE);
	KUNIT_EXPECT_EQ(test, r.data[5], 0xFE);
}

static void scard_ccid_msg_parse_response_parameters_exact(struct kunit *test)
{
	static const u8 msg[] = {
		0x82, 0x05, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x11, 0x00, 0x00, 0x0A, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_RESET_PARAMETERS,
							0, 5), 0);
	KUNIT_EXPECT_EQ(test, r.data_len, 5);
}

static void scard_ccid_msg_parse_response_time_extension(struct kunit *test)
{
	static const u8 msg[] = {
		0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x80, 0x03, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 9), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, r.cmd_status, CCID_CMD_TIME_EXTENSION);
	KUNIT_EXPECT_EQ(test, r.error, 3);
}

/* QEMU 7.2: IccPowerOn without a card fails with ICC_MUTE, ATR attached. */
static void scard_ccid_msg_parse_response_qemu_power_on_no_card(struct kunit *test)
{
	static const u8 msg[] = {
		0x80, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x42, 0xFE, 0x00,
		0x3B, 0xD5, 0x18, 0xFF,
	};
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_ICC_POWER_ON,
							0, 1), -ENOMEDIUM);
	KUNIT_EXPECT_EQ(test, r.icc_status, CCID_ICC_ABSENT);
}

/* QEMU 7.2: unsupported commands get a failed SlotStatus, bError 0. */
static void scard_ccid_msg_parse_response_qemu_escape_unsupported(struct kunit *test)
{
	static const u8 msg[] = {
		0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x40, 0x00, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_ESCAPE,
							0, 2), -EOPNOTSUPP);
}

static void scard_ccid_msg_parse_response_slot_status_absent(struct kunit *test)
{
	static const u8 msg[] = {
		0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x02, 0x00, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_GET_SLOT_STATUS,
							0, 6), 0);
	KUNIT_EXPECT_EQ(test, r.icc_status, CCID_ICC_ABSENT);
	KUNIT_EXPECT_EQ(test, r.data_len, 0);
}

struct ccid_err_case {
	const char *name;
	u8 error;
	u8 icc_status;
	int err;
};

static const struct ccid_err_case ccid_err_cases[] = {
	{ "aborted", CCID_ERR_CMD_ABORTED, CCID_ICC_ACTIVE, -ECANCELED },
	{ "mute_absent", CCID_ERR_ICC_MUTE, CCID_ICC_ABSENT, -ENOMEDIUM },
	{ "mute_present", CCID_ERR_ICC_MUTE, CCID_ICC_INACTIVE, -ETIMEDOUT },
	{ "mute_active", CCID_ERR_ICC_MUTE, CCID_ICC_ACTIVE, -ETIMEDOUT },
	{ "parity", CCID_ERR_XFR_PARITY, CCID_ICC_ACTIVE, -EPROTO },
	{ "overrun", CCID_ERR_XFR_OVERRUN, CCID_ICC_ACTIVE, -EPROTO },
	{ "hw_error", CCID_ERR_HW_ERROR, CCID_ICC_ACTIVE, -EIO },
	{ "bad_atr_ts", CCID_ERR_BAD_ATR_TS, CCID_ICC_ACTIVE, -EMEDIUMTYPE },
	{ "bad_atr_tck", CCID_ERR_BAD_ATR_TCK, CCID_ICC_ACTIVE, -EMEDIUMTYPE },
	{ "protocol_not_supported", CCID_ERR_ICC_PROTOCOL_NOT_SUPPORTED,
	  CCID_ICC_ACTIVE, -EOPNOTSUPP },
	{ "class_not_supported", CCID_ERR_ICC_CLASS_NOT_SUPPORTED,
	  CCID_ICC_INACTIVE, -EMEDIUMTYPE },
	{ "procedure_byte_conflict", CCID_ERR_PROCEDURE_BYTE_CONFLICT,
	  CCID_ICC_ACTIVE, -EPROTO },
	{ "deactivated_protocol", CCID_ERR_DEACTIVATED_PROTOCOL,
	  CCID_ICC_ACTIVE, -EPROTO },
	{ "busy_auto_sequence", CCID_ERR_BUSY_WITH_AUTO_SEQUENCE,
	  CCID_ICC_ACTIVE, -EBUSY },
	{ "pin_timeout", CCID_ERR_PIN_TIMEOUT, CCID_ICC_ACTIVE, -ETIMEDOUT },
	{ "pin_cancelled", CCID_ERR_PIN_CANCELLED, CCID_ICC_ACTIVE,
	  -ECANCELED },
	{ "slot_busy", CCID_ERR_CMD_SLOT_BUSY, CCID_ICC_ACTIVE, -EBUSY },
	{ "not_supported", CCID_ERR_CMD_NOT_SUPPORTED, CCID_ICC_ACTIVE,
	  -EOPNOTSUPP },
	{ "bad_length_field", 0x01, CCID_ICC_ACTIVE, -EINVAL },
	{ "bad_slot_field", 0x05, CCID_ICC_ACTIVE, -EINVAL },
	{ "vendor", 0xA2, CCID_ICC_ACTIVE, -EIO },
};

static void ccid_err_desc(const struct ccid_err_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ccid_err, ccid_err_cases, ccid_err_desc);

/* A failed DataBlock carrying each bError maps to its errno. */
static void scard_ccid_msg_parse_response_failed(struct kunit *test)
{
	const struct ccid_err_case *c = test->param_value;
	u8 msg[CCID_HDR_SIZE] = {
		0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11,
		CCID_CMD_FAILED | c->icc_status, c->error, 0x00,
	};
	struct scard_ccid_resp r;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_response(&r, msg, sizeof(msg),
							CCID_PC_TO_RDR_XFR_BLOCK,
							0, 0x11), c->err);
	KUNIT_EXPECT_EQ(test, r.error, c->error);
	KUNIT_EXPECT_EQ(test, r.cmd_status, CCID_CMD_FAILED);
}

static void scard_ccid_msg_error_to_errno_each(struct kunit *test)
{
	const struct ccid_err_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, scard_ccid_error_to_errno(c->error,
							c->icc_status),
			c->err);
}

static void scard_ccid_msg_response_type_each(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_ICC_POWER_ON),
			CCID_RDR_TO_PC_DATA_BLOCK);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_XFR_BLOCK),
			CCID_RDR_TO_PC_DATA_BLOCK);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_ICC_POWER_OFF),
			CCID_RDR_TO_PC_SLOT_STATUS);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_GET_SLOT_STATUS),
			CCID_RDR_TO_PC_SLOT_STATUS);
	KUNIT_EXPECT_EQ(test, scard_ccid_response_type(CCID_PC_TO_RDR_ABORT),
			CCID_RDR_TO_PC_SLOT_STATUS);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_MECHANICAL),
			CCID_RDR_TO_PC_SLOT_STATUS);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_SET_PARAMETERS),
			CCID_RDR_TO_PC_PARAMETERS);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_GET_PARAMETERS),
			CCID_RDR_TO_PC_PARAMETERS);
	KUNIT_EXPECT_EQ(test,
			scard_ccid_response_type(CCID_PC_TO_RDR_RESET_PARAMETERS),
			CCID_RDR_TO_PC_PARAMETERS);
	KUNIT_EXPECT_EQ(test, scard_ccid_response_type(CCID_PC_TO_RDR_ESCAPE),
			CCID_RDR_TO_PC_ESCAPE);
	KUNIT_EXPECT_EQ(test, scard_ccid_response_type(0x80), 0);
}

/* NotifySlotChange */

static void scard_ccid_msg_parse_slot_change_qemu_insert(struct kunit *test)
{
	static const u8 msg[] = { 0x50, 0x03 };
	u32 present, changed;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg), 1,
							   &present, &changed),
			0);
	KUNIT_EXPECT_EQ(test, present, 0x1);
	KUNIT_EXPECT_EQ(test, changed, 0x1);
}

static void scard_ccid_msg_parse_slot_change_qemu_remove(struct kunit *test)
{
	static const u8 msg[] = { 0x50, 0x02 };
	u32 present, changed;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg), 1,
							   &present, &changed),
			0);
	KUNIT_EXPECT_EQ(test, present, 0x0);
	KUNIT_EXPECT_EQ(test, changed, 0x1);
}

static void scard_ccid_msg_parse_slot_change_eight_slots(struct kunit *test)
{
	/*
	 * Slots 0-3: 00 01 10 11 (byte 0xE4), slots 4-7: 11 10 01 00
	 * (byte 0x1B); per slot the low bit is "present", the high
	 * "changed".
	 */
	static const u8 msg[] = { 0x50, 0xE4, 0x1B };
	u32 present, changed;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg), 8,
							   &present, &changed),
			0);
	KUNIT_EXPECT_EQ(test, present, 0x5A);
	KUNIT_EXPECT_EQ(test, changed, 0x3C);
}

static void scard_ccid_msg_parse_slot_change_short(struct kunit *test)
{
	static const u8 msg[] = { 0x50, 0xFF };
	u32 present, changed;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg), 5,
							   &present, &changed),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_slot_change(msg, 1, 1,
							   &present, &changed),
			-EPROTO);
}

static void scard_ccid_msg_parse_slot_change_wrong_type(struct kunit *test)
{
	static const u8 msg[] = { 0x51, 0x03 };
	u32 present, changed;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg), 1,
							   &present, &changed),
			-EPROTO);
}

struct hw_error_case {
	const char *name;
	u8 msg[5];
	size_t len;
	unsigned int nslots;
	int ret;
	u8 slot, code;
};

static const struct hw_error_case hw_error_cases[] = {
	{ "overcurrent", { 0x51, 0x00, 0x07, 0x01 }, 4, 1, 0, 0, 0x01 },
	{ "slot_2_of_3", { 0x51, 0x02, 0x00, 0x01 }, 4, 3, 0, 2, 0x01 },
	{ "trailing_byte", { 0x51, 0x00, 0x00, 0x01, 0xAA }, 5, 1, 0, 0, 1 },
	{ "unknown_code", { 0x51, 0x00, 0x00, 0x80 }, 4, 1, 0, 0, 0x80 },
	{ "absent_slot", { 0x51, 0x01, 0x00, 0x01 }, 4, 1, -EPROTO },
	{ "slot_255", { 0x51, 0xFF, 0x00, 0x01 }, 4, 8, -EPROTO },
	{ "short", { 0x51, 0x00, 0x00 }, 3, 1, -EPROTO },
	{ "slot_change", { 0x50, 0x03, 0x00, 0x01 }, 4, 1, -EPROTO },
};

static void hw_error_desc(const struct hw_error_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hw_error, hw_error_cases, hw_error_desc);

/* RDR_to_PC_HardwareError: bSlot and bHardwareErrorCode, or refused. */
static void scard_ccid_msg_parse_hardware_error(struct kunit *test)
{
	const struct hw_error_case *c = test->param_value;
	u8 slot = 0xEE, code = 0xEE;

	KUNIT_ASSERT_EQ(test, scard_ccid_parse_hardware_error(c->msg, c->len,
							      c->nslots, &slot,
							      &code), c->ret);
	if (c->ret)
		return;
	KUNIT_EXPECT_EQ(test, slot, c->slot);
	KUNIT_EXPECT_EQ(test, code, c->code);
}

static void scard_ccid_msg_parse_slot_change_bad_nslots(struct kunit *test)
{
	static const u8 msg[16] = { 0x50 };
	u32 present, changed;

	KUNIT_EXPECT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg), 0,
							   &present, &changed),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scard_ccid_parse_slot_change(msg, sizeof(msg),
							   33, &present,
							   &changed),
			-EINVAL);
}

/* Waiting times: the values of drivers/scard/timing.c, in ms */

static void scard_ccid_msg_wait_ms_t0_default(struct kunit *test)
{
	const struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T0, .fi = 1, .di = 1, .wi = 10,
	};

	/* 10 x 960 x 372 / 4 MHz = 892.8 ms */
	KUNIT_EXPECT_EQ(test, scard_ccid_wait_ms(&p, 4000), 893);
}

static void scard_ccid_msg_wait_ms_t1_bwi4(struct kunit *test)
{
	const struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T1, .fi = 1, .di = 1, .bwi = 4,
	};

	/* (2^4 x 960 x 372 + 11 x 372) / 4 MHz = 1429.5 ms */
	KUNIT_EXPECT_EQ(test, scard_ccid_wait_ms(&p, 4000), 1430);
}

/* BWI goes up to 15 (ISO/IEC 7816-3 11.4.3), not 9. */
static void scard_ccid_msg_wait_ms_t1_bwi12(struct kunit *test)
{
	const struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T1, .fi = 1, .di = 1, .bwi = 12,
	};

	/* (2^12 x 960 x 372 + 11 x 372) / 4 MHz = 365691.9 ms */
	KUNIT_EXPECT_EQ(test, scard_ccid_wait_ms(&p, 4000), 365692);
}

/* The 11 etu of BWT are etu at the Fi/Di in force: F / D clock cycles. */
static void scard_ccid_msg_wait_ms_t1_etu_term(struct kunit *test)
{
	const struct scard_params p = {
		.protocol = SCARD_PROTOCOL_T1, .fi = 9, .di = 5, .bwi = 0,
	};

	/* 11 x 512 / 16 + 960 x 372 cycles = 89.368 ms (not 11 x 512: 91) */
	KUNIT_EXPECT_EQ(test, scard_ccid_wait_ms(&p, 4000), 90);
}

static void scard_ccid_msg_wait_ms_bad_protocol(struct kunit *test)
{
	const struct scard_params p = { .protocol = SCARD_PROTOCOL_RAW };

	KUNIT_EXPECT_EQ(test, scard_ccid_wait_ms(&p, 4000), 0);
}

/* The card state of a successful answer, and its data into a buffer. */
static void scard_ccid_msg_icc_active_and_copy(struct kunit *test)
{
	static const u8 data[] = { 0x90, 0x00, 0x61 };
	struct scard_ccid_resp resp = { .data = data,
					.data_len = sizeof(data) };
	u8 rx[4] = { 0xee, 0xee, 0xee, 0xee };
	size_t len = 0;

	resp.icc_status = CCID_ICC_ACTIVE;
	KUNIT_EXPECT_EQ(test, scard_ccid_icc_active(&resp), 0);
	resp.icc_status = CCID_ICC_INACTIVE;
	KUNIT_EXPECT_EQ(test, scard_ccid_icc_active(&resp), -EIO);
	resp.icc_status = CCID_ICC_ABSENT;
	KUNIT_EXPECT_EQ(test, scard_ccid_icc_active(&resp), -ENOMEDIUM);

	/* Too small: the size needed, nothing copied. */
	KUNIT_EXPECT_EQ(test, scard_ccid_copy_data(&resp, rx, 2, &len),
			-EOVERFLOW);
	KUNIT_EXPECT_EQ(test, len, sizeof(data));
	KUNIT_EXPECT_EQ(test, rx[0], 0xee);
	KUNIT_EXPECT_EQ(test, scard_ccid_copy_data(&resp, rx, sizeof(rx), &len),
			0);
	KUNIT_EXPECT_EQ(test, len, sizeof(data));
	KUNIT_EXPECT_MEMEQ(test, rx, data, sizeof(data));
	KUNIT_EXPECT_EQ(test, rx[3], 0xee);
}

static struct kunit_case scard_ccid_msg_cases[] = {
	KUNIT_CASE(scard_ccid_msg_icc_active_and_copy),
	KUNIT_CASE(scard_ccid_msg_parse_desc_qemu),
	KUNIT_CASE(scard_ccid_msg_parse_desc_qemu_tpdu_t0),
	KUNIT_CASE(scard_ccid_msg_parse_desc_truncated),
	KUNIT_CASE(scard_ccid_msg_parse_desc_short_blength),
	KUNIT_CASE(scard_ccid_msg_parse_desc_blength_beyond_buffer),
	KUNIT_CASE(scard_ccid_msg_parse_desc_wrong_type),
	KUNIT_CASE(scard_ccid_msg_parse_desc_multi_slot),
	KUNIT_CASE(scard_ccid_msg_features_level_each),
	KUNIT_CASE(scard_ccid_msg_build_icc_power_on_bytes),
	KUNIT_CASE(scard_ccid_msg_build_icc_power_off_bytes),
	KUNIT_CASE(scard_ccid_msg_build_get_slot_status_bytes),
	KUNIT_CASE(scard_ccid_msg_build_xfr_block_bytes),
	KUNIT_CASE(scard_ccid_msg_build_xfr_block_long_length),
	KUNIT_CASE(scard_ccid_msg_build_xfr_block_too_small),
	KUNIT_CASE(scard_ccid_msg_build_get_parameters_bytes),
	KUNIT_CASE(scard_ccid_msg_build_reset_parameters_bytes),
	KUNIT_CASE(scard_ccid_msg_build_set_parameters_t0),
	KUNIT_CASE(scard_ccid_msg_build_set_parameters_t1),
	KUNIT_CASE(scard_ccid_msg_build_set_parameters_bad_protocol),
	KUNIT_CASE(scard_ccid_msg_build_escape_bytes),
	KUNIT_CASE(scard_ccid_msg_build_abort_bytes),
	KUNIT_CASE(scard_ccid_msg_build_set_data_rate_bytes),
	KUNIT_CASE(scard_ccid_msg_build_mechanical_bytes),
	KUNIT_CASE(scard_ccid_msg_parse_response_data_block),
	KUNIT_CASE(scard_ccid_msg_parse_response_trailing_ignored),
	KUNIT_CASE(scard_ccid_msg_parse_response_wrong_seq),
	KUNIT_CASE(scard_ccid_msg_parse_response_wrong_slot),
	KUNIT_CASE(scard_ccid_msg_parse_response_wrong_type),
	KUNIT_CASE(scard_ccid_msg_parse_response_unknown_request),
	KUNIT_CASE(scard_ccid_msg_parse_response_truncated_header),
	KUNIT_CASE(scard_ccid_msg_parse_response_length_beyond_data),
	KUNIT_CASE(scard_ccid_msg_parse_response_reserved_status),
	KUNIT_CASE(scard_ccid_msg_parse_response_qemu_parameters_t0),
	KUNIT_CASE(scard_ccid_msg_parse_response_qemu_parameters_t1),
	KUNIT_CASE(scard_ccid_msg_parse_response_parameters_exact),
	KUNIT_CASE(scard_ccid_msg_parse_response_time_extension),
	KUNIT_CASE(scard_ccid_msg_parse_response_qemu_power_on_no_card),
	KUNIT_CASE(scard_ccid_msg_parse_response_qemu_escape_unsupported),
	KUNIT_CASE(scard_ccid_msg_parse_response_slot_status_absent),
	KUNIT_CASE_PARAM(scard_ccid_msg_parse_response_failed,
			 ccid_err_gen_params),
	KUNIT_CASE_PARAM(scard_ccid_msg_error_to_errno_each,
			 ccid_err_gen_params),
	KUNIT_CASE(scard_ccid_msg_response_type_each),
	KUNIT_CASE(scard_ccid_msg_parse_slot_change_qemu_insert),
	KUNIT_CASE(scard_ccid_msg_parse_slot_change_qemu_remove),
	KUNIT_CASE(scard_ccid_msg_parse_slot_change_eight_slots),
	KUNIT_CASE(scard_ccid_msg_parse_slot_change_short),
	KUNIT_CASE(scard_ccid_msg_parse_slot_change_wrong_type),
	KUNIT_CASE_PARAM(scard_ccid_msg_parse_hardware_error,
			 hw_error_gen_params),
	KUNIT_CASE(scard_ccid_msg_parse_slot_change_bad_nslots),
	KUNIT_CASE(scard_ccid_msg_wait_ms_t0_default),
	KUNIT_CASE(scard_ccid_msg_wait_ms_t1_bwi4),
	KUNIT_CASE(scard_ccid_msg_wait_ms_t1_bwi12),
	KUNIT_CASE(scard_ccid_msg_wait_ms_t1_etu_term),
	KUNIT_CASE(scard_ccid_msg_wait_ms_bad_protocol),
	{}
};

struct kunit_suite scard_ccid_msg_suite = {
	.name = "scard_ccid_msg",
	.test_cases = scard_ccid_msg_cases,
};
