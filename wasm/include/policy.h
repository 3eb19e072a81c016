/**
 * @file policy.h  Security policy: what the core lets through
 *
 * Pure functions: input in, verdict out; no I/O, no state.
 */

enum { POLICY_URL_MAX = 1024 };

/** A wss:// server URL, split; slices point into the checked string */
struct policy_url {
	struct pl host;    /* without brackets for IPv6 literals */
	uint16_t port;     /* 0 if absent (443 implied)          */
	struct pl path;    /* "/" if absent                      */
};

int policy_transport_check(struct policy_url *url, const char *str,
			   const char **reason);
int policy_servers_check(const char *list, const char **reason);


/* --- SDP policy (wasm/policy/sdp.c) ------------------------------------ */

/** What the local SDP may reveal about our addresses (issue 3, item 3) */
enum policy_privacy {
	POLICY_PRIVACY_MDNS = 0,  /* no raw-IP host candidate, scrubbed  */
	POLICY_PRIVACY_RELAY,     /* TURN relay candidates only          */
	POLICY_PRIVACY_OFF,       /* candidates untouched                */
};

enum {
	POLICY_SDP_SIZE_MAX  = 65536,  /* bytes in one SDP             */
	POLICY_SDP_LINE_MAX  = 4096,   /* bytes in one line, no EOL    */
	POLICY_SDP_MLINE_MAX = 16,     /* m= lines                     */
	POLICY_SDP_CAND_MAX  = 64,     /* a=candidate per m= section   */
};

/** Why an SDP was refused; all fields static, never echoes the SDP */
struct policy_verdict {
	const char *reason;  /* stable code, NULL if accepted            */
	unsigned line;       /* 1-based line of the offence, 0 if n/a    */
	const char *detail;  /* short human text                         */
	const char *fingerprint; /* accepted: hash of the first
				    a=fingerprint ("sha-256", ...)      */
	unsigned cands;      /* accepted: a=candidate lines (local: those
				that leave)                          */
};

int policy_sdp_remote(struct policy_verdict *v, const char *sdp,
		      size_t len);
int policy_sdp_local(struct mbuf *out, struct policy_verdict *v,
		     const char *sdp, size_t len,
		     enum policy_privacy privacy);
const char *policy_privacy_name(enum policy_privacy p);
int policy_privacy_decode(enum policy_privacy *p, const char *name);
