// SPDX-License-Identifier: GPL-2.0
/*
 * scard ioctl tests: argument checking of every IOCTL_SMARTCARD_* code and
 * the synchronous behaviour against QEMU's usb-ccid + emulated CAC card.
 */
#include <sys/mman.h>
#include <termios.h>

#include "kselftest_harness.h"
#include "scard_common.h"

static const unsigned long all_codes[] = {
	IOCTL_SMARTCARD_POWER, IOCTL_SMARTCARD_GET_ATTRIBUTE,
	IOCTL_SMARTCARD_SET_ATTRIBUTE, IOCTL_SMARTCARD_CONFISCATE,
	IOCTL_SMARTCARD_TRANSMIT, IOCTL_SMARTCARD_EJECT,
	IOCTL_SMARTCARD_SWALLOW, IOCTL_SMARTCARD_IS_PRESENT,
	IOCTL_SMARTCARD_IS_ABSENT, IOCTL_SMARTCARD_SET_PROTOCOL,
	IOCTL_SMARTCARD_GET_STATE, IOCTL_SMARTCARD_GET_LAST_ERROR,
	IOCTL_SMARTCARD_GET_PERF_CNTR, IOCTL_SMARTCARD_GET_FEATURE_REQUEST,
	IOCTL_CCID_ESCAPE, IOCTL_SCARD_VERIFY_PIN_DIRECT,
	IOCTL_SCARD_MODIFY_PIN_DIRECT, IOCTL_SCARD_IFD_PIN_PROPERTIES,
	IOCTL_SCARD_GET_TLV_PROPERTIES,
};

/* An address that is certainly not mapped. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return (void *)16;
	munmap(p, 4096);
	return p;
}

FIXTURE(reader) {
	int fd;
};

FIXTURE_SETUP(reader)
{
	self->fd = open(scard_test_dev(), O_RDWR);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO))
		SKIP(return, "%s not found", scard_test_dev());
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", scard_test_dev(),
				      strerror(errno));
}

FIXTURE_TEARDOWN(reader)
{
	if (self->fd >= 0) {
		scard_t_power(self->fd, SCARD_POWER_DOWN);
		close(self->fd);
	}
}

TEST_F(reader, unknown_codes_enotty)
{
	static const unsigned long codes[] = {
		SCARD_CTL_CODE(8), SCARD_CTL_CODE(9), SCARD_CTL_CODE(13),
		SCARD_CTL_CODE(17), 0x00310044, 0x12345678,
		SCARD_CTL_CODE(0), SCARD_CTL_CODE(3401),
	};
	uint8_t buf[64];
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		EXPECT_EQ(ENOTTY, scard_t_dioc(self->fd, codes[i], buf, 4, buf,
					       sizeof(buf), NULL))
			TH_LOG("code 0x%08lX", codes[i]);
	}
}

TEST_F(reader, vfs_codes_not_hijacked)
{
	struct termios t;
	int n = 0, on = 1;

	/* FIONREAD: the size of the TRANSMIT reply read() would return. */
	n = -1;
	EXPECT_EQ(0, ioctl(self->fd, FIONREAD, &n));
	EXPECT_EQ(0, n);
	/* Not a tty: the driver must not claim terminal ioctls. */
	EXPECT_EQ(-1, ioctl(self->fd, TCGETS, &t));
	EXPECT_EQ(ENOTTY, errno);
	/* Generic VFS ioctls still reach the VFS. */
	EXPECT_EQ(0, ioctl(self->fd, FIONBIO, &on));
	EXPECT_NE(0, fcntl(self->fd, F_GETFL) & O_NONBLOCK);
}

TEST_F(reader, flags_nonzero_einval)
{
	struct scard_dioc d;
	uint32_t state;
	size_t i;

	for (i = 0; i < sizeof(all_codes) / sizeof(all_codes[0]); i++) {
		memset(&d, 0, sizeof(d));
		d.out_buf = (uintptr_t)&state;
		d.out_len = sizeof(state);
		d.flags = i & 1 ? 1 : 0x80000000;
		EXPECT_EQ(-1, ioctl(self->fd, all_codes[i], &d));
		EXPECT_EQ(EINVAL, errno) TH_LOG("code 0x%08lX", all_codes[i]);
	}
}

TEST_F(reader, dioc_bad_pointer_efault)
{
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_SMARTCARD_GET_STATE, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_SMARTCARD_GET_STATE,
			    unmapped_page()));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, IOCTL_SMARTCARD_POWER, NULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(reader, in_buf_bad_pointer_efault)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t tag = SCARD_ATTR_VENDOR_NAME;

	EXPECT_EQ(EFAULT, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER,
				       unmapped_page(), 4, atr, sizeof(atr),
				       NULL));
	EXPECT_EQ(EFAULT, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, NULL,
				       4, atr, sizeof(atr), NULL));
	EXPECT_EQ(EFAULT, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				       unmapped_page(), sizeof(tag), atr,
				       sizeof(atr), NULL));
}

TEST_F(reader, out_buf_bad_pointer_efault)
{
	uint32_t tag = SCARD_ATTR_VENDOR_NAME;

	EXPECT_EQ(EFAULT, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_STATE,
				       NULL, 0, unmapped_page(), 4, NULL));
	EXPECT_EQ(EFAULT, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_STATE,
				       NULL, 0, NULL, 4, NULL));
	EXPECT_EQ(EFAULT, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				       &tag, sizeof(tag), unmapped_page(), 64,
				       NULL));
}

TEST_F(reader, in_len_out_of_range_einval)
{
	uint8_t buf[300] = { 0 };
	uint32_t minor = SCARD_COLD_RESET;

	memcpy(buf, &minor, 4);
	/* POWER takes exactly a __u32. */
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, buf, 0,
				       buf + 100, 33, NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, buf, 3,
				       buf + 100, 33, NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, buf, 5,
				       buf + 100, 33, NULL));
	/* GET_STATE takes no input. */
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_STATE, buf,
				       4, buf + 100, 4, NULL));
	/* SET_PROTOCOL and GET_ATTRIBUTE take a __u32. */
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_SET_PROTOCOL,
				       buf, 2, buf + 100, 4, NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_ATTRIBUTE,
				       buf, 3, buf + 100, 64, NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_SET_ATTRIBUTE,
				       buf, 3, NULL, 0, NULL));
	/* No-buffer commands reject input. */
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_EJECT, buf, 4,
				       NULL, 0, NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_IS_PRESENT,
				       buf, 4, NULL, 0, NULL));
}

/* out_len below the minimum: EOVERFLOW and bytes_returned = minimum. */
TEST_F(reader, out_len_short_eoverflow)
{
	uint8_t buf[128];
	uint32_t v, ret_len;

	v = SCARD_COLD_RESET;
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &v,
					  4, buf, 32, &ret_len));
	EXPECT_EQ(33, ret_len);
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &v,
					  4, NULL, 0, &ret_len));
	EXPECT_EQ(33, ret_len);
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_STATE,
					  NULL, 0, buf, 3, &ret_len));
	EXPECT_EQ(4, ret_len);
	v = SCARD_PROTOCOL_T0;
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SMARTCARD_SET_PROTOCOL, &v, 4,
					  buf, 3, &ret_len));
	EXPECT_EQ(4, ret_len);
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SMARTCARD_GET_PERF_CNTR, NULL,
					  0, buf, 87, &ret_len));
	EXPECT_EQ(88, ret_len);
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SMARTCARD_GET_LAST_ERROR, NULL,
					  0, buf, 3, &ret_len));
	EXPECT_EQ(4, ret_len);
	/* ATR_STRING: the needed size is the ATR length. */
	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	v = SCARD_ATTR_ATR_STRING;
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SMARTCARD_GET_ATTRIBUTE, &v, 4,
					  buf, 1, &ret_len));
	EXPECT_EQ(sizeof(cac_atr), ret_len);
}

TEST_F(reader, power_invalid_minor_einval)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t minor;

	minor = 3;
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor,
				       4, atr, sizeof(atr), NULL));
	minor = 0xffffffff;
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor,
				       4, atr, sizeof(atr), NULL));
}

TEST_F(reader, power_cold_warm_return_cac_atr)
{
	uint8_t atr[SCARD_ATR_LENGTH];
	uint32_t minor, len, state;

	minor = SCARD_COLD_RESET;
	memset(atr, 0, sizeof(atr));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor, 4,
				  atr, sizeof(atr), &len));
	ASSERT_EQ(sizeof(cac_atr), len);
	EXPECT_EQ(0, memcmp(atr, cac_atr, sizeof(cac_atr)));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_NEGOTIABLE, state);

	minor = SCARD_WARM_RESET;
	memset(atr, 0, sizeof(atr));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor, 4,
				  atr, sizeof(atr), &len));
	ASSERT_EQ(sizeof(cac_atr), len);
	EXPECT_EQ(0, memcmp(atr, cac_atr, sizeof(cac_atr)));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_NEGOTIABLE, state);
}

TEST_F(reader, power_down_state_present)
{
	uint32_t minor = SCARD_POWER_DOWN, len = 1234, state;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_POWER, &minor, 4,
				  NULL, 0, &len));
	EXPECT_EQ(0, len);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_PRESENT, state);
}

TEST_F(reader, set_protocol_zero_mask_einval)
{
	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	EXPECT_EQ(EINVAL, scard_t_set_protocol(self->fd, 0));
	EXPECT_EQ(EINVAL, scard_t_set_protocol(self->fd,
					       SCARD_PROTOCOL_DEFAULT));
}

TEST_F(reader, set_protocol_t1_only_eopnotsupp)
{
	uint32_t state;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	EXPECT_EQ(EOPNOTSUPP, scard_t_set_protocol(self->fd,
						   SCARD_PROTOCOL_T1));
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_NEGOTIABLE, state);
}

TEST_F(reader, set_protocol_not_powered_ebadfd)
{
	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	EXPECT_EQ(EBADFD, scard_t_set_protocol(self->fd, SCARD_PROTOCOL_T0));
}

TEST_F(reader, set_protocol_t0_specific)
{
	uint32_t mask = SCARD_PROTOCOL_Tx, sel = 0, len = 0, state;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_SET_PROTOCOL,
				  &mask, 4, &sel, 4, &len));
	EXPECT_EQ(SCARD_PROTOCOL_T0, sel);
	EXPECT_EQ(4, len);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
	/* Already specific with T=0: success without I/O. */
	mask = SCARD_PROTOCOL_T0;
	sel = 0;
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_SET_PROTOCOL,
				  &mask, 4, &sel, 4, &len));
	EXPECT_EQ(SCARD_PROTOCOL_T0, sel);
	ASSERT_EQ(0, scard_t_state(self->fd, &state));
	EXPECT_EQ(SCARD_SPECIFIC, state);
}

TEST_F(reader, transmit_before_set_protocol_ebadfd)
{
	uint8_t in[64], out[64];
	uint32_t n;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case3,
			    sizeof(select_pki_case3));
	EXPECT_EQ(EBADFD, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	EXPECT_EQ(EBADFD, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
}

TEST_F(reader, transmit_wrong_header_protocol_ebadfd)
{
	uint8_t in[64], out[64];
	uint32_t n;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T1, 8, select_pki_case3,
			    sizeof(select_pki_case3));
	EXPECT_EQ(EBADFD, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
}

TEST_F(reader, transmit_bad_pci_length_einval)
{
	uint8_t in[64], out[64];
	uint32_t n;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 0, select_pki_case3,
			    sizeof(select_pki_case3));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 16, select_pki_case3,
			    sizeof(select_pki_case3));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
}

TEST_F(reader, transmit_short_input_einval)
{
	uint8_t in[64], out[64];
	uint32_t n;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case3, 3);
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       n, out, sizeof(out), NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       8, out, sizeof(out), NULL));
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT, in,
				       4, out, sizeof(out), NULL));
}

TEST_F(reader, transmit_select_case3_61xx)
{
	uint8_t resp[300];
	size_t len = 0;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	ASSERT_EQ(0, scard_t_transmit(self->fd, select_pki_case3,
				      sizeof(select_pki_case3), resp,
				      sizeof(resp), &len));
	ASSERT_EQ(2, len);
	EXPECT_EQ(0x61, resp[0]);
	EXPECT_EQ(0x0D, resp[1]);
}

TEST_F(reader, transmit_select_case4_get_response)
{
	uint8_t resp[300];
	size_t len = 0;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	ASSERT_EQ(0, scard_t_transmit(self->fd, select_pki_case4,
				      sizeof(select_pki_case4), resp,
				      sizeof(resp), &len));
	ASSERT_EQ(sizeof(select_pki_fci), len);
	EXPECT_EQ(0, memcmp(resp, select_pki_fci, len));
}

TEST_F(reader, transmit_6cxx_resend)
{
	uint8_t all[300], resp[300];
	size_t all_len = 0, len = 0;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	ASSERT_EQ(0, scard_t_transmit(self->fd, get_properties,
				      sizeof(get_properties), all,
				      sizeof(all), &all_len));
	ASSERT_LT(3, all_len);
	ASSERT_GT(0xff, all_len);
	ASSERT_EQ(0x90, all[all_len - 2]);
	/* Too long an Le: the card says 6C xx, the library resends. */
	ASSERT_EQ(0, scard_t_transmit(self->fd, get_properties_le_ff,
				      sizeof(get_properties_le_ff), resp,
				      sizeof(resp), &len));
	ASSERT_EQ(all_len, len)
		TH_LOG("SW %02x %02x", resp[len - 2], resp[len - 1]);
	EXPECT_EQ(0, memcmp(resp, all, len));
}

TEST_F(reader, transmit_output_small_eoverflow)
{
	uint8_t in[64], out[64];
	uint32_t n, got = 0;
	size_t len;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	n = scard_t_xmit_in(in, SCARD_PROTOCOL_T0, 8, select_pki_case4,
			    sizeof(select_pki_case4));
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT,
					  in, n, out, 8 + 5, &got));
	EXPECT_EQ(8 + sizeof(select_pki_fci), got);
	/* Below header + SW: the table minimum. */
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd, IOCTL_SMARTCARD_TRANSMIT,
					  in, n, out, 8, &got));
	/* The card still answers afterwards. */
	EXPECT_EQ(0, scard_t_transmit(self->fd, select_pki_case4,
				      sizeof(select_pki_case4), out,
				      sizeof(out), &len));
	EXPECT_EQ(sizeof(select_pki_fci), len);
}

static int get_attr(int fd, uint32_t tag, void *buf, uint32_t size,
		    uint32_t *len)
{
	return scard_t_dioc(fd, IOCTL_SMARTCARD_GET_ATTRIBUTE, &tag, 4, buf,
			    size, len);
}

static uint32_t attr_u32(struct __test_metadata *_metadata, int fd,
			 uint32_t tag)
{
	uint32_t v = 0xdeadbeef, len = 0;

	EXPECT_EQ(0, get_attr(fd, tag, &v, sizeof(v), &len))
		TH_LOG("tag 0x%08X", tag);
	EXPECT_EQ(4, len) TH_LOG("tag 0x%08X", tag);
	return v;
}

TEST_F(reader, get_attr_vendor_and_names)
{
	char buf[256], want[64];
	const char *base;
	uint32_t len = 0;

	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_VENDOR_NAME, buf,
			      sizeof(buf), &len));
	ASSERT_EQ(4, len);
	EXPECT_EQ(0, memcmp(buf, "QEMU", 4));

	base = strrchr(scard_test_dev(), '/');
	snprintf(want, sizeof(want), "%s", base ? base + 1 : scard_test_dev());
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_DEVICE_SYSTEM_NAME_A, buf,
			      sizeof(buf), &len));
	ASSERT_EQ(strlen(want), len);
	EXPECT_EQ(0, memcmp(buf, want, len));

	/* The friendly name starts with the vendor name, no NUL inside. */
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_DEVICE_FRIENDLY_NAME_A, buf,
			      sizeof(buf), &len));
	ASSERT_LE(4, len);
	EXPECT_EQ(0, memcmp(buf, "QEMU", 4));
	EXPECT_EQ(NULL, memchr(buf, 0, len));
}

TEST_F(reader, get_attr_card_values)
{
	uint8_t buf[64];
	uint32_t len = 0;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_ATR_STRING, buf,
			      sizeof(buf), &len));
	ASSERT_EQ(sizeof(cac_atr), len);
	EXPECT_EQ(0, memcmp(buf, cac_atr, len));

	EXPECT_NE(0, attr_u32(_metadata, self->fd, SCARD_ATTR_PROTOCOL_TYPES) &
		  SCARD_PROTOCOL_T0);
	/* Negotiable: the ATR's values (TA1 = 18: Fi 372, Di 12). */
	EXPECT_EQ(372, attr_u32(_metadata, self->fd, SCARD_ATTR_CURRENT_F));
	EXPECT_EQ(12, attr_u32(_metadata, self->fd, SCARD_ATTR_CURRENT_D));
	EXPECT_EQ(0, attr_u32(_metadata, self->fd, SCARD_ATTR_CURRENT_N));
	EXPECT_EQ(10, attr_u32(_metadata, self->fd, SCARD_ATTR_CURRENT_W));
	EXPECT_EQ(32, attr_u32(_metadata, self->fd, SCARD_ATTR_CURRENT_IFSC));
	EXPECT_EQ(0, attr_u32(_metadata, self->fd,
			      SCARD_ATTR_CURRENT_PROTOCOL_TYPE));

	ASSERT_EQ(0, scard_t_set_protocol(self->fd, SCARD_PROTOCOL_T0));
	EXPECT_EQ(SCARD_PROTOCOL_T0,
		  attr_u32(_metadata, self->fd,
			   SCARD_ATTR_CURRENT_PROTOCOL_TYPE));
}

TEST_F(reader, get_attr_presence_and_interface)
{
	uint8_t b = 0x55;
	uint32_t len = 0;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_ICC_PRESENCE, &b, 1, &len));
	EXPECT_EQ(1, len);
	EXPECT_EQ(1, b);
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_ICC_INTERFACE_STATUS, &b, 1,
			      &len));
	EXPECT_EQ(1, len);
	EXPECT_EQ(0, b);

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_COLD_RESET));
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_ICC_PRESENCE, &b, 1, &len));
	EXPECT_EQ(2, b);
	ASSERT_EQ(0, get_attr(self->fd, SCARD_ATTR_ICC_INTERFACE_STATUS, &b, 1,
			      &len));
	EXPECT_EQ(0xFF, b);
}

TEST_F(reader, get_attr_unknown_tag_eopnotsupp)
{
	uint8_t buf[64];

	EXPECT_EQ(EOPNOTSUPP, get_attr(self->fd, 0x7FFF1234, buf, sizeof(buf),
				       NULL));
	EXPECT_EQ(EOPNOTSUPP, get_attr(self->fd, 0, buf, sizeof(buf), NULL));
	EXPECT_EQ(EOPNOTSUPP, get_attr(self->fd, SCARD_ATTR_VALUE(1, 0x0199),
				       buf, sizeof(buf), NULL));
}

TEST_F(reader, get_attr_card_values_not_powered_ebadfd)
{
	static const uint32_t tags[] = {
		SCARD_ATTR_ATR_STRING, SCARD_ATTR_CURRENT_F,
		SCARD_ATTR_CURRENT_D, SCARD_ATTR_CURRENT_N,
		SCARD_ATTR_CURRENT_W, SCARD_ATTR_CURRENT_IFSC,
		SCARD_ATTR_ICC_TYPE_PER_ATR,
	};
	uint8_t buf[64];
	size_t i;

	ASSERT_EQ(0, scard_t_power(self->fd, SCARD_POWER_DOWN));
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		EXPECT_EQ(EBADFD, get_attr(self->fd, tags[i], buf, sizeof(buf),
					   NULL))
			TH_LOG("tag 0x%08X", tags[i]);
	}
}

TEST_F(reader, set_attr)
{
	uint8_t in[8];
	uint32_t tag, one = 1;

	tag = SCARD_ATTR_SUPRESS_T1_IFS_REQUEST;
	memcpy(in, &tag, 4);
	memcpy(in + 4, &one, 4);
	EXPECT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_SET_ATTRIBUTE, in,
				  8, NULL, 0, NULL));
	tag = SCARD_ATTR_VENDOR_NAME;
	memcpy(in, &tag, 4);
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd,
					   IOCTL_SMARTCARD_SET_ATTRIBUTE, in,
					   8, NULL, 0, NULL));
}

TEST_F(reader, mechanical_eopnotsupp)
{
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd, IOCTL_SMARTCARD_EJECT,
					   NULL, 0, NULL, 0, NULL));
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd, IOCTL_SMARTCARD_SWALLOW,
					   NULL, 0, NULL, 0, NULL));
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd,
					   IOCTL_SMARTCARD_CONFISCATE, NULL, 0,
					   NULL, 0, NULL));
}

/* No keypad, no escape: GET_TLV_PROPERTIES is the only feature. */
TEST_F(reader, feature_request_tlv_properties_only)
{
	static const uint8_t want[] = { SCARD_FEATURE_GET_TLV_PROPERTIES, 4,
					0x00, 0x31, 0x35, 0x68 };
	uint8_t buf[64];
	uint32_t len = 1234;

	EXPECT_EQ(0, scard_t_dioc(self->fd,
				  IOCTL_SMARTCARD_GET_FEATURE_REQUEST, NULL, 0,
				  buf, sizeof(buf), &len));
	ASSERT_EQ(sizeof(want), len);
	EXPECT_EQ(0, memcmp(buf, want, len));
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SMARTCARD_GET_FEATURE_REQUEST,
					  NULL, 0, buf, 5, &len));
	EXPECT_EQ(sizeof(want), len);
}

/*
 * Well-formed TLVs; dwMaxAPDUDataSize 65536 unless the reader moves short
 * APDUs only; a USB reader's IDs as sysfs has them.
 */
TEST_F(reader, tlv_properties)
{
	char path[128], want[16];
	uint8_t buf[64];
	uint32_t len = 0, v, max_apdu = 1, vid = 0;
	size_t i;
	FILE *f;

	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SCARD_GET_TLV_PROPERTIES,
				  NULL, 0, buf, sizeof(buf), &len));
	for (i = 0; i + 2 <= len; i += 2 + buf[i + 1]) {
		ASSERT_GE(4, buf[i + 1]);
		ASSERT_GE(len, i + 2 + buf[i + 1]);
		v = buf[i + 2] | buf[i + 3] << 8;
		if (buf[i + 1] == 4)
			v |= buf[i + 4] << 16 | (uint32_t)buf[i + 5] << 24;
		if (buf[i] == SCARD_PROP_MAX_APDU_DATA_SIZE)
			max_apdu = v;
		if (buf[i] == SCARD_PROP_ID_VENDOR)
			vid = v;
	}
	EXPECT_EQ(len, i);
	EXPECT_TRUE(max_apdu == 0 || max_apdu == 65536)
		TH_LOG("dwMaxAPDUDataSize %u", max_apdu);
	snprintf(path, sizeof(path), "/sys/class/scard/%s/device/../idVendor",
		 strrchr(scard_test_dev(), '/') + 1);
	f = fopen(path, "r");
	if (f) {
		if (fgets(want, sizeof(want), f))
			EXPECT_EQ(strtoul(want, NULL, 16), vid);
		fclose(f);
	}
	EXPECT_EQ(EOVERFLOW, scard_t_dioc(self->fd,
					  IOCTL_SCARD_GET_TLV_PROPERTIES, NULL,
					  0, buf, len - 1, &v));
	EXPECT_EQ(len, v);
}

/* No keypad: the PIN features are refused, whatever the structure. */
TEST_F(reader, pin_features_eopnotsupp)
{
	uint8_t in[64] = { 0 }, out[258];

	in[15] = 4;	/* ulDataLength */
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd,
					   IOCTL_SCARD_VERIFY_PIN_DIRECT, in,
					   23, out, sizeof(out), NULL));
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd,
					   IOCTL_SCARD_MODIFY_PIN_DIRECT, in,
					   28, out, sizeof(out), NULL));
	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd,
					   IOCTL_SCARD_IFD_PIN_PROPERTIES, NULL,
					   0, out, 4, NULL));
	/* Sizes are checked first, as for every command. */
	EXPECT_EQ(EINVAL, scard_t_dioc(self->fd,
				       IOCTL_SCARD_VERIFY_PIN_DIRECT, in, 22,
				       out, sizeof(out), NULL));
}

TEST_F(reader, ccid_escape_eopnotsupp)
{
	uint8_t in[4] = { 0 }, out[64];

	EXPECT_EQ(EOPNOTSUPP, scard_t_dioc(self->fd, IOCTL_CCID_ESCAPE, in,
					   sizeof(in), out, sizeof(out), NULL));
}

TEST_F(reader, perf_counts_transmissions)
{
	struct scard_perf_cntr a, b;
	uint8_t resp[300];
	uint32_t len = 0;
	size_t rlen;

	ASSERT_EQ(0, scard_t_specific(self->fd));
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_PERF_CNTR, NULL,
				  0, &a, sizeof(a), &len));
	EXPECT_EQ(88, len);
	EXPECT_EQ(88, a.size);
	EXPECT_EQ(SCARD_PERF_CNTR_VERSION, a.version);
	EXPECT_LE(1, a.resets);	/* we just did a cold reset */

	ASSERT_EQ(0, scard_t_transmit(self->fd, select_pki_case3,
				      sizeof(select_pki_case3), resp,
				      sizeof(resp), &rlen));
	ASSERT_EQ(0, scard_t_transmit(self->fd, select_pki_case3,
				      sizeof(select_pki_case3), resp,
				      sizeof(resp), &rlen));
	memset(&b, 0, sizeof(b));
	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_PERF_CNTR, NULL,
				  0, &b, sizeof(b), &len));
	EXPECT_EQ(2, b.transmissions - a.transmissions);
	EXPECT_LE(2 * sizeof(select_pki_case3), b.bytes_sent - a.bytes_sent);
	EXPECT_LE(4, b.bytes_received - a.bytes_received);
	EXPECT_LE(a.transmit_time_ns, b.transmit_time_ns);
}

TEST_F(reader, last_error_fresh_file_zero)
{
	uint32_t err = 0xdeadbeef, len = 0;

	ASSERT_EQ(0, scard_t_dioc(self->fd, IOCTL_SMARTCARD_GET_LAST_ERROR,
				  NULL, 0, &err, 4, &len));
	EXPECT_EQ(4, len);
	EXPECT_EQ(0, err);
	/* Synchronous failures do not touch it. */
	EXPECT_EQ(EINVAL, scard_t_set_protocol(self->fd, 0));
	ASSERT_EQ(0, scard_t_last_error(self->fd, &err));
	EXPECT_EQ(0, err);
}

TEST_F(reader, open_excl)
{
	int fd2;

	/* Another file is open (the fixture's): O_EXCL is refused. */
	fd2 = open(scard_test_dev(), O_RDWR | O_EXCL);
	EXPECT_EQ(-1, fd2);
	EXPECT_EQ(EBUSY, errno);
	if (fd2 >= 0)
		close(fd2);

	close(self->fd);
	self->fd = open(scard_test_dev(), O_RDWR | O_EXCL);
	ASSERT_LE(0, self->fd) TH_LOG("open O_EXCL: %s", strerror(errno));
	/* While it is open, every other open fails. */
	fd2 = open(scard_test_dev(), O_RDWR);
	EXPECT_EQ(-1, fd2);
	EXPECT_EQ(EBUSY, errno);
	if (fd2 >= 0)
		close(fd2);
	fd2 = open(scard_test_dev(), O_RDWR | O_EXCL);
	EXPECT_EQ(-1, fd2);
	EXPECT_EQ(EBUSY, errno);
	if (fd2 >= 0)
		close(fd2);

	close(self->fd);
	self->fd = open(scard_test_dev(), O_RDWR);
	ASSERT_LE(0, self->fd);
}

int main(int argc, char **argv)
{
	scard_t_require_dev(argc, argv);
	return test_harness_run(argc, argv);
}
