/**
 * @file json.c  JSON string output for events and replies (RFC 8259 7)
 *
 * Strings from the network (reason phrases, URIs) are escaped so the
 * result is always valid JSON: control characters as \u00XX, and bytes
 * that are not valid UTF-8 replaced by U+FFFD.
 */
#include <string.h>
#include <re.h>
#include "spjs.h"
#include "abi.h"


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


static int json_mem(struct re_printf *pf, const uint8_t *p, size_t n)
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


/** Print a C string as a JSON string (NULL prints null) */
int abi_json_str(struct re_printf *pf, const char *s)
{
	if (!s)
		return re_hprintf(pf, "null");

	return json_mem(pf, (const uint8_t *)s, strlen(s));
}


/** Print a pointer-length string as a JSON string (unset prints null) */
int abi_json_pl(struct re_printf *pf, const struct pl *pl)
{
	if (!pl || !pl->p)
		return re_hprintf(pf, "null");

	return json_mem(pf, (const uint8_t *)pl->p, pl->l);
}


/** Format one JSON message and emit it to the shim */
void abi_emitf(const char *fmt, ...)
{
	struct mbuf *mb = mbuf_alloc(256);
	va_list ap;
	int err;

	if (!mb)
		return;

	va_start(ap, fmt);
	err = mbuf_vprintf(mb, fmt, ap);
	va_end(ap);

	if (!err)
		spjs_emit((const char *)mb->buf, mb->end);

	mem_deref(mb);
}
