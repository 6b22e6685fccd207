// SPDX-License-Identifier: GPL-2.0
/*
 * PIN pad readers: IOCTL_SCARD_VERIFY_PIN_DIRECT, MODIFY_PIN_DIRECT,
 * IFD_PIN_PROPERTIES, GET_TLV_PROPERTIES and GET_FEATURE_REQUEST against
 * ccid-gadget with its keypad (--pin-pad, ccid-gadget-pinpad.c), at the
 * short APDU level and at the TPDU level under T=0 and T=1 (the core
 * fills in the T=1 prologue and checks the card's block). The gadget
 * checks the PC_to_RDR_Secure structure field by field and fails a bad
 * one, so a wrong structure from the driver fails these tests; the card's
 * VERIFY reference 81 answers the APDU's data, so the tests see the PIN
 * block the reader built. Structures the core must refuse never reach
 * the reader (the gadget logs every Secure).
 *
 * Skipped without /dev/raw-gadget or ccid-gadget, as scard_gadget_test.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "scard_gadget.h"

/* VERIFY, reference 80 (the card's PIN, default "1234"). */
#define VERIFY_HDR	0x00, 0x20, 0x00, 0x80
/* VERIFY, reference 81: the card answers the data field. */
#define ECHO_HDR	0x00, 0x20, 0x00, 0x81

/* A short APDU: header, Lc, 255 bytes, Le. */
#define PIN_MAX_APDU	261

/* A PIN_VERIFY_STRUCTURE and its APDU, in one buffer. */
struct verify {
	struct scard_pin_verify s;
	uint8_t apdu[PIN_MAX_APDU];
};

/* ASCII, variable length (no PIN block), 4 to 8 digits, key to end. */
static size_t verify_ascii(struct verify *v, const uint8_t *hdr4)
{
	memset(v, 0, sizeof(*v));
	v->s.timeout = 10;
	v->s.format = 0x82;		/* bytes, position 0, left, ASCII */
	v->s.block = 0x00;
	v->s.length_format = 0x00;
	v->s.max_extra_digit = 0x0408;
	v->s.entry_validation = SCARD_PIN_ENTRY_KEY;
	v->s.n_messages = 1;
	v->s.lang_id = 0x0409;
	memcpy(v->apdu, hdr4, 4);
	v->apdu[4] = 0;			/* Lc: the reader's */
	v->s.data_length = 5;
	return SCARD_PIN_VERIFY_SIZE + 5;
}

/* ISO 9564 format 2: 8-byte block, control nibble 2, length nibble, BCD. */
static size_t verify_iso2(struct verify *v, const uint8_t *hdr4)
{
	static const uint8_t blk[8] = { 0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
					0xFF, 0xFF };

	memset(v, 0, sizeof(*v));
	v->s.timeout = 10;
	v->s.format = 0x89;		/* bytes, position 1, left, BCD */
	v->s.block = 0x48;		/* 4-bit length, 8-byte block */
	v->s.length_format = 0x04;	/* length at bit 4 */
	v->s.max_extra_digit = 0x040C;
	v->s.entry_validation = SCARD_PIN_ENTRY_KEY;
	v->s.n_messages = 0xFF;
	memcpy(v->apdu, hdr4, 4);
	v->apdu[4] = 8;
	memcpy(v->apdu + 5, blk, 8);
	v->s.data_length = 13;
	return SCARD_PIN_VERIFY_SIZE + 13;
}

struct modify {
	struct scard_pin_modify s;
	uint8_t apdu[PIN_MAX_APDU];
};

/* CHANGE REFERENCE DATA: two 8-byte ASCII blocks padded FF, confirmed. */
static size_t modify_ascii(struct modify *m)
{
	static const uint8_t hdr[5] = { 0x00, 0x24, 0x00, 0x80, 16 };

	memset(m, 0, sizeof(*m));
	m->s.timeout = 10;
	m->s.format = 0x82;
	m->s.block = 0x08;
	m->s.max_extra_digit = 0x0408;
	m->s.offset_old = 0;
	m->s.offset_new = 8;
	m->s.confirm = SCARD_PIN_CONFIRM_NEW | SCARD_PIN_ENTER_CURRENT;
	m->s.entry_validation = SCARD_PIN_ENTRY_KEY;
	m->s.n_messages = 3;
	m->s.msg_index[1] = 1;
	m->s.msg_index[2] = 2;
	memcpy(m->apdu, hdr, 5);
	memset(m->apdu + 5, 0xFF, 16);
	m->s.data_length = 21;
	return SCARD_PIN_MODIFY_SIZE + 21;
}

static int pin_ioctl(int fd, uint32_t code, const void *in, size_t len,
		     uint8_t *out, uint32_t *got)
{
	return scard_t_dioc(fd, code, in, len, out, 258, got);
}

FIXTURE(pinpad)
{
	struct gadget g;
	int fd;
	char saved_timeout[32];
	uint32_t proto;
};

FIXTURE_VARIANT(pinpad)
{
	const char *level;
	const char *protocols;
	uint32_t proto;
	const uint8_t *atr;
	size_t atr_len;
};

/* ccid-gadget --protocols t1: TD1 says T=1, TCK. */
static const uint8_t atr_t1[] = { 0x3B, 0x82, 0x01, 0x53, 0x43, 0x93 };

FIXTURE_VARIANT_ADD(pinpad, apdu)
{
	.level = "apdu", .protocols = "t0", .proto = SCARD_PROTOCOL_T0,
	.atr = gadget_atr, .atr_len = sizeof(gadget_atr),
};

FIXTURE_VARIANT_ADD(pinpad, tpdu_t0)
{
	.level = "tpdu", .protocols = "t0", .proto = SCARD_PROTOCOL_T0,
	.atr = gadget_atr, .atr_len = sizeof(gadget_atr),
};

FIXTURE_VARIANT_ADD(pinpad, tpdu_t1)
{
	.level = "tpdu", .protocols = "t1", .proto = SCARD_PROTOCOL_T1,
	.atr = atr_t1, .atr_len = sizeof(atr_t1),
};

FIXTURE_SETUP(pinpad)
{
	self->fd = -1;
	self->g.pid = 0;
	self->saved_timeout[0] = 0;
	self->proto = variant->proto;
}

FIXTURE_TEARDOWN(pinpad)
{
	EXPECT_EQ(0, gadget_finish(&self->g, self->fd,
				     self->saved_timeout));
}

/* The PIN pad gadget (@pin typed, @support its bPINSupport), card ready. */
static void start(struct __test_metadata *_metadata,
		  FIXTURE_DATA(pinpad) *self,
		  const FIXTURE_VARIANT(pinpad) *variant, const char *support,
		  const char *pin)
{
	const char *args[] = { "--level", variant->level, "--protocols",
			       variant->protocols, "--pin-pad", support,
			       "--lcd", "0210", "--pin", pin, NULL };

	ASSERT_EQ(0, gadget_start(&self->g, 1, args));
	self->fd = open_proto(self->g.dev[0], variant->atr, variant->atr_len,
			      variant->proto);
	ASSERT_LE(0, self->fd);
}

/* VERIFY 80 after the PIN pad: what the card says now (90 00: verified). */
static uint16_t card_pin_state(int fd, uint32_t proto)
{
	static const uint8_t v[] = { VERIFY_HDR };
	uint8_t *r = NULL;
	size_t n = 0;
	uint16_t sw = 0;

	if (!xmit(fd, proto, v, sizeof(v), &r, &n) && n == 2)
		sw = r[0] << 8 | r[1];
	free(r);
	return sw;
}

TEST_F(pinpad, verify_ok)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;
	size_t len;

	start(_metadata, self, variant, "3", "1234");
	len = verify_ascii(&v, hdr);
	ASSERT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
			       len, out, &got));
	ASSERT_EQ(2, got);
	EXPECT_EQ(0x90, out[0]);
	EXPECT_EQ(0x00, out[1]);
	EXPECT_TRUE(gadget_saw(&self->g, "pin-apdu 00200080043132333400") ||
		    gadget_saw(&self->g, "pin-apdu 002000800431323334"));
	/* The card's state agrees, and TRANSMIT goes on working (T=1: N(S)). */
	EXPECT_EQ(0x9000, card_pin_state(self->fd, self->proto));
	EXPECT_EQ(0, echo_check(self->fd, self->proto, 20, 0));
}

TEST_F(pinpad, verify_wrong_pin)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;

	start(_metadata, self, variant, "1", "9999");
	ASSERT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
			       verify_ascii(&v, hdr), out, &got));
	ASSERT_EQ(2, got);
	EXPECT_EQ(0x63, out[0]);
	EXPECT_EQ(0xC2, out[1]);
	EXPECT_EQ(0x63C2, card_pin_state(self->fd, self->proto));
	EXPECT_EQ(0, echo_check(self->fd, self->proto, 10, 0));
}

/* The block the reader built, as the card received it. */
TEST_F(pinpad, verify_iso9564_block)
{
	static const uint8_t hdr[4] = { ECHO_HDR };
	static const uint8_t want[] = { 0x24, 0x12, 0x34, 0xFF, 0xFF, 0xFF,
					0xFF, 0xFF, 0x90, 0x00 };
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;

	start(_metadata, self, variant, "1", "1234");
	ASSERT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
			       verify_iso2(&v, hdr), out, &got));
	/* T=0 TPDU: 61 0A, then the core's GET RESPONSE. */
	ASSERT_EQ(sizeof(want), got);
	EXPECT_EQ(0, memcmp(out, want, sizeof(want)));
	EXPECT_EQ(0, echo_check(self->fd, self->proto, 10, 0));
}

TEST_F(pinpad, modify_then_verify_new)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	struct modify m;
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;

	start(_metadata, self, variant, "3", "1234:567890:567890");
	ASSERT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_MODIFY_PIN_DIRECT, &m,
			       modify_ascii(&m), out, &got));
	ASSERT_EQ(2, got);
	EXPECT_EQ(0x90, out[0]);
	EXPECT_EQ(0x00, out[1]);
	/* The old PIN no longer works: "1234" typed again. */
	ASSERT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
			       verify_ascii(&v, hdr), out, &got));
	ASSERT_EQ(2, got);
	EXPECT_EQ(0x63, out[0]);
	EXPECT_EQ(0, echo_check(self->fd, self->proto, 10, 0));
}

/* What the reader answers for the user: PC/SC part 10's 64 xx. */
TEST_F(pinpad, user_outcomes)
{
	static const struct {
		const char *keys;
		uint16_t sw;
	} cases[] = {
		{ "cancel", 0x6401 },
		{ "timeout", 0x6400 },
		{ "12", 0x6403 },		/* shorter than 4 digits */
		{ "1234:5678:5679", 0x6402 },	/* confirmation differs */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct modify m;
		uint8_t out[258];
		uint32_t got = 0;

		start(_metadata, self, variant, "3", cases[i].keys);
		EXPECT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_MODIFY_PIN_DIRECT,
				       &m, modify_ascii(&m), out, &got))
			TH_LOG("%s", cases[i].keys);
		EXPECT_EQ(2, got);
		EXPECT_EQ(cases[i].sw, out[0] << 8 | out[1])
			TH_LOG("%s: %02x %02x", cases[i].keys, out[0], out[1]);
		/* Nothing reached the card: it still takes commands in step. */
		EXPECT_EQ(0, echo_check(self->fd, self->proto, 10, 0));
		EXPECT_EQ(0, gadget_finish(&self->g, self->fd, ""));
		self->fd = -1;
	}
}

/* SIGKILL while the user is (not) typing: the entry is aborted. */
TEST_F(pinpad, sigkill_during_entry)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	struct verify v;
	size_t len = verify_ascii(&v, hdr);
	int st;
	pid_t pid;

	start(_metadata, self, variant, "1", "never");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint8_t out[258];

		pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v, len, out,
			  NULL);
		_exit(0);
	}
	ASSERT_EQ(0, gadget_wait_for(&self->g, "pin-wait", 10));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(0, gadget_wait_for(&self->g, "abort", 5));
	EXPECT_EQ(0, echo_check(self->fd, self->proto, 10, 0));
}

/* GET_FEATURE_REQUEST, IFD_PIN_PROPERTIES and GET_TLV_PROPERTIES. */
TEST_F(pinpad, features_and_properties)
{
	static const uint8_t want_features[] = {
		0x06, 4, 0x00, 0x31, 0x35, 0x38,
		0x07, 4, 0x00, 0x31, 0x35, 0x3C,
		0x0A, 4, 0x00, 0x31, 0x35, 0x48,
		0x12, 4, 0x00, 0x31, 0x35, 0x68,
	};
	struct scard_pin_properties p;
	uint8_t out[258];
	uint32_t got = 0;

	start(_metadata, self, variant, "3", "1234");
	ASSERT_EQ(0, scard_t_dioc(self->fd,
				  IOCTL_SMARTCARD_GET_FEATURE_REQUEST, NULL, 0,
				  out, sizeof(out), &got));
	ASSERT_EQ(sizeof(want_features), got);
	EXPECT_EQ(0, memcmp(out, want_features, got));

	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SCARD_IFD_PIN_PROPERTIES,
				  NULL, 0, &p, sizeof(p), &got));
	ASSERT_EQ(sizeof(p), got);
	EXPECT_EQ(0x0210, p.lcd_layout);
	EXPECT_EQ(0x07, p.entry_validation);
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SCARD_IFD_PIN_PROPERTIES,
					  NULL, 0, &p, 3, &got));
	EXPECT_EQ(sizeof(p), got);

	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SCARD_GET_TLV_PROPERTIES,
				  NULL, 0, out, sizeof(out), &got));
	{
		static const uint8_t want[] = {
			0x01, 2, 0x10, 0x02,	/* wLcdLayout */
			0x02, 1, 0x07,		/* bEntryValidationCondition */
			0x03, 1, 0x00,		/* bTimeOut2 */
			0x04, 2, 0x10, 0x00,	/* wLcdMaxCharacters */
			0x05, 2, 0x02, 0x00,	/* wLcdMaxLines */
		};

		ASSERT_LE(sizeof(want), got);
		EXPECT_EQ(0, memcmp(out, want, sizeof(want)));
	}
}

/* Only what bPINSupport says; the quirk takes the keypad away. */
TEST_F(pinpad, support_bits_and_quirk)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	char saved[256] = "";
	struct modify m;
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;

	start(_metadata, self, variant, "1", "1234");
	EXPECT_EQ(EOPNOTSUPP, pin_ioctl(self->fd,
					IOCTL_SCARD_MODIFY_PIN_DIRECT, &m,
					modify_ascii(&m), out, &got));
	ASSERT_EQ(0, scard_t_dioc(self->fd,
				  IOCTL_SMARTCARD_GET_FEATURE_REQUEST, NULL, 0,
				  out, sizeof(out), &got));
	EXPECT_EQ(18, got);	/* VERIFY, PIN_PROPERTIES, TLV_PROPERTIES */
	EXPECT_EQ(0, gadget_finish(&self->g, self->fd, ""));
	self->fd = -1;

	ASSERT_EQ(0, read_line(QUIRKS_PARAM, saved, sizeof(saved)));
	ASSERT_EQ(0, write_str(QUIRKS_PARAM, "1209:0001:no_pin_pad"));
	start(_metadata, self, variant, "3", "1234");
	/* later readers are not affected: put the parameter back now */
	ASSERT_EQ(0, write_str(QUIRKS_PARAM, saved[0] ? saved : "\n"));
	ASSERT_EQ(0, gadget_quirks(&self->g, saved, sizeof(saved)));
	EXPECT_STREQ("no_pin_pad", saved);
	EXPECT_EQ(EOPNOTSUPP, pin_ioctl(self->fd,
					IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
					verify_ascii(&v, hdr), out, &got));
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd,
					   IOCTL_SCARD_IFD_PIN_PROPERTIES,
					   NULL, 0, out, 4, &got));
	ASSERT_EQ(0, scard_t_dioc(self->fd,
				  IOCTL_SMARTCARD_GET_FEATURE_REQUEST, NULL, 0,
				  out, sizeof(out), &got));
	EXPECT_EQ(6, got);
	EXPECT_EQ(SCARD_FEATURE_GET_TLV_PROPERTIES, out[0]);
	EXPECT_FALSE(gadget_saw(&self->g, "secure"));
}

/*
 * Structures the core refuses, field by field: EINVAL, and the reader
 * never sees them.
 */
TEST_F(pinpad, bad_structures_refused)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	static const struct {
		const char *what;
		unsigned int off;	/* byte of struct verify to set */
		uint8_t val;
		int trim;		/* bytes cut from the end */
	} cases[] = {
		{ "ulDataLength larger", 15, 6, 0 },
		{ "ulDataLength smaller", 15, 4, 0 },
		{ "input shorter than ulDataLength", 0, 0, 1 },
		{ "coding 3 (RFU)", 2, 0x83, 0 },
		{ "bmPINLengthFormat reserved bits", 4, 0x20, 0 },
		{ "length field without a block", 3, 0x40, 0 },
		{ "PIN frame position without a block", 2, 0x8A, 0 },
		{ "minimum PIN size above maximum", 6, 0x09, 0 },
		{ "maximum PIN size 0", 5, 0x00, 0 },
		{ "bEntryValidationCondition 0", 7, 0x00, 0 },
		{ "bEntryValidationCondition bit 3", 7, 0x0A, 0 },
		{ "bNumberMessage 2", 8, 0x02, 0 },
		{ "Lc 0 with data (extended length)", 23, 0x00, -2 },
	};
	static const struct {
		const char *what;
		uint8_t block, lc, format, lenfmt;
		uint16_t extra;
	} blocks[] = {
		{ "block larger than Lc", 0x08, 4, 0x82, 0, 0x0404 },
		{ "shortest PIN does not fit", 0x02, 8, 0x82, 0, 0x0304 },
		{ "PIN frame past the block", 0x04, 8, 0xA2, 0, 0x0104 },
		{ "length field past the block", 0x44, 8, 0x8A, 0x1F, 0x0104 },
		{ "length field too narrow", 0x28, 8, 0x89, 0x04, 0x0408 },
	};
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;
	size_t i, len;

	start(_metadata, self, variant, "3", "1234");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = verify_ascii(&v, hdr);
		if (cases[i].trim < 0) {
			/* An APDU with data: 00 20 00 80 00 31 32 */
			v.apdu[4] = 0;
			v.apdu[5] = '1';
			v.apdu[6] = '2';
			v.s.data_length = 7;
			len += 2;
		} else {
			((uint8_t *)&v)[cases[i].off] = cases[i].val;
			len -= cases[i].trim;
		}
		EXPECT_EQ(EINVAL, pin_ioctl(self->fd,
					    IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
					    len, out, &got))
			TH_LOG("%s", cases[i].what);
	}
	for (i = 0; i < ARRAY_SIZE(blocks); i++) {
		len = verify_ascii(&v, hdr);
		v.s.block = blocks[i].block;
		v.s.format = blocks[i].format;
		v.s.length_format = blocks[i].lenfmt;
		v.s.max_extra_digit = blocks[i].extra;
		v.apdu[4] = blocks[i].lc;
		memset(v.apdu + 5, 0xFF, blocks[i].lc);
		v.s.data_length = 5 + blocks[i].lc;
		len = SCARD_PIN_VERIFY_SIZE + 5 + blocks[i].lc;
		EXPECT_EQ(EINVAL, pin_ioctl(self->fd,
					    IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
					    len, out, &got))
			TH_LOG("%s", blocks[i].what);
	}
	/* Modification: the two blocks overlap; bConfirmPIN reserved bits. */
	{
		struct modify m;

		len = modify_ascii(&m);
		m.s.offset_new = 4;
		EXPECT_EQ(EINVAL, pin_ioctl(self->fd,
					    IOCTL_SCARD_MODIFY_PIN_DIRECT, &m,
					    len, out, &got));
		len = modify_ascii(&m);
		m.s.offset_new = 9;
		EXPECT_EQ(EINVAL, pin_ioctl(self->fd,
					    IOCTL_SCARD_MODIFY_PIN_DIRECT, &m,
					    len, out, &got));
		len = modify_ascii(&m);
		m.s.confirm = 0x04;
		EXPECT_EQ(EINVAL, pin_ioctl(self->fd,
					    IOCTL_SCARD_MODIFY_PIN_DIRECT, &m,
					    len, out, &got));
		len = modify_ascii(&m);
		m.s.n_messages = 4;
		EXPECT_EQ(EINVAL, pin_ioctl(self->fd,
					    IOCTL_SCARD_MODIFY_PIN_DIRECT, &m,
					    len, out, &got));
	}
	EXPECT_FALSE(gadget_saw(&self->g, "secure"));
	/* The same structure, well formed, goes through. */
	EXPECT_EQ(0, pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v,
			       verify_ascii(&v, hdr), out, &got));
	EXPECT_TRUE(gadget_saw(&self->g, "secure"));
}

/* Wrong state, wrong file mode, small buffer. */
TEST_F(pinpad, state_mode_and_size)
{
	static const uint8_t hdr[4] = { VERIFY_HDR };
	uint32_t minor = SCARD_POWER_DOWN;
	struct verify v;
	uint8_t out[258];
	uint32_t got = 0;
	size_t len;
	int ro;

	start(_metadata, self, variant, "1", "1234");
	len = verify_ascii(&v, hdr);
	/* Response larger than the buffer: EOVERFLOW with the size. */
	{
		static const uint8_t ehdr[4] = { ECHO_HDR };
		struct verify e;

		EXPECT_EQ(EOVERFLOW,
			  scard_t_dioc(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT,
				       &e, verify_iso2(&e, ehdr), out, 4,
				       &got));
		EXPECT_EQ(10, got);
	}
	ro = open(self->g.dev[0], O_RDONLY);
	ASSERT_LE(0, ro);
	EXPECT_EQ(EBADF, pin_ioctl(ro, IOCTL_SCARD_VERIFY_PIN_DIRECT, &v, len,
				   out, &got));
	close(ro);
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor,
				  sizeof(minor), NULL, 0, NULL));
	EXPECT_EQ(EBADFD, pin_ioctl(self->fd, IOCTL_SCARD_VERIFY_PIN_DIRECT,
				    &v, len, out, &got));
}

int main(int argc, char **argv)
{
	return gadget_test_main(argc, argv);
}
