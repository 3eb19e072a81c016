/**
 * @file sdp_rewrite.c  The SDP policy's privacy: our own SDP, as it leaves
 *
 * policy_sdp_local checks the browser's SDP (sdp.c) and then writes what
 * may leave, by the privacy mode:
 * - mdns: a host candidate leaves only if its address is an mDNS
 *   ".local" name; srflx, prflx and relay leave with "raddr 0.0.0.0
 *   rport 0" ("::" for IPv6); unknown types are dropped.
 * - relay: only typ relay candidates leave, scrubbed the same way; an
 *   active m= section without one, directly or through its BUNDLE group,
 *   is refused with relay-unavailable (fail closed).
 * - In both: c= and a=rtcp keep their address only if it is a public IP
 *   of a candidate that leaves (the first 32 distinct ones are tracked;
 *   the rest are zeroed, never wrongly kept); otherwise 0.0.0.0 / ::.
 *   The o= address keeps the dummies 127.0.0.1, 0.0.0.0, ::1, :: that
 *   browsers write (byte-exact for Chrome and Firefox) and anything else
 *   becomes 127.0.0.1 / ::1.
 * - off: nothing rewritten.  Every other byte and the line order stay;
 *   line ends become CRLF and trailing empty lines go.
 */
#include <string.h>
#include <re.h>
#include "policy.h"
#include "priv.h"


static bool is_mdns(const struct pl *addr)
{
	static const char sfx[] = ".local";
	const size_t n = sizeof(sfx) - 1;
	struct pl tail;

	if (addr->l <= n)
		return false;

	tail.p = addr->p + addr->l - n;
	tail.l = n;

	return policy_pl_is(&tail, sfx);
}


/* Whether a candidate may leave in privacy mode priv */
bool policy_cand_leaves(enum policy_privacy priv, const struct cand *c)
{
	switch (priv) {

	case POLICY_PRIVACY_OFF:
		return true;

	case POLICY_PRIVACY_RELAY:
		return policy_pl_is(&c->type, "relay");

	default:
		if (policy_pl_is(&c->type, "host"))
			return c->kind == ADDR_FQDN && is_mdns(&c->addr);

		return policy_pl_is(&c->type, "srflx") ||
			policy_pl_is(&c->type, "prflx") ||
			policy_pl_is(&c->type, "relay");
	}
}


/* Whether ip is a public address of a candidate that leaves (s->kept) */
bool policy_kept_has(const struct scan *s, const struct ipaddr *ip)
{
	unsigned i;

	for (i = 0; i < s->nkept; ++i) {
		if (s->kept[i].af == ip->af &&
		    !memcmp(s->kept[i].b, ip->b, ip->af == 4 ? 4 : 16))
			return true;
	}

	return false;
}


static int put(struct mbuf *mb, const char *p, size_t n)
{
	return mbuf_write_mem(mb, (const uint8_t *)p, n);
}


/* The line with its slice at addr replaced by rep */
static int put_rep(struct mbuf *mb, const struct pl *line,
		   const struct pl *addr, const char *rep)
{
	int err;

	err  = put(mb, line->p, addr->p - line->p);
	err |= put(mb, rep, strlen(rep));
	err |= put(mb, addr->p + addr->l,
		   line->p + line->l - (addr->p + addr->l));

	return err;
}


/* c= and a=rtcp: a public address of a candidate that leaves, or zero */
static int put_conn(struct mbuf *mb, const struct scan *s,
		    const struct pl *line, const struct pl *addr, bool ip6)
{
	struct ipaddr ip;
	enum addr_kind k = policy_addr_kind(addr, &ip);

	if ((k == ADDR_IP4 || k == ADDR_IP6) && !policy_ip_private(&ip) &&
	    policy_kept_has(s, &ip))
		return put(mb, line->p, line->l);

	return put_rep(mb, line, addr, ip6 ? "::" : "0.0.0.0");
}


static int put_origin(struct mbuf *mb, const struct pl *line,
		      const struct pl *addr, bool ip6)
{
	static const uint8_t lo4[4] = {127, 0, 0, 1};
	static const uint8_t zero[16];
	struct ipaddr ip;

	switch (policy_addr_kind(addr, &ip)) {

	case ADDR_IP4:
		if (!memcmp(ip.b, zero, 4) || !memcmp(ip.b, lo4, 4))
			return put(mb, line->p, line->l);
		break;

	case ADDR_IP6:
		if (!memcmp(ip.b, zero, 15) && ip.b[15] <= 1)
			return put(mb, line->p, line->l);
		break;

	default:
		break;
	}

	return put_rep(mb, line, addr, ip6 ? "::1" : "127.0.0.1");
}


/* A candidate that leaves, with raddr/rport scrubbed */
static int put_cand(struct mbuf *mb, const struct pl *line,
		    const struct cand *c)
{
	const struct pl *first = &c->raddr, *second = &c->rport;
	const char *rep1, *rep2, *p = line->p;
	const char *z = c->raddr.p && pl_strchr(&c->raddr, ':') ?
		"::" : "0.0.0.0";
	int err = 0;

	rep1 = z;
	rep2 = "0";
	if (c->rport.p && (!c->raddr.p || c->rport.p < c->raddr.p)) {
		first = &c->rport;
		second = &c->raddr;
		rep1 = "0";
		rep2 = z;
	}

	if (first->p) {
		err |= put(mb, p, first->p - p);
		err |= put(mb, rep1, strlen(rep1));
		p = first->p + first->l;
	}
	if (second->p) {
		err |= put(mb, p, second->p - p);
		err |= put(mb, rep2, strlen(rep2));
		p = second->p + second->l;
	}
	err |= put(mb, p, line->p + line->l - p);

	return err;
}


/* The net type's address slice of a checked c=, o= or a=rtcp value */
static bool addr_of(struct pl *addr, bool *ip6, const struct pl *val,
		    unsigned skip)
{
	struct pl rest = *val, f;
	unsigned i;

	for (i = 0; i < skip; ++i)
		(void)policy_field(&f, &rest);

	if (!policy_field(&f, &rest) || !policy_field(&f, &rest))
		return false;
	*ip6 = !pl_strcmp(&f, "IP6");

	return policy_field(addr, &rest);
}


/*
 * Write the checked SDP as it may leave at out's position, CRLF line ends;
 * s->ncand counts the candidates that leave
 */
int policy_rewrite(struct mbuf *out, struct scan *s, const char *sdp,
		   size_t len)
{
	const char *p = sdp, *end = sdp + len;
	bool scrub = s->priv != POLICY_PRIVACY_OFF;
	struct pl line;
	unsigned n = 0;
	int err = 0;

	while (policy_line_next(&line, &p, end)) {
		const size_t start = out->pos;
		struct pl val, name, addr;
		bool ip6, has_val;

		++n;
		if (!line.l)
			continue;

		val.p = line.p + 2;
		val.l = line.l - 2;
		name = val;
		if (pl_strchr(&val, ':'))
			name.l = pl_strchr(&val, ':') - val.p;
		has_val = name.l < val.l;

		if (!scrub) {
			err = put(out, line.p, line.l);
		}
		else if (line.p[0] == 'o' && addr_of(&addr, &ip6, &val, 3)) {
			err = put_origin(out, &line, &addr, ip6);
		}
		else if (line.p[0] == 'c' && addr_of(&addr, &ip6, &val, 0)) {
			err = put_conn(out, s, &line, &addr, ip6);
		}
		else if (line.p[0] == 'a' && has_val &&
			 policy_pl_is(&name, "rtcp")) {
			struct pl v = {name.p + name.l + 1,
				       val.l - name.l - 1};

			if (addr_of(&addr, &ip6, &v, 1))
				err = put_conn(out, s, &line, &addr, ip6);
			else
				err = put(out, line.p, line.l);
		}
		else if (line.p[0] == 'a' && has_val &&
			 policy_pl_is(&name, "candidate")) {
			struct pl v = {name.p + name.l + 1,
				       val.l - name.l - 1};
			struct cand c;

			if (!policy_candidate(&c, &v) ||
			    !policy_cand_leaves(s->priv, &c))
				continue;
			++s->ncand;
			err = put_cand(out, &line, &c);
		}
		else {
			err = put(out, line.p, line.l);
		}

		if (err)
			return err;

		if (out->pos - start > POLICY_SDP_LINE_MAX)
			return fail(s, EMSGSIZE, n,
				    "rewritten line longer than 4 KiB");

		err = put(out, "\r\n", 2);
		if (err)
			return err;
	}

	return 0;
}
