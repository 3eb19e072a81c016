/**
 * @file jsonstr.c  Tests of the JSON string escaper (wasm/jsonstr/jsonstr.c)
 *
 * The one escaper of the events, the replies and check-sip's report:
 * every output is a JSON string (RFC 8259 7) whatever the octets, and
 * well-formed UTF-8 (RFC 3629 4) passes unchanged.
 */
#include <re.h>
#include "jsonstr.h"
#include "test.h"


static int mem_print(struct re_printf *pf, void *arg)
{
	const struct pl *pl = arg;

	return jsonstr_mem(pf, (const uint8_t *)pl->p, pl->l);
}


int test_jsonstr_escape(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} v[] = {
		{"", 0, "\"\""},
		{"abc", 3, "\"abc\""},
		{"a\"b\\c/", 6, "\"a\\\"b\\\\c/\""},
		/* control characters, NUL and DEL as \u00XX, lowercase */
		{"\x00\x01\t\n\x1f\x7f", 6,
		 "\"\\u0000\\u0001\\u0009\\u000a\\u001f\\u007f\""},
		/* well-formed: 2, 3 and 4 octets, U+10FFFF the last */
		{"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", 13,
		 "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\""},
		/* overlong (C0 80, E0 80 80), surrogate, above U+10FFFF:
		 * every octet of them is U+FFFD */
		{"\xc0\x80|\xe0\x80\x80|\xed\xa0\x80|\xf4\x90\x80\x80", 15,
		 "\"\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
		 "\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd\""},
		/* a lone continuation octet, F5-FF, a sequence cut short */
		{"\x80x\xf5\xffx\xe2\x82", 7,
		 "\"\\ufffdx\\ufffd\\ufffdx\\ufffd\\ufffd\""},
	};
	struct mbuf *mb;
	struct pl pl;
	size_t i;
	int err = 0;

	mb = mbuf_alloc(128);
	if (!mb)
		return ENOMEM;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		pl.p = v[i].in;
		pl.l = v[i].len;

		mbuf_rewind(mb);
		err  = mbuf_printf(mb, "%H", mem_print, &pl);
		err |= mbuf_write_u8(mb, 0);
		TEST_ERR(err);
		TEST_STRCMP(v[i].out, (char *)mb->buf);

		mbuf_rewind(mb);
		err  = mbuf_printf(mb, "%H", jsonstr_pl, &pl);
		err |= mbuf_write_u8(mb, 0);
		TEST_ERR(err);
		TEST_STRCMP(v[i].out, (char *)mb->buf);
	}

	/* an unset string is the empty one */
	mbuf_rewind(mb);
	err  = mbuf_printf(mb, "%H", jsonstr_pl, &pl_null);
	err |= mbuf_write_u8(mb, 0);
	TEST_ERR(err);
	TEST_STRCMP("\"\"", (char *)mb->buf);

 out:
	mem_deref(mb);

	return err;
}
