/**
 * @file priv.h  Shared by the SDP policy's files in wasm/policy/
 *
 * The SDP policy (policy_sdp_remote, policy_sdp_local) in three files:
 *   sdp.c          the verdict: the table of reasons, the pass over the
 *                  lines, what each line and media section means for the
 *                  policy (a=crypto, a=fingerprint hashes, profiles,
 *                  BUNDLE), and the entry points
 *   sdp_rewrite.c  privacy: which candidates leave, and the SDP that
 *                  leaves (addresses zeroed, raddr/rport scrubbed)
 *   sdp_scan.c     the lexer: lines, SP-separated fields, tokens,
 *                  addresses, and the grammar of o=, t=, b=, c=, m=,
 *                  a=candidate and a=rtcp (RFC 8866, 8839, 3605)
 * Calls go one way: sdp.c -> sdp_rewrite.c -> sdp_scan.c.  Include <re.h>
 * and policy.h first.
 */

enum {
	KEPT_MAX   = 32,   /* public addresses of candidates that leave */
	FOUND_MAX  = 32,   /* RFC 8839: foundation is 1*32 ice-char     */
	COMP_MAX   = 256,  /* RFC 8839: component-id 1 to 256           */
	SESSID_MAX = 32,   /* digits in o= sess-id and sess-version     */
};

/* Policy reasons in order of precedence */
enum reason {
	R_NULL_CIPHER = 0,
	R_MKI,
	R_SDES,
	R_MIXED,
	R_PLAIN,
	R_NO_FP,
	R_WEAK_FP,
	R_RELAY,
	R_COUNT
};

/*
 * What makes an SDP refused, in words, is for check-sdp and the C tests
 * (sipshield-check.wasm, native).  The page core compiles these files
 * with PAGE_CORE: the same verdicts, reason codes and lines, no text (the
 * shim and the widget name the reasons).
 */
#ifdef PAGE_CORE
#define DETAIL(text) NULL
#else
#define DETAIL(text) text
#endif

enum addr_kind { ADDR_BAD = 0, ADDR_IP4, ADDR_IP6, ADDR_FQDN };

struct ipaddr {
	uint8_t af;       /* 4 or 6 */
	uint8_t b[16];    /* IPv4 in b[0..3] */
};

struct media {
	struct pl mid;
	unsigned line;    /* the m= line */
	unsigned ncand;
	bool active;      /* port != 0 or a=bundle-only */
	bool dtls;        /* proto is DTLS-keyed */
	bool fp;          /* a=fingerprint in this section */
	bool relay;       /* a typ relay candidate in this section */
};

struct scan {
	enum policy_privacy priv;
	bool local;
	struct media m[POLICY_SDP_MLINE_MAX];
	unsigned nm;
	bool sess_fp;
	struct pl group[POLICY_SDP_MLINE_MAX];  /* BUNDLE mid lists */
	unsigned ngroup;
	unsigned first[R_COUNT];                /* line of each reason */
	struct ipaddr kept[KEPT_MAX];
	unsigned nkept;
	const char *reason;                     /* structural error */
	unsigned line;
	const char *detail;
	const char *fp_alg;                     /* first a=fingerprint */
	unsigned ncand;                         /* a=candidate lines */
};

struct cand {
	struct pl addr;
	struct pl type;
	struct pl raddr;   /* value; p NULL if absent */
	struct pl rport;
	enum addr_kind kind;
	struct ipaddr ip;
};


/* The detail goes with the check build only (DETAIL) */
#define fail(s, err, line, detail) policy_fail(s, err, line, DETAIL(detail))

/* sdp_scan.c */
int  policy_fail(struct scan *s, int err, unsigned line, const char *detail);
bool policy_line_next(struct pl *line, const char **pp, const char *end);
bool policy_field(struct pl *f, struct pl *rest);
bool policy_is_token(const struct pl *pl);
bool policy_pl_is(const struct pl *pl, const char *s);
enum addr_kind policy_addr_kind(const struct pl *pl, struct ipaddr *ip);
bool policy_ip_private(const struct ipaddr *ip);
bool policy_net_addr(struct pl *addr, struct pl *rest, bool ttl);
bool policy_origin(const struct pl *val, struct pl *addr);
bool policy_timing(const struct pl *val);
bool policy_bandwidth(const struct pl *val);
bool policy_media_line(struct media *m, const struct pl *val);
bool policy_candidate(struct cand *c, const struct pl *val);
bool policy_rtcp(const struct pl *val, struct pl *addr);

/* sdp_rewrite.c */
bool policy_cand_leaves(enum policy_privacy priv, const struct cand *c);
bool policy_kept_has(const struct scan *s, const struct ipaddr *ip);
int  policy_rewrite(struct mbuf *out, struct scan *s, const char *sdp,
		    size_t len);
