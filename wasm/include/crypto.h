/**
 * @file crypto.h  Hashes, random bytes, zeroization, and the recorder's
 *                 AES-256-GCM, HKDF-SHA256 and X25519 (mbedTLS adapter)
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


/* --- The call recorder's sealing (wasm/crypto/aead.c) -------------------- */

enum {
	CRYPTO_AES256_KEY_SIZE = 32,
	CRYPTO_GCM_NONCE_SIZE  = 12,
	CRYPTO_GCM_TAG_SIZE    = 16,
	CRYPTO_X25519_SIZE     = 32,
	CRYPTO_SHA256_SIZE     = 32,
};

int  crypto_gcm_seal(uint8_t *out, const uint8_t *in, size_t n,
		     const uint8_t key[CRYPTO_AES256_KEY_SIZE],
		     const uint8_t nonce[CRYPTO_GCM_NONCE_SIZE],
		     const uint8_t *aad, size_t aadlen);
int  crypto_gcm_open(uint8_t *out, const uint8_t *in, size_t n,
		     const uint8_t key[CRYPTO_AES256_KEY_SIZE],
		     const uint8_t nonce[CRYPTO_GCM_NONCE_SIZE],
		     const uint8_t *aad, size_t aadlen);
int  crypto_hkdf_sha256(uint8_t *okm, size_t okmlen,
			const uint8_t *ikm, size_t ikmlen,
			const uint8_t *salt, size_t saltlen,
			const uint8_t *info, size_t infolen);
int  crypto_x25519_keygen(uint8_t priv[CRYPTO_X25519_SIZE],
			  uint8_t pub[CRYPTO_X25519_SIZE]);
int  crypto_x25519_public(uint8_t pub[CRYPTO_X25519_SIZE],
			  const uint8_t priv[CRYPTO_X25519_SIZE]);
int  crypto_x25519(uint8_t shared[CRYPTO_X25519_SIZE],
		   const uint8_t priv[CRYPTO_X25519_SIZE],
		   const uint8_t pub[CRYPTO_X25519_SIZE]);
bool crypto_ct_equal(const void *a, const void *b, size_t n);
