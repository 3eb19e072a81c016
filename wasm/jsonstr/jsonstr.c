/**
 * @file jsonstr.c  JSON strings (RFC 8259 7) of bytes that should be UTF-8
 *
 * The one escaper of the core's JSON output: events and replies
 * (wasm/abi/) and check-sip's report (wasm/check/report.c).  Strings from
 * the network (reason phrases, URIs, header values) are escaped so the
 * result is always valid JSON: '"' and '\' get a backslash, control
 * characters and DEL become \u00XX, and each octet that does not start a
 * well-formed UTF-8 sequence (RFC 3629 4) becomes \ufffd; the sequences
 * that are well-formed are copied.  A leaf: libre's print functions only.
 */
#include <re.h>
#include "jsonstr.h"


/* Length of a valid UTF-8 sequence at p (RFC 3629 4), 0 if invalid */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	else if ((p[0] & 0xe0) == 0xc0) {
		len = 2; cp = p[0] & 0x1f;
	}
	else if ((p[0] & 0xf0) == 0xe0) {
		len = 3; cp = p[0] & 0x0f;
	}
	else if ((p[0] & 0xf8) == 0xf0) {
		len = 4; cp = p[0] & 0x07;
	}
	else
		return 0;

	if (len > n)
		return 0;

	for (i = 1; i < len; ++i) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}

	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;

	return len;
}


/**
 * Print bytes as a JSON string, quotes included
 *
 * @param pf Print handler
 * @param p  The bytes (should be UTF-8; any octets are safe)
 * @param n  Number of bytes
 *
 * @return 0 if success, otherwise errorcode
 */
int jsonstr_mem(struct re_printf *pf, const uint8_t *p, size_t n)
{
	size_t i = 0;
	int err = re_hprintf(pf, "\"");

	while (i < n && !err) {
		uint8_t c = p[i];
		size_t len;

		if (c == '"' || c == '\\') {
			err = re_hprintf(pf, "\\%c", c);
			++i;
		}
		else if (c < 0x20 || c == 0x7f) {
			err = re_hprintf(pf, "\\u%04x", c);
			++i;
		}
		else if ((len = utf8_len(p + i, n - i)) == 0) {
			err = re_hprintf(pf, "\\ufffd");
			++i;
		}
		else {
			err = pf->vph((const char *)p + i, len, pf->arg);
			i += len;
		}
	}

	return err ? err : re_hprintf(pf, "\"");
}


/**
 * Print a pointer-length string as a JSON string, quotes included (%H)
 *
 * @param pf Print handler
 * @param pl The string; one without octets (or unset) prints ""
 *
 * @return 0 if success, otherwise errorcode
 */
int jsonstr_pl(struct re_printf *pf, const struct pl *pl)
{
	return jsonstr_mem(pf, (const uint8_t *)pl->p, pl->l);
}
