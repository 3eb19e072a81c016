/**
 * @file sdp.c  SDP policy: DTLS-SRTP only, and what our own SDP may reveal
 *
 * Every SDP passes here in both directions: a remote offer or answer
 * before the browser's setRemoteDescription, and the browser's own SDP
 * before it leaves, where the privacy mode is applied.  Pure: bytes in,
 * verdict (and rewritten SDP) out; no I/O, no state, no heap on the
 * check path.
 *
 * RFCs: 8866 (SDP), 3264 (offer/answer), 5764 and 8842 (DTLS-SRTP),
 * 8122 (a=fingerprint), 4568 (SDES a=crypto), 8839 (ICE candidates),
 * 8843 (BUNDLE), 5888 (a=group, a=mid), 8841 (SCTP data channel),
 * 3605 (a=rtcp), 8829 (JSEP); addresses: 1918, 6598, 3927, 4193, 4291.
 *
 * Reasons (stable codes), most important first.  A structural error
 * (too-large, malformed-sdp) is reported at the first offending line in
 * reading order and stops the scan: policy is judged only on an SDP that
 * parsed.  Among policy refusals the first row that applies wins, at
 * the first line where it applies:
 *
 *   code               errno     when
 *   invalid-argument   EINVAL    NULL SDP or out buffer, unknown privacy
 *   too-large          EMSGSIZE  > 64 KiB, a line > 4 KiB, > 16 m= lines,
 *                                > 64 a=candidate in one m= section,
 *                                or the rewritten SDP would exceed these
 *   malformed-sdp      EBADMSG   not RFC 8866: v=0 not first, o= and s=
 *                                not next, no t=, unknown type, bad m=,
 *                                c=, o=, t=, b=, a=candidate, a=rtcp or
 *                                a=fingerprint value, NUL, bare CR, an
 *                                empty line inside, a second v=, k=
 *   null-cipher        EPROTO    a=crypto with a NULL suite or an
 *                                UNENCRYPTED_/UNAUTHENTICATED_ parameter
 *   mki-present        EPROTO    a=crypto whose inline key has an MKI
 *   sdes-offered       EPROTO    any a=crypto (SDES), session or media,
 *                                even next to a fingerprint
 *   mixed-profiles     EPROTO    an active non-DTLS m= line in an SDP
 *                                that also has active DTLS media
 *   plain-rtp          EPROTO    an active m= line whose proto is not
 *                                DTLS (RTP/AVP, RTP/SAVPF, udptl ...)
 *   no-fingerprint     EPROTO    active DTLS media with no a=fingerprint
 *                                in its section, the session or its
 *                                BUNDLE group
 *   weak-fingerprint   EPROTO    any a=fingerprint hash other than
 *                                sha-256/384/512
 *   relay-unavailable  EPROTO    local, relay mode: active media (and its
 *                                BUNDLE group) without a relay candidate
 *
 * The SDES family comes first because it puts keys in the signalling;
 * then the media profile (the peer does not do DTLS at all), mixed
 * before plain since it names the m= line that breaks an otherwise
 * secure call; then the fingerprint, missing before weak.
 *
 * Decisions:
 * - Line ends: CRLF, or LF alone (RFC 8866 5: parsers SHOULD accept
 *   it), per line; the last line may lack its end; empty lines may only
 *   trail.  A CR not before LF is malformed.  Output is always CRLF.
 * - Order: v=, o=, s= must be lines 1-3; a t= must precede the first
 *   m=; session-only lines inside a media section are malformed.  An
 *   empty s= is tolerated (sdp-transform's normal.sdp has one).
 * - Active media: port != 0, or a=bundle-only (RFC 8843 6: a port-0
 *   bundle-only section is sent in the BUNDLE transport).  Nothing
 *   active at all (every stream rejected, or no m= line) is accepted:
 *   no media flows, so nothing insecure is accepted; the call layer
 *   decides what a call without media means.
 * - Profiles: DTLS are UDP/TLS/RTP/SAVP(F), TCP/DTLS/RTP/SAVP(F) and
 *   the data channel's UDP/DTLS/SCTP, TCP/DTLS/SCTP and legacy
 *   DTLS/SCTP (Safari).  RTP/SAVPF with a fingerprint (old Chrome,
 *   sdp-transform icelite) is plain-rtp: JSEP (RFC 8829 5.1.3) lets a
 *   browser accept it, but a SIP peer naming it may mean SDES or plain
 *   RTP; one that does DTLS-SRTP names a DTLS profile.
 * - Fingerprints: every a=fingerprint must be hex pairs of its hash's
 *   length (malformed otherwise); one weak hash anywhere refuses the
 *   SDP, even next to a strong one (RFC 8122 5 lets the verifier pick).
 * - k= (RFC 8866 5.12: obsolete, MUST NOT be sent) is malformed.
 * - a=candidate and a=rtcp are checked on both directions (RFC 8839
 *   5.1, RFC 3605); a=candidate at session level is malformed.
 *
 * Privacy (policy_sdp_local), on what leaves:
 * - mdns: a host candidate leaves only if its address is an mDNS
 *   ".local" name; srflx, prflx and relay leave with "raddr 0.0.0.0
 *   rport 0" ("::" for IPv6); unknown types are dropped.
 * - relay: only typ relay candidates leave, scrubbed the same way; an
 *   active m= section without one, directly or through its BUNDLE group,
 *   is refused with relay-unavailable (fail closed).
 * - In both: c= and a=rtcp keep their address only if it is a public IP
 *   of a candidate that leaves (the first 32 distinct ones are tracked;
 *   the rest are zeroed, never wrongly kept); otherwise 0.0.0.0 / ::.
 *   The o= address keeps the dummies 127.0.0.1, 0.0.0.0, ::1, :: that
 *   browsers write (byte-exact for Chrome and Firefox) and anything else
 *   becomes 127.0.0.1 / ::1.
 * - off: nothing rewritten.  Every other byte and the line order stay;
 *   line ends become CRLF and trailing empty lines go.
 */
#include <ctype.h>
#include <string.h>
#include <re.h>
#include "policy.h"
#include "inet.h"


enum {
	KEPT_MAX   = 32,   /* public addresses of candidates that leave */
	FOUND_MAX  = 32,   /* RFC 8839: foundation is 1*32 ice-char     */
	COMP_MAX   = 256,  /* RFC 8839: component-id 1 to 256           */
	SESSID_MAX = 32,   /* digits in o= sess-id and sess-version     */
};

/* Policy reasons in order of precedence */
enum reason {
	R_NULL_CIPHER = 0,
	R_MKI,
	R_SDES,
	R_MIXED,
	R_PLAIN,
	R_NO_FP,
	R_WEAK_FP,
	R_RELAY,
	R_COUNT
};

static const char * const reason_code[R_COUNT] = {
	"null-cipher",
	"mki-present",
	"sdes-offered",
	"mixed-profiles",
	"plain-rtp",
	"no-fingerprint",
	"weak-fingerprint",
	"relay-unavailable",
};

/*
 * What makes an SDP refused, in words, is for check-sdp and the C tests
 * (sipshield-check.wasm, native).  The page core compiles this file with
 * PAGE_CORE: the same verdicts, reason codes and lines, no text (the
 * shim and the widget name the reasons).
 */
#ifdef PAGE_CORE
#define DETAIL(text) NULL
#else
#define DETAIL(text) text
#endif

static const char * const reason_detail[R_COUNT] = {
	DETAIL("a=crypto offers a NULL cipher or unencrypted SRTP (RFC 4568)"),
	DETAIL("a=crypto key carries an MKI (RFC 4568 9.1); SDES is refused"),
	DETAIL("a=crypto (SDES, RFC 4568) is refused: DTLS-SRTP only"),
	DETAIL("media mixes DTLS-SRTP with an unprotected profile"),
	DETAIL("media profile is not DTLS-SRTP (use UDP/TLS/RTP/SAVPF)"),
	DETAIL("DTLS media without a=fingerprint (RFC 8122 5)"),
	DETAIL("fingerprint hash is not sha-256, sha-384 or sha-512"),
	DETAIL("relay privacy: no TURN relay candidate for this media"),
};

static const char REASON_MALFORMED[] = "malformed-sdp";
static const char REASON_TOO_LARGE[] = "too-large";

enum addr_kind { ADDR_BAD = 0, ADDR_IP4, ADDR_IP6, ADDR_FQDN };

struct ipaddr {
	uint8_t af;       /* 4 or 6 */
	uint8_t b[16];    /* IPv4 in b[0..3] */
};

struct media {
	struct pl mid;
	unsigned line;    /* the m= line */
	unsigned ncand;
	bool active;      /* port != 0 or a=bundle-only */
	bool dtls;        /* proto is DTLS-keyed */
	bool fp;          /* a=fingerprint in this section */
	bool relay;       /* a typ relay candidate in this section */
};

struct scan {
	enum policy_privacy priv;
	bool local;
	struct media m[POLICY_SDP_MLINE_MAX];
	unsigned nm;
	bool sess_fp;
	struct pl group[POLICY_SDP_MLINE_MAX];  /* BUNDLE mid lists */
	unsigned ngroup;
	unsigned first[R_COUNT];                /* line of each reason */
	struct ipaddr kept[KEPT_MAX];
	unsigned nkept;
	const char *reason;                     /* structural error */
	unsigned line;
	const char *detail;
	const char *fp_alg;                     /* first a=fingerprint */
	unsigned ncand;                         /* a=candidate lines */
};

struct cand {
	struct pl addr;
	struct pl type;
	struct pl raddr;   /* value; p NULL if absent */
	struct pl rport;
	enum addr_kind kind;
	struct ipaddr ip;
};


/* The detail goes with the check build only (DETAIL) */
#define fail(s, err, line, detail) fail_(s, err, line, DETAIL(detail))

static int fail_(struct scan *s, int err, unsigned line, const char *detail)
{
	s->reason = err == EMSGSIZE ? REASON_TOO_LARGE : REASON_MALFORMED;
	s->line = line;
	s->detail = detail;

	return err;
}


static void note(struct scan *s, enum reason r, unsigned line)
{
	if (!s->first[r])
		s->first[r] = line;
}


/* The next line at *pp without its LF or CRLF */
static bool line_next(struct pl *line, const char **pp, const char *end)
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
static bool field(struct pl *f, struct pl *rest)
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


static bool is_token(const struct pl *pl)
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


static bool pl_is(const struct pl *pl, const char *s)
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


static enum addr_kind addr_kind(const struct pl *pl, struct ipaddr *ip)
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
static bool ip_private(const struct ipaddr *ip)
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


static bool is_mdns(const struct pl *addr)
{
	static const char sfx[] = ".local";
	const size_t n = sizeof(sfx) - 1;
	struct pl tail;

	if (addr->l <= n)
		return false;

	tail.p = addr->p + addr->l - n;
	tail.l = n;

	return pl_is(&tail, sfx);
}


/* "IN IP4 addr" or "IN IP6 addr" (c=, o=, a=rtcp); addr in *addr */
static bool net_addr(struct pl *addr, struct pl *rest, bool ttl)
{
	struct pl net, type, a;
	enum addr_kind k;

	if (!field(&net, rest) || !field(&type, rest) || !field(addr, rest) ||
	    rest->l || pl_strcmp(&net, "IN"))
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

	k = addr_kind(&a, NULL);
	if (!pl_strcmp(&type, "IP4"))
		return k == ADDR_IP4 || k == ADDR_FQDN;
	if (!pl_strcmp(&type, "IP6"))
		return k == ADDR_IP6 || k == ADDR_FQDN;

	return false;
}


/* --- lines ------------------------------------------------------------- */

/* RFC 8866 5.2 */
static bool origin(const struct pl *val, struct pl *addr)
{
	struct pl rest = *val, user, id, ver;

	return field(&user, &rest) && vchars(&user) &&
		field(&id, &rest) && digits(&id, SESSID_MAX, NULL) &&
		field(&ver, &rest) && digits(&ver, SESSID_MAX, NULL) &&
		net_addr(addr, &rest, false);
}


/* RFC 8866 5.9 */
static bool timing(const struct pl *val)
{
	struct pl rest = *val, start, stop;

	return field(&start, &rest) && digits(&start, 20, NULL) &&
		field(&stop, &rest) && digits(&stop, 20, NULL) && !rest.l;
}


/* RFC 8866 5.8 */
static bool bandwidth(const struct pl *val)
{
	const char *colon = pl_strchr(val, ':');
	struct pl type, bw;

	if (!colon)
		return false;

	type.p = val->p;
	type.l = colon - val->p;
	bw.p = colon + 1;
	bw.l = val->l - type.l - 1;

	return is_token(&type) && digits(&bw, 20, NULL);
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
		if (pl_is(proto, dtls[i]))
			return true;
	}

	return false;
}


/* RFC 8866 5.14 */
static bool media_line(struct media *m, const struct pl *val)
{
	struct pl rest = *val, type, port, proto, fmt;
	const char *slash;
	uint64_t n;

	if (!field(&type, &rest) || !is_token(&type) ||
	    !field(&port, &rest) || !field(&proto, &rest) ||
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

	if (!field(&fmt, &rest))
		return false;
	do {
		if (!is_token(&fmt))
			return false;
	} while (field(&fmt, &rest));

	if (rest.l)
		return false;

	m->active = n != 0;
	m->dtls = proto_dtls(&proto);

	return true;
}


/* RFC 8122 5; *weak set for a hash other than sha-256/384/512, *alg to
 * its name ("sha-256", ...; NULL if unknown) */
static bool fingerprint(const struct pl *val, bool *weak, const char **alg)
{
	static const struct {
		const char *name;
		size_t len;
		bool weak;
	} hash[] = {
		{"sha-256", 32, false}, {"sha-384", 48, false},
		{"sha-512", 64, false}, {"sha-1", 20, true},
		{"sha-224", 28, true},  {"md5", 16, true}, {"md2", 16, true},
	};
	struct pl rest = *val, func, fp;
	size_t i, len = 0;

	if (!field(&func, &rest) || !is_token(&func) ||
	    !field(&fp, &rest) || rest.l)
		return false;

	/* 2UHEX *(":" 2UHEX); lowercase seen in the wild and accepted */
	if (fp.l % 3 != 2)
		return false;

	for (i = 0; i < fp.l; i += 3) {
		if (!isxdigit((uint8_t)fp.p[i]) ||
		    !isxdigit((uint8_t)fp.p[i + 1]) ||
		    (i + 2 < fp.l && fp.p[i + 2] != ':'))
			return false;
	}
	len = (fp.l + 1) / 3;

	*weak = true;
	*alg = NULL;
	for (i = 0; i < ARRAY_SIZE(hash); ++i) {
		if (pl_is(&func, hash[i].name)) {
			*weak = hash[i].weak;
			*alg = hash[i].name;
			return len == hash[i].len;
		}
	}

	return len <= 64;
}


/* RFC 4568 9.1: every a=crypto is refused; find the most specific why */
static enum reason crypto(const struct pl *val)
{
	static const char *unprotected[] = {
		"UNENCRYPTED_SRTP", "UNENCRYPTED_SRTCP",
		"UNAUTHENTICATED_SRTP",
	};
	struct pl rest = *val, f;
	enum reason r = R_SDES;
	unsigned k = 0;
	size_t i;

	while (rest.l) {
		const char *sp = pl_strchr(&rest, ' ');

		f.p = rest.p;
		f.l = sp ? (size_t)(sp - rest.p) : rest.l;
		pl_advance(&rest, f.l + (sp ? 1 : 0));
		if (!f.l)
			continue;

		++k;
		if (k == 2) {
			/* crypto-suite: NULL_HMAC_SHA1_80, ..._NULL_AUTH */
			for (i = 0; i + 4 <= f.l; ++i) {
				const struct pl w = {f.p + i, 4};

				if (pl_is(&w, "NULL"))
					return R_NULL_CIPHER;
			}
		}
		else if (k == 3) {
			/* inline:key||lifetime||mki:len, several by ';' */
			for (i = 0; i < f.l; ++i) {
				const struct pl tail = {f.p + i, f.l - i};
				const char *semi;

				if (f.p[i] != '|')
					continue;
				semi = pl_strchr(&tail, ';');
				if (memchr(f.p + i + 1, ':',
					   (semi ? semi : f.p + f.l) -
					   (f.p + i + 1)))
					r = R_MKI;
			}
		}
		else if (k > 3) {
			for (i = 0; i < ARRAY_SIZE(unprotected); ++i) {
				if (pl_is(&f, unprotected[i]))
					return R_NULL_CIPHER;
			}
		}
	}

	return r;
}


/* RFC 8839 5.1 */
static bool candidate(struct cand *c, const struct pl *val)
{
	struct pl rest = *val, f, name;
	uint64_t v;
	size_t i;

	memset(c, 0, sizeof(*c));

	if (!field(&f, &rest) || f.l > FOUND_MAX)
		return false;
	for (i = 0; i < f.l; ++i) {
		const char ch = f.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '+' || ch == '/'))
			return false;
	}

	if (!field(&f, &rest) || !digits(&f, 3, &v) || !v || v > COMP_MAX)
		return false;

	if (!field(&f, &rest) || !is_token(&f))
		return false;

	if (!field(&f, &rest) || !digits(&f, 10, &v) || v > 0xffffffffu)
		return false;

	if (!field(&c->addr, &rest))
		return false;
	c->kind = addr_kind(&c->addr, &c->ip);
	if (c->kind == ADDR_BAD)
		return false;

	if (!field(&f, &rest) || !is_port(&f))
		return false;

	if (!field(&f, &rest) || pl_strcmp(&f, "typ") ||
	    !field(&c->type, &rest) || !is_token(&c->type))
		return false;

	while (field(&name, &rest)) {
		if (!is_token(&name) || !field(&f, &rest) || !vchars(&f))
			return false;

		if (!pl_strcmp(&name, "raddr")) {
			if (c->raddr.p || addr_kind(&f, NULL) == ADDR_BAD)
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
static bool rtcp(const struct pl *val, struct pl *addr)
{
	struct pl rest = *val, port;

	addr->p = NULL;
	addr->l = 0;

	if (!field(&port, &rest) || !is_port(&port))
		return false;

	if (!rest.l)
		return true;

	return net_addr(addr, &rest, false);
}


static bool cand_leaves(enum policy_privacy priv, const struct cand *c)
{
	switch (priv) {

	case POLICY_PRIVACY_OFF:
		return true;

	case POLICY_PRIVACY_RELAY:
		return pl_is(&c->type, "relay");

	default:
		if (pl_is(&c->type, "host"))
			return c->kind == ADDR_FQDN && is_mdns(&c->addr);

		return pl_is(&c->type, "srflx") || pl_is(&c->type, "prflx") ||
			pl_is(&c->type, "relay");
	}
}


static bool kept_has(const struct scan *s, const struct ipaddr *ip)
{
	unsigned i;

	for (i = 0; i < s->nkept; ++i) {
		if (s->kept[i].af == ip->af &&
		    !memcmp(s->kept[i].b, ip->b, ip->af == 4 ? 4 : 16))
			return true;
	}

	return false;
}


static int attribute(struct scan *s, struct media *m, const struct pl *val,
		     unsigned n)
{
	const char *colon = pl_strchr(val, ':');
	struct pl name, value;

	name.p = val->p;
	name.l = colon ? (size_t)(colon - val->p) : val->l;
	value.p = colon ? colon + 1 : val->p + val->l;
	value.l = val->l - name.l - (colon ? 1 : 0);

	if (!is_token(&name))
		return fail(s, EBADMSG, n, "bad attribute name");

	if (pl_is(&name, "candidate")) {
		struct cand c;

		if (!m)
			return fail(s, EBADMSG, n,
				    "a=candidate outside a media section");
		++s->ncand;
		if (++m->ncand > POLICY_SDP_CAND_MAX)
			return fail(s, EMSGSIZE, n,
				    "more than 64 candidates in a section");
		if (!candidate(&c, &value))
			return fail(s, EBADMSG, n, "bad a=candidate");

		if (pl_is(&c.type, "relay"))
			m->relay = true;

		if (s->local && s->priv != POLICY_PRIVACY_OFF &&
		    !pl_is(&c.type, "host") && cand_leaves(s->priv, &c) &&
		    c.kind != ADDR_FQDN && !ip_private(&c.ip) &&
		    !kept_has(s, &c.ip) && s->nkept < KEPT_MAX)
			s->kept[s->nkept++] = c.ip;
	}
	else if (pl_is(&name, "fingerprint")) {
		const char *alg;
		bool weak;

		if (!fingerprint(&value, &weak, &alg))
			return fail(s, EBADMSG, n, "bad a=fingerprint value");
		if (!s->fp_alg)
			s->fp_alg = alg;
		if (weak)
			note(s, R_WEAK_FP, n);
		if (m)
			m->fp = true;
		else
			s->sess_fp = true;
	}
	else if (pl_is(&name, "crypto")) {
		note(s, crypto(&value), n);
	}
	else if (pl_is(&name, "rtcp")) {
		struct pl addr;

		if (!rtcp(&value, &addr))
			return fail(s, EBADMSG, n, "bad a=rtcp value");
	}
	else if (pl_is(&name, "group") && !m) {
		struct pl sem = value;

		sem.l = pl_strchr(&value, ' ') ?
			(size_t)(pl_strchr(&value, ' ') - value.p) : value.l;
		if (pl_strcmp(&sem, "BUNDLE"))
			return 0;

		if (s->ngroup == ARRAY_SIZE(s->group))
			return fail(s, EMSGSIZE, n, "too many BUNDLE groups");
		s->group[s->ngroup] = value;
		pl_advance(&s->group[s->ngroup], sem.l);
		++s->ngroup;
	}
	else if (pl_is(&name, "mid") && m) {
		unsigned i;

		if (!is_token(&value) || m->mid.p)
			return fail(s, EBADMSG, n, "bad a=mid");
		for (i = 0; i < s->nm; ++i) {
			if (!pl_cmp(&s->m[i].mid, &value))
				return fail(s, EBADMSG, n,
					    "a=mid repeated (RFC 5888 4)");
		}
		m->mid = value;
	}
	else if (pl_is(&name, "bundle-only") && m) {
		m->active = true;
	}

	return 0;
}


static int scan(struct scan *s, const char *sdp, size_t len)
{
	const char *p = sdp, *end = sdp + len;
	struct media *m = NULL;
	unsigned n = 0, blank = 0;
	bool have_t = false;
	struct pl line;
	int err = 0;

	if (!len)
		return fail(s, EBADMSG, 0, "empty SDP");

	if (len > POLICY_SDP_SIZE_MAX)
		return fail(s, EMSGSIZE, 0, "SDP larger than 64 KiB");

	while (line_next(&line, &p, end)) {
		struct pl val;
		char type;

		++n;

		if (!line.l) {
			if (n == 1)
				return fail(s, EBADMSG, n,
					    "the SDP must begin with v=0");
			if (!blank)
				blank = n;
			continue;
		}

		if (blank)
			return fail(s, EBADMSG, blank, "empty line");

		if (line.l > POLICY_SDP_LINE_MAX)
			return fail(s, EMSGSIZE, n, "line longer than 4 KiB");

		if (memchr(line.p, '\0', line.l))
			return fail(s, EBADMSG, n, "NUL byte");

		if (memchr(line.p, '\r', line.l))
			return fail(s, EBADMSG, n, "CR without LF");

		if (line.l < 2 || line.p[1] != '=')
			return fail(s, EBADMSG, n, "not a type=value line");

		type = line.p[0];
		val.p = line.p + 2;
		val.l = line.l - 2;

		if (n == 1) {
			if (pl_strcmp(&line, "v=0"))
				return fail(s, EBADMSG, n,
					    "the SDP must begin with v=0");
			continue;
		}

		if ((n == 2 && type != 'o') || (n == 3 && type != 's'))
			return fail(s, EBADMSG, n, "o= and s= must follow v=");

		if (m && strchr("uept", type))
			return fail(s, EBADMSG, n,
				    "session line inside a media section");

		switch (type) {

		case 'v':
			return fail(s, EBADMSG, n,
				    "a second v=: one session per SDP");

		case 'o': {
			struct pl addr;

			if (n != 2)
				return fail(s, EBADMSG, n, "a second o=");
			if (!origin(&val, &addr))
				return fail(s, EBADMSG, n, "bad o= line");
			break;
		}

		case 's':
			if (n != 3)
				return fail(s, EBADMSG, n, "a second s=");
			break;

		case 'i':
		case 'u':
		case 'e':
		case 'p':
			break;

		case 't':
			if (!timing(&val))
				return fail(s, EBADMSG, n, "bad t= line");
			have_t = true;
			break;

		case 'r':
		case 'z':
			if (m || !have_t || !val.l)
				return fail(s, EBADMSG, n,
					    "r= or z= out of place");
			break;

		case 'c': {
			struct pl rest = val, addr;

			if (!net_addr(&addr, &rest, true))
				return fail(s, EBADMSG, n, "bad c= line");
			break;
		}

		case 'b':
			if (!bandwidth(&val))
				return fail(s, EBADMSG, n, "bad b= line");
			break;

		case 'k':
			return fail(s, EBADMSG, n,
				    "k= is obsolete (RFC 8866 5.12)");

		case 'a':
			err = attribute(s, m, &val, n);
			if (err)
				return err;
			break;

		case 'm':
			if (!have_t)
				return fail(s, EBADMSG, n, "t= is missing");
			if (s->nm == POLICY_SDP_MLINE_MAX)
				return fail(s, EMSGSIZE, n,
					    "more than 16 m= lines");
			m = &s->m[s->nm];
			memset(m, 0, sizeof(*m));
			m->line = n;
			if (!media_line(m, &val))
				return fail(s, EBADMSG, n, "bad m= line");
			++s->nm;
			break;

		default:
			return fail(s, EBADMSG, n, "unknown line type");
		}
	}

	if (n < 3 || !have_t)
		return fail(s, EBADMSG, 0, "o=, s= or t= is missing");

	return 0;
}


static bool in_group(const struct pl *group, const struct pl *mid)
{
	struct pl rest = *group, f;

	while (rest.l) {
		const char *sp = pl_strchr(&rest, ' ');

		f.p = rest.p;
		f.l = sp ? (size_t)(sp - rest.p) : rest.l;
		pl_advance(&rest, f.l + (sp ? 1 : 0));
		if (f.l && !pl_cmp(&f, mid))
			return true;
	}

	return false;
}


/* Another active section of a BUNDLE group of m[i] has it (RFC 8843) */
static bool bundled(const struct scan *s, unsigned i, bool relay)
{
	unsigned g, j;

	if (!s->m[i].mid.p)
		return false;

	for (g = 0; g < s->ngroup; ++g) {

		if (!in_group(&s->group[g], &s->m[i].mid))
			continue;

		for (j = 0; j < s->nm; ++j) {
			const struct media *o = &s->m[j];

			if (j == i || !o->active || !o->mid.p ||
			    !in_group(&s->group[g], &o->mid))
				continue;

			if (relay ? o->relay : o->fp)
				return true;
		}
	}

	return false;
}


static void judge(struct scan *s)
{
	bool dtls = false;
	unsigned i;

	for (i = 0; i < s->nm; ++i)
		dtls |= s->m[i].active && s->m[i].dtls;

	for (i = 0; i < s->nm; ++i) {
		const struct media *m = &s->m[i];

		if (!m->active)
			continue;

		if (!m->dtls)
			note(s, dtls ? R_MIXED : R_PLAIN, m->line);
		else if (!m->fp && !s->sess_fp && !bundled(s, i, false))
			note(s, R_NO_FP, m->line);

		if (s->local && s->priv == POLICY_PRIVACY_RELAY &&
		    !m->relay && !bundled(s, i, true))
			note(s, R_RELAY, m->line);
	}
}


static int check(struct scan *s, struct policy_verdict *v, const char *sdp,
		 size_t len)
{
	int err;
	int r;

	err = scan(s, sdp, len);
	if (err)
		goto out;

	judge(s);

	for (r = 0; r < R_COUNT; ++r) {
		if (s->first[r]) {
			s->reason = reason_code[r];
			s->line = s->first[r];
			s->detail = reason_detail[r];
			err = EPROTO;
			break;
		}
	}

 out:
	if (v) {
		v->reason = s->reason;
		v->line = s->line;
		v->detail = s->detail;
		v->fingerprint = err ? NULL : s->fp_alg;
		v->cands = err ? 0 : s->ncand;
	}

	return err;
}


/* --- the rewrite ------------------------------------------------------- */

static int put(struct mbuf *mb, const char *p, size_t n)
{
	return mbuf_write_mem(mb, (const uint8_t *)p, n);
}


/* The line with its slice at addr replaced by rep */
static int put_rep(struct mbuf *mb, const struct pl *line,
		   const struct pl *addr, const char *rep)
{
	int err;

	err  = put(mb, line->p, addr->p - line->p);
	err |= put(mb, rep, strlen(rep));
	err |= put(mb, addr->p + addr->l,
		   line->p + line->l - (addr->p + addr->l));

	return err;
}


/* c= and a=rtcp: a public address of a candidate that leaves, or zero */
static int put_conn(struct mbuf *mb, const struct scan *s,
		    const struct pl *line, const struct pl *addr, bool ip6)
{
	struct ipaddr ip;
	enum addr_kind k = addr_kind(addr, &ip);

	if ((k == ADDR_IP4 || k == ADDR_IP6) && !ip_private(&ip) &&
	    kept_has(s, &ip))
		return put(mb, line->p, line->l);

	return put_rep(mb, line, addr, ip6 ? "::" : "0.0.0.0");
}


static int put_origin(struct mbuf *mb, const struct pl *line,
		      const struct pl *addr, bool ip6)
{
	static const uint8_t lo4[4] = {127, 0, 0, 1};
	static const uint8_t zero[16];
	struct ipaddr ip;

	switch (addr_kind(addr, &ip)) {

	case ADDR_IP4:
		if (!memcmp(ip.b, zero, 4) || !memcmp(ip.b, lo4, 4))
			return put(mb, line->p, line->l);
		break;

	case ADDR_IP6:
		if (!memcmp(ip.b, zero, 15) && ip.b[15] <= 1)
			return put(mb, line->p, line->l);
		break;

	default:
		break;
	}

	return put_rep(mb, line, addr, ip6 ? "::1" : "127.0.0.1");
}


/* A candidate that leaves, with raddr/rport scrubbed */
static int put_cand(struct mbuf *mb, const struct pl *line,
		    const struct cand *c)
{
	const struct pl *first = &c->raddr, *second = &c->rport;
	const char *rep1, *rep2, *p = line->p;
	const char *z = c->raddr.p && pl_strchr(&c->raddr, ':') ?
		"::" : "0.0.0.0";
	int err = 0;

	rep1 = z;
	rep2 = "0";
	if (c->rport.p && (!c->raddr.p || c->rport.p < c->raddr.p)) {
		first = &c->rport;
		second = &c->raddr;
		rep1 = "0";
		rep2 = z;
	}

	if (first->p) {
		err |= put(mb, p, first->p - p);
		err |= put(mb, rep1, strlen(rep1));
		p = first->p + first->l;
	}
	if (second->p) {
		err |= put(mb, p, second->p - p);
		err |= put(mb, rep2, strlen(rep2));
		p = second->p + second->l;
	}
	err |= put(mb, p, line->p + line->l - p);

	return err;
}


/* The net type's address slice of a checked c=, o= or a=rtcp value */
static bool addr_of(struct pl *addr, bool *ip6, const struct pl *val,
		    unsigned skip)
{
	struct pl rest = *val, f;
	unsigned i;

	for (i = 0; i < skip; ++i)
		(void)field(&f, &rest);

	if (!field(&f, &rest) || !field(&f, &rest))
		return false;
	*ip6 = !pl_strcmp(&f, "IP6");

	return field(addr, &rest);
}


static int rewrite(struct mbuf *out, struct scan *s, const char *sdp,
		   size_t len)
{
	const char *p = sdp, *end = sdp + len;
	bool scrub = s->priv != POLICY_PRIVACY_OFF;
	struct pl line;
	unsigned n = 0;
	int err = 0;

	while (line_next(&line, &p, end)) {
		const size_t start = out->pos;
		struct pl val, name, addr;
		bool ip6, has_val;

		++n;
		if (!line.l)
			continue;

		val.p = line.p + 2;
		val.l = line.l - 2;
		name = val;
		if (pl_strchr(&val, ':'))
			name.l = pl_strchr(&val, ':') - val.p;
		has_val = name.l < val.l;

		if (!scrub) {
			err = put(out, line.p, line.l);
		}
		else if (line.p[0] == 'o' && addr_of(&addr, &ip6, &val, 3)) {
			err = put_origin(out, &line, &addr, ip6);
		}
		else if (line.p[0] == 'c' && addr_of(&addr, &ip6, &val, 0)) {
			err = put_conn(out, s, &line, &addr, ip6);
		}
		else if (line.p[0] == 'a' && has_val && pl_is(&name, "rtcp")) {
			struct pl v = {name.p + name.l + 1,
				       val.l - name.l - 1};

			if (addr_of(&addr, &ip6, &v, 1))
				err = put_conn(out, s, &line, &addr, ip6);
			else
				err = put(out, line.p, line.l);
		}
		else if (line.p[0] == 'a' && has_val &&
			 pl_is(&name, "candidate")) {
			struct pl v = {name.p + name.l + 1,
				       val.l - name.l - 1};
			struct cand c;

			if (!candidate(&c, &v) || !cand_leaves(s->priv, &c))
				continue;
			++s->ncand;
			err = put_cand(out, &line, &c);
		}
		else {
			err = put(out, line.p, line.l);
		}

		if (err)
			return err;

		if (out->pos - start > POLICY_SDP_LINE_MAX)
			return fail(s, EMSGSIZE, n,
				    "rewritten line longer than 4 KiB");

		err = put(out, "\r\n", 2);
		if (err)
			return err;
	}

	return 0;
}


/**
 * Check a remote SDP offer or answer against the DTLS-SRTP policy
 *
 * @param v    Verdict (reason, line, detail); may be NULL
 * @param sdp  The SDP as received
 * @param len  Its length in bytes
 *
 * @return 0 if it may go to the browser, EPROTO if the policy refuses it,
 *         EBADMSG if malformed, EMSGSIZE if over a limit, EINVAL on
 *         bad arguments
 */
int policy_sdp_remote(struct policy_verdict *v, const char *sdp,
		      size_t len)
{
	struct scan s;

	memset(&s, 0, sizeof(s));

	if (!sdp) {
		if (v) {
			v->reason = "invalid-argument";
			v->line = 0;
			v->detail = "no SDP";
		}
		return EINVAL;
	}

	return check(&s, v, sdp, len);
}


/**
 * Check our own SDP from the browser and write what may leave
 *
 * The result is written at out->pos with CRLF line ends; on any error
 * out is truncated back to its out->pos on entry.
 *
 * @param out      Buffer for the SDP that may be sent
 * @param v        Verdict (reason, line, detail); may be NULL
 * @param sdp      The browser's SDP
 * @param len      Its length in bytes
 * @param privacy  Privacy mode to enforce
 *
 * @return 0 if accepted, EPROTO if refused (incl. relay-unavailable),
 *         EBADMSG, EMSGSIZE, EINVAL, ENOMEM
 */
int policy_sdp_local(struct mbuf *out, struct policy_verdict *v,
		     const char *sdp, size_t len,
		     enum policy_privacy privacy)
{
	struct scan s;
	size_t start = 0;
	int err;

	memset(&s, 0, sizeof(s));
	s.local = true;
	s.priv = privacy;

	if (!out || !sdp || (unsigned)privacy > POLICY_PRIVACY_OFF) {
		s.reason = "invalid-argument";
		s.detail = !sdp ? "no SDP" : !out ? "no output buffer" :
			"unknown privacy mode";
		err = EINVAL;
		goto out;
	}

	err = check(&s, NULL, sdp, len);
	if (err)
		goto out;

	start = out->pos;
	if (privacy != POLICY_PRIVACY_OFF)
		s.ncand = 0;  /* counted again: those that leave */
	err = rewrite(out, &s, sdp, len);
	if (!err && out->pos - start > POLICY_SDP_SIZE_MAX)
		err = fail(&s, EMSGSIZE, 0,
			   "rewritten SDP larger than 64 KiB");

	if (err) {
		if (err == ENOMEM) {
			s.reason = "out-of-memory";
			s.line = 0;
			s.detail = "out of memory";
		}
		out->pos = start;
		mbuf_set_end(out, start > out->end ? out->end : start);
	}

 out:
	if (v) {
		v->reason = s.reason;
		v->line = s.line;
		v->detail = s.detail;
		v->cands = err ? 0 : s.ncand;
	}

	return err;
}


/**
 * The configuration name of a privacy mode
 *
 * @param p  Privacy mode
 *
 * @return "mdns", "relay" or "off"; NULL for an unknown value
 */
const char *policy_privacy_name(enum policy_privacy p)
{
	switch (p) {

	case POLICY_PRIVACY_MDNS:  return "mdns";
	case POLICY_PRIVACY_RELAY: return "relay";
	case POLICY_PRIVACY_OFF:   return "off";
	default:                   return NULL;
	}
}


/**
 * Decode a privacy mode from its configuration name
 *
 * @param p     Decoded mode
 * @param name  "mdns", "relay" or "off" (exact)
 *
 * @return 0 if decoded, EINVAL if NULL or unknown
 */
int policy_privacy_decode(enum policy_privacy *p, const char *name)
{
	static const enum policy_privacy all[] = {
		POLICY_PRIVACY_MDNS, POLICY_PRIVACY_RELAY, POLICY_PRIVACY_OFF
	};
	size_t i;

	if (!p || !name)
		return EINVAL;

	for (i = 0; i < ARRAY_SIZE(all); ++i) {
		if (!strcmp(name, policy_privacy_name(all[i]))) {
			*p = all[i];
			return 0;
		}
	}

	return EINVAL;
}
