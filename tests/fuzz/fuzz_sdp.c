/**
 * @file fuzz_sdp.c  libFuzzer: one SDP through the policy, both directions
 *
 * The input is a remote SDP (policy_sdp_remote) and the browser's own SDP
 * in each privacy mode (policy_sdp_local).  What the local rewrite lets
 * leave must itself pass the remote check, be stable under a second
 * rewrite, and carry no raw-IP host candidate (mdns, relay) nor a
 * non-relay candidate (relay); a violation aborts.  Seeds:
 * tests/vectors/sdp.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <re.h>
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* An IP address in text form, as glibc's inet_pton() reads it */
static bool is_ip(const struct pl *addr)
{
	uint8_t b[16];
	char s[64];

	if (!addr->l || addr->l >= sizeof(s))
		return false;

	(void)pl_strcpy(addr, s, sizeof(s));

	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
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


static void leak_check(const struct mbuf *mb, enum policy_privacy mode)
{
	struct pl rest = {(const char *)mb->buf, mb->end}, line;

	while (rest.l) {
		const char *nl = pl_strchr(&rest, '\n');
		struct pl v, addr, typ, head;

		line.p = rest.p;
		line.l = nl ? (size_t)(nl - rest.p) : rest.l;
		pl_advance(&rest, line.l + (nl ? 1 : 0));

		head.p = line.p;
		head.l = 12;
		if (line.l < 12 || pl_strcasecmp(&head, "a=candidate:"))
			continue;

		v.p = line.p + 12;
		v.l = line.l - 12;
		if (v.l && v.p[v.l - 1] == '\r')
			--v.l;

		if (!nth(&addr, &v, 4) || !nth(&typ, &v, 7))
			abort();

		if (!pl_strcasecmp(&typ, "host") && is_ip(&addr))
			abort();

		if (mode == POLICY_PRIVACY_RELAY &&
		    pl_strcasecmp(&typ, "relay"))
			abort();
	}
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_verdict v;
	struct mbuf *out = mbuf_alloc(size + 64);
	struct mbuf *again = mbuf_alloc(size + 64);
	int m;

	if (!out || !again)
		goto out;

	(void)policy_sdp_remote(&v, (const char *)data, size);

	for (m = POLICY_PRIVACY_MDNS; m <= POLICY_PRIVACY_OFF; ++m) {
		int err;

		mbuf_reset(out);
		mbuf_reset(again);

		err = policy_sdp_local(out, &v, (const char *)data, size,
				       (enum policy_privacy)m);
		if (err == ENOMEM)
			continue;

		if (err) {
			if (out->end || !v.reason)
				abort();
			continue;
		}

		if (v.reason || policy_sdp_remote(&v, (const char *)out->buf,
						  out->end))
			abort();

		if (m != POLICY_PRIVACY_OFF)
			leak_check(out, (enum policy_privacy)m);

		if (policy_sdp_local(again, &v, (const char *)out->buf,
				     out->end, (enum policy_privacy)m) ||
		    again->end != out->end ||
		    memcmp(again->buf, out->buf, out->end))
			abort();
	}

 out:
	mem_deref(again);
	mem_deref(out);

	return 0;
}
