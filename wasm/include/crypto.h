/**
 * @file crypto.h  Hashes, random bytes and zeroization (mbedTLS adapter)
 *
 * The only module that includes mbedTLS headers.  Errors are errno values;
 * mbedTLS codes stop here.  Include after <re_types.h> (or <re.h>).
 */

/** Hash algorithms used by SIP digest (RFC 7616 3.2, RFC 8760) */
enum crypto_hash {
	CRYPTO_HASH_MD5 = 0,
	CRYPTO_HASH_SHA256,
	CRYPTO_HASH_SHA512_256,  /* FIPS 180-4 5.3.6.2, 6.7 */
};

/** Largest digest size of enum crypto_hash, in bytes */
enum { CRYPTO_HASH_MAX_SIZE = 32 };

size_t crypto_hash_size(enum crypto_hash h);
int  crypto_hash(enum crypto_hash h, uint8_t *out, const uint8_t *in,
		 size_t n);
int  crypto_hash_printf(enum crypto_hash h, uint8_t *out,
			const char *fmt, ...);
int  crypto_hash_vprintf(enum crypto_hash h, uint8_t *out,
			 const char *fmt, va_list ap);

int  crypto_rand(uint8_t *buf, size_t n);
void crypto_zeroize(void *p, size_t n);
