/**
 * @file grammar.c  The RFC 3261 25.1 rules of the message check
 *
 * Octet classes (token, URI octets, LWS) and the checks of the values of
 * the fields the check looks at: From, To, Contact, Route and
 * Record-Route addresses, Content-Type, Date (what libre's lenient
 * parsers let through), CSeq and Content-Length.  An address, Date or
 * Content-Type check returns NULL or the detail of what is wrong; the
 * others refuse the message (check_refuse: a reason, and its errno).
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "priv.h"


#define DEBUG_MODULE "check"
#include <re_dbg.h>


/** Note a refusal on the verdict; the errno of its reason (check.c) */
int check_refuse(struct verdict *v, enum reason r, const char *detail)
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


bool check_token_char(uint8_t c)
{
	return in_set(token_set, c);
}


bool check_digit(uint8_t c)
{
	return '0' <= c && c <= '9';
}


bool check_wsp(uint8_t c)
{
	return c == ' ' || c == '\t';
}


/* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
bool check_scheme(const uint8_t *p, size_t n, size_t *slen)
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

		if (!(('a' <= (c | 0x20) && (c | 0x20) <= 'z') ||
		      check_digit(c) || c == '+' || c == '-' || c == '.'))
			return false;
	}

	return false;
}


bool check_uri_char(uint8_t c)
{
	return c > 0x20 && c < 0x7f && !in_set(nonuri_set, c);
}


bool check_lws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


void check_trim_end(struct pl *pl)
{
	while (pl->l && check_lws((uint8_t)pl->p[pl->l - 1]))
		--pl->l;
}


void check_trim(struct pl *pl)
{
	while (pl->l && check_lws((uint8_t)pl->p[0])) {
		++pl->p;
		--pl->l;
	}

	check_trim_end(pl);
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


/* An address over CHECK_ADDR_MAX: too-long, not bad-header */
const char check_addr_long[] = BAD("address longer than 1024 octets");


/*
 * RFC 3261 20.10, 20.20, 20.30, 20.34, 20.39, 25.1: ( name-addr /
 * addr-spec ) *( SEMI generic-param ), each address at most
 * CHECK_ADDR_MAX octets (libre's sip_addr_decode and uri_decode take
 * quadratic time on long crafted values).  What sip_addr_decode lets
 * through and RFC 4475 3.1.2.6, 3.1.2.13-15 test.
 */
const char *check_addr(const struct pl *val, int flags)
{
	const uint8_t *p = (const uint8_t *)val->p;
	const uint8_t *e = p + val->l;
	const uint8_t *q, *u, *a;
	const bool list = flags & ADDR_LIST;
	size_t slen;

	for (;;) {
		while (p < e && check_lws(*p))
			++p;

		if (p == e)
			return BAD("empty address");

		a = p;

		if ((flags & ADDR_STAR) && *p == '*') {
			++p;
			while (p < e && check_lws(*p))
				++p;

			return p == e ? NULL :
				BAD("'*' is not the only Contact");
		}

		if (*p == '"') {
			if (!skip_quoted(&p, e))
				return BAD("unterminated quoted string");

			while (p < e && check_lws(*p))
				++p;

			if (p == e || *p != '<')
				return BAD("quoted display name without "
					   "<URI>");
		}
		else {
			for (q = p; q < e && (check_token_char(*q) ||
					      check_lws(*q)); ++q)
				;

			if (q < e && *q == '<')
				p = q;
		}

		if (*p == '<') {
			for (u = ++p; p < e && *p != '>'; ++p) {
				if (check_lws(*p))
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

			if (!check_scheme(p, e - p, &slen))
				return BAD("neither name-addr nor addr-spec "
					"(display name: tokens or quoted)");

			for (; p < e && !check_lws(*p) && *p != ';'; ++p) {

				if (list && *p == ',')
					break;

				if (*p == '?' || *p == ',')
					return BAD("URI with '?' or ',' "
						   "not in <> (RFC 3261 20)");

				if (!check_uri_char(*p))
					return BAD("octet not allowed "
						   "in a URI");
			}
		}

		for (;;) {
			while (p < e && check_lws(*p))
				++p;

			if (p - a > CHECK_ADDR_MAX)
				return check_addr_long;

			if (p == e)
				return NULL;

			if (*p == ',') {
				if (!list)
					return BAD("more than one address");
				++p;
				break;
			}

			if (*p != ';')
				return BAD("unexpected text after the "
					   "address");

			++p;
			while (p < e && check_lws(*p))
				++p;

			if (p == e || !check_token_char(*p))
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
const char *check_date(const struct pl *val)
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
			if (!check_digit(p[i]))
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
	while (p < e && check_lws(*p))
		++p;

	return p;
}


static const uint8_t *skip_token(const uint8_t *p, const uint8_t *e)
{
	while (p < e && check_token_char(*p))
		++p;

	return p;
}


/*
 * RFC 3261 20.15, 25.1: media-type = m-type SLASH m-subtype *(SEMI
 * m-parameter); m-parameter = token EQUAL ( token / quoted-string )
 */
const char *check_ctype(const struct pl *val)
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


/* RFC 3261 20.16: CSeq = "CSeq" HCOLON 1*DIGIT LWS Method */
int check_cseq(struct verdict *v, const struct pl *val, struct pl *met)
{
	const uint8_t *p = (const uint8_t *)val->p;
	const uint8_t *e = p + val->l;
	uint64_t num = 0;
	bool big = false;
	size_t d = 0;

	for (; p < e && check_digit(*p); ++p, ++d) {
		num = num * 10 + (*p - '0');
		if (num > CSEQ_MAX) {
			big = true;
			num = CSEQ_MAX + 1ULL;
		}
	}

	if (!d)
		return refuse(v, REASON_CSEQ, "CSeq number is not numeric");

	if (p == e || !(check_wsp(*p) || *p == '\r' || *p == '\n'))
		return refuse(v, REASON_CSEQ,
			      "CSeq is not a number, LWS and a method");

	while (p < e && (check_wsp(*p) || *p == '\r' || *p == '\n'))
		++p;

	met->p = (const char *)p;

	for (; p < e && check_token_char(*p); ++p)
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
int check_clen(struct verdict *v, const struct pl *val)
{
	uint64_t num = 0;
	size_t i;

	if (val->l && val->p[0] == '-')
		return refuse(v, REASON_CLEN, "Content-Length is negative");

	if (!val->l)
		return refuse(v, REASON_CLEN, "Content-Length is empty");

	for (i = 0; i < val->l; ++i) {
		const uint8_t c = val->p[i];

		if (!check_digit(c))
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
