/**
 * @file fastparse.c  Tests of the regex-free URI, parameter, Via, address,
 * CSeq and Content-Type decoders (wasm/fastparse)
 *
 * Every expected slice below is what libre 1.1.0's own (re_regex) file
 * gives for the input, quirks included: these tables also pass when
 * built against libre's originals.  An expected NULL is an unset slice
 * (no pointer); "" is an empty slice that points into the input.
 */
#include <string.h>
#include <re.h>
#include "test.h"


/* Where the slice failing a check came from */
static const char *tcase;

static bool slice_is(const struct pl *pl, const char *s)
{
	if (!s)
		return !pl->p && !pl->l;

	return pl->p && pl->l == strlen(s) && !memcmp(pl->p, s, pl->l);
}

#define TEST_PL(expected, pl)						\
	if (!slice_is(&(pl), (expected))) {				\
		(void)fprintf(stderr, "%s:%u: \"%s\": %s: expected "	\
			      "\"%s\", got \"%.*s\"%s\n", __FILE__,	\
			      __LINE__, tcase, #pl,			\
			      (expected) ? (expected) : "(unset)",	\
			      (int)(pl).l, (pl).p ? (pl).p : "",	\
			      (pl).p ? "" : " (unset)");		\
		err = EINVAL;						\
		goto out;						\
	}

#define TEST_CASE_ERR(expected, actual)					\
	if ((expected) != (actual)) {					\
		(void)fprintf(stderr, "%s:%u: \"%s\": expected error %d"\
			      ", got %d\n", __FILE__, __LINE__, tcase,	\
			      (expected), (actual));			\
		err = EINVAL;						\
		goto out;						\
	}


int test_fastparse_uri(void)
{
	static const struct {
		const char *in;
		int err;
		const char *scheme, *user, *pw, *host;
		int af;
		uint16_t port;
		const char *path, *params, *headers;
	} v[] = {
		{"sip:alice@atlanta.com", 0, "sip", "alice", "",
		 "atlanta.com", AF_UNSPEC, 0, "", "", ""},
		{"sip:alice:secretword@atlanta.com;transport=tcp", 0,
		 "sip", "alice", "secretword", "atlanta.com", AF_UNSPEC, 0,
		 "", ";transport=tcp", ""},
		{"sips:alice@atlanta.com?subject=project%20x&priority=urgent",
		 0, "sips", "alice", "", "atlanta.com", AF_UNSPEC, 0, "", "",
		 "?subject=project%20x&priority=urgent"},
		{"sip:+1-212-555-1212:1234@gateway.com;user=phone", 0,
		 "sip", "+1-212-555-1212", "1234", "gateway.com", AF_UNSPEC,
		 0, "", ";user=phone", ""},
		{"sip:alice@192.0.2.4:5061", 0, "sip", "alice", "",
		 "192.0.2.4", AF_INET, 5061, "", "", ""},
		/* IPv6: the brackets are not part of the host */
		{"sip:[2001:db8::10]:5070;transport=udp", 0, "sip", NULL,
		 NULL, "2001:db8::10", AF_INET6, 5070, "", ";transport=udp",
		 ""},
		{"sip:bob@[2001:DB8::10]", 0, "sip", "bob", "",
		 "2001:DB8::10", AF_INET6, 0, "", "", ""},
		/* RFC 4475 3.1.2.5 (semiuri): ';' belongs to the user */
		{"sip:user;par=u%40example.net@example.com", 0, "sip",
		 "user;par=u%40example.net", "", "example.com", AF_UNSPEC, 0,
		 "", "", ""},
		{"sip:atlanta.com:5060", 0, "sip", NULL, NULL, "atlanta.com",
		 AF_UNSPEC, 5060, "", "", ""},
		{"tel:+1-201-555-0123", 0, "tel", NULL, NULL,
		 "+1-201-555-0123", AF_UNSPEC, 0, "", "", ""},
		{"sip:a@b@c", 0, "sip", "a", "", "b@c", AF_UNSPEC, 0, "", "",
		 ""},
		{"sip:alice@atlanta.com/path;maddr=239.255.255.1;ttl=15?h=v",
		 0, "sip", "alice", "", "atlanta.com", AF_UNSPEC, 0, "/path",
		 ";maddr=239.255.255.1;ttl=15", "?h=v"},
		{"SIP:ALICE@ATLANTA.COM:5060x", 0, "SIP", "ALICE", "",
		 "ATLANTA.COM", AF_UNSPEC, 5060, "", "", ""},
		/* a space ends host and path; the rest is params */
		{"sip:alice@atlanta.com ;transport=tcp", 0, "sip", "alice",
		 "", "atlanta.com", AF_UNSPEC, 0, "", " ;transport=tcp", ""},
		/* the search starts after a leading colon */
		{":sip:a@b", 0, "sip", "a", "", "b", AF_UNSPEC, 0, "", "",
		 ""},
		{"sip::5060", 0, "sip", NULL, NULL, "5060", AF_UNSPEC, 0, "",
		 "", ""},
		/* no host: "//" after the scheme (RFC 4475 unksm2) */
		{"http://www.example.com", ENOENT, "//www.example.com", NULL,
		 NULL, NULL, AF_UNSPEC, 0, NULL, NULL, NULL},
		{"sip:", ENOENT, "p", NULL, NULL, NULL, AF_UNSPEC, 0, NULL,
		 NULL, NULL},
		{"sip::", ENOENT, "sip", NULL, NULL, NULL, AF_UNSPEC, 0, "",
		 "", ""},
		{"alice", ENOENT, "alice", NULL, NULL, NULL, AF_UNSPEC, 0,
		 NULL, NULL, NULL},
		{"", ENOENT, NULL, NULL, NULL, NULL, AF_UNSPEC, 0, NULL, NULL,
		 NULL},
	};
	struct uri uri;
	struct pl pl;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		memset(&uri, 0xa5, sizeof(uri));

		err = uri_decode(&uri, &pl);
		TEST_CASE_ERR(v[i].err, err);
		err = 0;

		TEST_PL(v[i].scheme, uri.scheme);
		TEST_PL(v[i].user, uri.user);
		TEST_PL(v[i].pw, uri.password);
		TEST_PL(v[i].host, uri.host);
		TEST_PL(v[i].path, uri.path);
		TEST_PL(v[i].params, uri.params);
		TEST_PL(v[i].headers, uri.headers);
		TEST_EQUALS(v[i].af, uri.af);
		TEST_EQUALS(v[i].port, uri.port);
	}

 out:
	return err;
}


int test_fastparse_hostport(void)
{
	static const struct {
		const char *in;
		int err;
		const char *host, *port;
	} v[] = {
		{"example.com:5060",  0, "example.com", "5060"},
		{"example.com",       0, "example.com", ""},
		{"[::1]:5060",        0, "::1", "5060"},
		{"[::1]",             0, "::1", ""},
		{"[FE80::1]::7",      0, "FE80::1", "7"},
		/* brackets found anywhere, as libre's search does */
		{"a[1]b",             0, "1", ""},
		/* an open bracket: the IPv6 form fails, the other splits */
		{"[::1",              0, "[", "1"},
		{"[zz]:1",            0, "[zz]", "1"},
		{"a::b",              0, "a", ""},
		{":::",               ENOENT, NULL, NULL},
		{"",                  ENOENT, NULL, NULL},
	};
	struct pl pl, host, port;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		host = port = pl_null;

		err = uri_decode_hostport(&pl, &host, &port);
		TEST_CASE_ERR(v[i].err, err);
		err = 0;

		TEST_PL(v[i].host, host);
		TEST_PL(v[i].port, port);
	}

 out:
	return err;
}


struct applied {
	char log[256];
	int fail_at;
	int n;
};


static int apply_handler(const struct pl *name, const struct pl *val,
			 void *arg)
{
	struct applied *a = arg;

	(void)re_snprintf(a->log + strlen(a->log),
			  sizeof(a->log) - strlen(a->log), "(%r=%r)",
			  name, val);

	return a->n++ == a->fail_at ? EPROTO : 0;
}


int test_fastparse_uri_params(void)
{
	static const struct {
		const char *in, *name;
		int err;
		const char *val;
	} pv[] = {
		{";transport=tcp;lr", "transport", 0, "tcp"},
		{";transport=tcp;lr", "lr", 0, ""},
		{";transport=tcp;lr", "LR", 0, ""},
		/* the name is a prefix match, as in libre */
		{";transport=tcp;lr", "t", 0, "ransport=tcp"},
		{";transport=tcp;lr", "", 0, "transport=tcp"},
		{";transport=tcp;lr", "maddr", ENOENT, NULL},
		{";lr", "lrx", ENOENT, NULL},
		{";a==b", "a", 0, "b"},
	}, hv[] = {
		{"?subject=project&priority=urgent", "priority", 0, "urgent"},
		{"?subject=project&priority=urgent", "Subject", 0, "project"},
		{"?subject=project&priority=urgent", "x", ENOENT, NULL},
		{"?a=&a=1", "a", 0, "1"},
		{"?a", "a", ENOENT, NULL},
	};
	static const struct {
		bool hdrs;
		const char *in;
		int fail_at;
		int err;
		const char *log;
	} av[] = {
		{false, ";a=1;b;c==2", -1, 0, "(a=1)(b=)(c=2)"},
		{false, ";a=1;b;c==2", 1, EPROTO, "(a=1)(b=)"},
		/* a trailing ';' does not match: ENOENT after the rest */
		{false, ";a;", -1, ENOENT, "(a=)"},
		/* skipped as far as matched, from where the rest starts */
		{false, "xx;a", -1, 0, "(a=)(a=)"},
		{false, "", -1, 0, ""},
		{true, "?a=1&b=2", -1, 0, "(a=1)(b=2)"},
		{true, "?a=1&b", -1, ENOENT, "(a=1)"},
		{true, "?a=&b=2", -1, ENOENT, "(b=2)"},
	};
	struct applied a;
	struct pl pl, name, val;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(pv) + ARRAY_SIZE(hv); ++i) {

		bool hdr = i >= ARRAY_SIZE(pv);
		const size_t j = hdr ? i - ARRAY_SIZE(pv) : i;
		const char *in = hdr ? hv[j].in : pv[j].in;

		tcase = in;
		pl_set_str(&pl, in);
		pl_set_str(&name, hdr ? hv[j].name : pv[j].name);
		val = pl_null;

		err = hdr ? uri_header_get(&pl, &name, &val) :
			uri_param_get(&pl, &name, &val);
		TEST_CASE_ERR(hdr ? hv[j].err : pv[j].err, err);
		err = 0;
		TEST_PL(hdr ? hv[j].val : pv[j].val, val);
	}

	for (i = 0; i < ARRAY_SIZE(av); ++i) {

		tcase = av[i].in;
		pl_set_str(&pl, av[i].in);
		memset(&a, 0, sizeof(a));
		a.fail_at = av[i].fail_at;

		err = av[i].hdrs ? uri_headers_apply(&pl, apply_handler, &a) :
			uri_params_apply(&pl, apply_handler, &a);
		TEST_CASE_ERR(av[i].err, err);
		err = 0;
		TEST_STRCMP(av[i].log, a.log);
	}

 out:
	return err;
}


int test_fastparse_uri_encode(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"sip:alice@atlanta.com", "sip:alice@atlanta.com"},
		{"sip:alice:pw@atlanta.com:5062;lr?h=1",
		 "sip:alice:pw@atlanta.com:5062;lr?h=1"},
		{"sip:[2001:db8::10]:5070;transport=udp",
		 "sip:[2001:db8::10]:5070;transport=udp"},
		{"sip:u@10.0.0.1/p", "sip:u@10.0.0.1/p"},
	};
	struct uri uri;
	struct pl pl;
	char buf[128];
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		err = uri_decode(&uri, &pl);
		TEST_ERR(err);

		TEST_EQUALS((int)strlen(v[i].out),
			    re_snprintf(buf, sizeof(buf), "%H", uri_encode,
					&uri));
		TEST_STRCMP(v[i].out, buf);
	}

	/* a part that does not fit is left out; the rest is still printed */
	pl_set_str(&pl, "sip:alice@atlanta.com");
	err = uri_decode(&uri, &pl);
	TEST_ERR(err);
	TEST_EQUALS(-1, re_snprintf(buf, 8, "%H", uri_encode, &uri));
	TEST_STRCMP("sip:@", buf);

	TEST_EQUALS(0, re_snprintf(buf, sizeof(buf), "%H", uri_encode, NULL));
	uri.host = pl_null;
	TEST_EQUALS(-1, re_snprintf(buf, sizeof(buf), "%H", uri_encode,
				    &uri));
	err = 0;

 out:
	return err;
}


int test_fastparse_param(void)
{
	static const char params[] =
		";branch=z9hG4bK776asdhds ; received = 192.0.2.1;rport"
		";tag=\"quoted ; value\";empty=\"\";x=\"a\\\"b\";y=a\\;b";
	static const struct {
		const char *in, *name;
		int err;
		const char *val;
	} dv[] = {
		{params, "branch",   0, "z9hG4bK776asdhds"},
		{params, "BRANCH",   0, "z9hG4bK776asdhds"},
		{params, "received", 0, "192.0.2.1"},
		{params, "rport",    ENOENT, NULL},
		{params, "tag",      0, "quoted ; value"},
		{params, "empty",    ENOENT, NULL},
		{params, "x",        0, "a\\\"b"},
		{params, "y",        0, "a\\;b"},
		{params, "bran",     ENOENT, NULL},
		{";\r\n tag\t=\r\n 1", "tag", 0, "1"},
		{";tag=1", "tag2", ENOENT, NULL},
		{"tag=1", "tag", ENOENT, NULL},
		{";tag=", "tag", ENOENT, NULL},
		{";tag=\"open", "tag", 0, "\"open"},
		{"", "tag", ENOENT, NULL},
	}, ev[] = {
		{";rport", "rport", 0, ";rport"},
		{"; rport=1234", "rport", 0, "; rport"},
		{params, "rport", 0, ";rport"},
		{";x;rport", "rport", 0, ";rport"},
		/* the first ";rport..." decides */
		{";rportx;rport", "rport", ENOENT, NULL},
		{";tag", "tags", ENOENT, NULL},
		{"rport", "rport", ENOENT, NULL},
		{";lr", "LR", 0, ";lr"},
	};
	struct pl pl, val;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(dv) + ARRAY_SIZE(ev); ++i) {

		bool ex = i >= ARRAY_SIZE(dv);
		const size_t j = ex ? i - ARRAY_SIZE(dv) : i;

		tcase = ex ? ev[j].in : dv[j].in;
		pl_set_str(&pl, tcase);
		val = pl_null;

		err = ex ? msg_param_exists(&pl, ev[j].name, &val) :
			msg_param_decode(&pl, dv[j].name, &val);
		TEST_CASE_ERR(ex ? ev[j].err : dv[j].err, err);
		err = 0;
		TEST_PL(ex ? ev[j].val : dv[j].val, val);
	}

 out:
	return err;
}


int test_fastparse_via(void)
{
	static const struct {
		const char *in;
		int err;
		enum sip_transp tp;
		const char *sentby, *params, *branch, *addr;
	} v[] = {
		{"SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds", 0,
		 SIP_TRANSP_UDP, "pc33.atlanta.com",
		 ";branch=z9hG4bK776asdhds", "z9hG4bK776asdhds", NULL},
		{"SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK1", 0,
		 SIP_TRANSP_TCP, "192.0.2.1:5060", ";branch=z9hG4bK1",
		 "z9hG4bK1", "192.0.2.1:5060"},
		/* socket addresses are IPv4 only (no HAVE_INET6, see
		   tools/core.mk): an IPv6 sent-by leaves addr unset */
		{"SIP / 2.0 / TLS [2001:db8::9]:5061 ; branch=z9hG4bK2", 0,
		 SIP_TRANSP_TLS, "[2001:db8::9]:5061", "; branch=z9hG4bK2",
		 "z9hG4bK2", NULL},
		/* unknown or lower-case transports are SIP_TRANSP_NONE */
		{"SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKasudf;rport",
		 0, SIP_TRANSP_NONE, "df7jal23ls0d.invalid",
		 ";branch=z9hG4bKasudf;rport", "z9hG4bKasudf", NULL},
		{"sip/2.0/udp 10.0.0.1;branch=z9hG4bK3", 0, SIP_TRANSP_NONE,
		 "10.0.0.1", ";branch=z9hG4bK3", "z9hG4bK3", "10.0.0.1:0"},
		{"SIP/2.0/SCTP h:5060;branch=z9hG4bK4", 0, SIP_TRANSP_NONE,
		 "h:5060", ";branch=z9hG4bK4", "z9hG4bK4", NULL},
		{"SIP/2.0/UDP\r\n 10.1.1.1\t;branch=z9hG4bK5", 0,
		 SIP_TRANSP_UDP, "10.1.1.1", ";branch=z9hG4bK5", "z9hG4bK5",
		 "10.1.1.1:0"},
		/* found after leading junk */
		{"junk SIP/2.0/UDP h;branch=z9hG4bK6", 0, SIP_TRANSP_UDP,
		 "h", ";branch=z9hG4bK6", "z9hG4bK6", NULL},
		/* no branch: ENOENT, the rest decoded (RFC 4475 inv2543) */
		{"SIP/2.0/UDP 192.0.2.15", ENOENT, SIP_TRANSP_UDP,
		 "192.0.2.15", "", NULL, "192.0.2.15:0"},
		{"SIP/2.0/UDP", ENOENT, SIP_TRANSP_NONE, NULL, NULL, NULL,
		 NULL},
		{"SIP/2.0/UDP ;branch=z9hG4bK7", ENOENT, SIP_TRANSP_NONE, NULL,
		 NULL, NULL, NULL},
		{"SIP/3.0/UDP h;branch=z9hG4bK8", ENOENT, SIP_TRANSP_NONE,
		 NULL, NULL, NULL, NULL},
		{"", ENOENT, SIP_TRANSP_NONE, NULL, NULL, NULL, NULL},
	};
	struct sip_via via;
	struct pl pl;
	char addr[64];
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		memset(&via, 0, sizeof(via));
		via.tp = SIP_TRANSP_NONE;

		err = sip_via_decode(&via, &pl);
		TEST_CASE_ERR(v[i].err, err);
		err = 0;

		TEST_EQUALS(v[i].tp, via.tp);
		TEST_PL(v[i].sentby, via.sentby);
		TEST_PL(v[i].params, via.params);
		TEST_PL(v[i].branch, via.branch);

		if (v[i].addr) {
			(void)re_snprintf(addr, sizeof(addr), "%J", &via.addr);
			TEST_STRCMP(v[i].addr, addr);
		}
		else if (v[i].sentby) {
			TEST_ASSERT(!sa_isset(&via.addr, SA_ADDR));
		}
	}

 out:
	return err;
}


int test_fastparse_addr(void)
{
	static const struct {
		const char *in;
		int err;
		const char *dname, *auri, *params, *user, *host;
	} v[] = {
		{"\"Alice\" <sip:alice@atlanta.com>;tag=1928301774", 0,
		 "Alice", "sip:alice@atlanta.com", ";tag=1928301774",
		 "alice", "atlanta.com"},
		{"Bob <sip:bob@biloxi.com>", 0, "Bob", "sip:bob@biloxi.com",
		 NULL, "bob", "biloxi.com"},
		{"<sip:bob@biloxi.com>", 0, NULL, "sip:bob@biloxi.com", NULL,
		 "bob", "biloxi.com"},
		{"sip:bob@biloxi.com;tag=a6c85cf", 0, NULL,
		 "sip:bob@biloxi.com", ";tag=a6c85cf", "bob", "biloxi.com"},
		{"sip:bob@biloxi.com", 0, NULL, "sip:bob@biloxi.com", "",
		 "bob", "biloxi.com"},
		/* escaped quotes stay escaped; one pair of quotes goes */
		{"\"A \\\"quoted\\\" name\" <sip:a@b>", 0,
		 "A \\\"quoted\\\" name", "sip:a@b", NULL, "a", "b"},
		{"\"\" <sip:a@b>", 0, NULL, "sip:a@b", NULL, "a", "b"},
		/* libre keeps only the token before '<' */
		{"Bob Smith <sip:b@x>", 0, "Smith", "sip:b@x", NULL, "b", "x"},
		{"Alice<sip:a@b>", 0, "Alice", "sip:a@b", NULL, "a", "b"},
		{"\"Bob\"\t\r\n <sip:b@x> ;tag=1", 0, "Bob", "sip:b@x",
		 " ;tag=1", "b", "x"},
		{"  <sip:a@b>  ;tag=x", 0, NULL, "sip:a@b", "  ;tag=x", "a",
		 "b"},
		{"<sip:[2001:db8::1]:5060;transport=tcp>", 0, NULL,
		 "sip:[2001:db8::1]:5060;transport=tcp", NULL, NULL,
		 "2001:db8::1"},
		/* no '>': the whole is taken as an addr-spec */
		{"<sip:a@b", 0, NULL, "<sip:a@b", "", "a", "b"},
		{"<>", ENOENT, NULL, NULL, NULL, NULL, NULL},
		{"<http://www.example.com>", ENOENT, NULL, NULL, NULL, NULL,
		 NULL},
		{";;", EBADMSG, NULL, NULL, NULL, NULL, NULL},
		{"", EBADMSG, NULL, NULL, NULL, NULL, NULL},
	};
	struct sip_addr addr;
	struct pl pl;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		memset(&addr, 0xa5, sizeof(addr));

		err = sip_addr_decode(&addr, &pl);
		TEST_CASE_ERR(v[i].err, err);
		err = 0;

		TEST_PL(v[i].dname, addr.dname);
		TEST_PL(v[i].auri, addr.auri);
		TEST_PL(v[i].params, addr.params);
		if (v[i].err) {
			TEST_PL(NULL, addr.uri.scheme);
			continue;
		}
		TEST_PL(v[i].host, addr.uri.host);
		if (v[i].user) {
			TEST_PL(v[i].user, addr.uri.user);
		}
	}

 out:
	return err;
}


int test_fastparse_cseq(void)
{
	static const struct {
		const char *in;
		int err;
		uint32_t num;
		const char *met;
	} v[] = {
		{"4711 INVITE",          0, 4711, "INVITE"},
		{"0000000123 REGISTER",  0, 123, "REGISTER"},
		{"1\r\n ACK",            0, 1, "ACK"},
		{"  42 \t BYE  ",        0, 42, "BYE"},
		{"x1 OPTIONS",           0, 1, "OPTIONS"},
		{"12INVITE 3 ACK",       0, 3, "ACK"},
		{"4294967297 X",         0, 1, "X"},
		{"INVITE",               ENOENT, 0, NULL},
		{"12",                   ENOENT, 0, NULL},
		{"12 \r\n",              ENOENT, 0, NULL},
		{"",                     ENOENT, 0, NULL},
	};
	struct sip_cseq cseq;
	struct pl pl;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		memset(&cseq, 0, sizeof(cseq));

		err = sip_cseq_decode(&cseq, &pl);
		TEST_CASE_ERR(v[i].err, err);
		err = 0;

		TEST_EQUALS(v[i].num, cseq.num);
		TEST_PL(v[i].met, cseq.met);
	}

 out:
	return err;
}


int test_fastparse_ctype(void)
{
	static const struct {
		const char *in;
		int err;
		const char *type, *subtype, *params;
	} v[] = {
		{"application/sdp", 0, "application", "sdp", ""},
		{"multipart/mixed;boundary=unique-boundary-1", 0,
		 "multipart", "mixed", ";boundary=unique-boundary-1"},
		{"  text / plain ; charset=utf-8", 0, "text", "plain",
		 " ; charset=utf-8"},
		{"message/sipfrag;version=2.0", 0, "message", "sipfrag",
		 ";version=2.0"},
		{"a/b/c", 0, "a", "b/c", ""},
		{"application\r\n /sdp", 0, "application", "sdp", ""},
		/* not at the start: refused, with what libre's search set */
		{"aaa b/c", EBADMSG, "b", "c", ""},
		{"application", EBADMSG, "application", NULL, NULL},
		{"application/", EBADMSG, "n", NULL, NULL},
		{"/sdp", EBADMSG, "sdp", NULL, NULL},
		{";", EBADMSG, NULL, NULL, NULL},
		{"", EBADMSG, NULL, NULL, NULL},
	};
	struct msg_ctype ctype;
	struct pl pl;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(v); ++i) {

		tcase = v[i].in;
		pl_set_str(&pl, v[i].in);
		memset(&ctype, 0, sizeof(ctype));

		err = msg_ctype_decode(&ctype, &pl);
		TEST_CASE_ERR(v[i].err, err);
		err = 0;

		TEST_PL(v[i].type, ctype.type);
		TEST_PL(v[i].subtype, ctype.subtype);
		TEST_PL(v[i].params, ctype.params);
	}

	pl_set_str(&pl, "Application/SDP");
	err = msg_ctype_decode(&ctype, &pl);
	TEST_ERR(err);
	TEST_ASSERT(msg_ctype_cmp(&ctype, "application", "sdp"));
	TEST_ASSERT(!msg_ctype_cmp(&ctype, "application", "sdpx"));
	TEST_ASSERT(!msg_ctype_cmp(&ctype, "text", "sdp"));
	TEST_ASSERT(!msg_ctype_cmp(NULL, "application", "sdp"));
	TEST_ASSERT(!msg_ctype_cmp(&ctype, NULL, "sdp"));

 out:
	return err;
}


int test_fastparse_misuse(void)
{
	const struct pl nul = {NULL, 4}, pl = PL(";tag=1");
	struct msg_ctype ctype;
	struct sip_cseq cseq;
	struct sip_addr addr;
	struct sip_via via;
	struct uri uri;
	struct pl val, name = PL("tag");
	int err = 0;

	TEST_EQUALS(EINVAL, uri_decode(NULL, &pl));
	TEST_EQUALS(EINVAL, uri_decode(&uri, NULL));
	TEST_EQUALS(EINVAL, uri_decode(&uri, &nul));
	TEST_EQUALS(EINVAL, uri_decode_hostport(&nul, &val, &val));
	TEST_EQUALS(EINVAL, uri_decode_hostport(&pl, NULL, &val));
	TEST_EQUALS(EINVAL, uri_param_get(&nul, &name, &val));
	TEST_EQUALS(EINVAL, uri_param_get(&pl, NULL, &val));
	TEST_EQUALS(EINVAL, uri_header_get(&nul, &name, &val));
	TEST_EQUALS(EINVAL, uri_params_apply(&nul, apply_handler, NULL));
	TEST_EQUALS(EINVAL, uri_params_apply(&pl, NULL, NULL));
	TEST_EQUALS(EINVAL, uri_headers_apply(&nul, apply_handler, NULL));
	TEST_EQUALS(EINVAL, msg_param_decode(NULL, "tag", &val));
	TEST_EQUALS(EINVAL, msg_param_decode(&pl, NULL, &val));
	TEST_EQUALS(EINVAL, msg_param_exists(&pl, "tag", NULL));
	TEST_EQUALS(ENOENT, msg_param_decode(&nul, "tag", &val));
	TEST_EQUALS(ENOENT, msg_param_exists(&nul, "tag", &val));
	TEST_EQUALS(EINVAL, sip_via_decode(&via, &nul));
	TEST_EQUALS(EINVAL, sip_via_decode(NULL, &pl));
	TEST_EQUALS(EBADMSG, sip_addr_decode(&addr, &nul));
	TEST_EQUALS(EINVAL, sip_addr_decode(&addr, NULL));
	TEST_EQUALS(EINVAL, sip_cseq_decode(&cseq, &nul));
	TEST_EQUALS(EINVAL, sip_cseq_decode(NULL, &pl));
	TEST_EQUALS(EBADMSG, msg_ctype_decode(&ctype, &nul));
	TEST_EQUALS(EINVAL, msg_ctype_decode(&ctype, NULL));

 out:
	return err;
}


/*
 * Names are literal text.  libre prints them into a regex: there '[' and
 * '\' are syntax, and a name too long for its 128-octet buffer leaves a
 * truncated expression (and the value unset); this test fails there.
 */
int test_fastparse_names(void)
{
	const struct pl pl = PL(";tag=1;[a]=2;t\\ag=3?h=4&[b]=5");
	char longname[120];
	struct pl val, name;
	int err = 0;

	err = msg_param_decode(&pl, "[a]", &val);
	TEST_ERR(err);
	TEST_ASSERT(0 == pl_strcmp(&val, "2"));
	err = msg_param_decode(&pl, "t\\ag", &val);
	TEST_ERR(err);
	TEST_ASSERT(0 == pl_strcmp(&val, "3?h=4&[b]=5"));
	err = msg_param_exists(&pl, "[a]", &val);
	TEST_ERR(err);
	TEST_ASSERT(0 == pl_strcmp(&val, ";[a]"));

	pl_set_str(&name, "[b]");
	err = uri_header_get(&pl, &name, &val);
	TEST_ERR(err);
	TEST_ASSERT(0 == pl_strcmp(&val, "5"));
	name.p = "t\0g";
	name.l = 3;
	TEST_EQUALS(ENOENT, uri_param_get(&pl, &name, &val));

	memset(longname, 'n', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	TEST_EQUALS(ENOENT, msg_param_decode(&pl, longname, &val));
	TEST_EQUALS(ENOENT, msg_param_exists(&pl, longname, &val));
	name.p = longname;
	name.l = 119;
	TEST_EQUALS(ENOENT, uri_param_get(&pl, &name, &val));

	/* a NULL name pointer is the empty name, as libre prints it */
	name.p = NULL;
	name.l = 3;
	err = uri_param_get(&pl, &name, &val);
	TEST_ERR(err);
	TEST_ASSERT(0 == pl_strcmp(&val, "tag=1"));

 out:
	return err;
}


/*
 * Inputs on which libre's regex search takes quadratic time (see the
 * HOSTILE-*-quadratic vectors): the same results, the same search
 */
int test_fastparse_hostile(void)
{
	enum { N = 8192 };
	struct msg_ctype ctype;
	struct sip_addr addr;
	struct sip_cseq cseq;
	struct uri uri;
	struct pl pl;
	char *buf;
	size_t i;
	int err = 0;

	buf = mem_alloc(N + 8, NULL);
	if (!buf)
		return ENOMEM;

	/* "a:b:b:...:b@;" */
	buf[0] = 'a';
	for (i = 1; i + 2 < N; i += 2) {
		buf[i] = ':';
		buf[i + 1] = 'b';
	}
	buf[i++] = '@';
	buf[i++] = ';';
	pl.p = buf;
	pl.l = i;
	err = uri_decode(&uri, &pl);
	TEST_ERR(err);
	TEST_ASSERT(0 == pl_strcmp(&uri.scheme, "a"));
	TEST_ASSERT(0 == pl_strcmp(&uri.host, "b"));
	TEST_ASSERT(0 == pl_strcmp(&uri.params, ";"));

	/* a display-name token of N octets, no '<' */
	memset(buf, 'a', N);
	memcpy(buf + N - 8, " sip:x@y", 8);
	pl.l = N;
	err = sip_addr_decode(&addr, &pl);
	TEST_ERR(err);
	TEST_EQUALS(N, addr.auri.l);
	TEST_ASSERT(0 == pl_strcmp(&addr.uri.host, "y"));

	/* "aaa...a b/c" */
	memcpy(buf + N - 4, " b/c", 4);
	TEST_EQUALS(EBADMSG, msg_ctype_decode(&ctype, &pl));
	TEST_ASSERT(0 == pl_strcmp(&ctype.type, "b"));

	/* digits without a method */
	memset(buf, '7', N);
	TEST_EQUALS(ENOENT, sip_cseq_decode(&cseq, &pl));

 out:
	mem_deref(buf);
	return err;
}
