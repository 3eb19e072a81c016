/**
 * @file report.c  check-sip's JSON report of one message, and its detail
 *
 * For the check build (sipshield-check.wasm: the CLI, tools) and the C
 * tests: the page core has no report, and its build of the check
 * (PAGE_CORE) keeps no detail text, so nothing there calls this file
 * (but its debug build's log line, for the reason code).
 *
 * Refused: {"ok":false,"reason":CODE,"detail":TEXT}, the reason's stable
 * code (check.c's table) and a detail naming the fields, and for a
 * message libre's decoder refuses, why (check_diagnose).  Accepted: the
 * kind, method and Request-URI or status and reason phrase, Call-ID,
 * CSeq, the number of Via fields, From and To, Content-Length and the
 * body's length.
 *
 * JSON (RFC 8259): strings are copied as UTF-8; '"' and '\' are escaped,
 * control characters (and DEL) become \u00XX, and each octet that does
 * not start a well-formed UTF-8 sequence (RFC 3629 section 4) becomes
 * \ufffd (wasm/jsonstr/, the escaper of the events too).  "from" and
 * "to" are the URIs libre parsed, without the surrounding LWS;
 * "contentLength" is null when there is none.
 */
#include <string.h>
#include <re.h>
#include "jsonstr.h"
#include "priv.h"


#define DEBUG_MODULE "check"
#include <re_dbg.h>


/* The stable codes of the reasons (the page core has no report) */
static const char *const reason_code[REASON_COUNT] = {
	[REASON_NONE]      = "",
	[REASON_INVALID]   = "invalid-argument",
	[REASON_TOO_LARGE] = "too-large",
	[REASON_EMPTY]     = "empty",
	[REASON_NUL]       = "nul-byte",
	[REASON_LINE]      = "too-long",
	[REASON_REQLINE]   = "bad-request-line",
	[REASON_VERSION]   = "bad-version",
	[REASON_STATUS]    = "bad-status",
	[REASON_URI]       = "bad-uri",
	[REASON_MALFORMED] = "malformed",
	[REASON_MISSING]   = "missing-header",
	[REASON_DUPLICATE] = "duplicate-header",
	[REASON_CSEQ]      = "bad-cseq",
	[REASON_MISMATCH]  = "cseq-method-mismatch",
	[REASON_CLEN]      = "content-length",
	[REASON_HEADER]    = "bad-header",
};

/* The names of the fields in the detail */
const char *const check_hdr_name[HDR_OTHER] = {
	[HDR_VIA]     = "Via",
	[HDR_FROM]    = "From",
	[HDR_TO]      = "To",
	[HDR_CALLID]  = "Call-ID",
	[HDR_CSEQ]    = "CSeq",
	[HDR_MAXFWD]  = "Max-Forwards",
	[HDR_CLEN]    = "Content-Length",
	[HDR_CTYPE]   = "Content-Type",
	[HDR_CONTACT] = "Contact",
	[HDR_DATE]    = "Date",
	[HDR_ROUTE]   = "Route",
	[HDR_RROUTE]  = "Record-Route",
};


#ifndef PAGE_CORE
/* Why libre refused a message the checks let through (the detail) */
const char *check_diagnose(const struct scan *s, bool req,
			   const uint8_t *ver)
{
	struct sip_via via;
	struct sip_addr addr;
	struct msg_ctype ctype;
	struct pl top, branch;
	const char *comma;

	if (req && memcmp(ver, "SIP/2.0", 7))
		return "libre needs SIP-Version in upper case";

	top = s->val[HDR_VIA];
	comma = pl_strchr(&top, ',');
	if (comma)
		top.l = comma - top.p;
	check_trim_end(&top);

	memset(&via, 0, sizeof(via));
	if (sip_via_decode(&via, &top)) {

		if (pl_isset(&via.sentby) &&
		    msg_param_decode(&via.params, "branch", &branch))
			return "top Via has no branch parameter";

		return "libre cannot parse the top Via";
	}

	if (sip_addr_decode(&addr, &s->val[HDR_FROM]))
		return "libre cannot parse the From address";

	if (sip_addr_decode(&addr, &s->val[HDR_TO]))
		return "libre cannot parse the To address";

	if (s->cnt[HDR_CTYPE] && msg_ctype_decode(&ctype,
						  &s->val[HDR_CTYPE]))
		return "libre cannot parse Content-Type";

	return "libre sip_msg_decode refused the message";
}
#endif


/* The detail: static ASCII text only, so it needs no escaping */
static int detail_print(struct re_printf *pf, void *arg)
{
	const struct verdict *v = arg;
	const char *sep = ": ";
	uint32_t h;
	int err;

	if (v->hdr)
		err = re_hprintf(pf, "%s: %s", v->hdr, v->detail);
	else
		err = re_hprintf(pf, "%s", v->detail);

	for (h = 0; h < HDR_OTHER && !err; ++h) {

		if (!(v->hdrs & BIT(h)))
			continue;

		err = re_hprintf(pf, "%s%s", sep, check_hdr_name[h]);
		sep = ", ";
	}

	if (v->liberr && !err)
		err = re_hprintf(pf, " (sip_msg_decode: %m)", v->liberr);

	return err;
}


/** The stable code of a reason ("bad-cseq"; "" for none) */
const char *check_reason_code(enum reason r)
{
	return r < REASON_COUNT ? reason_code[r] : "";
}


/** Write the report of a verdict at mb's position (see the top) */
int check_report(struct mbuf *mb, const struct verdict *v)
{
	const struct sip_msg *msg = v->msg;
	struct pl from = msg ? msg->from.auri : pl_null;
	struct pl to = msg ? msg->to.auri : pl_null;
	int err;

	if (v->reason)
		return mbuf_printf(mb, "{\"ok\":false,\"reason\":\"%s\","
				   "\"detail\":\"%H\"}",
				   reason_code[v->reason],
				   detail_print, v);

	if (msg->req)
		err = mbuf_printf(mb, "{\"ok\":true,\"kind\":\"request\","
				  "\"method\":%H,\"ruri\":%H",
				  jsonstr_pl, &msg->met,
				  jsonstr_pl, &msg->ruri);
	else
		err = mbuf_printf(mb, "{\"ok\":true,\"kind\":\"response\","
				  "\"status\":%u,\"reason\":%H",
				  v->status, jsonstr_pl, &msg->reason);

	check_trim(&from);
	check_trim(&to);

	err |= mbuf_printf(mb, ",\"callid\":%H,"
			   "\"cseq\":{\"num\":%u,\"method\":%H},"
			   "\"via\":%u,\"from\":%H,\"to\":%H",
			   jsonstr_pl, &msg->callid,
			   v->cseq, jsonstr_pl, &msg->cseq.met,
			   sip_msg_hdr_count(msg, SIP_HDR_VIA),
			   jsonstr_pl, &from, jsonstr_pl, &to);

	if (v->has_clen)
		err |= mbuf_printf(mb, ",\"contentLength\":%u", v->clen);
	else
		err |= mbuf_printf(mb, ",\"contentLength\":null");

	err |= mbuf_printf(mb, ",\"bodyLength\":%zu}", v->bodylen);

	return err;
}
