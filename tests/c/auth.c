/**
 * @file auth.c  Tests of SIP digest: credentials, challenges, answers
 *
 * Known answers come from tests/vectors/digest/ (RFC 2617 3.5, RFC 7616
 * 3.9.1, JsSIP, and SHA-512-256 values computed with python3 hashlib).
 * The sip_auth_* tests decode real 401/407 responses with sip_msg_decode()
 * and read the headers sip_auth_encode() writes.  A cnonce is random, so
 * a produced response is checked by recomputing it with that cnonce from
 * the vector's HA1 (auth_digest_response() itself is checked against the
 * published responses).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "sip.h"
#include "crypto.h"
#include "auth.h"
#include "test.h"


#define DEBUG_MODULE "test_auth"
#include <re_dbg.h>


/* sip_auth_authenticate()'s result; ENOMEM ends the test (OOM mode) */
#define AUTH_EQUALS(expected, aerr)					\
	if ((aerr) == ENOMEM && (expected) != ENOMEM) {			\
		err = ENOMEM;						\
		goto out;						\
	}								\
	TEST_EQUALS((expected), (aerr))


enum {
	VEC_LINE  = 2048,
	VEC_CHALL = 4,
};

/* One tests/vectors/digest/<name>.digest file */
struct vec {
	char desc[256];
	char algorithm[32];
	char username[64];
	char realm[128];
	char password[64];
	char method[32];
	char uri[128];
	char nonce[128];
	char nc[16];
	char cnonce[128];
	char qop[16];
	char opaque[128];
	char body[64];
	bool has_body;
	char ha1[AUTH_HEX_SIZE];
	char response[AUTH_HEX_SIZE];
	char chall[VEC_CHALL][512];
	int challc;
	char authorization[1024];
};

static const char *vector_files[] = {
	"rfc2617-3.5-md5-auth.digest",
	"rfc2617-3.5-md5-noqop.digest",
	"rfc7616-3.9.1-md5.digest",
	"rfc7616-3.9.1-sha256.digest",
	"rfc7616-3.9.1-md5-sess.digest",
	"rfc7616-3.9.1-sha256-sess.digest",
	"rfc7616-3.9.1-md5-auth-int-empty.digest",
	"rfc7616-3.9.1-sha256-auth-int-empty.digest",
	"rfc7616-3.9.1-sha512-256.digest",
	"rfc7616-3.9.1-sha512-256-sess.digest",
	"rfc7616-3.9.2-sha512-256-erratum4897.digest",
	"jssip-register-md5-noqop.digest",
	"jssip-register-md5-auth.digest",
	"jssip-register-md5-auth-int-empty.digest",
	"jssip-register-md5-auth-int-body.digest",
	"sip-register-sha256-auth.digest",
};


static int vec_set(struct vec *v, const char *key, const char *val)
{
	static const struct {
		const char *key;
		size_t off;
		size_t size;
	} fields[] = {
#define F(k) {#k, offsetof(struct vec, k), sizeof(((struct vec *)0)->k)}
		F(algorithm), F(username), F(realm), F(password), F(method),
		F(uri), F(nonce), F(nc), F(cnonce), F(qop), F(opaque),
		F(body), F(ha1), F(response), F(authorization),
#undef F
	};
	size_t i;

	if (!strcmp(key, "challenge")) {
		if (v->challc >= VEC_CHALL ||
		    strlen(val) >= sizeof(v->chall[0]))
			return EOVERFLOW;

		str_ncpy(v->chall[v->challc++], val, sizeof(v->chall[0]));
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(fields); ++i) {
		if (strcmp(key, fields[i].key))
			continue;

		if (strlen(val) >= fields[i].size)
			return EOVERFLOW;

		str_ncpy((char *)v + fields[i].off, val, fields[i].size);
		if (!strcmp(key, "body"))
			v->has_body = true;

		return 0;
	}

	(void)fprintf(stderr, "vector: unknown key \"%s\"\n", key);

	return EINVAL;
}


/* First line: description; "# ..." comments; then "key value" lines */
static int vec_load(struct vec *v, const char *name)
{
	char path[512], line[VEC_LINE];
	FILE *f;
	bool first = true;
	int err = 0;

	memset(v, 0, sizeof(*v));

	if (re_snprintf(path, sizeof(path), "%s/digest/%s",
			test_datapath, name) < 0)
		return ENOMEM;

	f = fopen(path, "r");
	if (!f) {
		(void)fprintf(stderr, "vector %s: cannot open\n", path);
		return ENOENT;
	}

	while (fgets(line, sizeof(line), f)) {
		char *sp;

		line[strcspn(line, "\r\n")] = '\0';

		if (first) {
			str_ncpy(v->desc, line, sizeof(v->desc));
			first = false;
			continue;
		}

		if (line[0] == '#' || line[0] == '\0')
			continue;

		sp = strchr(line, ' ');
		if (sp)
			*sp++ = '\0';

		err = vec_set(v, line, sp ? sp : "");
		if (err) {
			(void)fprintf(stderr, "vector %s: bad line\n", name);
			break;
		}
	}

	(void)fclose(f);

	return err;
}


static int vec_alg(enum auth_alg *algp, bool *sessp, const struct vec *v)
{
	char name[32];
	size_t n = strlen(v->algorithm);

	str_ncpy(name, v->algorithm, sizeof(name));
	*sessp = n > 5 && !str_casecmp(name + n - 5, "-sess");
	if (*sessp)
		name[n - 5] = '\0';

	return auth_alg_decode(algp, name);
}


/* HA1 and response of a vector, from the password */
static int vec_check(const struct vec *v)
{
	char ha1[AUTH_HEX_SIZE], resp[AUTH_HEX_SIZE];
	struct auth_digest dg;
	enum auth_alg alg;
	bool sess;
	int err;

	err = vec_alg(&alg, &sess, v);
	TEST_ERR(err);

	err = auth_digest_ha1(ha1, alg, v->username, v->realm, v->password);
	TEST_ERR(err);
	if (v->ha1[0])
		TEST_STRCMP(v->ha1, ha1);

	memset(&dg, 0, sizeof(dg));
	dg.alg    = alg;
	dg.sess   = sess;
	dg.ha1    = ha1;
	dg.nonce  = v->nonce;
	dg.cnonce = v->cnonce[0] ? v->cnonce : NULL;
	dg.nc     = (uint32_t)strtoul(v->nc, NULL, 16);
	dg.qop    = v->qop[0] ? v->qop : NULL;
	dg.method = v->method;
	dg.uri    = v->uri;
	dg.body   = (const uint8_t *)v->body;
	dg.bodyl  = strlen(v->body);

	err = auth_digest_response(resp, &dg);
	TEST_ERR(err);
	TEST_STRCMP(v->response, resp);

 out:
	if (err)
		(void)fprintf(stderr, "vector: %s\n", v->desc);

	return err;
}


/* The method of the challenged request (CSeq of the 401) */
static const char *cseq_method = "REGISTER";


/* A 401 (or 407) response carrying hdrs, as libre decodes it */
static int msg_make(struct sip_msg **msgp, uint16_t scode, const char *hdrs,
		    size_t len)
{
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(512 + len);
	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb,
			  "SIP/2.0 %u %s\r\n"
			  "Via: SIP/2.0/WSS df7jal23ls0d.invalid"
			  ";branch=z9hG4bKnashds7\r\n"
			  "From: <sip:alice@example.org>;tag=a73kszlfl\r\n"
			  "To: <sip:alice@example.org>;tag=1410948204\r\n"
			  "Call-ID: 1j9FpLxk3uxtm8tn@df7jal23ls0d.invalid\r\n"
			  "CSeq: 1 %s\r\n"
			  "%b"
			  "Content-Length: 0\r\n"
			  "\r\n",
			  scode, scode == 407 ? "Proxy Authentication Required"
			  : "Unauthorized", cseq_method, hdrs, len);
	if (err)
		goto out;

	/* not sip_msg_decode: the hostile cases below are what its strict
	 * check refuses, and the auth module must stay robust on its own */
	mb->pos = 0;
	err = test_msg_build(msgp, mb);

 out:
	mem_deref(mb);

	return err;
}


/* Authenticate with a response; *aerr gets sip_auth_authenticate()'s */
static int chall_apply(int *aerr, struct sip_auth *auth, uint16_t scode,
		       const char *hdrs, size_t len)
{
	struct sip_msg *msg = NULL;
	int err;

	err = msg_make(&msg, scode, hdrs, len);
	if (err) {
		(void)fprintf(stderr, "sip_msg_decode: %d\n", err);
		return err;
	}

	*aerr = sip_auth_authenticate(auth, msg);
	mem_deref(msg);

	return 0;
}


static int chall(int *aerr, struct sip_auth *auth, const char *hdrs)
{
	return chall_apply(aerr, auth, 401, hdrs, strlen(hdrs));
}


/* The authorization headers of the next request */
static int request(char **hdrsp, struct sip_auth *auth, const char *met,
		   const char *uri)
{
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(512);
	if (!mb)
		return ENOMEM;

	err = sip_auth_encode(mb, auth, met, uri);
	if (err)
		goto out;

	mb->pos = 0;
	err = mbuf_strdup(mb, hdrsp, mbuf_get_left(mb));

 out:
	mem_deref(mb);

	return err;
}


static unsigned count_lines(const char *hdrs, const char *prefix)
{
	const size_t n = strlen(prefix);
	unsigned c = 0;

	while (hdrs && *hdrs) {
		if (!strncmp(hdrs, prefix, n))
			++c;

		hdrs = strstr(hdrs, "\r\n");
		if (hdrs)
			hdrs += 2;
	}

	return c;
}


/* Value of parameter name in the first header line of hdr */
static int hdr_param(char *buf, size_t size, const char *hdr,
		     const char *name)
{
	const char *end = strstr(hdr, "\r\n");
	const size_t n = strlen(name);
	const char *p;
	size_t l = 0;

	if (!end)
		end = hdr + strlen(hdr);

	for (p = hdr; p && p < end; p = strstr(p + 1, name)) {
		if (p > hdr && (p[-1] == ' ') && p[n] == '=')
			break;
	}

	if (!p || p >= end)
		return ENOENT;

	p += n + 1;
	if (*p == '"') {
		++p;
		while (p + l < end && p[l] != '"') {
			if (p[l] == '\\')
				++l;
			++l;
		}
	}
	else {
		while (p + l < end && p[l] != ',')
			++l;
	}

	if (l >= size)
		return EOVERFLOW;

	memcpy(buf, p, l);
	buf[l] = '\0';

	return 0;
}


/* Recompute the response of one produced header line and compare */
static int response_check(const char *hdr, enum auth_alg alg, bool sess,
			  const char *ha1, const char *met, const char *uri)
{
	char nonce[256], cnonce[64], nc[16], qop[16];
	char resp[AUTH_HEX_SIZE], got[AUTH_HEX_SIZE];
	struct auth_digest dg;
	int err;

	err  = hdr_param(nonce, sizeof(nonce), hdr, "nonce");
	err |= hdr_param(got, sizeof(got), hdr, "response");
	TEST_ERR(err);

	memset(&dg, 0, sizeof(dg));
	dg.alg    = alg;
	dg.sess   = sess;
	dg.ha1    = ha1;
	dg.nonce  = nonce;
	dg.method = met;
	dg.uri    = uri;

	if (!hdr_param(qop, sizeof(qop), hdr, "qop")) {
		err  = hdr_param(cnonce, sizeof(cnonce), hdr, "cnonce");
		err |= hdr_param(nc, sizeof(nc), hdr, "nc");
		TEST_ERR(err);

		TEST_EQUALS(8, strlen(nc));
		TEST_EQUALS(32, strlen(cnonce));
		dg.qop    = qop;
		dg.cnonce = cnonce;
		dg.nc     = (uint32_t)strtoul(nc, NULL, 16);
	}

	err = auth_digest_response(resp, &dg);
	TEST_ERR(err);
	TEST_STRCMP(resp, got);

 out:
	return err;
}


static int creds_make(struct auth_creds **credsp, const char *user,
		      const char *password)
{
	struct auth_creds *creds = NULL;
	int err;

	err = auth_creds_alloc(&creds, user);
	if (err)
		return err;

	err = auth_creds_set_password(creds, password);
	if (err)
		mem_deref(creds);
	else
		*credsp = creds;

	return err;
}


/* Replace the first occurrence of from in str (size bytes) with to */
static int str_replace(char *str, size_t size, const char *from,
		       const char *to)
{
	char *p = strstr(str, from);
	const size_t fl = strlen(from), tl = strlen(to);

	if (!p || strlen(str) - fl + tl >= size)
		return EINVAL;

	memmove(p + tl, p + fl, strlen(p + fl) + 1);
	memcpy(p, to, tl);

	return 0;
}


static const char rfc_401_sha256_md5[] =
	"WWW-Authenticate: Digest realm=\"http-auth@example.org\","
	" qop=\"auth, auth-int\", algorithm=SHA-256,"
	" nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
	" opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n"
	"WWW-Authenticate: Digest realm=\"http-auth@example.org\","
	" qop=\"auth, auth-int\", algorithm=MD5,"
	" nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
	" opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n";


/* The 401 of a vector: its challenge lines, in file order */
static int vec_401(char *buf, size_t size, const struct vec *v, int first,
		   int n)
{
	int i, len = 0;

	buf[0] = '\0';

	for (i = first; i < first + n && i < v->challc; ++i) {
		int r = re_snprintf(buf + len, size - len,
				    "WWW-Authenticate: %s\r\n", v->chall[i]);
		if (r < 0)
			return EOVERFLOW;
		len += r;
	}

	return 0;
}


int test_auth_rfc7616_md5(void)
{
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char *hdrs = NULL;
	char hdr401[2048], cnonce[64], expected[1024];
	char resp[AUTH_HEX_SIZE];
	struct auth_digest dg;
	struct vec v;
	int aerr, err;

	err = vec_load(&v, "rfc7616-3.9.1-md5.digest");
	TEST_ERR(err);
	err = vec_check(&v);
	TEST_ERR(err);

	/* The RFC 401 without its SHA-256 challenge: MD5 is answered */
	TEST_EQUALS(2, v.challc);
	err = vec_401(hdr401, sizeof(hdr401), &v, 1, 1);
	TEST_ERR(err);

	err = creds_make(&creds, v.username, v.password);
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, true);
	TEST_ERR(err);

	err = chall(&aerr, auth, hdr401);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);

	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	err = hdr_param(cnonce, sizeof(cnonce), hdrs, "cnonce");
	TEST_ERR(err);

	memset(&dg, 0, sizeof(dg));
	dg.alg    = AUTH_ALG_MD5;
	dg.ha1    = v.ha1;
	dg.nonce  = v.nonce;
	dg.cnonce = cnonce;
	dg.nc     = 1;
	dg.qop    = "auth";
	dg.method = v.method;
	dg.uri    = v.uri;
	err = auth_digest_response(resp, &dg);
	TEST_ERR(err);

	/* RFC 7616 3.9.1 field order; algorithm, nc, qop unquoted */
	(void)re_snprintf(expected, sizeof(expected),
			  "Authorization: Digest username=\"Mufasa\","
			  " realm=\"http-auth@example.org\","
			  " uri=\"/dir/index.html\", algorithm=MD5,"
			  " nonce=\"%s\", nc=00000001, cnonce=\"%s\","
			  " qop=auth, response=\"%s\", opaque=\"%s\"\r\n",
			  v.nonce, cnonce, resp, v.opaque);
	TEST_STRCMP(expected, hdrs);
	TEST_EQUALS(AUTH_FAIL_NONE, auth_creds_failure(creds));

 out:
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


int test_auth_rfc7616_sha256(void)
{
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char *hdrs = NULL;
	char hdr401[2048], cnonce[64], expected[1024];
	char resp[AUTH_HEX_SIZE];
	struct auth_digest dg;
	struct vec v;
	int aerr, err;

	err = vec_load(&v, "rfc7616-3.9.1-sha256.digest");
	TEST_ERR(err);
	err = vec_check(&v);
	TEST_ERR(err);

	/* The whole RFC 401: SHA-256 then MD5, one Authorization */
	err = vec_401(hdr401, sizeof(hdr401), &v, 0, v.challc);
	TEST_ERR(err);
	TEST_STRCMP(rfc_401_sha256_md5, hdr401);

	err = creds_make(&creds, v.username, v.password);
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);

	err = chall(&aerr, auth, hdr401);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);

	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
	err = hdr_param(cnonce, sizeof(cnonce), hdrs, "cnonce");
	TEST_ERR(err);

	memset(&dg, 0, sizeof(dg));
	dg.alg    = AUTH_ALG_SHA256;
	dg.ha1    = v.ha1;
	dg.nonce  = v.nonce;
	dg.cnonce = cnonce;
	dg.nc     = 1;
	dg.qop    = "auth";
	dg.method = v.method;
	dg.uri    = v.uri;
	err = auth_digest_response(resp, &dg);
	TEST_ERR(err);

	/* the published header, with our cnonce and its response */
	(void)re_snprintf(expected, sizeof(expected),
			  "Authorization: %s\r\n", v.authorization);
	err  = str_replace(expected, sizeof(expected), v.cnonce, cnonce);
	err |= str_replace(expected, sizeof(expected), v.response, resp);
	TEST_ERR(err);
	TEST_STRCMP(expected, hdrs);

 out:
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


int test_auth_sha512_256(void)
{
	static const char *files[] = {
		"rfc7616-3.9.1-sha512-256.digest",
		"rfc7616-3.9.1-sha512-256-sess.digest",
		"rfc7616-3.9.2-sha512-256-erratum4897.digest",
	};
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char *hdrs = NULL;
	char hdr401[2048], alg[32];
	struct vec v;
	size_t i;
	int aerr, err = 0;

	for (i = 0; i < ARRAY_SIZE(files); ++i) {
		err = vec_load(&v, files[i]);
		TEST_ERR(err);
		err = vec_check(&v);
		TEST_ERR(err);
	}

	/* the printed RFC 7616 3.9.2 response is not reproducible */
	TEST_ASSERT(strcmp(v.response, "ae66e67d6b427bd3f120414a82e4acff"
			   "38e8ecd9101d6c861229025f607a79dd"));

	err = vec_load(&v, files[0]);
	TEST_ERR(err);

	(void)re_snprintf(hdr401, sizeof(hdr401),
			  "WWW-Authenticate: Digest realm=\"%s\","
			  " nonce=\"%s\", qop=\"auth\", algorithm=MD5\r\n"
			  "WWW-Authenticate: Digest realm=\"%s\","
			  " nonce=\"%s\", qop=\"auth\","
			  " algorithm=SHA-512-256\r\n"
			  "WWW-Authenticate: Digest realm=\"%s\","
			  " nonce=\"%s\", qop=\"auth\", algorithm=SHA-256\r\n",
			  v.realm, v.nonce, v.realm, v.nonce,
			  v.realm, v.nonce);

	err = creds_make(&creds, v.username, v.password);
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);

	err = chall(&aerr, auth, hdr401);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);

	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
	err = hdr_param(alg, sizeof(alg), hdrs, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("SHA-512-256", alg);

	/* checked against the HA1 python3 computed */
	err = response_check(hdrs, AUTH_ALG_SHA512_256, false, v.ha1,
			     v.method, v.uri);
	TEST_ERR(err);

 out:
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


static bool pl_is(const struct pl *pl, const char *str)
{
	return pl->p && !pl_strcmp(pl, str);
}


int test_auth_challenge_decode(void)
{
	/* corpora/digest challenge_parse_cases, plus escapes and params */
	static const struct {
		const char *val;
		const char *realm;
		const char *nonce;
		const char *opaque;   /* NULL: none */
		enum auth_alg alg;
		bool sess;
		bool qop, qop_auth, qop_auth_int;
		bool stale;
	} okv[] = {
		/* JsSIP test-parser.ts: LWS around '=', mixed case */
		{"Digest realm =  \"[1:ABCD::abc]\", nonce =  "
		 "\"31d0a89ed7781ce6877de5cb032bf114\", qop=\"AUTH,autH-INt\","
		 " algorithm =  md5  ,  stale =  TRUE , opaque = \"00000188\"",
		 "[1:ABCD::abc]", "31d0a89ed7781ce6877de5cb032bf114",
		 "00000188", AUTH_ALG_MD5, false, true, true, true, true},
		/* libre test/sipauth.c: quoted algorithm (seen in the wild) */
		{"Digest realm=\"example.net\", algorithm=\"SHA-256\","
		 " qop=\"auth\", nonce=\"YZlVk2GZVGegVBZVKaMHpnxmUA+QyoS\"",
		 "example.net", "YZlVk2GZVGegVBZVKaMHpnxmUA+QyoS", NULL,
		 AUTH_ALG_SHA256, false, true, true, false, false},
		/* libre: no algorithm means MD5, no qop */
		{"Digest realm=\"example.net\","
		 " nonce=\"YZlVk2GZVGegVBZVKaMHpnxmUA+QyoSl\"",
		 "example.net", "YZlVk2GZVGegVBZVKaMHpnxmUA+QyoSl", NULL,
		 AUTH_ALG_MD5, false, false, false, false, false},
		/* Flexisip (sip.linphone.org) pair */
		{"Digest realm=\"sip.linphone.org\","
		 " nonce=\"fsZS4gAAAAAMuwl4AAAt4vD7FUEAAAAA\","
		 " opaque=\"+GNywA==\", algorithm=SHA-256, qop=\"auth\"",
		 "sip.linphone.org", "fsZS4gAAAAAMuwl4AAAt4vD7FUEAAAAA",
		 "+GNywA==", AUTH_ALG_SHA256, false, true, true, false, false},
		{"Digest realm=\"sip.linphone.org\","
		 " nonce=\"fsZS4gAAAAAMuwl4AAAt4vD7FUEAAAAA\","
		 " opaque=\"+GNywA==\", algorithm=MD5, qop=\"auth\"",
		 "sip.linphone.org", "fsZS4gAAAAAMuwl4AAAt4vD7FUEAAAAA",
		 "+GNywA==", AUTH_ALG_MD5, false, true, true, false, false},
		/* FreeSWITCH 1.10.6: no spaces, unquoted qop */
		{"Digest realm=\"192.168.0.47\","
		 "nonce=\"d9920494-56b1-488e-baf3-2f24f9dc1b0e\",qop=auth",
		 "192.168.0.47", "d9920494-56b1-488e-baf3-2f24f9dc1b0e", NULL,
		 AUTH_ALG_MD5, false, true, true, false, false},
		/* RFC 3665 2.1 F2: folded, empty opaque, stale=FALSE */
		{"Digest realm=\"atlanta.example.com\", qop=\"auth\",\r\n"
		 " nonce=\"ea9c8e88df84f1cec4341ae6cbe5a359\",\r\n"
		 " opaque=\"\", stale=FALSE, algorithm=MD5",
		 "atlanta.example.com", "ea9c8e88df84f1cec4341ae6cbe5a359",
		 "", AUTH_ALG_MD5, false, true, true, false, false},
		/* RFC 7616 3.9.2 header: charset and userhash are ignored */
		{"Digest realm=\"api@example.org\", qop=\"auth\","
		 " algorithm=SHA-512-256,"
		 " nonce=\"5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK\","
		 " opaque=\"HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS\","
		 " charset=UTF-8, userhash=true",
		 "api@example.org",
		 "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
		 "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS",
		 AUTH_ALG_SHA512_256, false, true, true, false, false},
		/* -sess, lower-case scheme, unknown params, extra commas */
		{"digest ,realm=\"x\",, nonce=abc, foo=\"b,a\\\"r\","
		 " algorithm=sha-256-SESS, domain=\"sip:x\", x-y=z,",
		 "x", "abc", NULL, AUTH_ALG_SHA256, true,
		 false, false, false, false},
		/* qop without auth: decoded, answered by nobody */
		{"Digest realm=\"x\", nonce=\"n\", qop=\"auth-conf, token\"",
		 "x", "n", NULL, AUTH_ALG_MD5, false, true, false, false,
		 false},
	};
	static const struct {
		const char *val;
		int err;
	} badv[] = {
		{"Basic realm=\"x\"",                           ENOTSUP},
		{"Digest realm=\"x\", nonce=\"n\", algorithm=SHA-1", ENOSYS},
		{"Digest realm=\"x\", nonce=\"n\", algorithm=MD5-foo", ENOSYS},
		{"Digest realm=\"x\", nonce=\"n\", algorithm=\"-sess\"",
		 ENOSYS},
		{"Digest realm=\"x\"",                          EBADMSG},
		{"Digest nonce=\"n\"",                          EBADMSG},
		{"Digest realm=\"x\", nonce=\"\"",              EBADMSG},
		{"Digest realm=\"x\", nonce=\"n\", realm=\"y\"", EBADMSG},
		{"Digest realm=\"x\", nonce=\"n",               EBADMSG},
		{"Digest realm=\"x\", nonce=n\"",               EBADMSG},
		{"Digest realm=\"x\" nonce=\"n\"",              EBADMSG},
		{"Digest realm, nonce=\"n\"",                   EBADMSG},
		{"Digest realm=, nonce=\"n\"",                  EBADMSG},
		{"Digest =\"x\", nonce=\"n\"",                  EBADMSG},
		{"Digest realm=\"a\\",                          EBADMSG},
		{"Digest realm=\"a\x01\", nonce=\"n\"",         EBADMSG},
		{"Digest realm=\"a\\\x01\", nonce=\"n\"",       EBADMSG},
		{"Digest realm=\"a\r\n b\", nonce=\"n\"",       EBADMSG},
		{"Digest",                                      EBADMSG},
		{"Digestrealm=\"x\", nonce=\"n\"",              ENOTSUP},
		{"",                                            EBADMSG},
		{",,,",                                         EBADMSG},
	};
	struct auth_chall ch;
	struct pl pl;
	char *str = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(okv); ++i) {
		pl_set_str(&pl, okv[i].val);

		err = auth_chall_decode(&ch, &pl);
		if (err)
			(void)fprintf(stderr, "case %zu\n", i);
		TEST_ERR(err);

		TEST_ASSERT(pl_is(&ch.realm, okv[i].realm));
		TEST_ASSERT(pl_is(&ch.nonce, okv[i].nonce));
		TEST_EQUALS(okv[i].opaque != NULL, ch.has_opaque);
		if (okv[i].opaque)
			TEST_ASSERT(!pl_strcmp(&ch.opaque, okv[i].opaque));
		TEST_EQUALS(okv[i].alg, ch.alg);
		TEST_EQUALS(okv[i].sess, ch.sess);
		TEST_EQUALS(okv[i].qop, ch.qop);
		TEST_EQUALS(okv[i].qop_auth, ch.qop_auth);
		TEST_EQUALS(okv[i].qop_auth_int, ch.qop_auth_int);
		TEST_EQUALS(okv[i].stale, ch.stale);
	}

	/* algorithm as written (echoed so), even when it was quoted */
	pl_set_str(&pl, okv[0].val);
	err = auth_chall_decode(&ch, &pl);
	TEST_ERR(err);
	TEST_ASSERT(pl_is(&ch.algorithm, "md5"));
	pl_set_str(&pl, okv[1].val);
	err = auth_chall_decode(&ch, &pl);
	TEST_ERR(err);
	TEST_ASSERT(pl_is(&ch.algorithm, "SHA-256"));
	pl_set_str(&pl, okv[2].val);
	err = auth_chall_decode(&ch, &pl);
	TEST_ERR(err);
	TEST_ASSERT(!pl_isset(&ch.algorithm));

	/* quoted-pairs are kept in the slice and removed by unquote */
	pl_set_str(&pl, "Digest realm=\"a \\\"q\\\" \\\\ b\", nonce=\"n\"");
	err = auth_chall_decode(&ch, &pl);
	TEST_ERR(err);
	TEST_ASSERT(pl_is(&ch.realm, "a \\\"q\\\" \\\\ b"));
	err = auth_unquote(&str, &ch.realm);
	TEST_ERR(err);
	TEST_STRCMP("a \"q\" \\ b", str);

	for (i = 0; i < ARRAY_SIZE(badv); ++i) {
		pl_set_str(&pl, badv[i].val);
		err = auth_chall_decode(&ch, &pl);
		if (err != badv[i].err)
			(void)fprintf(stderr, "bad case %zu: %d\n", i, err);
		TEST_EQUALS(badv[i].err, err);
	}

	TEST_EQUALS(EINVAL, auth_chall_decode(NULL, &pl));
	TEST_EQUALS(EINVAL, auth_chall_decode(&ch, NULL));
	TEST_EQUALS(EBADMSG, auth_chall_decode(&ch, &pl_null));
	err = 0;

 out:
	mem_deref(str);

	return err;
}


/* Answer hdrs with a fresh state; *hdrsp gets the request's headers */
static int answer(char **hdrsp, int *aerr, struct auth_creds *creds,
		  uint16_t scode, const char *hdrs, size_t len)
{
	struct sip_auth *auth = NULL;
	int err;

	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	if (err)
		return err;

	err = chall_apply(aerr, auth, scode, hdrs, len);
	if (err)
		goto out;

	err = request(hdrsp, auth, "REGISTER", "sip:example.org");

 out:
	mem_deref(auth);

	return err;
}


int test_auth_strongest_wins(void)
{
	static const char *pw = "Circle of Life";
#define CH(alg) "WWW-Authenticate: Digest realm=\"example.org\"," \
		" nonce=\"bd26dc31a38fba1a\", qop=\"auth\", algorithm=" alg \
		"\r\n"
	static const struct {
		const char *hdrs;
		const char *alg;  /* echoed */
		enum auth_alg a;
		bool sess;
	} testv[] = {
		{CH("SHA-256") CH("MD5"),              "SHA-256", 1, false},
		{CH("MD5") CH("SHA-256"),              "SHA-256", 1, false},
		{CH("MD5") CH("SHA-512-256") CH("SHA-256"),
		 "SHA-512-256", 2, false},
		{CH("SHA-256") CH("SHA-512-256") CH("MD5"),
		 "SHA-512-256", 2, false},
		{CH("MD5-sess") CH("SHA-256-sess"),    "SHA-256-sess", 1,
		 true},
		{CH("SHA-1") CH("MD5"),                "MD5", 0, false},
		{CH("SHA-256") CH("sha-256"),          "SHA-256", 1, false},
		{CH("md5") CH("sha-256"),              "sha-256", 1, false},
		{CH("\"SHA-256\"") CH("MD5"),          "SHA-256", 1, false},
	};
#undef CH
	static const char two_realms[] =
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=MD5\r\n"
		"Proxy-Authenticate: Digest realm=\"proxy.example.org\","
		" nonce=\"n2\", qop=\"auth\"\r\n"
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=SHA-256\r\n"
		"Proxy-Authenticate: Digest realm=\"proxy.example.org\","
		" nonce=\"n2\", qop=\"auth\", algorithm=SHA-512-256\r\n";
	struct auth_creds *creds = NULL;
	char *hdrs = NULL, *line;
	char alg[32], ha1[AUTH_HEX_SIZE];
	size_t i;
	int aerr, err;

	err = creds_make(&creds, "alice", pw);
	TEST_ERR(err);

	for (i = 0; i < ARRAY_SIZE(testv); ++i) {
		err = answer(&hdrs, &aerr, creds, 401, testv[i].hdrs,
			     strlen(testv[i].hdrs));
		TEST_ERR(err);
		AUTH_EQUALS(0, aerr);

		TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
		TEST_EQUALS(0, count_lines(hdrs, "Proxy-Authorization: "));
		err = hdr_param(alg, sizeof(alg), hdrs, "algorithm");
		TEST_ERR(err);
		TEST_STRCMP(testv[i].alg, alg);

		err = auth_digest_ha1(ha1, testv[i].a, "alice", "example.org",
				      pw);
		TEST_ERR(err);
		err = response_check(hdrs, testv[i].a, testv[i].sess, ha1,
				     "REGISTER", "sip:example.org");
		TEST_ERR(err);

		hdrs = mem_deref(hdrs);
	}

	/* one answer per realm: registrar and proxy */
	err = answer(&hdrs, &aerr, creds, 401, two_realms,
		     strlen(two_realms));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
	TEST_EQUALS(1, count_lines(hdrs, "Proxy-Authorization: "));

	line = strstr(hdrs, "Authorization: ");
	TEST_ASSERT(line == hdrs);
	err = hdr_param(alg, sizeof(alg), line, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("SHA-256", alg);

	line = strstr(hdrs, "Proxy-Authorization: ");
	TEST_ASSERT(line != NULL);
	err = hdr_param(alg, sizeof(alg), line, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("SHA-512-256", alg);
	err = auth_digest_ha1(ha1, AUTH_ALG_SHA512_256, "alice",
			      "proxy.example.org", pw);
	TEST_ERR(err);
	err = response_check(line, AUTH_ALG_SHA512_256, false, ha1,
			     "REGISTER", "sip:example.org");
	TEST_ERR(err);

 out:
	mem_deref(hdrs);
	mem_deref(creds);

	return err;
}


int test_auth_realm_pinned(void)
{
	static const char evil[] =
		"WWW-Authenticate: Digest realm=\"evil.example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=SHA-256\r\n";
	static const char evil_case[] =
		"WWW-Authenticate: Digest realm=\"Example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=SHA-256\r\n";
	static const char both[] =
		"Proxy-Authenticate: Digest realm=\"evil.example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=SHA-256\r\n"
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n2\", qop=\"auth\", algorithm=SHA-256\r\n";
	struct auth_creds *creds = NULL;
	char *hdrs = NULL, *user = NULL, *pass = NULL;
	char realm[64];
	int aerr, err;

	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);
	err = auth_creds_set_realm(creds, "example.org");
	TEST_ERR(err);

	/* another realm: nothing is sent */
	err = answer(&hdrs, &aerr, creds, 401, evil, strlen(evil));
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", hdrs);
	TEST_EQUALS(AUTH_FAIL_REALM, auth_creds_failure(creds));
	TEST_STRCMP("realm-mismatch",
		    auth_fail_name(auth_creds_failure(creds)));
	hdrs = mem_deref(hdrs);

	/* RFC 2617 1.2: realms compare case-sensitively */
	err = answer(&hdrs, &aerr, creds, 401, evil_case, strlen(evil_case));
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", hdrs);
	hdrs = mem_deref(hdrs);

	/* only the pinned realm is answered */
	err = answer(&hdrs, &aerr, creds, 407, both, strlen(both));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
	TEST_EQUALS(0, count_lines(hdrs, "Proxy-Authorization: "));
	err = hdr_param(realm, sizeof(realm), hdrs, "realm");
	TEST_ERR(err);
	TEST_STRCMP("example.org", realm);
	TEST_EQUALS(AUTH_FAIL_NONE, auth_creds_failure(creds));

	/* as a plain libre handler */
	TEST_EQUALS(EAUTH, auth_creds_h(&user, &pass, "evil.example.org",
					creds));
	TEST_EQUALS(AUTH_FAIL_REALM, auth_creds_failure(creds));
	err = auth_creds_h(&user, &pass, "example.org", creds);
	TEST_ERR(err);
	TEST_STRCMP("alice", user);
	TEST_STRCMP("secret", pass);

	/* unpinned: any realm */
	hdrs = mem_deref(hdrs);
	err = auth_creds_set_realm(creds, NULL);
	TEST_ERR(err);
	err = answer(&hdrs, &aerr, creds, 401, evil, strlen(evil));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));

 out:
	mem_deref(user);
	mem_deref(pass);
	mem_deref(hdrs);
	mem_deref(creds);

	return err;
}


int test_auth_min_algorithm(void)
{
	static const char md5_only[] =
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n1\", qop=\"auth\"\r\n";
	static const char md5_sha256[] =
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=MD5\r\n"
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n1\", qop=\"auth\", algorithm=SHA-256\r\n";
	struct auth_creds *creds = NULL;
	char *hdrs = NULL;
	char alg[32];
	enum auth_alg a;
	int aerr, err;

	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);
	auth_creds_set_min_alg(creds, AUTH_ALG_SHA256);

	/* no algorithm: MD5 (RFC 7616 3.3), below the minimum */
	err = answer(&hdrs, &aerr, creds, 401, md5_only, strlen(md5_only));
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", hdrs);
	TEST_EQUALS(AUTH_FAIL_ALGORITHM, auth_creds_failure(creds));
	TEST_STRCMP("algorithm-refused",
		    auth_fail_name(auth_creds_failure(creds)));
	hdrs = mem_deref(hdrs);

	err = answer(&hdrs, &aerr, creds, 401, md5_sha256,
		     strlen(md5_sha256));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = hdr_param(alg, sizeof(alg), hdrs, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("SHA-256", alg);
	hdrs = mem_deref(hdrs);

	auth_creds_set_min_alg(creds, AUTH_ALG_SHA512_256);
	err = answer(&hdrs, &aerr, creds, 401, md5_sha256,
		     strlen(md5_sha256));
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", hdrs);
	TEST_EQUALS(AUTH_FAIL_ALGORITHM, auth_creds_failure(creds));

	/* names */
	err = auth_alg_decode(&a, "sha-512-256");
	TEST_ERR(err);
	TEST_EQUALS(AUTH_ALG_SHA512_256, a);
	err = auth_alg_decode(&a, "MD5");
	TEST_ERR(err);
	TEST_EQUALS(AUTH_ALG_MD5, a);
	TEST_STRCMP("SHA-256", auth_alg_name(AUTH_ALG_SHA256));
	TEST_STRCMP("SHA-512-256", auth_alg_name(AUTH_ALG_SHA512_256));
	TEST_STRCMP("?", auth_alg_name(AUTH_ALG_COUNT));
	TEST_EQUALS(EINVAL, auth_alg_decode(&a, "SHA-256-sess"));
	TEST_EQUALS(EINVAL, auth_alg_decode(&a, "SHA-1"));
	TEST_EQUALS(EINVAL, auth_alg_decode(&a, ""));
	TEST_EQUALS(EINVAL, auth_alg_decode(NULL, "MD5"));
	err = 0;

 out:
	mem_deref(hdrs);
	mem_deref(creds);

	return err;
}


int test_auth_ha1(void)
{
	struct auth_creds *pwc = NULL, *ha1c = NULL;
	char *hpw = NULL, *hha1 = NULL;
	char upper[AUTH_HEX_SIZE], alg[32], md5ha1[AUTH_HEX_SIZE];
	struct vec v;
	size_t i;
	int aerr, err;

	err = vec_load(&v, "rfc7616-3.9.1-sha256.digest");
	TEST_ERR(err);

	for (i = 0; v.ha1[i]; ++i)
		upper[i] = (char)toupper((unsigned char)v.ha1[i]);
	upper[i] = '\0';

	err = creds_make(&pwc, v.username, v.password);
	TEST_ERR(err);

	err = auth_creds_alloc(&ha1c, v.username);
	TEST_ERR(err);
	err = auth_creds_set_ha1(ha1c, AUTH_ALG_SHA256, upper);
	TEST_ERR(err);

	/* an HA1 is bound to a realm: unusable without a pinned one */
	err = answer(&hha1, &aerr, ha1c, 401, rfc_401_sha256_md5,
		     strlen(rfc_401_sha256_md5));
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", hha1);
	TEST_EQUALS(AUTH_FAIL_NOCREDS, auth_creds_failure(ha1c));
	hha1 = mem_deref(hha1);

	err = auth_creds_set_realm(ha1c, v.realm);
	TEST_ERR(err);

	err = answer(&hpw, &aerr, pwc, 401, rfc_401_sha256_md5,
		     strlen(rfc_401_sha256_md5));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = answer(&hha1, &aerr, ha1c, 401, rfc_401_sha256_md5,
		     strlen(rfc_401_sha256_md5));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);

	/* both answers verify with the one HA1 of the password */
	err = response_check(hpw, AUTH_ALG_SHA256, false, v.ha1, "REGISTER",
			     "sip:example.org");
	TEST_ERR(err);
	err = response_check(hha1, AUTH_ALG_SHA256, false, v.ha1, "REGISTER",
			     "sip:example.org");
	TEST_ERR(err);
	hha1 = mem_deref(hha1);

	/* only an MD5 HA1: the MD5 challenge is the strongest usable */
	err = auth_creds_set_ha1(ha1c, AUTH_ALG_SHA256, NULL);
	TEST_ERR(err);
	err = auth_digest_ha1(md5ha1, AUTH_ALG_MD5, v.username, v.realm,
			      v.password);
	TEST_ERR(err);
	err = auth_creds_set_ha1(ha1c, AUTH_ALG_MD5, md5ha1);
	TEST_ERR(err);
	err = answer(&hha1, &aerr, ha1c, 401, rfc_401_sha256_md5,
		     strlen(rfc_401_sha256_md5));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = hdr_param(alg, sizeof(alg), hha1, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("MD5", alg);
	err = response_check(hha1, AUTH_ALG_MD5, false, md5ha1, "REGISTER",
			     "sip:example.org");
	TEST_ERR(err);

	/* validation: length of the algorithm, hex digits only */
	TEST_EQUALS(EINVAL, auth_creds_set_ha1(ha1c, AUTH_ALG_MD5, v.ha1));
	TEST_EQUALS(EINVAL, auth_creds_set_ha1(ha1c, AUTH_ALG_SHA256,
					       md5ha1));
	TEST_EQUALS(EINVAL, auth_creds_set_ha1(ha1c, AUTH_ALG_SHA512_256,
					       ""));
	upper[10] = 'g';
	TEST_EQUALS(EINVAL, auth_creds_set_ha1(ha1c, AUTH_ALG_SHA256,
					       upper));
	TEST_EQUALS(EINVAL, auth_creds_set_ha1(ha1c, AUTH_ALG_COUNT,
					       md5ha1));
	TEST_EQUALS(EINVAL, auth_creds_set_ha1(NULL, AUTH_ALG_MD5, md5ha1));
	err = 0;

 out:
	mem_deref(hpw);
	mem_deref(hha1);
	mem_deref(pwc);
	mem_deref(ha1c);

	return err;
}


static int stale_chall(int *aerr, struct sip_auth *auth, const char *nonce,
		       bool stale)
{
	char hdrs[256];

	(void)re_snprintf(hdrs, sizeof(hdrs),
			  "WWW-Authenticate: Digest realm=\"example.org\","
			  " nonce=\"%s\", qop=\"auth\", algorithm=SHA-256%s"
			  "\r\n", nonce, stale ? ", stale=true" : "");

	return chall(aerr, auth, hdrs);
}


/* A request carrying nonce with nonce-count nc */
static int request_check(struct sip_auth *auth, const char *nonce,
			 const char *nc)
{
	char *hdrs = NULL;
	char val[64];
	int err;

	err = request(&hdrs, auth, "REGISTER", "sip:example.org");
	TEST_ERR(err);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
	err = hdr_param(val, sizeof(val), hdrs, "nonce");
	TEST_ERR(err);
	TEST_STRCMP(nonce, val);
	err = hdr_param(val, sizeof(val), hdrs, "nc");
	TEST_ERR(err);
	TEST_STRCMP(nc, val);

 out:
	mem_deref(hdrs);

	return err;
}


/* reset: sip_auth_reset() before each authenticate (libre's sipreg) */
static int stale_test(bool reset)
{
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	int aerr, err;

	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, true);
	TEST_ERR(err);

	err = stale_chall(&aerr, auth, "n1", false);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request_check(auth, "n1", "00000001");
	TEST_ERR(err);

	/* RFC 7616 3.3: stale=true: same credentials, new nonce */
	if (reset)
		sip_auth_reset(auth);
	err = stale_chall(&aerr, auth, "n2", true);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request_check(auth, "n2", "00000001");
	TEST_ERR(err);

	/* the nonce of the retry is stale at once: not again */
	if (reset)
		sip_auth_reset(auth);
	err = stale_chall(&aerr, auth, "n3", true);
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_EQUALS(AUTH_FAIL_REJECTED, auth_creds_failure(creds));

	/* a nonce that worked for a while may go stale again */
	auth = mem_deref(auth);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);
	err = stale_chall(&aerr, auth, "m1", false);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err  = request_check(auth, "m1", "00000001");
	err |= request_check(auth, "m1", "00000002");
	TEST_ERR(err);
	err = stale_chall(&aerr, auth, "m2", true);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err  = request_check(auth, "m2", "00000001");
	err |= request_check(auth, "m2", "00000002");
	err |= request_check(auth, "m2", "00000003");
	TEST_ERR(err);
	err = stale_chall(&aerr, auth, "m3", true);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request_check(auth, "m3", "00000001");
	TEST_ERR(err);
	TEST_EQUALS(AUTH_FAIL_NONE, auth_creds_failure(creds));

 out:
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


int test_auth_stale_retry_once(void)
{
	int err;

	err = stale_test(false);
	TEST_ERR(err);
	err = stale_test(true);
	TEST_ERR(err);

 out:
	return err;
}


static int rejected_test(bool reset)
{
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char *hdrs = NULL;
	int aerr, err;

	err = creds_make(&creds, "alice", "wrong password");
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);

	err = stale_chall(&aerr, auth, "n1", false);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request_check(auth, "n1", "00000001");
	TEST_ERR(err);

	/* challenged again, not stale: our answer was refused */
	if (reset)
		sip_auth_reset(auth);
	err = stale_chall(&aerr, auth, "n2", false);
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_EQUALS(AUTH_FAIL_REJECTED, auth_creds_failure(creds));
	TEST_STRCMP("auth-failed", auth_fail_name(auth_creds_failure(creds)));

	/* a fresh request (reset, then sent) is answered again */
	sip_auth_reset(auth);
	err = request(&hdrs, auth, "REGISTER", "sip:example.org");
	TEST_ERR(err);
	TEST_STRCMP("", hdrs);
	err = stale_chall(&aerr, auth, "n3", false);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request_check(auth, "n3", "00000001");
	TEST_ERR(err);

 out:
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


int test_auth_rejected_no_loop(void)
{
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char hdrs[256];
	int i, aerr = 0, err;

	err = rejected_test(false);
	TEST_ERR(err);
	err = rejected_test(true);
	TEST_ERR(err);

	/* a server that asks for a new realm each time: bounded */
	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);

	for (i = 0; i < 20; ++i) {
		char *req = NULL;

		(void)re_snprintf(hdrs, sizeof(hdrs),
				  "Proxy-Authenticate: Digest"
				  " realm=\"r%d.example.org\", nonce=\"n\","
				  " qop=auth\r\n", i);
		err = chall_apply(&aerr, auth, 407, hdrs, strlen(hdrs));
		TEST_ERR(err);
		if (aerr)
			break;

		err = request(&req, auth, "INVITE", "sip:bob@example.org");
		mem_deref(req);
		TEST_ERR(err);
	}
	AUTH_EQUALS(EAUTH, aerr);
	TEST_ASSERT(i <= 8);
	TEST_EQUALS(AUTH_FAIL_REJECTED, auth_creds_failure(creds));

	/* no handler: every challenge is refused (libre) */
	auth = mem_deref(auth);
	err = sip_auth_alloc(&auth, NULL, NULL, false);
	TEST_ERR(err);
	err = stale_chall(&aerr, auth, "n1", false);
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);

	TEST_EQUALS(EINVAL, sip_auth_alloc(NULL, NULL, NULL, false));
	TEST_EQUALS(EINVAL, sip_auth_authenticate(NULL, NULL));
	sip_auth_reset(NULL);
	err = 0;

 out:
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


static int hostile_check(struct auth_creds *creds, uint16_t scode,
			 const char *hdrs, size_t len, enum auth_fail fail)
{
	char *out = NULL;
	int aerr = 0, err;

	auth_creds_reset_failure(creds);

	err = answer(&out, &aerr, creds, scode, hdrs, len);
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", out);
	TEST_EQUALS(fail, auth_creds_failure(creds));

 out:
	mem_deref(out);

	return err;
}


static uint32_t xorshift(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;

	return *s = x;
}


/* Mutations of a valid challenge never crash, and slices stay inside */
static int hostile_mutations(void)
{
	static const char base[] =
		"Digest realm=\"example.org\", nonce=\"a\\\"b\","
		" qop=\"auth,auth-int\", algorithm=SHA-256-sess,"
		" opaque=\"\", stale=TRUE";
	static const char alphabet[] = "\"\\,= \t\r\n\0\x01\x7f\xff" "aZ-";
	const uint32_t seed = 0x5eed1234;
	uint32_t s = seed;
	char buf[sizeof(base)];
	struct auth_chall ch;
	int i, j, err = 0;

	for (i = 0; i < 20000; ++i) {
		struct pl pl;
		const int n = 1 + (int)(xorshift(&s) % 4);

		memcpy(buf, base, sizeof(base));
		for (j = 0; j < n; ++j) {
			const uint32_t r = xorshift(&s);

			buf[r % (sizeof(base) - 1)] =
				alphabet[(r >> 16) % (sizeof(alphabet) - 1)];
		}

		pl.p = buf;
		pl.l = (xorshift(&s) % 8) ? sizeof(base) - 1
			: xorshift(&s) % sizeof(base);

		if (auth_chall_decode(&ch, &pl))
			continue;

		TEST_ASSERT(ch.realm.p >= buf &&
			    ch.realm.p + ch.realm.l <= buf + pl.l);
		TEST_ASSERT(ch.nonce.p >= buf &&
			    ch.nonce.p + ch.nonce.l <= buf + pl.l);
		TEST_ASSERT(ch.nonce.l > 0);
	}

 out:
	if (err)
		(void)fprintf(stderr, "mutation %d of seed 0x%08x\n", i, seed);

	return err;
}


int test_auth_hostile_challenges(void)
{
	static const struct {
		const char *hdrs;
		enum auth_fail fail;
	} testv[] = {
		{"WWW-Authenticate: Digest realm=\"example.org, nonce=\"abc"
		 "\r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Digest realm=\"example.org\", nonce=\"abc"
		 "\r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: \r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Digest\r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Digest ,,,,\r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: \x01\x02!!\"\"\"=,,,\r\n",
		 AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Basic realm=\"example.org\"\r\n",
		 AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Digest realm=\"x\", nonce=\"a\","
		 " nonce=\"b\"\r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\","
		 " algorithm=SHA-1\r\n", AUTH_FAIL_ALGORITHM},
		{"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\","
		 " algorithm=MD6\r\n"
		 "WWW-Authenticate: Digest realm=\"x\", nonce=\"n\","
		 " algorithm=SHA-256-foo\r\n", AUTH_FAIL_ALGORITHM},
		/* auth-int alone: test_auth_qop (answerable for REGISTER) */
		{"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\","
		 " qop=\"auth-conf\"\r\n",                   AUTH_FAIL_QOP},
		{"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\","
		 " algorithm=MD5-sess\r\n",                  AUTH_FAIL_QOP},
		{"Proxy-Authenticate: Digest realm=\"x\r\n y\", nonce=\"n\""
		 "\r\n", AUTH_FAIL_MALFORMED},
		{"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\","
		 " qop=\"auth\", opaque=\"a\\\x02\"\r\n", AUTH_FAIL_MALFORMED},
		{"Content-Type: text/plain\r\n", AUTH_FAIL_MALFORMED},
	};
	static const char nul[] =
		"WWW-Authenticate: Digest realm=\"exa\0mple.org\","
		" nonce=\"n\"\r\n"
		"Proxy-Authenticate: Digest\0realm=\"x\", nonce=\"n\"\r\n"
		"WWW-Authenticate: Digest realm=\"x\", nonce=\"n\"\0\r\n";
	struct auth_creds *creds = NULL;
	struct mbuf *mb = NULL;
	size_t i;
	int err;

	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);

	for (i = 0; i < ARRAY_SIZE(testv); ++i) {
		err = hostile_check(creds, 401, testv[i].hdrs,
				    strlen(testv[i].hdrs), testv[i].fail);
		if (err)
			(void)fprintf(stderr, "hostile case %zu\n", i);
		TEST_ERR(err);
	}

	/* NUL bytes inside values and between them */
	err = hostile_check(creds, 401, nul, sizeof(nul) - 1,
			    AUTH_FAIL_MALFORMED);
	TEST_ERR(err);

	/* a 10 KB realm */
	mb = mbuf_alloc(16384);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}
	err = mbuf_write_str(mb, "WWW-Authenticate: Digest realm=\"");
	for (i = 0; i < 10240; ++i)
		err |= mbuf_write_u8(mb, 'a' + i % 26);
	err |= mbuf_write_str(mb, "\", nonce=\"n\", qop=\"auth\"\r\n");
	TEST_ERR(err);
	err = hostile_check(creds, 401, (char *)mb->buf, mb->end,
			    AUTH_FAIL_MALFORMED);
	TEST_ERR(err);

	/* a realm just over the limit, alone */
	mbuf_reset(mb);
	err = mbuf_write_str(mb, "WWW-Authenticate: Digest realm=\"");
	for (i = 0; i < 1025; ++i)
		err |= mbuf_write_u8(mb, 'r');
	err |= mbuf_write_str(mb, "\", nonce=\"n\"\r\n");
	TEST_ERR(err);
	err = hostile_check(creds, 401, (char *)mb->buf, mb->end,
			    AUTH_FAIL_MALFORMED);
	TEST_ERR(err);

	/* 40 parameters */
	mbuf_reset(mb);
	err = mbuf_write_str(mb, "WWW-Authenticate: Digest realm=\"x\","
			     " nonce=\"n\"");
	for (i = 0; i < 40; ++i)
		err |= mbuf_printf(mb, ", p%zu=v", i);
	err |= mbuf_write_str(mb, "\r\n");
	TEST_ERR(err);
	err = hostile_check(creds, 401, (char *)mb->buf, mb->end,
			    AUTH_FAIL_MALFORMED);
	TEST_ERR(err);

	/* 100 valid challenges: the response is refused as a whole */
	mbuf_reset(mb);
	for (i = 0; i < 100; ++i)
		err |= mbuf_printf(mb, "%s: Digest realm=\"r%zu\","
				   " nonce=\"n%zu\", qop=\"auth\"\r\n",
				   i % 2 ? "Proxy-Authenticate"
				   : "WWW-Authenticate", i, i);
	TEST_ERR(err);
	err = hostile_check(creds, 407, (char *)mb->buf, mb->end,
			    AUTH_FAIL_MALFORMED);
	TEST_ERR(err);

	err = hostile_mutations();
	TEST_ERR(err);

 out:
	mem_deref(mb);
	mem_deref(creds);

	return err;
}


int test_auth_vectors(void)
{
	struct vec v;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(vector_files); ++i) {
		err = vec_load(&v, vector_files[i]);
		TEST_ERR(err);
		TEST_ASSERT(v.desc[0] && v.response[0] && v.algorithm[0]);
		TEST_EQUALS(v.qop[0] && !strcmp(v.qop, "auth-int"),
			    v.has_body);
		err = vec_check(&v);
		TEST_ERR(err);
	}

 out:
	return err;
}


int test_auth_no_qop(void)
{
	/* RFC 2617 3.5 challenge without qop: the RFC 2069 response */
	static const char hdrs401[] =
		"WWW-Authenticate: Digest realm=\"testrealm@host.com\","
		" nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
		" opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n";
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char *hdrs = NULL;
	char expected[512];
	struct vec v;
	int aerr, err;

	err = vec_load(&v, "rfc2617-3.5-md5-noqop.digest");
	TEST_ERR(err);
	err = creds_make(&creds, v.username, v.password);
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);

	err = chall(&aerr, auth, hdrs401);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);

	(void)re_snprintf(expected, sizeof(expected),
			  "Authorization: Digest username=\"Mufasa\","
			  " realm=\"testrealm@host.com\","
			  " uri=\"/dir/index.html\","
			  " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
			  " response=\"%s\","
			  " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n",
			  v.response);
	TEST_STRCMP(expected, hdrs);

 out:
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


/* RFC 7616 3.4.3 recomputed with the hash alone: qop=auth-int over an
 * empty body, SHA-256, alice/secret, REGISTER sip:example.org, nonce n */
static int auth_int_check(const char *hdrs)
{
	uint8_t h[CRYPTO_HASH_MAX_SIZE];
	char ha1[65], hbody[65], ha2[65], want[65];
	char cnonce[64], nc[16], got[80];
	int err;

	err  = hdr_param(cnonce, sizeof(cnonce), hdrs, "cnonce");
	err |= hdr_param(nc, sizeof(nc), hdrs, "nc");
	err |= hdr_param(got, sizeof(got), hdrs, "response");
	if (err)
		return EINVAL;

	err  = crypto_hash_printf(CRYPTO_HASH_SHA256, h,
				  "alice:example.org:secret");
	(void)re_snprintf(ha1, sizeof(ha1), "%w", h, (size_t)32);
	err |= crypto_hash(CRYPTO_HASH_SHA256, h, NULL, 0);
	(void)re_snprintf(hbody, sizeof(hbody), "%w", h, (size_t)32);
	err |= crypto_hash_printf(CRYPTO_HASH_SHA256, h,
				  "REGISTER:sip:example.org:%s", hbody);
	(void)re_snprintf(ha2, sizeof(ha2), "%w", h, (size_t)32);
	err |= crypto_hash_printf(CRYPTO_HASH_SHA256, h,
				  "%s:n:%s:%s:auth-int:%s",
				  ha1, nc, cnonce, ha2);
	(void)re_snprintf(want, sizeof(want), "%w", h, (size_t)32);
	if (err)
		return err;

	TEST_STRCMP(want, got);

 out:
	return err;
}


int test_auth_qop(void)
{
	static const char both[] =
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n\", qop=\"auth-int, auth\", algorithm=SHA-256\r\n";
	static const char int_only_stronger[] =
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n\", qop=\"auth-int\", algorithm=SHA-512-256\r\n"
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n\", qop=\"auth\", algorithm=SHA-256\r\n";
	static const char int_only[] =
		"WWW-Authenticate: Digest realm=\"example.org\","
		" nonce=\"n\", qop=\"auth-int\", algorithm=SHA-256\r\n";
	struct auth_creds *creds = NULL;
	char *hdrs = NULL;
	char val[32];
	int aerr, err;

	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);

	err = answer(&hdrs, &aerr, creds, 401, both, strlen(both));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = hdr_param(val, sizeof(val), hdrs, "qop");
	TEST_ERR(err);
	TEST_STRCMP("auth", val);
	hdrs = mem_deref(hdrs);

	/* a REGISTER has no body: auth-int alone is answerable, H("") */
	err = answer(&hdrs, &aerr, creds, 401, int_only_stronger,
		     strlen(int_only_stronger));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = hdr_param(val, sizeof(val), hdrs, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("SHA-512-256", val);
	err = hdr_param(val, sizeof(val), hdrs, "qop");
	TEST_ERR(err);
	TEST_STRCMP("auth-int", val);
	hdrs = mem_deref(hdrs);

	err = answer(&hdrs, &aerr, creds, 401, int_only, strlen(int_only));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = auth_int_check(hdrs);
	TEST_ERR(err);
	hdrs = mem_deref(hdrs);

	/* a request with a body (INVITE): auth-int is not answerable */
	cseq_method = "INVITE";
	err = answer(&hdrs, &aerr, creds, 401, int_only_stronger,
		     strlen(int_only_stronger));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = hdr_param(val, sizeof(val), hdrs, "algorithm");
	TEST_ERR(err);
	TEST_STRCMP("SHA-256", val);
	hdrs = mem_deref(hdrs);

	err = answer(&hdrs, &aerr, creds, 401, int_only, strlen(int_only));
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	TEST_STRCMP("", hdrs);
	TEST_EQUALS(AUTH_FAIL_QOP, auth_creds_failure(creds));
	TEST_STRCMP("auth-failed", auth_fail_name(AUTH_FAIL_QOP));

 out:
	cseq_method = "REGISTER";
	mem_deref(hdrs);
	mem_deref(creds);

	return err;
}


static int plain_handler(char **user, char **pass, const char *realm,
			 void *arg)
{
	int *calls = arg;
	int err;

	++*calls;

	if (!strcmp(realm, "refused"))
		return EACCES;

	if (!strcmp(realm, "inject"))
		return str_dup(user, "eve\r\nX-Evil: 1") |
			str_dup(pass, "x");

	err  = str_dup(user, "Mufasa");
	err |= str_dup(pass, "Circle of Life");

	return err;
}


int test_auth_plain_handler(void)
{
	struct sip_auth *auth = NULL;
	char *hdrs = NULL;
	struct vec v;
	int calls = 0, aerr, err;

	err = vec_load(&v, "rfc7616-3.9.1-sha256.digest");
	TEST_ERR(err);

	/* a libre-style handler: username and password per realm */
	err = sip_auth_alloc(&auth, plain_handler, &calls, false);
	TEST_ERR(err);
	err = chall(&aerr, auth, rfc_401_sha256_md5);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	TEST_EQUALS(1, calls);
	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	TEST_EQUALS(1, count_lines(hdrs, "Authorization: "));
	err = response_check(hdrs, AUTH_ALG_SHA256, false, v.ha1, v.method,
			     v.uri);
	TEST_ERR(err);
	auth = mem_deref(auth);

	/* the handler's error is returned */
	err = sip_auth_alloc(&auth, plain_handler, &calls, false);
	TEST_ERR(err);
	err = chall(&aerr, auth, "WWW-Authenticate: Digest realm=\"refused\","
		    " nonce=\"n\"\r\n");
	TEST_ERR(err);
	AUTH_EQUALS(EACCES, aerr);

	/* a username that would inject a header is refused */
	err = chall(&aerr, auth, "WWW-Authenticate: Digest realm=\"inject\","
		    " nonce=\"n\"\r\n");
	TEST_ERR(err);
	AUTH_EQUALS(EINVAL, aerr);
	hdrs = mem_deref(hdrs);
	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	TEST_STRCMP("", hdrs);

 out:
	mem_deref(hdrs);
	mem_deref(auth);

	return err;
}


int test_auth_two_proxies(void)
{
	/* RFC 3665 3.3: INVITE through two proxies, two realms */
	static const char atlanta[] =
		"Proxy-Authenticate: Digest realm=\"atlanta.example.com\","
		" qop=\"auth\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\","
		" opaque=\"\", stale=FALSE, algorithm=MD5\r\n";
	static const char biloxi[] =
		"Proxy-Authenticate: Digest realm=\"biloxi.example.com\","
		" qop=\"auth\", nonce=\"c60f3082ee1212b402a21831ae\","
		" opaque=\"\", stale=FALSE, algorithm=MD5\r\n";
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	char *hdrs = NULL, *second;
	char val[64];
	int aerr, err;

	err = creds_make(&creds, "alice", "secret");
	TEST_ERR(err);
	err = sip_auth_alloc(&auth, auth_creds_h, creds, false);
	TEST_ERR(err);

	err = chall_apply(&aerr, auth, 407, atlanta, strlen(atlanta));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request(&hdrs, auth, "INVITE", "sip:bob@biloxi.example.com");
	TEST_ERR(err);
	TEST_EQUALS(1, count_lines(hdrs, "Proxy-Authorization: "));
	TEST_ASSERT(strstr(hdrs, ", opaque=\"\"\r\n") != NULL);
	hdrs = mem_deref(hdrs);

	err = chall_apply(&aerr, auth, 407, biloxi, strlen(biloxi));
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request(&hdrs, auth, "INVITE", "sip:bob@biloxi.example.com");
	TEST_ERR(err);
	TEST_EQUALS(2, count_lines(hdrs, "Proxy-Authorization: "));
	TEST_EQUALS(0, count_lines(hdrs, "Authorization: "));

	err = hdr_param(val, sizeof(val), hdrs, "realm");
	TEST_ERR(err);
	TEST_STRCMP("atlanta.example.com", val);
	err = hdr_param(val, sizeof(val), hdrs, "nc");
	TEST_ERR(err);
	TEST_STRCMP("00000002", val);

	second = strstr(hdrs, "\r\n") + 2;
	err = hdr_param(val, sizeof(val), second, "realm");
	TEST_ERR(err);
	TEST_STRCMP("biloxi.example.com", val);
	err = hdr_param(val, sizeof(val), second, "nc");
	TEST_ERR(err);
	TEST_STRCMP("00000001", val);

 out:
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(creds);

	return err;
}


static void log_handler(int level, const char *p, size_t len, void *arg)
{
	struct mbuf *log = arg;
	(void)level;

	(void)mbuf_write_mem(log, (const uint8_t *)p, len);
}


static bool contains(const char *hay, size_t n, const char *needle)
{
	const size_t l = strlen(needle);
	size_t i;

	for (i = 0; l && i + l <= n; ++i) {
		if (!strncasecmp(hay + i, needle, l))
			return true;
	}

	return false;
}


int test_auth_secrets(void)
{
#define CH "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\r\n"
	static const char many[] = CH CH CH CH CH CH CH CH CH CH CH CH CH CH CH
		CH CH;
#undef CH
	static const char *pw = "Circle of Life";
	struct auth_creds *pwc = NULL, *ha1c = NULL;
	struct sip_auth *auth = NULL;
	struct mbuf *log = NULL;
	char *hdrs = NULL;
	char ha1[AUTH_HEX_SIZE], resp[AUTH_HEX_SIZE];
	struct vec v;
	int aerr, err;

	err = vec_load(&v, "rfc7616-3.9.1-sha256.digest");
	TEST_ERR(err);
	err = auth_digest_ha1(ha1, AUTH_ALG_SHA256, v.username, v.realm, pw);
	TEST_ERR(err);

	/* everything logged, at the most verbose level, is captured */
	log = mbuf_alloc(1024);
	if (!log) {
		err = ENOMEM;
		goto out;
	}
	dbg_init(DBG_DEBUG, 0);
	dbg_handler_set(log_handler, log);

	err = creds_make(&pwc, v.username, pw);
	TEST_ERR(err);
	err = auth_creds_alloc(&ha1c, v.username);
	TEST_ERR(err);
	err = auth_creds_set_ha1(ha1c, AUTH_ALG_SHA256, ha1);
	TEST_ERR(err);
	err = auth_creds_set_realm(ha1c, v.realm);
	TEST_ERR(err);

	/* answers, a refusal and a realm mismatch: all log something */
	err = sip_auth_alloc(&auth, auth_creds_h, pwc, false);
	TEST_ERR(err);
	err = chall(&aerr, auth, rfc_401_sha256_md5);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	err = hdr_param(resp, sizeof(resp), hdrs, "response");
	TEST_ERR(err);
	TEST_ASSERT(!contains(hdrs, strlen(hdrs), pw));
	TEST_ASSERT(!contains(hdrs, strlen(hdrs), ha1));
	hdrs = mem_deref(hdrs);
	err = chall(&aerr, auth, rfc_401_sha256_md5);
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);
	auth = mem_deref(auth);

	err = sip_auth_alloc(&auth, auth_creds_h, ha1c, false);
	TEST_ERR(err);
	err = chall(&aerr, auth, rfc_401_sha256_md5);
	TEST_ERR(err);
	AUTH_EQUALS(0, aerr);
	err = request(&hdrs, auth, v.method, v.uri);
	TEST_ERR(err);
	TEST_ASSERT(!contains(hdrs, strlen(hdrs), pw));
	TEST_ASSERT(!contains(hdrs, strlen(hdrs), ha1));
	err = chall(&aerr, auth, "WWW-Authenticate: Digest realm=\"other\","
		    " nonce=\"n\", qop=\"auth-int\"\r\n");
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);

	/* more challenges than read: a warning */
	mbuf_reset(log);
	err = chall(&aerr, auth, many);
	TEST_ERR(err);
	AUTH_EQUALS(EAUTH, aerr);

	TEST_ASSERT(log->end > 0);
	TEST_ASSERT(!contains((char *)log->buf, log->end, pw));
	TEST_ASSERT(!contains((char *)log->buf, log->end, ha1));
	TEST_ASSERT(!contains((char *)log->buf, log->end, resp));

 out:
	/* libre's defaults; the runner's sp_init() sets its own */
	dbg_handler_set(NULL, NULL);
	dbg_init(DBG_INFO, DBG_ANSI);
	mem_deref(log);
	mem_deref(hdrs);
	mem_deref(auth);
	mem_deref(pwc);
	mem_deref(ha1c);

	return err;
}


int test_auth_creds(void)
{
	struct auth_creds *creds = NULL;
	char *user = NULL, *pass = NULL;
	char big[1100];
	int err;

	TEST_EQUALS(EINVAL, auth_creds_alloc(NULL, "alice"));
	TEST_EQUALS(EINVAL, auth_creds_alloc(&creds, NULL));
	TEST_EQUALS(EINVAL, auth_creds_alloc(&creds, ""));
	TEST_EQUALS(EINVAL, auth_creds_alloc(&creds, "al\r\nice"));
	TEST_EQUALS(EINVAL, auth_creds_alloc(&creds, "al\x7fice"));

	err = auth_creds_alloc(&creds, "J\xc3\xa4s\xc3\xb8n Doe");
	TEST_ERR(err);
	TEST_EQUALS(AUTH_FAIL_NONE, auth_creds_failure(creds));

	/* no password yet */
	TEST_EQUALS(EAUTH, auth_creds_h(&user, &pass, "r", creds));
	TEST_EQUALS(AUTH_FAIL_NOCREDS, auth_creds_failure(creds));
	auth_creds_reset_failure(creds);
	TEST_EQUALS(AUTH_FAIL_NONE, auth_creds_failure(creds));

	err  = auth_creds_set_password(creds, "one");
	err |= auth_creds_set_password(creds, "two");
	TEST_ERR(err);
	err = auth_creds_h(&user, &pass, "r", creds);
	TEST_ERR(err);
	TEST_STRCMP("two", pass);
	err = auth_creds_set_password(creds, NULL);
	TEST_ERR(err);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	TEST_EQUALS(EINVAL, auth_creds_set_password(creds, big));
	TEST_EQUALS(EINVAL, auth_creds_set_realm(creds, big));
	TEST_EQUALS(EINVAL, auth_creds_set_realm(creds, "a\nb"));
	TEST_EQUALS(EINVAL, auth_creds_set_realm(creds, ""));
	TEST_EQUALS(EINVAL, auth_creds_set_password(NULL, "x"));
	TEST_EQUALS(EINVAL, auth_creds_set_realm(NULL, "x"));
	TEST_EQUALS(EINVAL, auth_creds_h(NULL, &pass, "r", creds));
	auth_creds_set_min_alg(creds, AUTH_ALG_COUNT);
	auth_creds_set_min_alg(NULL, AUTH_ALG_MD5);
	auth_creds_reset_failure(NULL);
	TEST_EQUALS(AUTH_FAIL_NONE, auth_creds_failure(NULL));

	TEST_STRCMP("auth-failed", auth_fail_name(AUTH_FAIL_REJECTED));
	TEST_STRCMP("realm-mismatch", auth_fail_name(AUTH_FAIL_REALM));
	TEST_STRCMP("algorithm-refused",
		    auth_fail_name(AUTH_FAIL_ALGORITHM));
	TEST_STRCMP("auth-failed", auth_fail_name(AUTH_FAIL_MALFORMED));
	TEST_STRCMP("auth-failed", auth_fail_name(AUTH_FAIL_NOCREDS));
	TEST_STRCMP("auth-failed", auth_fail_name(AUTH_FAIL_QOP));
	TEST_STRCMP("none", auth_fail_name(AUTH_FAIL_NONE));
	err = 0;

 out:
	mem_deref(user);
	mem_deref(pass);
	mem_deref(creds);

	return err;
}


/* Short-lived credentials: expiry from "<unix expiry>:<user>" or given,
 * renewed AUTH_CREDS_MARGIN seconds early, zeroized when cleared */
int test_auth_creds_short_lived(void)
{
	/* not an expiry: too small, not digits, no colon, too long */
	static const char *noexp[] = {
		"12:alice", "abc:alice", "1700000000alice",
		"1234567890123:x", ":alice", "1700000000",
	};
	const uint64_t t = 1700000000;
	struct auth_creds *creds = NULL;
	size_t i;
	int err;

	err = auth_creds_alloc(&creds, "alice");
	TEST_ERR(err);
	TEST_ASSERT(!auth_creds_ondemand(creds));
	auth_creds_set_ondemand(creds);
	TEST_ASSERT(auth_creds_ondemand(creds));
	TEST_STRCMP("missing", auth_creds_need(creds, t));
	TEST_STRCMP("missing", auth_creds_need(NULL, t));

	err  = auth_creds_set_user(creds, "1700000000:alice");
	err |= auth_creds_set_password(creds, "eph");
	TEST_ERR(err);
	TEST_EQUALS(t, auth_creds_expiry(creds));
	TEST_ASSERT(auth_creds_need(creds, t - 100) == NULL);
	TEST_ASSERT(auth_creds_need(creds, t - AUTH_CREDS_MARGIN - 1) == NULL);
	TEST_STRCMP("expired", auth_creds_need(creds, t - AUTH_CREDS_MARGIN));
	TEST_STRCMP("expired", auth_creds_need(creds, t + 1));

	/* a ttl the app was given counts when it is earlier */
	auth_creds_set_expiry(creds, t + 500);
	TEST_EQUALS(t, auth_creds_expiry(creds));
	auth_creds_set_expiry(creds, t - 1000);
	TEST_EQUALS(t - 1000, auth_creds_expiry(creds));
	auth_creds_set_expiry(creds, 0);
	TEST_EQUALS(t - 1000, auth_creds_expiry(creds));

	/* a new username drops the secret and the expiry with it */
	err = auth_creds_set_user(creds, "bob");
	TEST_ERR(err);
	TEST_STRCMP("missing", auth_creds_need(creds, t));
	TEST_EQUALS(0, auth_creds_expiry(creds));
	err = auth_creds_set_password(creds, "static");
	TEST_ERR(err);
	TEST_ASSERT(auth_creds_need(creds, t) == NULL);

	for (i = 0; i < ARRAY_SIZE(noexp); ++i) {
		err = auth_creds_set_user(creds, noexp[i]);
		TEST_ERR(err);
		TEST_EQUALS(0, auth_creds_expiry(creds));
	}

	/* refused usernames leave the credential as it was */
	err  = auth_creds_set_user(creds, "1700000000:alice");
	err |= auth_creds_set_password(creds, "eph");
	TEST_ERR(err);
	TEST_EQUALS(EINVAL, auth_creds_set_user(creds, "a\r\nb"));
	TEST_EQUALS(EINVAL, auth_creds_set_user(creds, ""));
	TEST_EQUALS(EINVAL, auth_creds_set_user(NULL, "x"));
	TEST_EQUALS(t, auth_creds_expiry(creds));
	TEST_ASSERT(auth_creds_need(creds, t - 100) == NULL);

	auth_creds_clear(creds);
	TEST_STRCMP("missing", auth_creds_need(creds, t - 100));
	TEST_EQUALS(0, auth_creds_expiry(creds));
	auth_creds_clear(NULL);
	auth_creds_set_expiry(NULL, t);
	auth_creds_set_ondemand(NULL);
	TEST_ASSERT(!auth_creds_ondemand(NULL));
	TEST_EQUALS(0, auth_creds_expiry(NULL));
	err = 0;

 out:
	mem_deref(creds);

	return err;
}
