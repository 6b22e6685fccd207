/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scard KUnit suites: one module, scard_kunit.ko, registers them all.
 */
#ifndef _SCARD_KUNIT_H
#define _SCARD_KUNIT_H

#include <kunit/test.h>

extern struct kunit_suite scard_atr_suite;
extern struct kunit_suite scard_t0_suite;
extern struct kunit_suite scard_ccid_msg_suite;
extern struct kunit_suite scard_ioctl_suite;
extern struct kunit_suite scard_pps_suite;
extern struct kunit_suite scard_char_suite;
extern struct kunit_suite scard_t1_suite;
extern struct kunit_suite scard_serial_suite;
extern struct kunit_suite scard_ccid_quirks_suite;
extern struct kunit_suite scard_pin_suite;

#endif /* _SCARD_KUNIT_H */
