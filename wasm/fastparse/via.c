/**
 * @file fastparse/via.c  SIP Via decode without re_regex
 *
 * Replaces libre 1.1.0 src/sip/via.c with the same API and results:
 * "SIP[ \t\r\n]*\/[ \t\r\n]*2.0[ \t\r\n]*\/[ \t\r\n]*[A-Z]+[ \t\r\n]*"
 * "[^; \t\r\n]+[ \t\r\n]*[^]*" searched from every offset, letters in
 * any case.  Only "TCP", "TLS" and "UDP" (upper case) name a transport;
 * anything else (WS, WSS, SCTP, udp) is SIP_TRANSP_NONE.  The sent-by is
 * split as a URI host-port; a branch parameter is required (ENOENT).
 */
#include <stddef.h>
#include <re.h>
#include "fastparse.h"


static const uint8_t via_steps[] = {
	'S', 'I', 'P', FP_LWS, '/', FP_LWS, '2', '.', '0', FP_LWS, '/',
	FP_LWS, FP_CLASS(FP_PLUS, FP_ALPHA, FP_LOC(0)), FP_LWS,
	FP_CLASS(FP_NOT | FP_PLUS, FP_WS | FP_SEMI,
		 FP_OUT(struct sip_via, sentby)),
	FP_LWS, FP_CLASS(FP_NOT, 0, FP_OUT(struct sip_via, params)), 0
};


/**
 * Decode a pointer-length string into a SIP Via header
 *
 * @param via SIP Via header
 * @param pl  Pointer-length string
 *
 * @return 0 for success, otherwise errorcode
 */
int sip_via_decode(struct sip_via *via, const struct pl *pl)
{
	struct pl transp, host, port;
	int err;

	if (!via || !pl)
		return EINVAL;

	err = fastparse_match(pl, via_steps, NULL, via, &transp);
	if (err)
		return err;

	if (!pl_strcmp(&transp, "TCP"))
		via->tp = SIP_TRANSP_TCP;
	else if (!pl_strcmp(&transp, "TLS"))
		via->tp = SIP_TRANSP_TLS;
	else if (!pl_strcmp(&transp, "UDP"))
		via->tp = SIP_TRANSP_UDP;
	else
		via->tp = SIP_TRANSP_NONE;

	err = uri_decode_hostport(&via->sentby, &host, &port);
	if (err)
		return err;

	sa_init(&via->addr, AF_INET);

	(void)sa_set(&via->addr, &host, 0);

	if (pl_isset(&port))
		sa_set_port(&via->addr, pl_u32(&port));

	via->val = *pl;

	return msg_param_decode(&via->params, "branch", &via->branch);
}
