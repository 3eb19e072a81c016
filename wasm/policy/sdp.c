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
 * Privacy (policy_sdp_local, what may leave): see sdp_rewrite.c.
 *
 * The policy is in three files (priv.h): this one reads the SDP line by
 * line with the lexer of sdp_scan.c, judges it and holds the entry
 * points; sdp_rewrite.c writes what leaves.
 */
#include <ctype.h>
#include <string.h>
#include <re.h>
#include "policy.h"
#include "priv.h"


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


static void note(struct scan *s, enum reason r, unsigned line)
{
	if (!s->first[r])
		s->first[r] = line;
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

	if (!policy_field(&func, &rest) || !policy_is_token(&func) ||
	    !policy_field(&fp, &rest) || rest.l)
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
		if (policy_pl_is(&func, hash[i].name)) {
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

				if (policy_pl_is(&w, "NULL"))
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
				if (policy_pl_is(&f, unprotected[i]))
					return R_NULL_CIPHER;
			}
		}
	}

	return r;
}


/* One a= line (in section m, NULL at session level): what it tells */
static int attribute(struct scan *s, struct media *m, const struct pl *val,
		     unsigned n)
{
	const char *colon = pl_strchr(val, ':');
	struct pl name, value;

	name.p = val->p;
	name.l = colon ? (size_t)(colon - val->p) : val->l;
	value.p = colon ? colon + 1 : val->p + val->l;
	value.l = val->l - name.l - (colon ? 1 : 0);

	if (!policy_is_token(&name))
		return fail(s, EBADMSG, n, "bad attribute name");

	if (policy_pl_is(&name, "candidate")) {
		struct cand c;

		if (!m)
			return fail(s, EBADMSG, n,
				    "a=candidate outside a media section");
		++s->ncand;
		if (++m->ncand > POLICY_SDP_CAND_MAX)
			return fail(s, EMSGSIZE, n,
				    "more than 64 candidates in a section");
		if (!policy_candidate(&c, &value))
			return fail(s, EBADMSG, n, "bad a=candidate");

		if (policy_pl_is(&c.type, "relay"))
			m->relay = true;

		if (s->local && s->priv != POLICY_PRIVACY_OFF &&
		    !policy_pl_is(&c.type, "host") &&
		    policy_cand_leaves(s->priv, &c) &&
		    c.kind != ADDR_FQDN && !policy_ip_private(&c.ip) &&
		    !policy_kept_has(s, &c.ip) && s->nkept < KEPT_MAX)
			s->kept[s->nkept++] = c.ip;
	}
	else if (policy_pl_is(&name, "fingerprint")) {
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
	else if (policy_pl_is(&name, "crypto")) {
		note(s, crypto(&value), n);
	}
	else if (policy_pl_is(&name, "rtcp")) {
		struct pl addr;

		if (!policy_rtcp(&value, &addr))
			return fail(s, EBADMSG, n, "bad a=rtcp value");
	}
	else if (policy_pl_is(&name, "group") && !m) {
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
	else if (policy_pl_is(&name, "mid") && m) {
		unsigned i;

		if (!policy_is_token(&value) || m->mid.p)
			return fail(s, EBADMSG, n, "bad a=mid");
		for (i = 0; i < s->nm; ++i) {
			if (!pl_cmp(&s->m[i].mid, &value))
				return fail(s, EBADMSG, n,
					    "a=mid repeated (RFC 5888 4)");
		}
		m->mid = value;
	}
	else if (policy_pl_is(&name, "bundle-only") && m) {
		m->active = true;
	}

	return 0;
}


/* The pass over the lines, in order; stops at a structural error */
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

	while (policy_line_next(&line, &p, end)) {
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
			if (!policy_origin(&val, &addr))
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
			if (!policy_timing(&val))
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

			if (!policy_net_addr(&addr, &rest, true))
				return fail(s, EBADMSG, n, "bad c= line");
			break;
		}

		case 'b':
			if (!policy_bandwidth(&val))
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
			if (!policy_media_line(m, &val))
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
	err = policy_rewrite(out, &s, sdp, len);
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
