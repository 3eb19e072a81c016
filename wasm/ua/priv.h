/**
 * @file priv.h  What the files of wasm/ua/ share
 *
 *   ua.c      the phone: its SIP stack, flow, registration and calls
 *   config.c  its config, read and checked; the credentials it makes
 *
 * (message.c, MESSAGE and OPTIONS, needs none of it.)
 *
 * Needs re.h and auth.h included first.
 */

enum {
	UA_STR_MAX = 512,   /* bytes in a config string (uri, displayName) */
	UA_UUID_LEN = 36,   /* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx        */
};

bool uuid_ok(const char *s);
void uuid_make(char *buf);
bool display_ok(const char *s);
const char *cfg_str(const struct odict *cfg, const char *key);
bool cfg_bad_type(const struct odict *cfg, const char *key,
		  enum odict_type type);
int  creds_secrets(struct auth_creds *creds, const struct odict *o,
		   bool pinned, bool *havep, const char **reasonp);
int  creds_from_config(struct auth_creds **credsp, const struct odict *cfg,
		       const char *user, const char **reasonp);
