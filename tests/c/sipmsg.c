/**
 * @file sipmsg.c  Tests of the SIP message decoder (wasm/sipmsg): the same
 * results as libre 1.1.0's src/sip/msg.c (tests/c/sipmsg_libre.c)
 *
 * Every message of tests/vectors (sip/, rfc4475/, bench/) is decoded by
 * both, whole and cut at every length in its head (up to PREFIX_MAX
 * octets), and so are the crafted messages below, which walk libre's
 * quirks.
 */
#include <re.h>
#include "sipmsg.h"
#include "test.h"


enum {
	PREFIX_MAX = 1024,
};

int sipmsg_diff(const uint8_t *buf, size_t len);


/* Just past the first empty line (LF LF or LF CR LF), or len */
static size_t head_len(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++) {

		if (buf[i - 1] != '\n')
			continue;

		if (buf[i] == '\n')
			return i + 1;

		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			return i + 2;
	}

	return len;
}


/* The message, and every prefix of it that ends in its head */
static int diff_cuts(const char *what, const uint8_t *buf, size_t len)
{
	const size_t head = head_len(buf, len);
	size_t n;
	int err;

	for (n = 0; n <= head && n <= PREFIX_MAX; n++) {

		err = sipmsg_diff(buf, n);
		if (err) {
			(void)fprintf(stderr, "%s: cut at %zu octets\n",
				      what, n);
			return err;
		}
	}

	err = sipmsg_diff(buf, len);
	if (err)
		(void)fprintf(stderr, "%s\n", what);

	return err;
}


static int diff_file(const char *dir, const char *name, void *arg)
{
	unsigned *np = arg;
	char path[1024];
	struct mbuf *mb = NULL;
	int err;

	if (re_snprintf(path, sizeof(path), "%s/%s", dir, name) < 0)
		return ENAMETOOLONG;

	err = test_file_load(&mb, path);
	if (!err)
		err = diff_cuts(path, mb->buf, mb->end);

	mem_deref(mb);
	++*np;

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
	TEST_ASSERT(n > 100);

 out:
	return err;
}


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
		/* a quote open at the end of a header outlives it */
		"SIP/2.0 200 OK\r\n"
		"Subject: \"open\r\n"
		"Allow: , INVITE, \"ACK, BYE\"\r\n"
		"Supported: ,,a\r\n\r\n",
		/* folding in names and values; whitespace before ':' */
		"OPTIONS sip:x SIP/2.0\r\n"
		"Subject: a\r\n b\r\n\tc\r\n"
		"Fo\r\n o : bar\r\n"
		"Empty:\r\n"
		"Empty2:   \r\n"
		"Accept: \r\n\r\n",
		/* LF only, CR runs, a body without the empty line */
		"BYE sip:x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\n"
		"Call-ID: c\r\r\n\n",
		"BYE sip:x SIP/2.0\r\nCall-ID: c\r\nbody",
		/* no ':', empty name, ':' first */
		"BYE sip:x SIP/2.0\r\nCall-ID c\r\n\r\n",
		"BYE sip:x SIP/2.0\r\n: c\r\n\r\n",
		"BYE sip:x SIP/2.0\r\n   : c\r\n\r\n",
		"BYE sip:x SIP/2.0\r\n\r\n",
		"BYE sip:x SIP/2.0\r\n\r\nbody",
		/* start lines */
		"SIP/2.0 65736 Wraps\r\nCall-ID: c\r\n\r\n",
		"SIP/2.0 0 Zero\r\n\r\n",
		"SIP/2.0 x Bad\r\n\r\n",
		"sip/2.0 200 OK\r\n\r\n",
		"INVITE sip:x sip/2.0\r\n\r\n",
		"INVITE  sip:x SIP/2.0\r\n\r\n",
		"INVITE sip:x SIP/2.0 extra\r\n\r\n",
		"INVITE sip:x\r\n\r\n",
		"INVITE sip:x \r\n\r\n",
		" INVITE sip:x SIP/2.0\r\n\r\n",
		"INVITE <sip:x> SIP/2.0\r\n\r\n",
		"INVITE sip:x SIP/2.0\r\rX: 1\r\n\r\n",
		"INVITE sip:[::1 SIP/2.0\r\n\r\n",
		"",
		"\r\n",
		/* header names: non-ASCII, hashing, case */
		"SIP/2.0 100 Trying\r\n"
		"\xe9t\xe9: 1\r\nVIA: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"call-id: A\r\nCALL-ID: B\r\nX-: 1\r\nx: 2\r\nX: 3\r\n"
		"\x80: 4\r\n\r\n",
		/* parse errors of the common fields */
		"SIP/2.0 200 OK\r\nVia: nothing\r\n\r\n",
		"SIP/2.0 200 OK\r\nTo: \r\n\r\n",
		"SIP/2.0 200 OK\r\nFrom: <sip:a\r\n\r\n",
		"SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n",
		"SIP/2.0 200 OK\r\nContent-Type: x\r\n\r\n",
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\n\r\n",
	};
	size_t i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		err = diff_cuts(msgs[i], (const uint8_t *)msgs[i],
				strlen(msgs[i]));
		TEST_ERR(err);
	}

 out:
	return err;
}


int test_sipmsg_notag(void)
{
	static const char m[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bKx\r\n"
		"Call-ID: c\r\n\r\nbody";
	struct sip_msg *a = NULL, *b = NULL;
	struct mbuf *mb;
	int err;

	mb = mbuf_alloc(sizeof(m));
	if (!mb)
		return ENOMEM;

	err = mbuf_write_str(mb, m);
	TEST_ERR(err);

	mb->pos = 0;
	err = sipmsg_decode(&a, mb);
	TEST_ERR(err);
	TEST_EQUALS(0, a->tag);
	TEST_EQUALS(sizeof(m) - 5, mb->pos);

	mb->pos = 0;
	err = sip_msg_decode(&b, mb);
	TEST_ERR(err);
	TEST_ASSERT(b->tag != 0);

	TEST_EQUALS(EINVAL, sipmsg_decode(NULL, mb));
	TEST_EQUALS(EINVAL, sipmsg_decode(&a, NULL));
	TEST_EQUALS(EINVAL, sip_msg_decode(NULL, mb));
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
