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
 */
#include <ctype.h>
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "auth.h"
#include "priv.h"


#define DEBUG_MODULE "auth"
#include <re_dbg.h>


enum {
	USERNAME_MAX = 256,
};

struct auth_creds {
	char *username;
	char *password;
	char *ha1[AUTH_ALG_COUNT];  /* lowercase hex, or NULL */
	char *realm;                /* pinned realm, or NULL  */
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
	int i;

	mem_deref(creds->username);
	secret_free(&creds->password);

	for (i = 0; i < AUTH_ALG_COUNT; i++)
		secret_free(&creds->ha1[i]);

	mem_deref(creds->realm);
}


/* Text that is echoed inside a quoted-string: no control characters */
static bool text_valid(const char *s, size_t max)
{
	size_t n = 0;

	if (!s || !*s)
		return false;

	for (; *s; s++, n++) {
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

		for (i = 0; i < n; i++) {
			if (!isxdigit((unsigned char)hex[i]))
				return EINVAL;
		}

		ha1 = mem_alloc(n + 1, NULL);
		if (!ha1)
			return ENOMEM;

		for (i = 0; i < n; i++)
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
	case AUTH_FAIL_REALM:     return "realm-mismatch";
	case AUTH_FAIL_ALGORITHM: return "algorithm-refused";
	default:                  return "auth-failed";
	}
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
