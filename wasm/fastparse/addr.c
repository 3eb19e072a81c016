/**
 * @file fastparse/addr.c  SIP address decode without re_regex
 *
 * Replaces libre 1.1.0 src/sip/addr.c with the same API and results.
 * A name-addr is "[~ \t\r\n<]*[ \t\r\n]*<[^>]+>[^]*" searched from every
 * offset: the display name is one quote-aware token right before the
 * '<' (of "Bob Smith <sip:b@x>" libre keeps "Smith"), without one pair
 * of enclosing quotes.  Else the addr-spec is "[^;]+[^]*".  Any failure
 * leaves the address zeroed.
 */
#include <stddef.h>
#include <string.h>
#include <re.h>
#include "fastparse.h"


static const uint8_t nameaddr[] = {
	FP_CLASS(FP_QUOTE, FP_WS | FP_LT, FP_OUT(struct sip_addr, dname)),
	FP_LWS, '<',
	FP_CLASS(FP_NOT | FP_PLUS, FP_GT, FP_OUT(struct sip_addr, auri)),
	'>', FP_CLASS(FP_NOT, 0, FP_OUT(struct sip_addr, params)), 0
};

static const uint8_t addrspec[] = {
	FP_CLASS(FP_NOT | FP_PLUS, FP_SEMI, FP_OUT(struct sip_addr, auri)),
	FP_CLASS(FP_NOT, 0, FP_OUT(struct sip_addr, params)), 0
};


/**
 * Decode a pointer-length string into a SIP Address object
 *
 * @param addr SIP Address object
 * @param pl   Pointer-length string
 *
 * @return 0 for success, otherwise errorcode
 */
int sip_addr_decode(struct sip_addr *addr, const struct pl *pl)
{
	int err;

	if (!addr || !pl)
		return EINVAL;

	memset(addr, 0, sizeof(*addr));

	if (0 == fastparse_match(pl, nameaddr, NULL, addr, NULL)) {

		if (!addr->dname.l)
			addr->dname.p = NULL;

		if (!addr->params.l)
			addr->params.p = NULL;
	}
	else {
		memset(addr, 0, sizeof(*addr));

		if (fastparse_match(pl, addrspec, NULL, addr, NULL))
			return EBADMSG;
	}

	err = uri_decode(&addr->uri, &addr->auri);
	if (err)
		memset(addr, 0, sizeof(*addr));

	return err;
}
