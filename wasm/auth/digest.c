/**
 * @file digest.c  Digest challenge parser and response computation
 *
 * RFC 7616 3.3 (challenge), 3.4 (response), RFC 8760 (algorithms in
 * SIP), RFC 2617 3.2.2.1 and RFC 2069 (no qop).  Syntax: RFC 7235 2.1
 * auth-param, RFC 7230 3.2.6 token and quoted-string.
 *
 * The parser is strict where sloppiness is dangerous (control characters,
 * unterminated or over-long values, repeated parameters make the whole
 * challenge malformed) and lenient where servers differ harmlessly (LWS
 * around "=", parameter order and case, quoted algorithm, unquoted qop).
 */
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "auth.h"
#include "priv.h"


#define DEBUG_MODULE "auth"
#include <re_dbg.h>


enum {
	CHALL_MAX  = 4096,  /* bytes of one challenge header value */
	PARAMS_MAX = 32,    /* auth-params in one challenge         */
};

enum param {
	P_REALM     = 1 << 0,
	P_NONCE     = 1 << 1,
	P_OPAQUE    = 1 << 2,
	P_ALGORITHM = 1 << 3,
	P_QOP       = 1 << 4,
	P_STALE     = 1 << 5,
	P_DOMAIN    = 1 << 6,
	P_CHARSET   = 1 << 7,
	P_USERHASH  = 1 << 8,
};


static const char *alg_names[AUTH_ALG_COUNT] = {
	"MD5", "SHA-256", "SHA-512-256"
};


static bool is_ctl(uint8_t c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}


static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/* RFC 7230 3.2.6 tchar */
static bool is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;

	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}


static void skip_lws(struct pl *s)
{
	while (s->l && is_lws(*s->p))
		pl_advance(s, 1);
}


static int read_token(struct pl *tok, struct pl *s)
{
	tok->p = s->p;
	tok->l = 0;

	while (s->l && is_tchar(*s->p)) {
		pl_advance(s, 1);
		++tok->l;
	}

	return tok->l ? 0 : EBADMSG;
}


/* s starts at DQUOTE; val gets the content with its quoted-pairs */
static int read_quoted(struct pl *val, struct pl *s)
{
	pl_advance(s, 1);
	val->p = s->p;
	val->l = 0;

	while (s->l) {
		const uint8_t c = *s->p;

		if (c == '"') {
			pl_advance(s, 1);
			return 0;
		}

		if (c == '\\') {
			if (s->l < 2 || is_ctl(s->p[1]))
				return EBADMSG;

			pl_advance(s, 2);
			val->l += 2;
			continue;
		}

		if (is_ctl(c))
			return EBADMSG;

		pl_advance(s, 1);
		++val->l;
	}

	return EBADMSG;
}


static int alg_decode(enum auth_alg *algp, bool *sessp, const struct pl *pl)
{
	static const struct pl sess = PL("-sess");
	struct pl name = *pl;
	int i;

	*sessp = false;

	if (name.l > sess.l &&
	    !pl_strcasecmp(&(struct pl){name.p + name.l - sess.l, sess.l},
			   "-sess")) {
		name.l -= sess.l;
		*sessp = true;
	}

	for (i = 0; i < AUTH_ALG_COUNT; ++i) {
		if (!pl_strcasecmp(&name, alg_names[i])) {
			*algp = (enum auth_alg)i;
			return 0;
		}
	}

	return ENOSYS;
}


/* RFC 7616 3.3: qop is a quoted list; some servers send a bare token */
static void qop_decode(struct auth_chall *ch, const struct pl *val)
{
	struct pl s = *val;

	while (s.l) {
		struct pl item;

		skip_lws(&s);
		item.p = s.p;
		item.l = 0;

		while (s.l && *s.p != ',') {
			pl_advance(&s, 1);
			++item.l;
		}

		while (item.l && is_lws(item.p[item.l - 1]))
			--item.l;

		if (!pl_strcasecmp(&item, "auth"))
			ch->qop_auth = true;
		else if (!pl_strcasecmp(&item, "auth-int"))
			ch->qop_auth_int = true;

		if (s.l)
			pl_advance(&s, 1);
	}
}


static int param_set(struct auth_chall *ch, unsigned *seen,
		     const struct pl *name, const struct pl *val)
{
	static const struct {
		const char *name;
		enum param p;
	} params[] = {
		{"realm",     P_REALM},
		{"nonce",     P_NONCE},
		{"opaque",    P_OPAQUE},
		{"algorithm", P_ALGORITHM},
		{"qop",       P_QOP},
		{"stale",     P_STALE},
		{"domain",    P_DOMAIN},
		{"charset",   P_CHARSET},
		{"userhash",  P_USERHASH},
	};
	enum param p = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(params); ++i) {
		if (!pl_strcasecmp(name, params[i].name)) {
			p = params[i].p;
			break;
		}
	}

	if (!p)
		return 0;

	/* RFC 7235 2.1: each parameter name only once per challenge */
	if (*seen & p)
		return EBADMSG;

	*seen |= p;

	switch (p) {

	case P_REALM:
		ch->realm = *val;
		break;

	case P_NONCE:
		ch->nonce = *val;
		break;

	case P_OPAQUE:
		ch->opaque = *val;
		ch->has_opaque = true;
		break;

	case P_ALGORITHM:
		ch->algorithm = *val;
		break;

	case P_QOP:
		ch->qop = true;
		qop_decode(ch, val);
		break;

	case P_STALE:
		ch->stale = !pl_strcasecmp(val, "true");
		break;

	default:
		/* domain, charset: not used by a SIP UA; userhash: RFC 7616
		 * 3.4.4 lets the client choose, we answer without it */
		break;
	}

	return 0;
}


/**
 * Decode one WWW-Authenticate or Proxy-Authenticate value (RFC 7616 3.3)
 *
 * @param ch  Decoded challenge (slices of val)
 * @param val Header value
 *
 * @return 0 if success, EBADMSG if malformed, ENOTSUP if not Digest,
 *         ENOSYS if the algorithm is unknown
 */
int auth_chall_decode(struct auth_chall *ch, const struct pl *val)
{
	unsigned seen = 0, nparams = 0;
	struct pl s, name;
	int err;

	if (!ch || !val)
		return EINVAL;

	memset(ch, 0, sizeof(*ch));

	if (!val->p || val->l > CHALL_MAX)
		return EBADMSG;

	s = *val;
	skip_lws(&s);

	if (read_token(&name, &s))
		return EBADMSG;

	if (pl_strcasecmp(&name, "Digest"))
		return ENOTSUP;

	if (!s.l || !is_lws(*s.p))
		return EBADMSG;

	for (;;) {
		struct pl v;

		skip_lws(&s);
		while (s.l && *s.p == ',') {
			pl_advance(&s, 1);
			skip_lws(&s);
		}

		if (!s.l)
			break;

		if (++nparams > PARAMS_MAX)
			return EBADMSG;

		if (read_token(&name, &s))
			return EBADMSG;

		skip_lws(&s);
		if (!s.l || *s.p != '=')
			return EBADMSG;

		pl_advance(&s, 1);
		skip_lws(&s);

		if (s.l && *s.p == '"')
			err = read_quoted(&v, &s);
		else
			err = read_token(&v, &s);
		if (err)
			return err;

		if (v.l > AUTH_VALUE_MAX)
			return EBADMSG;

		skip_lws(&s);
		if (s.l && *s.p != ',')
			return EBADMSG;

		err = param_set(ch, &seen, &name, &v);
		if (err)
			return err;
	}

	if (!(seen & P_REALM) || !(seen & P_NONCE) || !ch->nonce.l)
		return EBADMSG;

	/* RFC 7616 3.3: no algorithm means MD5 */
	if (seen & P_ALGORITHM) {
		err = alg_decode(&ch->alg, &ch->sess, &ch->algorithm);
		if (err)
			return err;
	}
	else {
		ch->alg = AUTH_ALG_MD5;
	}

	return 0;
}


/**
 * Copy a quoted-string content (or token) without its quoted-pairs
 *
 * @param strp Allocated NUL-terminated string
 * @param pl   Content as decoded by auth_chall_decode()
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_unquote(char **strp, const struct pl *pl)
{
	char *str;
	size_t i, n = 0;

	if (!strp || !pl)
		return EINVAL;

	str = mem_alloc(pl->l + 1, NULL);
	if (!str)
		return ENOMEM;

	for (i = 0; i < pl->l; ++i) {
		if (pl->p[i] == '\\' && i + 1 < pl->l)
			++i;

		str[n++] = pl->p[i];
	}

	str[n] = '\0';
	*strp = str;

	return 0;
}


/**
 * Decode an algorithm name (RFC 7616 3.3, without "-sess")
 *
 * @param algp Algorithm
 * @param name "MD5", "SHA-256" or "SHA-512-256" (any case)
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_alg_decode(enum auth_alg *algp, const char *name)
{
	struct pl pl;
	bool sess;
	int err;

	if (!algp || !name)
		return EINVAL;

	pl_set_str(&pl, name);

	err = alg_decode(algp, &sess, &pl);
	if (err || sess)
		return EINVAL;

	return 0;
}


/**
 * Get the RFC 7616 name of an algorithm
 *
 * @param alg Algorithm
 *
 * @return Name, or "?" if unknown
 */
const char *auth_alg_name(enum auth_alg alg)
{
	if ((unsigned)alg >= AUTH_ALG_COUNT)
		return "?";

	return alg_names[alg];
}


static int alg_hash(enum crypto_hash *hp, enum auth_alg alg)
{
	switch (alg) {

	case AUTH_ALG_MD5:        *hp = CRYPTO_HASH_MD5;        return 0;
	case AUTH_ALG_SHA256:     *hp = CRYPTO_HASH_SHA256;     return 0;
	case AUTH_ALG_SHA512_256: *hp = CRYPTO_HASH_SHA512_256; return 0;
	default:                  return EINVAL;
	}
}


/**
 * Get the length of an algorithm's digest in hex digits
 *
 * @param alg Algorithm
 *
 * @return Number of hex digits, 0 if unknown
 */
size_t auth_alg_hexlen(enum auth_alg alg)
{
	enum crypto_hash h;

	if (alg_hash(&h, alg))
		return 0;

	return 2 * crypto_hash_size(h);
}


static void hex_encode(char *hex, const uint8_t *md, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; ++i) {
		hex[2 * i]     = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}

	hex[2 * n] = '\0';
}


/**
 * Compute HA1 = H(username ":" realm ":" password) (RFC 7616 3.4.2)
 *
 * @param ha1      Lowercase hex, AUTH_HEX_SIZE bytes
 * @param alg      Algorithm
 * @param user     Username
 * @param realm    Realm (unquoted)
 * @param password Password
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_digest_ha1(char *ha1, enum auth_alg alg, const char *user,
		    const char *realm, const char *password)
{
	uint8_t md[CRYPTO_HASH_MAX_SIZE];
	enum crypto_hash h;
	int err;

	if (!ha1 || !user || !realm || !password)
		return EINVAL;

	err = alg_hash(&h, alg);
	if (err)
		return err;

	err = crypto_hash_printf(h, md, "%s:%s:%s", user, realm, password);
	if (err)
		goto out;

	hex_encode(ha1, md, crypto_hash_size(h));

 out:
	crypto_zeroize(md, sizeof(md));

	return err;
}


/**
 * Compute a digest response (RFC 7616 3.4.1; RFC 2069 without qop)
 *
 * @param resp Lowercase hex response, AUTH_HEX_SIZE bytes
 * @param dg   Inputs
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_digest_response(char *resp, const struct auth_digest *dg)
{
	uint8_t md[CRYPTO_HASH_MAX_SIZE];
	char ha1[AUTH_HEX_SIZE], ha2[AUTH_HEX_SIZE], hbody[AUTH_HEX_SIZE];
	const char *qop = NULL;
	enum crypto_hash h;
	size_t sz;
	int err;

	if (!resp || !dg || !dg->ha1 || !dg->nonce || !dg->method ||
	    !dg->uri)
		return EINVAL;

	err = alg_hash(&h, dg->alg);
	if (err)
		return err;

	sz = crypto_hash_size(h);

	if (dg->qop && !str_casecmp(dg->qop, "auth"))
		qop = "auth";
	else if (dg->qop && !str_casecmp(dg->qop, "auth-int"))
		qop = "auth-int";
	else if (dg->qop)
		return EINVAL;

	if ((qop || dg->sess) && !dg->cnonce)
		return EINVAL;

	if (strlen(dg->ha1) != 2 * sz || (dg->bodyl && !dg->body))
		return EINVAL;

	/* RFC 7616 3.4.2: -sess keys A1 with the nonce and cnonce */
	if (dg->sess) {
		err = crypto_hash_printf(h, md, "%s:%s:%s",
					 dg->ha1, dg->nonce, dg->cnonce);
		if (err)
			goto out;

		hex_encode(ha1, md, sz);
	}
	else {
		str_ncpy(ha1, dg->ha1, sizeof(ha1));
	}

	/* RFC 7616 3.4.3: A2, with H(entity-body) for auth-int */
	if (qop && !str_cmp(qop, "auth-int")) {
		err = crypto_hash(h, md, dg->body, dg->bodyl);
		if (err)
			goto out;

		hex_encode(hbody, md, sz);
		err = crypto_hash_printf(h, md, "%s:%s:%s",
					 dg->method, dg->uri, hbody);
	}
	else {
		err = crypto_hash_printf(h, md, "%s:%s", dg->method, dg->uri);
	}
	if (err)
		goto out;

	hex_encode(ha2, md, sz);

	if (qop)
		err = crypto_hash_printf(h, md, "%s:%s:%08x:%s:%s:%s",
					 ha1, dg->nonce, dg->nc, dg->cnonce,
					 qop, ha2);
	else
		err = crypto_hash_printf(h, md, "%s:%s:%s",
					 ha1, dg->nonce, ha2);
	if (err)
		goto out;

	hex_encode(resp, md, sz);

 out:
	crypto_zeroize(md, sizeof(md));
	crypto_zeroize(ha1, sizeof(ha1));

	return err;
}
