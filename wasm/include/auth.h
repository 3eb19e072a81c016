/**
 * @file auth.h  SIP digest credentials and challenge handling
 *
 * RFC 2617, RFC 7616, RFC 8760: MD5, SHA-256, SHA-512-256 and their -sess
 * variants.  The module replaces libre's MD5-only sip/auth.c: it implements
 * the sip_auth_* API of re_sip.h / sip.h, so sipreg and sipsess use it
 * unchanged.  Secrets are zeroized when freed and never logged.
 */

/** Seconds before its expiry that a short-lived credential is renewed */
enum { AUTH_CREDS_MARGIN = 10 };

enum auth_alg {
	AUTH_ALG_MD5 = 0,
	AUTH_ALG_SHA256,
	AUTH_ALG_SHA512_256,
	AUTH_ALG_COUNT
};

/** Why the last authentication attempt failed (stable names) */
enum auth_fail {
	AUTH_FAIL_NONE = 0,
	AUTH_FAIL_REJECTED,   /* "auth-failed": server refused the answer */
	AUTH_FAIL_REALM,      /* "realm-mismatch": not the pinned realm      */
	AUTH_FAIL_ALGORITHM,  /* "algorithm-refused": none strong enough     */
	AUTH_FAIL_MALFORMED,  /* "auth-failed": challenge could not be read  */
	AUTH_FAIL_NOCREDS,    /* "auth-failed": no credential for the alg    */
	AUTH_FAIL_QOP,        /* "auth-failed": only qop=auth-int offered    */
};

struct auth_creds;

int  auth_creds_alloc(struct auth_creds **credsp, const char *username);
int  auth_creds_set_password(struct auth_creds *creds, const char *password);
int  auth_creds_set_ha1(struct auth_creds *creds, enum auth_alg alg,
			const char *hex);
int  auth_creds_set_realm(struct auth_creds *creds, const char *realm);
void auth_creds_set_min_alg(struct auth_creds *creds, enum auth_alg alg);
int  auth_creds_set_user(struct auth_creds *creds, const char *username);
void auth_creds_set_expiry(struct auth_creds *creds, uint64_t expires);
void auth_creds_clear(struct auth_creds *creds);
const char *auth_creds_need(const struct auth_creds *creds, uint64_t now);
uint64_t auth_creds_expiry(const struct auth_creds *creds);
void auth_creds_set_ondemand(struct auth_creds *creds);
bool auth_creds_ondemand(const struct auth_creds *creds);
const char *auth_creds_used(const struct auth_creds *creds);
enum auth_fail auth_creds_failure(const struct auth_creds *creds);
void auth_creds_reset_failure(struct auth_creds *creds);
const char *auth_fail_name(enum auth_fail fail);
int  auth_alg_decode(enum auth_alg *algp, const char *name);
const char *auth_alg_name(enum auth_alg alg);

/**
 * A sip_auth_h for libre (sipreg_register, sipsess_connect): pass it with
 * a struct auth_creds as its argument.  The replacement sip/auth.c
 * recognises it and uses the full credential (HA1, pinned realm, minimum
 * algorithm); called by plain libre code it yields username and password.
 */
int  auth_creds_h(char **username, char **password, const char *realm,
		  void *arg);

struct sip_auth;
void auth_forget(struct sip_auth *auth);


/*
 * Digest primitives (used by sip_auth.c, exposed for the unit tests)
 */

/** Largest hex digest plus NUL (SHA-256, SHA-512-256: 64 digits) */
enum { AUTH_HEX_SIZE = 65 };

/** One decoded digest challenge (RFC 7616 3.3): slices of the header */
struct auth_chall {
	struct pl realm;      /**< quoted-string content, escapes kept  */
	struct pl nonce;      /**< quoted-string content, escapes kept  */
	struct pl opaque;     /**< quoted-string content, escapes kept  */
	struct pl algorithm;  /**< as written, e.g. "SHA-256-sess"      */
	enum auth_alg alg;    /**< MD5 if there is no algorithm         */
	bool sess;            /**< one of the "-sess" algorithms        */
	bool has_opaque;      /**< opaque was given (it may be "")      */
	bool qop;             /**< qop was given                        */
	bool qop_auth;        /**< qop offers "auth"                    */
	bool qop_auth_int;    /**< qop offers "auth-int"                */
	bool stale;           /**< stale=true                           */
};

/** Inputs of one digest response (RFC 7616 3.4.1) */
struct auth_digest {
	enum auth_alg alg;
	bool sess;            /**< -sess: A1 includes nonce and cnonce  */
	const char *ha1;      /**< hex H(username:realm:password)       */
	const char *nonce;    /**< unquoted                             */
	const char *cnonce;   /**< needed with qop or sess              */
	uint32_t nc;
	const char *qop;      /**< NULL (RFC 2069), "auth", "auth-int"  */
	const char *method;
	const char *uri;
	const uint8_t *body;  /**< entity body, for auth-int            */
	size_t bodyl;
};

int  auth_chall_decode(struct auth_chall *ch, const struct pl *val);
int  auth_unquote(char **strp, const struct pl *pl);
int  auth_digest_ha1(char *ha1, enum auth_alg alg, const char *user,
		     const char *realm, const char *password);
int  auth_digest_response(char *resp, const struct auth_digest *dg);
