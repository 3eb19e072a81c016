/**
 * @file scan.c  The step-list scanner of the fastparse files
 *
 * One pass of fastparse_match() per start offset does what re_regex does
 * for the same expression, without parsing the expression again at each
 * offset and with a table lookup per octet instead of a range search.
 */
#include <string.h>
#include <re.h>
#include "fastparse.h"


static const uint8_t cls[256] = {
	[' ']  = FP_C_SP,
	['\t'] = FP_C_CTL, ['\r'] = FP_C_CTL, ['\n'] = FP_C_CTL,
	[';']  = FP_C_SEMI, [':'] = FP_C_COLON, ['@'] = FP_C_AT,
	['?']  = FP_C_QM, ['/'] = FP_C_SLASH, ['<'] = FP_C_LT,
	['>']  = FP_C_GT, ['='] = FP_C_EQ, ['&'] = FP_C_AMP,
	['0' ... '9'] = FP_C_DIGIT,
	['a' ... 'f'] = FP_C_HEX, ['A' ... 'F'] = FP_C_HEX,
	['g' ... 'z'] = FP_C_LETTER, ['G' ... 'Z'] = FP_C_LETTER,
};


/* The class mask bit of an octet (bit 0, in no mask, if in no class);
 * a macro, as -Oz would call a function for every octet */
#define cl(c) (1u << cls[(uint8_t)(c)])


/* The end of a class run from p: flags and mask as in FP_CLASS */
static const char *run(const char *p, const char *e, unsigned flags,
		       unsigned mask)
{
	bool quote = false;

	/* first step: an attempt starts on an octet */
	if (flags & FP_ONE)
		return p + !!(cl(*p) & mask);

	for (; p < e; ++p) {

		if ((flags & FP_QUOTE) == FP_QUOTE) {

			if (*p == '\\') {
				if (++p == e)
					break;
				continue;
			}
			if (*p == '"')
				quote = !quote;
			if (*p == '"' || quote)
				continue;
		}

		if (!!(cl(*p) & mask) == (flags & FP_NOT))
			break;
	}

	return p;
}


/**
 * Search a string with a step list, as re_regex does with the expression
 * the list is written from
 *
 * @param pl    String to search
 * @param steps Step list (see fastparse.h)
 * @param name  Text of FP_NAME steps (may be NULL if there are none)
 * @param base  Struct that FP_OUT slices are stored in
 * @param loc   Array that FP_LOC slices are stored in
 *
 * @return 0 on a match, ENOENT if none, EINVAL if pl has no pointer
 */
int fastparse_match(const struct pl *pl, const uint8_t *steps,
		    const struct pl *name, void *base, struct pl *loc)
{
	const char *s, *p, *q, *e, *t, *te, *lp, *lq;
	const uint8_t *op;
	struct pl *out;
	unsigned c;

	if (!pl->p)
		return EINVAL;

	e = pl->p + pl->l;

	for (s = pl->p; s < e; ++s) {

		p = s;
		for (op = steps; (c = *op++); ) {

			if (c == FP_LWS) {
				p = run(p, e, 0, FP_WS);
				continue;
			}

			if (c < 0x80) {
				t  = (const char *)op - 1;
				te = (const char *)op;
				if (c == FP_NAME) {
					t  = name->p;
					te = t + name->l;
				}
				for (; t < te; ++t, ++p) {
					if (p == e)
						return ENOENT;
					c = *p ^ *t;
					if (c && (c != 0x20 ||
						  !(cl(*p) & FP_ALPHA)))
						goto next;
				}
				continue;
			}

			q  = run(p, e, c, op[0] | op[1] << 8);
			lp = p;
			lq = q;
			if ((c & FP_QUOTE) == FP_QUOTE && q - p > 1 &&
			    *p == '"' && q[-1] == '"') {
				++lp;
				--lq;
			}
			if ((c & FP_PLUS) && lq == lp)
				goto next;

			c = op[2];
			if (c != FP_SKIP) {
				char *o = c & 0x80 ? (char *)loc :
					(char *)base;

				out = (void *)(o + (c & 0x7f) *
					       sizeof(void *));
				out->p = lp;
				out->l = lq - lp;
			}

			op += 3;
			p = q;
		}

		return 0;
	next:
		;
	}

	return ENOENT;
}
