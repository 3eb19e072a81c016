/**
 * @file jsonstr.h  JSON strings of bytes that should be UTF-8 (wasm/jsonstr)
 *
 * The one escaper of the core's JSON output: the events and replies of
 * wasm/abi/ and check-sip's report (wasm/check/report.c).  Each prints the
 * string with its quotes.  Include <re.h> first.
 */

int jsonstr_mem(struct re_printf *pf, const uint8_t *p, size_t n);
int jsonstr_pl(struct re_printf *pf, const struct pl *pl);
