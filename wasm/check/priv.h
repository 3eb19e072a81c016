/**
 * @file priv.h  Shared by the files of wasm/check/ (include <re.h> first)
 *
 * The message check in four files, by job:
 *   check.c    the decision: the table of reasons, decide(), and the
 *              entry points (check_sip, check_sip_fast, check_sip_msg,
 *              libre's sip_msg_decode)
 *   head.c     the message head as it is read: the start line, the
 *              header section split into fields, each added to the
 *              message (wasm/sipmsg) and noted
 *   grammar.c  the RFC 3261 25.1 rules the two use: octet classes, and
 *              the checks of a field's value (addresses, Content-Type,
 *              Date, CSeq, Content-Length)
 *   report.c   check-sip's JSON report, its detail text and why libre
 *              refused a message (for the check build and the tests:
 *              nothing in the page core calls it)
 * Calls go one way: check.c -> head.c -> grammar.c, check.c ->
 * report.c -> grammar.c, check.c -> grammar.c.
 */


enum {
	CHECK_LINE_MAX = 8192,
	CHECK_URI_MAX  = 1024,
	CHECK_ADDR_MAX = 1024,
	CSEQ_MAX       = 0x7fffffff,
};

enum reason {
	REASON_NONE = 0,
	REASON_INVALID,
	REASON_TOO_LARGE,
	REASON_EMPTY,
	REASON_NUL,
	REASON_LINE,
	REASON_REQLINE,
	REASON_VERSION,
	REASON_STATUS,
	REASON_URI,
	REASON_MALFORMED,
	REASON_MISSING,
	REASON_DUPLICATE,
	REASON_CSEQ,
	REASON_MISMATCH,
	REASON_CLEN,
	REASON_HEADER,
	REASON_COUNT
};

/* The header fields the check looks at */
enum hdr {
	HDR_VIA = 0,
	HDR_FROM,
	HDR_TO,
	HDR_CALLID,
	HDR_CSEQ,
	HDR_MAXFWD,
	HDR_CLEN,
	HDR_CTYPE,
	HDR_CONTACT,
	HDR_DATE,
	HDR_ROUTE,
	HDR_RROUTE,
	HDR_OTHER
};

#define BIT(h) (1u << (h))

/* What the header scan found: count and first value of each field */
struct scan {
	uint32_t cnt[HDR_OTHER];
	struct pl val[HDR_OTHER];
	enum reason badr;      /* first problem in a field's value ...   */
	const char *bad;       /* ... its detail                         */
	enum hdr badh;         /* ... and the field it was found in      */
};

/* The decision, and what the JSON reports */
struct verdict {
	enum reason reason;
	const char *detail;    /* static ASCII text, no '"' or '\'       */
	uint32_t hdrs;         /* fields named in the detail (BIT(hdr))  */
	const char *hdr;       /* the field a bad-header detail is about */
	int liberr;            /* sip_msg_decode's error, for malformed  */
	bool req;
	uint16_t status;
	uint32_t cseq;
	bool has_clen;
	uint32_t clen;
	size_t bodylen;
	struct sip_msg *msg;   /* kept for the JSON or the SIP stack     */
};


/*
 * The detail text is for check-sip's report (sipshield-check.wasm).  The
 * page core (sipshield-core.wasm) compiles the files of this module with
 * PAGE_CORE: the same decisions and reason codes, no text, which nothing
 * there reads.  Its verdicts keep no detail at all (NULL): one constant
 * in every file, so the link drops check_refuse's third argument.
 */
#ifdef PAGE_CORE
#define BAD(text) ""
#define refuse(v, r, detail) check_refuse(v, r, NULL)
#else
#define BAD(text) text
#define refuse(v, r, detail) check_refuse(v, r, detail)
#endif

/* head.c */
size_t check_head_end(const uint8_t *buf, size_t len, bool *nul);
int check_request_line(struct verdict *v, struct sip_msg *msg,
		       const uint8_t *p, size_t n);
int check_status_line(struct verdict *v, struct sip_msg *msg,
		      const uint8_t *p, size_t n);
int check_headers(struct verdict *v, struct scan *s, struct sip_msg *msg,
		  const uint8_t *buf, size_t start, size_t end);

/* grammar.c */
int  check_refuse(struct verdict *v, enum reason r, const char *detail);
bool check_token_char(uint8_t c);
bool check_digit(uint8_t c);
bool check_wsp(uint8_t c);
bool check_lws(uint8_t c);
bool check_uri_char(uint8_t c);
bool check_scheme(const uint8_t *p, size_t n, size_t *slen);
void check_trim_end(struct pl *pl);
void check_trim(struct pl *pl);

enum {
	ADDR_LIST     = 1,  /* a comma-separated list      */
	ADDR_STAR     = 2,  /* "*" allowed (Contact)       */
	ADDR_NAMEADDR = 4,  /* <URI> required (rec-route)  */
};

extern const char check_addr_long[];
const char *check_addr(const struct pl *val, int flags);
const char *check_date(const struct pl *val);
const char *check_ctype(const struct pl *val);
int check_cseq(struct verdict *v, const struct pl *val, struct pl *met);
int check_clen(struct verdict *v, const struct pl *val);

/* report.c (not in the page core) */
extern const char *const check_hdr_name[HDR_OTHER];
const char *check_diagnose(const struct scan *s, bool req,
			   const uint8_t *ver);
int check_report(struct mbuf *mb, const struct verdict *v);
const char *check_reason_code(enum reason r);  /* and the debug log's */
