/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard-card: an ISO/IEC 7816 card played through a vproxy descriptor.
 *
 * The card is split in layers:
 *   apdu.c    the applet (ISO/IEC 7816-4 commands, see card_apdu())
 *   t0card.c  the card side of T=0 (TPDUs, 61xx/6Cxx, procedure bytes)
 *   t1card.c  the card side of T=1 (ISO/IEC 7816-3 clause 11 blocks)
 *   main.c    options, ATR, vproxy request loop, character level
 * Everything but main.c is free of I/O so that cards_unit.c can drive it.
 */
#ifndef SCARD_CARDS_CARD_H
#define SCARD_CARDS_CARD_H

#include <stddef.h>
#include <stdint.h>

/* The applet's instruction set (CLA 00; CLA FF is refused with 6E 00). */
#define CARD_INS_SELECT		0xA4	/* P1 00 FID / 04 AID; P2 0C: no FCI */
#define CARD_INS_READ_BINARY	0xB0	/* P1P2 offset, Le: pattern bytes */
#define CARD_INS_GET_RESPONSE	0xC0	/* T=0 TPDU level only */
#define CARD_INS_ECHO		0xEE	/* response data = command data */
#define CARD_INS_NOP		0xE6	/* 90 00, no data (case 1 tests) */
#define CARD_INS_SLOW		0xE8	/* P1 = time extensions before 90 00 */
#define CARD_INS_STATS		0xE2	/* card-side counters, see card_stats */
#define CARD_INS_VERIFY		0x20	/* P2 80: the PIN; 81: echo, see below */
#define CARD_INS_CHANGE		0x24	/* CHANGE REFERENCE DATA, P1 00 P2 80 */

/*
 * The PIN (reference 80): CARD_PIN_DEFAULT in ASCII, CARD_PIN_TRIES wrong
 * presentations before it blocks (69 83). A PIN block's trailing FF bytes
 * are padding. VERIFY with reference 81 answers its command data and 90 00
 * so that tests see the PIN block a PIN pad reader built.
 */
#define CARD_PIN_DEFAULT	"1234"
#define CARD_PIN_MAX		16
#define CARD_PIN_TRIES		3
#define CARD_PIN_REF		0x80
#define CARD_PIN_REF_ECHO	0x81

/* SELECT targets. */
#define CARD_FID_MF		0x3F00
#define CARD_FID_PATTERN	0x0101	/* transparent EF, CARD_PATTERN_SIZE */
#define CARD_PATTERN_SIZE	65536U
#define CARD_FID_SMALL		0x0102	/* the same pattern, CARD_SMALL_SIZE */
#define CARD_SMALL_SIZE		300U
/* AID of the applet: F0 'S' 'C' 'A' 'R' 'D' */
#define CARD_AID		"\xF0SCARD"
#define CARD_AID_LEN		6

/* Byte @off of the pattern EF; the tests check READ BINARY against it. */
static inline uint8_t card_pattern(uint32_t off)
{
	return (uint8_t)(off ^ (off >> 8) ^ 0x5A);
}

/* Largest command and response the applet handles (extended APDUs). */
#define CARD_MAX_CMD		(65544U + 8U)
#define CARD_MAX_RESP		(65536U + 2U)

/*
 * STATS (00 E2 00 00 28) answers these ten counters, 4 bytes big-endian
 * each, in this order, so tests see what the card saw.
 */
struct card_stats {
	uint32_t t1_received;		/* T=1 blocks received */
	uint32_t t1_bad;		/* ... with a bad EDC or length */
	uint32_t t1_sent;		/* T=1 blocks sent (faults included) */
	uint32_t t1_ifs_requests;	/* S(IFS request) from the reader */
	uint32_t t1_ifsd;		/* IFSD now */
	uint32_t t1_resynchs;		/* S(RESYNCH request) */
	uint32_t t1_wtx;		/* S(WTX request) sent */
	uint32_t pps;			/* PPS requests answered */
	uint32_t commands;		/* APDUs run by the applet */
	uint32_t powers;		/* cold and warm resets */
};

#define CARD_STATS_LEN		40

struct card_apdu_state {
	struct card_stats *stats;	/* may be NULL */
	uint16_t current_ef;	/* 0: none selected */
	unsigned int wtx;	/* time extensions the last command wants */
	unsigned int extra_wtx;	/* added to every command (--fault wtx:N) */
	int ext_allowed;	/* extended APDUs accepted */
	uint8_t pin[CARD_PIN_MAX];	/* pin_len 0: CARD_PIN_DEFAULT */
	size_t pin_len;
	unsigned int pin_fails;	/* wrong presentations in a row */
	int pin_verified;
};

/*
 * Parsed command APDU. @le is the expected length (0..65536) when
 * @has_le, @lc the data length.
 */
struct card_cmd {
	uint8_t cla, ins, p1, p2;
	const uint8_t *data;
	size_t lc;
	int has_le;
	uint32_t le;
	int extended;
};

/* Parse @len bytes of APDU; 0 or -1 on a malformed APDU. */
int card_parse_apdu(const uint8_t *apdu, size_t len, struct card_cmd *c);

/*
 * Run one command; the response (data + SW1 SW2) goes to @resp, which
 * holds CARD_MAX_RESP bytes. Returns the response length. @st->wtx is
 * set to the number of time extensions the card asks for before it
 * answers.
 */
size_t card_apdu(struct card_apdu_state *st, const struct card_cmd *c,
		 uint8_t *resp);
/* card_parse_apdu() + card_apdu(); a malformed APDU gives 67 00. */
size_t card_apdu_raw(struct card_apdu_state *st, const uint8_t *apdu,
		     size_t len, uint8_t *resp);

/* --- T=0 ------------------------------------------------------------- */

struct card_t0 {
	struct card_apdu_state *app;
	uint8_t pending[CARD_MAX_RESP];	/* data for GET RESPONSE */
	size_t pending_len, pending_off;
	uint8_t pending_sw[2];
};

/* Does @ins carry command data (card receives) in a TPDU with P3 > 0? */
int card_t0_ins_incoming(uint8_t ins);
void card_t0_reset(struct card_t0 *t, struct card_apdu_state *app);
/*
 * One TPDU (header + P3 data bytes, or header only); the answer
 * (data + SW1 SW2) goes to @resp (CARD_MAX_RESP bytes). Returns its length.
 */
size_t card_t0_tpdu(struct card_t0 *t, const uint8_t *tpdu, size_t len,
		    uint8_t *resp);

/* --- T=1 ------------------------------------------------------------- */

/* Faults injected by the card side of T=1 (0 = off); counts are 1-based. */
struct card_faults {
	unsigned int corrupt_every;	/* every Nth block sent: bad EDC */
	unsigned int lose_every;	/* every Nth block sent: not sent */
	unsigned int wrong_ns_every;	/* every Nth I-block sent: wrong N(S) */
	unsigned int mute_after;	/* after N blocks sent: silence */
	unsigned int wtx;		/* S(WTX) requests before each answer */
	int abort;			/* S(ABORT) on received chains */
	int garbage;			/* answer garbage */
	int pps_refuse;			/* no answer to a PPS request */
	unsigned int slow_ms;		/* delay before every answer */
};

#define T1_MAX_BLOCK	(3 + 254 + 2)

struct card_t1 {
	struct card_apdu_state *app;
	const struct card_faults *faults;
	int crc;			/* EDC: CRC instead of LRC */
	unsigned int ifsc;		/* what the card receives (ATR TA3) */
	unsigned int ifsd;		/* what the card may send */
	unsigned int ns;		/* N(S) of the card's next I-block */
	unsigned int nr;		/* N(S) expected from the reader */
	uint8_t *rx;			/* command being received (chaining) */
	size_t rx_len;
	uint8_t *tx;			/* response being sent */
	size_t tx_len, tx_off, tx_chunk;	/* chunk: size of last I sent */
	int tx_active;			/* a response is being sent */
	int tx_more;			/* the last I-block sent had M set */
	uint8_t nad;			/* NAD of the card's blocks */
	unsigned int wtx_left;		/* S(WTX) still to request */
	int in_abort;			/* S(ABORT) request outstanding */
	uint8_t last[T1_MAX_BLOCK];	/* last block sent (uncorrupted) */
	size_t last_len;
	/* statistics and fault counters */
	unsigned long sent, sent_i, received, bad_received;
	unsigned long wtx_sent, resynchs, ifs_requests;
	int muted;			/* silent until card_t1_unmute() */
	int mute_done;			/* mute_after fires once */
};

uint16_t card_crc16(const uint8_t *p, size_t len);
uint8_t card_lrc(const uint8_t *p, size_t len);
int card_t1_init(struct card_t1 *t, struct card_apdu_state *app,
		 const struct card_faults *f, unsigned int ifsc, int crc);
void card_t1_free(struct card_t1 *t);
/* Power on / RESYNCH: sequence numbers 0, IFSD 32, no pending chain. */
void card_t1_reset(struct card_t1 *t);
/*
 * One block from the reader; the card's answer goes to @out (T1_MAX_BLOCK
 * bytes). Returns its length, 0 when the card stays silent (lost block,
 * muted card).
 */
size_t card_t1_block(struct card_t1 *t, const uint8_t *blk, size_t len,
		     uint8_t *out);
/* Send the last block again (a retransmission), faults applied. */
size_t card_t1_emit(struct card_t1 *t, int is_i, uint8_t *out);
/* Length of a complete block starting with the 3-byte prologue @prologue. */
size_t card_t1_block_len(const struct card_t1 *t, const uint8_t *prologue);

#endif /* SCARD_CARDS_CARD_H */
