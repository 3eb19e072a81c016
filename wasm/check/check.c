/**
 * @file check.c  Strict check of one incoming SIP message: the decision
 *
 * One input is one WebSocket message, which carries exactly one SIP
 * message (RFC 7118), so the frame is the message boundary: without
 * Content-Length the body is the rest of the frame (as over UDP, RFC 3261
 * 18.3), and octets after Content-Length worth of body are ignored (RFC
 * 4475 3.1.1.8).  The check is also the decoder: as it splits the start
 * line and the header fields it builds the message (wasm/sipmsg) that
 * libre's sip_msg_decode would give, and on the receive path that message
 * is the one the SIP stack gets (check_sip_msg): a frame is read once.
 * Around the decoding go the checks libre's lenient decoder leaves out.
 * They run in the order of this table (too-long where the part it
 * measures is read); the first that fails gives the (stable) reason code:
 *
 *   code                 errno            refused when
 *   -------------------- ---------------- --------------------------------
 *   invalid-argument     EINVAL           the buffer is NULL
 *   too-large            EMSGSIZE         more than CHECK_SIZE_MAX octets
 *   empty                EBADMSG          no octets, or only CR LF SP HT
 *   nul-byte             EBADMSG          a NUL octet before the end of
 *                                         the header section (even one
 *                                         escaped in a quoted-string,
 *                                         RFC 4475 3.1.1.2: header values
 *                                         end up in C and JS strings)
 *   malformed            EBADMSG          no line end after the start
 *                                         line, or an empty start line
 *   bad-request-line     EBADMSG          Request-Line is not Method SP
 *                                         Request-URI SP SIP-Version (RFC
 *                                         3261 7.1, 25.1): extra or
 *                                         trailing SP, LWS inside the URI,
 *                                         a <>-enclosed URI, a Method that
 *                                         is not a token, a control
 *                                         character, no SIP-Version
 *   bad-version          EPROTONOSUPPORT  SIP-Version is not SIP/2.0
 *                                         (RFC 3261 21.5.6, 505)
 *   bad-status           EBADMSG          Status-Code is not 3 digits in
 *                                         100-699 (RFC 3261 21), or the
 *                                         Status-Line is not SIP-Version
 *                                         SP Status-Code SP Reason-Phrase
 *                                         (RFC 3261 7.2)
 *   bad-uri              EBADMSG          Request-URI without a scheme,
 *                                         with an octet not allowed in a
 *                                         URI, not parsed by libre's
 *                                         uri_decode, or a SIP(S) URI with
 *                                         headers (RFC 3261 19.1.1)
 *   too-long             EMSGSIZE         start line or a header field
 *                                         (with its folded lines) longer
 *                                         than CHECK_LINE_MAX octets, a
 *                                         Request-URI longer than
 *                                         CHECK_URI_MAX, or one From, To,
 *                                         Contact, Route or Record-Route
 *                                         address longer than
 *                                         CHECK_ADDR_MAX (libre's regex
 *                                         parsers take quadratic time)
 *   malformed            EBADMSG          header section not ended by an
 *                                         empty line (incomplete), a
 *                                         header line without ':', a
 *                                         header name that is not a token,
 *                                         a folded line before the first
 *                                         header (RFC 3261 7.3.1)
 *   missing-header       EBADMSG          no (or an empty) Via, From, To,
 *                                         Call-ID or CSeq (RFC 3261 8.1.1);
 *                                         the detail names them
 *   duplicate-header     EBADMSG          more than one Call-ID, From, To,
 *                                         CSeq, Max-Forwards,
 *                                         Content-Length or Content-Type
 *                                         (RFC 3261 7.3.1); detail names
 *   bad-cseq             EBADMSG          CSeq is not 1*DIGIT LWS Method,
 *                                         or the number is above 2^31-1
 *                                         (RFC 3261 8.1.1.5, 20.16)
 *   cseq-method-mismatch EBADMSG          request Method differs from the
 *                                         CSeq method (RFC 3261 8.1.1.5)
 *   content-length       EBADMSG          Content-Length is negative, not
 *                                         a number, or above 2^32-1 (RFC
 *                                         3261 20.14)
 *   bad-header           EBADMSG          From, To, Contact, Route or
 *                                         Record-Route not name-addr /
 *                                         addr-spec (unterminated quote,
 *                                         LWS inside <>, a display name
 *                                         that is neither tokens nor a
 *                                         quoted-string, a URI with '?' or
 *                                         ',' outside <>, empty parameter;
 *                                         RFC 3261 20.10, 25.1), a
 *                                         Content-Type that is not
 *                                         type/subtype (20.15), a Date
 *                                         that is not RFC 1123 GMT (20.17)
 *   malformed            EBADMSG          libre's sip_msg_decode would
 *                                         refuse the message: its parsers
 *                                         of Via, From, To, CSeq or
 *                                         Content-Type fail, or its start
 *                                         line rules (SIP-Version in upper
 *                                         case); the detail says why when
 *                                         it can tell (e.g. a top Via
 *                                         without branch, libre needs one)
 *   content-length       EBADMSG          Content-Length larger than the
 *                                         body in the frame (RFC 4475
 *                                         3.1.2.2)
 *
 * Not checked: Max-Forwards (a UA may get requests without it, RFC 2543),
 * the syntax of other header fields, and every Via value but the top one.
 * A response with more than one Via is accepted ("via" counts them): a UAC
 * discards it (RFC 3261 8.1.3.3), but that is the transaction layer's
 * call, and captures taken between proxies have several.
 *
 * The check is in four files (priv.h): this one decides and holds the
 * entry points, head.c reads the start line and the header section,
 * grammar.c checks field values, report.c writes check-sip's JSON.
 */
#include <string.h>
#include <strings.h>
#include <re.h>
#include "sipmsg.h"
#include "check.h"
#include "priv.h"


#define DEBUG_MODULE "check"
#include <re_dbg.h>


static const uint32_t hdrs_required = BIT(HDR_VIA) | BIT(HDR_FROM) |
	BIT(HDR_TO) | BIT(HDR_CALLID) | BIT(HDR_CSEQ);
static const uint32_t hdrs_single = BIT(HDR_CALLID) | BIT(HDR_FROM) |
	BIT(HDR_TO) | BIT(HDR_CSEQ) | BIT(HDR_MAXFWD) | BIT(HDR_CLEN) |
	BIT(HDR_CTYPE);


/* What libre's decoder made of a start line the checks accept */
static bool libre_start_line(const struct verdict *v,
			     const struct sip_msg *msg)
{
	/* a request's SIP-Version in upper case, and a response is one
	 * unless its Reason-Phrase reads "SIP/2.0" */
	return v->req ? !pl_strcmp(&msg->ver, "SIP/2.0") :
		pl_strcmp(&msg->reason, "SIP/2.0") != 0;
}


/*
 * The one decision behind check_sip, check_sip_fast, check_sip_msg and
 * sip_msg_decode, on the message at mb's position.  Returns 0 if the
 * message is accepted, the reason's errno if refused (v->reason set), or
 * another errno (ENOMEM) if the check itself failed.  An accepted message
 * is built on mb as it is checked (wasm/sipmsg: one pass over the text);
 * with keep it stays in v->msg (without its tag) and mb's position moves
 * to the body.
 */
static int decide(struct verdict *v, struct mbuf *mb, bool keep)
{
	const uint8_t *buf = mbuf_buf(mb);
	const size_t len = mbuf_get_left(mb);
	struct scan s;
	struct sip_msg *msg = NULL;
	struct pl met;
	const uint8_t *nl;
	size_t i, he, sl, hs;
	uint32_t h, miss = 0, dup = 0;
	bool nul = false;
	int err;

	if (len > CHECK_SIZE_MAX)
		return refuse(v, REASON_TOO_LARGE,
			      "message larger than 65536 octets");

	for (i = 0; i < len; ++i) {
		if (!(check_wsp(buf[i]) || buf[i] == '\r' || buf[i] == '\n'))
			break;
	}

	if (i == len)
		return refuse(v, REASON_EMPTY, "no SIP message in the frame");

	he = check_head_end(buf, len, &nul);
	if (nul)
		return refuse(v, REASON_NUL, "NUL octet in the message head");

	nl = memchr(buf, '\n', len);
	if (!nl)
		return refuse(v, REASON_MALFORMED,
			      "start line not ended by CRLF");

	hs = nl - buf + 1;
	for (sl = hs - 1; sl > 0 && buf[sl - 1] == '\r'; --sl)
		;

	if (sl == 0)
		return refuse(v, REASON_MALFORMED,
			      "empty line before the start line");

	if (sl > CHECK_LINE_MAX)
		return refuse(v, REASON_LINE,
			      "start line longer than 8192 octets");

	err = sipmsg_alloc(&msg, mb);
	if (err)
		return err;

	v->req = msg->req = !(sl >= 4 &&
			      !strncasecmp((const char *)buf, "SIP/", 4));

	if (v->req)
		err = check_request_line(v, msg, buf, sl);
	else
		err = check_status_line(v, msg, buf, sl);
	if (err)
		goto out;

	if (!he) {
		err = refuse(v, REASON_MALFORMED, "header section not ended "
			     "by an empty line");
		goto out;
	}

	memset(&s, 0, sizeof(s));
	err = check_headers(v, &s, msg, buf, hs, he);
	if (err)
		goto out;

	for (h = 0; h < HDR_OTHER; ++h) {

		if ((BIT(h) & hdrs_required) && !s.val[h].l)
			miss |= BIT(h);

		if ((BIT(h) & hdrs_single) && s.cnt[h] > 1)
			dup |= BIT(h);
	}

	if (miss) {
		v->hdrs = miss;
		err = refuse(v, REASON_MISSING,
			     "missing or empty required header");
		goto out;
	}

	if (dup) {
		v->hdrs = dup;
		err = refuse(v, REASON_DUPLICATE,
			     "header allowed once appears more than once");
		goto out;
	}

	err = check_cseq(v, &s.val[HDR_CSEQ], &met);
	if (err)
		goto out;

	if (v->req && pl_cmp(&msg->met, &met)) {
		err = refuse(v, REASON_MISMATCH, "CSeq method "
			     "differs from the request Method");
		goto out;
	}

	if (s.cnt[HDR_CLEN]) {
		err = check_clen(v, &s.val[HDR_CLEN]);
		if (err)
			goto out;
	}

	if (s.bad) {
		v->hdr = BAD(check_hdr_name[s.badh]);
		err = refuse(v, s.badr, s.bad);
		goto out;
	}

	/* what libre's sip_msg_decode refuses of what passed */
	err = libre_start_line(v, msg) ? sipmsg_end(msg) : EBADMSG;
	if (err == ENOMEM)
		goto out;
	if (err) {
		v->liberr = err;
		err = refuse(v, REASON_MALFORMED,
			     check_diagnose(&s, v->req, buf + sl - 7));
		goto out;
	}

	if (v->has_clen && v->clen > len - he) {
		err = refuse(v, REASON_CLEN, "Content-Length larger than "
			     "the body in the frame");
		goto out;
	}

	v->bodylen = v->has_clen ? v->clen : len - he;

	if (keep) {
		mb->pos += he;
		v->msg = mem_ref(msg);
	}

 out:
	mem_deref(msg);

	return err;
}


/* A copy of the octets for the message to keep, then the decision */
static int decide_copy(struct verdict *v, const uint8_t *buf, size_t len,
		       bool keep)
{
	struct mbuf *mb;
	int err;

	if (!buf)
		return refuse(v, REASON_INVALID, "no message");

	if (len > CHECK_SIZE_MAX)
		return refuse(v, REASON_TOO_LARGE,
			      "message larger than 65536 octets");

	mb = mbuf_alloc(len ? len : 1);
	if (!mb)
		return ENOMEM;

	err = mbuf_write_mem(mb, buf, len);
	mb->pos = 0;
	if (!err)
		err = decide(v, mb, keep);

	mem_deref(mb);

	return err;
}


/**
 * Check one SIP message (one WebSocket frame) and describe it as JSON
 *
 * @param json Buffer for one JSON object, written at its position; may be
 *             NULL.  Nothing is written if the check itself fails (ENOMEM)
 * @param buf  The message octets
 * @param len  Number of octets
 *
 * @return 0 if accepted; EBADMSG, EMSGSIZE, EPROTONOSUPPORT or EINVAL if
 *         refused (see the table above); ENOMEM
 */
int check_sip(struct mbuf *json, const uint8_t *buf, size_t len)
{
	struct verdict v;
	size_t pos, end;
	int err, perr;

	memset(&v, 0, sizeof(v));

	err = decide_copy(&v, buf, len, json != NULL);
	if (!json || (err && !v.reason))
		goto out;

	pos = json->pos;
	end = json->end;

	perr = check_report(json, &v);
	if (perr) {
		json->pos = pos;
		json->end = end;
		err = perr;
	}

 out:
	mem_deref(v.msg);

	return err;
}


/**
 * Check one SIP message and decode it, once, for the SIP stack
 *
 * The same decision as check_sip_fast.  An accepted message comes back as
 * libre's sip_msg_decode gives it (random tag included), decoded from a
 * copy of the octets; its mbuf's position is at the body.
 *
 * @param msgp Set to the message if accepted
 * @param buf  The message octets
 * @param len  Number of octets
 *
 * @return 0 if accepted, otherwise the errno of the refusal or ENOMEM
 */
int check_sip_msg(struct sip_msg **msgp, const uint8_t *buf, size_t len)
{
	struct verdict v;
	int err;

	if (!msgp)
		return EINVAL;

	memset(&v, 0, sizeof(v));

	err = decide_copy(&v, buf, len, true);
	if (err) {
		DEBUG_INFO("refused a message: %s (%m)\n", v.reason ?
			   check_reason_code(v.reason) : "not checked", err);
		return err;
	}

	v.msg->tag = rand_u64();
	*msgp = v.msg;

	return 0;
}


/**
 * Decode a SIP message (libre's API, for its transactions and the tests)
 *
 * The same decision as check_sip_msg, on the octets in place: the message
 * points into @p mb, whose position moves to the body if accepted.
 *
 * @param msgp Pointer to allocated SIP Message
 * @param mb   Buffer containing the SIP Message
 *
 * @return 0 if success, otherwise the errno of the refusal or ENOMEM
 */
int sip_msg_decode(struct sip_msg **msgp, struct mbuf *mb)
{
	struct verdict v;
	int err;

	if (!msgp || !mb)
		return EINVAL;

	memset(&v, 0, sizeof(v));

	err = decide(&v, mb, true);
	if (err)
		return err;

	v.msg->tag = rand_u64();
	*msgp = v.msg;

	return 0;
}


/**
 * Check one SIP message without describing it (same decision as check_sip)
 *
 * @param buf  The message octets
 * @param len  Number of octets
 * @param cseq Set to the CSeq number if accepted; may be NULL
 *
 * @return 0 if accepted, otherwise the errno of the refusal or ENOMEM
 */
int check_sip_fast(const uint8_t *buf, size_t len, uint32_t *cseq)
{
	struct verdict v;
	int err;

	memset(&v, 0, sizeof(v));

	err = decide_copy(&v, buf, len, false);
	if (!err && cseq)
		*cseq = v.cseq;

	return err;
}
