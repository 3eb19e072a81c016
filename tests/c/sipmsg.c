/**
 * @file sipmsg.c  Tests of sipshield's SIP message decoder: every message
 * the strict check (wasm/check) accepts comes out as libre 1.1.0's
 * src/sip/msg.c decodes it (tests/c/sipmsg_libre.c)
 *
 * Every message of tests/vectors (sip/, rfc4475/, bench/) is decoded by
 * both, whole and cut at every length in its head (up to PREFIX_MAX
 * octets; a cut message is refused, so compared only when it still is
 * one), and so are the crafted messages below, which walk libre's quirks
 * in messages the check accepts.
 */
#include <re.h>
#include "check.h"
#include "test.h"


enum {
	PREFIX_MAX = 1024,
};

int sipmsg_diff(const uint8_t *buf, size_t len, bool *compared);


/* Just past the first empty line (LF LF or LF CR LF), or len */
static size_t head_len(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 1; i < len; ++i) {

		if (buf[i - 1] != '\n')
			continue;

		if (buf[i] == '\n')
			return i + 1;

		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
	}

	return len;
}


/* The message, and every prefix of it that ends in its head; *np counts
 * the whole messages that were compared (accepted) */
static int diff_cuts(const char *what, const uint8_t *buf, size_t len,
		     unsigned *np)
{
	const size_t head = head_len(buf, len);
	bool compared = false;
	size_t n;
	int err;

	for (n = 0; n <= head && n <= PREFIX_MAX; ++n) {

		err = sipmsg_diff(buf, n, NULL);
		if (err) {
			(void)fprintf(stderr, "%s: cut at %zu octets\n",
				      what, n);
			return err;
		}
	}

	err = sipmsg_diff(buf, len, &compared);
	if (err)
		(void)fprintf(stderr, "%s\n", what);

	*np += compared;

	return err;
}


static int diff_file(const char *dir, const char *name, void *arg)
{
	char path[1024];
	struct mbuf *mb = NULL;
	int err;

	if (re_snprintf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return ENAMETOOLONG;

	err = test_file_load(&mb, path);
	if (!err)
		err = diff_cuts(path, mb->buf, mb->end, arg);

	mem_deref(mb);

	return err;
}


int test_sipmsg_vectors(void)
{
	unsigned n = 0;
	int err;

	err = test_vectors_each("sip", ".sip", diff_file, &n);
	if (!err)
		err = test_vectors_each("rfc4475", ".dat", diff_file, &n);
	if (!err)
		err = test_vectors_each("bench", ".sip", diff_file, &n);

	TEST_ERR(err);

	/* the accepted ones, compared with libre: the set must not vanish */
	TEST_ASSERT(n > 60);

 out:
	return err;
}


/* The fields every request below needs to pass the check */
#define REQ(met, hdrs)							\
	met " sip:bob@b.example SIP/2.0\r\n"				\
	"Via: SIP/2.0/WSS a.invalid;branch=z9hG4bK1\r\n"		\
	"From: <sip:a@x>;tag=1\r\nTo: sip:b@y\r\nCall-ID: cid\r\n"	\
	"CSeq: 1 " met "\r\n" hdrs

int test_sipmsg_quirks(void)
{
	static const char *msgs[] = {
		/* comma-separated values, quotes, compact forms */
		"INVITE sip:bob@b.example SIP/2.0\r\n"
		"v: SIP/2.0/WSS a.invalid;branch=z9hG4bK1, "
		"SIP/2.0/UDP b;branch=z9hG4bK2\r\n"
		"Via: SIP/2.0/TCP c;branch=z9hG4bK3\r\n"
		"m: \"a, b\" <sip:a@x>, <sip:c@y>;q=0.5 ,\t<sip:d@z>\r\n"
		"Route: <sip:r1;lr>,<sip:r2;lr>\r\n"
		"f: <sip:a@x>;tag=1\r\nt: sip:b@y\r\ni: cid\r\n"
		"CSeq: 1 INVITE\r\nc: application/sdp\r\nl: 4\r\n"
		"X-Foo: 1, 2\r\nx-bar: 3\r\nExpires: 60\r\n"
		"Max-Forwards: 70\r\nk: path, gruu\r\n\r\nbody",
		/* a quote open at the end of a field still counts at the
		 * first octet of the next value; empty values; a comma after
		 * whitespace */
		REQ("OPTIONS", "Subject: \"open\r\n"
		    "Allow: , INVITE, \"ACK, BYE\"\r\n"
		    "Supported: ,,a\r\n"
		    "Accept: a ,\r\n"
		    "Require: , ,\r\n\r\n"),
		/* folding; empty values point at the next line (or body) */
		REQ("OPTIONS", "Subject: a\r\n b\r\n\tc\r\n"
		    "Supported: a,\r\n b\r\n"
		    "Empty:\r\n"
		    "Empty2:   \r\n"
		    "Accept: \r\n\r\n"),
		REQ("BYE", "Unsupported:\r\n\r\nbody"),
		/* LF only, CR runs */
		"BYE sip:x@y SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\n"
		"From: <sip:a@x>;tag=1\nTo: <sip:b@y>\nCall-ID: c\r\r\n"
		"CSeq: 2 BYE\n\n",
		/* header names: hashing, case, x- */
		"SIP/2.0 100 Trying\r\n"
		"VIA: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"from: <sip:a@x>;tag=1\r\nTO: <sip:b@y>\r\n"
		"call-id: A\r\ncseq: 1 INVITE\r\nX-: 1\r\nx: 2\r\nX: 3\r\n"
		"\r\n",
		/* a Reason-Phrase with spaces and tabs */
		"SIP/2.0 486 Busy \tHere \r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>;tag=2\r\n"
		"Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
	};
	unsigned n = 0;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(msgs); ++i) {
		const unsigned before = n;

		err = diff_cuts(msgs[i], (const uint8_t *)msgs[i],
				strlen(msgs[i]), &n);
		TEST_ERR(err);

		/* each walks its quirk only if the check took it */
		if (n == before)
			(void)fprintf(stderr, "refused: %s\n", msgs[i]);
		TEST_EQUALS(before + 1, n);
	}

 out:
	return err;
}


/* What libre's parsers refuse of what the check's own rules accept */
int test_sipmsg_libre_refuses(void)
{
	static const char *msgs[] = {
		/* libre reads the version case-sensitively */
		"INVITE sip:x@y sip/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\n\r\n",
		/* and takes a status line ending in SIP/2.0 for a request */
		"SIP/2.0 200 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\n\r\n",
		/* a top Via without branch */
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\n\r\n",
	};
	struct sip_msg *msg = NULL;
	struct mbuf *mb = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(msgs); ++i) {
		mb = mbuf_alloc(512);
		if (!mb)
			return ENOMEM;

		(void)mbuf_write_str(mb, msgs[i]);
		mb->pos = 0;

		TEST_EQUALS(EBADMSG, sip_msg_decode(&msg, mb));
		TEST_EQUALS(0, mb->pos);
		TEST_EQUALS(EBADMSG, check_sip_fast(mb->buf, mb->end, NULL));

		mb = mem_deref(mb);
	}

 out:
	mem_deref(mb);

	return err;
}


int test_sipmsg_decode(void)
{
	static const char m[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"From: <sip:a@x>;tag=1\r\nTo: <sip:b@y>\r\n"
		"Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\nbody";
	struct sip_msg *a = NULL, *b = NULL;
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(sizeof(m));
	if (!mb)
		return ENOMEM;

	err = mbuf_write_str(mb, m);
	TEST_ERR(err);

	/* in place: the message points into mb, which moves to the body */
	mb->pos = 0;
	err = sip_msg_decode(&a, mb);
	TEST_ERR(err);
	TEST_EQUALS(sizeof(m) - 5, mb->pos);
	TEST_ASSERT(a->mb == mb);
	TEST_ASSERT(a->callid.p == (const char *)mb->buf + 99);

	/* a random tag each time */
	mb->pos = 0;
	err = sip_msg_decode(&b, mb);
	TEST_ERR(err);
	TEST_ASSERT(a->tag != b->tag);

	TEST_EQUALS(EINVAL, sip_msg_decode(NULL, mb));
	TEST_EQUALS(EINVAL, sip_msg_decode(&a, NULL));
	TEST_ASSERT(NULL == sip_msg_hdr(NULL, SIP_HDR_VIA));
	TEST_ASSERT(NULL == sip_msg_xhdr(b, NULL));
	TEST_EQUALS(1, sip_msg_hdr_count(b, SIP_HDR_VIA));
	TEST_EQUALS(0, sip_msg_xhdr_count(NULL, "Via"));

 out:
	mem_deref(a);
	mem_deref(b);
	mem_deref(mb);

	return err;
}
