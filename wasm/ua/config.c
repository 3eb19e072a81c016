/**
 * @file config.c  A phone's config, read and checked (the phone: ua.c)
 *
 * Pure helpers: the values of the config object the shim gives, what
 * each must look like, and the digest credentials they make.
 */
#include <ctype.h>
#include <string.h>
#include <re.h>
#include "auth.h"
#include "priv.h"
#include "why.h"


/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits of either case */
bool uuid_ok(const char *s)
{
	size_t i;

	if (strlen(s) != UA_UUID_LEN)
		return false;

	for (i = 0; i < UA_UUID_LEN; ++i) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}

	return true;
}


/* A random (version 4) UUID, RFC 9562 5.4 */
void uuid_make(char *buf)
{
	uint32_t a = rand_u32(), b = rand_u32(), c = rand_u32();

	(void)re_snprintf(buf, UA_UUID_LEN + 1,
			  "%08x-%04x-4%03x-%04x-%04x%08x", a, b >> 16,
			  b & 0xfff, 0x8000 | (c >> 18), c & 0xffff,
			  rand_u32());
}


/* A display name goes between quotes in From: nothing may end them */
bool display_ok(const char *s)
{
	for (; *s; ++s) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"' ||
		    *s == '\\')
			return false;
	}

	return true;
}


/* A string value of the config (NULL if absent or another type) */
const char *cfg_str(const struct odict *cfg, const char *key)
{
	return odict_string(cfg, key);
}


/* A config value that is present must have the right type */
bool cfg_bad_type(const struct odict *cfg, const char *key,
		  enum odict_type type)
{
	const struct odict_entry *e = odict_lookup(cfg, key);

	return e && e->type != type;
}


/* The password and HA1s of a config or of a credential from the app */
int creds_secrets(struct auth_creds *creds, const struct odict *o,
		  bool pinned, bool *havep, const char **reasonp)
{
	static const struct {
		const char *key;
		enum auth_alg alg;
	} ha1keys[] = {
		{"md5",        AUTH_ALG_MD5},
		{"sha256",     AUTH_ALG_SHA256},
		{"sha512_256", AUTH_ALG_SHA512_256},
	};
	const struct odict_entry *ha1 = odict_lookup(o, "ha1");
	const char *password = cfg_str(o, "password");
	size_t i;
	int err;

	*havep = false;

	if (cfg_bad_type(o, "password", ODICT_STRING) ||
	    (ha1 && ha1->type != ODICT_OBJECT)) {
		*reasonp = WHY("password", "password must be a string,"
			       " ha1 {md5, sha256, sha512_256}");
		return EINVAL;
	}

	if (ha1 && !pinned) {
		*reasonp = WHY("ha1", "ha1 needs realm: an HA1 is bound to"
			       " one realm");
		return EINVAL;
	}

	if (password) {
		err = auth_creds_set_password(creds, password);
		if (err) {
			*reasonp = WHY("password",
				       "password is not acceptable");
			return err;
		}
		*havep = true;
	}

	for (i = 0; ha1 && i < ARRAY_SIZE(ha1keys); ++i) {
		const char *hex = cfg_str(ha1->u.odict, ha1keys[i].key);

		if (!hex)
			continue;

		err = auth_creds_set_ha1(creds, ha1keys[i].alg, hex);
		if (err) {
			*reasonp = WHY("ha1", "ha1 value is not a hex digest"
				       " of the algorithm's length");
			return err;
		}
		*havep = true;
	}

	return 0;
}


/* The digest credentials of a config: password, HA1s or on demand */
int creds_from_config(struct auth_creds **credsp, const struct odict *cfg,
		      const char *user, const char **reasonp)
{
	const char *realm = cfg_str(cfg, "realm");
	const char *minalg = cfg_str(cfg, "minAlgorithm");
	struct auth_creds *creds = NULL;
	bool ondemand = false, have;
	int err;

	(void)odict_get_boolean(cfg, &ondemand, "credentials");

	err = auth_creds_alloc(&creds, user);
	if (err)
		return err;

	if (realm) {
		err = auth_creds_set_realm(creds, realm);
		if (err)
			goto out;
	}

	err = creds_secrets(creds, cfg, realm != NULL, &have, reasonp);
	if (err)
		goto out;

	if (ondemand)
		auth_creds_set_ondemand(creds);
	else if (!have) {
		*reasonp = WHY("password", "give a password, ha1 or a"
			       " credentials callback");
		err = EINVAL;
		goto out;
	}

	if (minalg) {
		enum auth_alg alg;

		err = auth_alg_decode(&alg, minalg);
		if (err) {
			*reasonp = WHY("minAlgorithm", "minAlgorithm must be"
				       " MD5, SHA-256 or SHA-512-256");
			goto out;
		}
		auth_creds_set_min_alg(creds, alg);
	}

 out:
	if (err)
		mem_deref(creds);
	else
		*credsp = creds;

	return err;
}
