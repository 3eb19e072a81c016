/**
 * @file check.c  Strict check of one incoming SIP message (check-sip)
 *
 * One input is one WebSocket message, which carries exactly one SIP
 * message (RFC 7118), so the frame is the message boundary: without
 * Content-Length the body is the rest of the frame (as over UDP, RFC 3261
 * 18.3), and octets after Content-Length worth of body are ignored (RFC
 * 4475 3.1.1.8).  The check is also the decoder: as it splits the start
 * line and the header fields it builds the message (wasm/sipmsg) that
 * libre's sip_msg_decode would give, and on the receive path that message
 * is the one the SIP stack gets (check_sip_msg): a frame is read once.
 * Around the decoding go the checks libre's lenient decoder leaves out.
 * They run in the order of this table (too-long where the part it
 * measures is read); the first that fails gives the (stable) reason code:
 *
 *   code                 errno            refused when
 *   -------------------- ---------------- --------------------------------
 *   invalid-argument     EINVAL           the buffer is NULL
 *   too-large            EMSGSIZE         more than CHECK_SIZE_MAX octets
 *   empty                EBADMSG          no octets, or only CR LF SP HT
 *   nul-byte             EBADMSG          a NUL octet before the end of
 *                                         the header section (even one
 *                                         escaped in a quoted-string,
 *                                         RFC 4475 3.1.1.2: header values
 *                                         end up in C and JS strings)
 *   malformed            EBADMSG          no line end after the start
 *                                         line, or an empty start line
 *   bad-request-line     EBADMSG          Request-Line is not Method SP
 *                                         Request-URI SP SIP-Version (RFC
 *                                         3261 7.1, 25.1): extra or
 *                                         trailing SP, LWS inside the URI,
 *                                         a <>-enclosed URI, a Method that
 *                                         is not a token, a control
 *                                         character, no SIP-Version
 *   bad-version          EPROTONOSUPPORT  SIP-Version is not SIP/2.0
 *                                         (RFC 3261 21.5.6, 505)
 *   bad-status           EBADMSG          Status-Code is not 3 digits in
 *                                         100-699 (RFC 3261 21), or the
 *                                         Status-Line is not SIP-Version
 *                                         SP Status-Code SP Reason-Phrase
 *                                         (RFC 3261 7.2)
 *   bad-uri              EBADMSG          Request-URI without a scheme,
 *                                         with an octet not allowed in a
 *                                         URI, not parsed by libre's
 *                                         uri_decode, or a SIP(S) URI with
 *                                         headers (RFC 3261 19.1.1)
 *   too-long             EMSGSIZE         start line or a header field
 *                                         (with its folded lines) longer
 *                                         than CHECK_LINE_MAX octets, a
 *                                         Request-URI longer than
 *                                         CHECK_URI_MAX, or one From, To,
 *                                         Contact, Route or Record-Route
 *                                         address longer than
 *                                         CHECK_ADDR_MAX (libre's regex
 *                                         parsers take quadratic time)
 *   malformed            EBADMSG          header section not ended by an
 *                                         empty line (incomplete), a
 *                                         header line without ':', a
 *                                         header name that is not a token,
 *                                         a folded line before the first
 *                                         header (RFC 3261 7.3.1)
 *   missing-header       EBADMSG          no (or an empty) Via, From, To,
 *                                         Call-ID or CSeq (RFC 3261 8.1.1);
 *                                         the detail names them
 *   duplicate-header     EBADMSG          more than one Call-ID, From, To,
 *                                         CSeq, Max-Forwards,
 *                                         Content-Length or Content-Type
 *                                         (RFC 3261 7.3.1); detail names
 *   bad-cseq             EBADMSG          CSeq is not 1*DIGIT LWS Method,
 *                                         or the number is above 2^31-1
 *                                         (RFC 3261 8.1.1.5, 20.16)
 *   cseq-method-mismatch EBADMSG          request Method differs from the
 *                                         CSeq method (RFC 3261 8.1.1.5)
 *   content-length       EBADMSG          Content-Length is negative, not
 *                                         a number, or above 2^32-1 (RFC
 *                                         3261 20.14)
 *   bad-header           EBADMSG          From, To, Contact, Route or
 *                                         Record-Route not name-addr /
 *                                         addr-spec (unterminated quote,
 *                                         LWS inside <>, a display name
 *                                         that is neither tokens nor a
 *                                         quoted-string, a URI with '?' or
 *                                         ',' outside <>, empty parameter;
 *                                         RFC 3261 20.10, 25.1), a
 *                                         Content-Type that is not
 *                                         type/subtype (20.15), a Date
 *                                         that is not RFC 1123 GMT (20.17)
 *   malformed            EBADMSG          libre's sip_msg_decode would
 *                                         refuse the message: its parsers
 *                                         of Via, From, To, CSeq or
 *                                         Content-Type fail, or its start
 *                                         line rules (SIP-Version in upper
 *                                         case); the detail says why when
 *                                         it can tell (e.g. a top Via
 *                                         without branch, libre needs one)
 *   content-length       EBADMSG          Content-Length larger than the
 *                                         body in the frame (RFC 4475
 *                                         3.1.2.2)
 *
 * Not checked: Max-Forwards (a UA may get requests without it, RFC 2543),
 * the syntax of other header fields, and every Via value but the top one.
 * A response with more than one Via is accepted ("via" counts them): a UAC
 * discards it (RFC 3261 8.1.3.3), but that is the transaction layer's
 * call, and captures taken between proxies have several.
 *
 * JSON (RFC 8259): strings are copied as UTF-8; '"' and '\' are escaped,
 * control characters (and DEL) become \u00XX, and each octet that does
 * not start a well-formed UTF-8 sequence (RFC 3629 section 4) becomes
 * \ufffd.  "from" and "to" are the URIs libre parsed, without the
 * surrounding LWS; "contentLength" is null when there is none.
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "sipmsg.h"
#include "check.h"


#define DEBUG_MODULE "check"
#include <re_dbg.h>


enum {
	CHECK_LINE_MAX = 8192,
	CHECK_URI_MAX  = 1024,
	CHECK_ADDR_MAX = 1024,
	CSEQ_MAX       = 0x7fffffff,
};

enum reason {
	REASON_NONE = 0,
	REASON_INVALID,
	REASON_TOO_LARGE,
	REASON_EMPTY,
	REASON_NUL,
	REASON_LINE,
	REASON_REQLINE,
	REASON_VERSION,
	REASON_STATUS,
	REASON_URI,
	REASON_MALFORMED,
	REASON_MISSING,
	REASON_DUPLICATE,
	REASON_CSEQ,
	REASON_MISMATCH,
	REASON_CLEN,
	REASON_HEADER,
	REASON_COUNT
};

/* The stable codes of check-sip's report (the page core has no report) */
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

/* The header fields the check looks at */
enum hdr {
	HDR_VIA = 0,
	HDR_FROM,
	HDR_TO,
	HDR_CALLID,
	HDR_CSEQ,
	HDR_MAXFWD,
	HDR_CLEN,
	HDR_CTYPE,
	HDR_CONTACT,
	HDR_DATE,
	HDR_ROUTE,
	HDR_RROUTE,
	HDR_OTHER
};

/* Which they are to libre (its ids: the same for a compact form), and
 * their names for check-sip's report */
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

static const char *const hdr_name[HDR_OTHER] = {
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

#define BIT(h) (1u << (h))

static const uint32_t hdrs_required = BIT(HDR_VIA) | BIT(HDR_FROM) |
	BIT(HDR_TO) | BIT(HDR_CALLID) | BIT(HDR_CSEQ);
static const uint32_t hdrs_single = BIT(HDR_CALLID) | BIT(HDR_FROM) |
	BIT(HDR_TO) | BIT(HDR_CSEQ) | BIT(HDR_MAXFWD) | BIT(HDR_CLEN) |
	BIT(HDR_CTYPE);

/* What the header scan found: count and first value of each field */
struct scan {
	uint32_t cnt[HDR_OTHER];
	struct pl val[HDR_OTHER];
	enum reason badr;      /* first problem in a field's value ...   */
	const char *bad;       /* ... its detail                         */
	enum hdr badh;         /* ... and the field it was found in      */
};

/* The decision, and what the JSON reports */
struct verdict {
	enum reason reason;
	const char *detail;    /* static ASCII text, no '"' or '\'       */
	uint32_t hdrs;         /* fields named in the detail (BIT(hdr))  */
	const char *hdr;       /* the field a bad-header detail is about */
	int liberr;            /* sip_msg_decode's error, for malformed  */
	bool req;
	uint16_t status;
	uint32_t cseq;
	bool has_clen;
	uint32_t clen;
	size_t bodylen;
	struct sip_msg *msg;   /* kept for the JSON or the SIP stack     */
};


/*
 * The detail text is for check-sip's report (sipshield-check.wasm).  The
 * page core (sipshield-core.wasm) compiles this file with PAGE_CORE:
 * the same decisions and reason codes, no text, which nothing there reads.
 */
#ifdef PAGE_CORE
#define BAD(text) ""
#else
#define BAD(text) text
#endif

#define refuse(v, r, detail) refuse_(v, r, BAD(detail))
#define FIELD_LONG "header field longer than 8192 octets"

static int refuse_(struct verdict *v, enum reason r, const char *detail)
{
	v->reason = r;
	v->detail = detail;

	switch (r) {

	case REASON_INVALID:   return EINVAL;
	case REASON_TOO_LARGE: return EMSGSIZE;
	case REASON_LINE:      return EMSGSIZE;
	case REASON_VERSION:   return EPROTONOSUPPORT;
	default:               return EBADMSG;
	}
}


/* Sets of ASCII octets: bit c of word c / 64 */
#define OCTET(c) ((uint64_t)1 << ((c) & 63))
#define DIGITS   ((uint64_t)0x3ff << '0')
#define LETTERS  ((uint64_t)0x3ffffff << ('A' - 64) | \
		  (uint64_t)0x3ffffff << ('a' - 64))

/* RFC 3261 25.1: token */
static const uint64_t token_set[2] = {
	DIGITS | OCTET('-') | OCTET('.') | OCTET('!') | OCTET('%') |
	OCTET('*') | OCTET('+') | OCTET('\''),
	LETTERS | OCTET('_') | OCTET('`') | OCTET('~'),
};

/* Octets that never appear in a URI (RFC 3986 2; RFC 3261 25.1) */
static const uint64_t nonuri_set[2] = {
	OCTET('"') | OCTET('<') | OCTET('>'),
	OCTET('\\') | OCTET('^') | OCTET('`') | OCTET('{') | OCTET('|') |
	OCTET('}'),
};


static bool in_set(const uint64_t set[2], uint8_t c)
{
	return c < 128 && (set[c >> 6] >> (c & 63) & 1);
}


static bool token_char(uint8_t c)
{
	return in_set(token_set, c);
}


static bool ctl_char(uint8_t c)
{
	return c < 0x20 || c == 0x7f;
}


static bool digit(uint8_t c)
{
	return '0' <= c && c <= '9';
}


static bool wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}


/*
 * Offset just past the empty line that ends the header section, or 0 if
 * the frame has none.  *nul tells whether a NUL comes before that point.
 */
static size_t head_end(const uint8_t *buf, size_t len, bool *nul)
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

	for (d = 0; i < n && digit(p[i]); ++i)
		++d;

	if (!d || i >= n || p[i++] != '.')
		return false;

	for (d = 0; i < n && digit(p[i]); ++i)
		++d;

	return d && i == n;
}


/* RFC 3261 7.1: the version string is case-insensitive */
static bool version_20(const uint8_t *p, size_t n)
{
	return n == 7 && !strncasecmp((const char *)p, "SIP/2.0", 7);
}


/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static bool scheme_ok(const uint8_t *p, size_t n, size_t *slen)
{
	size_t i;

	if (!n || !(('a' <= (p[0] | 0x20)) && ((p[0] | 0x20) <= 'z')))
		return false;

	for (i = 1; i < n; ++i) {
		const uint8_t c = p[i];

		if (c == ':') {
			*slen = i;
			return true;
		}

		if (!(('a' <= (c | 0x20) && (c | 0x20) <= 'z') || digit(c) ||
		      c == '+' || c == '-' || c == '.'))
			return false;
	}

	return false;
}


static bool uri_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && !in_set(nonuri_set, c);
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
		if (!uri_char(p[i]))
			return refuse(v, REASON_URI,
				      "octet not allowed in a URI");
	}

	if (!scheme_ok(p, n, &slen))
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
static int check_request_line(struct verdict *v, struct sip_msg *msg,
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
		if (!token_char(p[i]))
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
static int check_status_line(struct verdict *v, struct sip_msg *msg,
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

	for (i = sp1 + 1, d = 0; i < n && digit(p[i]); ++i, ++d) {
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


static bool lws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


static void trim_end(struct pl *pl)
{
	while (pl->l && lws((uint8_t)pl->p[pl->l - 1]))
		--pl->l;
}


static void trim(struct pl *pl)
{
	while (pl->l && lws((uint8_t)pl->p[0])) {
		++pl->p;
		--pl->l;
	}

	trim_end(pl);
}


/* Step over the quoted-string at *pp (RFC 3261 25.1, with quoted-pair) */
static bool skip_quoted(const uint8_t **pp, const uint8_t *e)
{
	const uint8_t *p = *pp + 1;

	while (p < e && *p != '"') {
		if (*p == '\\' && ++p == e)
			break;
		++p;
	}

	if (p >= e)
		return false;

	*pp = p + 1;

	return true;
}


enum {
	ADDR_LIST     = 1,  /* a comma-separated list      */
	ADDR_STAR     = 2,  /* "*" allowed (Contact)       */
	ADDR_NAMEADDR = 4,  /* <URI> required (rec-route)  */
};

static const char addr_long[] = BAD("address longer than 1024 octets");


/*
 * RFC 3261 20.10, 20.20, 20.30, 20.34, 20.39, 25.1: ( name-addr /
 * addr-spec ) *( SEMI generic-param ), each address at most
 * CHECK_ADDR_MAX octets (libre's sip_addr_decode and uri_decode take
 * quadratic time on long crafted values).  What sip_addr_decode lets
 * through and RFC 4475 3.1.2.6, 3.1.2.13-15 test.
 */
static const char *addr_check(const struct pl *val, int flags)
{
	const uint8_t *p = (const uint8_t *)val->p;
	const uint8_t *e = p + val->l;
	const uint8_t *q, *u, *a;
	const bool list = flags & ADDR_LIST;
	size_t slen;

	for (;;) {
		while (p < e && lws(*p))
			++p;

		if (p == e)
			return BAD("empty address");

		a = p;

		if ((flags & ADDR_STAR) && *p == '*') {
			++p;
			while (p < e && lws(*p))
				++p;

			return p == e ? NULL : "'*' is not the only Contact";
		}

		if (*p == '"') {
			if (!skip_quoted(&p, e))
				return BAD("unterminated quoted string");

			while (p < e && lws(*p))
				++p;

			if (p == e || *p != '<')
				return BAD("quoted display name without <URI>");
		}
		else {
			for (q = p; q < e && (token_char(*q) || lws(*q)); ++q)
				;

			if (q < e && *q == '<')
				p = q;
		}

		if (*p == '<') {
			for (u = ++p; p < e && *p != '>'; ++p) {
				if (lws(*p))
					return BAD("whitespace inside <>");
			}

			if (p == e)
				return BAD("no closing >");

			if (p == u)
				return BAD("empty URI in <>");

			++p;
		}
		else {
			if (flags & ADDR_NAMEADDR)
				return BAD("URI not enclosed in <>");

			if (!scheme_ok(p, e - p, &slen))
				return BAD("neither name-addr nor addr-spec "
					"(display name: tokens or quoted)");

			for (; p < e && !lws(*p) && *p != ';'; ++p) {

				if (list && *p == ',')
					break;

				if (*p == '?' || *p == ',')
					return BAD("URI with '?' or ',' "
						   "not in <> (RFC 3261 20)");

				if (!uri_char(*p))
					return BAD("octet not allowed "
						   "in a URI");
			}
		}

		for (;;) {
			while (p < e && lws(*p))
				++p;

			if (p - a > CHECK_ADDR_MAX)
				return addr_long;

			if (p == e)
				return NULL;

			if (*p == ',') {
				if (!list)
					return BAD("more than one address");
				++p;
				break;
			}

			if (*p != ';')
				return BAD("unexpected text after the address");

			++p;
			while (p < e && lws(*p))
				++p;

			if (p == e || !token_char(*p))
				return BAD("empty parameter");

			while (p < e && *p != ';' && *p != ',') {

				if (*p != '"') {
					++p;
					continue;
				}

				if (!skip_quoted(&p, e))
					return BAD("unterminated "
						   "quoted string");
			}
		}
	}
}


/*
 * RFC 3261 20.17, 25.1: rfc1123-date in GMT, "Sat, 13 Nov 2010 23:29:00
 * GMT" (RFC 4475 3.1.2.12)
 */
static const char *date_check(const struct pl *val)
{
	static const char days[] = "MonTueWedThuFriSatSun";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	static const char layout[] = "www, dd mmm dddd dd:dd:dd GMT";
	const char *p = val->p;
	size_t i;
	bool day = false, month = false;

	if (val->l != sizeof(layout) - 1)
		return BAD("not an RFC 1123 date in GMT");

	for (i = 0; i < sizeof(days) - 1; i += 3)
		day |= !strncasecmp(p, days + i, 3);

	for (i = 0; i < sizeof(months) - 1; i += 3)
		month |= !strncasecmp(p + 8, months + i, 3);

	if (!day || !month)
		return BAD("not an RFC 1123 date in GMT");

	for (i = 0; i < sizeof(layout) - 1; ++i) {

		switch (layout[i]) {

		case 'w':
		case 'm':
			break;

		case 'd':
			if (!digit(p[i]))
				return BAD("not an RFC 1123 date in GMT");
			break;

		default:
			if ((p[i] | 0x20) != (layout[i] | 0x20))
				return BAD("not an RFC 1123 date in GMT");
			break;
		}
	}

	return NULL;
}


static const uint8_t *skip_lws(const uint8_t *p, const uint8_t *e)
{
	while (p < e && lws(*p))
		++p;

	return p;
}


static const uint8_t *skip_token(const uint8_t *p, const uint8_t *e)
{
	while (p < e && token_char(*p))
		++p;

	return p;
}


/*
 * RFC 3261 20.15, 25.1: media-type = m-type SLASH m-subtype *(SEMI
 * m-parameter); m-parameter = token EQUAL ( token / quoted-string )
 */
static const char *ctype_check(const struct pl *val)
{
	static const char bad[] = BAD("not type/subtype *(;parameter)");
	const uint8_t *p = (const uint8_t *)val->p;
	const uint8_t *e = p + val->l;
	const uint8_t *t;

	t = skip_token(p, e);
	if (t == p)
		return bad;

	p = skip_lws(t, e);
	if (p == e || *p++ != '/')
		return bad;

	p = skip_lws(p, e);
	t = skip_token(p, e);
	if (t == p)
		return bad;

	for (p = t;;) {
		p = skip_lws(p, e);
		if (p == e)
			return NULL;

		if (*p++ != ';')
			return bad;

		p = skip_lws(p, e);
		t = skip_token(p, e);
		if (t == p)
			return bad;

		p = skip_lws(t, e);
		if (p == e || *p++ != '=')
			return bad;

		p = skip_lws(p, e);
		if (p < e && *p == '"') {
			if (!skip_quoted(&p, e))
				return bad;
			continue;
		}

		t = skip_token(p, e);
		if (t == p)
			return bad;
		p = t;
	}
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

	trim(val);

	if (h == HDR_OTHER)
		return 0;

	if (!s->cnt[h]++)
		s->val[h] = *val;

	switch (h) {

	case HDR_FROM:
	case HDR_TO:
		bad = addr_check(val, 0);
		break;

	case HDR_CONTACT:
		bad = addr_check(val, ADDR_LIST | ADDR_STAR);
		break;

	case HDR_ROUTE:
	case HDR_RROUTE:
		bad = addr_check(val, ADDR_LIST | ADDR_NAMEADDR);
		break;

	case HDR_CTYPE:
		bad = ctype_check(val);
		break;

	case HDR_DATE:
		bad = date_check(val);
		break;

	default:
		break;
	}

	if (bad && !s->bad) {
		s->badr = bad == addr_long ? REASON_LINE : REASON_HEADER;
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
static int scan_headers(struct verdict *v, struct scan *s,
			struct sip_msg *msg, const uint8_t *buf, size_t start,
			size_t end)
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

		if (wsp(buf[p])) {

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

		for (i = colon; i > p && wsp(buf[i - 1]); --i)
			;

		if (i == p)
			return refuse(v, REASON_MALFORMED,
				      "empty header name");

		for (q = p; q < i; ++q) {
			if (!token_char(buf[q]))
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


/* RFC 3261 20.16: CSeq = "CSeq" HCOLON 1*DIGIT LWS Method */
static int check_cseq(struct verdict *v, const struct pl *val,
		      struct pl *met)
{
	const uint8_t *p = (const uint8_t *)val->p;
	const uint8_t *e = p + val->l;
	uint64_t num = 0;
	bool big = false;
	size_t d = 0;

	for (; p < e && digit(*p); ++p, ++d) {
		num = num * 10 + (*p - '0');
		if (num > CSEQ_MAX) {
			big = true;
			num = CSEQ_MAX + 1ULL;
		}
	}

	if (!d)
		return refuse(v, REASON_CSEQ, "CSeq number is not numeric");

	if (p == e || !(wsp(*p) || *p == '\r' || *p == '\n'))
		return refuse(v, REASON_CSEQ,
			      "CSeq is not a number, LWS and a method");

	while (p < e && (wsp(*p) || *p == '\r' || *p == '\n'))
		++p;

	met->p = (const char *)p;

	for (; p < e && token_char(*p); ++p)
		;

	met->l = (const char *)p - met->p;

	if (!met->l || p != e)
		return refuse(v, REASON_CSEQ,
			      "CSeq is not a number, LWS and a method");

	if (big)
		return refuse(v, REASON_CSEQ,
			      "CSeq number above 2^31-1 (RFC 3261 8.1.1.5)");

	v->cseq = (uint32_t)num;

	return 0;
}


/* RFC 3261 20.14: Content-Length = ... 1*DIGIT */
static int check_clen(struct verdict *v, const struct pl *val)
{
	uint64_t num = 0;
	size_t i;

	if (val->l && val->p[0] == '-')
		return refuse(v, REASON_CLEN, "Content-Length is negative");

	if (!val->l)
		return refuse(v, REASON_CLEN, "Content-Length is empty");

	for (i = 0; i < val->l; ++i) {
		const uint8_t c = val->p[i];

		if (!digit(c))
			return refuse(v, REASON_CLEN,
				      "Content-Length is not a number");

		num = num * 10 + (c - '0');
		if (num > UINT32_MAX)
			return refuse(v, REASON_CLEN,
				      "Content-Length above 2^32-1");
	}

	v->has_clen = true;
	v->clen = (uint32_t)num;

	return 0;
}


#ifndef PAGE_CORE
/* Why libre refused a message the checks above let through */
static const char *diagnose(const struct scan *s, bool req,
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
	trim_end(&top);

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


/* What libre's decoder made of a start line the checks above accept */
static bool libre_start_line(const struct verdict *v,
			     const struct sip_msg *msg)
{
	/* a request's SIP-Version in upper case, and a response is one
	 * unless its Reason-Phrase reads "SIP/2.0" */
	return v->req ? !pl_strcmp(&msg->ver, "SIP/2.0") :
		pl_strcmp(&msg->reason, "SIP/2.0") != 0;
}


/*
 * The one decision behind check_sip, check_sip_fast, check_sip_msg and
 * sip_msg_decode, on the message at mb's position.  Returns 0 if the
 * message is accepted, the reason's errno if refused (v->reason set), or
 * another errno (ENOMEM) if the check itself failed.  An accepted message
 * is built on mb as it is checked (wasm/sipmsg: one pass over the text);
 * with keep it stays in v->msg (without its tag) and mb's position moves
 * to the body.
 */
static int decide(struct verdict *v, struct mbuf *mb, bool keep)
{
	const uint8_t *buf = mbuf_buf(mb);
	const size_t len = mbuf_get_left(mb);
	struct scan s;
	struct sip_msg *msg = NULL;
	struct pl met;
	const uint8_t *nl;
	size_t i, he, sl, hs;
	uint32_t h, miss = 0, dup = 0;
	bool nul = false;
	int err;

	if (len > CHECK_SIZE_MAX)
		return refuse(v, REASON_TOO_LARGE,
			      "message larger than 65536 octets");

	for (i = 0; i < len; ++i) {
		if (!(wsp(buf[i]) || buf[i] == '\r' || buf[i] == '\n'))
			break;
	}

	if (i == len)
		return refuse(v, REASON_EMPTY, "no SIP message in the frame");

	he = head_end(buf, len, &nul);
	if (nul)
		return refuse(v, REASON_NUL, "NUL octet in the message head");

	nl = memchr(buf, '\n', len);
	if (!nl)
		return refuse(v, REASON_MALFORMED,
			      "start line not ended by CRLF");

	hs = nl - buf + 1;
	for (sl = hs - 1; sl > 0 && buf[sl - 1] == '\r'; --sl)
		;

	if (sl == 0)
		return refuse(v, REASON_MALFORMED,
			      "empty line before the start line");

	if (sl > CHECK_LINE_MAX)
		return refuse(v, REASON_LINE,
			      "start line longer than 8192 octets");

	err = sipmsg_alloc(&msg, mb);
	if (err)
		return err;

	v->req = msg->req = !(sl >= 4 &&
			      !strncasecmp((const char *)buf, "SIP/", 4));

	if (v->req)
		err = check_request_line(v, msg, buf, sl);
	else
		err = check_status_line(v, msg, buf, sl);
	if (err)
		goto out;

	if (!he) {
		err = refuse(v, REASON_MALFORMED, "header section not ended "
			     "by an empty line");
		goto out;
	}

	memset(&s, 0, sizeof(s));
	err = scan_headers(v, &s, msg, buf, hs, he);
	if (err)
		goto out;

	for (h = 0; h < HDR_OTHER; ++h) {

		if ((BIT(h) & hdrs_required) && !s.val[h].l)
			miss |= BIT(h);

		if ((BIT(h) & hdrs_single) && s.cnt[h] > 1)
			dup |= BIT(h);
	}

	if (miss) {
		v->hdrs = miss;
		err = refuse(v, REASON_MISSING,
			     "missing or empty required header");
		goto out;
	}

	if (dup) {
		v->hdrs = dup;
		err = refuse(v, REASON_DUPLICATE,
			     "header allowed once appears more than once");
		goto out;
	}

	err = check_cseq(v, &s.val[HDR_CSEQ], &met);
	if (err)
		goto out;

	if (v->req && pl_cmp(&msg->met, &met)) {
		err = refuse(v, REASON_MISMATCH, "CSeq method "
			     "differs from the request Method");
		goto out;
	}

	if (s.cnt[HDR_CLEN]) {
		err = check_clen(v, &s.val[HDR_CLEN]);
		if (err)
			goto out;
	}

	if (s.bad) {
		v->hdr = BAD(hdr_name[s.badh]);
		err = refuse(v, s.badr, s.bad);
		goto out;
	}

	/* what libre's sip_msg_decode refuses of what passed */
	err = libre_start_line(v, msg) ? sipmsg_end(msg) : EBADMSG;
	if (err == ENOMEM)
		goto out;
	if (err) {
		v->liberr = err;
		err = refuse(v, REASON_MALFORMED,
			     diagnose(&s, v->req, buf + sl - 7));
		goto out;
	}

	if (v->has_clen && v->clen > len - he) {
		err = refuse(v, REASON_CLEN, "Content-Length larger than "
			     "the body in the frame");
		goto out;
	}

	v->bodylen = v->has_clen ? v->clen : len - he;

	if (keep) {
		mb->pos += he;
		v->msg = mem_ref(msg);
	}

 out:
	mem_deref(msg);

	return err;
}


/* A copy of the octets for the message to keep, then the decision */
static int decide_copy(struct verdict *v, const uint8_t *buf, size_t len,
		       bool keep)
{
	struct mbuf *mb;
	int err;

	if (!buf)
		return refuse(v, REASON_INVALID, "no message");

	if (len > CHECK_SIZE_MAX)
		return refuse(v, REASON_TOO_LARGE,
			      "message larger than 65536 octets");

	mb = mbuf_alloc(len ? len : 1);
	if (!mb)
		return ENOMEM;

	err = mbuf_write_mem(mb, buf, len);
	mb->pos = 0;
	if (!err)
		err = decide(v, mb, keep);

	mem_deref(mb);

	return err;
}


/* JSON string content (RFC 8259 7) of bytes that should be UTF-8 */
static int json_str(struct re_printf *pf, void *arg)
{
	static const char hex[] = "0123456789abcdef";
	const struct pl *pl = arg;
	const uint8_t *p = (const uint8_t *)pl->p;
	const uint8_t *e = p + pl->l;
	const uint8_t *run = p;
	int err = 0;

	while (p < e && !err) {
		const uint8_t c = *p;
		char esc[6] = {'\\', 'u', '0', '0', 0, 0};
		size_t n = 0, need = 0;
		uint8_t lo = 0x80, hi = 0xbf;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			++p;
			continue;
		}

		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		}
		else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		}

		if (need && (size_t)(e - p) > need) {
			size_t k;

			for (k = 1; k <= need; ++k) {
				const uint8_t b = p[k];

				if (b < (k == 1 ? lo : 0x80) ||
				    b > (k == 1 ? hi : 0xbf))
					break;
			}

			if (k > need) {
				p += need + 1;
				continue;
			}
		}

		err = pf->vph((const char *)run, p - run, pf->arg);
		if (err)
			break;

		if (c == '"' || c == '\\') {
			esc[1] = c;
			n = 2;
		}
		else if (c < 0x80) {
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			n = 6;
		}

		if (n)
			err = pf->vph(esc, n, pf->arg);
		else
			err = pf->vph("\\ufffd", 6, pf->arg);

		run = ++p;
	}

	if (!err)
		err = pf->vph((const char *)run, p - run, pf->arg);

	return err;
}


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

		err = re_hprintf(pf, "%s%s", sep, hdr_name[h]);
		sep = ", ";
	}

	if (v->liberr && !err)
		err = re_hprintf(pf, " (sip_msg_decode: %m)", v->liberr);

	return err;
}


static int json_print(struct mbuf *mb, const struct verdict *v)
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
				  "\"method\":\"%H\",\"ruri\":\"%H\"",
				  json_str, &msg->met, json_str, &msg->ruri);
	else
		err = mbuf_printf(mb, "{\"ok\":true,\"kind\":\"response\","
				  "\"status\":%u,\"reason\":\"%H\"",
				  v->status, json_str, &msg->reason);

	trim(&from);
	trim(&to);

	err |= mbuf_printf(mb, ",\"callid\":\"%H\","
			   "\"cseq\":{\"num\":%u,\"method\":\"%H\"},"
			   "\"via\":%u,\"from\":\"%H\",\"to\":\"%H\"",
			   json_str, &msg->callid,
			   v->cseq, json_str, &msg->cseq.met,
			   sip_msg_hdr_count(msg, SIP_HDR_VIA),
			   json_str, &from, json_str, &to);

	if (v->has_clen)
		err |= mbuf_printf(mb, ",\"contentLength\":%u", v->clen);
	else
		err |= mbuf_printf(mb, ",\"contentLength\":null");

	err |= mbuf_printf(mb, ",\"bodyLength\":%zu}", v->bodylen);

	return err;
}


/**
 * Check one SIP message (one WebSocket frame) and describe it as JSON
 *
 * @param json Buffer for one JSON object, written at its position; may be
 *             NULL.  Nothing is written if the check itself fails (ENOMEM)
 * @param buf  The message octets
 * @param len  Number of octets
 *
 * @return 0 if accepted; EBADMSG, EMSGSIZE, EPROTONOSUPPORT or EINVAL if
 *         refused (see the table above); ENOMEM
 */
int check_sip(struct mbuf *json, const uint8_t *buf, size_t len)
{
	struct verdict v;
	size_t pos, end;
	int err, perr;

	memset(&v, 0, sizeof(v));

	err = decide_copy(&v, buf, len, json != NULL);
	if (!json || (err && !v.reason))
		goto out;

	pos = json->pos;
	end = json->end;

	perr = json_print(json, &v);
	if (perr) {
		json->pos = pos;
		json->end = end;
		err = perr;
	}

 out:
	mem_deref(v.msg);

	return err;
}


/**
 * Check one SIP message and decode it, once, for the SIP stack
 *
 * The same decision as check_sip_fast.  An accepted message comes back as
 * libre's sip_msg_decode gives it (random tag included), decoded from a
 * copy of the octets; its mbuf's position is at the body.
 *
 * @param msgp Set to the message if accepted
 * @param buf  The message octets
 * @param len  Number of octets
 *
 * @return 0 if accepted, otherwise the errno of the refusal or ENOMEM
 */
int check_sip_msg(struct sip_msg **msgp, const uint8_t *buf, size_t len)
{
	struct verdict v;
	int err;

	if (!msgp)
		return EINVAL;

	memset(&v, 0, sizeof(v));

	err = decide_copy(&v, buf, len, true);
	if (err) {
		DEBUG_INFO("refused a message: %s (%m)\n", v.reason ?
			   reason_code[v.reason] : "not checked", err);
		return err;
	}

	v.msg->tag = rand_u64();
	*msgp = v.msg;

	return 0;
}


/**
 * Decode a SIP message (libre's API, for its transactions and the tests)
 *
 * The same decision as check_sip_msg, on the octets in place: the message
 * points into @p mb, whose position moves to the body if accepted.
 *
 * @param msgp Pointer to allocated SIP Message
 * @param mb   Buffer containing the SIP Message
 *
 * @return 0 if success, otherwise the errno of the refusal or ENOMEM
 */
int sip_msg_decode(struct sip_msg **msgp, struct mbuf *mb)
{
	struct verdict v;
	int err;

	if (!msgp || !mb)
		return EINVAL;

	memset(&v, 0, sizeof(v));

	err = decide(&v, mb, true);
	if (err)
		return err;

	v.msg->tag = rand_u64();
	*msgp = v.msg;

	return 0;
}


/**
 * Check one SIP message without describing it (same decision as check_sip)
 *
 * @param buf  The message octets
 * @param len  Number of octets
 * @param cseq Set to the CSeq number if accepted; may be NULL
 *
 * @return 0 if accepted, otherwise the errno of the refusal or ENOMEM
 */
int check_sip_fast(const uint8_t *buf, size_t len, uint32_t *cseq)
{
	struct verdict v;
	int err;

	memset(&v, 0, sizeof(v));

	err = decide_copy(&v, buf, len, false);
	if (!err && cseq)
		*cseq = v.cseq;

	return err;
}
