/**
 * @file ua.c  A phone registers through the boundary, with a fake server
 *
 * The test plays the shim (sp_cmd, sp_ws_state, sp_ws_rx) and the SIP
 * server (answers built from the REGISTER the core sent).  The real
 * server is Kamailio in tests/node/register.test.js.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <re.h>
#include "spjs.h"
#include "abi.h"
#include "auth.h"
#include "flow.h"
#include "test.h"


static const char *cfg_md5 =
	"{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
	"\"server\":\"wss://sip.example.com:7443/ws\","
	"\"uri\":\"sip:alice@example.com\","
	"\"password\":\"alice-secret-pw\",\"registerExpires\":600}}";


static int cmd(const char *json)
{
	return sp_cmd(json, strlen(json));
}


/* Answer the last sent request with @p code and extra header lines */
/* Answer sent message @p i (a request) with a response from the server */
static int answer_to(int i, int code, const char *reason, const char *extra)
{
	const char *req = fake_spjs_sent(i);
	struct sip_msg *msg = NULL;
	struct mbuf *mb, *resp = NULL;
	const struct sip_hdr *via;
	int err;

	mb = mbuf_alloc(4096);
	resp = mbuf_alloc(4096);
	if (!mb || !resp) {
		err = ENOMEM;
		goto out;
	}

	err = mbuf_write_str(mb, req);
	if (err)
		goto out;
	mb->pos = 0;

	err = sip_msg_decode(&msg, mb);
	if (err)
		goto out;

	via = sip_msg_hdr(msg, SIP_HDR_VIA);
	err = mbuf_printf(resp,
			  "SIP/2.0 %d %s\r\n"
			  "Via: %r;received=203.0.113.9\r\n"
			  "From: %r\r\n"
			  "To: %r;tag=srv%d\r\n"
			  "Call-ID: %r\r\n"
			  "CSeq: %r\r\n"
			  "%s"
			  "Content-Length: 0\r\n\r\n",
			  code, reason, &via->val, &msg->from.val,
			  &msg->to.val, code, &msg->callid,
			  &sip_msg_hdr(msg, SIP_HDR_CSEQ)->val,
			  extra ? extra : "");
	if (err)
		goto out;

	err = sp_ws_rx(fake_spjs.last_conn, resp->buf, resp->end);
	if (!err)
		(void)sp_tick(0);

 out:
	mem_deref(msg);
	mem_deref(mb);
	mem_deref(resp);

	return err;
}


/* Answer the newest sent request */
static int answer(int code, const char *reason, const char *extra)
{
	return answer_to(fake_spjs.nsent - 1, code, reason, extra);
}


/* Run libre's timers until nothing is due now */
static void settle(void)
{
	int i;

	for (i = 0; i < 8; ++i)
		(void)sp_tick(0);
}


/* Phone 1 from @p cfg (a phone.new command), registering: its REGISTER
 * is out on the flow it opened, unanswered */
static int open_and_register_with(const char *cfg)
{
	int err;

	err = cmd(cfg);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":1,\"err\":null,\"phone\":"));

	err = cmd("{\"v\":1,\"id\":2,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();

	/* the socket opened is the configured server, nothing else */
	TEST_EQUALS(1, fake_spjs.opens);
	TEST_STRCMP("wss://sip.example.com:7443/ws", fake_spjs.url);
	TEST_EQUALS(0, fake_spjs.nsent);

	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	TEST_EQUALS(1, fake_spjs.nsent);
	TEST_ASSERT(!strncmp(fake_spjs_sent(0), "REGISTER sip:example.com ",
			     25));

 out:
	return err;
}


static int open_and_register(void)
{
	return open_and_register_with(cfg_md5);
}


int test_ua_register_flow(void)
{
	const char *ev;
	int err;

	err = open_and_register();
	TEST_ERR(err);

	err = answer(401, "Unauthorized",
		     "WWW-Authenticate: Digest realm=\"example.com\","
		     " nonce=\"n0nce1\", qop=\"auth\", algorithm=MD5\r\n");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(2, fake_spjs.nsent);
	TEST_ASSERT(strstr(fake_spjs_sent(1), "Authorization: Digest "));
	TEST_ASSERT(strstr(fake_spjs_sent(1), "algorithm=MD5"));
	TEST_ASSERT(!strstr(fake_spjs_sent(1), "alice-secret-pw"));

	err = answer(200, "OK",
		     "Contact: <sip:alice@x.invalid;transport=ws>"
		     ";expires=300\r\n");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"registered\"");
	TEST_ASSERT(ev != NULL);
	TEST_ASSERT(strstr(ev, "\"phone\":1"));
	TEST_ASSERT(strstr(ev, "\"digest\":\"MD5\"}"));

	/* unregister: Expires 0, confirmed by the 2xx */
	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.unregister\","
		  "\"phone\":1}");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(3, fake_spjs.nsent);
	TEST_ASSERT(strstr(fake_spjs_sent(2), "Expires: 0\r\n"));
	TEST_ASSERT(strstr(fake_spjs_sent(2), ";expires=0"));
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"unregistered\",\"phone\":1}"));

	err = cmd("{\"v\":1,\"id\":4,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null}"));

 out:
	return err;
}


int test_ua_register_auth_failed(void)
{
	const char *ev;
	int err;

	err = open_and_register();
	TEST_ERR(err);

	err = answer(401, "Unauthorized",
		     "WWW-Authenticate: Digest realm=\"example.com\","
		     " nonce=\"n1\", qop=\"auth\"\r\n");
	TEST_ERR(err);
	TEST_EQUALS(2, fake_spjs.nsent);

	/* a new nonce, not stale: the credential was refused */
	err = answer(401, "Unauthorized",
		     "WWW-Authenticate: Digest realm=\"example.com\","
		     " nonce=\"n2\", qop=\"auth\"\r\n");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(2, fake_spjs.nsent);  /* no retry loop */

	ev = fake_spjs_event("{\"ev\":\"registration-failed\"");
	TEST_ASSERT(ev != NULL);
	TEST_ASSERT(strstr(ev, "\"code\":\"auth-failed\""));
	TEST_ASSERT(strstr(ev, "\"status\":401"));
	TEST_ASSERT(!strstr(ev, "alice-secret-pw"));

	/* the phone stays usable: a new attempt sends a new REGISTER */
	err = cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(3, fake_spjs.nsent);

	/* the server closes the socket: a clean error, not a hang */
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	settle();
	ev = fake_spjs_event("{\"ev\":\"registration-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"code\":\"transport-closed\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"transport\",\"phone\":1,"
				    "\"state\":\"closed\",\"code\":1006}"));

 out:
	return err;
}


/* The codes a registration meets (codes.h): 403 is "forbidden", as for
 * a call; a REGISTER while one is in progress is "busy" (EBUSY) */
int test_ua_register_codes(void)
{
	const char *ev;
	int err;

	err = open_and_register();
	TEST_ERR(err);

	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":\"busy\""));
	TEST_EQUALS(1, fake_spjs.nsent);

	err = answer(403, "Forbidden", NULL);
	TEST_ERR(err);
	settle();
	ev = fake_spjs_event("{\"ev\":\"registration-failed\"");
	TEST_ASSERT(ev != NULL);
	TEST_ASSERT(strstr(ev, "\"code\":\"forbidden\""));
	TEST_ASSERT(strstr(ev, "\"status\":403"));
	TEST_ASSERT(strstr(ev, "\"retryIn\":0"));
	TEST_EQUALS(1, fake_spjs.nsent);  /* a refusal is not retried */

	/* nothing registered: unregister is done at once */
	err = cmd("{\"v\":1,\"id\":4,\"cmd\":\"phone.unregister\","
		  "\"phone\":1}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null}"));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"unregistered\",\"phone\":1}"));

 out:
	return err;
}


int test_ua_no_ip_in_headers(void)
{
	const char *req;
	int err;

	err = open_and_register();
	TEST_ERR(err);

	req = fake_spjs_sent(0);
	TEST_ASSERT(strstr(req, "Via: SIP/2.0/WSS "));
	TEST_ASSERT(strstr(req, ".invalid;branch=z9hG4bK"));
	TEST_ASSERT(strstr(req, "Contact: <sip:alice@"));
	TEST_ASSERT(strstr(req, ".invalid;transport=ws"));
	/* neither the placeholder nor any other dotted quad */
	TEST_ASSERT(!strstr(req, "192.0.2."));
	TEST_ASSERT(!strstr(req, "127.0.0.1"));

 out:
	return err;
}


int test_transport_flow(void)
{
	static const uint8_t junk[] = "\x00\x01garbage\r\n\r\n";
	uint8_t *big = NULL;
	int err;

	/* stale and invalid handles */
	TEST_EQUALS(ENOENT, sp_ws_rx(0, junk, sizeof(junk)));
	TEST_EQUALS(ENOENT, sp_ws_rx(12345, junk, sizeof(junk)));
	TEST_EQUALS(ENOENT, sp_ws_state(-1, 1, 0));
	TEST_EQUALS(EINVAL, sp_ws_state(1, 7, 0));

	err = open_and_register();
	TEST_ERR(err);

	/* garbage and oversize frames are dropped; the flow goes on */
	TEST_EQUALS(EBADMSG, sp_ws_rx(fake_spjs.last_conn, junk,
				      sizeof(junk)));
	TEST_EQUALS(0, sp_ws_rx(fake_spjs.last_conn,
				(const uint8_t *)"\r\n\r\n", 4));
	big = mem_zalloc(70000, NULL);
	TEST_ASSERT(big != NULL);
	TEST_EQUALS(EMSGSIZE, sp_ws_rx(fake_spjs.last_conn, big, 70000));
	TEST_EQUALS(EINVAL, sp_ws_rx(fake_spjs.last_conn, NULL, 10));

	/* a 200 libre would take but the check refuses (two Call-IDs) */
	TEST_EQUALS(EBADMSG, answer(200, "OK", "Call-ID: second@x\r\n"));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"registered\""));

	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"registered\""));

	/* the socket closes: a later frame on the old handle is stale */
	TEST_EQUALS(0, sp_ws_state(fake_spjs.last_conn, 2, 1000));
	TEST_EQUALS(ENOENT, sp_ws_rx(fake_spjs.last_conn, junk,
				     sizeof(junk)));
	err = 0;

 out:
	mem_deref(big);
	return err;
}


/* Closing the phone closes its WebSocket; its handle is stale after */
int test_transport_phone_close(void)
{
	static const uint8_t crlf[] = "\r\n\r\n";
	int conn, err;

	err = open_and_register();
	TEST_ERR(err);
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	conn = fake_spjs.last_conn;
	TEST_EQUALS(0, fake_spjs.closes);

	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);
	TEST_EQUALS(1, fake_spjs.closes);
	TEST_EQUALS(ENOENT, sp_ws_rx(conn, crlf, 4));
	TEST_EQUALS(ENOENT, sp_ws_state(conn, 2, 1000));

 out:
	return err;
}


/* inet_pton and inet_ntop are ours in wasm (wasm/inet/inet.c),
 * glibc's natively: both must read the same text forms and print RFC 5952
 * text */
int test_transport_ntop(void)
{
	static const struct {
		const char *in;
		const char *out;
	} v[] = {
		{"192.0.2.9",               "192.0.2.9"},
		{"0.0.0.0",                 "0.0.0.0"},
		{"255.255.255.255",         "255.255.255.255"},
		{"::1",                     "::1"},
		{"::",                      "::"},
		{"2001:db8::1",             "2001:db8::1"},
		{"2001:db8:0:0:1:0:0:1",    "2001:db8::1:0:0:1"},
		{"2001:0:0:1:0:0:0:1",      "2001:0:0:1::1"},
		{"2001:db8:0:1:1:1:1:1",    "2001:db8:0:1:1:1:1:1"},
		{"fe80::abcd:ef01",         "fe80::abcd:ef01"},
		{"1:2:3:4:5:6:7:8",         "1:2:3:4:5:6:7:8"},
	};
	static const char *bad[] = {
		"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1.2.3.4 ",
		"1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::1%eth0", ":1",
		"1:2:3:4:5:6:7:1.2.3.4",
	};
	uint8_t bin[16];
	char buf[64];
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {
		const int af = strchr(v[i].in, ':') ? AF_INET6 : AF_INET;

		TEST_EQUALS(1, inet_pton(af, v[i].in, bin));
		TEST_ASSERT(inet_ntop(af, bin, buf, sizeof(buf)) == buf);
		TEST_STRCMP(v[i].out, buf);
	}

	for (i = 0; i < ARRAY_SIZE(bad); ++i) {
		const int af = strchr(bad[i], ':') ? AF_INET6 : AF_INET;

		TEST_EQUALS(0, inet_pton(af, bad[i], bin));
	}

	/* too small a buffer is never overrun */
	memset(buf, 'x', sizeof(buf));
	(void)inet_pton(AF_INET6, "2001:db8::1", bin);
	TEST_ASSERT(inet_ntop(AF_INET6, bin, buf, 5) == NULL);
	TEST_ASSERT(buf[5] == 'x' && buf[6] == 'x');
	err = 0;

 out:
	return err;
}


static bool reopened(void)
{
	return fake_spjs.opens >= 2;
}


static bool reopened_again(void)
{
	return fake_spjs.opens >= 3;
}


int test_ua_register_recovers(void)
{
	const char *ev;
	int err;

	err = open_and_register();
	TEST_ERR(err);
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"registered\""));

	/* the flow is lost: "reconnecting" with the first reopen's delay,
	 * not a registration failure (the binding comes back) */
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"reconnecting\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"transport-closed\""));
	TEST_ASSERT(!strstr(ev, "\"retryIn\":0}"));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"registration-failed\""));

	/* the retry opens a new flow (0.5 to 8.5 s) and registers again */
	TEST_ASSERT(test_wait_for(9000, reopened));
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	TEST_ASSERT(strstr(fake_spjs_sent(fake_spjs.nsent - 1), "REGISTER "));
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"registered\""));
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_EQUALS(2, fake_spjs_count("\"ev\":\"registered\""));
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"registration-failed\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnected\""));

	/* unregistering stops recovery: no timer is left behind */
	err = cmd("{\"v\":1,\"id\":9,\"cmd\":\"phone.unregister\","
		  "\"phone\":1}");
	TEST_ERR(err);
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"unregistered\""));
	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* phone.credentials for phone 1 with a username expiring at @p exp */
static int give_creds(int id, uint64_t exp, const char *password)
{
	char json[256];

	if (re_snprintf(json, sizeof(json), "{\"v\":1,\"id\":%d,\"cmd\":"
			"\"phone.credentials\",\"phone\":1,\"username\":"
			"\"%llu:alice\",\"password\":\"%s\"}", id,
			(unsigned long long)exp, password) < 0)
		return ENOMEM;

	return cmd(json);
}


static int challenge(const char *nonce)
{
	char hdr[128];

	if (re_snprintf(hdr, sizeof(hdr), "WWW-Authenticate: Digest realm="
			"\"example.com\", nonce=\"%s\", qop=\"auth\"\r\n",
			nonce) < 0)
		return ENOMEM;

	return answer(401, "Unauthorized", hdr);
}


/* A phone with a credentials callback: the core asks when a challenge
 * must be answered and its credential is missing, expired or refused */
int test_ua_credentials_on_demand(void)
{
	const uint64_t now = tmr_jiffies() / 1000;
	uint64_t exp;
	const char *ev;
	int i, err;

	err = cmd("{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
		  "\"server\":\"wss://sip.example.com/ws\","
		  "\"uri\":\"sip:alice@example.com\",\"credentials\":true}}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":1,\"err\":null,\"phone\":1"));

	/* nothing to call with yet: the app must fetch first */
	err = cmd("{\"v\":1,\"id\":2,\"cmd\":\"call.new\",\"phone\":1,"
		  "\"target\":\"bob\"}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":2,\"err\":"
				    "\"credentials-needed\""));

	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	TEST_EQUALS(1, fake_spjs.nsent);

	/* the challenge waits for the credential */
	err = challenge("n1");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"credentials.need\",\"phone\":1,"
				    "\"reason\":\"missing\"}"));
	TEST_EQUALS(1, fake_spjs.nsent);

	err = give_creds(4, now + 3600, "eph-pw-1");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null}"));
	settle();
	TEST_EQUALS(2, fake_spjs.nsent);
	TEST_ASSERT(strstr(fake_spjs_sent(1), "nonce=\"n1\""));
	TEST_ASSERT(strstr(fake_spjs_sent(1), ":alice\""));
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"registered\"");
	TEST_ASSERT(ev && strstr(ev, "\"digest\":\"MD5\""));

	/* refused (revoked): dropped, fetched once more, then auth-failed */
	err = cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	err = challenge("n2");
	TEST_ERR(err);
	TEST_EQUALS(4, fake_spjs.nsent);
	err = challenge("n3");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"credentials.need\",\"phone\":1,"
				    "\"reason\":\"rejected\"}"));
	TEST_EQUALS(4, fake_spjs.nsent);
	err = cmd("{\"v\":1,\"id\":6,\"cmd\":\"call.new\",\"phone\":1,"
		  "\"target\":\"bob\"}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":6,\"err\":"
				    "\"credentials-needed\""));
	err = give_creds(7, now + 3600, "eph-pw-2");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(5, fake_spjs.nsent);
	TEST_ASSERT(strstr(fake_spjs_sent(4), "nonce=\"n3\""));
	err = challenge("n4");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(5, fake_spjs.nsent);
	ev = fake_spjs_event("{\"ev\":\"registration-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"code\":\"auth-failed\""));

	/* expired: a credential about to expire is renewed first */
	exp = tmr_jiffies() / 1000 + AUTH_CREDS_MARGIN + 1;
	err = give_creds(8, exp, "eph-pw-3");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":8,\"err\":null}"));
	err = cmd("{\"v\":1,\"id\":9,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	err = answer(200, "OK", NULL);  /* no challenge: no credential used */
	TEST_ERR(err);
	while (tmr_jiffies() / 1000 + AUTH_CREDS_MARGIN < exp) {
		(void)sp_tick(0);
		test_clock_skip(1);
	}
	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.register\","
		  "\"phone\":1}");
	TEST_ERR(err);
	settle();
	err = challenge("n5");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"credentials.need\",\"phone\":1,"
				    "\"reason\":\"expired\"}"));

	/* a credential that has expired already is refused, and so the
	 * waiting registration fails as when the app has none */
	err = give_creds(11, 1000000001, "eph-pw-4");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":11,");
	TEST_ASSERT(ev && strstr(ev, "\"err\":\"invalid-argument\""));
	TEST_ASSERT(strstr(ev, "expired"));
	ev = fake_spjs_event("{\"ev\":\"registration-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"code\":\"credentials-unavailable\""));

	/* the app could not get one: the registration fails, typed */
	err = cmd("{\"v\":1,\"id\":12,\"cmd\":\"phone.register\","
		  "\"phone\":1}");
	TEST_ERR(err);
	settle();
	err = challenge("n6");
	TEST_ERR(err);
	err = cmd("{\"v\":1,\"id\":13,\"cmd\":\"phone.credentials\","
		  "\"phone\":1,\"error\":\"unavailable\"}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":13,\"err\":null}"));
	TEST_EQUALS(2, fake_spjs_count("\"credentials-unavailable\""));

	/* no secret in any event or message */
	TEST_EQUALS(0, fake_spjs_count("eph-pw"));
	for (i = 0; i < fake_spjs.nsent; ++i)
		TEST_ASSERT(!strstr(fake_spjs_sent(i), "eph-pw"));

	err = cmd("{\"v\":1,\"id\":14,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* Only a phone with a credentials callback takes phone.credentials */
int test_ua_credentials_refused(void)
{
	const char *ev;
	int err;

	err = open_and_register();
	TEST_ERR(err);
	err = give_creds(5, tmr_jiffies() / 1000 + 3600, "x");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":5,");
	TEST_ASSERT(ev && strstr(ev, "\"err\":\"invalid-argument\""));

	/* a callback phone: types are checked, HA1 needs a pinned realm */
	err = cmd("{\"v\":1,\"id\":6,\"cmd\":\"phone.new\",\"config\":{"
		  "\"server\":\"wss://sip.example.com/ws\","
		  "\"uri\":\"sip:bob@example.com\",\"credentials\":1}}");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":6,");
	TEST_ASSERT(ev && strstr(ev, "\"err\":\"invalid-config\""));
	err = cmd("{\"v\":1,\"id\":7,\"cmd\":\"phone.new\",\"config\":{"
		  "\"server\":\"wss://sip.example.com/ws\","
		  "\"uri\":\"sip:bob@example.com\",\"credentials\":true}}");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":7,");
	TEST_ASSERT(ev && strstr(ev, "\"phone\":2"));
	err = cmd("{\"v\":1,\"id\":8,\"cmd\":\"phone.credentials\","
		  "\"phone\":2,\"username\":\"bob\",\"ha1\":{\"md5\":"
		  "\"0123456789abcdef0123456789abcdef\"}}");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":8,");
	TEST_ASSERT(ev && strstr(ev, "ha1 needs realm"));
	err = cmd("{\"v\":1,\"id\":9,\"cmd\":\"phone.credentials\","
		  "\"phone\":2,\"username\":\"bob\"}");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":9,");
	TEST_ASSERT(ev && strstr(ev, "needs a password or ha1"));
	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.credentials\","
		  "\"phone\":2,\"username\":7,\"password\":\"x\"}");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":10,");
	TEST_ASSERT(ev && strstr(ev, "\"err\":\"invalid-argument\""));

 out:
	return err;
}


static bool opened_thrice(void)
{
	return fake_spjs.opens >= 3;
}


/* The flow's owner (wasm/transport/flow.c): a lost registration wants
 * its flow back, reopened after a back-off that grows while reopening
 * fails and starts over once registered; the app hears "reconnecting"
 * with the cause and the attempt, then "reconnected"; unregistering
 * stops it */
int test_ua_flow_reopen(void)
{
	uint64_t t0;
	const char *ev;
	int err, opens;

	err = open_and_register();
	TEST_ERR(err);
	err = answer(200, "OK", NULL);
	TEST_ERR(err);

	/* lost: "reconnecting" (not registration-failed: the binding comes
	 * back), nothing sent until a new flow */
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"registration-failed\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnecting\",\"phone\":1,"
				    "\"call\":0,\"cause\":"
				    "\"transport-closed\",\"attempt\":1,"));
	TEST_ASSERT(test_wait_for(9000, reopened));

	/* that flow closes before it opens: silent, the wait doubles */
	t0 = tmr_jiffies();
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnecting\",\"phone\":1,"
				    "\"call\":0,\"cause\":"
				    "\"transport-closed\",\"attempt\":2,"));
	TEST_ASSERT(test_wait_for(3500, opened_thrice));
	TEST_ASSERT(tmr_jiffies() - t0 >= 1000);
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"registration-failed\""));
	TEST_EQUALS(1, fake_spjs.nsent);
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"reconnected\""));

	/* it opens: the REGISTER goes out on it */
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	TEST_EQUALS(2, fake_spjs.nsent);
	TEST_ASSERT(!strncmp(fake_spjs_sent(1), "REGISTER ", 9));
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"reconnected\""));
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_EQUALS(2, fake_spjs_count("\"ev\":\"registered\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnected\",\"phone\":1,"
				    "\"call\":0}"));

	/* lost again: the back-off started over (0.5 to 8.5 s) */
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"registration-failed\""));
	ev = fake_spjs_event("{\"ev\":\"reconnecting\"");
	TEST_ASSERT(ev);
	ev = strstr(ev, "\"retryIn\":");
	TEST_ASSERT(ev);
	TEST_ASSERT(atoi(ev + 10) >= 500 && atoi(ev + 10) <= 8500);
	TEST_EQUALS(2, fake_spjs_count("\"attempt\":1,"));

	/* unregistering: no binding to bring back, no flow reopened */
	opens = fake_spjs.opens;
	(void)cmd("{\"v\":1,\"id\":9,\"cmd\":\"phone.unregister\","
		  "\"phone\":1}");
	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 9000) {
		(void)sp_tick(0);
		test_clock_skip(1);
	}
	TEST_EQUALS(opens, fake_spjs.opens);
	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* Phone 1 of @p cfg, whose servers are "wss://a.example:7443/ws
 * wss://b.example/ws ...": registering, it opens a flow to a, which is
 * down (closed before it opened); the retry goes to b, where the REGISTER
 * goes out and is answered: registered on the second server */
static int register_on_second(const char *cfg)
{
	int err;

	err = cmd(cfg);
	TEST_ERR(err);
	err = cmd("{\"v\":1,\"id\":2,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	TEST_EQUALS(1, fake_spjs.opens);
	TEST_STRCMP("wss://a.example:7443/ws", fake_spjs.url);

	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	TEST_ASSERT(test_wait_for(9000, reopened));
	TEST_STRCMP("wss://b.example/ws", fake_spjs.url);
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "REGISTER sip:example.com ", 25));
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"registered\""));

 out:
	return err;
}


/* Two servers (wasm/transport/flow.c): the first flow goes to the first;
 * every flow lost, or closed before it opened, moves the next one down
 * the list, after the last back to the first; the REGISTER goes out on
 * whichever opens */
int test_ua_servers(void)
{
	static const char *cfg =
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
		"\"server\":\"wss://a.example:7443/ws wss://b.example/ws\","
		"\"uri\":\"sip:alice@example.com\","
		"\"password\":\"alice-secret-pw\"}}";
	int err;

	/* a is down: on b */
	err = register_on_second(cfg);
	TEST_ERR(err);

	/* b is lost: back to a, the first again */
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	TEST_ASSERT(test_wait_for(9000, reopened_again));
	TEST_STRCMP("wss://a.example:7443/ws", fake_spjs.url);
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_EQUALS(2, fake_spjs_count("\"ev\":\"registered\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnected\",\"phone\":1,"));

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* A phone with a failback time (wasm/transport/flow.c): on the second of
 * its servers, after failback seconds it closes the flow (close code
 * 4001), tells "reconnecting" (cause failback) and opens a flow to the
 * first at once, registering there; if the first is still down, it goes
 * down the list as after any loss and tries again later.  The test clock
 * jumps natively; as wasm the test would wait 40 s. */
int test_ua_failback(void)
{
	static const char *cfg =
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
		"\"server\":\"wss://a.example:7443/ws wss://b.example/ws\","
		"\"uri\":\"sip:alice@example.com\",\"failbackAfter\":10,"
		"\"password\":\"alice-secret-pw\"}}";
	uint64_t t0;
	int err, conn, opens;

#ifdef __EMSCRIPTEN__
	return 0;
#endif

	/* a is down: on b, registered */
	err = register_on_second(cfg);
	TEST_ERR(err);

	/* nothing for failback seconds (the keep-alive pings answered) */
	conn = fake_spjs.last_conn;
	opens = fake_spjs.opens;
	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 9900) {
		(void)sp_tick(0);
		test_clock_skip(10);
	}
	TEST_EQUALS(opens, fake_spjs.opens);
	TEST_EQUALS(0, fake_spjs.closes);

	/* then back to a: closed (4001), reopened at once */
	while (tmr_jiffies() - t0 < 10100) {
		(void)sp_tick(0);
		test_clock_skip(1);
	}
	TEST_EQUALS(1, fake_spjs.closes);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnecting\",\"phone\":1,"
				    "\"call\":0,\"cause\":\"failback\","));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"transport\",\"phone\":1,"
				    "\"state\":\"closed\",\"code\":4001"));
	TEST_ASSERT(test_wait_for(10, reopened_again));
	TEST_STRCMP("wss://a.example:7443/ws", fake_spjs.url);
	TEST_ASSERT(fake_spjs.last_conn != conn);
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_EQUALS(2, fake_spjs_count("\"ev\":\"registered\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnected\",\"phone\":1,"));

	/* on the first server: no failback, however long */
	opens = fake_spjs.opens;
	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 25000) {
		if (!strcmp(fake_spjs_sent(fake_spjs.nsent - 1), "\r\n\r\n"))
			TEST_ERR(sp_ws_rx(fake_spjs.last_conn,
					  (const uint8_t *)"\r\n", 2));
		(void)sp_tick(0);
		test_clock_skip(10);
	}
	TEST_EQUALS(opens, fake_spjs.opens);
	TEST_EQUALS(1, fake_spjs.closes);

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* With reconnectAttempts 0 a phone never closes a working flow to move
 * back: it could not reopen one.  It reaches the second server only when
 * the app registers again after the first refused it. */
int test_ua_failback_no_reopen(void)
{
	static const char *cfg =
		"{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
		"\"server\":\"wss://a.example:7443/ws wss://b.example/ws\","
		"\"uri\":\"sip:alice@example.com\",\"failbackAfter\":10,"
		"\"reconnectAttempts\":0,\"password\":\"alice-secret-pw\"}}";
	uint64_t t0;
	int err, opens;

#ifdef __EMSCRIPTEN__
	return 0;
#endif

	err = cmd(cfg);
	TEST_ERR(err);
	err = cmd("{\"v\":1,\"id\":2,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);  /* a is down */
	TEST_ERR(err);
	settle();
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"registration-failed\""));

	/* the app registers again: on b */
	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	settle();
	TEST_STRCMP("wss://b.example/ws", fake_spjs.url);
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"registered\""));

	/* past failbackAfter: it stays on b, still registered */
	opens = fake_spjs.opens;
	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 15000) {
		(void)sp_tick(0);
		test_clock_skip(10);
	}
	TEST_EQUALS(opens, fake_spjs.opens);
	TEST_EQUALS(0, fake_spjs_count("\"cause\":\"failback\""));
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"registration-failed\""));

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* The one back-off schedule: the first wait from 0.5 to 8.5 s, spread
 * so that about an eighth of the phones dropped together come back in
 * any one second (at most 17% here; with the retries of those that came
 * too early the measured peak is a quarter: tools/bench/load.js); then
 * 1 s doubling, each from half to 1.5 times it, never over 60 s */
int test_flow_backoff(void)
{
	unsigned bucket[9] = {0};
	uint32_t d, mid;
	unsigned i, k;
	int err = 0;

	for (k = 0; k < 1000; ++k) {
		d = flow_backoff_ms(0);
		TEST_ASSERT(d >= 500 && d <= 8500);
		++bucket[d / 1000];
	}
	for (k = 0; k < ARRAY_SIZE(bucket); ++k)
		TEST_ASSERT(bucket[k] <= 170);

	for (i = 1; i < 12; ++i) {
		mid = min(40000u, 1000u << min(i, 6u));
		for (k = 0; k < 200; ++k) {
			d = flow_backoff_ms(i);
			TEST_ASSERT(d >= mid / 2 && d <= mid * 3 / 2);
			TEST_ASSERT(d <= 60000);
		}
	}

 out:
	return err;
}


static bool logged(const char *text)
{
	return strstr(fake_spjs.log, text) != NULL;
}


/* A register with a digest answer, then a refused answer, at @p level */
static int log_register(int level)
{
	int err;

	/* a fresh core: the phone handle is 1 */
	sp_close();
	fake_spjs_reset();
	err = sp_init(level, 0);
	TEST_ERR(err);

	err = open_and_register();
	TEST_ERR(err);
	err = answer(401, "Unauthorized",
		     "WWW-Authenticate: Digest realm=\"example.com\","
		     " nonce=\"nonce-5en1\", qop=\"auth\","
		     " algorithm=SHA-256\r\n");
	TEST_ERR(err);
	err = answer(200, "OK",
		     "Contact: <sip:alice@x.invalid>;expires=300\r\n");
	TEST_ERR(err);

	/* a re-register answered, then refused: a wrong password */
	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.register\",\"phone\":1}");
	TEST_ERR(err);
	err = answer(401, "Unauthorized",
		     "WWW-Authenticate: Digest realm=\"example.com\","
		     " nonce=\"nonce-5en2\", qop=\"auth\","
		     " algorithm=SHA-256\r\n");
	TEST_ERR(err);
	err = answer(401, "Unauthorized",
		     "WWW-Authenticate: Digest realm=\"example.com\","
		     " nonce=\"nonce-5en3\", qop=\"auth\","
		     " algorithm=SHA-256\r\n");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"registration-failed\""));

	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	err = cmd("{\"v\":1,\"id\":4,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* The log levels are real (DEBUG_LEVEL 7: every line compiled in): info
 * says what happened, debug adds each message's start line, Call-ID,
 * CSeq and size; no level shows a secret. tests/node/logging.test.js
 * does the same through the shim. */
int test_ua_log_levels(void)
{
	static const char *const info[] = {
		"1 flow: opening (a message must go out)\n",
		"1 flow: open\n",
		"1 reg: REGISTER sent (Expires 600)\n",
		"1 reg: REGISTER answered 401 Unauthorized\n",
		("1 auth: answering server realm \"example.com\": SHA-256,"
		 " qop auth\n"),
		"1 reg: REGISTER sent (Expires 600, with the answer)\n",
		("1 reg: registered for 300 s; refresh scheduled in"
		 " 270000 ms\n"),
		"1 auth: realm \"example.com\": answer refused\n",
		"1 reg: failed: auth-failed (status 401)\n",
		"1 flow: closed (WebSocket code 1006)\n",
	};
	char ha1[AUTH_HEX_SIZE];
	size_t i;
	int level, err;

#if DEBUG_LEVEL < 7
	(void)fprintf(stderr, "test_ua_log_levels: built at DEBUG_LEVEL %d,"
		      " skipped\n", DEBUG_LEVEL);
	return 0;
#endif

	for (level = 0; level <= 4; ++level) {

		err = log_register(level);
		TEST_ERR(err);

		for (i = 0; i < ARRAY_SIZE(info); ++i)
			TEST_EQUALS(level >= 3, logged(info[i]));

		TEST_EQUALS(level >= 4, logged("0 transp: flow "));
		TEST_EQUALS(level >= 4,
			    logged(": sent REGISTER sip:example.com SIP/2.0"
				   " (Call-ID "));
		TEST_EQUALS(level >= 4,
			    logged(": received SIP/2.0 401 Unauthorized"
				   " (Call-ID "));
		TEST_EQUALS(level >= 4, logged(" REGISTER, "));

		/* no secret, and nothing of an answer, at any level */
		TEST_ASSERT(!logged("alice-secret-pw"));
		TEST_ASSERT(!logged("Authorization"));
		TEST_ASSERT(!logged("response="));
		TEST_ASSERT(!logged("cnonce"));
		TEST_ASSERT(!logged("nonce-5e"));
		for (i = 0; i < AUTH_ALG_COUNT; ++i) {
			err = auth_digest_ha1(ha1, (enum auth_alg)i, "alice",
					      "example.com",
					      "alice-secret-pw");
			TEST_ERR(err);
			TEST_ASSERT(!logged(ha1));
		}
	}

 out:
	return err;
}


/* Hostile servers (issue 13): one that closes every WebSocket at once,
 * one that answers every REGISTER 503.  The phone keeps trying, on the
 * back-off (flow_backoff_ms), never in a busy loop, and says so once.
 * Over 60 s of the test clock that is 5 to 7 attempts, not thousands.
 * The test clock jumps only natively (tests/c/clock.c): as wasm the test
 * would spin for two minutes of real time, so it runs natively only. */
int test_ua_flow_hostile_servers(void)
{
	uint64_t t0;
	int err, opens, conn, sent, regs;

#ifdef __EMSCRIPTEN__
	return 0;
#endif

	/* a server that closes every new socket before it opens */
	err = open_and_register();
	TEST_ERR(err);
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);

	opens = fake_spjs.opens;
	conn = fake_spjs.last_conn;
	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 60000) {
		(void)sp_tick(0);
		if (fake_spjs.last_conn != conn) {
			conn = fake_spjs.last_conn;
			TEST_ERR(sp_ws_state(conn, 2, 1006));
		}
		test_clock_skip(10);
	}
	TEST_ASSERT(fake_spjs.opens - opens >= 5);
	TEST_ASSERT(fake_spjs.opens - opens <= 7);
	/* each reopen said once ("reconnecting", attempt n), the binding's
	 * loss not as a failure (it comes back) */
	TEST_EQUALS(fake_spjs.opens - opens + 1,
		    fake_spjs_count("\"ev\":\"reconnecting\""));
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"registration-failed\""));
	TEST_EQUALS(1, fake_spjs.nsent);  /* no REGISTER on a dead flow */

	/* the next socket opens, and the server answers every REGISTER 503 */
	(void)sp_tick(0);
	while (fake_spjs.last_conn == conn && tmr_jiffies() - t0 < 200000) {
		test_clock_skip(10);
		(void)sp_tick(0);
	}
	TEST_ERR(sp_ws_state(fake_spjs.last_conn, 1, 0));
	settle();
	TEST_EQUALS(2, fake_spjs.nsent);
	sent = 1;  /* the REGISTER on the new flow is answered too */
	regs = 0;
	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 60000) {
		/* each message sent since, in order (a ping and a retry
		 * may go out in the same tick) */
		for (; sent < fake_spjs.nsent; ++sent) {
			/* a keep-alive ping gets its pong */
			if (!strcmp(fake_spjs_sent(sent), "\r\n\r\n")) {
				TEST_ERR(sp_ws_rx(fake_spjs.last_conn,
						  (const uint8_t *)"\r\n", 2));
				continue;
			}
			++regs;
			TEST_ERR(answer_to(sent, 503, "Service Unavailable",
					   "Retry-After: 1\r\n"));
		}
		(void)sp_tick(0);
		test_clock_skip(10);
	}
	/* retries 1-3, 2-6, 4-12, 8-24, 16-48 s apart: 4 to 6 in 60 s */
	TEST_ASSERT(regs - 1 >= 4);
	TEST_ASSERT(regs - 1 <= 6);
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"registration-failed\""));

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


static int sent_before;


/* A ping went out since sent_before messages */
static bool pinged(void)
{
	return fake_spjs.nsent > sent_before &&
		!strcmp(fake_spjs_sent(fake_spjs.nsent - 1), "\r\n\r\n");
}


static bool lost(void)
{
	return fake_spjs_count("\"ev\":\"reconnecting\"") > 0;
}


/* RFC 5626 4.4.1 keep-alive (wasm/transport/flow.c): after 2/3 of the
 * 30 s bound without a frame the phone sends CRLFCRLF; the CRLF pong (or
 * any frame) keeps the flow; no answer by the bound closes it as dead
 * ("reconnecting", cause flow-dead) and a new one is opened.  A network
 * change (phone.check) pings at once and gives 5 s.  The test clock
 * jumps natively; as wasm the test would spin for a minute. */
int test_ua_keepalive(void)
{
	static const uint8_t pong[] = "\r\n";
	uint64_t t0;
	const char *ev;
	int err, n;

#ifdef __EMSCRIPTEN__
	return 0;
#endif

	err = open_and_register();
	TEST_ERR(err);
	err = answer(200, "OK", NULL);
	TEST_ERR(err);

	/* 20 s quiet: a ping; the pong keeps the flow */
	sent_before = fake_spjs.nsent;
	t0 = tmr_jiffies();
	TEST_ASSERT(test_wait_for(21000, pinged));
	TEST_ASSERT(tmr_jiffies() - t0 >= 19000);
	err = sp_ws_rx(fake_spjs.last_conn, pong, 2);
	TEST_ERR(err);
	n = fake_spjs.nsent;
	TEST_ASSERT(!test_wait_for(15000, lost));
	TEST_EQUALS(n, fake_spjs.nsent);  /* the next ping is 20 s away */

	/* a ping with no answer: dead at the 30 s bound, and replaced */
	sent_before = n;
	TEST_ASSERT(test_wait_for(6000, pinged));
	t0 = tmr_jiffies();
	TEST_ASSERT(test_wait_for(11000, lost));
	TEST_ASSERT(tmr_jiffies() - t0 >= 9000);
	ev = fake_spjs_event("{\"ev\":\"reconnecting\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"flow-dead\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"transport\",\"phone\":1,"
				    "\"state\":\"closed\",\"code\":4000}"));
	TEST_ASSERT(test_wait_for(9000, reopened));
	err = sp_ws_state(fake_spjs.last_conn, 1, 0);
	TEST_ERR(err);
	settle();
	err = answer(200, "OK", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnected\""));

	/* the network changed: a ping now, dead 5 s later */
	n = fake_spjs_count("\"ev\":\"reconnecting\"");
	sent_before = fake_spjs.nsent;
	err = cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.check\","
		  "\"phone\":1}");
	TEST_ERR(err);
	TEST_ASSERT(pinged());
	t0 = tmr_jiffies();
	while (fake_spjs_count("\"ev\":\"reconnecting\"") == n &&
	       tmr_jiffies() - t0 < 8000) {
		(void)sp_tick(0);
		test_clock_skip(1);
	}
	TEST_ASSERT(tmr_jiffies() - t0 >= 4900 && tmr_jiffies() - t0 <= 5100);

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* reconnectAttempts: a phone that may reopen its lost flow once tries
 * once ("reconnecting", attempt 1); when that fails too it gives up:
 * "registration-failed" with retryIn 0, and no more sockets */
int test_ua_flow_give_up(void)
{
	const char *ev;
	int err, opens;

	err = open_and_register_with("{\"v\":1,\"id\":1,"
		"\"cmd\":\"phone.new\",\"config\":{"
		"\"server\":\"wss://sip.example.com:7443/ws\","
		"\"uri\":\"sip:alice@example.com\","
		"\"password\":\"alice-secret-pw\",\"reconnectAttempts\":1}}");
	TEST_ERR(err);
	err = answer(200, "OK", NULL);
	TEST_ERR(err);

	TEST_ERR(sp_ws_state(fake_spjs.last_conn, 2, 1006));
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"reconnecting\""));
	TEST_ASSERT(test_wait_for(9000, reopened));
	TEST_ERR(sp_ws_state(fake_spjs.last_conn, 2, 1006));
	ev = fake_spjs_event("{\"ev\":\"registration-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"code\":\"transport-closed\"") &&
		    strstr(ev, "\"retryIn\":0}"));
	TEST_EQUALS(1, fake_spjs_count("\"ev\":\"reconnecting\""));
	opens = fake_spjs.opens;
	TEST_ASSERT(!test_wait_for(3000, reopened_again));
	TEST_EQUALS(opens, fake_spjs.opens);

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}


/* A server that accepts the WebSocket and then says nothing (issue 13's
 * third hostile server): no answer to the REGISTER, none to the
 * keep-alive.  The flow is found dead at the keep-alive bound and
 * reopened on the back-off, never in a busy loop: over 3 minutes of the
 * test clock a handful of sockets and REGISTERs, each socket at most one
 * REGISTER (and its pings), and the loss said once per reopen.  The
 * test clock jumps natively only. */
int test_ua_silent_server(void)
{
	uint64_t t0;
	int err, conn, regs = 0, pings = 0, sent = 0;

#ifdef __EMSCRIPTEN__
	return 0;
#endif

	err = open_and_register();
	TEST_ERR(err);
	conn = fake_spjs.last_conn;

	t0 = tmr_jiffies();
	while (tmr_jiffies() - t0 < 180000) {
		if (fake_spjs.last_conn != conn) {
			/* the server accepts every new socket */
			conn = fake_spjs.last_conn;
			TEST_ERR(sp_ws_state(conn, 1, 0));
		}
		for (; sent < fake_spjs.nsent; ++sent) {
			const char *m = fake_spjs_sent(sent);

			pings += !strcmp(m, "\r\n\r\n");
			regs += !strncmp(m, "REGISTER ", 9);
		}
		(void)sp_tick(0);
		test_clock_skip(10);
	}

	/* a dead flow each 30 s, then the back-off: 4 to 7 sockets */
	TEST_ASSERT(fake_spjs.opens >= 4 && fake_spjs.opens <= 7);
	TEST_ASSERT(regs >= 2 && regs <= fake_spjs.opens);
	TEST_ASSERT(pings >= 2 && pings <= fake_spjs.opens);
	/* each loss said once; the last one's reopen may still wait */
	TEST_ASSERT(fake_spjs_count("\"ev\":\"reconnecting\"") >=
		    fake_spjs.opens - 1);
	TEST_ASSERT(fake_spjs_count("\"ev\":\"reconnecting\"") <=
		    fake_spjs.opens);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnecting\"") &&
		    strstr(fake_spjs_event("{\"ev\":\"reconnecting\""),
			   "\"cause\":\"flow-dead\""));

	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);

 out:
	return err;
}
