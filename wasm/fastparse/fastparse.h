/**
 * @file fastparse.h  Scanners shared by the regex-free libre replacements
 *
 * The files of this module replace libre 1.1.0's src/uri/uri.c,
 * src/msg/param.c, src/msg/ctype.c, src/sip/via.c, src/sip/addr.c and
 * src/sip/cseq.c with hand-written scanners that give the same results
 * as libre's re_regex patterns, search semantics included: re_regex
 * tries each start offset in turn, every class is greedy and never gives
 * back, a class with too few octets retries at the next offset, and a
 * literal met at the end of the input ends the whole search (ENOENT).
 * Literals compare ASCII case-insensitively, as classes do.
 */


/** Octet classes, or-ed into masks for fastparse_span() */
enum {
	FP_SP    = 1 << 0,   /* ' '                 */
	FP_CTL   = 1 << 1,   /* '\t' '\r' '\n'      */
	FP_WS    = FP_SP | FP_CTL,
	FP_SEMI  = 1 << 2,
	FP_COLON = 1 << 3,
	FP_AT    = 1 << 4,
	FP_QM    = 1 << 5,
	FP_SLASH = 1 << 6,
	FP_LT    = 1 << 7,
	FP_GT    = 1 << 8,
	FP_EQ    = 1 << 9,
	FP_AMP   = 1 << 10,
	FP_DIGIT = 1 << 11,
	FP_HEX   = 1 << 12,  /* a-f A-F             */
	FP_ALPHA = 1 << 13,  /* a-z A-Z             */
};

/** What one attempt at one start offset gives (as in re_regex) */
enum fastparse_res {
	FP_MATCH = 0,
	FP_RETRY,            /* no match here: try the next offset     */
	FP_STOP,             /* literal at the end: the search is over */
};

/** Longest names that fit libre's 128-octet expression buffers */
enum {
	FP_PARAM_NAME_MAX  = 95,   /* msg_param_decode  */
	FP_EXISTS_NAME_MAX = 110,  /* msg_param_exists  */
	FP_URIPAR_NAME_MAX = 116,  /* uri_param_get     */
	FP_URIHDR_NAME_MAX = 115,  /* uri_header_get    */
};

const char *fastparse_span(const char *p, const char *e, unsigned set,
			   bool in);
const char *fastparse_qspan(const char *p, const char *e, unsigned stop);
enum fastparse_res fastparse_lit(const char **pp, const char *e,
				 const char *s, size_t n);
bool fastparse_name_ok(const char *s, size_t n, size_t max);


/* Octets while in (or until) one of the classes in set */
static inline const char *fp_in(const char *p, const char *e, unsigned set)
{
	return fastparse_span(p, e, set, true);
}


static inline const char *fp_to(const char *p, const char *e, unsigned set)
{
	return fastparse_span(p, e, set, false);
}


static inline void fp_pl(struct pl *pl, const char *p, const char *e)
{
	pl->p = p;
	pl->l = e - p;
}
