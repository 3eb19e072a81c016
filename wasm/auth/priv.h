/**
 * @file priv.h  Internal interface of the auth module (not for other modules)
 *
 * Lets sip_auth.c read credentials without exporting them: HA1 material
 * leaves creds.c only through auth_creds_ha1(), into a buffer the caller
 * zeroizes.
 */

enum {
	AUTH_VALUE_MAX = 1024,  /* bytes of a realm, nonce, opaque, name */
};

size_t auth_alg_hexlen(enum auth_alg alg);

const char *auth_creds_username(const struct auth_creds *creds);
enum auth_fail auth_creds_usable(const struct auth_creds *creds,
				 enum auth_alg alg, const char *realm);
int  auth_creds_ha1(const struct auth_creds *creds, char *ha1,
		    enum auth_alg alg, const char *realm);
void auth_creds_set_failure(struct auth_creds *creds, enum auth_fail fail);
void auth_creds_set_used(struct auth_creds *creds, enum auth_alg alg);
