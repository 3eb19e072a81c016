/**
 * @file dns.c  The resolver of a browser phone: every name is the one flow
 *
 * A page cannot resolve SRV or NAPTR, and it needs no addresses: all SIP
 * goes over the one WebSocket to the configured server (RFC 7118).  libre's
 * sip/request.c still resolves request targets (Request-URI host, Record-
 * Route, Contact *.invalid), so this replaces libre's DNS client: NAPTR and
 * SRV answer nothing, A answers the placeholder server address, always
 * asynchronously as a real resolver would.  transp.c (patched) then sends
 * to the single flow whatever the address.
 */
#include <string.h>
#include <re.h>
#include "transport.h"


/* As libre's DNS client: the caller's pointer (*qp) may cancel the query
 * with mem_deref until the answer; then it is cleared and the query frees
 * itself after the handler ran. */
struct dns_query {
	struct tmr tmr;
	struct dns_query **qp;
	struct list ansl;
	dns_query_h *qh;
	void *arg;
};


static void query_destructor(void *arg)
{
	struct dns_query *q = arg;

	tmr_cancel(&q->tmr);
	list_flush(&q->ansl);
}


static void answer(void *arg)
{
	struct dns_query *q = arg;
	struct dnshdr hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.qr    = true;
	hdr.nans  = (uint16_t)list_count(&q->ansl);
	hdr.rcode = hdr.nans ? DNS_RCODE_OK : DNS_RCODE_NAME_ERR;

	if (q->qp)
		*q->qp = NULL;
	q->qp = NULL;

	q->qh(0, &hdr, &q->ansl, NULL, NULL, q->arg);
	mem_deref(q);
}


int dnsc_query(struct dns_query **qp, struct dnsc *dnsc, const char *name,
	       uint16_t type, uint16_t dnsclass, bool rd, dns_query_h *qh,
	       void *arg)
{
	struct dns_query *q;
	struct dnsrr *rr;
	struct sa sa;
	int err;
	(void)dnsc;
	(void)dnsclass;
	(void)rd;

	if (!qp || !name || !qh)
		return EINVAL;

	q = mem_zalloc(sizeof(*q), query_destructor);
	if (!q)
		return ENOMEM;

	tmr_init(&q->tmr);
	q->qh  = qh;
	q->arg = arg;

	if (type == DNS_TYPE_A) {
		rr = dns_rr_alloc();
		if (!rr) {
			err = ENOMEM;
			goto out;
		}

		err = str_dup(&rr->name, name);
		if (err) {
			mem_deref(rr);
			goto out;
		}

		(void)sa_set_str(&sa, "192.0.2.1", 0);
		rr->type     = DNS_TYPE_A;
		rr->dnsclass = DNS_CLASS_IN;
		rr->ttl      = 3600;
		rr->rdata.a.addr = sa_in(&sa);
		/* answers are linked by le_priv: the caller links le */
		list_append(&q->ansl, &rr->le_priv, rr);
	}

	tmr_start(&q->tmr, 0, answer, q);
	err = 0;

 out:
	if (err)
		mem_deref(q);
	else {
		q->qp = qp;
		*qp = q;
	}

	return err;
}


int dnsc_query_srv(struct dns_query **qp, struct dnsc *dnsc, const char *name,
		   uint16_t type, uint16_t dnsclass, int proto,
		   const struct sa *srvv, const uint32_t *srvc,
		   bool rd, dns_query_h *qh, void *arg)
{
	(void)proto;
	(void)srvv;
	(void)srvc;

	return dnsc_query(qp, dnsc, name, type, dnsclass, rd, qh, arg);
}
