/**
 * @file head.c  The message head as the check reads it: start line, fields
 *
 * The start line (RFC 3261 7.1, 7.2) and the header section split into
 * fields (7.3.1), folded lines joined.  Each field goes into the message
 * (wasm/sipmsg) as it is read, and the fields the check looks at are
 * counted and their values checked (grammar.c).
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "sipmsg.h"
#include "priv.h"


#define DEBUG_MODULE "check"
#include <re_dbg.h>


#define FIELD_LONG "header field longer than 8192 octets"

/* Which fields they are to libre (its ids: the same for a compact form) */
static const uint16_t hdr_id[HDR_OTHER] = {
	[HDR_VIA]     = SIP_HDR_VIA,
	[HDR_FROM]    = SIP_HDR_FROM,
	[HDR_TO]      = SIP_HDR_TO,
	[HDR_CALLID]  = SIP_HDR_CALL_ID,
	[HDR_CSEQ]    = SIP_HDR_CSEQ,
	[HDR_MAXFWD]  = SIP_HDR_MAX_FORWARDS,
	[HDR_CLEN]    = SIP_HDR_CONTENT_LENGTH,
	[HDR_CTYPE]   = SIP_HDR_CONTENT_TYPE,
	[HDR_CONTACT] = SIP_HDR_CONTACT,
	[HDR_DATE]    = SIP_HDR_DATE,
	[HDR_ROUTE]   = SIP_HDR_ROUTE,
	[HDR_RROUTE]  = SIP_HDR_RECORD_ROUTE,
};


static bool ctl_char(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}


/*
 * Offset just past the empty line that ends the header section, or 0 if
 * the frame has none.  *nul tells whether a NUL comes before that point.
 */
size_t check_head_end(const uint8_t *buf, size_t len, bool *nul)
{
	const uint8_t *e = buf + len;
	const uint8_t *p, *q, *nl;
	size_t end = 0;

	for (p = buf; (nl = memchr(p, '\n', e - p)) != NULL; p = nl + 1) {

		for (q = p; q < nl && *q == '\r'; ++q)
			;

		if (q == nl && p > buf) {
			end = nl + 1 - buf;
			break;
		}
	}

	*nul = NULL != memchr(buf, '\0', end ? end : len);

	return end;
}


/* RFC 3261 25.1: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT */
static bool version_syntax(const uint8_t *p, size_t n)
{
	size_t i = 4, d;

	if (n < 7 || strncasecmp((const char *)p, "SIP/", 4))
		return false;

	for (d = 0; i < n && check_digit(p[i]); ++i)
		++d;

	if (!d || i >= n || p[i++] != '.')
		return false;

	for (d = 0; i < n && check_digit(p[i]); ++i)
		++d;

	return d && i == n;
}


/* RFC 3261 7.1: the version string is case-insensitive */
static bool version_20(const uint8_t *p, size_t n)
{
	return n == 7 && !strncasecmp((const char *)p, "SIP/2.0", 7);
}


static int check_ruri(struct verdict *v, struct uri *uri, const uint8_t *p,
		      size_t n)
{
	struct pl pl;
	size_t i, slen = 0;

	if (p[0] == '<')
		return refuse(v, REASON_REQLINE,
			      "Request-URI enclosed in <> (RFC 4475 3.1.2.7)");

	if (n > CHECK_URI_MAX)
		return refuse(v, REASON_LINE,
			      "Request-URI longer than 1024 octets");

	for (i = 0; i < n; ++i) {
		if (!check_uri_char(p[i]))
			return refuse(v, REASON_URI,
				      "octet not allowed in a URI");
	}

	if (!check_scheme(p, n, &slen))
		return refuse(v, REASON_URI, "Request-URI has no scheme");

	pl.p = (const char *)p;
	pl.l = n;

	if (uri_decode(uri, &pl))
		return refuse(v, REASON_URI,
			      "libre uri_decode cannot parse the Request-URI");

	if ((slen == 3 && !strncasecmp((const char *)p, "sip", 3)) ||
	    (slen == 4 && !strncasecmp((const char *)p, "sips", 4))) {

		if (pl_isset(&uri->headers))
			return refuse(v, REASON_URI, "headers in a SIP "
				      "Request-URI (RFC 3261 19.1.1)");
	}

	return 0;
}


/* RFC 3261 7.1: Method SP Request-URI SP SIP-Version CRLF */
int check_request_line(struct verdict *v, struct sip_msg *msg,
		       const uint8_t *p, size_t n)
{
	size_t i, sp1, sp2;

	for (i = 0; i < n; ++i) {
		if (ctl_char(p[i]))
			return refuse(v, REASON_REQLINE, "control character "
				      "in the Request-Line");
	}

	for (sp1 = 0; sp1 < n && p[sp1] != ' '; ++sp1)
		;

	if (sp1 == n)
		return refuse(v, REASON_REQLINE, "no SP in the Request-Line");

	if (sp1 == 0)
		return refuse(v, REASON_REQLINE,
			      "Request-Line starts with SP");

	for (i = 0; i < sp1; ++i) {
		if (!check_token_char(p[i]))
			return refuse(v, REASON_REQLINE,
				      "Method is not a token");
	}

	if (p[n - 1] == ' ')
		return refuse(v, REASON_REQLINE,
			      "SP at the end of the Request-Line");

	if (p[sp1 + 1] == ' ')
		return refuse(v, REASON_REQLINE,
			      "more than one SP between elements");

	for (sp2 = n - 1; p[sp2] != ' '; --sp2)
		;

	if (sp2 == sp1)
		return refuse(v, REASON_REQLINE, "expected Method SP "
			      "Request-URI SP SIP-Version");

	if (p[sp2 - 1] == ' ')
		return refuse(v, REASON_REQLINE,
			      "more than one SP between elements");

	if (!version_syntax(p + sp2 + 1, n - sp2 - 1)) {

		if (memchr(p + sp1 + 1, ' ', sp2 - sp1 - 1))
			return refuse(v, REASON_REQLINE, "whitespace inside "
				      "the Request-URI");

		return refuse(v, REASON_REQLINE,
			      "no SIP-Version at the end of the Request-Line");
	}

	if (!version_20(p + sp2 + 1, n - sp2 - 1))
		return refuse(v, REASON_VERSION, "SIP-Version is not SIP/2.0");

	if (memchr(p + sp1 + 1, ' ', sp2 - sp1 - 1))
		return refuse(v, REASON_REQLINE,
			      "whitespace inside the Request-URI");

	msg->met.p  = (const char *)p;
	msg->met.l  = sp1;
	msg->ruri.p = (const char *)p + sp1 + 1;
	msg->ruri.l = sp2 - sp1 - 1;
	msg->ver.p  = (const char *)p + sp2 + 1;
	msg->ver.l  = n - sp2 - 1;

	return check_ruri(v, &msg->uri, p + sp1 + 1, sp2 - sp1 - 1);
}


/* RFC 3261 7.2: SIP-Version SP Status-Code SP Reason-Phrase CRLF */
int check_status_line(struct verdict *v, struct sip_msg *msg,
		      const uint8_t *p, size_t n)
{
	size_t i, sp1, d;
	unsigned code = 0;

	for (i = 0; i < n; ++i) {
		if (ctl_char(p[i]) && p[i] != '\t')
			return refuse(v, REASON_STATUS, "control character "
				      "in the Status-Line");
	}

	for (sp1 = 0; sp1 < n && p[sp1] != ' '; ++sp1)
		;

	if (!version_20(p, sp1))
		return refuse(v, REASON_VERSION, "SIP-Version is not SIP/2.0");

	if (sp1 == n)
		return refuse(v, REASON_STATUS, "no Status-Code");

	for (i = sp1 + 1, d = 0; i < n && check_digit(p[i]); ++i, ++d) {
		if (d < 3)
			code = code * 10 + (p[i] - '0');
	}

	if (d != 3)
		return refuse(v, REASON_STATUS,
			      "Status-Code is not three digits");

	if (code < 100 || code > 699)
		return refuse(v, REASON_STATUS,
			      "Status-Code outside 100-699");

	if (i == n || p[i] != ' ')
		return refuse(v, REASON_STATUS,
			      "no SP after the Status-Code");

	v->status = (uint16_t)code;

	msg->ver.p    = (const char *)p;
	msg->ver.l    = sp1;
	msg->scode    = (uint16_t)code;
	msg->reason.p = (const char *)p + i + 1;
	msg->reason.l = n - i - 1;

	return 0;
}


/*
 * By libre's id, as the message gets it: a field whose name hashes to
 * From's id is parsed as From, so the check treats it as one
 */
static enum hdr hdr_classify(enum sip_hdrid id)
{
	size_t h;

	for (h = 0; h < HDR_OTHER; ++h) {
		if (hdr_id[h] == id)
			break;
	}

	return (enum hdr)h;
}


/*
 * One header field is complete: it goes into the message (the value as is,
 * next where the next line starts) and the check notes it
 */
static int field_done(struct scan *s, struct sip_msg *msg,
		      enum sip_hdrid id, enum hdr h, const struct pl *name,
		      struct pl *val, const uint8_t *next)
{
	const char *bad = NULL;
	int err;

	err = sipmsg_field(msg, name, id, val->p, val->l,
			   (const char *)next);
	if (err)
		return err;

	check_trim(val);

	if (h == HDR_OTHER)
		return 0;

	if (!s->cnt[h]++)
		s->val[h] = *val;

	switch (h) {

	case HDR_FROM:
	case HDR_TO:
		bad = check_addr(val, 0);
		break;

	case HDR_CONTACT:
		bad = check_addr(val, ADDR_LIST | ADDR_STAR);
		break;

	case HDR_ROUTE:
	case HDR_RROUTE:
		bad = check_addr(val, ADDR_LIST | ADDR_NAMEADDR);
		break;

	case HDR_CTYPE:
		bad = check_ctype(val);
		break;

	case HDR_DATE:
		bad = check_date(val);
		break;

	default:
		break;
	}

	if (bad && !s->bad) {
		s->badr = bad == check_addr_long ? REASON_LINE : REASON_HEADER;
		s->bad  = bad;
		s->badh = h;
	}

	return 0;
}


/*
 * Split the header section [start, end) into fields (RFC 3261 7.3.1),
 * joining folded lines, add them to the message and note the fields of
 * enum hdr.  end is just past the empty line.
 */
int check_headers(struct verdict *v, struct scan *s, struct sip_msg *msg,
		  const uint8_t *buf, size_t start, size_t end)
{
	enum sip_hdrid id = SIP_HDR_NONE;
	enum hdr cur = HDR_OTHER;
	struct pl name = PL_INIT, val = PL_INIT;
	bool any = false;
	size_t p, q, eol, le, fs = 0, i, colon;
	int err;

	for (p = start; p < end; p = eol + 1) {

		const uint8_t *nl = memchr(buf + p, '\n', end - p), *c;

		if (!nl)
			break;

		eol = nl - buf;
		for (le = eol; le > p && buf[le - 1] == '\r'; --le)
			;

		if (le == p)
			return any ? field_done(s, msg, id, cur, &name, &val,
						buf + eol + 1) : 0;

		if (check_wsp(buf[p])) {

			if (!any)
				return refuse(v, REASON_MALFORMED, "folded "
					      "line before the first header");

			if (le - fs > CHECK_LINE_MAX)
				return refuse(v, REASON_LINE, FIELD_LONG);

			val.l = (const char *)buf + le - val.p;
			continue;
		}

		if (any) {
			err = field_done(s, msg, id, cur, &name, &val,
					 buf + p);
			if (err)
				return err;
		}

		fs = p;
		if (le - fs > CHECK_LINE_MAX)
			return refuse(v, REASON_LINE, FIELD_LONG);

		c = memchr(buf + p, ':', le - p);
		if (!c)
			return refuse(v, REASON_MALFORMED,
				      "header line without ':'");

		colon = c - buf;

		for (i = colon; i > p && check_wsp(buf[i - 1]); --i)
			;

		if (i == p)
			return refuse(v, REASON_MALFORMED,
				      "empty header name");

		for (q = p; q < i; ++q) {
			if (!check_token_char(buf[q]))
				return refuse(v, REASON_MALFORMED,
					      "header name is not a token");
		}

		name.p = (const char *)buf + p;
		name.l = i - p;
		id = sipmsg_hdr_id(&name);
		cur = hdr_classify(id);
		any = true;
		val.p = (const char *)buf + colon + 1;
		val.l = le - colon - 1;
	}

	return refuse(v, REASON_MALFORMED, "header section not ended by "
		      "an empty line");
}
