/**
 * @file fastparse.h  The scanner behind the regex-free libre replacements
 *
 * The files of this module replace libre 1.1.0's src/uri/uri.c,
 * src/msg/param.c, src/msg/ctype.c, src/sip/via.c, src/sip/addr.c and
 * src/sip/cseq.c.  Each of libre's re_regex expressions there is written
 * out once, at compile time, as a list of steps for fastparse_match():
 * literals, and classes as bit masks over a 256-entry octet table.  The
 * scanner keeps re_regex's semantics, on which callers depend: it tries
 * each start offset in turn, every class is greedy and never gives back,
 * a class with too few octets retries at the next offset, a literal met
 * at the end of the input ends the whole search (ENOENT), and a class
 * stores its slice as soon as it matches, also in attempts that fail
 * later.  Literals and classes compare ASCII case-insensitively.
 */


/** Octet classes: every octet is in at most one */
enum fastparse_cls {
	FP_C_SP = 1,   /* ' '             */
	FP_C_CTL,      /* '\t' '\r' '\n'  */
	FP_C_SEMI,
	FP_C_COLON,
	FP_C_AT,
	FP_C_QM,
	FP_C_SLASH,
	FP_C_LT,
	FP_C_GT,
	FP_C_EQ,
	FP_C_AMP,
	FP_C_DIGIT,
	FP_C_HEX,      /* a-f A-F         */
	FP_C_LETTER,   /* g-z G-Z         */
};

/** Class masks, or-ed into the mask of a class step */
#define FP_M(c) (1 << FP_C_##c)
enum {
	FP_SP    = FP_M(SP),
	FP_WS    = FP_M(SP) | FP_M(CTL),
	FP_SEMI  = FP_M(SEMI),
	FP_COLON = FP_M(COLON),
	FP_AT    = FP_M(AT),
	FP_QM    = FP_M(QM),
	FP_SLASH = FP_M(SLASH),
	FP_LT    = FP_M(LT),
	FP_GT    = FP_M(GT),
	FP_EQ    = FP_M(EQ),
	FP_AMP   = FP_M(AMP),
	FP_DIGIT = FP_M(DIGIT),
	FP_HEX   = FP_M(HEX),
	FP_ALPHA = FP_M(HEX) | FP_M(LETTER),
};

/**
 * Steps: an octet 0x01-0x7d is a literal, FP_NAME the name argument as a
 * literal, FP_LWS "[ \t\r\n]*" (not stored), 0 the end.  A class is
 * FP_CLASS(flags, mask, out), flags or-ed from:
 *
 *   FP_NOT    [^mask]          (else [mask])
 *   FP_QUOTE  [~mask]          '\' takes the next octet, "..." is taken
 *                              whole, one pair of enclosing quotes is
 *                              not part of the slice
 *   FP_ONE    [mask]1, only as the first step (else * or +)
 *   FP_PLUS   at least one octet (after quotes are stripped)
 *
 * and out FP_OUT(type, field) (a struct pl in the base argument),
 * FP_LOC(i) (the i-th struct pl of the loc argument) or FP_SKIP.
 */
enum {
	FP_LWS   = 0x7e,
	FP_NAME  = 0x7f,
	FP_NOT   = 1 << 0,
	FP_QUOTE = 1 << 1 | FP_NOT,
	FP_ONE   = 1 << 2,
	FP_PLUS  = 1 << 3,
	FP_SKIP  = 0xff,
};

/* out: slices are pointer-aligned and less than 128 pointers in */
#define FP_CLASS(flags, mask, out) \
	(0x80 | (flags)), ((mask) & 0xff), ((mask) >> 8), (out)
#define FP_OUT(type, field) (offsetof(type, field) / sizeof(void *))
#define FP_LOC(i) (0x80 | (i) * sizeof(struct pl) / sizeof(void *))


int  fastparse_match(const struct pl *pl, const uint8_t *steps,
		     const struct pl *name, void *base, struct pl *loc);
