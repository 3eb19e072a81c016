/**
 * @file policy_sdp.c  Tests of the SDP policy (DTLS-SRTP only, privacy)
 *
 * Vectors: tests/vectors/sdp/NAME.sdp, each with NAME.expect:
 *
 *   line 1   description
 *   line 2   "remote: ok" or "remote: reason=<code> line=<n>"
 *   then     "local-mdns: ...", "local-relay: ...", "local-off: ..."
 *            (same form), "# <note>" (source and remarks)
 *
 * A local mdns or relay result "ok" needs NAME.local-MODE.sdp, the
 * expected output byte for byte; an "ok" local-off output must be the
 * input with CRLF line ends.  The privacy tests also scan every output
 * of every vector generically, with libre's address parser as the
 * second opinion.
 */
#include <arpa/inet.h>
#include <re.h>
#include "policy.h"
#include "test.h"


enum {
	EXPECT_MAX   = 96,
};

static const char *mode_name[] = {"mdns", "relay", "off"};


static bool contains(const uint8_t *p, size_t n, const char *s)
{
	const size_t k = strlen(s);
	size_t i;

	for (i = 0; k && i + k <= n; ++i) {
		if (!memcmp(p + i, s, k))
			return true;
	}

	return false;
}


static bool prefix_nocase(const struct pl *line, const char *s)
{
	struct pl head = {line->p, strlen(s)};

	return line->l >= head.l && !pl_strcasecmp(&head, s);
}


static int reason_errno(const char *code)
{
	if (!strcmp(code, "too-large"))
		return EMSGSIZE;

	if (!strcmp(code, "malformed-sdp"))
		return EBADMSG;

	return EPROTO;
}


/* "ok" or "reason=<code> line=<n>" against a result */
static int verdict_check(const char *what, const char *expect, int err,
			 const struct policy_verdict *v, const struct mbuf *in)
{
	char code[64];
	unsigned line;
	struct pl r, l;

	if (!strcmp(expect, "ok")) {
		if (!err && !v->reason && !v->line)
			return 0;

		(void)fprintf(stderr, "%s: expected ok, got %d %s line=%u"
			      " (%s)\n", what, err, v->reason, v->line,
			      v->detail);
		return EINVAL;
	}

	if (re_regex(expect, strlen(expect), "reason=[a-z0-9\\-]+ line=[0-9]+",
		     &r, &l) || pl_strcpy(&r, code, sizeof(code))) {
		(void)fprintf(stderr, "%s: bad expectation \"%s\"\n", what,
			      expect);
		return EINVAL;
	}
	line = pl_u32(&l);

	if (err != reason_errno(code) || !v->reason ||
	    strcmp(v->reason, code) || v->line != line || !v->detail) {
		(void)fprintf(stderr, "%s: expected %s, got %d %s line=%u"
			      " (%s)\n", what, expect, err, v->reason,
			      v->line, v->detail);
		return EINVAL;
	}

	/* the detail is ours, never a piece of the SDP */
	if (contains(in->buf, in->end, v->detail)) {
		(void)fprintf(stderr, "%s: detail echoes the SDP\n", what);
		return EINVAL;
	}

	return 0;
}


/* The input with CRLF line ends and no trailing empty lines */
static int crlf_of(struct mbuf **mbp, const struct mbuf *in)
{
	struct mbuf *mb = mbuf_alloc(in->end + 64);
	size_t i, start = 0, keep = 0;
	int err = 0;

	if (!mb)
		return ENOMEM;

	for (i = 0; i <= in->end && !err; ++i) {
		size_t e;

		if (i < in->end && in->buf[i] != '\n')
			continue;

		e = i;
		if (e > start && in->buf[e - 1] == '\r')
			--e;
		if (e > start) {
			err  = mbuf_write_mem(mb, in->buf + start, e - start);
			err |= mbuf_write_str(mb, "\r\n");
			keep = mb->end;
		}
		else if (i < in->end) {
			err = mbuf_write_str(mb, "\r\n");
		}
		start = i + 1;
	}

	mbuf_set_end(mb, keep);

	if (err)
		mem_deref(mb);
	else
		*mbp = mb;

	return err;
}


static int local_check(const char *dir, const char *name, size_t baselen,
		       const struct mbuf *in, enum policy_privacy mode,
		       const char *expect)
{
	struct mbuf *out = mbuf_alloc(in->end + 64), *want = NULL;
	struct policy_verdict v;
	char what[300], path[512];
	int err, e;

	if (!out)
		return ENOMEM;

	(void)re_snprintf(what, sizeof(what), "%b local-%s", name, baselen,
			  mode_name[mode]);

	e = policy_sdp_local(out, &v, (const char *)in->buf, in->end, mode);
	if (e == ENOMEM) {
		err = ENOMEM;
		goto out;
	}

	err = verdict_check(what, expect, e, &v, in);
	if (err || e)
		goto out;

	if (mode == POLICY_PRIVACY_OFF) {
		err = crlf_of(&want, in);
		if (err)
			goto out;
	}
	else {
		(void)re_snprintf(path, sizeof(path), "%s/%b.local-%s.sdp",
				  dir, name, baselen, mode_name[mode]);
		err = test_file_load(&want, path);
		if (err) {
			(void)fprintf(stderr, "%s: %s missing\n", what, path);
			goto out;
		}
	}

	if (want->end != out->end || memcmp(want->buf, out->buf, out->end)) {
		(void)fprintf(stderr, "%s: output differs from the expected"
			      " file:\n%.*s\n", what, (int)out->end,
			      (const char *)out->buf);
		err = EINVAL;
	}

 out:
	mem_deref(want);
	mem_deref(out);

	return err;
}


static int vector_run(const char *dir, const char *name, unsigned *nlocal)
{
	struct mbuf *in = NULL, *side = NULL;
	const size_t baselen = strlen(name) - 4;
	struct policy_verdict v;
	char path[512], what[300];
	struct pl rest, line;
	unsigned lineno = 0;
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = test_file_load(&in, path);
	if (err)
		goto out;

	(void)re_snprintf(path, sizeof(path), "%s/%b.expect", dir, name,
			  baselen);
	err = test_file_load(&side, path);
	if (err) {
		(void)fprintf(stderr, "%s: no sidecar\n", name);
		goto out;
	}

	rest.p = (const char *)side->buf;
	rest.l = side->end;

	while (rest.l && !err) {
		const char *nl = pl_strchr(&rest, '\n');
		char expect[EXPECT_MAX];
		size_t m;

		line.p = rest.p;
		line.l = nl ? (size_t)(nl - rest.p) : rest.l;
		pl_advance(&rest, line.l + (nl ? 1 : 0));

		if (++lineno == 1 || !line.l || line.p[0] == '#')
			continue;

		if (lineno == 2) {
			if (line.l < 8 || memcmp(line.p, "remote: ", 8)) {
				(void)fprintf(stderr, "%s: line 2 must be"
					      " \"remote: ...\"\n", name);
				err = EINVAL;
				break;
			}
			(void)re_snprintf(expect, sizeof(expect), "%b",
					  line.p + 8, line.l - 8);
			(void)re_snprintf(what, sizeof(what), "%b remote",
					  name, baselen);
			err = policy_sdp_remote(&v, (const char *)in->buf,
						in->end);
			if (err == ENOMEM)
				break;
			err = verdict_check(what, expect, err, &v, in);
			continue;
		}

		for (m = 0; m < ARRAY_SIZE(mode_name); ++m) {
			const size_t k = strlen(mode_name[m]);

			if (line.l > k + 8 && !memcmp(line.p, "local-", 6) &&
			    !memcmp(line.p + 6, mode_name[m], k) &&
			    !memcmp(line.p + 6 + k, ": ", 2))
				break;
		}

		if (m == ARRAY_SIZE(mode_name)) {
			(void)re_fprintf(stderr, "%s: unknown line %r\n",
					 name, &line);
			err = EINVAL;
			break;
		}

		(void)re_snprintf(expect, sizeof(expect), "%b",
				  line.p + 8 + strlen(mode_name[m]),
				  line.l - 8 - strlen(mode_name[m]));
		err = local_check(dir, name, baselen, in,
				  (enum policy_privacy)m, expect);
		++*nlocal;
	}

	if (!err && lineno < 2) {
		(void)fprintf(stderr, "%s: sidecar too short\n", name);
		err = EINVAL;
	}

 out:
	mem_deref(side);
	mem_deref(in);

	return err;
}


static bool is_input(const char *name)
{
	const size_t n = strlen(name);

	return n > 4 && !strcmp(name + n - 4, ".sdp") &&
		!strstr(name, ".local-");
}


/* An input vector (NAME.sdp), not an expected output (NAME.local-*.sdp) */
struct inputs {
	test_vector_h *fn;
	void *arg;
	unsigned count;
};


static int input_fn(const char *dir, const char *name, void *arg)
{
	struct inputs *in = arg;

	if (!is_input(name))
		return 0;

	++in->count;

	return in->fn(dir, name, in->arg);
}


/* Calls fn on every input vector; *count is how many */
static int vectors_each(test_vector_h *fn, void *arg, unsigned *count)
{
	struct inputs in = {fn, arg, 0};
	int err;

	err = test_vectors_each("sdp", ".sdp", input_fn, &in);
	*count = in.count;

	return err;
}


static int vector_fn(const char *dir, const char *name, void *arg)
{
	return vector_run(dir, name, arg);
}


int test_policy_sdp_vectors(void)
{
	unsigned count = 0, nlocal = 0;
	int err;

	err = vectors_each(vector_fn, &nlocal, &count);
	TEST_ERR(err);

	/* the set must not silently vanish */
	TEST_ASSERT(count >= 90);
	TEST_ASSERT(nlocal >= 60);

 out:
	return err;
}


/* --- generic scans of what leaves --------------------------------------- */

/*
 * An IP address in text form, read by the C library's inet_pton(): glibc's
 * natively, an independent reader of what the policy's parser
 * (wasm/inet/inet.c) decides; in wasm that parser itself.
 */
static int ip_text(const struct pl *addr, uint8_t b[16])
{
	char s[64];

	if (!addr->l || addr->l >= sizeof(s) || pl_strchr(addr, '%'))
		return 0;

	(void)pl_strcpy(addr, s, sizeof(s));

	if (inet_pton(AF_INET, s, b) == 1)
		return 4;

	return inet_pton(AF_INET6, s, b) == 1 ? 6 : 0;
}


static bool ip4_private(const uint8_t *b)
{
	const uint32_t a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
		(uint32_t)b[2] << 8 | b[3];

	return (a >> 24) == 0 || (a >> 24) == 10 ||
		(a >> 24) == 127 ||
		(a & 0xffc00000) == 0x64400000 ||
		(a & 0xffff0000) == 0xa9fe0000 ||
		(a & 0xfff00000) == 0xac100000 ||
		(a & 0xffff0000) == 0xc0a80000;
}


/* Private, loopback, link-local or unspecified */
static bool addr_private(const struct pl *addr)
{
	static const uint8_t mapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
	static const uint8_t zero[15];
	uint8_t b[16];

	switch (ip_text(addr, b)) {

	case 4:
		return ip4_private(b);

	case 6:
		if (!memcmp(b, mapped, sizeof(mapped)))
			return ip4_private(b + 12);

		return (b[0] & 0xfe) == 0xfc ||
			(b[0] == 0xfe && (b[1] & 0x80)) ||
			(!memcmp(b, zero, sizeof(zero)) && b[15] <= 1);

	default:
		return false;
	}
}


static bool addr_is_ip(const struct pl *addr)
{
	uint8_t b[16];

	return ip_text(addr, b) != 0;
}


static bool addr_zero(const struct pl *addr)
{
	return !pl_strcmp(addr, "0.0.0.0") || !pl_strcmp(addr, "::");
}


/* Field i (0-based) of an SP-separated value */
static bool nth(struct pl *f, const struct pl *val, unsigned i)
{
	struct pl rest = *val;

	for (;;) {
		const char *sp = pl_strchr(&rest, ' ');

		f->p = rest.p;
		f->l = sp ? (size_t)(sp - rest.p) : rest.l;
		if (!i--)
			return f->l > 0;
		if (!sp)
			return false;
		pl_advance(&rest, f->l + 1);
	}
}


static bool ends_local(const struct pl *addr)
{
	struct pl tail;

	if (addr->l < 7)
		return false;

	tail.p = addr->p + addr->l - 6;
	tail.l = 6;

	return !pl_strcasecmp(&tail, ".local");
}


/* Scan an output for what the mode forbids; 0 if clean */
static int leak_scan(const char *name, const struct mbuf *mb,
		     enum policy_privacy mode)
{
	struct pl rest = {(const char *)mb->buf, mb->end}, line;
	int err = 0;

	while (rest.l && !err) {
		const char *nl = pl_strchr(&rest, '\n');
		struct pl val, f, typ;
		unsigned i;

		line.p = rest.p;
		line.l = nl ? (size_t)(nl - rest.p) : rest.l;
		pl_advance(&rest, line.l + (nl ? 1 : 0));

		if (!line.l || line.p[line.l - 1] != '\r') {
			(void)fprintf(stderr, "%s: output line not CRLF\n",
				      name);
			return EINVAL;
		}
		--line.l;
		val.p = line.p + 2;
		val.l = line.l - 2;

		if (!strncmp(line.p, "c=", 2) && nth(&f, &val, 2)) {
			if (addr_private(&f) && !addr_zero(&f))
				err = EINVAL;
		}
		else if (!strncmp(line.p, "a=rtcp:", 7)) {
			struct pl v = {line.p + 7, line.l - 7};

			if (nth(&f, &v, 3) && addr_private(&f) &&
			    !addr_zero(&f))
				err = EINVAL;
		}
		else if (prefix_nocase(&line, "a=candidate:")) {
			struct pl v = {line.p + 12, line.l - 12}, addr;

			if (!nth(&addr, &v, 4) || !nth(&typ, &v, 7)) {
				err = EINVAL;
				break;
			}

			if (mode == POLICY_PRIVACY_RELAY &&
			    pl_strcasecmp(&typ, "relay"))
				err = EINVAL;

			if (!pl_strcasecmp(&typ, "host") &&
			    (addr_is_ip(&addr) || !ends_local(&addr)))
				err = EINVAL;

			for (i = 8; nth(&f, &v, i); i += 2) {
				struct pl x;

				if (!nth(&x, &v, i + 1))
					break;
				if (!pl_strcmp(&f, "raddr") && !addr_zero(&x))
					err = EINVAL;
				if (!pl_strcmp(&f, "rport") &&
				    pl_strcmp(&x, "0"))
					err = EINVAL;
			}
		}

		if (err)
			(void)re_fprintf(stderr, "%s %s: forbidden: %r\n",
					 name, mode_name[mode], &line);
	}

	return err;
}


/* Raw-IP host candidate addresses of the input must not leave at all */
static int host_scan(const char *name, const struct mbuf *in,
		     const struct mbuf *out)
{
	struct pl rest = {(const char *)in->buf, in->end}, line;
	int err = 0;

	while (rest.l && !err) {
		const char *nl = pl_strchr(&rest, '\n');
		struct pl v, addr, typ, orest, oline;

		line.p = rest.p;
		line.l = nl ? (size_t)(nl - rest.p) : rest.l;
		pl_advance(&rest, line.l + (nl ? 1 : 0));
		if (line.l && line.p[line.l - 1] == '\r')
			--line.l;

		if (!prefix_nocase(&line, "a=candidate:"))
			continue;

		v.p = line.p + 12;
		v.l = line.l - 12;
		if (!nth(&addr, &v, 4) || !nth(&typ, &v, 7) ||
		    pl_strcasecmp(&typ, "host") || !addr_is_ip(&addr))
			continue;

		/* a public host address may also be a srflx address */
		if (contains(in->buf, in->end, "typ srflx") &&
		    !addr_private(&addr))
			continue;

		orest.p = (const char *)out->buf;
		orest.l = out->end;
		while (orest.l) {
			const char *onl = pl_strchr(&orest, '\n');
			struct pl f;
			unsigned i;

			oline.p = orest.p;
			oline.l = onl ? (size_t)(onl - orest.p) : orest.l;
			pl_advance(&orest, oline.l + (onl ? 1 : 0));
			if (oline.l && oline.p[oline.l - 1] == '\r')
				--oline.l;

			if (oline.l < 2 || !strchr("oca", oline.p[0]))
				continue;
			oline.p += 2;
			oline.l -= 2;

			for (i = 0; nth(&f, &oline, i); ++i) {
				if (!pl_casecmp(&f, &addr)) {
					(void)re_fprintf(stderr, "%s: host "
							 "address %r left\n",
							 name, &addr);
					err = EINVAL;
				}
			}
		}
	}

	return err;
}


struct scan_arg {
	enum policy_privacy mode;
	unsigned accepted;
};


static int scan_fn(const char *dir, const char *name, void *arg)
{
	struct scan_arg *sa = arg;
	struct mbuf *in = NULL, *out = NULL, *again = NULL;
	struct policy_verdict v;
	char path[512];
	int err, e;

	(void)re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = test_file_load(&in, path);
	if (err)
		return err;

	out = mbuf_alloc(in->end + 64);
	again = mbuf_alloc(in->end + 64);
	if (!out || !again) {
		err = ENOMEM;
		goto out;
	}

	e = policy_sdp_local(out, &v, (const char *)in->buf, in->end,
			     sa->mode);
	if (e == ENOMEM) {
		err = ENOMEM;
		goto out;
	}
	if (e) {
		/* refused: nothing written */
		if (out->end || !v.reason) {
			(void)fprintf(stderr, "%s: refused but wrote\n", name);
			err = EINVAL;
		}
		goto out;
	}

	++sa->accepted;

	err = leak_scan(name, out, sa->mode);
	if (err)
		goto out;

	err = host_scan(name, in, out);
	if (err)
		goto out;

	/* what leaves is itself acceptable, and the rewrite is stable */
	e = policy_sdp_remote(&v, (const char *)out->buf, out->end);
	if (e) {
		(void)fprintf(stderr, "%s: output refused: %s line %u\n",
			      name, v.reason, v.line);
		err = EINVAL;
		goto out;
	}

	e = policy_sdp_local(again, &v, (const char *)out->buf, out->end,
			     sa->mode);
	if (e || again->end != out->end ||
	    memcmp(again->buf, out->buf, out->end)) {
		(void)fprintf(stderr, "%s: rewrite not idempotent\n", name);
		err = EINVAL;
	}

 out:
	mem_deref(again);
	mem_deref(out);
	mem_deref(in);

	return err;
}


int test_policy_sdp_mdns(void)
{
	static const char sdp[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 192.168.1.9\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"m=audio 5000 UDP/TLS/RTP/SAVPF 0\r\n"
		"c=IN IP4 192.168.1.9\r\n"
		"a=rtcp:5001 IN IP4 192.168.1.9\r\n"
		"a=candidate:1 1 udp 2122260223 192.168.1.9 5000 typ host\r\n"
		"a=candidate:2 1 UDP 2122260223 2001:db8::9 5002 typ HOST\r\n"
		"a=candidate:3 1 udp 2122260223 a1b2.local 5004 typ host\r\n"
		"a=candidate:4 1 udp 1686052607 203.0.113.9 5000 typ srflx"
		" raddr 192.168.1.9 rport 5000\r\n"
		"a=fingerprint:sha-256 "
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\r\n";
	static const char want[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 127.0.0.1\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"m=audio 5000 UDP/TLS/RTP/SAVPF 0\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"a=rtcp:5001 IN IP4 0.0.0.0\r\n"
		"a=candidate:3 1 udp 2122260223 a1b2.local 5004 typ host\r\n"
		"a=candidate:4 1 udp 1686052607 203.0.113.9 5000 typ srflx"
		" raddr 0.0.0.0 rport 0\r\n"
		"a=fingerprint:sha-256 "
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\r\n";
	struct scan_arg sa = {POLICY_PRIVACY_MDNS, 0};
	struct mbuf *out = mbuf_alloc(512);
	struct policy_verdict v;
	unsigned count = 0;
	int err;

	if (!out)
		return ENOMEM;

	/* the default: mdns is 0 */
	TEST_EQUALS(0, POLICY_PRIVACY_MDNS);

	err = vectors_each(scan_fn, &sa, &count);
	TEST_ERR(err);
	TEST_ASSERT(sa.accepted >= 30);

	err = policy_sdp_local(out, &v, sdp, strlen(sdp),
			       POLICY_PRIVACY_MDNS);
	TEST_ERR(err);
	TEST_EQUALS(strlen(want), out->end);
	TEST_ASSERT(!memcmp(want, out->buf, out->end));
	TEST_ASSERT(v.reason == NULL);

	/* the candidates counted: those that left (local), all (remote) */
	TEST_EQUALS(2, v.cands);
	err = policy_sdp_remote(&v, sdp, strlen(sdp));
	TEST_ERR(err);
	TEST_EQUALS(4, v.cands);

	/* raw-IP host candidates only: none leaves (the call warns) */
	{
		static const char host_only[] =
			"v=0\r\n"
			"o=- 1 1 IN IP4 127.0.0.1\r\n"
			"s=-\r\n"
			"t=0 0\r\n"
			"m=audio 5000 UDP/TLS/RTP/SAVPF 0\r\n"
			"a=candidate:1 1 udp 2122260223 192.168.1.9 5000"
			" typ host\r\n"
			"a=fingerprint:sha-256 "
			"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
			"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\r\n";

		out->pos = out->end = 0;
		err = policy_sdp_local(out, &v, host_only, strlen(host_only),
				       POLICY_PRIVACY_MDNS);
		TEST_ERR(err);
		TEST_EQUALS(0, v.cands);
		TEST_EQUALS(strlen(host_only) - strlen("a=candidate:1 1 udp "
			    "2122260223 192.168.1.9 5000 typ host\r\n"),
			    out->end);

		/* privacy off: it leaves */
		out->pos = out->end = 0;
		err = policy_sdp_local(out, &v, host_only, strlen(host_only),
				       POLICY_PRIVACY_OFF);
		TEST_ERR(err);
		TEST_EQUALS(1, v.cands);
	}

 out:
	mem_deref(out);

	return err;
}


int test_policy_sdp_relay(void)
{
	static const char head[] =
		"v=0\r\n"
		"o=- 1 1 IN IP4 127.0.0.1\r\n"
		"s=-\r\n"
		"t=0 0\r\n"
		"a=fingerprint:sha-256 "
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
		"00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff\r\n";
	static const char audio[] =
		"m=audio 6000 UDP/TLS/RTP/SAVPF 0\r\n"
		"c=IN IP4 198.51.100.7\r\n"
		"a=mid:a\r\n"
		"a=candidate:1 1 udp 2122260223 10.0.0.2 5000 typ host\r\n"
		"a=candidate:2 1 udp 2122260223 x.local 5000 typ host\r\n"
		"a=candidate:3 1 udp 1686052607 203.0.113.9 5000 typ srflx"
		" raddr 10.0.0.2 rport 5000\r\n"
		"a=candidate:4 1 udp 41885439 198.51.100.7 6000 typ relay"
		" raddr 203.0.113.9 rport 5000\r\n";
	static const char audio_out[] =
		"m=audio 6000 UDP/TLS/RTP/SAVPF 0\r\n"
		"c=IN IP4 198.51.100.7\r\n"
		"a=mid:a\r\n"
		"a=candidate:4 1 udp 41885439 198.51.100.7 6000 typ relay"
		" raddr 0.0.0.0 rport 0\r\n";
	static const char video[] =
		"m=video 5002 UDP/TLS/RTP/SAVPF 96\r\n"
		"c=IN IP4 10.0.0.2\r\n"
		"a=mid:v\r\n"
		"a=candidate:1 1 udp 2122260223 10.0.0.2 5002 typ host\r\n";
	static const char video_out[] =
		"m=video 5002 UDP/TLS/RTP/SAVPF 96\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"a=mid:v\r\n";
	static const char video_off[] =
		"m=video 0 UDP/TLS/RTP/SAVPF 96\r\n"
		"c=IN IP4 10.0.0.2\r\n"
		"a=mid:v\r\n";
	static const char video_off_out[] =
		"m=video 0 UDP/TLS/RTP/SAVPF 96\r\n"
		"c=IN IP4 0.0.0.0\r\n"
		"a=mid:v\r\n";
	static const struct {
		const char *bundle;
		const char *m1, *m2;
		int err;
		unsigned line;
		const char *o1, *o2;
	} t[] = {
		/* video without relay, no BUNDLE: fails closed there */
		{"", audio, video, EPROTO, 13, 0, 0},
		/* BUNDLE: the group's relay candidate serves video */
		{"a=group:BUNDLE a v\r\n", audio, video, 0, 0,
		 audio_out, video_out},
		/* BUNDLE, but the relay is in the other group */
		{"a=group:BUNDLE a\r\na=group:BUNDLE v\r\n", audio, video,
		 EPROTO, 15, 0, 0},
		/* a rejected video section needs no relay */
		{"", audio, video_off, 0, 0, audio_out, video_off_out},
		/* nothing gathered but host: fails at the first section */
		{"", video, audio, EPROTO, 6, 0, 0},
	};
	struct scan_arg sa = {POLICY_PRIVACY_RELAY, 0};
	struct mbuf *in = mbuf_alloc(1024), *out = mbuf_alloc(1024);
	struct policy_verdict v;
	unsigned count = 0;
	size_t i;
	int err = 0;

	if (!in || !out) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < ARRAY_SIZE(t); ++i) {
		int e;

		mbuf_reset(in);
		mbuf_reset(out);
		err = mbuf_printf(in, "%s%s%s%s", head, t[i].bundle, t[i].m1,
				  t[i].m2);
		TEST_ERR(err);

		e = policy_sdp_local(out, &v, (const char *)in->buf, in->end,
				     POLICY_PRIVACY_RELAY);
		if (e != t[i].err || v.line != t[i].line) {
			(void)fprintf(stderr, "relay case %zu: %d %s line=%u"
				      "\n", i, e, v.reason, v.line);
			err = EINVAL;
			goto out;
		}

		if (e) {
			TEST_STRCMP("relay-unavailable", v.reason);
			TEST_EQUALS(0, out->end);
			/* mdns takes the same SDP */
			e = policy_sdp_local(out, &v, (const char *)in->buf,
					     in->end, POLICY_PRIVACY_MDNS);
			TEST_ERR(e);
			continue;
		}

		mbuf_reset(in);
		err = mbuf_printf(in, "%s%s%s%s", head, t[i].bundle,
				  t[i].o1, t[i].o2);
		TEST_ERR(err);
		TEST_EQUALS(in->end, out->end);
		TEST_ASSERT(!memcmp(in->buf, out->buf, out->end));
	}

	err = vectors_each(scan_fn, &sa, &count);
	TEST_ERR(err);
	TEST_ASSERT(sa.accepted >= 8);

 out:
	mem_deref(out);
	mem_deref(in);

	return err;
}


int test_policy_sdp_misuse(void)
{
	static const char ok[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
	static const char nul[] =
		"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=\0-\r\nt=0 0\r\n";
	struct mbuf *out = mbuf_alloc(64);
	struct policy_verdict v;
	enum policy_privacy p = POLICY_PRIVACY_OFF;
	char *huge = NULL;
	size_t i;
	int err = 0;

	if (!out)
		return ENOMEM;

	/* NULL arguments */
	TEST_EQUALS(EINVAL, policy_sdp_remote(&v, NULL, 10));
	TEST_STRCMP("invalid-argument", v.reason);
	TEST_EQUALS(EINVAL, policy_sdp_remote(NULL, NULL, 0));
	TEST_EQUALS(EINVAL, policy_sdp_local(NULL, &v, ok, strlen(ok),
					     POLICY_PRIVACY_MDNS));
	TEST_STRCMP("invalid-argument", v.reason);
	TEST_EQUALS(EINVAL, policy_sdp_local(out, &v, NULL, 3,
					     POLICY_PRIVACY_MDNS));
	TEST_EQUALS(EINVAL, policy_sdp_local(out, &v, ok, strlen(ok),
					     (enum policy_privacy)3));
	TEST_EQUALS(EINVAL, policy_sdp_local(out, &v, ok, strlen(ok),
					     (enum policy_privacy)-1));
	TEST_EQUALS(0, out->end);

	/* the verdict is optional */
	TEST_EQUALS(0, policy_sdp_remote(NULL, ok, strlen(ok)));
	TEST_EQUALS(0, policy_sdp_local(out, NULL, ok, strlen(ok),
					POLICY_PRIVACY_RELAY));
	TEST_EQUALS(strlen(ok), out->end);

	/* empty, and cut short */
	TEST_EQUALS(EBADMSG, policy_sdp_remote(&v, ok, 0));
	TEST_STRCMP("malformed-sdp", v.reason);
	TEST_EQUALS(EBADMSG, policy_sdp_remote(&v, ok, 3));
	TEST_EQUALS(EBADMSG, policy_sdp_remote(&v, ok, strlen(ok) - 5));
	TEST_EQUALS(4, v.line);
	TEST_EQUALS(0, policy_sdp_remote(&v, ok, strlen(ok) - 2));

	/* NUL bytes: the length rules, not the terminator */
	TEST_EQUALS(EBADMSG, policy_sdp_remote(&v, nul, sizeof(nul) - 1));
	TEST_EQUALS(3, v.line);
	TEST_STRCMP("malformed-sdp", v.reason);

	/* huge: refused before any parsing */
	huge = mem_alloc(1 << 20, NULL);
	if (!huge) {
		err = ENOMEM;
		goto out;
	}
	memset(huge, 'a', 1 << 20);
	memcpy(huge, ok, strlen(ok));
	TEST_EQUALS(EMSGSIZE, policy_sdp_remote(&v, huge, 1 << 20));
	TEST_STRCMP("too-large", v.reason);
	TEST_EQUALS(0, v.line);
	TEST_EQUALS(EMSGSIZE, policy_sdp_remote(&v, huge,
						POLICY_SDP_SIZE_MAX + 1));
	memset(huge, 0, 1 << 20);
	TEST_EQUALS(EBADMSG, policy_sdp_remote(&v, huge, 1000));

	/* on error, out keeps what it had */
	mbuf_reset(out);
	err = mbuf_write_str(out, "keep");
	TEST_ERR(err);
	TEST_EQUALS(EBADMSG, policy_sdp_local(out, &v, nul, sizeof(nul) - 1,
					      POLICY_PRIVACY_OFF));
	TEST_EQUALS(4, out->end);
	TEST_EQUALS(4, out->pos);
	TEST_EQUALS(0, policy_sdp_local(out, &v, ok, strlen(ok),
					POLICY_PRIVACY_OFF));
	TEST_EQUALS(4 + strlen(ok), out->end);
	TEST_ASSERT(!memcmp(out->buf, "keep", 4));

	/* privacy names */
	for (i = 0; i <= POLICY_PRIVACY_OFF; ++i) {
		const char *name = policy_privacy_name((enum policy_privacy)i);

		TEST_ASSERT(name != NULL);
		TEST_ERR(policy_privacy_decode(&p, name));
		TEST_EQUALS(i, p);
	}
	TEST_STRCMP("mdns", policy_privacy_name(POLICY_PRIVACY_MDNS));
	TEST_ASSERT(policy_privacy_name((enum policy_privacy)7) == NULL);
	p = POLICY_PRIVACY_RELAY;
	TEST_EQUALS(EINVAL, policy_privacy_decode(&p, "MDNS"));
	TEST_EQUALS(EINVAL, policy_privacy_decode(&p, "none"));
	TEST_EQUALS(EINVAL, policy_privacy_decode(&p, ""));
	TEST_EQUALS(EINVAL, policy_privacy_decode(&p, "relay "));
	TEST_EQUALS(EINVAL, policy_privacy_decode(&p, NULL));
	TEST_EQUALS(EINVAL, policy_privacy_decode(NULL, "off"));
	TEST_EQUALS(POLICY_PRIVACY_RELAY, p);
	err = 0;

 out:
	mem_deref(huge);
	mem_deref(out);

	return err;
}
