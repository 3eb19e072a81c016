/**
 * @file fastparse/param.c  SIP parameter decode without re_regex
 *
 * Replaces libre 1.1.0 src/msg/param.c with the same API and results.
 * The name is a case-insensitive literal in libre's expressions:
 *
 *   msg_param_decode  ;[ \t\r\n]*NAME[ \t\r\n]*=[ \t\r\n]*[~ \t\r\n;]+
 *   msg_param_exists  ;[ \t\r\n]*NAME[ \t\r\n;=]*
 *
 * The value is quote-aware and loses one pair of enclosing quotes (an
 * empty quoted value does not match there).  msg_param_exists takes the
 * first match only: for ";rportx;rport" "rport" is ENOENT.  The name is
 * always literal text (in libre '[' and '\' in it are regex syntax, and
 * a name too long for its expression buffer is cut short).
 */
#include <string.h>
#include <re.h>
#include "fastparse.h"


static const uint8_t decode[] = {
	';', FP_LWS, FP_NAME, FP_LWS, '=', FP_LWS,
	FP_CLASS(FP_QUOTE | FP_PLUS, FP_WS | FP_SEMI, FP_LOC(0)), 0
};

static const uint8_t exists[] = {
	';', FP_CLASS(0, FP_WS, FP_LOC(0)), FP_NAME,
	FP_CLASS(0, FP_WS | FP_SEMI | FP_EQ, FP_LOC(1)), 0
};


/**
 * Check if a parameter exists
 *
 * @param pl   Pointer-length string
 * @param name Parameter name
 * @param val  Returned parameter value
 *
 * @return 0 for success, otherwise errorcode
 */
int msg_param_exists(const struct pl *pl, const char *name, struct pl *val)
{
	struct pl n, v[2];

	if (!pl || !name || !val)
		return EINVAL;

	pl_set_str(&n, name);

	if (fastparse_match(pl, exists, &n, NULL, v))
		return ENOENT;

	/* a longer name is not this one */
	if (!v[1].l && v[1].p < pl->p + pl->l)
		return ENOENT;

	val->p = v[0].p - 1;
	val->l = v[1].p - val->p;

	return 0;
}


/**
 * Decode a Parameter
 *
 * @param pl   Pointer-length string
 * @param name Parameter name
 * @param val  Returned parameter value
 *
 * @return 0 for success, otherwise errorcode
 */
int msg_param_decode(const struct pl *pl, const char *name, struct pl *val)
{
	struct pl n;

	if (!pl || !name || !val)
		return EINVAL;

	pl_set_str(&n, name);

	return fastparse_match(pl, decode, &n, NULL, val) ? ENOENT : 0;
}
