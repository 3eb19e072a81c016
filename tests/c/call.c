/**
 * @file call.c  Calls through the boundary, with a scripted peer
 *
 * The test plays the shim (sp_cmd with the SDP a browser would make) and
 * the proxy + other phone (requests and responses fed with sp_ws_rx).
 * Real browsers through Kamailio are in tests/e2e/call.test.js.
 */
#include <stdlib.h>
#include <re.h>
#include "spjs.h"
#include "abi.h"
#include "policy.h"
#include "flow.h"
#include "call.h"
#include "test.h"


static int cmd(const char *json)
{
	return sp_cmd(json, strlen(json));
}


static void settle(void)
{
	int i;

	for (i = 0; i < 8; ++i)
		(void)sp_tick(0);
}


/* A vector SDP as a JSON string value (escaped), into a new mbuf */
static int sdp_json(struct mbuf **mbp, const char *name, size_t *bytes)
{
	struct mbuf *raw = NULL, *mb = NULL;
	char path[256];
	size_t i;
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/sdp/%s", test_datapath,
			  name);
	err = test_file_load(&raw, path);
	if (err)
		return err;

	mb = mbuf_alloc(raw->end * 2 + 16);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}

	for (i = 0; i < raw->end && !err; ++i) {
		uint8_t c = raw->buf[i];

		if (c == '\r')
			err = mbuf_write_str(mb, "\\r");
		else if (c == '\n')
			err = mbuf_write_str(mb, "\\n");
		else if (c == '"' || c == '\\')
			err = mbuf_printf(mb, "\\%c", c);
		else
			err = mbuf_write_u8(mb, c);
	}

	*bytes = raw->end;

 out:
	mem_deref(raw);
	if (err)
		mem_deref(mb);
	else
		*mbp = mb;

	return err;
}


/* call.media with a vector SDP, as the shim sends what the browser made */
static int media(int id, int call, const char *name)
{
	struct mbuf *sdp = NULL, *mb = NULL;
	size_t bytes = 0;
	int err;

	err = sdp_json(&sdp, name, &bytes);
	if (err)
		return err;

	mb = mbuf_alloc(sdp->end + 128);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}

	err = mbuf_printf(mb, "{\"v\":1,\"id\":%d,\"cmd\":\"call.media\","
			  "\"call\":%d,\"sdp\":\"%b\",\"bytes\":%zu}",
			  id, call, sdp->buf, sdp->end, bytes);
	if (!err)
		(void)sp_cmd((const char *)mb->buf, mb->end);

	settle();

 out:
	mem_deref(sdp);
	mem_deref(mb);

	return err;
}


static int sent_decode(struct sip_msg **msgp, int i)
{
	struct mbuf *mb = mbuf_alloc(4096);
	int err;

	if (!mb)
		return ENOMEM;

	err = mbuf_write_str(mb, fake_spjs_sent(i));
	mb->pos = 0;
	if (!err)
		err = sip_msg_decode(msgp, mb);

	mem_deref(mb);

	return err;
}


/* Feed the core one message; %B-style body appended with its length */
static int rx(const char *head, const char *body)
{
	struct mbuf *mb = mbuf_alloc(8192);
	int err;

	if (!mb)
		return ENOMEM;

	err = mbuf_printf(mb, "%s%s"
			  "Content-Length: %zu\r\n\r\n%s", head,
			  body ? "Content-Type: application/sdp\r\n" : "",
			  body ? strlen(body) : (size_t)0, body ? body : "");
	if (!err)
		err = sp_ws_rx(fake_spjs.last_conn, mb->buf, mb->end);

	settle();
	mem_deref(mb);

	return err;
}


/* Feed the core one complete message as it is */
static int rx_raw(const char *msg)
{
	int err = sp_ws_rx(fake_spjs.last_conn, (const uint8_t *)msg,
			   strlen(msg));

	settle();

	return err;
}


/* Answer the newest sent request with a response (extra: header lines) */
static int respond_with(int code, const char *reason, const char *sdp_file,
			const char *extra)
{
	struct sip_msg *req = NULL;
	struct mbuf *sdp = NULL, *head = NULL;
	char path[256];
	int err;

	err = sent_decode(&req, fake_spjs.nsent - 1);
	if (err)
		return err;

	if (sdp_file) {
		(void)re_snprintf(path, sizeof(path), "%s/sdp/%s",
				  test_datapath, sdp_file);
		err = test_file_load(&sdp, path);
		if (err)
			goto out;
		err = mbuf_write_u8(sdp, 0);
		if (err)
			goto out;
	}

	head = mbuf_alloc(2048);
	if (!head) {
		err = ENOMEM;
		goto out;
	}

	err = mbuf_printf(head,
			  "SIP/2.0 %d %s\r\n"
			  "Via: %r\r\n"
			  "Record-Route: "
			  "<sip:203.0.113.10;transport=ws;lr>\r\n"
			  "From: %r\r\n"
			  "To: %r%s\r\n"
			  "Call-ID: %r\r\n"
			  "CSeq: %u %r\r\n"
			  "Contact: <sip:bob@bobhost.invalid;transport=ws>\r\n"
			  "%s",
			  code, reason, &sip_msg_hdr(req, SIP_HDR_VIA)->val,
			  &req->from.val, &req->to.val,
			  code > 100 ? ";tag=bob1" : "", &req->callid,
			  req->cseq.num, &req->cseq.met, extra ? extra : "");
	if (err)
		goto out;
	err = mbuf_write_u8(head, 0);
	if (err)
		goto out;

	err = rx((const char *)head->buf,
		 sdp ? (const char *)sdp->buf : NULL);

 out:
	mem_deref(req);
	mem_deref(sdp);
	mem_deref(head);

	return err;
}


static int respond(int code, const char *reason, const char *sdp_file)
{
	return respond_with(code, reason, sdp_file, NULL);
}


static int phone_open(const char *privacy)
{
	char buf[512];
	int err;

	fake_spjs_reset();
	(void)re_snprintf(buf, sizeof(buf),
			  "{\"v\":1,\"id\":1,\"cmd\":\"phone.new\","
			  "\"config\":{"
			  "\"server\":\"wss://sip.example.com:7443/ws\","
			  "\"uri\":\"sip:alice@example.com\","
			  "\"password\":\"alice-secret-pw\","
			  "\"privacy\":\"%s\"}}", privacy);
	err = cmd(buf);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":1,\"err\":null,\"phone\":1,"));

 out:
	return err;
}


/* call.new to bob: the core asks the shim for an offer */
static int call_new(int *callp, const char *policy)
{
	const int n = fake_spjs.nsent;
	const char *ev;
	int err;

	err = cmd("{\"v\":1,\"id\":2,\"cmd\":\"call.new\",\"phone\":1,"
		  "\"target\":\"bob\"}");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":2,\"err\":null,\"call\":");
	TEST_ASSERT(ev);
	*callp = atoi(ev + strlen("{\"id\":2,\"err\":null,\"call\":"));
	TEST_ASSERT(*callp > 0);

	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev);
	TEST_ASSERT(strstr(ev, "\"type\":\"offer\""));
	TEST_ASSERT(strstr(ev, policy));
	TEST_EQUALS(n, fake_spjs.nsent);  /* nothing sent before the offer */

 out:
	return err;
}


/* The transport opens on the first request: let it */
static void transport_up(void)
{
	settle();
	if (fake_spjs.opens && fake_spjs.last_conn)
		(void)sp_ws_state(fake_spjs.last_conn, 1, 0);
	settle();
}


/* A phone whose flow is open (a REGISTER opened it): the proxy can reach
 * it with requests */
static int phone_reachable(void)
{
	int err;

	err = phone_open("mdns");
	if (err)
		return err;

	err = cmd("{\"v\":1,\"id\":2,\"cmd\":\"phone.register\",\"phone\":1}");
	transport_up();

	return err;
}


int test_call_outgoing(void)
{
	struct sip_msg *msg = NULL;
	const char *inv, *ev;
	char buf[256];
	int call = 0, n, err;

	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);

	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	transport_up();
	TEST_EQUALS(1, fake_spjs.nsent);

	/* the reply names the INVITE's Call-ID */
	err = sent_decode(&msg, 0);
	TEST_ERR(err);
	(void)re_snprintf(buf, sizeof(buf), "{\"id\":3,\"err\":null,"
			  "\"callId\":\"%r\"}", &msg->callid);
	TEST_ASSERT(fake_spjs_event(buf));

	/* only raw-IP host candidates: none left under mdns, a warning */
	(void)re_snprintf(buf, sizeof(buf), "{\"ev\":\"no-candidates\","
			  "\"phone\":1,\"call\":%d}", call);
	TEST_ASSERT(fake_spjs_event(buf));

	/* the INVITE: to bob in our domain, no raw IP of ours anywhere */
	inv = fake_spjs_sent(0);
	TEST_ASSERT(!strncmp(inv, "INVITE sip:bob@example.com SIP/2.0\r\n",
			     36));
	TEST_ASSERT(strstr(inv, "\r\nContent-Type: application/sdp\r\n"));
	TEST_ASSERT(strstr(inv, "a=fingerprint:sha-256 "));
	TEST_ASSERT(!strstr(inv, "192.168.99.58"));
	TEST_ASSERT(!strstr(inv, "2a02:a03f"));
	TEST_ASSERT(!strstr(inv, "192.0.2.2"));  /* transport placeholder */
	TEST_ASSERT(strstr(inv, ".invalid;transport=wss>"));

	/* 100 is hop-by-hop: no event; 180 -> ringing; 183 -> progress */
	n = fake_spjs.nevents;
	err = respond(100, "Trying", NULL);
	TEST_ERR(err);
	TEST_EQUALS(n, fake_spjs.nevents);
	err = respond(180, "Ringing", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"ringing\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"progress\""));
	err = respond(183, "Session Progress", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"progress\""));

	/* 200 with a DTLS answer (it has a candidate: the call goes on)
	 * -> media.remote, ACK */

	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.remote\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"answer\""));
	TEST_ASSERT(strstr(ev, "\"fingerprint\":\"sha-256\""));
	TEST_ASSERT(strstr(ev, "a=setup:active"));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"accepted\""));
	n = fake_spjs.nsent;
	TEST_ASSERT(!strncmp(fake_spjs_sent(n - 1), "ACK ", 4));

	/* hold: a new offer is asked for, then sent as a re-INVITE */
	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":4,"
			  "\"cmd\":\"call.hold\",\"call\":%d,"
			  "\"hold\":true}", call);
	err = cmd(buf);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"hold\":true"));
	err = media(5, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_EQUALS(n + 1, fake_spjs.nsent);
	TEST_ASSERT(!strncmp(fake_spjs_sent(n), "INVITE ", 7));

	/* refused: the hold did not happen, the call goes on */
	err = respond(488, "Not Acceptable Here", NULL);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"modify-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"status\":488"));
	TEST_ASSERT(strstr(ev, "\"held\":false"));

	/* hang up: BYE, ended local-hangup, the handle is gone */
	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":6,"
			  "\"cmd\":\"call.hangup\",\"call\":%d}", call);
	err = cmd(buf);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"ended\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"local-hangup\""));
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1), "BYE ", 4));
	buf[strlen("{\"v\":1,\"id\":")] = '7';
	err = cmd(buf);
	TEST_ASSERT(fake_spjs_event("{\"id\":7,\"err\":\"not-found\""));
	err = 0;

 out:
	mem_deref(msg);
	return err;
}


/* Our offer's answer was refused by the policy for @p cause: it never
 * reached the browser, the call was ACKed and ended with a BYE carrying
 * the reason.  Returns the ended event, NULL if any of that is missing. */
static const char *ended_by_policy(const char *cause)
{
	char reason[96];
	const char *ev, *bye;

	(void)re_snprintf(reason, sizeof(reason),
			  "Reason: SIP ;cause=488 ;text=\"%s\"", cause);
	ev = fake_spjs_event("{\"ev\":\"ended\"");
	bye = fake_spjs_sent(fake_spjs.nsent - 1);

	if (fake_spjs_event("{\"ev\":\"media.remote\"") || !ev ||
	    !strstr(ev, cause) ||
	    strncmp(fake_spjs_sent(fake_spjs.nsent - 2), "ACK ", 4) ||
	    strncmp(bye, "BYE ", 4) || !strstr(bye, reason))
		return NULL;

	return ev;
}


int test_call_answer_refused(void)
{
	const char *ev;
	int call = 0, err;

	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	transport_up();

	/* an SDES answer: ACK, then BYE with the reason; ended says why */
	err = respond(200, "OK", "HOSTILE-legacy-snom-rtpsavp-sdes.sdp");
	TEST_ERR(err);
	ev = ended_by_policy("sdes-offered");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"sdes-offered\""));
	TEST_ASSERT(strstr(ev, "\"line\":7"));

 out:
	return err;
}


int test_call_relay_fails_closed(void)
{
	const char *ev;
	int call = 0, err;

	err = phone_open("relay");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"relay\"");
	TEST_ERR(err);

	/* an offer without relay candidates: nothing goes out */
	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,"
				    "\"err\":\"relay-unavailable\""));
	ev = fake_spjs_event("{\"ev\":\"ended\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"relay-unavailable\""));
	transport_up();
	TEST_EQUALS(0, fake_spjs.nsent);
	TEST_EQUALS(0, fake_spjs.opens);

	/* bad targets never make a call */
	err = cmd("{\"v\":1,\"id\":8,\"cmd\":\"call.new\",\"phone\":1,"
		  "\"target\":\"sip:bob@example.com\\r\\nX-Evil: 1\"}");
	TEST_ASSERT(fake_spjs_event("{\"id\":8,\"err\":\"invalid-target\""));
	err = cmd("{\"v\":1,\"id\":9,\"cmd\":\"call.new\",\"phone\":1,"
		  "\"target\":\"tel:+12025550100\"}");
	TEST_ASSERT(fake_spjs_event("{\"id\":9,\"err\":\"invalid-target\""));
	err = cmd("{\"v\":1,\"id\":10,\"cmd\":\"call.new\",\"phone\":1}");
	TEST_ASSERT(fake_spjs_event("{\"id\":10,\"err\":\"invalid-target\""));
	err = cmd("{\"v\":1,\"id\":11,\"cmd\":\"call.new\",\"phone\":7,"
		  "\"target\":\"bob\"}");
	TEST_ASSERT(fake_spjs_event("{\"id\":11,\"err\":\"not-found\""));
	err = 0;

 out:
	return err;
}


static const char invite_head[] =
	"INVITE sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
	"Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bKkam1\r\n"
	"Via: SIP/2.0/WSS bobhost.invalid;received=198.51.100.7;"
	"branch=z9hG4bKbob1\r\n"
	"Record-Route: <sip:203.0.113.10;transport=ws;lr>\r\n"
	"Max-Forwards: 69\r\n"
	"From: \"Bob\" <sip:bob@example.com>;tag=b1\r\n"
	"To: <sip:alice@example.com>\r\n"
	"Call-ID: in-call-1\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: <sip:bob@bobhost.invalid;transport=ws>\r\n";


static int load_sdp(struct mbuf **mbp, const char *name)
{
	char path[256];
	int err;

	(void)re_snprintf(path, sizeof(path), "%s/sdp/%s", test_datapath,
			  name);
	err = test_file_load(mbp, path);
	if (!err)
		err = mbuf_write_u8(*mbp, 0);

	return err;
}


/* A reachable phone gets an INVITE offering the vector SDP @p name: the
 * app is told (incoming); its call handle in @p callp, the SDP in @p sdpp
 * (mem_deref it) */
static int ringing(struct mbuf **sdpp, const char *name, int *callp)
{
	const char *ev;
	int err;

	err = phone_reachable();
	TEST_ERR(err);

	err = load_sdp(sdpp, name);
	TEST_ERR(err);
	err = rx(invite_head, (const char *)(*sdpp)->buf);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"incoming\"");
	TEST_ASSERT(ev);
	*callp = atoi(strstr(ev, "\"call\":") + 7);

 out:
	return err;
}


int test_call_incoming(void)
{
	struct mbuf *sdp = NULL;
	struct sip_msg *ok = NULL;
	const char *ev, *s;
	char head[1024];
	int call, n, err;

	err = phone_reachable();
	TEST_ERR(err);
	n = fake_spjs.nsent;

	/* an SDES offer: 488 with a Warning naming the reason */
	err = load_sdp(&sdp, "HOSTILE-legacy-snom-rtpsavp-sdes.sdp");
	TEST_ERR(err);
	err = rx(invite_head, (const char *)sdp->buf);
	TEST_ERR(err);
	TEST_EQUALS(n + 1, fake_spjs.nsent);
	s = fake_spjs_sent(n);
	TEST_ASSERT(!strncmp(s, "SIP/2.0 488 Not Acceptable Here\r\n", 33));
	TEST_ASSERT(strstr(s, "\r\nWarning: 399 "));
	TEST_ASSERT(strstr(s, " \"sdes-offered: "));
	ev = fake_spjs_event("{\"ev\":\"call-refused\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"sdes-offered\""));
	TEST_ASSERT(strstr(ev, "\"from\":\"sip:bob@example.com\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"incoming\""));
	sdp = mem_deref(sdp);

	/* a DTLS offer: 180, incoming, media.remote offer */
	err = load_sdp(&sdp, "chrome120-audio-offer-mdns-lf-only.sdp");
	TEST_ERR(err);
	(void)re_snprintf(head, sizeof(head), "%s", invite_head);
	memcpy(strstr(head, "in-call-1"), "in-call-2", 9);
	memcpy(strstr(head, "bKkam1"), "bKkam9", 6);
	err = rx(head, (const char *)sdp->buf);
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "SIP/2.0 180 Ringing\r\n", 21));
	ev = fake_spjs_event("{\"ev\":\"incoming\"");
	TEST_ASSERT(ev && strstr(ev, "\"displayName\":\"Bob\""));
	TEST_ASSERT(strstr(ev, "\"callId\":\"in-call-2\""));
	call = atoi(strstr(ev, "\"call\":") + 7);
	ev = fake_spjs_event("{\"ev\":\"media.remote\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"offer\""));

	/* answer: the shim is asked, its answer goes out in the 200 */
	(void)re_snprintf(head, sizeof(head), "{\"v\":1,\"id\":3,"
			  "\"cmd\":\"call.answer\",\"call\":%d}", call);
	err = cmd(head);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"answer\""));
	err = media(4, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null,"
				    "\"callId\":\"in-call-2\"}"));
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "SIP/2.0 200 OK\r\n", 16));
	TEST_ASSERT(!strstr(s, "192.168.99.58"));

	/* the ACK establishes it; the remote BYE ends it */
	err = sent_decode(&ok, fake_spjs.nsent - 1);
	TEST_ERR(err);
	(void)re_snprintf(head, sizeof(head),
			  "ACK sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
			  "Via: SIP/2.0/WSS "
			  "203.0.113.10;branch=z9hG4bKkam2\r\n"
			  "Max-Forwards: 69\r\n"
			  "From: \"Bob\" <sip:bob@example.com>;tag=b1\r\n"
			  "To: <sip:alice@example.com>;tag=%r\r\n"
			  "Call-ID: in-call-2\r\n"
			  "CSeq: 1 ACK\r\n", &ok->to.tag);
	err = rx(head, NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"accepted\""));

	n = fake_spjs.nsent;
	(void)re_snprintf(head, sizeof(head),
			  "BYE sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
			  "Via: SIP/2.0/WSS "
			  "203.0.113.10;branch=z9hG4bKkam3\r\n"
			  "Max-Forwards: 69\r\n"
			  "From: \"Bob\" <sip:bob@example.com>;tag=b1\r\n"
			  "To: <sip:alice@example.com>;tag=%r\r\n"
			  "Call-ID: in-call-2\r\n"
			  "CSeq: 2 BYE\r\n", &ok->to.tag);
	err = rx(head, NULL);
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(n), "SIP/2.0 200 OK\r\n", 16));
	ev = fake_spjs_event("{\"ev\":\"ended\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"remote-hangup\""));

 out:
	mem_deref(ok);
	mem_deref(sdp);
	return err;
}


int test_call_reject(void)
{
	struct mbuf *sdp = NULL;
	const char *ev;
	char buf[128];
	int call, err;

	err = ringing(&sdp, "chrome120-audio-offer-mdns-lf-only.sdp", &call);
	TEST_ERR(err);

	/* a status that is not a refusal is refused */
	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":3,"
			  "\"cmd\":\"call.reject\",\"call\":%d,"
			  "\"status\":200}", call);
	err = cmd(buf);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":\"invalid-argument\""));

	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":4,"
			  "\"cmd\":\"call.reject\",\"call\":%d,"
			  "\"status\":486}", call);
	err = cmd(buf);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null}"));
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "SIP/2.0 486 Busy Here\r\n", 23));
	ev = fake_spjs_event("{\"ev\":\"ended\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"rejected\""));
	TEST_ASSERT(strstr(ev, "\"status\":486"));

 out:
	mem_deref(sdp);
	return err;
}


int test_call_message_options(void)
{
	struct sip_msg *req = NULL;
	const char *ev, *s;
	int n, err;

	err = phone_reachable();
	TEST_ERR(err);

	/* MESSAGE in: 200 OK, then the text to the app (JSON-escaped) */
	n = fake_spjs.nsent;
	err = rx_raw("MESSAGE sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
		 "Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bKm1\r\n"
		 "Max-Forwards: 69\r\n"
		 "From: <sip:bob@example.com>;tag=m1\r\n"
		 "To: <sip:alice@example.com>\r\n"
		 "Call-ID: msg-1\r\nCSeq: 1 MESSAGE\r\n"
		 "Content-Type: text/plain;charset=utf-8\r\n"
		 "Content-Length: 8\r\n\r\nhi \"you\"");
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(n), "SIP/2.0 200 OK\r\n", 16));
	ev = fake_spjs_event("{\"ev\":\"message\"");
	TEST_ASSERT(ev && strstr(ev, "\"body\":\"hi \\\"you\\\"\""));
	TEST_ASSERT(strstr(ev, "\"from\":\"sip:bob@example.com\""));
	TEST_ASSERT(strstr(ev, "\"ctype\":\"text/plain\""));

	/* OPTIONS: 200 with Allow; anything else out of dialog: 405 */
	err = rx("OPTIONS sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
		 "Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bKo1\r\n"
		 "Max-Forwards: 69\r\n"
		 "From: <sip:bob@example.com>;tag=o1\r\n"
		 "To: <sip:alice@example.com>\r\n"
		 "Call-ID: opt-1\r\nCSeq: 1 OPTIONS\r\n", NULL);
	TEST_ERR(err);
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "SIP/2.0 200 OK\r\n", 16));
	TEST_ASSERT(strstr(s, "\r\nAllow: INVITE, ACK, CANCEL, BYE, INFO, "
			   "MESSAGE, OPTIONS\r\n"));

	err = rx("SUBSCRIBE sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
		 "Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bKs1\r\n"
		 "Max-Forwards: 69\r\n"
		 "From: <sip:bob@example.com>;tag=s1\r\n"
		 "To: <sip:alice@example.com>\r\n"
		 "Call-ID: sub-1\r\nCSeq: 1 SUBSCRIBE\r\nEvent: presence\r\n",
		 NULL);
	TEST_ERR(err);
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "SIP/2.0 405 Method Not Allowed\r\n", 32));

	/* MESSAGE out: the text as body, the 200 completes it */
	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.message\",\"phone\":1,"
		  "\"target\":\"bob\",\"text\":\"caf\\u00e9\"}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":null,\"messageId\":"));
	settle();
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "MESSAGE sip:bob@example.com SIP/2.0\r\n",
			     37));
	TEST_ASSERT(strstr(s, "\r\nContent-Type: "
			   "text/plain;charset=utf-8\r\n"));
	TEST_ASSERT(strstr(s, "\r\n\r\ncaf\xc3\xa9"));
	err = respond(200, "OK", NULL);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"message-sent\"");
	TEST_ASSERT(ev && strstr(ev, "\"status\":200"));

	/* refused and bad targets */
	err = cmd("{\"v\":1,\"id\":4,\"cmd\":\"phone.message\",\"phone\":1,"
		  "\"target\":\"nobody\",\"text\":\"x\"}");
	TEST_ERR(err);
	settle();
	err = respond(404, "Not Found", NULL);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"message-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"code\":\"not-found\""));
	err = cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.message\",\"phone\":1,"
		  "\"target\":\"a b\",\"text\":\"x\"}");
	TEST_ASSERT(fake_spjs_event("{\"id\":5,\"err\":\"invalid-argument\""));
	err = 0;

 out:
	mem_deref(req);
	return err;
}


int test_call_early_media_two_calls(void)
{
	const char *ev;
	char buf[256];
	int c1 = 0, c2 = 0, i, err;

	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&c1, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	err = media(3, c1, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	transport_up();
	TEST_EQUALS(1, fake_spjs.nsent);

	/* 183 with an answer: early media, applied as a provisional answer */
	err = respond(183, "Session Progress",
		      "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.remote\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"pranswer\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"progress\""));

	/* a second call at the same time, then both established */
	err = call_new(&c2, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	TEST_ASSERT(c2 != c1);
	err = media(4, c2, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_EQUALS(2, fake_spjs.nsent);
	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);

	/* the first INVITE's 200 too (rebuild it from the first request) */
	(void)memcpy(fake_spjs.sent[fake_spjs.nsent % 16],
		     fake_spjs.sent[0], sizeof(fake_spjs.sent[0]));
	++fake_spjs.nsent;
	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);

	for (i = 1; i <= 2; ++i) {
		(void)re_snprintf(buf, sizeof(buf),
				  "{\"ev\":\"accepted\",\"phone\":1,"
				  "\"call\":%d,",
				  i == 1 ? c1 : c2);
		TEST_ASSERT(fake_spjs_event(buf));
	}

	/* hanging up one leaves the other */
	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":5,"
			  "\"cmd\":\"call.hangup\",\"call\":%d}", c1);
	err = cmd(buf);
	TEST_ERR(err);
	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":6,"
			  "\"cmd\":\"call.hold\",\"call\":%d,"
			  "\"hold\":true}", c2);
	err = cmd(buf);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":6,\"err\":null}"));

 out:
	return err;
}


int test_call_misuse(void)
{
	static const struct {
		const char *cmd;
		const char *err;
	} v[] = {
		{"\"cmd\":\"call.media\",\"call\":%d", "invalid-argument"},
		{"\"cmd\":\"call.media\",\"call\":%d,\"sdp\":\"v=0\","
		 "\"bytes\":9",
		 "invalid-argument"},
		{"\"cmd\":\"call.media\",\"call\":%d,\"sdp\":7,\"bytes\":1",
		 "invalid-argument"},
		{"\"cmd\":\"call.answer\",\"call\":%d", "invalid-state"},
		{"\"cmd\":\"call.hold\",\"call\":%d,\"hold\":true",
		 "invalid-state"},
		{"\"cmd\":\"call.info\",\"call\":%d,\"ctype\":\"text/plain\","
		 "\"body\":\"x\"", "invalid-state"},
		{"\"cmd\":\"call.reject\",\"call\":%d,\"status\":486",
		 "invalid-state"},
		{"\"cmd\":\"call.reject\",\"call\":%d,\"status\":99999",
		 "invalid-argument"},
		{"\"cmd\":\"call.explode\",\"call\":%d", "bad-command"},
		{"\"cmd\":\"call.hangup\",\"call\":\"%d\"", "not-found"},
		{"\"cmd\":\"call.hangup\",\"call\":-%d", "not-found"},
		{"\"cmd\":\"call.hangup\",\"call\":%d000000", "not-found"},
	};
	char buf[512], want[64];
	size_t i;
	int call = 0, err;

	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);

	/* an outgoing call waiting for its offer: none of these apply */
	for (i = 0; i < ARRAY_SIZE(v); ++i) {
		int n = re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":%zu,",
				    i + 100);

		(void)re_snprintf(buf + n, sizeof(buf) - (size_t)n, v[i].cmd,
				  call);
		(void)strcat(buf, "}");
		(void)cmd(buf);
		(void)re_snprintf(want, sizeof(want),
				  "{\"id\":%zu,\"err\":\"%s\"", i + 100,
				  v[i].err);
		if (!fake_spjs_event(want)) {
			(void)fprintf(stderr, "%s: want %s\n", buf, v[i].err);
			err = EINVAL;
			goto out;
		}
	}

	/* still usable: the offer goes out */
	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":null,\"callId\":"));

	/* a second offer is not asked for */
	err = media(4, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":\"invalid-state\""));

 out:
	return err;
}


/* Our offer and their answer without a candidate: no media path can come
 * up, so the call ends at once (ACK, BYE) instead of 15 s of silence */
int test_call_no_candidates_outgoing(void)
{
	const char *ev;
	int call = 0, err;

	/* an offer with a candidate left (.local host, srflx): no warning */
	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	err = media(3, call, "chrome120-audio-offer-mdns-lf-only.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":null,\"callId\":"));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"no-candidates\""));
	transport_up();

	/* their answer has none: ours had some, the call goes on */
	err = respond(200, "OK", "chrome120-audio-answer-no-candidates.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"accepted\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"ended\""));

	/* raw-IP host candidates only, mdns: a warning, then the same
	 * answer ends the call (a fresh core: the phone handle is 1) */
	sp_close();
	TEST_ERR(sp_init(0, 0));
	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"no-candidates\""));
	transport_up();
	TEST_ASSERT(!strstr(fake_spjs_sent(0), "a=candidate"));

	err = respond(200, "OK", "chrome120-audio-answer-no-candidates.sdp");
	TEST_ERR(err);
	ev = ended_by_policy("no-candidates");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"no-candidates\""));

 out:
	return err;
}


/* Answering with no candidate is a warning too; the caller, who gets the
 * answer, is the side that decides to end the call */
int test_call_no_candidates_incoming(void)
{
	struct mbuf *sdp = NULL;
	struct sip_msg *ok = NULL;
	const char *s;
	char buf[128], head[512];
	int call, err;

	err = ringing(&sdp, "chromium120-audio-video-offer-no-candidates"
		      ".ex_webrtc.sdp", &call);
	TEST_ERR(err);

	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":3,"
			  "\"cmd\":\"call.answer\",\"call\":%d}", call);
	err = cmd(buf);
	TEST_ERR(err);
	err = media(4, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null,"));
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "SIP/2.0 200 OK\r\n", 16));
	TEST_ASSERT(!strstr(s, "a=candidate"));
	(void)re_snprintf(buf, sizeof(buf), "{\"ev\":\"no-candidates\","
			  "\"phone\":1,\"call\":%d}", call);
	TEST_ASSERT(fake_spjs_event(buf));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"ended\""));

	/* the caller's side ends it (ACK, then BYE) */
	err = sent_decode(&ok, fake_spjs.nsent - 1);
	TEST_ERR(err);
	(void)re_snprintf(head, sizeof(head),
			  "ACK sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
			  "Via: SIP/2.0/WSS "
			  "203.0.113.10;branch=z9hG4bKkam2\r\n"
			  "Max-Forwards: 69\r\n"
			  "From: \"Bob\" <sip:bob@example.com>;tag=b1\r\n"
			  "To: <sip:alice@example.com>;tag=%r\r\n"
			  "Call-ID: in-call-1\r\n"
			  "CSeq: 1 ACK\r\n", &ok->to.tag);
	err = rx(head, NULL);
	TEST_ERR(err);
	(void)re_snprintf(head, sizeof(head),
			  "BYE sip:alice@x.invalid;transport=ws SIP/2.0\r\n"
			  "Via: SIP/2.0/WSS "
			  "203.0.113.10;branch=z9hG4bKkam3\r\n"
			  "Max-Forwards: 69\r\n"
			  "From: \"Bob\" <sip:bob@example.com>;tag=b1\r\n"
			  "To: <sip:alice@example.com>;tag=%r\r\n"
			  "Call-ID: in-call-1\r\n"
			  "CSeq: 2 BYE\r\n", &ok->to.tag);
	err = rx(head, NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"ended\""));

 out:
	mem_deref(ok);
	mem_deref(sdp);
	return err;
}


/* OPTIONS out of dialog: the response's Allow and Supported come back */
int test_call_options_out(void)
{
	const char *ev, *s;
	int err;

	err = phone_reachable();
	TEST_ERR(err);

	err = cmd("{\"v\":1,\"id\":3,\"cmd\":\"phone.options\",\"phone\":1,"
		  "\"target\":\"sip:example.com\"}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":3,\"err\":null,\"messageId\":"));
	settle();
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "OPTIONS sip:example.com SIP/2.0\r\n", 33));
	TEST_ASSERT(strstr(s, "\r\nContent-Length: 0\r\n\r\n"));
	err = respond_with(200, "OK", NULL,
			   "Allow: INVITE, ACK,OPTIONS\r\n"
			   "Allow: BYE\r\n"
			   "Supported: outbound, path\r\n");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"message-sent\"");
	TEST_ASSERT(ev && strstr(ev, "\"status\":200,"
				 "\"allow\":[\"INVITE\",\"ACK\",\"OPTIONS\","
				 "\"BYE\"],"
				 "\"supported\":[\"outbound\",\"path\"]}"));

	/* a user that is not there: not-found, like MESSAGE */
	err = cmd("{\"v\":1,\"id\":4,\"cmd\":\"phone.options\",\"phone\":1,"
		  "\"target\":\"nobody\"}");
	TEST_ERR(err);
	settle();
	s = fake_spjs_sent(fake_spjs.nsent - 1);
	TEST_ASSERT(!strncmp(s, "OPTIONS sip:nobody@example.com ", 31));
	err = respond(404, "Not Found", NULL);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"message-failed\"");
	TEST_ASSERT(ev && strstr(ev, "\"code\":\"not-found\""));
	TEST_ASSERT(strstr(ev, "\"status\":404"));

	err = cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.options\",\"phone\":1,"
		  "\"target\":\"a b\"}");
	TEST_ASSERT(fake_spjs_event("{\"id\":5,\"err\":\"invalid-argument\""));
	err = cmd("{\"v\":1,\"id\":6,\"cmd\":\"phone.options\",\"phone\":9,"
		  "\"target\":\"bob\"}");
	TEST_ASSERT(fake_spjs_event("{\"id\":6,\"err\":\"not-found\""));
	err = 0;

 out:
	return err;
}


/* Phone 1 calls bob with @p offer (the media.need asked for @p policy),
 * and bob answers: an established call */
static int call_up_with(int *callp, const char *policy, const char *offer)
{
	int err;

	err = call_new(callp, policy);
	TEST_ERR(err);
	err = media(3, *callp, offer);
	TEST_ERR(err);
	transport_up();
	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"accepted\""));

 out:
	return err;
}


static int call_up(int *callp)
{
	return call_up_with(callp, "\"iceTransportPolicy\":\"all\"",
			    "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
}


/* call.restart of @p call as command @p id */
static int call_restart(int id, int call)
{
	char buf[128];

	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":%d,"
			  "\"cmd\":\"call.restart\",\"call\":%d}", id, call);

	return cmd(buf);
}


static bool flow_reopened(void)
{
	return fake_spjs.opens >= 2;
}


static bool offer_asked_again(void)
{
	return fake_spjs_count("\"type\":\"offer\"") >= 3;
}


/* A confirmed call and the phone's flow (wasm/transport/flow.c, through
 * ua.c and call_flow): the flow lost, the call stays and hears
 * "reconnecting"; the phone reopens the flow for it (no registration
 * asks); on the new flow the call sends a re-INVITE, its offer from the
 * shim, that moves its route.  Refused, it goes again after a back-off;
 * answered, the call hears "reconnected" (not "hold").  With no reopens
 * allowed the loss ends the call as "transport-closed". */
int test_call_flow_events(void)
{
	const char *ev;
	char buf[160];
	int call = 0, err;

	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_up(&call);
	TEST_ERR(err);
	TEST_EQUALS(0, call_flow_state(call_lookup(call)));

	/* the flow closes: the call stays and hears it; the flow reopens */
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	settle();
	TEST_EQUALS(FLOW_DOWN, call_flow_state(call_lookup(call)));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"ended\""));
	(void)re_snprintf(buf, sizeof(buf), "{\"ev\":\"reconnecting\","
			  "\"phone\":1,\"call\":%d,\"cause\":"
			  "\"transport-closed\",\"attempt\":1,"
			  "\"retryIn\":0}", call);
	TEST_ASSERT(fake_spjs_event(buf));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnecting\",\"phone\":1,"
				    "\"call\":0,"));
	TEST_EQUALS(1, fake_spjs.opens);
	TEST_ASSERT(test_wait_for(9000, flow_reopened));

	/* the new flow: the call asks for an offer (held as it is) */
	transport_up();
	TEST_EQUALS(FLOW_REPLACED, call_flow_state(call_lookup(call)));
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"offer\"") &&
		    strstr(ev, "\"hold\":false"));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"reconnected\",\"phone\":1,"
				    "\"call\":0}"));
	err = media(5, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "INVITE ", 7));

	/* refused: the shim rolls back; the re-INVITE goes again */
	err = respond(500, "Server Internal Error", NULL);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"modify-failed\""));
	TEST_ASSERT(test_wait_for(3500, offer_asked_again));
	err = media(6, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "INVITE ", 7));
	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);
	(void)re_snprintf(buf, sizeof(buf), "{\"ev\":\"reconnected\","
			  "\"phone\":1,\"call\":%d}", call);
	TEST_ASSERT(fake_spjs_event(buf));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"hold\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"ended\""));

	/* a phone that may not reopen: the loss ends the call (a fresh
	 * core: the phone handle is 1 again) */
	sp_close();
	fake_spjs_reset();
	err = sp_init(4, 0);  /* as the runner's (main.c) */
	TEST_ERR(err);
	err = cmd("{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
		  "\"server\":\"wss://sip.example.com:7443/ws\","
		  "\"uri\":\"sip:alice@example.com\","
		  "\"password\":\"alice-secret-pw\","
		  "\"reconnectAttempts\":0}}");
	TEST_ERR(err);
	err = call_up(&call);
	TEST_ERR(err);
	err = sp_ws_state(fake_spjs.last_conn, 2, 1006);
	TEST_ERR(err);
	settle();
	ev = fake_spjs_event("{\"ev\":\"ended\"");
	TEST_ASSERT(ev && strstr(ev, "\"cause\":\"transport-closed\""));
	TEST_EQUALS(0, fake_spjs_count("\"ev\":\"reconnecting\""));

 out:
	return err;
}


/*
 * The phone closes between our 200 OK and the caller's ACK.  libre keeps
 * such a session for the ACK (64 * T1), with its retransmission timers and
 * the phone's SIP stack; closing the phone ends it too, and no timer is
 * left (found by test-c --oom, issue 12)
 */
int test_call_issue_12_close_before_ack(void)
{
	struct mbuf *sdp = NULL;
	char buf[128];
	int call, err;

	err = ringing(&sdp, "chrome120-audio-offer-mdns-lf-only.sdp", &call);
	TEST_ERR(err);

	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":3,"
			  "\"cmd\":\"call.answer\",\"call\":%d}", call);
	err = cmd(buf);
	TEST_ERR(err);
	err = media(4, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "SIP/2.0 200 OK\r\n", 16));

	err = cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.close\",\"phone\":1}");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":5,\"err\":null}"));
	TEST_EQUALS(-1, sp_tick(0));  /* no timer pending */

 out:
	mem_deref(sdp);
	return err;
}


/* ICE restart (call.restart): the shim is asked for an offer with new
 * ICE credentials (media.need with iceRestart), sent by re-INVITE; the
 * answer goes to the shim and no hold event follows; one modification
 * at a time; not before the call is up */
int test_call_ice_restart(void)
{
	const char *ev;
	char buf[128];
	int call = 0, err;

	err = phone_open("mdns");
	TEST_ERR(err);
	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"iceRestart\":false"));
	err = call_restart(4, call);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":\"invalid-state\""));
	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	transport_up();
	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"accepted\""));

	err = call_restart(5, call);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":5,\"err\":null}"));
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"offer\"") &&
		    strstr(ev, "\"iceRestart\":true") &&
		    strstr(ev, "\"hold\":false"));

	/* one at a time */
	err = call_restart(6, call);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":6,\"err\":\"busy\""));

	err = media(7, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "INVITE ", 7));
	err = respond(200, "OK", "asterisk20-audio-answer-dtls.sdp");
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.remote\"");
	TEST_ASSERT(ev && strstr(ev, "\"type\":\"answer\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"hold\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"reconnected\""));

	/* the next offer is a plain one again */
	(void)re_snprintf(buf, sizeof(buf), "{\"v\":1,\"id\":8,"
			  "\"cmd\":\"call.hold\",\"call\":%d,"
			  "\"hold\":true}", call);
	err = cmd(buf);
	TEST_ERR(err);
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"iceRestart\":false"));

 out:
	return err;
}


/* Relay mode, and the browser's ICE-restart offer has no relay candidate
 * (TURN went away mid-call): nothing goes out, the modification fails
 * (modify-failed: the shim rolls back) and the call goes on; the next
 * restart may go. */
int test_call_relay_restart_refused(void)
{
	const char *ev;
	int call = 0, sent, err;

	err = phone_open("relay");
	TEST_ERR(err);
	err = call_up_with(&call, "\"iceTransportPolicy\":\"relay\"",
			   "chrome120-audio-offer-relay-coturn-loopback.sdp");
	TEST_ERR(err);

	err = call_restart(4, call);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":4,\"err\":null}"));
	sent = fake_spjs.nsent;
	err = media(5, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":5,"
				    "\"err\":\"relay-unavailable\""));
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"modify-failed\""));
	TEST_ASSERT(!fake_spjs_event("{\"ev\":\"ended\""));
	TEST_EQUALS(sent, fake_spjs.nsent);

	/* not busy: the next restart asks for an offer again */
	err = call_restart(6, call);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"id\":6,\"err\":null}"));
	ev = fake_spjs_event("{\"ev\":\"media.need\"");
	TEST_ASSERT(ev && strstr(ev, "\"iceRestart\":true"));
	err = media(7, call,
		    "chrome120-audio-offer-relay-coturn-loopback.sdp");
	TEST_ERR(err);
	TEST_ASSERT(!strncmp(fake_spjs_sent(fake_spjs.nsent - 1),
			     "INVITE ", 7));

 out:
	return err;
}


/* RFC 5627: a call's Contact is the pub-gruu the registrar gave this
 * phone's instance.  The 2xx lists every binding of the AOR (another
 * phone of alice's first): ours is the one with our +sip.instance.  A
 * pub-gruu that could break out of the Contact's < > is not taken. */
int test_call_gruu_contact(void)
{
	const char *ev, *inst;
	struct sip_msg *msg = NULL;
	char instance[37], buf[640];
	int call = 0, err;

	err = phone_reachable();
	TEST_ERR(err);
	ev = fake_spjs_event("{\"id\":1,\"err\":null,\"phone\":1,");
	inst = ev ? strstr(ev, "\"instanceId\":\"") : NULL;
	TEST_ASSERT(inst);
	str_ncpy(instance, inst + 14, sizeof(instance));

	(void)re_snprintf(buf, sizeof(buf),
		"Contact: <sip:alice@other.invalid;transport=ws;ob>;"
		"expires=300;+sip.instance=\"<urn:uuid:00000000-0000-4000-"
		"8000-000000000000>\";pub-gruu=\"sip:alice@example.com;gr="
		"urn:uuid:00000000-0000-4000-8000-000000000000\"\r\n"
		"Contact: <sip:alice@x.invalid;transport=ws;ob>;expires=300;"
		"+sip.instance=\"<urn:uuid:%s>\";pub-gruu=\"sip:alice@"
		"example.com;gr=urn:uuid:%s\"\r\n", instance, instance);
	err = respond_with(200, "OK", NULL, buf);
	TEST_ERR(err);
	TEST_ASSERT(fake_spjs_event("{\"ev\":\"registered\""));

	err = call_new(&call, "\"iceTransportPolicy\":\"all\"");
	TEST_ERR(err);
	err = media(3, call, "chrome-audio-offer-host-ipv6-tcp.aiortc.sdp");
	TEST_ERR(err);
	err = sent_decode(&msg, fake_spjs.nsent - 1);
	TEST_ERR(err);
	(void)re_snprintf(buf, sizeof(buf), "<sip:alice@example.com;gr=urn:"
			  "uuid:%s>", instance);
	TEST_ASSERT(!pl_strcmp(&sip_msg_hdr(msg, SIP_HDR_CONTACT)->val, buf));

 out:
	mem_deref(msg);
	return err;
}
