/**
 * @file crypto.c  mbedTLS adapter: digest hashes, randomness, zeroization
 *
 * Hashes: MD5, SHA-256 and SHA-512/256 (FIPS 180-4 5.3.6.2 and 6.7;
 * mbedTLS 2.28 has no SHA-512/256, so it is SHA-512 started from the
 * SHA-512/256 initial hash value, truncated to 256 bits).
 *
 * Random: every byte comes straight from spjs_random(), that is
 * crypto.getRandomValues() in the browser (a CSPRNG by the Web Crypto
 * spec; in Chromium, BoringSSL's CTR-DRBG over the OS generator) and
 * getrandom() in the native tests.  No DRBG of our own sits on top: one
 * seeded only from that same source adds no entropy, and it was 1.3 KB
 * of the page's gzip download (mbedTLS's HMAC_DRBG and its md layer).
 * Nothing is pooled, so no random bytes wait in the heap to be used.
 *
 * mbedTLS error codes are mapped to errno here and logged as numbers
 * (MBEDTLS_ERROR_C is not built).
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
	SHA512_SIZE    = 64,
};


struct hash_ctx {
	enum crypto_hash h;
	union {
		mbedtls_md5_context md5;
		mbedtls_sha256_context sha256;
		mbedtls_sha512_context sha512;
	} u;
};


/* FIPS 180-4 5.3.6.2: the SHA-512/256 initial hash value H(0) */
static const uint64_t sha512_256_iv[8] = {
	0x22312194fc2bf72cULL, 0x9f555fa3c84c64c2ULL,
	0x2393b86b6f53b151ULL, 0x963877195940eabdULL,
	0x96283ee2a88effe3ULL, 0xbe5e1e2553863992ULL,
	0x2b0199fc2c85b8aaULL, 0x0eb72ddc81c52ca2ULL,
};


/* The hash functions fail only on a bad argument: logged, then EPROTO */
static int map_err(int ret, const char *what)
{
	if (!ret)
		return 0;

	DEBUG_WARNING("%s: mbedTLS error -0x%04x\n", what, (unsigned)-ret);

	return EPROTO;
}


static int hash_start(struct hash_ctx *ctx, enum crypto_hash h)
{
	int ret;

	ctx->h = h;

	switch (h) {

	case CRYPTO_HASH_MD5:
		mbedtls_md5_init(&ctx->u.md5);
		ret = mbedtls_md5_starts_ret(&ctx->u.md5);
		break;

	case CRYPTO_HASH_SHA256:
		mbedtls_sha256_init(&ctx->u.sha256);
		ret = mbedtls_sha256_starts_ret(&ctx->u.sha256, 0);
		break;

	case CRYPTO_HASH_SHA512_256:
		mbedtls_sha512_init(&ctx->u.sha512);
		ret = mbedtls_sha512_starts_ret(&ctx->u.sha512, 0);
		if (!ret)
			memcpy(ctx->u.sha512.state, sha512_256_iv,
			       sizeof(sha512_256_iv));
		break;

	default:
		return EINVAL;
	}

	return map_err(ret, "hash start");
}


static int hash_update(struct hash_ctx *ctx, const uint8_t *p, size_t n)
{
	int ret;

	switch (ctx->h) {

	case CRYPTO_HASH_MD5:
		ret = mbedtls_md5_update_ret(&ctx->u.md5, p, n);
		break;

	case CRYPTO_HASH_SHA256:
		ret = mbedtls_sha256_update_ret(&ctx->u.sha256, p, n);
		break;

	case CRYPTO_HASH_SHA512_256:
		ret = mbedtls_sha512_update_ret(&ctx->u.sha512, p, n);
		break;

	default:
		return EINVAL;
	}

	return map_err(ret, "hash update");
}


static int hash_finish(struct hash_ctx *ctx, uint8_t *out)
{
	uint8_t full[SHA512_SIZE];
	int ret;

	switch (ctx->h) {

	case CRYPTO_HASH_MD5:
		ret = mbedtls_md5_finish_ret(&ctx->u.md5, out);
		break;

	case CRYPTO_HASH_SHA256:
		ret = mbedtls_sha256_finish_ret(&ctx->u.sha256, out);
		break;

	case CRYPTO_HASH_SHA512_256:
		/* FIPS 180-4 6.7: the leftmost 256 bits of H(N) */
		ret = mbedtls_sha512_finish_ret(&ctx->u.sha512, full);
		if (!ret)
			memcpy(out, full, 32);
		mbedtls_platform_zeroize(full, sizeof(full));
		break;

	default:
		return EINVAL;
	}

	return map_err(ret, "hash finish");
}


/* Frees and zeroizes the context; safe after any hash_start() */
static void hash_free(struct hash_ctx *ctx)
{
	switch (ctx->h) {

	case CRYPTO_HASH_MD5:
		mbedtls_md5_free(&ctx->u.md5);
		break;

	case CRYPTO_HASH_SHA256:
		mbedtls_sha256_free(&ctx->u.sha256);
		break;

	case CRYPTO_HASH_SHA512_256:
		mbedtls_sha512_free(&ctx->u.sha512);
		break;

	default:
		break;
	}
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
