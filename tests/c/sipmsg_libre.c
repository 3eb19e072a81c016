/**
 * @file sipmsg_libre.c  libre 1.1.0's own src/sip/msg.c, renamed, and a
 * comparison of its results with sipshield's sip_msg_decode on one message
 *
 * sipshield's decoder is the strict check (wasm/check), which builds the
 * message with wasm/sipmsg.  Every message it accepts must decode in
 * libre exactly as it does; what it refuses is not compared (libre may
 * take it or not).  Linked into the C tests and included by
 * tests/fuzz/fuzz_sipmsg.c.  Both decoders read the same mbuf, so every
 * slice of one result must point where the other's does.
 */
#include <string.h>

#define sip_msg_decode         libre_sip_msg_decode
#define sip_msg_hdr            libre_sip_msg_hdr
#define sip_msg_hdr_apply      libre_sip_msg_hdr_apply
#define sip_msg_xhdr           libre_sip_msg_xhdr
#define sip_msg_xhdr_apply     libre_sip_msg_xhdr_apply
#define sip_msg_hdr_count      libre_sip_msg_hdr_count
#define sip_msg_xhdr_count     libre_sip_msg_xhdr_count
#define sip_msg_hdr_has_value  libre_sip_msg_hdr_has_value
#define sip_msg_xhdr_has_value libre_sip_msg_xhdr_has_value
#define sip_msg_dump           libre_sip_msg_dump

/* libre's headers have no include guards: msg.c includes them all */
#include "../src/sip/msg.c"

#undef sip_msg_decode
#undef sip_msg_hdr
#undef sip_msg_hdr_apply
#undef sip_msg_xhdr
#undef sip_msg_xhdr_apply
#undef sip_msg_hdr_count
#undef sip_msg_xhdr_count
#undef sip_msg_hdr_has_value
#undef sip_msg_xhdr_has_value
#undef sip_msg_dump

/* wasm/sipmsg's, which the renamed re_sip.h did not declare */
int sip_msg_decode(struct sip_msg **msgp, struct mbuf *mb);
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg,
				  enum sip_hdrid id);
const struct sip_hdr *sip_msg_hdr_apply(const struct sip_msg *msg,
					bool fwd, enum sip_hdrid id,
					sip_hdr_h *h, void *arg);
const struct sip_hdr *sip_msg_xhdr(const struct sip_msg *msg,
				   const char *name);
const struct sip_hdr *sip_msg_xhdr_apply(const struct sip_msg *msg,
					 bool fwd, const char *name,
					 sip_hdr_h *h, void *arg);
uint32_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdrid id);
uint32_t sip_msg_xhdr_count(const struct sip_msg *msg, const char *name);
bool sip_msg_hdr_has_value(const struct sip_msg *msg, enum sip_hdrid id,
			   const char *value);
bool sip_msg_xhdr_has_value(const struct sip_msg *msg, const char *name,
			    const char *value);


enum {
	SEEN_MAX    = 64,
	NAME_MAX    = 64,
	LOOKUPS_MAX = 64,  /* headers whose lookups are compared */
};

/* The headers a lookup walked, in order */
struct seen {
	const struct sip_hdr *v[SEEN_MAX];
	uint32_t n;
};

int sipmsg_diff(const uint8_t *buf, size_t len, bool *compared);


#define DIFF(cond, what)						\
	if (!(cond)) {							\
		(void)re_fprintf(stderr, "sipmsg: %s differs from "	\
				 "libre's\n", (what));			\
		return EINVAL;						\
	}


static bool pl_same(const struct pl *a, const struct pl *b)
{
	return a->p == b->p && a->l == b->l;
}


static int uri_diff(const struct uri *a, const struct uri *b)
{
	DIFF(pl_same(&a->scheme, &b->scheme), "uri.scheme");
	DIFF(pl_same(&a->user, &b->user), "uri.user");
	DIFF(pl_same(&a->password, &b->password), "uri.password");
	DIFF(pl_same(&a->host, &b->host), "uri.host");
	DIFF(a->af == b->af, "uri.af");
	DIFF(a->port == b->port, "uri.port");
	DIFF(pl_same(&a->path, &b->path), "uri.path");
	DIFF(pl_same(&a->params, &b->params), "uri.params");
	DIFF(pl_same(&a->headers, &b->headers), "uri.headers");

	return 0;
}


static int taddr_diff(const struct sip_taddr *a, const struct sip_taddr *b)
{
	DIFF(pl_same(&a->dname, &b->dname), "addr.dname");
	DIFF(pl_same(&a->auri, &b->auri), "addr.auri");
	DIFF(pl_same(&a->params, &b->params), "addr.params");
	DIFF(pl_same(&a->tag, &b->tag), "addr.tag");
	DIFF(pl_same(&a->val, &b->val), "addr.val");

	return uri_diff(&a->uri, &b->uri);
}


static int fields_diff(const struct sip_msg *a, const struct sip_msg *b)
{
	int err;

	DIFF(a->req == b->req, "req");
	DIFF(pl_same(&a->ver, &b->ver), "ver");
	DIFF(pl_same(&a->met, &b->met), "met");
	DIFF(pl_same(&a->ruri, &b->ruri), "ruri");
	DIFF(a->scode == b->scode, "scode");
	DIFF(pl_same(&a->reason, &b->reason), "reason");
	DIFF(pl_same(&a->via.sentby, &b->via.sentby), "via.sentby");
	DIFF(!memcmp(&a->via.addr, &b->via.addr, sizeof(a->via.addr)),
	     "via.addr");
	DIFF(pl_same(&a->via.params, &b->via.params), "via.params");
	DIFF(pl_same(&a->via.branch, &b->via.branch), "via.branch");
	DIFF(pl_same(&a->via.val, &b->via.val), "via.val");
	DIFF(a->via.tp == b->via.tp, "via.tp");
	DIFF(pl_same(&a->cseq.met, &b->cseq.met), "cseq.met");
	DIFF(a->cseq.num == b->cseq.num, "cseq.num");
	DIFF(pl_same(&a->ctyp.type, &b->ctyp.type), "ctyp.type");
	DIFF(pl_same(&a->ctyp.subtype, &b->ctyp.subtype), "ctyp.subtype");
	DIFF(pl_same(&a->ctyp.params, &b->ctyp.params), "ctyp.params");
	DIFF(pl_same(&a->callid, &b->callid), "callid");
	DIFF(pl_same(&a->maxfwd, &b->maxfwd), "maxfwd");
	DIFF(pl_same(&a->expires, &b->expires), "expires");
	DIFF(pl_same(&a->clen, &b->clen), "clen");
	DIFF(a->mb == b->mb && !a->sock && !b->sock, "mb/sock");
	DIFF(a->tp == b->tp, "tp");

	err = uri_diff(&a->uri, &b->uri);
	if (err)
		return err;

	err = taddr_diff(&a->to, &b->to);
	if (err)
		return err;

	return taddr_diff(&a->from, &b->from);
}


static bool seen_h(const struct sip_hdr *hdr, const struct sip_msg *msg,
		   void *arg)
{
	struct seen *s = arg;
	(void)msg;

	if (s->n < SEEN_MAX)
		s->v[s->n] = hdr;
	++s->n;

	return false;
}


static bool seen_same(const struct seen *a, const struct seen *b)
{
	uint32_t i;

	if (a->n != b->n)
		return false;

	for (i = 0; i < a->n && i < SEEN_MAX; ++i) {

		if (!pl_same(&a->v[i]->name, &b->v[i]->name) ||
		    !pl_same(&a->v[i]->val, &b->v[i]->val) ||
		    a->v[i]->id != b->v[i]->id)
			return false;
	}

	return true;
}


/* Every lookup by the id and by the name of one header */
static int lookups_diff(const struct sip_msg *a, const struct sip_msg *b,
			const struct sip_hdr *hdr)
{
	struct seen sa, sb;
	char name[NAME_MAX], val[NAME_MAX];
	int fwd;

	(void)pl_strcpy(&hdr->name, name, sizeof(name));
	(void)pl_strcpy(&hdr->val, val, sizeof(val));

	for (fwd = 0; fwd < 2; ++fwd) {

		memset(&sa, 0, sizeof(sa));
		memset(&sb, 0, sizeof(sb));
		DIFF(!libre_sip_msg_hdr_apply(a, fwd, hdr->id, seen_h, &sa) &&
		     !sip_msg_hdr_apply(b, fwd, hdr->id, seen_h, &sb) &&
		     seen_same(&sa, &sb), "sip_msg_hdr_apply");

		memset(&sa, 0, sizeof(sa));
		memset(&sb, 0, sizeof(sb));
		DIFF(!libre_sip_msg_xhdr_apply(a, fwd, name, seen_h, &sa) &&
		     !sip_msg_xhdr_apply(b, fwd, name, seen_h, &sb) &&
		     seen_same(&sa, &sb), "sip_msg_xhdr_apply");
	}

	sa.n = !!libre_sip_msg_hdr(a, hdr->id);
	sb.n = !!sip_msg_hdr(b, hdr->id);
	if (sa.n) {
		sa.v[0] = libre_sip_msg_hdr(a, hdr->id);
		sb.v[0] = sip_msg_hdr(b, hdr->id);
	}
	DIFF(seen_same(&sa, &sb), "sip_msg_hdr");

	sa.n = !!libre_sip_msg_xhdr(a, name);
	sb.n = !!sip_msg_xhdr(b, name);
	if (sa.n) {
		sa.v[0] = libre_sip_msg_xhdr(a, name);
		sb.v[0] = sip_msg_xhdr(b, name);
	}
	DIFF(seen_same(&sa, &sb), "sip_msg_xhdr");

	DIFF(libre_sip_msg_hdr_count(a, hdr->id) ==
	     sip_msg_hdr_count(b, hdr->id), "sip_msg_hdr_count");
	DIFF(libre_sip_msg_xhdr_count(a, name) ==
	     sip_msg_xhdr_count(b, name), "sip_msg_xhdr_count");
	DIFF(libre_sip_msg_hdr_has_value(a, hdr->id, val) ==
	     sip_msg_hdr_has_value(b, hdr->id, val), "sip_msg_hdr_has_value");
	DIFF(libre_sip_msg_xhdr_has_value(a, name, val) ==
	     sip_msg_xhdr_has_value(b, name, val), "sip_msg_xhdr_has_value");

	return 0;
}


static int msgs_diff(const struct sip_msg *a, const struct sip_msg *b)
{
	static const char *names[] = {"Via", "v", "Route", "Contact", "",
				      "X-Nothing"};
	const struct le *la = list_head(&a->hdrl);
	const struct le *lb = list_head(&b->hdrl);
	struct sip_hdr none;
	size_t i;
	int err;

	err = fields_diff(a, b);
	if (err)
		return err;

	DIFF(list_count(&a->hdrl) == list_count(&b->hdrl), "hdrl count");

	for (i = 0; la && lb; la = la->next, lb = lb->next, ++i) {
		const struct sip_hdr *ha = la->data, *hb = lb->data;

		DIFF(pl_same(&ha->name, &hb->name) &&
		     pl_same(&ha->val, &hb->val) && ha->id == hb->id,
		     "hdrl");

		if (i >= LOOKUPS_MAX)
			continue;

		err = lookups_diff(a, b, ha);
		if (err)
			return err;
	}

	/* lookups of fields that may be absent */
	memset(&none, 0, sizeof(none));
	for (i = 0; i < ARRAY_SIZE(names); ++i) {

		pl_set_str(&none.name, names[i]);
		none.id = SIP_HDR_NONE;
		err = lookups_diff(a, b, &none);
		if (err)
			return err;
	}

	none.id = SIP_HDR_VIA;
	err = lookups_diff(a, b, &none);
	if (err)
		return err;

	none.id = SIP_HDR_ROUTE;

	return lookups_diff(a, b, &none);
}


/**
 * Decode one message with libre's sip_msg_decode and with sipshield's
 *
 * @param buf      Message octets
 * @param len      Number of octets
 * @param compared Set to whether sipshield accepted it (and so the
 *                 results were compared); may be NULL
 *
 * @return 0 if sipshield refused it or both give the same result, EINVAL
 *         if not (and why on stderr), ENOMEM
 */
int sipmsg_diff(const uint8_t *buf, size_t len, bool *compared)
{
	struct sip_msg *a = NULL, *b = NULL;
	struct mbuf *mb;
	size_t pa;
	int ea, eb, err = 0;

	mb = mbuf_alloc(len ? len : 1);
	if (!mb)
		return ENOMEM;

	(void)mbuf_write_mem(mb, buf, len);
	mb->pos = 0;

	ea = libre_sip_msg_decode(&a, mb);
	pa = mb->pos;
	mb->pos = 0;
	eb = sip_msg_decode(&b, mb);

	if (ea == ENOMEM || eb == ENOMEM) {
		err = ENOMEM;
		goto out;
	}

	if (compared)
		*compared = !eb;

	if (eb)
		goto out;

	if (ea || pa != mb->pos) {
		(void)re_fprintf(stderr, "sipmsg: decode gives %d (pos %zu),"
				 " libre's %d (pos %zu)\n", eb, mb->pos, ea,
				 pa);
		err = EINVAL;
		goto out;
	}

	if (!ea)
		err = msgs_diff(a, b);

 out:
	mem_deref(a);
	mem_deref(b);
	mem_deref(mb);

	return err;
}
