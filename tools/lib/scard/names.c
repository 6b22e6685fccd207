// SPDX-License-Identifier: GPL-2.0
/*
 * libscard: name tables (states, protocols, ioctls, attributes, errnos) and
 * hex helpers.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "libscard.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const state_names[] = {
	[SCARD_UNKNOWN] = "unknown",
	[SCARD_ABSENT] = "absent",
	[SCARD_PRESENT] = "present",
	[SCARD_SWALLOWED] = "swallowed",
	[SCARD_POWERED] = "powered",
	[SCARD_NEGOTIABLE] = "negotiable",
	[SCARD_SPECIFIC] = "specific",
};

const char *scard_state_name(uint32_t state)
{
	if (state < ARRAY_SIZE(state_names))
		return state_names[state];
	return "invalid";
}

static const struct {
	unsigned long code;
	const char *name;
} ioctl_names[] = {
	{ IOCTL_SMARTCARD_POWER, "POWER" },
	{ IOCTL_SMARTCARD_GET_ATTRIBUTE, "GET_ATTRIBUTE" },
	{ IOCTL_SMARTCARD_SET_ATTRIBUTE, "SET_ATTRIBUTE" },
	{ IOCTL_SMARTCARD_CONFISCATE, "CONFISCATE" },
	{ IOCTL_SMARTCARD_TRANSMIT, "TRANSMIT" },
	{ IOCTL_SMARTCARD_EJECT, "EJECT" },
	{ IOCTL_SMARTCARD_SWALLOW, "SWALLOW" },
	{ IOCTL_SMARTCARD_IS_PRESENT, "IS_PRESENT" },
	{ IOCTL_SMARTCARD_IS_ABSENT, "IS_ABSENT" },
	{ IOCTL_SMARTCARD_SET_PROTOCOL, "SET_PROTOCOL" },
	{ IOCTL_SMARTCARD_GET_STATE, "GET_STATE" },
	{ IOCTL_SMARTCARD_GET_LAST_ERROR, "GET_LAST_ERROR" },
	{ IOCTL_SMARTCARD_GET_PERF_CNTR, "GET_PERF_CNTR" },
	{ IOCTL_SMARTCARD_GET_FEATURE_REQUEST, "GET_FEATURE_REQUEST" },
	{ IOCTL_CCID_ESCAPE, "CCID_ESCAPE" },
	{ IOCTL_SCARD_VERIFY_PIN_DIRECT, "VERIFY_PIN_DIRECT" },
	{ IOCTL_SCARD_MODIFY_PIN_DIRECT, "MODIFY_PIN_DIRECT" },
	{ IOCTL_SCARD_IFD_PIN_PROPERTIES, "IFD_PIN_PROPERTIES" },
	{ IOCTL_SCARD_GET_TLV_PROPERTIES, "GET_TLV_PROPERTIES" },
};

const char *scard_ioctl_name(unsigned long code)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ioctl_names); i++)
		if (ioctl_names[i].code == code)
			return ioctl_names[i].name;
	return NULL;
}

char *scard_protocol_str(uint32_t mask, char *buf, size_t size)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} bits[] = {
		{ SCARD_PROTOCOL_T0, "T0" },
		{ SCARD_PROTOCOL_T1, "T1" },
		{ SCARD_PROTOCOL_RAW, "RAW" },
		{ SCARD_PROTOCOL_DEFAULT, "DEFAULT" },
	};
	size_t i, used = 0;
	uint32_t rest = mask;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(mask & bits[i].bit))
			continue;
		rest &= ~bits[i].bit;
		used += snprintf(buf + used, used < size ? size - used : 0,
				 "%s%s", used ? "|" : "", bits[i].name);
	}
	if (rest)
		used += snprintf(buf + used, used < size ? size - used : 0,
				 "%s0x%X", used ? "|" : "", rest);
	if (!mask)
		snprintf(buf, size, "none");
	return buf;
}

int scard_protocol_parse(const char *s, uint32_t *mask)
{
	uint32_t m = 0;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, "|,+");

		if (n == 2 && !strncasecmp(p, "T0", 2))
			m |= SCARD_PROTOCOL_T0;
		else if ((n == 2 && !strncasecmp(p, "T1", 2)))
			m |= SCARD_PROTOCOL_T1;
		else if (n == 3 && !strncasecmp(p, "T=0", 3))
			m |= SCARD_PROTOCOL_T0;
		else if (n == 3 && !strncasecmp(p, "T=1", 3))
			m |= SCARD_PROTOCOL_T1;
		else if (n == 3 && !strncasecmp(p, "any", 3))
			m |= SCARD_PROTOCOL_Tx;
		else if (n == 3 && !strncasecmp(p, "raw", 3))
			m |= SCARD_PROTOCOL_RAW;
		else
			return -EINVAL;
		p += n;
		if (*p)
			p++;
		else
			break;
		if (!*p)
			return -EINVAL;
	}
	*mask = m;
	return 0;
}

#define A(n, t, ty) { n, SCARD_ATTR_##t, SCARD_ATTR_T_##ty }
const struct scard_attr_desc scard_attr_table[] = {
	A("vendor-name", VENDOR_NAME, STRING),
	A("vendor-ifd-type", VENDOR_IFD_TYPE, STRING),
	A("vendor-ifd-version", VENDOR_IFD_VERSION, DWORD),
	A("vendor-ifd-serial-no", VENDOR_IFD_SERIAL_NO, STRING),
	A("channel-id", CHANNEL_ID, DWORD),
	A("protocol-types", PROTOCOL_TYPES, PROTOCOLS),
	A("default-clk", DEFAULT_CLK, DWORD),
	A("max-clk", MAX_CLK, DWORD),
	A("default-data-rate", DEFAULT_DATA_RATE, DWORD),
	A("max-data-rate", MAX_DATA_RATE, DWORD),
	A("max-ifsd", MAX_IFSD, DWORD),
	A("sync-protocol-types", SYNC_PROTOCOL_TYPES, DWORD),
	A("power-mgmt-support", POWER_MGMT_SUPPORT, DWORD),
	A("user-to-card-auth-device", USER_TO_CARD_AUTH_DEVICE, DWORD),
	A("user-auth-input-device", USER_AUTH_INPUT_DEVICE, DWORD),
	A("characteristics", CHARACTERISTICS, DWORD),
	A("current-protocol-type", CURRENT_PROTOCOL_TYPE, PROTOCOLS),
	A("current-clk", CURRENT_CLK, DWORD),
	A("current-f", CURRENT_F, DWORD),
	A("current-d", CURRENT_D, DWORD),
	A("current-n", CURRENT_N, DWORD),
	A("current-w", CURRENT_W, DWORD),
	A("current-ifsc", CURRENT_IFSC, DWORD),
	A("current-ifsd", CURRENT_IFSD, DWORD),
	A("current-bwt", CURRENT_BWT, DWORD),
	A("current-cwt", CURRENT_CWT, DWORD),
	A("current-ebc-encoding", CURRENT_EBC_ENCODING, DWORD),
	A("extended-bwt", EXTENDED_BWT, DWORD),
	A("icc-presence", ICC_PRESENCE, BYTE),
	A("icc-interface-status", ICC_INTERFACE_STATUS, BYTE),
	A("current-io-state", CURRENT_IO_STATE, BYTES),
	A("atr-string", ATR_STRING, BYTES),
	A("icc-type-per-atr", ICC_TYPE_PER_ATR, BYTE),
	A("esc-reset", ESC_RESET, BYTES),
	A("esc-cancel", ESC_CANCEL, BYTES),
	A("esc-authrequest", ESC_AUTHREQUEST, BYTES),
	A("maxinput", MAXINPUT, DWORD),
	A("vendor-specific-info", VENDOR_SPECIFIC_INFO, BYTES),
	A("device-unit", DEVICE_UNIT, DWORD),
	A("device-in-use", DEVICE_IN_USE, DWORD),
	A("device-friendly-name", DEVICE_FRIENDLY_NAME_A, STRING),
	A("device-system-name", DEVICE_SYSTEM_NAME_A, STRING),
	A("device-friendly-name-w", DEVICE_FRIENDLY_NAME_W, BYTES),
	A("device-system-name-w", DEVICE_SYSTEM_NAME_W, BYTES),
	A("supress-t1-ifs-request", SUPRESS_T1_IFS_REQUEST, DWORD),
	{ "perf-num-transmissions", SCARD_PERF_NUM_TRANSMISSIONS,
	  SCARD_ATTR_T_DWORD },
	{ "perf-bytes-transmitted", SCARD_PERF_BYTES_TRANSMITTED,
	  SCARD_ATTR_T_DWORD },
	{ "perf-transmission-time", SCARD_PERF_TRANSMISSION_TIME,
	  SCARD_ATTR_T_DWORD },
	{ NULL, 0, SCARD_ATTR_T_BYTES },
};
#undef A

/* Compare "vendor-name" with "VENDOR_NAME" etc.: case and -/_ ignored. */
static int attr_name_eq(const char *table, const char *user)
{
	for (; *table && *user; table++, user++) {
		char a = *table == '-' ? '_' : (char)tolower((unsigned char)*table);
		char b = *user == '-' ? '_' : (char)tolower((unsigned char)*user);

		if (a != b)
			return 0;
	}
	return !*table && !*user;
}

const struct scard_attr_desc *scard_attr_by_name(const char *name)
{
	const struct scard_attr_desc *d;

	if (!strncasecmp(name, "SCARD_ATTR_", 11))
		name += 11;
	for (d = scard_attr_table; d->name; d++) {
		if (attr_name_eq(d->name, name))
			return d;
	}
	/* Windows spells the narrow names with an _A suffix. */
	if (attr_name_eq("device-friendly-name-a", name))
		return scard_attr_by_tag(SCARD_ATTR_DEVICE_FRIENDLY_NAME_A);
	if (attr_name_eq("device-system-name-a", name))
		return scard_attr_by_tag(SCARD_ATTR_DEVICE_SYSTEM_NAME_A);
	return NULL;
}

const struct scard_attr_desc *scard_attr_by_tag(uint32_t tag)
{
	const struct scard_attr_desc *d;

	for (d = scard_attr_table; d->name; d++)
		if (d->tag == tag)
			return d;
	return NULL;
}

#define E(e, text) [e] = { #e, text }
static const struct {
	const char *name;
	const char *text;
} errnos[] = {
	E(EPERM, "operation not permitted"),
	E(ENOENT, "no such reader"),
	E(EINTR, "interrupted by a signal"),
	E(EIO, "reader I/O error"),
	E(ENXIO, "no such reader"),
	E(E2BIG, "argument too long"),
	E(EBADF, "bad file descriptor"),
	E(EAGAIN, "the reply is not ready yet"),
	E(ENOMEM, "out of memory"),
	E(EACCES, "permission denied"),
	E(EFAULT, "bad buffer address"),
	E(EBUSY, "reader busy (another operation pending or reader opened exclusively)"),
	E(ENODEV, "reader was removed"),
	E(EINVAL, "invalid argument"),
	E(ENOSPC, "no space left"),
	E(ENOTTY, "not a smart card reader, or command not supported"),
	E(EPROTO, "protocol error talking to the card"),
	E(EBADFD, "card not in the right state (power it / set the protocol first)"),
	E(EOVERFLOW, "output buffer too small"),
	E(ENOSYS, "not implemented"),
	E(EOPNOTSUPP, "not supported by this reader or card"),
	E(ETIMEDOUT, "card did not answer"),
	E(EINPROGRESS, "operation pending (completes in the background)"),
	E(ECANCELED, "operation cancelled"),
	E(ENOMEDIUM, "no card in the reader"),
	E(EMEDIUMTYPE, "card not recognised (unusable ATR)"),
};
#undef E

static int err_index(int err)
{
	if (err < 0)
		err = -err;
	if (err > 0 && (size_t)err < ARRAY_SIZE(errnos) && errnos[err].name)
		return err;
	return 0;
}

const char *scard_errno_name(int err)
{
	int i = err_index(err);

	if (!err)
		return "0";
	return i ? errnos[i].name : "E?";
}

const char *scard_strerror(int err)
{
	int i = err_index(err);

	if (!err)
		return "success";
	if (i)
		return errnos[i].text;
	return strerror(err < 0 ? -err : err);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int is_hex_sep(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ':' || c == '-';
}

long scard_hex_parse(const char *s, uint8_t *buf, size_t size)
{
	size_t n = 0;
	int hi = -1;

	while (*s) {
		int v;

		if (is_hex_sep((unsigned char)*s)) {
			if (hi >= 0)
				return -EINVAL;	/* a lone nibble */
			s++;
			continue;
		}
		if (hi < 0 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		    hexval((unsigned char)s[2]) >= 0) {
			s += 2;
			continue;
		}
		v = hexval((unsigned char)*s);
		if (v < 0)
			return -EINVAL;
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= size)
				return -ENOSPC;
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
		s++;
	}
	if (hi >= 0)
		return -EINVAL;
	return (long)n;
}

char *scard_hex_format(const uint8_t *data, size_t len, const char *sep,
		       char *out, size_t out_size)
{
	size_t i, used = 0, seplen = strlen(sep);

	if (!out_size)
		return out;
	out[0] = '\0';
	for (i = 0; i < len; i++) {
		if (used + 2 + (i ? seplen : 0) + 1 > out_size)
			break;
		used += snprintf(out + used, out_size - used, "%s%02X",
				 i ? sep : "", data[i]);
	}
	return out;
}
