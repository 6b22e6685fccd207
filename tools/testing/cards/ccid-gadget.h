/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ccid-gadget.c (the well-behaved reader) shares with
 * ccid-gadget-hostile.c (the ways a hostile one misbehaves, --hostile).
 */
#ifndef CCID_GADGET_H
#define CCID_GADGET_H

#include <stddef.h>
#include <stdint.h>

#define HDR			10
#define BULK_MPS		512
#define GADGET_INS_TRIGGER	0xEA

/* ccid-gadget.c */
void gadget_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gadget_msleep(unsigned int ms);
/* Write @len bytes on the bulk IN (@bulk) or interrupt IN endpoint. */
int gadget_write(int bulk, const uint8_t *buf, size_t len);
/* Halt the bulk IN (@bulk) or interrupt IN endpoint. */
int gadget_halt(int bulk);
/* Halt the bulk OUT endpoint. */
int gadget_halt_out(void);
/* A bulk message header, with whatever dwLength @dw says. */
void gadget_put_hdr(uint8_t *m, uint8_t type, uint32_t dw, uint8_t slot,
		    uint8_t seq, uint8_t status, uint8_t error, uint8_t specific);
void gadget_send_msg(uint8_t type, uint8_t slot, uint8_t seq, uint8_t status,
		     uint8_t error, uint8_t specific, const uint8_t *data,
		     size_t len);
unsigned int gadget_slots(void);
/* bmICCStatus of slot @si: 0 powered, 1 unpowered, 2 absent. */
uint8_t gadget_icc_status(uint8_t si);
/* Power slot @si's card down, as a reader does after an overcurrent. */
void gadget_deactivate(uint8_t si);
/* Does slot @si's card speak T=1 blocks (TPDU level, T=1 set)? */
int gadget_tpdu_t1(uint8_t si);
/*
 * One command to slot @si's card at the reader's level (an APDU; a TPDU or
 * a T=1 block at the TPDU level); its answer into @resp (CARD_MAX_RESP
 * bytes), the length returned.
 */
size_t gadget_card_exchange(uint8_t si, const uint8_t *cmd, size_t len,
			    uint8_t *resp);
/* Set when the host's class request ABORT arrives on ep0. */
extern volatile int gadget_ctrl_aborts;

/* ccid-gadget-hostile.c; each hook returns 1 when it did the work. */
int hostile_select(const char *name);
const char *hostile_name(void);
/* The configuration descriptor (@len bytes of @room) before it is served. */
void hostile_descriptors(uint8_t *cfg, size_t *len, size_t room);
/* Should ep0 stall the class request ABORT? */
int hostile_stall_abort(void);
/* A bulk OUT packet, before the command it begins is complete. */
int hostile_packet(const uint8_t *pkt, size_t len);
/* A whole command, before the reader handles it. */
int hostile_command(const uint8_t *m, size_t len);
/* An XfrBlock; @trigger: its APDU has INS GADGET_INS_TRIGGER. */
int hostile_xfr(uint8_t si, uint8_t seq, uint16_t level_param, int trigger);

/* ccid-gadget-pinpad.c: 1 when the option was its, -1 when bad, else 0. */
int pinpad_option(const char *name, const char *value);
uint8_t pinpad_support(void);
uint16_t pinpad_lcd(void);
/* PC_to_RDR_Secure, @len bytes of data at @d. */
void pinpad_secure(uint8_t si, uint8_t seq, const uint8_t *d, size_t len);

#endif /* CCID_GADGET_H */
