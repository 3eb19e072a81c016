/**
 * @file sip_auth.c  SIP digest client: libre's sip_auth_* on RFC 7616/8760
 *
 * Replaces libre's src/sip/auth.c (MD5 only) with the same functions
 * (re_sip.h: sip_auth_alloc, sip_auth_reset, sip_auth_authenticate;
 * sip.h: sip_auth_encode) and the contract its callers rely on:
 *  - sip_auth_authenticate() reads every WWW-Authenticate and
 *    Proxy-Authenticate of a 401/407.  EAUTH means "give up": sipreg,
 *    sipsess and sipevent then report the 401/407 itself (err 0);
 *  - answered realms accumulate until sip_auth_reset(): sipsess never
 *    resets, so an INVITE that crossed two proxies carries both
 *    Proxy-Authorizations (RFC 3665 3.3);
 *  - a realm challenged again without stale=true after we answered it
 *    means our answer was refused: EAUTH, no retry;
 *  - sip_auth_reset() forgets the answers (sipreg: before a fresh
 *    REGISTER and, in libre's sipreg, before every authenticate, so the
 *    last answered realms are kept aside until the next request to still
 *    recognise a refused answer);
 *  - ref: the handler argument is mem_ref'd for the object's lifetime;
 *    no handler: every challenge is refused with EAUTH.
 *
 * Policy (DESIGN.md):
 *  - per realm only the strongest usable challenge is answered,
 *    SHA-512-256 > SHA-256 > MD5 with -sess equal to its base and the
 *    first in header order on a tie.  RFC 8760 has a UAC take the topmost
 *    supported one; taking the strongest means reordering the challenges
 *    cannot downgrade us.  Unknown algorithms are ignored;
 *  - qop=auth; auth-int (RFC 7616 3.4.3) only when it is the only qop
 *    offered and the request has no body: sip_auth_encode() runs before
 *    libre formats a body (sip/request.c), so only a bodiless request
 *    (REGISTER, BYE here: H(entity-body) of nothing) can be answered;
 *    otherwise AUTH_FAIL_QOP; no qop: the RFC 2069 response;
 *  - with auth_creds_h as handler: realm pinning, minimum algorithm, HA1
 *    instead of the password, failure reasons (auth.h).  Any other
 *    handler gives username and password per realm, as in libre;
 *  - stale=true (RFC 7616 3.3) is retried, but not for a nonce that came
 *    from a stale retry and was stale at its first use;
 *  - userhash (RFC 7616 3.4.4) is not supported: answers carry the plain
 *    username and no userhash parameter (i.e. false);
 *  - -sess: A1 is keyed with each request's cnonce (what stateless
 *    servers verify), not only the first one's;
 *  - bounded: AUTH_CHALL_MAX challenges per response (more: refused),
 *    AUTH_REALM_MAX realms, AUTH_ROUNDS_MAX challenges in a row;
 *  - the password, HA1 and responses are never logged; copies of HA1
 *    and password material are zeroized.
 */
#include <string.h>
#include <re.h>
#include "sip.h"
#include "crypto.h"
#include "auth.h"
#include "priv.h"


#define DEBUG_MODULE "auth"
#include <re_dbg.h>


enum {
	AUTH_CHALL_MAX  = 16,  /* challenges read from one response     */
	AUTH_REALM_MAX  = 8,   /* realms answered in one request        */
	AUTH_ROUNDS_MAX = 5,   /* challenges with at most one request   */
	CNONCE_SIZE     = 16,  /* random bytes of a cnonce              */
};

struct sip_auth {
	struct list realml;   /* struct realm: answered in each request  */
	struct list histl;    /* realml before sip_auth_reset()          */
	sip_auth_h *authh;
	void *arg;
	struct auth_creds *creds;
	bool credh;           /* authh is auth_creds_h: arg is creds     */
	bool ref;
	unsigned rounds;      /* challenges in a row                     */
	unsigned sent;        /* requests since the last one (up to 2)   */
};

struct realm {
	struct le le;
	enum sip_hdrid hdr;   /* of the challenge                        */
	char *realm;          /* unquoted                                */
	char *nonce;          /* unquoted                                */
	char *opaque;         /* unquoted, NULL if none                  */
	char *algorithm;      /* as the server wrote it, NULL if none    */
	char *user;
	char ha1[AUTH_HEX_SIZE];
	enum auth_alg alg;
	bool sess;
	bool qop;             /* qop=auth, else RFC 2069                 */
	bool qop_int;         /* qop=auth-int (bodiless request)         */
	bool stale;           /* the nonce came from a stale=true        */
	uint32_t nc;          /* next nonce-count                        */
	unsigned uses;        /* requests that carried this nonce        */
};

struct chall {
	struct auth_chall ch;
	enum sip_hdrid hdr;
	char *realm;          /* unquoted                                */
	bool done;            /* its realm has been handled              */
};

/* The challenges of one response */
struct collect {
	struct chall chv[AUTH_CHALL_MAX];
	size_t chc;
	bool overflow;
	enum auth_fail fail;  /* the weightiest reason not to answer     */
	bool bodiless;        /* the challenged request carries no body  */
	int err;
};


static int dummy_handler(char **user, char **pass, const char *rlm,
			 void *arg)
{
	(void)user;
	(void)pass;
	(void)rlm;
	(void)arg;

	return EAUTH;
}


static void realm_destructor(void *arg)
{
	struct realm *rl = arg;

	list_unlink(&rl->le);
	mem_deref(rl->realm);
	mem_deref(rl->nonce);
	mem_deref(rl->opaque);
	mem_deref(rl->algorithm);
	mem_deref(rl->user);
	crypto_zeroize(rl->ha1, sizeof(rl->ha1));
}


static void destructor(void *arg)
{
	struct sip_auth *auth = arg;

	list_flush(&auth->realml);
	list_flush(&auth->histl);

	if (auth->ref)
		mem_deref(auth->arg);
}


/* Which reason to report when several challenges were refused */
static void fail_note(enum auth_fail *failp, enum auth_fail fail)
{
	static const uint8_t weight[] = {
		[AUTH_FAIL_NONE]      = 0,
		[AUTH_FAIL_MALFORMED] = 1,
		[AUTH_FAIL_NOCREDS]   = 2,
		[AUTH_FAIL_QOP]       = 3,
		[AUTH_FAIL_ALGORITHM] = 4,
		[AUTH_FAIL_REALM]     = 5,
		[AUTH_FAIL_REJECTED]  = 6,
	};

	if ((unsigned)fail >= ARRAY_SIZE(weight))
		return;

	if (weight[fail] > weight[*failp])
		*failp = fail;
}


static bool hdr_handler(const struct sip_hdr *hdr, const struct sip_msg *msg,
			void *arg)
{
	struct collect *col = arg;
	struct chall *c;
	int err;
	(void)msg;

	if (col->chc >= AUTH_CHALL_MAX) {
		col->overflow = true;
		return true;
	}

	c = &col->chv[col->chc];

	err = auth_chall_decode(&c->ch, &hdr->val);
	if (err) {
		fail_note(&col->fail, err == ENOSYS ? AUTH_FAIL_ALGORITHM
			  : AUTH_FAIL_MALFORMED);
		return false;
	}

	err = auth_unquote(&c->realm, &c->ch.realm);
	if (err) {
		col->err = err;
		return true;
	}

	c->hdr = hdr->id;
	++col->chc;

	return false;
}


static struct realm *realm_find(const struct list *lst, enum sip_hdrid hdr,
				const char *realm)
{
	struct le *le;

	for (le = list_head(lst); le; le = le->next) {
		struct realm *rl = le->data;

		/* RFC 2617 1.2: the realm is case-sensitive */
		if (rl->hdr == hdr && !strcmp(rl->realm, realm))
			return rl;
	}

	return NULL;
}


static bool username_valid(const char *user)
{
	if (!user || !*user || strlen(user) > AUTH_VALUE_MAX)
		return false;

	for (; *user; ++user) {
		const uint8_t c = *user;

		if (c < 0x20 || c == 0x7f)
			return false;
	}

	return true;
}


static enum auth_fail chall_usable(const struct sip_auth *auth,
				   const struct chall *c, bool bodiless)
{
	enum auth_fail fail;

	if (auth->credh) {
		fail = auth_creds_usable(auth->creds, c->ch.alg, c->realm);
		if (fail != AUTH_FAIL_NONE)
			return fail;
	}

	if (c->ch.qop && !c->ch.qop_auth) {
		if (c->ch.qop_auth_int && bodiless)
			return AUTH_FAIL_NONE;
		if (c->ch.qop_auth_int)
			DEBUG_NOTICE("realm \"%s\" offers only qop=auth-int,"
				     " which needs the body: not answered\n",
				     c->realm);
		return AUTH_FAIL_QOP;
	}

	/* RFC 7616 3.4.2: -sess needs a cnonce, which needs a qop */
	if (!c->ch.qop && c->ch.sess)
		return AUTH_FAIL_QOP;

	return AUTH_FAIL_NONE;
}


#if DEBUG_LEVEL >= 6
/* Why a challenge is not answered, for the log (finer than the codes) */
static const char *fail_why(enum auth_fail fail)
{
	switch (fail) {

	case AUTH_FAIL_REALM:     return "realm-mismatch: not pinned";
	case AUTH_FAIL_ALGORITHM: return "algorithm-refused: too weak";
	case AUTH_FAIL_NOCREDS:   return "no credential for it";
	case AUTH_FAIL_QOP:       return "no qop it can answer";
	default:                  return auth_fail_name(fail);
	}
}
#endif


/* Username and HA1 for rl, from the credential or the libre handler */
static int realm_creds(struct sip_auth *auth, struct realm *rl)
{
	char *user = NULL, *pass = NULL;
	int err;

	if (auth->credh) {
		err = str_dup(&rl->user, auth_creds_username(auth->creds));
		if (!err)
			err = auth_creds_ha1(auth->creds, rl->ha1, rl->alg,
					     rl->realm);
		if (!err)
			auth_creds_set_used(auth->creds, rl->alg);

		return err;
	}

	err = auth->authh(&user, &pass, rl->realm, auth->arg);
	if (err)
		goto out;

	if (!username_valid(user) || !pass) {
		err = EINVAL;
		goto out;
	}

	err = auth_digest_ha1(rl->ha1, rl->alg, user, rl->realm, pass);
	if (err)
		goto out;

	rl->user = user;
	user = NULL;

 out:
	if (pass)
		crypto_zeroize(pass, strlen(pass));
	mem_deref(pass);
	mem_deref(user);

	return err;
}


/* Replace the answer for c's realm with one to c */
static int realm_update(struct sip_auth *auth, struct collect *col,
			const struct chall *c)
{
	struct realm *old, *rl;
	int err;

	old = realm_find(&auth->realml, c->hdr, c->realm);
	if (!old)
		old = realm_find(&auth->histl, c->hdr, c->realm);

	if (old && old->uses &&
	    (!c->ch.stale || (old->stale && old->uses < 2))) {
		DEBUG_NOTICE("realm \"%s\": answer refused\n", c->realm);
		col->fail = AUTH_FAIL_REJECTED;
		return EAUTH;
	}

	if (!old && list_count(&auth->realml) >= AUTH_REALM_MAX) {
		DEBUG_WARNING("more than %u realms: \"%s\" not answered\n",
			      AUTH_REALM_MAX, c->realm);
		fail_note(&col->fail, AUTH_FAIL_MALFORMED);
		return 0;
	}

	rl = mem_zalloc(sizeof(*rl), realm_destructor);
	if (!rl)
		return ENOMEM;

	rl->hdr   = c->hdr;
	rl->alg   = c->ch.alg;
	rl->sess  = c->ch.sess;
	rl->qop   = c->ch.qop;
	rl->qop_int = c->ch.qop && !c->ch.qop_auth;
	rl->stale = old && old->uses && c->ch.stale;
	rl->nc    = 1;

	err  = str_dup(&rl->realm, c->realm);
	err |= auth_unquote(&rl->nonce, &c->ch.nonce);
	if (c->ch.has_opaque)
		err |= auth_unquote(&rl->opaque, &c->ch.opaque);
	if (pl_isset(&c->ch.algorithm))
		err |= pl_strdup(&rl->algorithm, &c->ch.algorithm);
	if (err) {
		err = ENOMEM;
		goto out;
	}

	err = realm_creds(auth, rl);
	if (err)
		goto out;

	DEBUG_INFO("answering %s realm \"%s\": %s%s, qop %s%s\n",
		   rl->hdr == SIP_HDR_PROXY_AUTHENTICATE ? "proxy" : "server",
		   rl->realm, auth_alg_name(rl->alg), rl->sess ? "-sess" : "",
		   !rl->qop ? "none" : rl->qop_int ? "auth-int" : "auth",
		   rl->stale ? " (stale nonce renewed)" : "");

	mem_deref(old);
	list_append(&auth->realml, &rl->le, rl);

 out:
	if (err)
		mem_deref(rl);

	return err;
}


/* Answer the strongest usable challenge of challenge i's realm */
static int realm_answer(struct sip_auth *auth, struct collect *col,
			size_t i, bool *answered)
{
	const struct chall *first = &col->chv[i];
	const struct chall *best = NULL;
	size_t j;
	int err;

	for (j = i; j < col->chc; ++j) {
		struct chall *c = &col->chv[j];
		enum auth_fail fail;

		if (c->hdr != first->hdr || strcmp(c->realm, first->realm))
			continue;

		c->done = true;

		fail = chall_usable(auth, c, col->bodiless);
		if (fail != AUTH_FAIL_NONE) {
			DEBUG_INFO("realm \"%s\" %s%s: not answered (%s)\n",
				   c->realm, auth_alg_name(c->ch.alg),
				   c->ch.sess ? "-sess" : "",
				   fail_why(fail));
			fail_note(&col->fail, fail);
			continue;
		}

		if (!best || c->ch.alg > best->ch.alg)
			best = c;
	}

	if (!best)
		return 0;

	err = realm_update(auth, col, best);
	if (err)
		return err;

	if (realm_find(&auth->realml, best->hdr, best->realm))
		*answered = true;

	return 0;
}


/**
 * Update a SIP authentication state from a 401/407 response
 *
 * @param auth SIP Authentication state
 * @param msg  SIP Message
 *
 * @return 0 if success, EAUTH if no challenge can or may be answered,
 *         otherwise errorcode
 */
int sip_auth_authenticate(struct sip_auth *auth, const struct sip_msg *msg)
{
	struct collect col;
	bool answered = false;
	size_t i;
	int err = 0;

	if (!auth || !msg)
		return EINVAL;

	memset(&col, 0, sizeof(col));

	/* the requests this UA sends without a body (reg/reg.c, BYE) */
	col.bodiless = !pl_strcmp(&msg->cseq.met, "REGISTER") ||
		       !pl_strcmp(&msg->cseq.met, "BYE");

	auth->rounds = auth->sent > 1 ? 1 : auth->rounds + 1;
	auth->sent = 0;

	if (auth->rounds > AUTH_ROUNDS_MAX) {
		DEBUG_NOTICE("%u challenges in a row: giving up\n",
			     auth->rounds);
		col.fail = AUTH_FAIL_REJECTED;
		err = EAUTH;
		goto out;
	}

	(void)sip_msg_hdr_apply(msg, true, SIP_HDR_WWW_AUTHENTICATE,
				hdr_handler, &col);
	if (!col.err && !col.overflow)
		(void)sip_msg_hdr_apply(msg, true, SIP_HDR_PROXY_AUTHENTICATE,
					hdr_handler, &col);

	if (col.err) {
		err = col.err;
		goto out;
	}

	if (col.overflow) {
		DEBUG_WARNING("more than %u challenges: response refused\n",
			      AUTH_CHALL_MAX);
		col.fail = AUTH_FAIL_MALFORMED;
		err = EAUTH;
		goto out;
	}

	for (i = 0; i < col.chc; ++i) {

		if (col.chv[i].done)
			continue;

		err = realm_answer(auth, &col, i, &answered);
		if (err)
			goto out;
	}

	if (!answered) {
		fail_note(&col.fail, AUTH_FAIL_MALFORMED);
		err = EAUTH;
	}

 out:
	for (i = 0; i < col.chc; ++i)
		mem_deref(col.chv[i].realm);

	if (auth->credh && !err)
		auth_creds_set_failure(auth->creds, AUTH_FAIL_NONE);
	else if (auth->credh && err == EAUTH)
		auth_creds_set_failure(auth->creds, col.fail);

	return err;
}


/* %H: the content of a quoted-string (RFC 7230 3.2.6 quoted-pair) */
static int quoted_print(struct re_printf *pf, void *arg)
{
	const char *run = arg, *p;
	int err = 0;

	for (p = run; !err; ++p) {

		if (*p && *p != '"' && *p != '\\')
			continue;

		err = pf->vph(run, p - run, pf->arg);
		if (err || !*p)
			break;

		err = pf->vph("\\", 1, pf->arg);
		run = p;
	}

	return err;
}


/* One Authorization / Proxy-Authorization, RFC 7616 3.4 and 3.9.1 */
static int realm_encode(struct mbuf *mb, struct realm *rl, const char *met,
			const char *uri)
{
	uint8_t rnd[CNONCE_SIZE];
	char cnonce[2 * CNONCE_SIZE + 1] = "";
	char resp[AUTH_HEX_SIZE];
	struct auth_digest dg;
	int err;

	if (rl->qop) {
		err = crypto_rand(rnd, sizeof(rnd));
		if (err)
			return err;

		(void)re_snprintf(cnonce, sizeof(cnonce), "%w",
				  rnd, sizeof(rnd));
	}

	memset(&dg, 0, sizeof(dg));
	dg.alg    = rl->alg;
	dg.sess   = rl->sess;
	dg.ha1    = rl->ha1;
	dg.nonce  = rl->nonce;
	dg.cnonce = rl->qop ? cnonce : NULL;
	dg.nc     = rl->nc;
	dg.qop    = !rl->qop ? NULL : rl->qop_int ? "auth-int" : "auth";
	dg.method = met;
	dg.uri    = uri;

	err = auth_digest_response(resp, &dg);
	if (err)
		goto out;

	err = mbuf_printf(mb, "%s: Digest username=\"%H\", realm=\"%H\","
			  " uri=\"%H\"",
			  rl->hdr == SIP_HDR_PROXY_AUTHENTICATE
			  ? "Proxy-Authorization" : "Authorization",
			  quoted_print, rl->user, quoted_print, rl->realm,
			  quoted_print, uri);

	if (rl->algorithm)
		err |= mbuf_printf(mb, ", algorithm=%s", rl->algorithm);

	err |= mbuf_printf(mb, ", nonce=\"%H\"", quoted_print, rl->nonce);

	if (rl->qop)
		err |= mbuf_printf(mb, ", nc=%08x, cnonce=\"%s\", qop=%s",
				   rl->nc, cnonce, dg.qop);

	err |= mbuf_printf(mb, ", response=\"%s\"", resp);

	if (rl->opaque)
		err |= mbuf_printf(mb, ", opaque=\"%H\"",
				   quoted_print, rl->opaque);

	err |= mbuf_write_str(mb, "\r\n");
	if (err)
		goto out;

	++rl->nc;
	++rl->uses;

 out:
	crypto_zeroize(resp, sizeof(resp));

	return err;
}


/**
 * Write the Authorization and Proxy-Authorization headers of a request
 *
 * @param mb   Buffer for the headers
 * @param auth SIP Authentication state
 * @param met  Request method
 * @param uri  Request-URI
 *
 * @return 0 if success, otherwise errorcode
 */
int sip_auth_encode(struct mbuf *mb, struct sip_auth *auth, const char *met,
		    const char *uri)
{
	struct le *le;
	int err = 0;

	if (!mb || !auth || !met || !uri)
		return EINVAL;

	if (auth->sent < 2)
		++auth->sent;

	list_flush(&auth->histl);

	for (le = list_head(&auth->realml); le; le = le->next) {

		err = realm_encode(mb, le->data, met, uri);
		if (err)
			break;
	}

	return err;
}


/**
 * Allocate a SIP authentication state
 *
 * @param authp Pointer to allocated SIP authentication state
 * @param authh Authentication handler; auth_creds_h takes a struct
 *              auth_creds as arg; NULL refuses every challenge
 * @param arg   Handler argument
 * @param ref   True to mem_ref() argument
 *
 * @return 0 if success, otherwise errorcode
 */
int sip_auth_alloc(struct sip_auth **authp, sip_auth_h *authh,
		   void *arg, bool ref)
{
	struct sip_auth *auth;

	if (!authp)
		return EINVAL;

	auth = mem_zalloc(sizeof(*auth), destructor);
	if (!auth)
		return ENOMEM;

	auth->authh = authh ? authh : dummy_handler;
	auth->credh = authh == auth_creds_h;
	auth->creds = auth->credh ? arg : NULL;
	auth->arg   = ref ? mem_ref(arg) : arg;
	auth->ref   = ref;

	*authp = auth;

	return 0;
}


/**
 * Forget every answer and what was refused: the next challenge is
 * answered as a first one (a fresh credential replaced a refused one)
 *
 * @param auth SIP Authentication state
 */
void auth_forget(struct sip_auth *auth)
{
	if (!auth)
		return;

	list_flush(&auth->realml);
	list_flush(&auth->histl);
	auth->rounds = 0;
	auth->sent = 0;
}


/**
 * Forget the answers; the next request carries no Authorization
 *
 * @param auth SIP Authentication state
 */
void sip_auth_reset(struct sip_auth *auth)
{
	struct le *le;

	if (!auth)
		return;

	/* kept until the next request to recognise a refused answer */
	list_flush(&auth->histl);

	while ((le = list_head(&auth->realml))) {
		list_unlink(le);
		list_append(&auth->histl, le, le->data);
	}
}
