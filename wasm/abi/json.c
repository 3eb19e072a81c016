/**
 * @file json.c  JSON string output for events and replies (RFC 8259 7)
 *
 * Strings from the network (reason phrases, URIs) are escaped so the
 * result is always valid JSON, by the core's one escaper (wasm/jsonstr/:
 * control characters as \u00XX, bytes that are not valid UTF-8 replaced
 * by U+FFFD); here an absent string is null.
 */
#include <string.h>
#include <re.h>
#include "spjs.h"
#include "jsonstr.h"
#include "abi.h"


/** Print a C string as a JSON string (NULL prints null) */
int abi_json_str(struct re_printf *pf, const char *s)
{
	if (!s)
		return re_hprintf(pf, "null");

	return jsonstr_mem(pf, (const uint8_t *)s, strlen(s));
}


/** Print a pointer-length string as a JSON string (unset prints null) */
int abi_json_pl(struct re_printf *pf, const struct pl *pl)
{
	if (!pl || !pl->p)
		return re_hprintf(pf, "null");

	return jsonstr_mem(pf, (const uint8_t *)pl->p, pl->l);
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
