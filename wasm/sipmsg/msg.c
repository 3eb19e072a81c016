/**
 * @file sipmsg/msg.c  SIP messages with one allocation for their headers
 *
 * Replaces libre 1.1.0 src/sip/msg.c: the same struct sip_msg, the same
 * header list (hdrl) and the same answers from the sip_msg_hdr and
 * sip_msg_xhdr lookups.  libre allocates every header and a 32-bucket hash
 * table per message; here the headers live in one array behind the
 * message, and the lookups walk the list of header values (linked through
 * each header's hash element, he) instead of one bucket: the same headers
 * in the same order.
 *
 * There is no second reader of the message text here: the strict check
 * (wasm/check/: head.c), which splits the start line and the header fields
 * anyway, builds the message through sipmsg_alloc, sipmsg_field and
 * sipmsg_end, and its sip_msg_decode() is libre's.  sipmsg_field() splits
 * one field's value the way libre's decoder does, quirks included (the
 * tests compare every message the check accepts with libre's own result):
 * values of the fields libre knows as comma-separated become one entry
 * each, a quote opened in one field still counts at the first octet of
 * the next field's value, an empty value points at the next line, and the
 * whitespace before a comma is not trimmed from the whole-line entry.
 */
#include <ctype.h>
#include <re.h>
#include "sipmsg.h"


enum {
	HDRS_MIN      = 32,
	HDR_HASH_SIZE = 32,    /* libre's buckets, for sip_msg_dump */
};

/* What libre gets is msg; the headers follow it */
struct msg {
	struct sip_msg msg;
	struct list vals;      /* header values, by he: libre's hash table */
	struct sip_hdr *hdrv;
	uint32_t hdrc;         /* used                                     */
	uint32_t hdrn;         /* allocated                                */
	bool quote;            /* in a quoted string (libre's, see above)  */
};


static void destructor(void *arg)
{
	struct msg *m = arg;

	mem_deref(m->hdrv);
	mem_deref(m->msg.sock);
	mem_deref(m->msg.mb);
}


static bool lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}


/*
 * libre's hash_joaat_ci(), with tolower() called only off ASCII: there
 * C libraries differ (glibc's gives an octet, musl's the negative char),
 * and the header ids with them
 */
static uint32_t joaat_ci(const char *p, size_t l)
{
	uint32_t h = 0;

	while (l--) {
		int c = *p++;

		if ('A' <= c && c <= 'Z')
			c += 'a' - 'A';
		else if (c < 0 || c > 0x7f)
			c = tolower(c);

		h += c;
		h += h << 10;
		h ^= h >> 6;
	}

	h += h << 3;
	h ^= h >> 11;
	h += h << 15;

	return h;
}


/**
 * The id libre gives a header field name (enum sip_hdrid: a hash of the
 * name, SIP_HDR_NONE for X- names; compact forms get their long form's)
 *
 * @param name Field name
 *
 * @return Header id
 */
enum sip_hdrid sipmsg_hdr_id(const struct pl *name)
{
	if (!name->l)
		return SIP_HDR_NONE;

	if (name->l > 1) {
		if ((name->p[0] | 0x20) == 'x' && name->p[1] == '-')
			return SIP_HDR_NONE;

		return (enum sip_hdrid)(joaat_ci(name->p, name->l) & 0xfff);
	}

	/* RFC 3261 7.3.3 and later RFCs: compact forms */
	switch (name->p[0] | 0x20) {

	case 'a': return SIP_HDR_ACCEPT_CONTACT;
	case 'b': return SIP_HDR_REFERRED_BY;
	case 'c': return SIP_HDR_CONTENT_TYPE;
	case 'd': return SIP_HDR_REQUEST_DISPOSITION;
	case 'e': return SIP_HDR_CONTENT_ENCODING;
	case 'f': return SIP_HDR_FROM;
	case 'i': return SIP_HDR_CALL_ID;
	case 'j': return SIP_HDR_REJECT_CONTACT;
	case 'k': return SIP_HDR_SUPPORTED;
	case 'l': return SIP_HDR_CONTENT_LENGTH;
	case 'm': return SIP_HDR_CONTACT;
	case 'n': return SIP_HDR_IDENTITY_INFO;
	case 'o': return SIP_HDR_EVENT;
	case 'r': return SIP_HDR_REFER_TO;
	case 's': return SIP_HDR_SUBJECT;
	case 't': return SIP_HDR_TO;
	case 'u': return SIP_HDR_ALLOW_EVENTS;
	case 'v': return SIP_HDR_VIA;
	case 'x': return SIP_HDR_SESSION_EXPIRES;
	case 'y': return SIP_HDR_IDENTITY;
	default:  return SIP_HDR_NONE;
	}
}


/* Header fields whose values libre splits at commas */
static bool hdr_comma_separated(enum sip_hdrid id)
{
	switch (id) {

	case SIP_HDR_ACCEPT:
	case SIP_HDR_ACCEPT_CONTACT:
	case SIP_HDR_ACCEPT_ENCODING:
	case SIP_HDR_ACCEPT_LANGUAGE:
	case SIP_HDR_ACCEPT_RESOURCE_PRIORITY:
	case SIP_HDR_ALERT_INFO:
	case SIP_HDR_ALLOW:
	case SIP_HDR_ALLOW_EVENTS:
	case SIP_HDR_AUTHENTICATION_INFO:
	case SIP_HDR_CALL_INFO:
	case SIP_HDR_CONTACT:
	case SIP_HDR_CONTENT_ENCODING:
	case SIP_HDR_CONTENT_LANGUAGE:
	case SIP_HDR_ERROR_INFO:
	case SIP_HDR_HISTORY_INFO:
	case SIP_HDR_IN_REPLY_TO:
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_P_ASSOCIATED_URI:
	case SIP_HDR_P_EARLY_MEDIA:
	case SIP_HDR_P_MEDIA_AUTHORIZATION:
	case SIP_HDR_P_PREFERRED_IDENTITY:
	case SIP_HDR_P_REFUSED_URI_LIST:
	case SIP_HDR_P_VISITED_NETWORK_ID:
	case SIP_HDR_PATH:
	case SIP_HDR_PERMISSION_MISSING:
	case SIP_HDR_PROXY_REQUIRE:
	case SIP_HDR_REASON:
	case SIP_HDR_RECORD_ROUTE:
	case SIP_HDR_REJECT_CONTACT:
	case SIP_HDR_REQUEST_DISPOSITION:
	case SIP_HDR_REQUIRE:
	case SIP_HDR_RESOURCE_PRIORITY:
	case SIP_HDR_ROUTE:
	case SIP_HDR_SECURITY_CLIENT:
	case SIP_HDR_SECURITY_SERVER:
	case SIP_HDR_SECURITY_VERIFY:
	case SIP_HDR_SERVICE_ROUTE:
	case SIP_HDR_SUPPORTED:
	case SIP_HDR_TRIGGER_CONSENT:
	case SIP_HDR_UNSUPPORTED:
	case SIP_HDR_VIA:
	case SIP_HDR_WARNING:
		return true;

	default:
		return false;
	}
}


/* The fields of struct sip_msg that libre decodes from a header value */
static int hdr_parse(struct sip_msg *msg, enum sip_hdrid id,
		     const struct pl *val, bool atomic)
{
	int err = 0;

	switch (id) {

	case SIP_HDR_VIA:
		if (!atomic || pl_isset(&msg->via.sentby))
			break;

		err = sip_via_decode(&msg->via, val);
		break;

	case SIP_HDR_TO:
		err = sip_addr_decode((struct sip_addr *)&msg->to, val);
		if (err)
			break;

		(void)msg_param_decode(&msg->to.params, "tag", &msg->to.tag);
		msg->to.val = *val;
		break;

	case SIP_HDR_FROM:
		err = sip_addr_decode((struct sip_addr *)&msg->from, val);
		if (err)
			break;

		(void)msg_param_decode(&msg->from.params, "tag",
				       &msg->from.tag);
		msg->from.val = *val;
		break;

	case SIP_HDR_CALL_ID:
		msg->callid = *val;
		break;

	case SIP_HDR_CSEQ:
		err = sip_cseq_decode(&msg->cseq, val);
		break;

	case SIP_HDR_MAX_FORWARDS:
		msg->maxfwd = *val;
		break;

	case SIP_HDR_CONTENT_TYPE:
		err = msg_ctype_decode(&msg->ctyp, val);
		break;

	case SIP_HDR_CONTENT_LENGTH:
		msg->clen = *val;
		break;

	case SIP_HDR_EXPIRES:
		msg->expires = *val;
		break;

	default:
		break;
	}

	return err;
}


/*
 * One header value: atomic ones (each comma-separated value) are what the
 * lookups find, line ones (a whole line) are the list; a Via or Route
 * value is both or neither (and then libre's hdr_parse ignores it).  Until
 * the array stops growing, le.data and he.data only mark the lists an
 * entry goes in.  Parsing waits for sipmsg_end().
 */
static int hdr_add(struct msg *m, const struct pl *name, enum sip_hdrid id,
		   const char *p, ssize_t l, bool atomic, bool line)
{
	static const struct le le0 = LE_INIT;
	struct sip_hdr *hdr;
	struct pl val;

	val.p = p;
	val.l = l > 0 ? (size_t)l : 0;

	if (id == SIP_HDR_VIA || id == SIP_HDR_ROUTE)
		line = atomic;

	if (!atomic && !line)
		return 0;

	if (m->hdrc == m->hdrn) {
		const uint32_t n = m->hdrn ? 2 * m->hdrn : HDRS_MIN;
		struct sip_hdr *v;

		v = mem_reallocarray(m->hdrv, n, sizeof(*v), NULL);
		if (!v)
			return ENOMEM;

		m->hdrv = v;
		m->hdrn = n;
	}

	hdr = &m->hdrv[m->hdrc++];
	hdr->le   = le0;
	hdr->he   = le0;
	hdr->name = *name;
	hdr->val  = val;
	hdr->id   = id;
	hdr->le.data = line ? &m->msg.hdrl : NULL;
	hdr->he.data = atomic ? &m->vals : NULL;

	return 0;
}


static void hdrs_link(struct msg *m)
{
	uint32_t i;

	for (i = 0; i < m->hdrc; ++i) {
		struct sip_hdr *hdr = &m->hdrv[i];

		if (hdr->le.data)
			list_append(&m->msg.hdrl, &hdr->le, hdr);

		if (hdr->he.data)
			list_append(&m->vals, &hdr->he, hdr);
	}
}


/**
 * Start a message for its decoder (wasm/check/), which fills in the
 * start line fields
 *
 * @param msgp Pointer to allocated SIP Message, without headers
 * @param mb   Buffer with the message text, referenced by the message
 *
 * @return 0 if success, otherwise errorcode
 */
int sipmsg_alloc(struct sip_msg **msgp, struct mbuf *mb)
{
	struct msg *m;

	if (!msgp || !mb)
		return EINVAL;

	m = mem_zalloc(sizeof(*m), destructor);
	if (!m)
		return ENOMEM;

	m->msg.mb = mem_ref(mb);
	*msgp = &m->msg;

	return 0;
}


/**
 * Add one header field, as libre's decoder splits it (see above)
 *
 * @param msg  SIP Message from sipmsg_alloc()
 * @param name Field name, without whitespace
 * @param id   Its id, sipmsg_hdr_id(name)
 * @param p    Field value: from after the ':' to the end of its last line,
 *             folds included
 * @param l    Length of the value
 * @param next Start of the next line (or of the body): where an empty
 *             value points
 *
 * @return 0 if success, otherwise errorcode
 */
int sipmsg_field(struct sip_msg *msg, const struct pl *name,
		 enum sip_hdrid id, const char *p, size_t l, const char *next)
{
	struct msg *m = (struct msg *)(void *)msg;
	const bool comsep = hdr_comma_separated(id);
	const char *e = p + l, *v = NULL, *cv = NULL;
	ssize_t ws = 0;  /* whitespace since the last octet of a value */
	int err;

	for (; p < e; ++p) {

		if (lws(*p)) {
			++ws;
			continue;
		}

		if (*p == ',' && comsep && !m->quote) {
			err = hdr_add(m, name, id, cv ? cv : p,
				      cv ? p - cv - ws : 0, true, false);
			if (err)
				return err;

			cv = NULL;
			continue;
		}

		if (!cv) {
			m->quote = false;
			cv = p;
		}

		if (!v)
			v = p;

		if (*p == '"')
			m->quote = !m->quote;

		ws = 0;
	}

	err = hdr_add(m, name, id, cv ? cv : next, cv ? e - cv - ws : 0,
		      true, cv == v);
	if (err || cv == v)
		return err;

	return hdr_add(m, name, id, v ? v : next, v ? e - v - ws : 0,
		       false, true);
}


/**
 * Finish a message: decode the fields libre decodes (Via, From, To,
 * Call-ID, CSeq, ...) and link the header lists
 *
 * @param msg SIP Message from sipmsg_alloc() and sipmsg_field()
 *
 * @return 0 if success, otherwise the first field's decode error
 */
int sipmsg_end(struct sip_msg *msg)
{
	struct msg *m = (struct msg *)(void *)msg;
	uint32_t i;
	int err;

	for (i = 0; i < m->hdrc; ++i) {
		const struct sip_hdr *hdr = &m->hdrv[i];

		err = hdr_parse(msg, hdr->id, &hdr->val, hdr->he.data != NULL);
		if (err)
			return err;
	}

	hdrs_link(m);

	return 0;
}


static const struct list *vals(const struct sip_msg *msg)
{
	return &((const struct msg *)(const void *)msg)->vals;
}


/**
 * Get a SIP Header from a SIP Message
 *
 * @param msg SIP Message
 * @param id  SIP Header ID
 *
 * @return SIP Header if found, NULL if not found
 */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdrid id)
{
	return sip_msg_hdr_apply(msg, true, id, NULL, NULL);
}


/**
 * Apply a function handler to certain SIP Headers
 *
 * @param msg SIP Message
 * @param fwd True to traverse forwards, false to traverse backwards
 * @param id  SIP Header ID
 * @param h   Function handler
 * @param arg Handler argument
 *
 * @return SIP Header if handler returns true, otherwise NULL
 */
const struct sip_hdr *sip_msg_hdr_apply(const struct sip_msg *msg,
					bool fwd, enum sip_hdrid id,
					sip_hdr_h *h, void *arg)
{
	struct le *le;

	if (!msg)
		return NULL;

	le = fwd ? list_head(vals(msg)) : list_tail(vals(msg));

	while (le) {
		const struct sip_hdr *hdr = le->data;

		le = fwd ? le->next : le->prev;

		if (hdr->id != id)
			continue;

		if (!h || h(hdr, msg, arg))
			return hdr;
	}

	return NULL;
}


/**
 * Get an unknown SIP Header from a SIP Message
 *
 * @param msg  SIP Message
 * @param name Header name
 *
 * @return SIP Header if found, NULL if not found
 */
const struct sip_hdr *sip_msg_xhdr(const struct sip_msg *msg, const char *name)
{
	return sip_msg_xhdr_apply(msg, true, name, NULL, NULL);
}


/**
 * Apply a function handler to certain unknown SIP Headers
 *
 * @param msg  SIP Message
 * @param fwd  True to traverse forwards, false to traverse backwards
 * @param name SIP Header name
 * @param h    Function handler
 * @param arg  Handler argument
 *
 * @return SIP Header if handler returns true, otherwise NULL
 */
const struct sip_hdr *sip_msg_xhdr_apply(const struct sip_msg *msg,
					 bool fwd, const char *name,
					 sip_hdr_h *h, void *arg)
{
	struct le *le;
	struct pl pl;

	if (!msg || !name)
		return NULL;

	pl_set_str(&pl, name);

	le = fwd ? list_head(vals(msg)) : list_tail(vals(msg));

	while (le) {
		const struct sip_hdr *hdr = le->data;

		le = fwd ? le->next : le->prev;

		if (pl_casecmp(&hdr->name, &pl))
			continue;

		if (!h || h(hdr, msg, arg))
			return hdr;
	}

	return NULL;
}


static bool count_handler(const struct sip_hdr *hdr, const struct sip_msg *msg,
			  void *arg)
{
	uint32_t *n = arg;
	(void)hdr;
	(void)msg;

	++(*n);

	return false;
}


/**
 * Count the number of SIP Headers
 *
 * @param msg SIP Message
 * @param id  SIP Header ID
 *
 * @return Number of SIP Headers
 */
uint32_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdrid id)
{
	uint32_t n = 0;

	sip_msg_hdr_apply(msg, true, id, count_handler, &n);

	return n;
}


/**
 * Count the number of unknown SIP Headers
 *
 * @param msg  SIP Message
 * @param name SIP Header name
 *
 * @return Number of SIP Headers
 */
uint32_t sip_msg_xhdr_count(const struct sip_msg *msg, const char *name)
{
	uint32_t n = 0;

	sip_msg_xhdr_apply(msg, true, name, count_handler, &n);

	return n;
}


static bool value_handler(const struct sip_hdr *hdr, const struct sip_msg *msg,
			  void *arg)
{
	(void)msg;

	return 0 == pl_strcasecmp(&hdr->val, (const char *)arg);
}


/**
 * Check if a SIP Header matches a certain value
 *
 * @param msg   SIP Message
 * @param id    SIP Header ID
 * @param value Header value to check
 *
 * @return True if value matches, false if not
 */
bool sip_msg_hdr_has_value(const struct sip_msg *msg, enum sip_hdrid id,
			   const char *value)
{
	return NULL != sip_msg_hdr_apply(msg, true, id, value_handler,
					 (void *)value);
}


/**
 * Check if an unknown SIP Header matches a certain value
 *
 * @param msg   SIP Message
 * @param name  SIP Header name
 * @param value Header value to check
 *
 * @return True if value matches, false if not
 */
bool sip_msg_xhdr_has_value(const struct sip_msg *msg, const char *name,
			    const char *value)
{
	return NULL != sip_msg_xhdr_apply(msg, true, name, value_handler,
					  (void *)value);
}


/**
 * Print a SIP Message to stdout (the values in libre's hash order, then
 * the lines)
 *
 * @param msg SIP Message
 */
void sip_msg_dump(const struct sip_msg *msg)
{
	struct le *le;
	uint32_t i;

	if (!msg)
		return;

	for (i = 0; i < HDR_HASH_SIZE; ++i) {

		for (le = list_head(vals(msg)); le; le = le->next) {
			const struct sip_hdr *hdr = le->data;

			if (((uint32_t)hdr->id & (HDR_HASH_SIZE - 1)) != i)
				continue;

			(void)re_printf("%02u '%r'='%r'\n", i, &hdr->name,
					&hdr->val);
		}
	}

	for (le = list_head(&msg->hdrl); le; le = le->next) {
		const struct sip_hdr *hdr = le->data;

		(void)re_printf("%02u '%r'='%r'\n", hdr->id, &hdr->name,
				&hdr->val);
	}
}
