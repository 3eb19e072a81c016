/**
 * @file sipmsg/msg.c  SIP message decode with one allocation for headers
 *
 * Replaces libre 1.1.0 src/sip/msg.c with the same API and results: the
 * same struct sip_msg, the same header list (hdrl) and the same answers
 * from the sip_msg_hdr and sip_msg_xhdr lookups.  libre allocates every
 * header and a 32-bucket hash table per message; here the headers live in
 * one array behind the message, and the lookups walk the list of header
 * values (linked through each header's hash element, he) instead of one
 * bucket: the same headers in the same order.
 *
 * sipmsg_decode() is sip_msg_decode() without the random tag: the message
 * check decodes every frame and needs none, and drawing one from the DRBG
 * costs more than the decode.
 */
#include <ctype.h>
#include <re.h>
#include "sipmsg.h"


enum {
	STARTLINE_MAX = 8192,
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


/* The octets with a meaning to the header loop (all below 64) */
#define OCTET(c) ((uint64_t)1 << (c))
static const uint64_t special = OCTET(' ') | OCTET('\t') | OCTET('\r') |
	OCTET('\n') | OCTET(',') | OCTET('"') | OCTET(':');


/* How many octets from p libre's loop would take one by one, inside a
 * name or a value, only to set ws to 0 */
static size_t plain_run(const char *p, size_t l)
{
	size_t n;

	for (n = 0; n < l; n++) {
		const uint8_t c = p[n];

		if (c < 64 && (special >> c & 1))
			break;
	}

	return n;
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


static enum sip_hdrid hdr_hash(const struct pl *name)
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
 * value is both or neither.  Until the array stops growing, le.data and
 * he.data only mark the lists an entry goes in.
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
		return hdr_parse(&m->msg, id, &val, atomic);

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

	return hdr_parse(&m->msg, id, &val, atomic);
}


static void hdrs_link(struct msg *m)
{
	uint32_t i;

	for (i = 0; i < m->hdrc; i++) {
		struct sip_hdr *hdr = &m->hdrv[i];

		if (hdr->le.data)
			list_append(&m->msg.hdrl, &hdr->le, hdr);

		if (hdr->he.data)
			list_append(&m->vals, &hdr->he, hdr);
	}
}


/*
 * libre's "[^ \t\r\n]+ [^ \t\r\n]+ [^\r\n]*[\r]*[\n]1" at the first octet:
 * the offset just past the line's LF, or 0 if there is no such line
 */
static size_t start_line(struct pl *x, struct pl *y, struct pl *z,
			 const char *p, size_t l)
{
	size_t i, s;

	for (i = 0; i < l && !lws(p[i]); i++)
		;

	if (!i || i == l || p[i] != ' ')
		return 0;

	x->p = p;
	x->l = i;

	for (s = ++i; i < l && !lws(p[i]); i++)
		;

	if (i == s || i == l || p[i] != ' ')
		return 0;

	y->p = p + s;
	y->l = i - s;

	for (s = ++i; i < l && p[i] != '\r' && p[i] != '\n'; i++)
		;

	z->p = p + s;
	z->l = i - s;

	while (i < l && p[i] == '\r')
		++i;

	if (i == l || p[i] != '\n')
		return 0;

	return i + 1;
}


/*
 * The header section, octet by octet as libre 1.1.0 reads it (its quirks
 * are part of the results: a quote state that outlives its header, names
 * with folded whitespace, an empty value pointing at the next line).
 * Returns the octets left after the empty line in *lp.
 */
static int hdrs_decode(struct msg *m, const char *p, size_t *lp)
{
	struct pl name;
	const char *v, *cv;
	enum sip_hdrid id = SIP_HDR_NONE;
	bool comsep, quote;
	uint32_t ws, lf;
	size_t l = *lp, n;
	int err;

	name.p = v = cv = NULL;
	name.l = ws = lf = 0;
	comsep = false;
	quote = false;

	for (; l > 0; p++, l--) {

		switch (*p) {

		case ' ':
		case '\t':
			lf = 0; /* folding */
			++ws;
			break;

		case '\r':
			++ws;
			break;

		case '\n':
			++ws;

			if (!lf++)
				break;

			++p; --l; /* eoh */

			/*@fallthrough@*/

		default:
			if (lf || (*p == ',' && comsep && !quote)) {

				if (!name.l)
					return EBADMSG;

				err = hdr_add(m, &name, id, cv ? cv : p,
					      cv ? p - cv - ws : 0,
					      true, cv == v && lf);
				if (err)
					return err;

				if (!lf) { /* comma separated */
					cv = NULL;
					break;
				}

				if (cv != v) {
					err = hdr_add(m, &name, id,
						      v ? v : p,
						      v ? p - v - ws : 0,
						      false, true);
					if (err)
						return err;
				}

				if (lf > 1) { /* eoh */
					*lp = l;
					return 0;
				}

				comsep = false;
				name.p = NULL;
				cv = v = NULL;
				lf = 0;
			}

			if (!name.p) {
				name.p = p;
				name.l = 0;
				ws = 0;
			}

			if (!name.l) {
				if (*p != ':') {
					ws = 0;
					n = plain_run(p + 1, l - 1);
					p += n;
					l -= n;
					break;
				}

				if (p - name.p <= (ssize_t)ws)
					return EBADMSG;

				name.l = p - name.p - ws;
				id = hdr_hash(&name);
				comsep = hdr_comma_separated(id);
				break;
			}

			if (!cv) {
				quote = false;
				cv = p;
			}

			if (!v)
				v = p;

			if (*p == '"')
				quote = !quote;

			ws = 0;
			n = plain_run(p + 1, l - 1);
			p += n;
			l -= n;
			break;
		}
	}

	return ENODATA;
}


/**
 * Decode a SIP message, without the random tag (see sip_msg_decode)
 *
 * @param msgp Pointer to allocated SIP Message
 * @param mb   Buffer containing SIP Message; on success its position is
 *             at the body
 *
 * @return 0 if success, otherwise errorcode
 */
int sipmsg_decode(struct sip_msg **msgp, struct mbuf *mb)
{
	struct pl x, y, z;
	struct sip_msg *msg;
	struct msg *m;
	const char *p;
	size_t l, sl;
	int err;

	if (!msgp || !mb)
		return EINVAL;

	p = (const char *)mbuf_buf(mb);
	l = mbuf_get_left(mb);

	sl = start_line(&x, &y, &z, p, l);
	if (!sl)
		return (l > STARTLINE_MAX) ? EBADMSG : ENODATA;

	m = mem_zalloc(sizeof(*m), destructor);
	if (!m)
		return ENOMEM;

	msg = &m->msg;
	msg->mb  = mem_ref(mb);
	msg->req = (0 == pl_strcmp(&z, "SIP/2.0"));

	if (msg->req) {

		msg->met = x;
		msg->ruri = y;
		msg->ver = z;

		if (uri_decode(&msg->uri, &y)) {
			err = EBADMSG;
			goto out;
		}
	}
	else {
		msg->ver    = x;
		msg->scode  = pl_u32(&y);
		msg->reason = z;

		if (!msg->scode) {
			err = EBADMSG;
			goto out;
		}
	}

	l -= sl;
	err = hdrs_decode(m, p + sl, &l);
	if (err)
		goto out;

	hdrs_link(m);

 out:
	if (err)
		mem_deref(m);
	else {
		*msgp = msg;
		mb->pos = mb->end - l;
	}

	return err;
}


/**
 * Decode a SIP message
 *
 * @param msgp Pointer to allocated SIP Message
 * @param mb   Buffer containing SIP Message
 *
 * @return 0 if success, otherwise errorcode
 */
int sip_msg_decode(struct sip_msg **msgp, struct mbuf *mb)
{
	int err;

	err = sipmsg_decode(msgp, mb);
	if (!err)
		(*msgp)->tag = rand_u64();

	return err;
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

	for (i = 0; i < HDR_HASH_SIZE; i++) {

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
