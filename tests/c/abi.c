/**
 * @file abi.c  Misuse of the exported functions, and the JSON they emit
 */
#include <re.h>
#include "spjs.h"
#include "abi.h"
#include "test.h"


static int cmd(const char *json)
{
	return sp_cmd(json, strlen(json));
}


int test_abi_misuse(void)
{
	static const char *bad[] = {
		"",
		"{",
		"not json",
		"[1,2,3]",
		"{\"v\":2,\"id\":1,\"cmd\":\"phone.new\"}",
		"{\"id\":1,\"cmd\":\"phone.new\"}",
		"{\"v\":1,\"id\":1}",
		"{\"v\":1,\"id\":1,\"cmd\":\"no.such\"}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.explode\",\"phone\":1}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.register\",\"phone\":99}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.register\",\"phone\":-1}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.register\"}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.close\",\"phone\":\"1\"}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":5}",
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.new\"}",
		("{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]"
		 "]]]]]]]]}"),
	};
	char *huge = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(bad); ++i) {
		int n = fake_spjs.nevents;

		(void)cmd(bad[i]);
		/* every command gets exactly one reply, an error */
		TEST_EQUALS(n + 1, fake_spjs.nevents);
		TEST_ASSERT(strstr(fake_spjs.events[n % 64], "\"err\":\""));
	}

	TEST_EQUALS(EINVAL, sp_cmd(NULL, 5));
	huge = mem_alloc(300000, NULL);
	TEST_ASSERT(huge != NULL);
	memset(huge, ' ', 300000);
	/* refused before its id is read: still one reply, typed, id 0 */
	TEST_EQUALS(EMSGSIZE, sp_cmd(huge, 300000));
	TEST_ASSERT(fake_spjs_event("{\"id\":0,\"err\":\"too-large\""));

	TEST_EQUALS(EINVAL, sp_init(-1, 0));
	TEST_EQUALS(EINVAL, sp_init(5, 0));

	/* before init every command is refused */
	sp_close();
	(void)cmd("{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{}}");
	TEST_ASSERT(fake_spjs_event("{\"id\":0,\"err\":\"not-initialized\""));
	TEST_EQUALS(0, sp_init(0, 0));

	TEST_EQUALS(EINVAL, sp_sip_check(NULL, 10, 0));
	TEST_ASSERT(sp_malloc(0) == NULL);
	sp_free(NULL);

	/* a stale handle after close */
	err = cmd("{\"v\":1,\"id\":7,\"cmd\":\"phone.new\",\"config\":{"
		  "\"server\":\"wss://h.example/ws\","
		  "\"uri\":\"sip:a@h.example\","
		  "\"password\":\"pw-123456\"}}");
	TEST_ERR(err);
	err = cmd("{\"v\":1,\"id\":8,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);
	(void)cmd("{\"v\":1,\"id\":9,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ASSERT(fake_spjs_event("{\"id\":9,\"err\":\"not-found\""));
	err = 0;

 out:
	mem_deref(huge);
	return err;
}


/* "%m" prints errno names (wasm/abi/log.c replaces libre's str_error) */
int test_abi_str_error(void)
{
	char buf[32], small[4];
	int err = 0;

	TEST_STRCMP("ETIMEDOUT", str_error(ETIMEDOUT, buf, sizeof(buf)));
	TEST_ASSERT(re_snprintf(buf, sizeof(buf), "(%m)", EPROTO) > 0);
	TEST_STRCMP("(EPROTO)", buf);
	TEST_ASSERT(re_snprintf(buf, sizeof(buf), "%m", 9999) > 0);
	TEST_STRCMP("error 9999", buf);
	/* a short buffer or none: no number, never an overrun */
	TEST_STRCMP("error", str_error(9999, small, sizeof(small)));
	TEST_ASSERT(str_error(9999, NULL, 0) != NULL);

 out:
	return err;
}


int test_abi_json(void)
{
	static const struct {
		const char *config;
		const char *code;
	} v[] = {
		{"\"server\":\"ws://h.example/ws\","
		 "\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "insecure-transport"},
		{"\"server\":\"https://h.example\","
		 "\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "insecure-transport"},
		{"\"server\":\"sip:h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "insecure-transport"},
		{"\"server\":\"wss://\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "invalid-config"},
		{"\"server\":\"garbage\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "invalid-config"},
		{"\"uri\":\"sip:a@h.example\",\"password\":\"x\"",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"password\":\"x\"",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"tel:+123\","
		 "\"password\":\"x\"", "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\"",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\",\"registerExpires\":5", "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\",\"minAlgorithm\":\"SHA-1\"",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"ha1\":{\"md5\":\"00112233445566778899aabbccddeeff\"}",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":7", "invalid-config"},
		/* servers: each checked; failbackAfter 0 or 10..86400 */
		{"\"server\":\"wss://h.example ws://b.example\","
		 "\"uri\":\"sip:a@h.example\",\"password\":\"x\"",
		 "insecure-transport"},
		{"\"server\":\"wss://h.example \",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\",\"failbackAfter\":5", "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\",\"failbackAfter\":86401",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\",\"failbackAfter\":\"60\"",
		 "invalid-config"},
		{"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\",\"keepAlive\":5", "invalid-config"},
	};
	char buf[1024];
	const char *ev;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {
		(void)re_snprintf(buf, sizeof(buf),
				  "{\"v\":1,\"id\":%zu,\"cmd\":\"phone.new\","
				  "\"config\":{%s}}", i + 100, v[i].config);
		(void)cmd(buf);
		ev = fake_spjs_event("");  /* the last, or none */
		(void)re_snprintf(buf, sizeof(buf),
				  "{\"id\":%zu,\"err\":\"%s\",\"message\":\"",
				  i + 100, v[i].code);
		if (!ev || strncmp(ev, buf, strlen(buf))) {
			(void)fprintf(stderr, "config %zu: %s\n", i,
				      ev ? ev : "no reply");
			err = EINVAL;
			goto out;
		}
	}

	/* nothing was opened for any refused config */
	TEST_EQUALS(0, fake_spjs.opens);

 out:
	return err;
}


/* {"k0":0,...} of n members, or {"a":[0,...]} of n elements */
static size_t members(char *buf, size_t sz, unsigned n, bool array)
{
	size_t len;
	unsigned i;

	len = (size_t)re_snprintf(buf, sz, array ? "{\"a\":[" : "{");
	for (i = 0; i < n; ++i) {
		len += (size_t)(array ?
			re_snprintf(buf + len, sz - len, "%s0", i ? "," : "") :
			re_snprintf(buf + len, sz - len, "%s\"k%u\":0",
				    i ? "," : "", i));
	}

	len += (size_t)re_snprintf(buf + len, sz - len, array ? "]}" : "}");

	return len;
}


/* One decoded entry: type, and the string or integer it holds */
static int entry_is(const struct odict *o, const char *key,
		    enum odict_type type, const char *str, int64_t num)
{
	const struct odict_entry *e = odict_lookup(o, key);

	if (!e || e->type != type)
		return EINVAL;

	if (type == ODICT_STRING)
		return strcmp(e->u.str, str) ? EINVAL : 0;

	if (type == ODICT_INT)
		return e->u.integer == num ? 0 : EINVAL;

	if (type == ODICT_DOUBLE)
		return (int64_t)e->u.dbl == num ? 0 : EINVAL;

	return 0;
}


/* sp_init's maxPhones (wasm/abi/phones.c): that many phones at once, the
 * next refused busy; the limit changes only while no phone is open;
 * 1..4096, 0 the default (256) */
int test_abi_phone_limit(void)
{
	static const char *phone_new =
		"{\"v\":1,\"id\":%d,\"cmd\":\"phone.new\",\"config\":{"
		"\"server\":\"wss://h.example\",\"uri\":\"sip:a@h.example\","
		"\"password\":\"x\"}}";
	char buf[256];
	int i, err = 0;

	/* the runner's core has its default limit: another is busy */
	TEST_EQUALS(EBUSY, sp_init(4, 2));
	sp_close();
	TEST_EQUALS(EINVAL, sp_init(4, -1));
	TEST_EQUALS(EINVAL, sp_init(4, 4097));
	TEST_ERR(sp_init(4, 2));
	for (i = 1; i <= 3; ++i) {
		(void)re_snprintf(buf, sizeof(buf), phone_new, i);
		(void)cmd(buf);
	}
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":\"busy\""));
	TEST_EQUALS(EBUSY, sp_init(4, 3));  /* phones are open */
	TEST_ERR(sp_init(4, 2));  /* the same limit: nothing changes */

	/* no phone open: the limit may change */
	sp_close();
	TEST_ERR(sp_init(4, 3));
	for (i = 1; i <= 4; ++i) {
		(void)re_snprintf(buf, sizeof(buf), phone_new, i);
		(void)cmd(buf);
	}
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":\"busy\""));
	TEST_EQUALS(2 + 3, fake_spjs_count("\"err\":null,\"phone\":"));

 out:
	sp_close();
	(void)sp_init(4, 0);  /* as the runner's (main.c) */
	return err;
}


int test_abi_json_decode(void)
{
	static const char good[] =
		"{ \"s\" : \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\","
		"\"u\":\"\\u00e9\\u20AC\\ud83d\\ude00\","
		"\"lone\":\"x\\ud800y\\udc00\","
		"\"nul\":\"ab\\u0000cd\",\"raw\":\"\xc3\xa9\","
		"\"i\":-42,\"z\":0,\"max\":9223372036854775807,"
		"\"big\":18446744073709551616,\"f\":1.5,\"e\":25E-1,"
		"\"huge\":1e400,\"tiny\":-1e-400,"
		"\"t\":true,\"n\":null,\"b\":false,"
		"\"o\":{\"k\":[1,\"two\",{\"x\":null},[]]},\"a\":[]}\r\n";
	static const char *bad[] = {
		"", " ", "[]", "1", "\"s\"", "{", "}", "{\"a\"}", "{\"a\":}",
		"{\"a\":1,}", "{,}", "{\"a\":1 \"b\":2}", "{a:1}", "{'a':1}",
		"{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":-}",
		"{\"a\":1e}", "{\"a\":+1}", "{\"a\":0x10}", "{\"a\":tru}",
		"{\"a\":nul}", "{\"a\":True}", "{\"a\":\"x\ny\"}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}",
		"{\"a\":\"open}", "{\"a\":[1,2}", "{\"a\":[1,]}",
		"{\"a\":1} x", "{\"a\":1}{}", "{\"a\":1,\"a\":2}",
		"{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{}}}}}}}}",
	};
	const struct odict_entry *e;
	struct odict *o = NULL;
	const struct odict *obj, *arr;
	char buf[4096];
	size_t i;
	int err;

	err = abi_json_decode(&o, good, sizeof(good) - 1, 8);
	TEST_ERR(err);

	TEST_ERR(entry_is(o, "s", ODICT_STRING, "a\"b\\c/d\b\f\n\r\t", 0));
	TEST_ERR(entry_is(o, "u", ODICT_STRING,
			  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 0));
	TEST_ERR(entry_is(o, "lone", ODICT_STRING,
			  "x\xef\xbf\xbdy\xef\xbf\xbd", 0));
	TEST_ERR(entry_is(o, "nul", ODICT_STRING, "ab", 0));
	TEST_ERR(entry_is(o, "raw", ODICT_STRING, "\xc3\xa9", 0));
	TEST_ERR(entry_is(o, "i", ODICT_INT, NULL, -42));
	TEST_ERR(entry_is(o, "z", ODICT_INT, NULL, 0));
	TEST_ERR(entry_is(o, "max", ODICT_INT, NULL, INT64_MAX));
	TEST_ERR(entry_is(o, "f", ODICT_DOUBLE, NULL, 1));
	TEST_ERR(entry_is(o, "e", ODICT_DOUBLE, NULL, 2));
	TEST_ERR(entry_is(o, "t", ODICT_BOOL, NULL, 0));
	TEST_ERR(entry_is(o, "n", ODICT_NULL, NULL, 0));

	/* beyond int64: a double, clamped so the conversion is defined */
	e = odict_lookup(o, "big");
	TEST_ASSERT(e && e->type == ODICT_DOUBLE && e->u.dbl > 9.2e18 &&
		    e->u.dbl < 9.3e18);
	e = odict_lookup(o, "huge");
	TEST_ASSERT(e && e->type == ODICT_DOUBLE && e->u.dbl > 9.2e18 &&
		    e->u.dbl < 9.3e18);
	e = odict_lookup(o, "tiny");
	TEST_ASSERT(e && e->type == ODICT_DOUBLE && e->u.dbl == 0);
	e = odict_lookup(o, "f");
	TEST_ASSERT(e->u.dbl == 1.5);
	e = odict_lookup(o, "b");
	TEST_ASSERT(e && e->type == ODICT_BOOL && !e->u.boolean);
	e = odict_lookup(o, "t");
	TEST_ASSERT(e->u.boolean);

	e = odict_lookup(o, "o");
	TEST_ASSERT(e && e->type == ODICT_OBJECT);
	obj = e->u.odict;
	e = odict_lookup(obj, "k");
	TEST_ASSERT(e && e->type == ODICT_ARRAY);
	arr = e->u.odict;
	TEST_EQUALS(4, odict_count(arr, false));
	TEST_ERR(entry_is(arr, "0", ODICT_INT, NULL, 1));
	TEST_ERR(entry_is(arr, "1", ODICT_STRING, "two", 0));
	TEST_ERR(entry_is(arr, "2", ODICT_OBJECT, NULL, 0));
	TEST_ERR(entry_is(arr, "3", ODICT_ARRAY, NULL, 0));
	TEST_ERR(entry_is(o, "a", ODICT_ARRAY, NULL, 0));
	o = mem_deref(o);

	for (i = 0; i < ARRAY_SIZE(bad); ++i) {
		err = abi_json_decode(&o, bad[i], strlen(bad[i]), 4);
		if (!err) {
			(void)fprintf(stderr, "accepted: %s\n", bad[i]);
			err = EINVAL;
			goto out;
		}
		TEST_ASSERT(o == NULL);
	}

	/* the depth limit counts the top level */
	err = abi_json_decode(&o, "{\"a\":{\"b\":{}}}", 14, 3);
	TEST_ERR(err);
	o = mem_deref(o);
	TEST_EQUALS(EOVERFLOW, abi_json_decode(&o, "{\"a\":{\"b\":{}}}",
						  14, 2));

	/* a length shorter than the text: only that much is read */
	TEST_EQUALS(EBADMSG, abi_json_decode(&o, "{\"a\":1}", 6, 4));
	TEST_EQUALS(EINVAL, abi_json_decode(NULL, "{}", 2, 4));
	TEST_EQUALS(EINVAL, abi_json_decode(&o, NULL, 2, 4));

	/* at most 256 values in an object or array */
	err = abi_json_decode(&o, buf, members(buf, sizeof(buf), 256, false),
			      4);
	TEST_ERR(err);
	TEST_EQUALS(256, odict_count(o, false));
	TEST_ASSERT(odict_lookup(o, "k255") != NULL);
	o = mem_deref(o);
	err = abi_json_decode(&o, buf, members(buf, sizeof(buf), 256, true),
			      4);
	TEST_ERR(err);
	o = mem_deref(o);
	TEST_EQUALS(EBADMSG, abi_json_decode(&o, buf, members(buf,
				sizeof(buf), 257, false), 4));
	TEST_EQUALS(EBADMSG, abi_json_decode(&o, buf, members(buf,
				sizeof(buf), 257, true), 4));
	err = 0;

 out:
	mem_deref(o);
	return err;
}


/* wasm/abi/odict.c: libre's odict API on a list */
int test_abi_odict(void)
{
	const struct odict_entry *e;
	struct odict *o = NULL, *c = NULL;
	char str[] = "secret";
	uint64_t num = 0;
	bool b = false;
	int err;

	TEST_EQUALS(EINVAL, odict_alloc(NULL, 1));
	TEST_EQUALS(EINVAL, odict_alloc(&o, 0));

	err = odict_alloc(&o, 1);
	TEST_ERR(err);
	err = odict_alloc(&c, 1);
	TEST_ERR(err);

	err = odict_entry_add(c, "0", ODICT_INT, (int64_t)-7);
	TEST_ERR(err);
	err = odict_entry_add(c, "1", ODICT_NULL);
	TEST_ERR(err);
	err = odict_entry_add(o, "arr", ODICT_ARRAY, c);
	TEST_ERR(err);
	c = mem_deref(c);  /* the entry holds its own reference */

	err = odict_entry_add(o, "s", ODICT_STRING, str);
	TEST_ERR(err);
	err = odict_entry_add(o, "d", ODICT_DOUBLE, 2.9);
	TEST_ERR(err);
	err = odict_entry_add(o, "t", ODICT_BOOL, true);
	TEST_ERR(err);
	err = odict_entry_add(o, "s", ODICT_INT, (int64_t)1);
	TEST_ERR(err);

	TEST_EQUALS(EINVAL, odict_entry_add(NULL, "k", ODICT_NULL));
	TEST_EQUALS(EINVAL, odict_entry_add(o, NULL, ODICT_NULL));
	TEST_EQUALS(EINVAL, odict_entry_add(o, "k", ODICT_STRING, NULL));
	TEST_EQUALS(EINVAL, odict_entry_add(o, "k", 99));
	TEST_ASSERT(odict_lookup(o, "k") == NULL);

	/* copied: the source may change */
	str[0] = 'S';
	TEST_STRCMP("secret", odict_string(o, "s"));

	/* a key added twice: the first is found */
	e = odict_lookup(o, "s");
	TEST_ASSERT(e && e->type == ODICT_STRING && !strcmp(e->key, "s"));

	/* zeroized where it is, as abi.c's wipe_secrets() does */
	memset(e->u.str, 0, strlen(e->u.str));
	TEST_STRCMP("", odict_string(o, "s"));

	TEST_EQUALS(5, odict_count(o, false));
	TEST_EQUALS(6, odict_count(o, true));
	TEST_EQUALS(0, odict_count(NULL, true));

	TEST_ASSERT(odict_get_number(o, &num, "d"));
	TEST_EQUALS(2, num);
	e = odict_lookup(o, "arr");
	TEST_ASSERT(e && e->type == ODICT_ARRAY);
	TEST_ASSERT(odict_get_number(e->u.odict, &num, "0"));
	TEST_EQUALS((uint64_t)-7, num);
	TEST_ASSERT(odict_get_number(o, NULL, "d"));
	TEST_ASSERT(!odict_get_number(o, &num, "t"));
	TEST_ASSERT(!odict_get_number(o, &num, "x"));
	TEST_ASSERT(!odict_get_number(NULL, &num, "d"));

	TEST_ASSERT(odict_get_boolean(o, &b, "t"));
	TEST_ASSERT(b);
	TEST_ASSERT(!odict_get_boolean(o, &b, "d"));
	TEST_ASSERT(odict_string(o, "t") == NULL);
	TEST_ASSERT(odict_string(o, NULL) == NULL);
	TEST_ASSERT(odict_get_type(o, ODICT_DOUBLE, "d") != NULL);
	TEST_ASSERT(odict_get_type(o, ODICT_INT, "d") == NULL);
	TEST_ASSERT(odict_lookup(NULL, "d") == NULL);

 out:
	mem_deref(c);
	mem_deref(o);
	return err;
}


int test_abi_sdp_check(void)
{
	static const char *bad[] = {
		"{\"v\":1,\"id\":1,\"cmd\":\"sdp.check\"}",
		"{\"v\":1,\"id\":1,\"cmd\":\"sdp.check\",\"sdp\":\"v=0\"}",
		"{\"v\":1,\"id\":1,\"cmd\":\"sdp.check\",\"sdp\":5,"
		"\"bytes\":1}",
		"{\"v\":1,\"id\":1,\"cmd\":\"sdp.check\",\"sdp\":\"v=0\","
		"\"bytes\":3,\"direction\":\"sideways\"}",
		"{\"v\":1,\"id\":1,\"cmd\":\"sdp.check\",\"sdp\":\"v=0\","
		"\"bytes\":3,\"privacy\":\"none\"}",
	};
	const char *ev;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(bad); ++i) {
		(void)cmd(bad[i]);
		ev = fake_spjs_event("");  /* the last, or none */
		TEST_ASSERT(ev && !strncmp(ev, "{\"id\":1,\"err\":"
					   "\"invalid-argument\"", 32));
	}

	/* a \u0000 inside the JSON string: the lengths disagree */
	(void)cmd("{\"v\":1,\"id\":2,\"cmd\":\"sdp.check\","
		  "\"sdp\":\"v=0\\r\\na=cr\\u0000ypto:1\\r\\n\","
		  "\"bytes\":17}");
	TEST_ASSERT(fake_spjs_event("{\"id\":2,\"err\":null,\"ok\":false,"
				    "\"reason\":\"malformed-sdp\""));

	/* a verdict with its line, and an accepted local SDP rewritten */
	(void)cmd("{\"v\":1,\"id\":3,\"cmd\":\"sdp.check\",\"sdp\":"
		  "\"v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\n"
		  "s=-\\r\\nt=0 0\\r\\n"
		  "m=audio 9 RTP/AVP 0\\r\\nc=IN IP4 0.0.0.0\\r\\n\","
		  "\"bytes\":82}");
	ev = fake_spjs_event("{\"id\":3,");
	TEST_ASSERT(ev && strstr(ev, "\"ok\":false,\"reason\":\"plain-rtp\","
				     "\"line\":5"));
	(void)cmd("{\"v\":1,\"id\":4,\"cmd\":\"sdp.check\",\"sdp\":"
		  "\"v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\n"
		  "s=-\\r\\nt=0 0\\r\\n\","
		  "\"bytes\":43,\"direction\":\"local\",\"privacy\":\"off\"}");
	ev = fake_spjs_event("{\"id\":4,");
	TEST_ASSERT(ev && strstr(ev, "\"ok\":true,\"privacy\":\"off\","
				     "\"sdp\":\"v=0\\u000d\\u000a"));

 out:
	return err;
}
