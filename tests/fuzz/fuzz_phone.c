/**
 * @file fuzz_phone.c  libFuzzer: a hostile server talking to a phone
 *
 * A phone with its flow open (a REGISTER sent) gets the input as
 * WebSocket frames (split at NUL octets): requests and responses that
 * reach the SIP stack, calls (INVITE, re-INVITE, CANCEL, BYE, INFO, ACK),
 * MESSAGE, OPTIONS, with every SDP through the policy.  One outgoing call
 * is under way too, so responses can match it.  Then the timers run and
 * the phone closes: nothing may crash, leak or hang.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "spjs.h"
#include "abi.h"
#include "../c/test.h"  /* fake_spjs: what the core sent and emitted */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An offer as the shim sends it (a JSON string value: CRLF escaped) */
static const char offer[] =
	"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n"
	"a=group:BUNDLE 0\\r\\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\nc=IN IP4 0.0.0.0\\r\\n"
	"a=mid:0\\r\\na=ice-ufrag:abcd\\r\\n"
	"a=ice-pwd:abcdefghijklmnopqrstuvwx\\r\\n"
	"a=fingerprint:sha-256 "
	"6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:"
	"DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC\\r\\n"
	"a=setup:actpass\\r\\na=rtcp-mux\\r\\na=sendrecv\\r\\n"
	"a=rtpmap:111 opus/48000/2\\r\\n"
	"a=candidate:1 1 udp 2122262783 abc.local 45076 typ host\\r\\n";


static void cmd(const char *json)
{
	(void)sp_cmd(json, strlen(json));
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char media[1024];
	const char *ev;
	size_t i, start = 0, bytes;
	int conn, call = 0, t;

	if (size > 65536)
		return 0;

	fake_spjs_reset();
	if (sp_init(0, 0))
		return 0;

	cmd("{\"v\":1,\"id\":1,\"cmd\":\"phone.new\",\"config\":{"
	    "\"server\":\"wss://sip.example.com/ws\","
	    "\"uri\":\"sip:alice@example.com\",\"password\":\"pw\"}}");
	cmd("{\"v\":1,\"id\":2,\"cmd\":\"phone.register\",\"phone\":1}");
	cmd("{\"v\":1,\"id\":3,\"cmd\":\"call.new\",\"phone\":1,"
	    "\"target\":\"bob\"}");
	ev = fake_spjs_event("{\"id\":3,\"err\":null,\"call\":");
	if (ev)
		call = atoi(ev + strlen("{\"id\":3,\"err\":null,\"call\":"));

	/* "\\r\\n" (4 characters) is 2 octets once decoded */
	bytes = strlen(offer);
	for (i = 0; offer[i]; ++i)
		bytes -= offer[i] == '\\' ? 1 : 0;
	(void)re_snprintf(media, sizeof(media), "{\"v\":1,\"id\":4,"
			  "\"cmd\":\"call.media\",\"call\":%d,\"sdp\":\"%s\","
			  "\"bytes\":%zu}", call, offer, bytes);
	cmd(media);
	(void)sp_tick(0);

	conn = fake_spjs.last_conn;
	if (conn)
		(void)sp_ws_state(conn, 1, 0);
	(void)sp_tick(0);

	for (i = 0; i <= size; ++i) {
		if (i < size && data[i])
			continue;

		if (conn && i > start)
			(void)sp_ws_rx(conn, data + start, i - start);
		start = i + 1;

		for (t = 0; t < 4; ++t)
			(void)sp_tick(0);
	}

	cmd("{\"v\":1,\"id\":5,\"cmd\":\"phone.close\",\"phone\":1}");
	sp_close();

	return 0;
}
