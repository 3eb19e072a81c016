/**
 * @file creds.c  Digest credentials: username, password, HA1, realm pin
 *
 * A credential holds a username and a password and/or one HA1 per
 * algorithm (RFC 7616 3.4.2: H(username:realm:password), lowercase hex).
 * An HA1 is bound to one realm, so it is used only when the credential
 * also pins that realm (auth_creds_set_realm); without a pin it is
 * ignored.  A pinned realm also means challenges for any other realm are
 * never answered.  The password and HA1s are zeroized when replaced or
 * freed and are never logged.
 *
 * A short-lived credential (Kamailio auth_ephemeral, TURN REST style:
 * username "<unix expiry>:<user>", or a ttl the app was given) also has
 * an expiry: past it, or within AUTH_CREDS_MARGIN of it, the credential
 * is not used (auth_creds_need) and the app is asked for a fresh one.
 */
#include <ctype.h>
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "auth.h"
#include "codes.h"
#include "priv.h"


#define DEBUG_MODULE "auth"
#include <re_dbg.h>


enum {
	USERNAME_MAX = 256,
	UNIX_TIME_MIN = 1000000000,  /* 2001: a smaller prefix is no expiry */
};

struct auth_creds {
	char *username;
	char *password;
	char *ha1[AUTH_ALG_COUNT];  /* lowercase hex, or NULL */
	char *realm;                /* pinned realm, or NULL  */
	uint64_t expires;           /* unix seconds, 0 unknown */
	bool ondemand;              /* the app supplies it when asked */
	const char *used;           /* algorithm of the last answer   */
	enum auth_alg min_alg;
	enum auth_fail fail;
};


static void secret_free(char **sp)
{
	if (!*sp)
		return;

	crypto_zeroize(*sp, strlen(*sp));
	*sp = mem_deref(*sp);
}


static void destructor(void *arg)
{
	struct auth_creds *creds = arg;

	mem_deref(creds->username);
	auth_creds_clear(creds);
	mem_deref(creds->realm);
}


/* Text that is echoed inside a quoted-string: no control characters */
static bool text_valid(const char *s, size_t max)
{
	size_t n = 0;

	if (!s || !*s)
		return false;

	for (; *s; ++s, ++n) {
		const uint8_t c = *s;

		if (n >= max || c < 0x20 || c == 0x7f)
			return false;
	}

	return true;
}


/**
 * Allocate a digest credential
 *
 * @param credsp   Pointer to allocated credential
 * @param username Username (no control characters)
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_creds_alloc(struct auth_creds **credsp, const char *username)
{
	struct auth_creds *creds;
	int err;

	if (!credsp || !text_valid(username, USERNAME_MAX))
		return EINVAL;

	creds = mem_zalloc(sizeof(*creds), destructor);
	if (!creds)
		return ENOMEM;

	creds->min_alg = AUTH_ALG_MD5;

	err = str_dup(&creds->username, username);
	if (err)
		goto out;

 out:
	if (err)
		mem_deref(creds);
	else
		*credsp = creds;

	return err;
}


/**
 * Set or clear the password (the previous one is zeroized)
 *
 * @param creds    Credential
 * @param password Password, NULL to clear
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_creds_set_password(struct auth_creds *creds, const char *password)
{
	char *pw = NULL;
	int err;

	if (!creds)
		return EINVAL;

	if (password) {
		if (strlen(password) > AUTH_VALUE_MAX)
			return EINVAL;

		err = str_dup(&pw, password);
		if (err)
			return err;
	}

	secret_free(&creds->password);
	creds->password = pw;

	return 0;
}


/**
 * Set or clear the HA1 of one algorithm (used only with a pinned realm)
 *
 * @param creds Credential
 * @param alg   Algorithm
 * @param hex   H(username:realm:password) in hex of the algorithm's
 *              length (32 or 64 digits), NULL to clear
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_creds_set_ha1(struct auth_creds *creds, enum auth_alg alg,
		       const char *hex)
{
	char *ha1 = NULL;
	size_t i, n;

	if (!creds || (unsigned)alg >= AUTH_ALG_COUNT)
		return EINVAL;

	if (hex) {
		n = strlen(hex);
		if (n != auth_alg_hexlen(alg))
			return EINVAL;

		for (i = 0; i < n; ++i) {
			if (!isxdigit((unsigned char)hex[i]))
				return EINVAL;
		}

		ha1 = mem_alloc(n + 1, NULL);
		if (!ha1)
			return ENOMEM;

		for (i = 0; i < n; ++i)
			ha1[i] = (char)tolower((unsigned char)hex[i]);
		ha1[n] = '\0';
	}

	secret_free(&creds->ha1[alg]);
	creds->ha1[alg] = ha1;

	return 0;
}


/**
 * Pin or unpin the realm: challenges for other realms are never answered
 *
 * @param creds Credential
 * @param realm Realm (compared exactly, RFC 2617 1.2), NULL to unpin
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_creds_set_realm(struct auth_creds *creds, const char *realm)
{
	char *r = NULL;
	int err;

	if (!creds)
		return EINVAL;

	if (realm) {
		if (!text_valid(realm, AUTH_VALUE_MAX))
			return EINVAL;

		err = str_dup(&r, realm);
		if (err)
			return err;
	}

	mem_deref(creds->realm);
	creds->realm = r;

	return 0;
}


/**
 * Set the weakest algorithm that may be answered (default MD5)
 *
 * @param creds Credential
 * @param alg   Algorithm
 */
void auth_creds_set_min_alg(struct auth_creds *creds, enum auth_alg alg)
{
	if (!creds || (unsigned)alg >= AUTH_ALG_COUNT)
		return;

	creds->min_alg = alg;
}


/**
 * Get why the last authentication with this credential failed
 *
 * @param creds Credential
 *
 * @return Failure reason, AUTH_FAIL_NONE if none
 */
enum auth_fail auth_creds_failure(const struct auth_creds *creds)
{
	return creds ? creds->fail : AUTH_FAIL_NONE;
}


/**
 * Forget the last failure reason
 *
 * @param creds Credential
 */
void auth_creds_reset_failure(struct auth_creds *creds)
{
	if (creds)
		creds->fail = AUTH_FAIL_NONE;
}


/**
 * Get the stable code string of a failure reason
 *
 * @param fail Failure reason
 *
 * @return "auth-failed", "realm-mismatch", "algorithm-refused" ("none"
 *         for AUTH_FAIL_NONE)
 */
const char *auth_fail_name(enum auth_fail fail)
{
	switch (fail) {

	case AUTH_FAIL_NONE:      return "none";
	case AUTH_FAIL_REALM:     return CODE_REALM_MISMATCH;
	case AUTH_FAIL_ALGORITHM: return CODE_ALGORITHM_REFUSED;
	default:                  return CODE_AUTH_FAILED;
	}
}


/* "<unix expiry>:<user>" (auth_ephemeral username_format 1): the expiry */
static uint64_t username_expiry(const char *username)
{
	uint64_t t = 0;
	const char *p;

	for (p = username; *p >= '0' && *p <= '9' && p - username < 12; ++p)
		t = t * 10 + (uint64_t)(*p - '0');

	return *p == ':' && t >= UNIX_TIME_MIN ? t : 0;
}


/**
 * Replace the username and forget the secrets and expiry: a short-lived
 * credential from the app is set with this, then a password or HA1 and
 * auth_creds_set_expiry()
 *
 * @param creds    Credential
 * @param username Username (no control characters)
 *
 * @return 0 if success, otherwise errorcode
 */
int auth_creds_set_user(struct auth_creds *creds, const char *username)
{
	char *user = NULL;
	int err;

	if (!creds || !text_valid(username, USERNAME_MAX))
		return EINVAL;

	err = str_dup(&user, username);
	if (err)
		return err;

	auth_creds_clear(creds);
	mem_deref(creds->username);
	creds->username = user;
	creds->expires = username_expiry(user);

	return 0;
}


/**
 * Set when the credential expires: the earlier of @p expires and the
 * expiry its username carries
 *
 * @param creds   Credential
 * @param expires Unix time in seconds, 0 if not known
 */
void auth_creds_set_expiry(struct auth_creds *creds, uint64_t expires)
{
	if (!creds || !expires)
		return;

	if (!creds->expires || expires < creds->expires)
		creds->expires = expires;
}


/**
 * Zeroize and drop the password and every HA1 (the credential expired
 * or was refused)
 *
 * @param creds Credential
 */
void auth_creds_clear(struct auth_creds *creds)
{
	int i;

	if (!creds)
		return;

	secret_free(&creds->password);

	for (i = 0; i < AUTH_ALG_COUNT; ++i)
		secret_free(&creds->ha1[i]);

	creds->expires = 0;
}


/**
 * Why the credential cannot answer a challenge now, if it cannot
 *
 * @param creds Credential
 * @param now   Unix time in seconds
 *
 * @return NULL if it can, "missing" (no password or HA1) or "expired"
 *         (expires within AUTH_CREDS_MARGIN seconds)
 */
const char *auth_creds_need(const struct auth_creds *creds, uint64_t now)
{
	int i;
	bool secret;

	if (!creds)
		return "missing";

	secret = creds->password != NULL;
	for (i = 0; i < AUTH_ALG_COUNT; ++i)
		secret |= creds->ha1[i] != NULL;

	if (!secret)
		return "missing";

	if (creds->expires && now + AUTH_CREDS_MARGIN >= creds->expires)
		return "expired";

	return NULL;
}


/**
 * Mark the credential as supplied by the app on demand: when it is
 * missing, expired or refused, the app is asked for a fresh one
 *
 * @param creds Credential
 */
void auth_creds_set_ondemand(struct auth_creds *creds)
{
	if (creds)
		creds->ondemand = true;
}


/** True if the app supplies the credential on demand */
bool auth_creds_ondemand(const struct auth_creds *creds)
{
	return creds && creds->ondemand;
}


/* Internal interface (priv.h): a challenge was answered with alg */
void auth_creds_set_used(struct auth_creds *creds, enum auth_alg alg)
{
	if (creds)
		creds->used = auth_alg_name(alg);
}


/**
 * The digest algorithm of the last challenge this credential answered
 *
 * @param creds Credential
 *
 * @return "MD5", "SHA-256", "SHA-512-256", or NULL if none yet
 */
const char *auth_creds_used(const struct auth_creds *creds)
{
	return creds ? creds->used : NULL;
}


/**
 * When the credential expires
 *
 * @param creds Credential
 *
 * @return Unix time in seconds, 0 if not known
 */
uint64_t auth_creds_expiry(const struct auth_creds *creds)
{
	return creds ? creds->expires : 0;
}


/**
 * A libre sip_auth_h giving the username and password of a credential
 *
 * @param username Allocated username
 * @param password Allocated password
 * @param realm    Realm of the challenge
 * @param arg      struct auth_creds
 *
 * @return 0 if success, EAUTH if the credential cannot answer the realm
 */
int auth_creds_h(char **username, char **password, const char *realm,
		 void *arg)
{
	struct auth_creds *creds = arg;
	char *user = NULL, *pw = NULL;
	int err;

	if (!username || !password || !creds)
		return EINVAL;

	if (creds->realm && (!realm || strcmp(realm, creds->realm))) {
		creds->fail = AUTH_FAIL_REALM;
		return EAUTH;
	}

	if (!creds->password) {
		creds->fail = AUTH_FAIL_NOCREDS;
		return EAUTH;
	}

	err  = str_dup(&user, creds->username);
	err |= str_dup(&pw, creds->password);
	if (err) {
		mem_deref(user);
		secret_free(&pw);
		return ENOMEM;
	}

	*username = user;
	*password = pw;

	return 0;
}


/* Internal interface (priv.h) */

const char *auth_creds_username(const struct auth_creds *creds)
{
	return creds ? creds->username : NULL;
}


/* Whether creds can answer alg in realm, else why not */
enum auth_fail auth_creds_usable(const struct auth_creds *creds,
				 enum auth_alg alg, const char *realm)
{
	if (!creds || !realm)
		return AUTH_FAIL_NOCREDS;

	if (creds->realm && strcmp(realm, creds->realm))
		return AUTH_FAIL_REALM;

	if ((unsigned)alg >= AUTH_ALG_COUNT || alg < creds->min_alg)
		return AUTH_FAIL_ALGORITHM;

	if (creds->ha1[alg] && creds->realm)
		return AUTH_FAIL_NONE;

	return creds->password ? AUTH_FAIL_NONE : AUTH_FAIL_NOCREDS;
}


/* HA1 for alg in realm: the stored one if the realm is pinned, else from
 * the password.  The caller zeroizes ha1 (AUTH_HEX_SIZE bytes). */
int auth_creds_ha1(const struct auth_creds *creds, char *ha1,
		   enum auth_alg alg, const char *realm)
{
	if (!creds || !ha1 || !realm || (unsigned)alg >= AUTH_ALG_COUNT)
		return EINVAL;

	if (auth_creds_usable(creds, alg, realm) != AUTH_FAIL_NONE)
		return ENOENT;

	if (creds->ha1[alg] && creds->realm) {
		str_ncpy(ha1, creds->ha1[alg], AUTH_HEX_SIZE);
		return 0;
	}

	return auth_digest_ha1(ha1, alg, creds->username, realm,
			       creds->password);
}


void auth_creds_set_failure(struct auth_creds *creds, enum auth_fail fail)
{
	if (creds)
		creds->fail = fail;
}
