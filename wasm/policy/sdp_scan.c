/**
 * @file sdp_scan.c  The SDP policy's lexer (RFC 8866 and the attributes)
 *
 * Lines (CRLF or LF), SP-separated fields, tokens and digits, addresses
 * (IPv4 and IPv6 through wasm/inet/, FQDNs; which are private), and the
 * grammar of the lines whose values the policy reads: o=, t=, b=, c=,
 * m= (RFC 8866 5), a=candidate (RFC 8839 5.1) and a=rtcp (RFC 3605).
 * Pure: slices of the SDP in, true or false out.  policy_fail notes a
 * structural error (malformed-sdp, too-large), which stops the check.
 */
#include <string.h>
#include <re.h>
#include "policy.h"
#include "inet.h"
#include "priv.h"


static const char REASON_MALFORMED[] = "malformed-sdp";
static const char REASON_TOO_LARGE[] = "too-large";


/* A structural error at line (0: the whole SDP): the check stops */
int policy_fail(struct scan *s, int err, unsigned line, const char *detail)
{
	s->reason = err == EMSGSIZE ? REASON_TOO_LARGE : REASON_MALFORMED;
	s->line = line;
	s->detail = detail;

	return err;
}


/* The next line at *pp without its LF or CRLF */
bool policy_line_next(struct pl *line, const char **pp, const char *end)
{
	const char *p = *pp, *nl;

	if (p >= end)
		return false;

	nl = memchr(p, '\n', end - p);
	line->p = p;
	line->l = (nl ? nl : end) - p;
	*pp = nl ? nl + 1 : end;

	if (line->l && line->p[line->l - 1] == '\r')
		--line->l;

	return true;
}


/* The next SP-separated field; false if empty or a trailing SP */
bool policy_field(struct pl *f, struct pl *rest)
{
	const char *sp;

	if (!rest->l)
		return false;

	sp = memchr(rest->p, ' ', rest->l);
	f->p = rest->p;
	f->l = sp ? (size_t)(sp - rest->p) : rest->l;

	if (!f->l)
		return false;

	pl_advance(rest, f->l);
	if (sp) {
		pl_advance(rest, 1);
		if (!rest->l)
			return false;
	}

	return true;
}


/* RFC 8866 9: token-char */
static bool tchar(uint8_t c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2a ||
		c == 0x2b || c == 0x2d || c == 0x2e ||
		(c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ||
		(c >= 0x5e && c <= 0x7e);
}


/* RFC 8866 9: token = 1*token-char */
bool policy_is_token(const struct pl *pl)
{
	size_t i;

	if (!pl->l)
		return false;

	for (i = 0; i < pl->l; ++i) {
		if (!tchar((uint8_t)pl->p[i]))
			return false;
	}

	return true;
}


/* 1 to max digits; the value in *v if v is set */
static bool digits(const struct pl *pl, size_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!pl->l || pl->l > max)
		return false;

	for (i = 0; i < pl->l; ++i) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(pl->p[i] - '0');
	}

	if (v)
		*v = x;

	return true;
}


static bool is_port(const struct pl *pl)
{
	uint64_t v;

	return digits(pl, 5, &v) && v <= 65535;
}


static bool vchars(const struct pl *pl)
{
	size_t i;

	if (!pl->l)
		return false;

	for (i = 0; i < pl->l; ++i) {
		const uint8_t c = (uint8_t)pl->p[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}

	return true;
}


/* The slice is s, ASCII case-insensitively */
bool policy_pl_is(const struct pl *pl, const char *s)
{
	return 0 == pl_strcasecmp(pl, s);
}


/* --- addresses --------------------------------------------------------- */

static bool fqdn(const struct pl *pl)
{
	bool alpha = false;
	size_t i;

	if (!pl->l || pl->l > 253)
		return false;

	for (i = 0; i < pl->l; ++i) {
		const char c = pl->p[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-' || c == '_')
			alpha = true;
		else if (!(c >= '0' && c <= '9') && c != '.')
			return false;
	}

	/* all digits and dots is a broken IPv4, not a name */
	return alpha;
}


/* What an address is: IPv4, IPv6 (in *ip if set), an FQDN, or bad */
enum addr_kind policy_addr_kind(const struct pl *pl, struct ipaddr *ip)
{
	struct ipaddr tmp;

	if (!ip)
		ip = &tmp;

	memset(ip, 0, sizeof(*ip));

	if (inet_parse4(ip->b, pl->p, pl->l)) {
		ip->af = 4;
		return ADDR_IP4;
	}

	if (pl_strchr(pl, ':')) {
		if (!inet_parse6(ip->b, pl->p, pl->l))
			return ADDR_BAD;
		ip->af = 6;
		return ADDR_IP6;
	}

	return fqdn(pl) ? ADDR_FQDN : ADDR_BAD;
}


static bool ip4_private(const uint8_t *b)
{
	return b[0] == 0 ||                                 /* 0/8      */
		b[0] == 10 ||                               /* RFC 1918 */
		b[0] == 127 ||                              /* loopback */
		(b[0] == 100 && (b[1] & 0xc0) == 64) ||     /* RFC 6598 */
		(b[0] == 169 && b[1] == 254) ||             /* RFC 3927 */
		(b[0] == 172 && (b[1] & 0xf0) == 16) ||     /* RFC 1918 */
		(b[0] == 192 && b[1] == 168);               /* RFC 1918 */
}


/* Private, loopback, link-local or unspecified: never in c= or a=rtcp */
bool policy_ip_private(const struct ipaddr *ip)
{
	static const uint8_t mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
	static const uint8_t zero[15];

	if (ip->af == 4)
		return ip4_private(ip->b);

	if (!memcmp(ip->b, mapped, sizeof(mapped)))
		return ip4_private(ip->b + 12);

	return (ip->b[0] & 0xfe) == 0xfc ||                 /* fc00::/7  */
		(ip->b[0] == 0xfe && (ip->b[1] & 0x80)) ||  /* fe80::/9, */
		                                            /* fec0::/10 */
		(!memcmp(ip->b, zero, 15) && ip->b[15] <= 1);  /* ::, ::1 */
}


/* "IN IP4 addr" or "IN IP6 addr" (c=, o=, a=rtcp); addr in *addr */
bool policy_net_addr(struct pl *addr, struct pl *rest, bool ttl)
{
	struct pl net, type, a;
	enum addr_kind k;

	if (!policy_field(&net, rest) || !policy_field(&type, rest) ||
	    !policy_field(addr, rest) || rest->l || pl_strcmp(&net, "IN"))
		return false;

	a = *addr;
	if (ttl && pl_strchr(&a, '/')) {
		struct pl suffix;

		a.l = pl_strchr(&a, '/') - a.p;
		suffix.p = a.p + a.l + 1;
		suffix.l = addr->l - a.l - 1;

		/* RFC 8866 5.7: /ttl[/n] (IPv4) or /n (IPv6) */
		if (pl_strchr(&suffix, '/')) {
			struct pl x = suffix;

			x.l = pl_strchr(&suffix, '/') - suffix.p;
			pl_advance(&suffix, x.l + 1);
			if (!digits(&x, 3, NULL))
				return false;
		}
		if (!digits(&suffix, 5, NULL))
			return false;
	}

	k = policy_addr_kind(&a, NULL);
	if (!pl_strcmp(&type, "IP4"))
		return k == ADDR_IP4 || k == ADDR_FQDN;
	if (!pl_strcmp(&type, "IP6"))
		return k == ADDR_IP6 || k == ADDR_FQDN;

	return false;
}


/* --- lines ------------------------------------------------------------- */

/* RFC 8866 5.2 */
bool policy_origin(const struct pl *val, struct pl *addr)
{
	struct pl rest = *val, user, id, ver;

	return policy_field(&user, &rest) && vchars(&user) &&
		policy_field(&id, &rest) && digits(&id, SESSID_MAX, NULL) &&
		policy_field(&ver, &rest) && digits(&ver, SESSID_MAX, NULL) &&
		policy_net_addr(addr, &rest, false);
}


/* RFC 8866 5.9 */
bool policy_timing(const struct pl *val)
{
	struct pl rest = *val, start, stop;

	return policy_field(&start, &rest) && digits(&start, 20, NULL) &&
		policy_field(&stop, &rest) && digits(&stop, 20, NULL) &&
		!rest.l;
}


/* RFC 8866 5.8 */
bool policy_bandwidth(const struct pl *val)
{
	const char *colon = pl_strchr(val, ':');
	struct pl type, bw;

	if (!colon)
		return false;

	type.p = val->p;
	type.l = colon - val->p;
	bw.p = colon + 1;
	bw.l = val->l - type.l - 1;

	return policy_is_token(&type) && digits(&bw, 20, NULL);
}


/* RFC 8866 5.14: proto is token *("/" token) */
static bool proto_ok(const struct pl *pl)
{
	size_t i;

	if (!pl->l || pl->p[0] == '/' || pl->p[pl->l - 1] == '/')
		return false;

	for (i = 0; i < pl->l; ++i) {
		if (pl->p[i] == '/') {
			if (pl->p[i - 1] == '/')
				return false;
		}
		else if (!tchar((uint8_t)pl->p[i]))
			return false;
	}

	return true;
}


static bool proto_dtls(const struct pl *proto)
{
	static const char *dtls[] = {
		"UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVP",    /* RFC 5764 */
		"TCP/DTLS/RTP/SAVPF", "TCP/DTLS/RTP/SAVP",  /* RFC 7850 */
		"UDP/DTLS/SCTP", "TCP/DTLS/SCTP",           /* RFC 8841 */
		"DTLS/SCTP",                 /* pre-RFC 8841 data channel */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dtls); ++i) {
		if (policy_pl_is(proto, dtls[i]))
			return true;
	}

	return false;
}


/* RFC 8866 5.14 */
bool policy_media_line(struct media *m, const struct pl *val)
{
	struct pl rest = *val, type, port, proto, fmt;
	const char *slash;
	uint64_t n;

	if (!policy_field(&type, &rest) || !policy_is_token(&type) ||
	    !policy_field(&port, &rest) || !policy_field(&proto, &rest) ||
	    !proto_ok(&proto))
		return false;

	slash = pl_strchr(&port, '/');
	if (slash) {
		struct pl count;

		count.p = slash + 1;
		count.l = port.l - (size_t)(slash - port.p) - 1;
		port.l = slash - port.p;
		if (!digits(&count, 5, NULL))
			return false;
	}

	if (!digits(&port, 5, &n) || n > 65535)
		return false;

	if (!policy_field(&fmt, &rest))
		return false;
	do {
		if (!policy_is_token(&fmt))
			return false;
	} while (policy_field(&fmt, &rest));

	if (rest.l)
		return false;

	m->active = n != 0;
	m->dtls = proto_dtls(&proto);

	return true;
}


/* RFC 8839 5.1 */
bool policy_candidate(struct cand *c, const struct pl *val)
{
	struct pl rest = *val, f, name;
	uint64_t v;
	size_t i;

	memset(c, 0, sizeof(*c));

	if (!policy_field(&f, &rest) || f.l > FOUND_MAX)
		return false;
	for (i = 0; i < f.l; ++i) {
		const char ch = f.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '+' || ch == '/'))
			return false;
	}

	if (!policy_field(&f, &rest) || !digits(&f, 3, &v) || !v ||
	    v > COMP_MAX)
		return false;

	if (!policy_field(&f, &rest) || !policy_is_token(&f))
		return false;

	if (!policy_field(&f, &rest) || !digits(&f, 10, &v) || v > 0xffffffffu)
		return false;

	if (!policy_field(&c->addr, &rest))
		return false;
	c->kind = policy_addr_kind(&c->addr, &c->ip);
	if (c->kind == ADDR_BAD)
		return false;

	if (!policy_field(&f, &rest) || !is_port(&f))
		return false;

	if (!policy_field(&f, &rest) || pl_strcmp(&f, "typ") ||
	    !policy_field(&c->type, &rest) || !policy_is_token(&c->type))
		return false;

	while (policy_field(&name, &rest)) {
		if (!policy_is_token(&name) || !policy_field(&f, &rest) ||
		    !vchars(&f))
			return false;

		if (!pl_strcmp(&name, "raddr")) {
			if (c->raddr.p ||
			    policy_addr_kind(&f, NULL) == ADDR_BAD)
				return false;
			c->raddr = f;
		}
		else if (!pl_strcmp(&name, "rport")) {
			if (c->rport.p || !is_port(&f))
				return false;
			c->rport = f;
		}
	}

	return !rest.l;
}


/* RFC 3605: a=rtcp:port [IN IP4|IP6 addr]; addr->p NULL if absent */
bool policy_rtcp(const struct pl *val, struct pl *addr)
{
	struct pl rest = *val, port;

	addr->p = NULL;
	addr->l = 0;

	if (!policy_field(&port, &rest) || !is_port(&port))
		return false;

	if (!rest.l)
		return true;

	return policy_net_addr(addr, &rest, false);
}
