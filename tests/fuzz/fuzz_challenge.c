/**
 * @file fuzz_challenge.c  libFuzzer: hostile 401/407 challenges
 *
 * The input is used as the header block of a 401 response; the digest
 * module parses every WWW-/Proxy-Authenticate in it, picks one per realm
 * and formats the answer, exactly as for a REGISTER.
 */
#include <re.h>
#include <sip.h>
#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct auth_creds *creds = NULL;
	struct sip_auth *auth = NULL;
	struct sip_msg *msg = NULL;
	struct mbuf *mb = NULL, *out = NULL;

	if (size > 16384)
		return 0;

	mb  = mbuf_alloc(size + 256);
	out = mbuf_alloc(1024);
	if (!mb || !out)
		goto out;

	(void)mbuf_printf(mb, "SIP/2.0 401 Unauthorized\r\n"
			  "Via: SIP/2.0/WSS x.invalid;branch=z9hG4bK1\r\n"
			  "From: <sip:a@example.com>;tag=1\r\n"
			  "To: <sip:a@example.com>;tag=2\r\n"
			  "Call-ID: c1\r\nCSeq: 1 REGISTER\r\n");
	(void)mbuf_write_mem(mb, data, size);
	(void)mbuf_printf(mb, "\r\nContent-Length: 0\r\n\r\n");
	mb->pos = 0;

	if (sip_msg_decode(&msg, mb))
		goto out;

	if (auth_creds_alloc(&creds, "alice"))
		goto out;
	(void)auth_creds_set_password(creds, "secret");
	if (size && (data[0] & 1))
		(void)auth_creds_set_realm(creds, "example.com");
	if (size && (data[0] & 2))
		auth_creds_set_min_alg(creds, AUTH_ALG_SHA256);

	if (sip_auth_alloc(&auth, auth_creds_h, creds, false))
		goto out;

	if (!sip_auth_authenticate(auth, msg)) {
		(void)sip_auth_encode(out, auth, "REGISTER",
				      "sip:example.com");
		/* a second, identical challenge: must not loop or crash */
		(void)sip_auth_authenticate(auth, msg);
	}

 out:
	mem_deref(auth);
	mem_deref(creds);
	mem_deref(msg);
	mem_deref(mb);
	mem_deref(out);

	return 0;
}
