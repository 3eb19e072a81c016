/**
 * @file crypto.c  mbedTLS adapter: digest hashes, randomness, zeroization
 *
 * Hashes: MD5, SHA-256 and SHA-512/256 (FIPS 180-4 5.3.6.2 and 6.7;
 * mbedTLS 2.28 has no SHA-512/256, so it is SHA-512 started from the
 * SHA-512/256 initial hash value, truncated to 256 bits).  Of mbedTLS's
 * hashes only the block functions are used (struct hash_ctx).
 *
 * Random: every byte comes straight from spjs_random(), that is
 * crypto.getRandomValues() in the browser (a CSPRNG by the Web Crypto
 * spec; in Chromium, BoringSSL's CTR-DRBG over the OS generator) and
 * getrandom() in the native tests.  No DRBG of our own sits on top: one
 * seeded only from that same source adds no entropy, and it was 1.3 KB
 * of the page's gzip download (mbedTLS's HMAC_DRBG and its md layer).
 * Nothing is pooled, so no random bytes wait in the heap to be used.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <mbedtls/md5.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/platform_util.h>
#include "spjs.h"
#include "crypto.h"
#include "arc4random.h"


#define DEBUG_MODULE "crypto"
#include <re_dbg.h>


enum {
	BLOCK_MAX = 128,
};


/*
 * One Merkle-Damgard driver for the three hashes: mbedTLS gives the
 * block functions; the initial values, the buffering, the padding and
 * the output (RFC 1321 3.1-3.5, FIPS 180-4 5.1, 6.2.2, 6.4.2, 6.7) are
 * the same here for all three, which mbedTLS spells out once each with
 * unrolled byte stores (1.3 KB of wasm).  MD5 is little-endian, the SHA
 * hashes big-endian; the top 64 bits of SHA-512's 128-bit length are
 * zeros, as no input reaches 2^61 bytes.
 */
struct hash_ctx {
	enum crypto_hash h;
	uint64_t len;              /* bytes hashed so far */
	uint8_t buf[BLOCK_MAX];    /* the block being filled */
	union {
		mbedtls_md5_context md5;
		mbedtls_sha256_context sha256;
		mbedtls_sha512_context sha512;
	} u;
};


/* RFC 1321 3.3, FIPS 180-4 5.3.3: the initial hash values */
static const uint32_t md5_iv[4] = {
	0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
};
static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* FIPS 180-4 5.3.6.2: the SHA-512/256 initial hash value H(0) */
static const uint64_t sha512_256_iv[8] = {
	0x22312194fc2bf72cULL, 0x9f555fa3c84c64c2ULL,
	0x2393b86b6f53b151ULL, 0x963877195940eabdULL,
	0x96283ee2a88effe3ULL, 0xbe5e1e2553863992ULL,
	0x2b0199fc2c85b8aaULL, 0x0eb72ddc81c52ca2ULL,
};


static size_t block_size(const struct hash_ctx *ctx)
{
	return ctx->h == CRYPTO_HASH_SHA512_256 ? 128 : 64;
}


static int hash_start(struct hash_ctx *ctx, enum crypto_hash h)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->h = h;

	switch (h) {

	case CRYPTO_HASH_MD5:
		memcpy(ctx->u.md5.state, md5_iv, sizeof(md5_iv));
		return 0;

	case CRYPTO_HASH_SHA256:
		memcpy(ctx->u.sha256.state, sha256_iv, sizeof(sha256_iv));
		return 0;

	case CRYPTO_HASH_SHA512_256:
		memcpy(ctx->u.sha512.state, sha512_256_iv,
		       sizeof(sha512_256_iv));
		return 0;

	default:
		return EINVAL;
	}
}


/* The block functions fail only on a bad argument */
static void block(struct hash_ctx *ctx)
{
	switch (ctx->h) {

	case CRYPTO_HASH_MD5:
		(void)mbedtls_internal_md5_process(&ctx->u.md5, ctx->buf);
		break;

	case CRYPTO_HASH_SHA256:
		(void)mbedtls_internal_sha256_process(&ctx->u.sha256,
						      ctx->buf);
		break;

	default:
		(void)mbedtls_internal_sha512_process(&ctx->u.sha512,
						      ctx->buf);
		break;
	}
}


static int hash_update(struct hash_ctx *ctx, const uint8_t *p, size_t n)
{
	size_t bs = block_size(ctx);

	while (n) {
		size_t fill = (size_t)(ctx->len % bs);
		size_t k = min(bs - fill, n);

		memcpy(ctx->buf + fill, p, k);
		ctx->len += k;
		p += k;
		n -= k;
		if (fill + k == bs)
			block(ctx);
	}

	return 0;
}


static int hash_finish(struct hash_ctx *ctx, uint8_t *out)
{
	const bool le = ctx->h == CRYPTO_HASH_MD5;
	const size_t bs = block_size(ctx), lf = bs / 8;  /* length field */
	const uint64_t bits = ctx->len * 8;
	uint8_t b = 0x80;
	size_t i;

	(void)hash_update(ctx, &b, 1);
	b = 0;
	while (ctx->len % bs != bs - lf)
		(void)hash_update(ctx, &b, 1);

	for (i = 0; i < lf; ++i) {
		const size_t byte = le ? i : lf - 1 - i;

		b = byte < 8 ? (uint8_t)(bits >> (8 * byte)) : 0;
		(void)hash_update(ctx, &b, 1);
	}

	for (i = 0; i < crypto_hash_size(ctx->h); ++i) {
		if (le)
			out[i] = (uint8_t)(ctx->u.md5.state[i / 4] >>
					   (8 * (i % 4)));
		else if (bs == 64)
			out[i] = (uint8_t)(ctx->u.sha256.state[i / 4] >>
					   (24 - 8 * (i % 4)));
		else
			out[i] = (uint8_t)(ctx->u.sha512.state[i / 8] >>
					   (56 - 8 * (i % 8)));
	}

	return 0;
}


/* Zeroizes the context: the key material of a digest is in it */
static void hash_free(struct hash_ctx *ctx)
{
	mbedtls_platform_zeroize(ctx, sizeof(*ctx));
}


static int hash_print_handler(const char *p, size_t size, void *arg)
{
	return hash_update(arg, (const uint8_t *)p, size);
}


/**
 * Get the digest size of a hash algorithm
 *
 * @param h Hash algorithm
 *
 * @return Digest size in bytes, 0 if unknown
 */
size_t crypto_hash_size(enum crypto_hash h)
{
	switch (h) {

	case CRYPTO_HASH_MD5:        return 16;
	case CRYPTO_HASH_SHA256:     return 32;
	case CRYPTO_HASH_SHA512_256: return 32;
	default:                     return 0;
	}
}


/**
 * Hash a buffer
 *
 * @param h   Hash algorithm
 * @param out Digest, crypto_hash_size(h) bytes
 * @param in  Input (may be NULL if n is 0)
 * @param n   Input length
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_hash(enum crypto_hash h, uint8_t *out, const uint8_t *in,
		size_t n)
{
	struct hash_ctx ctx;
	int err;

	if (!out || (!in && n) || !crypto_hash_size(h))
		return EINVAL;

	err = hash_start(&ctx, h);
	if (err)
		goto out;

	err = hash_update(&ctx, in, n);
	if (err)
		goto out;

	err = hash_finish(&ctx, out);

 out:
	hash_free(&ctx);

	return err;
}


/**
 * Hash formatted text without building it in memory (re_printf formats)
 *
 * @param h   Hash algorithm
 * @param out Digest, crypto_hash_size(h) bytes
 * @param fmt Format string
 * @param ap  Format arguments
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_hash_vprintf(enum crypto_hash h, uint8_t *out,
			const char *fmt, va_list ap)
{
	struct hash_ctx ctx;
	int err;

	if (!out || !fmt || !crypto_hash_size(h))
		return EINVAL;

	err = hash_start(&ctx, h);
	if (err)
		goto out;

	err = re_vhprintf(fmt, ap, hash_print_handler, &ctx);
	if (err)
		goto out;

	err = hash_finish(&ctx, out);

 out:
	hash_free(&ctx);

	return err;
}


/**
 * Hash formatted text without building it in memory (re_printf formats)
 *
 * @param h   Hash algorithm
 * @param out Digest, crypto_hash_size(h) bytes
 * @param fmt Format string
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_hash_printf(enum crypto_hash h, uint8_t *out,
		       const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = crypto_hash_vprintf(h, out, fmt, ap);
	va_end(ap);

	return err;
}


/**
 * Fill a buffer with random bytes from the browser's generator
 *
 * @param buf Buffer
 * @param n   Number of bytes
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_rand(uint8_t *buf, size_t n)
{
	if (!buf && n)
		return EINVAL;

	/* spjs_random() fills any length (crypto.getRandomValues() takes at
	 * most 64 KiB a call: the shim splits) and never fails: without a
	 * generator the shim throws and the core stops */
	if (n)
		spjs_random(buf, n);

	return 0;
}


/**
 * Overwrite memory with zeroes in a way the compiler does not remove
 *
 * @param p Memory (may be NULL if n is 0)
 * @param n Number of bytes
 */
void crypto_zeroize(void *p, size_t n)
{
	if (!p || !n)
		return;

	mbedtls_platform_zeroize(p, n);
}


#ifdef __EMSCRIPTEN__
/*
 * libre's sys/rand.c (built with HAVE_ARC4RANDOM) takes Call-IDs, tags,
 * branches and cnonces from these.  They never return weak randomness:
 * with no crypto.getRandomValues() the import throws and the core stops.
 */

/**
 * A random 32-bit number from crypto.getRandomValues()
 *
 * @return Random number
 */
uint32_t arc4random(void)
{
	uint32_t v;

	arc4random_buf(&v, sizeof(v));

	return v;
}


/**
 * Fill a buffer from crypto.getRandomValues(); aborts if crypto_rand fails
 *
 * @param buf Buffer
 * @param n   Number of bytes
 */
void arc4random_buf(void *buf, size_t n)
{
	if (crypto_rand(buf, n)) {
		DEBUG_WARNING("arc4random: no random source, aborting\n");
		abort();
	}
}
#endif
