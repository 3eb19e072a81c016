/**
 * @file fastparse/ctype.c  Content-Type decode without re_regex
 *
 * Replaces libre 1.1.0 src/msg/ctype.c with the same API and results:
 * "[ \t\r\n]*[^ \t\r\n;/]+[ \t\r\n]*\/[ \t\r\n]*[^ \t\r\n;]+[^]*", which
 * must match at offset 0.  On a failure the fields hold what libre's
 * search last stored in them.
 */
#include <stddef.h>
#include <re.h>
#include "fastparse.h"


static const uint8_t ctype_steps[] = {
	FP_CLASS(0, FP_WS, FP_LOC(0)),
	FP_CLASS(FP_NOT | FP_PLUS, FP_WS | FP_SEMI | FP_SLASH,
		 FP_OUT(struct msg_ctype, type)),
	FP_LWS, '/', FP_LWS,
	FP_CLASS(FP_NOT | FP_PLUS, FP_WS | FP_SEMI,
		 FP_OUT(struct msg_ctype, subtype)),
	FP_CLASS(FP_NOT, 0, FP_OUT(struct msg_ctype, params)), 0
};


/**
 * Decode a pointer-length string into Content-Type header
 *
 * @param ctype Content-Type header
 * @param pl    Pointer-length string
 *
 * @return 0 for success, otherwise errorcode
 */
int msg_ctype_decode(struct msg_ctype *ctype, const struct pl *pl)
{
	struct pl ws;

	if (!ctype || !pl)
		return EINVAL;

	if (fastparse_match(pl, ctype_steps, NULL, ctype, &ws) ||
	    ws.p != pl->p)
		return EBADMSG;

	return 0;
}


/**
 * Compare Content-Type
 *
 * @param ctype   Content-Type header
 * @param type    Media type
 * @param subtype Media sub-type
 *
 * @return true if match, false if no match
 */
bool msg_ctype_cmp(const struct msg_ctype *ctype,
		   const char *type, const char *subtype)
{
	if (!ctype || !type || !subtype)
		return false;

	return !pl_strcasecmp(&ctype->type, type) &&
		!pl_strcasecmp(&ctype->subtype, subtype);
}
