/**
 * @file record.c  Tests of the call recorder's C: the Ogg Opus writer and
 *                 the sealed container (docs/recording-format.md)
 *
 * The Ogg pages are parsed back here with a bitwise CRC of our own (RFC
 * 3533 6) and checked field by field against RFC 7845.  The container is
 * opened both by the opener and, from the document alone, by hand with
 * the crypto adapter (whose AES-GCM, HKDF and X25519 tests/c/crypto.c
 * checks against published vectors).  Random slicing is seeded: a
 * failure prints the seed, and SIPSHIELD_TEST_SEED=N reruns it.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "record.h"
#include "test.h"


void seal_test_counter(struct sealer *s, struct opener *o, uint32_t n);

enum {
	HDR   = RECORD_HEADER_SIZE,
	SMALL = 32,               /* chunk size of the small test files */
	TAG   = 16,
	INFO  = 4,
	PAGE_SIZE_MAX = 27 + 255 + 255 * 255,
};


/* --- helpers ------------------------------------------------------------ */

struct sink {
	struct mbuf *mb;
	unsigned calls;
	unsigned fail_at;        /* fail the call with this number (1-based) */
};


static int sink_h(const uint8_t *p, size_t n, void *arg)
{
	struct sink *sk = arg;

	++sk->calls;
	if (sk->fail_at && sk->calls == sk->fail_at)
		return EPIPE;

	return mbuf_write_mem(sk->mb, p, n);
}


static int sink_init(struct sink *sk)
{
	memset(sk, 0, sizeof(*sk));
	sk->mb = mbuf_alloc(1024);

	return sk->mb ? 0 : ENOMEM;
}


static uint32_t seed_get(void)
{
	const char *s = getenv("SIPSHIELD_TEST_SEED");

	return s ? (uint32_t)strtoul(s, NULL, 10) : (rand_u32() | 1);
}


/* xorshift32: reproducible slicing from a printed seed */
static uint32_t prng(uint32_t *st)
{
	uint32_t x = *st;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;

	return *st = x;
}


/* Test data: byte i of stream tag, from offset off */
static void fill_at(uint8_t *p, size_t n, uint32_t tag, size_t off)
{
	size_t i;

	for (i = off; i < off + n; ++i)
		p[i - off] = (uint8_t)(i * 31 + tag + (i >> 8));
}


static void fill(uint8_t *p, size_t n, uint32_t tag)
{
	fill_at(p, n, tag, 0);
}


static uint32_t rd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		(uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}


static uint64_t rd_le64(const uint8_t *p)
{
	return (uint64_t)rd_le32(p) | (uint64_t)rd_le32(p + 4) << 32;
}


static uint32_t rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}


/* --- Ogg ---------------------------------------------------------------- */

/* RFC 3533 6's CRC, a bit at a time, written independently of ogg.c */
static uint32_t crc_bitwise(const uint8_t *p, size_t n)
{
	uint32_t crc = 0;
	size_t i;
	int b;

	for (i = 0; i < n; ++i) {
		crc ^= (uint32_t)p[i] << 24;
		for (b = 0; b < 8; ++b)
			crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u
						  : crc << 1;
	}

	return crc;
}


struct page {
	uint8_t flags;
	uint64_t granule;
	uint32_t serial;
	uint32_t seq;
	uint8_t nseg;
	const uint8_t *lacing;
	const uint8_t *data;
	size_t datalen;
	size_t len;
};


/* Parse one page at p and check its capture pattern, version and CRC */
static int page_parse(struct page *pg, uint8_t *p, size_t n)
{
	uint32_t crc;
	size_t i;
	int err = 0;

	TEST_ASSERT(n >= 27);
	TEST_ASSERT(!memcmp(p, "OggS", 4));
	TEST_EQUALS(0, p[4]);
	TEST_EQUALS(0, p[5] & ~0x07);

	pg->flags   = p[5];
	pg->granule = rd_le64(p + 6);
	pg->serial  = rd_le32(p + 14);
	pg->seq     = rd_le32(p + 18);
	crc         = rd_le32(p + 22);
	pg->nseg    = p[26];
	TEST_ASSERT(n >= 27u + pg->nseg);
	pg->lacing  = p + 27;
	pg->datalen = 0;
	for (i = 0; i < pg->nseg; ++i)
		pg->datalen += pg->lacing[i];
	pg->data = p + 27 + pg->nseg;
	pg->len  = 27 + pg->nseg + pg->datalen;
	TEST_ASSERT(n >= pg->len);

	/* the CRC is computed with its own field zeroed */
	memset(p + 22, 0, 4);
	TEST_EQUALS(crc, crc_bitwise(p, pg->len));
	p[22] = (uint8_t)crc;
	p[23] = (uint8_t)(crc >> 8);
	p[24] = (uint8_t)(crc >> 16);
	p[25] = (uint8_t)(crc >> 24);

 out:
	return err;
}


int test_record_ogg_crc(void)
{
	uint8_t buf[1000];
	uint32_t crc;
	size_t i;
	int err = 0;

	/* python3, the same polynomial bit by bit: CRC of "123456789" */
	TEST_EQUALS(0x89a1897fu, ogg_crc32(0, (const uint8_t *)"123456789",
					   9));
	TEST_EQUALS(0x89a1897fu, crc_bitwise((const uint8_t *)"123456789",
					     9));
	TEST_EQUALS(0x5fb0a94fu, ogg_crc32(0, (const uint8_t *)"OggS", 4));
	TEST_EQUALS(0, ogg_crc32(0, NULL, 0));

	fill(buf, sizeof(buf), 7);
	TEST_EQUALS(crc_bitwise(buf, sizeof(buf)),
		    ogg_crc32(0, buf, sizeof(buf)));

	/* in pieces */
	crc = 0;
	for (i = 0; i < sizeof(buf); i += 37)
		crc = ogg_crc32(crc, buf + i, min(sizeof(buf) - i,
						  (size_t)37));
	TEST_EQUALS(crc_bitwise(buf, sizeof(buf)), crc);

 out:
	return err;
}


struct ogg_expect {
	size_t n;
	uint32_t samples;
};


/* Every page of a stream: headers as RFC 7845 says, then the packets in
 * order with the right granule positions; returns the page count */
static int ogg_check(struct sink *sk, const struct ogg_opus_params *prm,
		     const struct ogg_expect *pk, size_t npk, size_t *pagesp)
{
	uint8_t *p = sk->mb->buf;
	size_t left = sk->mb->end, pages = 0, ip = 0, cur = 0;
	uint8_t *pkt = NULL, *want = NULL;
	uint64_t granule = 0;
	struct page pg;
	int err = 0;

	pkt  = mem_alloc(PAGE_SIZE_MAX, NULL);
	want = mem_alloc(PAGE_SIZE_MAX, NULL);
	if (!pkt || !want) {
		err = ENOMEM;
		goto out;
	}

	while (left) {
		size_t i, off = 0;
		bool ended = false;

		err = page_parse(&pg, p, left);
		TEST_ERR(err);

		TEST_EQUALS(prm->serial, pg.serial);
		TEST_EQUALS(pages, pg.seq);
		TEST_EQUALS(pages == 0, !!(pg.flags & 0x02));
		TEST_EQUALS(pg.len == left, !!(pg.flags & 0x04));
		TEST_EQUALS(0, pg.flags & 0x01);

		if (pages == 0) {
			/* RFC 7845 5.1: alone on page 0 */
			TEST_EQUALS(1, pg.nseg);
			TEST_EQUALS(19, pg.lacing[0]);
			TEST_EQUALS(0, pg.granule);
			TEST_ASSERT(!memcmp(pg.data, "OpusHead", 8));
			TEST_EQUALS(1, pg.data[8]);
			TEST_EQUALS(prm->channels, pg.data[9]);
			TEST_EQUALS(prm->preskip,
				    pg.data[10] | pg.data[11] << 8);
			TEST_EQUALS(prm->input_rate, rd_le32(pg.data + 12));
			TEST_EQUALS(0, pg.data[16] | pg.data[17]);
			TEST_EQUALS(0, pg.data[18]);
		}
		else if (pages == 1) {
			/* RFC 7845 5.2 */
			const size_t vl = strlen(prm->vendor);

			TEST_EQUALS(0, pg.granule);
			TEST_EQUALS(8 + 4 + vl + 4 + 4 + 17, pg.datalen);
			TEST_ASSERT(!memcmp(pg.data, "OpusTags", 8));
			TEST_EQUALS(vl, rd_le32(pg.data + 8));
			TEST_ASSERT(!memcmp(pg.data + 12, prm->vendor, vl));
			TEST_EQUALS(1, rd_le32(pg.data + 12 + vl));
			TEST_EQUALS(17, rd_le32(pg.data + 16 + vl));
			TEST_ASSERT(!memcmp(pg.data + 20 + vl,
					    "ENCODER=sipshield", 17));
		}
		else {
			for (i = 0; i < pg.nseg; ++i) {
				memcpy(pkt + cur, pg.data + off,
				       pg.lacing[i]);
				cur += pg.lacing[i];
				off += pg.lacing[i];
				if (pg.lacing[i] == 255)
					continue;

				TEST_ASSERT(ip < npk);
				TEST_EQUALS(pk[ip].n, cur);
				fill(want, cur, (uint32_t)ip);
				TEST_ASSERT(!memcmp(want, pkt, cur));
				granule += pk[ip].samples;
				++ip;
				cur = 0;
				ended = true;
			}

			/* packets never span pages */
			TEST_EQUALS(0, cur);
			TEST_EQUALS(ended ? granule : UINT64_MAX, pg.granule);
		}

		++pages;
		p += pg.len;
		left -= pg.len;
	}

	TEST_EQUALS(npk, ip);
	TEST_EQUALS(pages, sk->calls);   /* one handler call a page */
	*pagesp = pages;

 out:
	mem_deref(pkt);
	mem_deref(want);

	return err;
}


int test_record_ogg_pages(void)
{
	static const size_t sizes[] = {0, 254, 255, 256, 510, 65000};
	const struct ogg_opus_params prm = {
		.serial = 0x12345678, .channels = 2, .preskip = 312,
		.input_rate = 44100, .vendor = "libopus test",
	};
	struct ogg_expect pk[80];
	struct ogg_writer *ow = NULL;
	uint8_t *buf = NULL;
	size_t i, npk = 0, pages = 0;
	struct sink sk;
	struct page pg;
	int err;

	err = sink_init(&sk);
	TEST_ERR(err);

	buf = mem_alloc(65000, NULL);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}

	err = ogg_writer_alloc(&ow, &prm, sink_h, &sk);
	TEST_ERR(err);
	TEST_EQUALS(2, sk.calls);   /* OpusHead and OpusTags went out */

	for (i = 0; i < ARRAY_SIZE(sizes); ++i) {
		fill(buf, sizes[i], (uint32_t)npk);
		err = ogg_writer_packet(ow, buf, sizes[i], 960);
		TEST_ERR(err);
		pk[npk].n = sizes[i];
		pk[npk++].samples = 960;
	}

	/* the 65000-byte packet did not fit: the first five went out
	 * alone, and its own page, full at 255 lacing values, at once */
	TEST_EQUALS(4, sk.calls);

	/* one second of 20 ms packets fills a page */
	for (i = 0; i < 63; ++i) {
		fill(buf, 100, (uint32_t)npk);
		err = ogg_writer_packet(ow, buf, 100, 960);
		TEST_ERR(err);
		pk[npk].n = 100;
		pk[npk++].samples = 960;
		if (i == 49) {
			TEST_EQUALS(5, sk.calls);
		}
	}
	err = ogg_writer_flush(ow);
	TEST_ERR(err);
	TEST_EQUALS(6, sk.calls);
	err = ogg_writer_flush(ow);    /* nothing pending: no page */
	TEST_ERR(err);
	TEST_EQUALS(6, sk.calls);

	for (i = 0; i < 3; ++i) {
		fill(buf, 3, (uint32_t)npk);
		err = ogg_writer_packet(ow, buf, 3, 480);
		TEST_ERR(err);
		pk[npk].n = 3;
		pk[npk++].samples = 480;
	}
	err = ogg_writer_close(ow);
	TEST_ERR(err);

	err = ogg_check(&sk, &prm, pk, npk, &pages);
	TEST_ERR(err);
	TEST_EQUALS(7, pages);

	/* the lacing of the first audio page: 0 | 254 | 255 0 | 255 1 |
	 * 255 255 0, and 65000 as 254 x 255 + 230 */
	{
		static const uint8_t lace[] = {0, 254, 255, 0, 255, 1,
					       255, 255, 0};
		size_t off = 27 + 1 + 19;     /* after the OpusHead page */

		err = page_parse(&pg, sk.mb->buf + off, sk.mb->end - off);
		TEST_ERR(err);
		off += pg.len;
		err = page_parse(&pg, sk.mb->buf + off, sk.mb->end - off);
		TEST_ERR(err);
		TEST_EQUALS(sizeof(lace), pg.nseg);
		TEST_ASSERT(!memcmp(pg.lacing, lace, sizeof(lace)));
		TEST_EQUALS(5 * 960, pg.granule);
		off += pg.len;
		err = page_parse(&pg, sk.mb->buf + off, sk.mb->end - off);
		TEST_ERR(err);
		TEST_EQUALS(255, pg.nseg);
		TEST_EQUALS(255, pg.lacing[0]);
		TEST_EQUALS(230, pg.lacing[254]);
		TEST_EQUALS(65000, pg.datalen);
		TEST_EQUALS(6 * 960, pg.granule);
	}

	/* close with nothing pending: an empty EOS page */
	ow = mem_deref(ow);
	mbuf_reset(sk.mb);
	sk.calls = 0;
	err = ogg_writer_alloc(&ow, &prm, sink_h, &sk);
	TEST_ERR(err);
	fill(buf, 10, 0);
	err = ogg_writer_packet(ow, buf, 10, 960);
	TEST_ERR(err);
	err = ogg_writer_flush(ow);
	TEST_ERR(err);
	err = ogg_writer_close(ow);
	TEST_ERR(err);
	pk[0].n = 10;
	pk[0].samples = 960;
	err = ogg_check(&sk, &prm, pk, 1, &pages);
	TEST_ERR(err);
	TEST_EQUALS(4, pages);
	err = page_parse(&pg, sk.mb->buf + sk.mb->end - 27, 27);
	TEST_ERR(err);
	TEST_EQUALS(0x04, pg.flags);
	TEST_EQUALS(0, pg.nseg);

 out:
	mem_deref(ow);
	mem_deref(buf);
	mem_deref(sk.mb);

	return err;
}


/* An OpusTags packet over two pages: -1 then 0, the second continued */
int test_record_ogg_tags_span(void)
{
	enum { VL = 70000 };
	struct ogg_opus_params prm = {
		.serial = 1, .channels = 1, .preskip = 0,
		.input_rate = 8000,
	};
	struct ogg_writer *ow = NULL;
	char *vendor = NULL;
	struct page a, b, c;
	struct sink sk;
	size_t n = 8 + 4 + VL + 4 + 4 + 17;
	int err;

	err = sink_init(&sk);
	TEST_ERR(err);

	vendor = mem_alloc(VL + 1, NULL);
	if (!vendor) {
		err = ENOMEM;
		goto out;
	}
	memset(vendor, 'v', VL);
	vendor[VL] = '\0';
	prm.vendor = vendor;

	err = ogg_writer_alloc(&ow, &prm, sink_h, &sk);
	TEST_ERR(err);
	err = ogg_writer_close(ow);
	TEST_ERR(err);
	TEST_EQUALS(4, sk.calls);

	err = page_parse(&a, sk.mb->buf + 47, sk.mb->end - 47);
	TEST_ERR(err);
	TEST_EQUALS(1, a.seq);
	TEST_EQUALS(0, a.flags);
	TEST_EQUALS(255, a.nseg);
	TEST_EQUALS(UINT64_MAX, a.granule);
	TEST_EQUALS(255 * 255, a.datalen);
	TEST_ASSERT(!memcmp(a.data, "OpusTags", 8));
	TEST_EQUALS(VL, rd_le32(a.data + 8));

	err = page_parse(&b, sk.mb->buf + 47 + a.len,
			 sk.mb->end - 47 - a.len);
	TEST_ERR(err);
	TEST_EQUALS(2, b.seq);
	TEST_EQUALS(0x01, b.flags);
	TEST_EQUALS(0, b.granule);
	TEST_EQUALS(n - 255 * 255, b.datalen);
	TEST_EQUALS(n / 255 + 1 - 255, b.nseg);
	TEST_ASSERT(!memcmp(b.data + b.datalen - 17, "ENCODER=sipshield",
			    17));

	err = page_parse(&c, sk.mb->buf + 47 + a.len + b.len, 27);
	TEST_ERR(err);
	TEST_EQUALS(3, c.seq);
	TEST_EQUALS(0x04, c.flags);
	TEST_EQUALS(UINT64_MAX, c.granule);
	TEST_EQUALS(sk.mb->end, 47 + a.len + b.len + 27);

	/* no vendor at all */
	ow = mem_deref(ow);
	mbuf_reset(sk.mb);
	prm.vendor = NULL;
	err = ogg_writer_alloc(&ow, &prm, sink_h, &sk);
	TEST_ERR(err);
	err = page_parse(&a, sk.mb->buf + 47, sk.mb->end - 47);
	TEST_ERR(err);
	TEST_EQUALS(0, rd_le32(a.data + 8));
	TEST_EQUALS(8 + 4 + 4 + 4 + 17, a.datalen);

 out:
	mem_deref(ow);
	mem_deref(vendor);
	mem_deref(sk.mb);

	return err;
}


int test_record_ogg_misuse(void)
{
	struct ogg_opus_params prm = {
		.serial = 9, .channels = 2, .preskip = 312,
		.input_rate = 48000, .vendor = "v",
	};
	struct ogg_writer *ow = NULL;
	uint8_t *buf = NULL;
	struct sink sk;
	int err;

	err = sink_init(&sk);
	TEST_ERR(err);

	buf = mem_zalloc(PAGE_SIZE_MAX, NULL);
	if (!buf) {
		err = ENOMEM;
		goto out;
	}

	TEST_EQUALS(EINVAL, ogg_writer_alloc(NULL, &prm, sink_h, &sk));
	TEST_EQUALS(EINVAL, ogg_writer_alloc(&ow, NULL, sink_h, &sk));
	TEST_EQUALS(EINVAL, ogg_writer_alloc(&ow, &prm, NULL, &sk));
	prm.channels = 0;
	TEST_EQUALS(EINVAL, ogg_writer_alloc(&ow, &prm, sink_h, &sk));
	prm.channels = 3;
	TEST_EQUALS(EINVAL, ogg_writer_alloc(&ow, &prm, sink_h, &sk));
	prm.channels = 2;
	TEST_EQUALS(0, sk.calls);

	/* a handler error at the start is returned, nothing kept */
	sk.fail_at = 2;
	TEST_EQUALS(EPIPE, ogg_writer_alloc(&ow, &prm, sink_h, &sk));
	TEST_ASSERT(ow == NULL);
	sk.fail_at = 0;
	sk.calls = 0;

	err = ogg_writer_alloc(&ow, &prm, sink_h, &sk);
	TEST_ERR(err);

	/* 255 * 255 bytes need 256 lacing values: refused */
	TEST_EQUALS(EINVAL, ogg_writer_packet(ow, buf, 255 * 255, 960));
	TEST_EQUALS(EINVAL, ogg_writer_packet(ow, buf, 10, 5761));
	TEST_EQUALS(EINVAL, ogg_writer_packet(ow, NULL, 10, 960));
	TEST_EQUALS(EINVAL, ogg_writer_packet(NULL, buf, 10, 960));
	err = ogg_writer_packet(ow, buf, 255 * 255 - 1, 5760);
	TEST_ERR(err);
	TEST_EQUALS(3, sk.calls);      /* 255 lacing values: out at once */
	err = ogg_writer_packet(ow, NULL, 0, 0);
	TEST_ERR(err);

	/* a handler error stops the writer */
	sk.fail_at = sk.calls + 1;
	TEST_EQUALS(EPIPE, ogg_writer_flush(ow));
	sk.fail_at = 0;
	TEST_EQUALS(EPIPE, ogg_writer_packet(ow, buf, 1, 960));
	TEST_EQUALS(EPIPE, ogg_writer_close(ow));
	ow = mem_deref(ow);

	err = ogg_writer_alloc(&ow, &prm, sink_h, &sk);
	TEST_ERR(err);
	err = ogg_writer_close(ow);
	TEST_ERR(err);
	TEST_EQUALS(EINVAL, ogg_writer_close(ow));
	TEST_EQUALS(EINVAL, ogg_writer_flush(ow));
	TEST_EQUALS(EINVAL, ogg_writer_packet(ow, buf, 1, 960));
	TEST_EQUALS(EINVAL, ogg_writer_close(NULL));
	TEST_EQUALS(EINVAL, ogg_writer_flush(NULL));
	err = 0;

 out:
	mem_deref(ow);
	mem_deref(buf);
	mem_deref(sk.mb);

	return err;
}


/* --- Sealing ------------------------------------------------------------ */

/* Keys of one test: the symmetric key, a recipient pair */
struct keys {
	uint8_t key[32];
	uint8_t priv[32];
	uint8_t pub[32];
};


static int keys_make(struct keys *k)
{
	int err;

	err = crypto_rand(k->key, sizeof(k->key));
	if (err)
		return err;

	return seal_keygen(k->priv, k->pub);
}


/* The sealing key and the opening secret of a mode */
static const uint8_t *seal_key(const struct keys *k, enum seal_mode m)
{
	return m == SEAL_KEY ? k->key : k->pub;
}


static const uint8_t *open_key(const struct keys *k, enum seal_mode m)
{
	return m == SEAL_KEY ? k->key : k->priv;
}


static size_t sealed_size(size_t n, size_t chunk)
{
	return HDR + (n / chunk) * (INFO + chunk + TAG) +
		INFO + n % chunk + TAG;
}


/* Seal n bytes of fill(tag) in random slices */
static int seal_make(struct mbuf *out, enum seal_mode mode,
		     const uint8_t *key, uint32_t chunk, size_t n,
		     uint32_t *rnd)
{
	struct sealer *s = NULL;
	uint8_t *pt = NULL;
	struct sink sk;
	size_t off = 0;
	int err;

	memset(&sk, 0, sizeof(sk));
	sk.mb = out;

	pt = mem_alloc(n + 1, NULL);
	if (!pt)
		return ENOMEM;
	fill(pt, n, 5);

	err = sealer_alloc_chunk(&s, mode, key, chunk, sink_h, &sk);
	if (err)
		goto out;

	while (off < n) {
		size_t take = prng(rnd) % (2 * chunk + 2);

		take = min(take, n - off);
		err = sealer_write(s, pt + off, take);
		if (err)
			goto out;
		off += take;
	}

	err = sealer_close(s);

 out:
	mem_deref(s);
	mem_deref(pt);

	return err;
}


struct opened {
	enum seal_error serr;
	int err;                 /* opener_write/close's error */
	size_t n;                /* plaintext bytes handed out */
	bool prefix;             /* and they are the sealed plaintext's */
};


/* Open bytes fed in slices (step 0: random) and check the plaintext */
static int open_run(struct opened *res, const uint8_t *secret,
		    const uint8_t *p, size_t n, size_t step, uint32_t *rnd)
{
	struct opener *o = NULL;
	uint8_t *want = NULL;
	struct sink sk;
	size_t off = 0;
	int err;

	memset(res, 0, sizeof(*res));

	err = sink_init(&sk);
	if (err)
		return err;

	err = opener_alloc(&o, secret, sink_h, &sk);
	if (err)
		goto out;

	while (off < n) {
		size_t take = step ? step : 1 + prng(rnd) % 97;

		take = min(take, n - off);
		res->err = opener_write(o, p + off, take);
		if (res->err)
			break;
		off += take;
	}

	if (!res->err)
		res->err = opener_close(o);

	res->serr = opener_error(o);
	res->n = sk.mb->end;

	want = mem_alloc(res->n + 1, NULL);
	if (!want) {
		err = ENOMEM;
		goto out;
	}
	fill(want, res->n, 5);
	res->prefix = !memcmp(want, sk.mb->buf, res->n);

	/* refused means EBADMSG and a reason; accepted means neither */
	if ((res->err == EBADMSG) != (res->serr != SEAL_OK)) {
		(void)fprintf(stderr, "open: error %d with reason %s\n",
			      res->err, seal_reason(res->serr));
		err = EPROTO;
	}

 out:
	mem_deref(o);
	mem_deref(want);
	mem_deref(sk.mb);

	return err;
}


static int expect(const struct opened *res, enum seal_error serr,
		  size_t n, const char *what, size_t at)
{
	if (res->serr == serr && res->n == n && res->prefix)
		return 0;

	(void)fprintf(stderr, "%s %zu: expected %s with %zu bytes out, got "
		      "%s with %zu (%s)\n", what, at, seal_reason(serr), n,
		      seal_reason(res->serr), res->n,
		      res->prefix ? "authentic" : "NOT the plaintext");

	return EINVAL;
}


static int roundtrip(enum seal_mode mode, const struct keys *k,
		     uint32_t chunk, size_t n, uint32_t *rnd)
{
	struct mbuf *mb = mbuf_alloc(1024);
	struct opened res;
	int err;

	if (!mb)
		return ENOMEM;

	err = seal_make(mb, mode, seal_key(k, mode), chunk, n, rnd);
	TEST_ERR(err);
	TEST_EQUALS(sealed_size(n, chunk), mb->end);

	err = open_run(&res, open_key(k, mode), mb->buf, mb->end, 0, rnd);
	TEST_ERR(err);
	err = expect(&res, SEAL_OK, n, "roundtrip", n);
	TEST_ERR(err);
	TEST_EQUALS(0, res.err);

	if (n <= 3 * SMALL + 1) {
		err = open_run(&res, open_key(k, mode), mb->buf, mb->end, 1,
			       rnd);
		TEST_ERR(err);
		err = expect(&res, SEAL_OK, n, "byte by byte", n);
		TEST_ERR(err);
	}

 out:
	mem_deref(mb);

	return err;
}


int test_record_seal_roundtrip(void)
{
	static const uint32_t chunks[] = {RECORD_CHUNK_SIZE, SMALL, 1};
	uint32_t seed = seed_get(), rnd = seed;
	struct sealer *s = NULL;
	struct keys k;
	struct sink sk;
	size_t m, c;
	int err;

	err = sink_init(&sk);
	TEST_ERR(err);

	err = keys_make(&k);
	TEST_ERR(err);

	for (m = SEAL_KEY; m <= SEAL_RECIPIENT; ++m) {
		for (c = 0; c < ARRAY_SIZE(chunks); ++c) {
			const size_t C = chunks[c];
			const size_t sizes[] = {0, 1, C - 1, C, C + 1,
						3 * C + 7};
			size_t i;

			for (i = 0; i < ARRAY_SIZE(sizes); ++i) {
				err = roundtrip((enum seal_mode)m, &k,
						chunks[c], sizes[i], &rnd);
				TEST_ERR(err);
			}
		}
	}

	/* sealer_alloc() is RECORD_CHUNK_SIZE */
	err = sealer_alloc(&s, SEAL_KEY, k.key, sink_h, &sk);
	TEST_ERR(err);
	TEST_EQUALS(HDR, sk.mb->end);
	TEST_EQUALS(RECORD_CHUNK_SIZE, rd_be32(sk.mb->buf + 57));

 out:
	if (err)
		(void)fprintf(stderr, "seed %u: rerun with "
			      "SIPSHIELD_TEST_SEED=%u test-c "
			      "test_record_seal_roundtrip\n", seed, seed);
	mem_deref(s);
	mem_deref(sk.mb);
	crypto_zeroize(&k, sizeof(k));

	return err;
}


/* The document alone opens a file: header fields, key derivation and
 * nonces by hand, and each chunk opens under its own nonce only */
static int format_check(enum seal_mode mode, const struct keys *k,
			const struct mbuf *mb, size_t n)
{
	static const uint8_t magic[8] = {0x89, 'S', 'I', 'P', 'S', 'R',
					 'E', 'C'};
	const uint8_t *h = mb->buf, *p;
	uint8_t md[32], K[32], nonce[12], shared[32], salt[64];
	uint8_t nonces[8][12], want[SMALL], *pt = NULL;
	size_t off = HDR, i = 0, j, total = 0;
	bool final = false;
	int err;

	pt = mem_alloc(SMALL + TAG, NULL);
	if (!pt)
		return ENOMEM;

	TEST_ASSERT(!memcmp(h, magic, 8));
	TEST_EQUALS(1, h[8]);
	TEST_EQUALS(mode, h[9]);
	TEST_EQUALS(SMALL, rd_be32(h + 57));

	if (mode == SEAL_KEY) {
		err = crypto_hash_printf(CRYPTO_HASH_SHA256, md, "%s%b",
					 "sipshield recording v1 key id",
					 k->key, (size_t)32);
		TEST_ERR(err);
		err = crypto_hkdf_sha256(K, 32, k->key, 32, h + 18, 32,
					 (const uint8_t *)
					 "sipshield recording v1 key", 26);
		TEST_ERR(err);
	}
	else {
		err = crypto_hash_printf(CRYPTO_HASH_SHA256, md, "%s%b",
					 "sipshield recording v1 recipient id",
					 k->pub, (size_t)32);
		TEST_ERR(err);
		err = crypto_x25519(shared, k->priv, h + 18);
		TEST_ERR(err);
		memcpy(salt, h + 18, 32);
		memcpy(salt + 32, k->pub, 32);
		err = crypto_hkdf_sha256(K, 32, shared, 32, salt, 64,
					 (const uint8_t *)
					 "sipshield recording v1 recipient",
					 32);
		TEST_ERR(err);
	}
	TEST_ASSERT(!memcmp(md, h + 10, 8));

	while (!final) {
		uint32_t v, len;

		TEST_ASSERT(off + INFO <= mb->end && i < ARRAY_SIZE(nonces));
		v = rd_be32(mb->buf + off);
		final = (v >> 31) != 0;
		len = v & 0x7fffffff;
		TEST_ASSERT(final ? len < SMALL : len == SMALL);
		p = mb->buf + off + INFO;
		TEST_ASSERT(off + INFO + len + TAG <= mb->end);

		memcpy(nonce, h + 50, 7);
		nonce[7]  = (uint8_t)(i >> 24);
		nonce[8]  = (uint8_t)(i >> 16);
		nonce[9]  = (uint8_t)(i >> 8);
		nonce[10] = (uint8_t)i;
		nonce[11] = final;
		memcpy(nonces[i], nonce, 12);

		err = crypto_gcm_open(pt, p, len + TAG, K, nonce, h, HDR);
		TEST_ERR(err);
		fill_at(want, len, 5, total);
		TEST_ASSERT(!memcmp(pt, want, len));

		/* the wrong counter, the wrong final flag, no AAD */
		nonce[10] ^= 1;
		TEST_EQUALS(EBADMSG, crypto_gcm_open(pt, p, len + TAG, K,
						     nonce, h, HDR));
		nonce[10] ^= 1;
		nonce[11] ^= 1;
		TEST_EQUALS(EBADMSG, crypto_gcm_open(pt, p, len + TAG, K,
						     nonce, h, HDR));
		nonce[11] ^= 1;
		TEST_EQUALS(EBADMSG, crypto_gcm_open(pt, p, len + TAG, K,
						     nonce, NULL, 0));

		total += len;
		off += INFO + len + TAG;
		++i;
	}
	TEST_EQUALS(mb->end, off);
	TEST_EQUALS(n, total);

	/* every nonce of the file differs */
	for (j = 0; j < i; ++j) {
		size_t l;

		for (l = j + 1; l < i; ++l)
			TEST_ASSERT(memcmp(nonces[j], nonces[l], 12));
	}

 out:
	mem_deref(pt);
	crypto_zeroize(K, sizeof(K));
	crypto_zeroize(shared, sizeof(shared));

	return err;
}


int test_record_seal_format(void)
{
	uint32_t rnd = seed_get();
	struct mbuf *a = mbuf_alloc(512), *b = mbuf_alloc(512);
	struct keys k;
	size_t m;
	int err = 0;

	if (!a || !b) {
		err = ENOMEM;
		goto out;
	}

	err = keys_make(&k);
	TEST_ERR(err);

	for (m = SEAL_KEY; m <= SEAL_RECIPIENT; ++m) {
		const enum seal_mode mode = (enum seal_mode)m;

		mbuf_reset(a);
		mbuf_reset(b);

		/* 5 full chunks and a final one of 4 bytes */
		err = seal_make(a, mode, seal_key(&k, mode), SMALL,
				5 * SMALL + 4, &rnd);
		TEST_ERR(err);
		err = format_check(mode, &k, a, 5 * SMALL + 4);
		TEST_ERR(err);

		/* a second recording, same key: its own salt or ephemeral
		 * key, nonce prefix, hence other bytes */
		err = seal_make(b, mode, seal_key(&k, mode), SMALL,
				5 * SMALL + 4, &rnd);
		TEST_ERR(err);
		TEST_EQUALS(a->end, b->end);
		TEST_ASSERT(!memcmp(a->buf, b->buf, 18));
		TEST_ASSERT(memcmp(a->buf + 18, b->buf + 18, 32));
		TEST_ASSERT(memcmp(a->buf + 50, b->buf + 50, 7));
		TEST_ASSERT(memcmp(a->buf + HDR + INFO, b->buf + HDR + INFO,
				   SMALL + TAG));

		/* a multiple of the chunk size ends with an empty final */
		mbuf_reset(a);
		err = seal_make(a, mode, seal_key(&k, mode), SMALL,
				2 * SMALL, &rnd);
		TEST_ERR(err);
		err = format_check(mode, &k, a, 2 * SMALL);
		TEST_ERR(err);
		TEST_EQUALS(0x80000000u, rd_be32(a->buf + a->end - TAG -
						 INFO));
	}

 out:
	mem_deref(a);
	mem_deref(b);
	crypto_zeroize(&k, sizeof(k));

	return err;
}


/* What a changed header byte must be reported as */
static enum seal_error header_flip_reason(const uint8_t *h, size_t i,
					  uint8_t mask)
{
	uint32_t chunk;

	if (i < 8)
		return SEAL_NOT_RECORDING;
	if (i == 8)
		return SEAL_UNSUPPORTED;
	if (i == 9) {
		const uint8_t mode = h[9] ^ mask;

		return (mode == SEAL_KEY || mode == SEAL_RECIPIENT) ?
			SEAL_WRONG_KEY : SEAL_UNSUPPORTED;
	}
	if (i < 18)
		return SEAL_WRONG_KEY;
	if (i < 57)
		return SEAL_TAMPERED;

	chunk = rd_be32(h + 57) ^ ((uint32_t)mask << (8 * (60 - i)));

	return (!chunk || chunk > RECORD_CHUNK_MAX) ?
		SEAL_MALFORMED : SEAL_TAMPERED;
}


/* Every byte of a small file changed in turn (each of the masks):
 * refused with the reason of where it is, only authentic bytes out */
int test_record_seal_tamper(void)
{
	static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x5a};
	uint32_t rnd = seed_get();
	struct mbuf *mb = mbuf_alloc(512);
	struct opened res;
	struct keys k;
	size_t m, i, j;
	int err = 0;

	if (!mb)
		return ENOMEM;

	err = keys_make(&k);
	TEST_ERR(err);

	for (m = SEAL_KEY; m <= SEAL_RECIPIENT; ++m) {
		const enum seal_mode mode = (enum seal_mode)m;

		/* two full chunks and a final one of 16 bytes: 201 bytes */
		mbuf_reset(mb);
		err = seal_make(mb, mode, seal_key(&k, mode), SMALL,
				2 * SMALL + 16, &rnd);
		TEST_ERR(err);
		TEST_EQUALS(HDR + 2 * (INFO + SMALL + TAG) + INFO + 16 + TAG,
			    mb->end);

		for (i = 0; i < mb->end; ++i) {
			/* recipient mode: two masks (X25519 is slow) */
			const size_t nm = mode == SEAL_KEY ?
				ARRAY_SIZE(masks) : 2;

			for (j = 0; j < nm; ++j) {
				enum seal_error want;
				size_t out = 0;

				if (i < HDR) {
					want = header_flip_reason(mb->buf, i,
								  masks[j]);
				}
				else {
					want = SEAL_TAMPERED;
					out = min((i - HDR) /
						  (INFO + SMALL + TAG), 2) *
						SMALL;
				}

				mb->buf[i] ^= masks[j];
				err = open_run(&res, open_key(&k, mode),
					       mb->buf, mb->end, 0, &rnd);
				mb->buf[i] ^= masks[j];
				TEST_ERR(err);
				err = expect(&res, want, out, "flip at", i);
				TEST_ERR(err);
			}
		}
	}

 out:
	mem_deref(mb);
	crypto_zeroize(&k, sizeof(k));

	return err;
}


/* Chunks reordered, dropped, duplicated, spliced; trailing bytes; the
 * wrong key; not a recording at all */
int test_record_seal_stream(void)
{
	enum { FULL = INFO + SMALL + TAG, FIN = INFO + 16 + TAG };
	uint32_t rnd = seed_get();
	struct mbuf *a = mbuf_alloc(512), *b = mbuf_alloc(512);
	struct mbuf *x = mbuf_alloc(512);
	const uint8_t *c0, *c1, *cf;
	struct opened res;
	struct keys k, k2;
	size_t m, step;
	int err = 0;

	if (!a || !b || !x) {
		err = ENOMEM;
		goto out;
	}

	err  = keys_make(&k);
	err |= keys_make(&k2);
	TEST_ERR(err);

	for (m = SEAL_KEY; m <= SEAL_RECIPIENT; ++m) {
		const enum seal_mode mode = (enum seal_mode)m;
		const uint8_t *sec = open_key(&k, mode);

		mbuf_reset(a);
		mbuf_reset(b);
		err = seal_make(a, mode, seal_key(&k, mode), SMALL,
				2 * SMALL + 16, &rnd);
		TEST_ERR(err);
		err = seal_make(b, mode, seal_key(&k, mode), SMALL,
				2 * SMALL + 16, &rnd);
		TEST_ERR(err);
		c0 = a->buf + HDR;
		c1 = c0 + FULL;
		cf = c1 + FULL;

		for (step = 0; step <= 1; ++step) {

#define BUILD(...) do {							\
		const uint8_t *parts[] = {__VA_ARGS__};			\
		size_t q;						\
		mbuf_reset(x);						\
		err = mbuf_write_mem(x, a->buf, HDR);			\
		for (q = 0; q < ARRAY_SIZE(parts); ++q)			\
			err |= mbuf_write_mem(x, parts[q],		\
					      parts[q] == cf ? FIN : FULL); \
		TEST_ERR(err);						\
	} while (0)

#define OPEN(serr, n, what) do {					\
		err = open_run(&res, sec, x->buf, x->end, step, &rnd);	\
		TEST_ERR(err);						\
		err = expect(&res, serr, n, what, step);		\
		TEST_ERR(err);						\
	} while (0)

			BUILD(c0, c1, cf);
			OPEN(SEAL_OK, 2 * SMALL + 16, "as sealed");
			BUILD(c1, c0, cf);
			OPEN(SEAL_TAMPERED, 0, "reordered");
			BUILD(c0, cf, c1);
			OPEN(SEAL_TAMPERED, SMALL, "final moved");
			BUILD(c1, cf);
			OPEN(SEAL_TAMPERED, 0, "first dropped");
			BUILD(c0, cf);
			OPEN(SEAL_TAMPERED, SMALL, "second dropped");
			BUILD(c0, c1);
			OPEN(SEAL_TRUNCATED, 2 * SMALL, "final dropped");
			BUILD(c0, c0, c1, cf);
			OPEN(SEAL_TAMPERED, SMALL, "first repeated");
			BUILD(c0, c1, cf, cf);
			OPEN(SEAL_TRAILING, 2 * SMALL + 16, "final repeated");

			/* a chunk of another recording with the same key */
			BUILD(c0, b->buf + HDR + FULL, cf);
			OPEN(SEAL_TAMPERED, SMALL, "spliced");

			/* another recording's header */
			BUILD(c0, c1, cf);
			memcpy(x->buf, b->buf, HDR);
			OPEN(SEAL_TAMPERED, 0, "other header");

			/* trailing bytes */
			BUILD(c0, c1, cf);
			x->pos = x->end;
			err = mbuf_write_u8(x, 0);
			TEST_ERR(err);
			OPEN(SEAL_TRAILING, 2 * SMALL + 16, "1 byte after");
			err = mbuf_fill(x, 0xee, 100);
			TEST_ERR(err);
			OPEN(SEAL_TRAILING, 2 * SMALL + 16, "101 bytes after");

			/* the wrong key, and the other mode's secret */
			BUILD(c0, c1, cf);
			err = open_run(&res, open_key(&k2, mode), x->buf,
				       x->end, step, &rnd);
			TEST_ERR(err);
			err = expect(&res, SEAL_WRONG_KEY, 0, "wrong key", m);
			TEST_ERR(err);
			err = open_run(&res, open_key(&k, (enum seal_mode)
						      (SEAL_KEY +
						       SEAL_RECIPIENT - mode)),
				       x->buf, x->end, step, &rnd);
			TEST_ERR(err);
			err = expect(&res, SEAL_WRONG_KEY, 0, "other mode", m);
			TEST_ERR(err);

			/* the final chunk's length word raised: its bytes
			 * are all there and authentic, the word is not */
			BUILD(c0, c1, cf);
			x->buf[x->end - FIN + 3] += 4;
			OPEN(SEAL_TAMPERED, 2 * SMALL, "final word raised");
			x->buf[x->end - FIN + 3] -= 8;
			OPEN(SEAL_TAMPERED, 2 * SMALL, "final word lowered");
			BUILD(c0, c1, cf);
			x->buf[x->end - FIN] &= 0x7f;
			OPEN(SEAL_TAMPERED, 2 * SMALL, "final flag cleared");
			BUILD(c0, c1, cf);
			x->buf[HDR + FULL] |= 0x80;
			OPEN(SEAL_TAMPERED, SMALL, "final flag set");

			/* not a recording; another version */
			mbuf_reset(x);
			err = mbuf_printf(x, "OggS and then some more bytes "
					  "than a header's worth, surely, "
					  "yes, quite a few");
			TEST_ERR(err);
			OPEN(SEAL_NOT_RECORDING, 0, "Ogg");
			BUILD(c0, c1, cf);
			x->buf[8] = 2;
			OPEN(SEAL_UNSUPPORTED, 0, "version 2");
		}
	}

 out:
	mem_deref(a);
	mem_deref(b);
	mem_deref(x);
	crypto_zeroize(&k, sizeof(k));
	crypto_zeroize(&k2, sizeof(k2));

	return err;
}


/* Cut at every length: truncated, and only whole chunks out */
int test_record_seal_truncate(void)
{
	uint32_t rnd = seed_get();
	struct mbuf *mb = mbuf_alloc(512);
	struct opened res;
	struct keys k;
	size_t m, len;
	int err = 0;

	if (!mb)
		return ENOMEM;

	err = keys_make(&k);
	TEST_ERR(err);

	for (m = SEAL_KEY; m <= SEAL_RECIPIENT; ++m) {
		const enum seal_mode mode = (enum seal_mode)m;
		const size_t full = INFO + SMALL + TAG;

		mbuf_reset(mb);
		err = seal_make(mb, mode, seal_key(&k, mode), SMALL,
				2 * SMALL + 16, &rnd);
		TEST_ERR(err);

		for (len = 0; len < mb->end; ++len) {
			const size_t out = len < HDR ? 0 :
				min((len - HDR) / full, 2) * SMALL;

			err = open_run(&res, open_key(&k, mode), mb->buf, len,
				       mode == SEAL_KEY ? 0 : 1, &rnd);
			TEST_ERR(err);
			err = expect(&res, SEAL_TRUNCATED, out, "cut at", len);
			TEST_ERR(err);
		}
	}

	/* the default chunk size: around each boundary, and a sample */
	mbuf_reset(mb);
	err = seal_make(mb, SEAL_KEY, k.key, RECORD_CHUNK_SIZE,
			RECORD_CHUNK_SIZE + 100, &rnd);
	TEST_ERR(err);
	for (len = 0; len < mb->end; ++len) {
		const size_t full = HDR + INFO + RECORD_CHUNK_SIZE + TAG;
		const size_t out = len >= full ? RECORD_CHUNK_SIZE : 0;

		if (len % 499 && (len < HDR - 3 || len > HDR + INFO + 3) &&
		    (len < full - 3 || len > full + INFO + 3) &&
		    len < mb->end - 3)
			continue;

		err = open_run(&res, k.key, mb->buf, len, 0, &rnd);
		TEST_ERR(err);
		err = expect(&res, SEAL_TRUNCATED, out, "cut at", len);
		TEST_ERR(err);
	}

 out:
	mem_deref(mb);
	crypto_zeroize(&k, sizeof(k));

	return err;
}


int test_record_seal_misuse(void)
{
	static const uint8_t zero[32];
	uint8_t pub[32], buf[64] = {0};
	struct sealer *s = NULL;
	struct opener *o = NULL;
	uint32_t rnd = seed_get();
	struct mbuf *mb = mbuf_alloc(512);
	struct opened res;
	struct keys k;
	struct sink sk;
	int err;

	err = sink_init(&sk);
	TEST_ERR(err);
	if (!mb) {
		err = ENOMEM;
		goto out;
	}

	err = keys_make(&k);
	TEST_ERR(err);

	/* arguments */
	TEST_EQUALS(EINVAL, sealer_alloc(NULL, SEAL_KEY, k.key, sink_h, &sk));
	TEST_EQUALS(EINVAL, sealer_alloc(&s, SEAL_KEY, NULL, sink_h, &sk));
	TEST_EQUALS(EINVAL, sealer_alloc(&s, SEAL_KEY, k.key, NULL, &sk));
	TEST_EQUALS(EINVAL, sealer_alloc(&s, (enum seal_mode)0, k.key,
					 sink_h, &sk));
	TEST_EQUALS(EINVAL, sealer_alloc(&s, (enum seal_mode)3, k.key,
					 sink_h, &sk));
	TEST_EQUALS(EINVAL, sealer_alloc_chunk(&s, SEAL_KEY, k.key, 0,
					       sink_h, &sk));
	TEST_EQUALS(EINVAL, sealer_alloc_chunk(&s, SEAL_KEY, k.key,
					       RECORD_CHUNK_MAX + 1,
					       sink_h, &sk));
	TEST_EQUALS(EINVAL, opener_alloc(NULL, k.key, sink_h, &sk));
	TEST_EQUALS(EINVAL, opener_alloc(&o, NULL, sink_h, &sk));
	TEST_EQUALS(EINVAL, opener_alloc(&o, k.key, NULL, &sk));
	TEST_EQUALS(EINVAL, sealer_write(NULL, buf, 1));
	TEST_EQUALS(EINVAL, sealer_close(NULL));
	TEST_EQUALS(EINVAL, opener_write(NULL, buf, 1));
	TEST_EQUALS(EINVAL, opener_close(NULL));
	TEST_EQUALS(SEAL_OK, opener_error(NULL));

	/* a low-order recipient key is refused */
	TEST_EQUALS(EINVAL, sealer_alloc(&s, SEAL_RECIPIENT, zero, sink_h,
					 &sk));
	TEST_EQUALS(0, sk.calls);

	/* a handler error at the header, then at a chunk: it stops */
	sk.fail_at = 1;
	TEST_EQUALS(EPIPE, sealer_alloc(&s, SEAL_KEY, k.key, sink_h, &sk));
	TEST_ASSERT(s == NULL);
	sk.fail_at = 3;
	sk.calls = 0;
	err = sealer_alloc_chunk(&s, SEAL_KEY, k.key, 16, sink_h, &sk);
	TEST_ERR(err);
	err = sealer_write(s, buf, 20);
	TEST_ERR(err);
	TEST_EQUALS(EPIPE, sealer_write(s, buf, 12));
	TEST_EQUALS(EPIPE, sealer_write(s, buf, 1));
	TEST_EQUALS(EPIPE, sealer_close(s));
	s = mem_deref(s);
	sk.fail_at = 0;

	/* after close */
	err = sealer_alloc_chunk(&s, SEAL_KEY, k.key, 16, sink_h, &sk);
	TEST_ERR(err);
	err = sealer_close(s);
	TEST_ERR(err);
	TEST_EQUALS(EINVAL, sealer_close(s));
	TEST_EQUALS(EINVAL, sealer_write(s, buf, 1));
	s = mem_deref(s);

	/* the counter's end: the final chunk takes 2^32 - 1, no full
	 * chunk may */
	err = sealer_alloc_chunk(&s, SEAL_KEY, k.key, 16, sink_h, &sk);
	TEST_ERR(err);
	seal_test_counter(s, NULL, UINT32_MAX - 1);
	err = sealer_write(s, buf, 16);
	TEST_ERR(err);
	TEST_EQUALS(EOVERFLOW, sealer_write(s, buf, 16));
	s = mem_deref(s);

	mbuf_reset(sk.mb);
	err = sealer_alloc_chunk(&s, SEAL_KEY, k.key, 16, sink_h, &sk);
	TEST_ERR(err);
	seal_test_counter(s, NULL, UINT32_MAX - 1);
	err = sealer_write(s, buf, 20);
	TEST_ERR(err);
	err = sealer_close(s);
	TEST_ERR(err);
	s = mem_deref(s);

	err = opener_alloc(&o, k.key, sink_h, &sk);
	TEST_ERR(err);
	seal_test_counter(NULL, o, UINT32_MAX - 1);
	sk.mb->pos = 0;
	err = mbuf_write_mem(mb, sk.mb->buf, sk.mb->end);
	TEST_ERR(err);
	err = opener_write(o, mb->buf, mb->end);
	TEST_ERR(err);
	err = opener_close(o);
	TEST_ERR(err);
	o = mem_deref(o);

	/* a full chunk at 2^32 - 1 cannot be: malformed */
	err = opener_alloc(&o, k.key, sink_h, &sk);
	TEST_ERR(err);
	seal_test_counter(NULL, o, UINT32_MAX);
	TEST_EQUALS(EBADMSG, opener_write(o, mb->buf, mb->end));
	TEST_EQUALS(SEAL_MALFORMED, opener_error(o));
	TEST_EQUALS(EBADMSG, opener_write(o, mb->buf, 1));
	TEST_EQUALS(EBADMSG, opener_close(o));
	o = mem_deref(o);

	/* a handler error while opening stops the opener */
	err = opener_alloc(&o, k.key, sink_h, &sk);
	TEST_ERR(err);
	seal_test_counter(NULL, o, UINT32_MAX - 1);
	sk.fail_at = sk.calls + 1;
	TEST_EQUALS(EPIPE, opener_write(o, mb->buf, mb->end));
	TEST_EQUALS(SEAL_OK, opener_error(o));
	TEST_EQUALS(EPIPE, opener_close(o));
	o = mem_deref(o);
	sk.fail_at = 0;

	/* header chunk sizes out of bounds */
	mbuf_reset(mb);
	err = seal_make(mb, SEAL_KEY, k.key, SMALL, 10, &rnd);
	TEST_ERR(err);
	memset(mb->buf + 57, 0, 4);
	err = open_run(&res, k.key, mb->buf, mb->end, 0, &rnd);
	TEST_ERR(err);
	err = expect(&res, SEAL_MALFORMED, 0, "chunk size", 0);
	TEST_ERR(err);
	mb->buf[58] = 0x10;
	mb->buf[60] = 0x01;
	err = open_run(&res, k.key, mb->buf, mb->end, 0, &rnd);
	TEST_ERR(err);
	err = expect(&res, SEAL_MALFORMED, 0, "chunk size", 1);
	TEST_ERR(err);

	/* key pairs */
	err = seal_public(pub, k.priv);
	TEST_ERR(err);
	TEST_ASSERT(!memcmp(pub, k.pub, 32));

	/* the reasons are stable strings */
	TEST_STRCMP("ok", seal_reason(SEAL_OK));
	TEST_STRCMP("not-a-recording", seal_reason(SEAL_NOT_RECORDING));
	TEST_STRCMP("unsupported-version", seal_reason(SEAL_UNSUPPORTED));
	TEST_STRCMP("wrong-key", seal_reason(SEAL_WRONG_KEY));
	TEST_STRCMP("tampered", seal_reason(SEAL_TAMPERED));
	TEST_STRCMP("truncated", seal_reason(SEAL_TRUNCATED));
	TEST_STRCMP("trailing-data", seal_reason(SEAL_TRAILING));
	TEST_STRCMP("malformed", seal_reason(SEAL_MALFORMED));
	TEST_STRCMP("unknown", seal_reason((enum seal_error)99));
	err = 0;

 out:
	mem_deref(s);
	mem_deref(o);
	mem_deref(mb);
	mem_deref(sk.mb);
	crypto_zeroize(&k, sizeof(k));

	return err;
}


/* tests/vectors/record/NAME.rec, sealed with the fuzz target's fixed key
 * (bytes 0 to 31) and identity (bytes 0x40 to 0x5f); NAME.rec.txt: a
 * description, "key" or "identity", then "ok LENGTH SHA-256" of the
 * plaintext or the reason of the refusal.  Files sealed by an earlier
 * build must open the same way forever. */
static int vector_open(const char *dir, const char *name, void *arg)
{
	static const char *reasons[] = {
		"ok", "not-a-recording", "unsupported-version", "wrong-key",
		"tampered", "truncated", "trailing-data", "malformed",
	};
	uint8_t key[32], id[32], md[32];
	struct mbuf *rec = NULL, *side = NULL, *plain = NULL;
	struct pl desc, who, res, len, hex;
	struct opener *o = NULL;
	char path[512], want[80], got[80];
	unsigned *count = arg;
	size_t i;
	int err, oerr;

	for (i = 0; i < 32; ++i) {
		key[i] = (uint8_t)i;
		id[i]  = (uint8_t)(0x40 + i);
	}

	(void)re_snprintf(path, sizeof(path), "%s/%s", dir, name);
	err = test_file_load(&rec, path);
	TEST_ERR(err);
	(void)re_snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	err = test_file_load(&side, path);
	TEST_ERR(err);

	err = re_regex((char *)side->buf, side->end,
		       "[^\n]+\n[a-z]+\n[^ \n]+[ ]*[0-9]*[ ]*[0-9a-f]*",
		       &desc, &who, &res, NULL, &len, NULL, &hex);
	TEST_ERR(err);

	plain = mbuf_alloc(1024);
	if (!plain) {
		err = ENOMEM;
		goto out;
	}

	err = opener_alloc(&o, pl_strcmp(&who, "key") ? id : key, sink_h,
			   &(struct sink){.mb = plain});
	TEST_ERR(err);
	oerr = opener_write(o, rec->buf, rec->end);
	if (!oerr)
		oerr = opener_close(o);

	(void)re_snprintf(want, sizeof(want), "%r", &res);
	TEST_STRCMP(want, reasons[opener_error(o)]);
	TEST_EQUALS(opener_error(o) ? EBADMSG : 0, oerr);

	if (!opener_error(o)) {
		err = crypto_hash(CRYPTO_HASH_SHA256, md, plain->buf,
				  plain->end);
		TEST_ERR(err);
		TEST_EQUALS(pl_u32(&len), plain->end);
		(void)re_snprintf(want, sizeof(want), "%r", &hex);
		(void)re_snprintf(got, sizeof(got), "%w", md, sizeof(md));
		TEST_STRCMP(want, got);
	}
	++*count;

 out:
	mem_deref(o);
	mem_deref(rec);
	mem_deref(side);
	mem_deref(plain);

	return err;
}


int test_record_seal_vectors(void)
{
	unsigned count = 0;
	int err;

	err = test_vectors_each("record", ".rec", vector_open, &count);
	TEST_ERR(err);
	TEST_ASSERT(count >= 6);

 out:
	return err;
}
