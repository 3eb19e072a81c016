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

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
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
	TEST_EQUALS(EINVAL, sp_cmd(huge, 300000));

	TEST_EQUALS(EINVAL, sp_init(-1));
	TEST_EQUALS(EINVAL, sp_init(5));

	/* before init every command is refused */
	sp_close();
	(void)cmd("{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{}}");
	TEST_ASSERT(fake_spjs_event("{\"id\":0,\"err\":\"not-initialized\""));
	TEST_EQUALS(0, sp_init(0));

	TEST_EQUALS(EINVAL, sp_sip_check(NULL, 10, 0));
	TEST_ASSERT(sp_malloc(0) == NULL);
	sp_free(NULL);

	/* a stale handle after close */
	err = cmd("{\"v\":1,\"id\":7,\"cmd\":\"phone.new\",\"config\":{"
		  "\"server\":\"wss://h.example/ws\",\"uri\":\"sip:a@h.example\","
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


int test_abi_json(void)
{
	static const struct {
		const char *config;
		const char *code;
	} v[] = {
		{"\"server\":\"ws://h.example/ws\",\"uri\":\"sip:a@h.example\","
		 "\"password\":\"x\"", "insecure-transport"},
		{"\"server\":\"https://h.example\",\"uri\":\"sip:a@h.example\","
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
	};
	char buf[1024];
	const char *ev;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		(void)re_snprintf(buf, sizeof(buf),
				  "{\"v\":1,\"id\":%zu,\"cmd\":\"phone.new\","
				  "\"config\":{%s}}", i + 100, v[i].config);
		(void)cmd(buf);
		ev = fake_spjs.events[(fake_spjs.nevents - 1) % 64];
		(void)re_snprintf(buf, sizeof(buf),
				  "{\"id\":%zu,\"err\":\"%s\",\"message\":\"",
				  i + 100, v[i].code);
		if (strncmp(ev, buf, strlen(buf))) {
			(void)fprintf(stderr, "config %zu: %s\n", i, ev);
			err = EINVAL;
			goto out;
		}
	}

	/* nothing was opened for any refused config */
	TEST_EQUALS(0, fake_spjs.opens);

 out:
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

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		(void)cmd(bad[i]);
		ev = fake_spjs.events[(fake_spjs.nevents - 1) % 64];
		TEST_ASSERT(!strncmp(ev, "{\"id\":1,\"err\":\"invalid-argument\"",
				     32));
	}

	/* a \u0000 inside the JSON string: the lengths disagree */
	(void)cmd("{\"v\":1,\"id\":2,\"cmd\":\"sdp.check\","
		  "\"sdp\":\"v=0\\r\\na=cr\\u0000ypto:1\\r\\n\",\"bytes\":17}");
	TEST_ASSERT(fake_spjs_event("{\"id\":2,\"err\":null,\"ok\":false,"
				    "\"reason\":\"malformed-sdp\""));

	/* a verdict with its line, and an accepted local SDP rewritten */
	(void)cmd("{\"v\":1,\"id\":3,\"cmd\":\"sdp.check\",\"sdp\":"
		  "\"v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n"
		  "m=audio 9 RTP/AVP 0\\r\\nc=IN IP4 0.0.0.0\\r\\n\","
		  "\"bytes\":82}");
	ev = fake_spjs_event("{\"id\":3,");
	TEST_ASSERT(ev && strstr(ev, "\"ok\":false,\"reason\":\"plain-rtp\","
				     "\"line\":5"));
	(void)cmd("{\"v\":1,\"id\":4,\"cmd\":\"sdp.check\",\"sdp\":"
		  "\"v=0\\r\\no=- 1 1 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\","
		  "\"bytes\":43,\"direction\":\"local\",\"privacy\":\"off\"}");
	ev = fake_spjs_event("{\"id\":4,");
	TEST_ASSERT(ev && strstr(ev, "\"ok\":true,\"privacy\":\"off\","
				     "\"sdp\":\"v=0\\u000d\\u000a"));

 out:
	return err;
}
