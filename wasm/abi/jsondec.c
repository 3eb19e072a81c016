/**
 * @file jsondec.c  JSON commands in: RFC 8259 text to a libre odict
 *
 * Replaces libre's json/decode.c for the commands sp_cmd() receives.
 * libre's decoder computes numbers in 128-bit long double (software
 * floating point in wasm, about 2 KB gzip) and prints debug text with
 * stdio; the commands need neither.  The result is the same odict:
 * objects and arrays (keys "0", "1", ...), strings, integers, doubles,
 * booleans and null.  Stricter than libre's: the top level must be an
 * object, a key may not repeat, an object or array holds at most 256
 * values, and nothing may follow the object.
 *
 * A number with a fraction or an exponent becomes an ODICT_DOUBLE,
 * approximately (the core compares numbers, it never computes with
 * fractions), clamped to the int64 range so that every conversion to
 * an integer is defined.  \u0000 gives a NUL byte, which ends the C
 * string (sdp.check detects it through the UTF-8 length JS sends); a lone
 * surrogate gives U+FFFD, as JS's TextEncoder does.
 */
#include <string.h>
#include <re.h>
#include "abi.h"
#include "crypto.h"


/*
 * Values in an object or array at most (a command has a few dozen): each
 * key is looked for among those before it, in a list (wasm/abi/odict.c),
 * so a command's work grows with its length times this, not its square
 */
enum { MEMBERS_MAX = 256 };


struct jdec {
	const char *p;      /**< Next character          */
	const char *end;    /**< End of the text         */
	char *top;          /**< Free scratch space      */
	unsigned depth;     /**< Nesting levels left     */
};


static int value_add(struct jdec *d, struct odict *o, const char *key);


static void skip_ws(struct jdec *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\t' ||
				 *d->p == '\n' || *d->p == '\r'))
		++d->p;
}


/* Consume character c (after white space); false if it is not next */
static bool eat(struct jdec *d, char c)
{
	skip_ws(d);

	if (d->p == d->end || *d->p != c)
		return false;

	++d->p;

	return true;
}


static int hex4(struct jdec *d, uint32_t *v)
{
	int i;

	if (d->end - d->p < 4)
		return EBADMSG;

	*v = 0;
	for (i = 0; i < 4; ++i) {
		char c = *d->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			*v |= (uint32_t)((c | 0x20) - 'a' + 10);
		else
			return EBADMSG;
	}

	return 0;
}


/* After "\u": one code point, a surrogate pair joined */
static int escape_u(struct jdec *d, uint32_t *cp)
{
	const char *save;
	uint32_t lo;

	if (hex4(d, cp))
		return EBADMSG;

	if (*cp < 0xd800 || *cp > 0xdfff)
		return 0;

	save = d->p;
	if (*cp <= 0xdbff && d->end - d->p >= 6 && d->p[0] == '\\' &&
	    d->p[1] == 'u') {
		d->p += 2;
		if (hex4(d, &lo))
			return EBADMSG;

		if (lo >= 0xdc00 && lo <= 0xdfff) {
			*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
			return 0;
		}

		d->p = save;  /* not a pair: the next escape stands alone */
	}

	*cp = 0xfffd;

	return 0;
}


static char *put_utf8(char *w, uint32_t cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	}
	else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}

	return w;
}


/*
 * A string (the opening quote consumed), unescaped into the scratch space
 * as a C string.  Never longer than its JSON text, so the scratch space
 * (the text's length + 1) always holds it.
 */
static int string(struct jdec *d, char **strp)
{
	char *w = d->top;
	uint32_t cp;

	for (;;) {
		char c;

		if (d->p == d->end)
			return EBADMSG;

		c = *d->p++;
		if (c == '"')
			break;

		if ((unsigned char)c < 0x20)
			return EBADMSG;

		if (c != '\\') {
			*w++ = c;
			continue;
		}

		if (d->p == d->end)
			return EBADMSG;

		switch (*d->p++) {

		case '"':  *w++ = '"';  break;
		case '\\': *w++ = '\\'; break;
		case '/':  *w++ = '/';  break;
		case 'b':  *w++ = '\b'; break;
		case 'f':  *w++ = '\f'; break;
		case 'n':  *w++ = '\n'; break;
		case 'r':  *w++ = '\r'; break;
		case 't':  *w++ = '\t'; break;
		case 'u':
			if (escape_u(d, &cp))
				return EBADMSG;

			w = put_utf8(w, cp);
			break;

		default:
			return EBADMSG;
		}
	}

	*w++ = '\0';
	*strp = d->top;
	d->top = w;

	return 0;
}


static bool digit(const struct jdec *d)
{
	return d->p < d->end && *d->p >= '0' && *d->p <= '9';
}


/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct jdec *d, struct odict *o, const char *key)
{
	const double limit = 9223372036854774784.0;  /* < 2^63 */
	bool neg = false, exact = true;
	uint64_t u = 0;
	double v = 0;
	int exp = 0, e = 0, esign = 1;

	if (d->p < d->end && *d->p == '-') {
		neg = true;
		++d->p;
	}

	if (!digit(d))
		return EBADMSG;

	if (*d->p == '0') {
		++d->p;
	}
	else {
		while (digit(d)) {
			unsigned dg = (unsigned)(*d->p++ - '0');

			if (u > (UINT64_C(0x7fffffffffffffff) - dg) / 10)
				exact = false;
			else
				u = u * 10 + dg;

			v = v * 10 + dg;
		}
	}

	if (d->p < d->end && *d->p == '.') {
		++d->p;
		if (!digit(d))
			return EBADMSG;

		exact = false;
		while (digit(d)) {
			v = v * 10 + (*d->p++ - '0');
			--exp;
		}
	}

	if (d->p < d->end && (*d->p == 'e' || *d->p == 'E')) {
		++d->p;
		if (d->p < d->end && (*d->p == '+' || *d->p == '-'))
			esign = *d->p++ == '-' ? -1 : 1;

		if (!digit(d))
			return EBADMSG;

		exact = false;
		while (digit(d)) {
			if (e < 10000)
				e = e * 10 + (*d->p - '0');
			++d->p;
		}
	}

	if (exact)
		return odict_entry_add(o, key, ODICT_INT,
				       neg ? -(int64_t)u : (int64_t)u);

	for (exp += esign * e; exp > 0 && v < limit; --exp)
		v *= 10;
	for (; exp < 0 && v != 0; ++exp)
		v /= 10;

	if (v > limit)
		v = limit;

	return odict_entry_add(o, key, ODICT_DOUBLE, neg ? -v : v);
}


static bool literal(struct jdec *d, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n))
		return false;

	d->p += n;

	return true;
}


/* An object or array (the opening bracket consumed), members added */
static int container(struct jdec *d, struct odict **cp, bool array)
{
	const char close = array ? ']' : '}';
	struct odict *c;
	unsigned idx = 0;
	int err;

	if (!d->depth)
		return EOVERFLOW;

	err = odict_alloc(&c, 1);  /* a list (odict.c): no hash size */
	if (err)
		return err;

	--d->depth;

	if (!eat(d, close)) {
		do {
			char *save = d->top, *name, num[12];

			if (idx++ == MEMBERS_MAX) {
				err = EBADMSG;
				break;
			}

			if (array) {
				(void)re_snprintf(num, sizeof(num), "%u",
						  idx - 1);
				name = num;
			}
			else if (!eat(d, '"') || string(d, &name) ||
				 !eat(d, ':') || odict_lookup(c, name)) {
				err = EBADMSG;
				break;
			}

			err = value_add(d, c, name);
			d->top = save;
		} while (!err && eat(d, ','));

		if (!err && !eat(d, close))
			err = EBADMSG;
	}

	++d->depth;

	if (err)
		mem_deref(c);
	else
		*cp = c;

	return err;
}


/* One value, added to o under key */
static int value_add(struct jdec *d, struct odict *o, const char *key)
{
	struct odict *c;
	bool array, t;
	char *str;
	int err;

	skip_ws(d);

	if (d->p == d->end)
		return EBADMSG;

	switch (*d->p) {

	case '{':
	case '[':
		array = *d->p++ == '[';
		err = container(d, &c, array);
		if (err)
			return err;

		err = odict_entry_add(o, key, array ? ODICT_ARRAY :
				      ODICT_OBJECT, c);
		mem_deref(c);
		return err;

	case '"':
		++d->p;
		err = string(d, &str);

		return err ? err : odict_entry_add(o, key, ODICT_STRING, str);

	case 't':
	case 'f':
		t = *d->p == 't';
		return literal(d, t ? "true" : "false") ?
			odict_entry_add(o, key, ODICT_BOOL, t) : EBADMSG;

	case 'n':
		return literal(d, "null") ?
			odict_entry_add(o, key, ODICT_NULL) : EBADMSG;

	default:
		return number(d, o, key);
	}
}


/**
 * Decode a JSON object into an odict
 *
 * @param op       Returns the odict (the object's members)
 * @param str      JSON text
 * @param len      Length of @p str
 * @param maxdepth Deepest nesting of objects and arrays accepted
 *
 * @return 0 if success, EBADMSG if not a JSON object, EOVERFLOW if nested
 *         deeper than @p maxdepth, otherwise errorcode
 */
int abi_json_decode(struct odict **op, const char *str, size_t len,
		    unsigned maxdepth)
{
	struct odict *o = NULL;
	struct jdec d;
	char *scratch;
	int err;

	if (!op || !str)
		return EINVAL;

	/* the strings' plain text, zeroized after: it may hold a password */
	scratch = mem_alloc(len + 1, NULL);
	if (!scratch)
		return ENOMEM;

	d.p = str;
	d.end = str + len;
	d.top = scratch;
	d.depth = maxdepth;

	if (!eat(&d, '{'))
		err = EBADMSG;
	else
		err = container(&d, &o, false);

	skip_ws(&d);
	if (!err && d.p != d.end)
		err = EBADMSG;

	crypto_zeroize(scratch, len + 1);
	mem_deref(scratch);

	if (err)
		mem_deref(o);
	else
		*op = o;

	return err;
}
