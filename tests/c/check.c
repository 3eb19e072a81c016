/**
 * @file check.c  Tests of check_sip / check_sip_fast (sipshield check-sip)
 *
 * Vectors: tests/vectors/sip/NAME.sip and tests/vectors/rfc4475/NAME.dat,
 * each with NAME.expect:
 *
 *   line 1   description
 *   line 2   "ok" or "reason=<code>"
 *   then     "validity valid|invalid"  (RFC 4475: INDEX.md's verdict)
 *            "known <why>"   a valid message that is refused anyway
 *            "json <text>"   text the JSON output must contain
 *            "# <note>"      source and remarks
 *
 * Every output is also checked to be one well-formed JSON object (RFC
 * 8259, UTF-8), and check_sip_fast and check_sip_msg must reach the same
 * decision.
 */
#include <re.h>
#include "check.h"
#include "test.h"


enum {
	JSON_DEPTH   = 8,
};


/* --- a small RFC 8259 validator for the output ------------------------ */

static const char *js_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' ||
			 *p == '\n'))
		++p;

	return p;
}


/* One UTF-8 sequence at p (RFC 3629 section 4); its length or 0 */
static size_t utf8_len(const uint8_t *p, const uint8_t *e)
{
	uint8_t lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		lo = p[0] == 0xe0 ? 0xa0 : 0x80;
		hi = p[0] == 0xed ? 0x9f : 0xbf;
	}
	else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		lo = p[0] == 0xf0 ? 0x90 : 0x80;
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	}
	else
		return 0;

	if ((size_t)(e - p) < n)
		return 0;

	for (i = 1; i < n; ++i) {
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
	}

	return n;
}


static bool js_string(const char **pp, const char *e)
{
	const char *p = *pp;

	if (p == e || *p++ != '"')
		return false;

	while (p < e && *p != '"') {
		const uint8_t c = *p;
		size_t n;

		if (c < 0x20)
			return false;

		if (c == '\\') {
			if (++p == e)
				return false;

			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; ++i) {
					if (p + i >= e ||
					    !strchr("0123456789abcdefABCDEF",
						    p[i]) || !p[i])
						return false;
				}
				p += 5;
				continue;
			}

			if (!*p || !strchr("\"\\/bfnrt", *p))
				return false;
			++p;
			continue;
		}

		n = utf8_len((const uint8_t *)p, (const uint8_t *)e);
		if (!n)
			return false;
		p += n;
	}

	if (p == e)
		return false;

	*pp = p + 1;

	return true;
}


static bool js_number(const char **pp, const char *e)
{
	const char *p = *pp, *d;

	if (p < e && *p == '-')
		++p;

	d = p;
	while (p < e && *p >= '0' && *p <= '9')
		++p;

	if (p == d || (*d == '0' && p - d > 1))
		return false;

	if (p < e && *p == '.') {
		d = ++p;
		while (p < e && *p >= '0' && *p <= '9')
			++p;
		if (p == d)
			return false;
	}

	if (p < e && (*p == 'e' || *p == 'E')) {
		++p;
		if (p < e && (*p == '+' || *p == '-'))
			++p;
		d = p;
		while (p < e && *p >= '0' && *p <= '9')
			++p;
		if (p == d)
			return false;
	}

	*pp = p;

	return true;
}


static bool js_value(const char **pp, const char *e, int depth)
{
	static const char *lit[] = {"true", "false", "null"};
	const char *p = js_ws(*pp, e);
	size_t i;

	if (p == e || depth > JSON_DEPTH)
		return false;

	if (*p == '"') {
		if (!js_string(&p, e))
			return false;
	}
	else if (*p == '{' || *p == '[') {
		const char close = *p == '{' ? '}' : ']';
		const bool obj = *p == '{';

		p = js_ws(p + 1, e);
		if (p < e && *p == close) {
			*pp = p + 1;
			return true;
		}

		for (;;) {
			if (obj) {
				p = js_ws(p, e);
				if (!js_string(&p, e))
					return false;
				p = js_ws(p, e);
				if (p == e || *p++ != ':')
					return false;
			}

			if (!js_value(&p, e, depth + 1))
				return false;

			p = js_ws(p, e);
			if (p < e && *p == ',') {
				++p;
				continue;
			}

			if (p == e || *p++ != close)
				return false;
			break;
		}
	}
	else if (*p == '-' || (*p >= '0' && *p <= '9')) {
		if (!js_number(&p, e))
			return false;
	}
	else {
		for (i = 0; i < ARRAY_SIZE(lit); ++i) {
			const size_t n = strlen(lit[i]);

			if ((size_t)(e - p) >= n && !memcmp(p, lit[i], n)) {
				p += n;
				break;
			}
		}

		if (i == ARRAY_SIZE(lit))
			return false;
	}

	*pp = p;

	return true;
}


/* Exactly one JSON object and nothing else */
static bool json_object(const struct mbuf *mb)
{
	const char *p = (const char *)mb->buf;
	const char *e = p + mb->end;

	if (!mb->end || *p != '{')
		return false;

	return js_value(&p, e, 0) && p == e;
}


/* --- vectors ------------------------------------------------------------ */

struct expect {
	char desc[256];
	char result[64];      /* "ok" or "reason=<code>"           */
	int validity;         /* 0 none, 1 valid, 2 invalid        */
	bool known;
};


static int reason_errno(const char *code)
{
	if (!strcmp(code, "too-large") || !strcmp(code, "too-long"))
		return EMSGSIZE;

	if (!strcmp(code, "bad-version"))
		return EPROTONOSUPPORT;

	if (!strcmp(code, "invalid-argument"))
		return EINVAL;

	return EBADMSG;
}


/* Check the JSON for the expected line; "json" lines are checked later */
static int verdict_check(const char *name, const struct mbuf *json,
			 int err, const char *result)
{
	char prefix[128];
	const char *s = (const char *)json->buf;
	int e = 0;

	if (!json_object(json)) {
		(void)fprintf(stderr, "%s: output is not one JSON object: "
			      "%.*s\n", name, (int)json->end, s);
		return EINVAL;
	}

	if (!strcmp(result, "ok")) {
		(void)re_snprintf(prefix, sizeof(prefix),
				  "{\"ok\":true,\"kind\":\"");
		if (err)
			e = EINVAL;
	}
	else if (!strncmp(result, "reason=", 7)) {
		(void)re_snprintf(prefix, sizeof(prefix),
				  "{\"ok\":false,\"reason\":\"%s\","
				  "\"detail\":\"", result + 7);
		if (err != reason_errno(result + 7))
			e = EINVAL;
	}
	else {
		(void)fprintf(stderr, "%s: bad expectation \"%s\"\n", name,
			      result);
		return EINVAL;
	}

	if (e || json->end < strlen(prefix) ||
	    memcmp(s, prefix, strlen(prefix))) {
		(void)fprintf(stderr, "%s: expected %s, got (%d) %.*s\n",
			      name, result, err, (int)json->end, s);
		return EINVAL;
	}

	return 0;
}


/* The CSeq number check_sip_fast reports matches the JSON */
static int cseq_check(const char *name, const struct mbuf *json,
		      uint32_t cseq)
{
	struct pl num;

	if (re_regex((const char *)json->buf, json->end,
		     "\"num\":[0-9]+", &num) || pl_u32(&num) != cseq) {
		(void)fprintf(stderr, "%s: fast CSeq %u differs\n", name,
			      cseq);
		return EINVAL;
	}

	return 0;
}


/* Parse NAME.expect; json lines are checked against the output */
static int expect_check(struct expect *x, const char *name,
			const struct mbuf *side, const struct mbuf *json)
{
	struct pl rest, line;
	unsigned lineno = 0;
	int err = 0;

	memset(x, 0, sizeof(*x));
	rest.p = (const char *)side->buf;
	rest.l = side->end;

	while (rest.l) {
		const char *nl = pl_strchr(&rest, '\n');

		line.p = rest.p;
		line.l = nl ? (size_t)(nl - rest.p) : rest.l;
		rest.p += line.l + (nl ? 1 : 0);
		rest.l -= line.l + (nl ? 1 : 0);
		if (line.l && line.p[line.l - 1] == '\r')
			--line.l;

		switch (++lineno) {

		case 1:
			(void)pl_strcpy(&line, x->desc, sizeof(x->desc));
			continue;

		case 2:
			(void)pl_strcpy(&line, x->result, sizeof(x->result));
			continue;
		}

		if (!line.l || line.p[0] == '#')
			continue;

		if (!pl_strcmp(&line, "validity valid"))
			x->validity = 1;
		else if (!pl_strcmp(&line, "validity invalid"))
			x->validity = 2;
		else if (line.l > 6 && !memcmp(line.p, "known ", 6))
			x->known = true;
		else if (line.l > 5 && !memcmp(line.p, "json ", 5)) {
			const struct pl want = {line.p + 5, line.l - 5};
			size_t i;
			bool found = false;

			for (i = 0; i + want.l <= json->end && !found; ++i)
				found = !memcmp(json->buf + i, want.p, want.l);

			if (!found) {
				(void)re_fprintf(stderr, "%s: JSON lacks %r: "
						 "%b\n", name, &want,
						 json->buf, json->end);
				err = EINVAL;
			}
		}
		else {
			(void)re_fprintf(stderr, "%s: unknown line %r\n",
					 name, &line);
			err = EINVAL;
		}
	}

	if (lineno < 2) {
		(void)fprintf(stderr, "%s: sidecar too short\n", name);
		err = EINVAL;
	}

	return err;
}


static int vector_run(struct expect *x, const char *dir, const char *name,
		      size_t extlen)
{
	struct mbuf *msg = NULL, *side = NULL, *json = NULL;
	struct sip_msg *sipmsg = NULL;
	char path[512];
	uint32_t cseq = 0;
	int err, e1, e2, e3;

	if (re_snprintf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return ENAMETOOLONG;

	err = test_file_load(&msg, path);
	if (err)
		goto out;

	if (re_snprintf(path, sizeof(path), "%s/%b.expect", dir, name,
			strlen(name) - extlen) < 0) {
		err = ENAMETOOLONG;
		goto out;
	}

	err = test_file_load(&side, path);
	if (err)
		goto out;

	json = mbuf_alloc(512);
	if (!json) {
		err = ENOMEM;
		goto out;
	}

	e1 = check_sip(json, msg->buf, msg->end);
	e2 = check_sip_fast(msg->buf, msg->end, &cseq);
	e3 = check_sip_msg(&sipmsg, msg->buf, msg->end);
	if (e1 == ENOMEM || e2 == ENOMEM || e3 == ENOMEM) {
		err = ENOMEM;
		goto out;
	}

	if (e1 != e2 || e1 != e3) {
		(void)fprintf(stderr, "%s: check_sip %d, check_sip_fast %d, "
			      "check_sip_msg %d\n", name, e1, e2, e3);
		err = EINVAL;
		goto out;
	}

	if (sipmsg && (sipmsg->cseq.num != cseq || !sipmsg->tag)) {
		(void)fprintf(stderr, "%s: check_sip_msg: CSeq %u, tag %llu"
			      "\n", name, sipmsg->cseq.num,
			      (unsigned long long)sipmsg->tag);
		err = EINVAL;
		goto out;
	}

	err = expect_check(x, name, side, json);
	if (err)
		goto out;

	err = verdict_check(name, json, e1, x->result);
	if (err)
		goto out;

	if (!e1)
		err = cseq_check(name, json, cseq);

 out:
	mem_deref(sipmsg);
	mem_deref(json);
	mem_deref(side);
	mem_deref(msg);

	return err;
}


/* What a walk over a vector directory counted */
struct walk {
	unsigned n;        /* vectors      */
	unsigned ok;       /* accepted     */
	bool rfc4475;      /* check validity against RFC 4475 */
};


static int vector_file(const char *dir, const char *name, void *arg)
{
	struct walk *w = arg;
	struct expect x;
	int err;

	++w->n;

	/* the walk matched NAME<ext>: ext is the last '.' on */
	err = vector_run(&x, dir, name, strlen(strrchr(name, '.')));
	if (err)
		return err;

	/* RFC 4475: invalid ones are refused; a valid one refused must say
	 * why ("known") */
	if (w->rfc4475) {
		const bool ok = !strcmp(x.result, "ok");

		if (!x.validity || (x.validity == 2 && ok) ||
		    (x.validity == 1 && !ok && !x.known)) {
			(void)fprintf(stderr, "%s: expectation does not "
				      "follow RFC 4475\n", name);
			return EINVAL;
		}
	}

	if (!strcmp(x.result, "ok"))
		++w->ok;

	return 0;
}


int test_sipcheck_vectors(void)
{
	struct walk w = {0, 0, false};
	int err;

	err = test_vectors_each("sip", ".sip", vector_file, &w);
	TEST_ERR(err);

	/* the files written for the check plus the corpora copies */
	TEST_ASSERT(w.n >= 110);
	TEST_ASSERT(w.ok >= 50 && w.ok < w.n);

 out:
	return err;
}


int test_sipcheck_rfc4475(void)
{
	struct walk w = {0, 0, true};
	int err;

	err = test_vectors_each("rfc4475", ".dat", vector_file, &w);
	TEST_ERR(err);

	/* RFC 4475 Appendix A: 50 messages, plus the baddn variant */
	TEST_EQUALS(51, w.n);
	TEST_EQUALS(23, w.ok);

 out:
	return err;
}


static int json_of(struct mbuf *json, const char *msg, int *errp)
{
	mbuf_rewind(json);

	*errp = check_sip(json, (const uint8_t *)msg, strlen(msg));
	if (*errp == ENOMEM)
		return ENOMEM;

	return mbuf_write_u8(json, 0);
}


int test_sipcheck_json(void)
{
	/* UTF-8 Reason-Phrase with HT; Call-ID with '"', '\', U+0001,
	 * DEL and an emoji; From display name (not in the JSON) */
	static const char resp[] =
		"SIP/2.0 200 Gut \xc3\xbc" "berpr\xc3\xbc" "ft"
		"\t\xe2\x9c\x93\r\n"
		"Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK776asdhds\r\n"
		"From: \"Al \\\"Q\\\"\" <sip:alice@example.com>;tag=1928\r\n"
		"To: <sip:bob@example.com>;tag=a6c85cf\r\n"
		"Call-ID: a\"b\\c\x01\x7f\xf0\x9f\x98\x80@host\r\n"
		"CSeq: 314159 INVITE\r\n"
		"Content-Length: 0\r\n"
		"\r\n";
	static const char resp_json[] =
		"{\"ok\":true,\"kind\":\"response\",\"status\":200,"
		"\"reason\":\"Gut \xc3\xbc" "berpr\xc3\xbc" "ft"
		"\\u0009\xe2\x9c\x93\","
		"\"callid\":\"a\\\"b\\\\c\\u0001\\u007f"
		"\xf0\x9f\x98\x80@host\","
		"\"cseq\":{\"num\":314159,\"method\":\"INVITE\"},\"via\":1,"
		"\"from\":\"sip:alice@example.com\","
		"\"to\":\"sip:bob@example.com\","
		"\"contentLength\":0,\"bodyLength\":0}";
	/* not UTF-8: overlong, surrogate, F5, a lone continuation octet,
	 * a sequence cut short by the end of the phrase */
	static const char bad_utf8[] =
		"SIP/2.0 180 \xc0\x80|\xed\xa0\x80|\xf5|\x80|\xe2\x82\r\n"
		"Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK776asdhds\r\n"
		"From: <sip:alice@example.com>;tag=1928\r\n"
		"To: <sip:bob@example.com>\r\n"
		"Call-ID: x\r\n"
		"CSeq: 1 INVITE\r\n"
		"\r\n";
	static const char bad_utf8_reason[] =
		"\"reason\":\"\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd|"
		"\\ufffd|\\ufffd\\ufffd\"";
	struct mbuf *json;
	int err, e;

	json = mbuf_alloc(256);
	if (!json)
		return ENOMEM;

	err = json_of(json, resp, &e);
	TEST_ERR(err);
	TEST_EQUALS(0, e);
	TEST_STRCMP(resp_json, (char *)json->buf);
	json->end -= 1;
	TEST_ASSERT(json_object(json));

	err = json_of(json, bad_utf8, &e);
	TEST_ERR(err);
	TEST_EQUALS(0, e);
	TEST_ASSERT(NULL != strstr((char *)json->buf, bad_utf8_reason));
	TEST_ASSERT(NULL != strstr((char *)json->buf,
				   ",\"contentLength\":null,"
				   "\"bodyLength\":0}"));
	json->end -= 1;
	TEST_ASSERT(json_object(json));

	err = json_of(json, "SIP/2.0 99 Low\r\n\r\n", &e);
	TEST_ERR(err);
	TEST_EQUALS(EBADMSG, e);
	TEST_STRCMP("{\"ok\":false,\"reason\":\"bad-status\","
		    "\"detail\":\"Status-Code is not three digits\"}",
		    (char *)json->buf);

 out:
	mem_deref(json);

	return err;
}


/* The result of a check, where only ENOMEM may stand in for it */
#define EXPECT_CHECK(expected, call)					\
	e = (call);							\
	if (e == ENOMEM) {						\
		err = e;						\
		goto out;						\
	}								\
	TEST_EQUALS((expected), e)


/* A message of exactly len octets: an OPTIONS padded with its body */
static int sized_msg(struct mbuf *mb, size_t len)
{
	static const char head[] =
		"OPTIONS sip:bob@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK776asdhds\r\n"
		"From: <sip:alice@example.com>;tag=1928\r\n"
		"To: <sip:bob@example.com>\r\n"
		"Call-ID: sized@host\r\n"
		"CSeq: 2 OPTIONS\r\n"
		"Content-Type: text/plain\r\n"
		"Content-Length: %05zu\r\n"
		"\r\n";
	const size_t hl = sizeof(head) - 1;  /* "%05zu" prints 5 digits */
	int err;

	mbuf_rewind(mb);

	err = mbuf_printf(mb, head, len - hl);
	while (!err && mb->end < len)
		err = mbuf_write_u8(mb, 'x');

	return err;
}


int test_sipcheck_misuse(void)
{
	static const char good[] =
		"BYE sip:bob@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/WSS h.invalid;branch=z9hG4bK776asdhds\r\n"
		"From: <sip:alice@example.com>;tag=1928\r\n"
		"To: <sip:bob@example.com>;tag=a6c85cf\r\n"
		"Call-ID: misuse@host\r\n"
		"CSeq: 4711 BYE\r\n"
		"Content-Length: 0\r\n"
		"\r\n";
	static const char inval[] =
		"{\"ok\":false,\"reason\":\"invalid-argument\",";
	const uint8_t *g = (const uint8_t *)good;
	struct mbuf *json = NULL, *big = NULL;
	struct sip_msg *msg = NULL;
	uint32_t cseq = 0;
	int err = 0, e;

	json = mbuf_alloc(128);
	big = mbuf_alloc(CHECK_SIZE_MAX + 1);
	if (!json || !big) {
		err = ENOMEM;
		goto out;
	}

	/* no JSON buffer: just the verdict */
	EXPECT_CHECK(0, check_sip(NULL, g, sizeof(good) - 1));
	EXPECT_CHECK(EBADMSG, check_sip(NULL, g, sizeof(good) - 3));
	EXPECT_CHECK(EINVAL, check_sip(NULL, NULL, 10));

	EXPECT_CHECK(0, check_sip_fast(g, sizeof(good) - 1, &cseq));
	TEST_EQUALS(4711, cseq);
	EXPECT_CHECK(0, check_sip_fast(g, sizeof(good) - 1, NULL));
	EXPECT_CHECK(EINVAL, check_sip_fast(NULL, 0, &cseq));

	/* the decoded message, for the SIP stack */
	EXPECT_CHECK(EINVAL, check_sip_msg(NULL, g, sizeof(good) - 1));
	EXPECT_CHECK(EINVAL, check_sip_msg(&msg, NULL, 10));
	TEST_ASSERT(msg == NULL);
	EXPECT_CHECK(0, check_sip_msg(&msg, g, sizeof(good) - 1));
	TEST_EQUALS(4711, msg->cseq.num);
	TEST_EQUALS(sizeof(good) - 1, msg->mb->pos);
	EXPECT_CHECK(EBADMSG, check_sip_fast(g, 0, &cseq));

	/* NULL buffer, with a JSON buffer */
	EXPECT_CHECK(EINVAL, check_sip(json, NULL, 0));
	TEST_ASSERT(json_object(json));
	TEST_ASSERT(json->end > sizeof(inval) &&
		    !memcmp(json->buf, inval, sizeof(inval) - 1));

	/* JSON goes at the buffer's position, after what is there */
	mbuf_rewind(json);
	err = mbuf_write_str(json, "[");
	TEST_ERR(err);
	EXPECT_CHECK(0, check_sip(json, g, sizeof(good) - 1));
	TEST_ASSERT(json->end > 2 && !memcmp(json->buf, "[{\"ok\":true,", 12));
	TEST_EQUALS('}', json->buf[json->end - 1]);

	/* size limit: 65536 octets pass, 65537 do not */
	err = sized_msg(big, CHECK_SIZE_MAX);
	TEST_ERR(err);
	TEST_EQUALS(CHECK_SIZE_MAX, big->end);
	EXPECT_CHECK(0, check_sip_fast(big->buf, big->end, &cseq));
	TEST_EQUALS(2, cseq);

	err = sized_msg(big, CHECK_SIZE_MAX + 1);
	TEST_ERR(err);
	EXPECT_CHECK(EMSGSIZE, check_sip_fast(big->buf, big->end, &cseq));

	/* only len octets are read: a prefix is judged on its own */
	EXPECT_CHECK(EBADMSG, check_sip_fast(g, 40, NULL));

 out:
	mem_deref(msg);
	mem_deref(big);
	mem_deref(json);

	return err;
}
