/**
 * @file aead.c  mbedTLS adapter for the call recorder: AES-256-GCM,
 *               HKDF-SHA256, X25519 and a constant-time compare
 *
 * AES-GCM: NIST SP 800-38D, 96-bit nonces, 128-bit tags.
 * HKDF: RFC 5869 with SHA-256.
 * X25519: RFC 7748 5 on mbedTLS's Curve25519 (ecp.c, Montgomery ladder).
 * mbedTLS 2.28 keeps Montgomery scalars and u-coordinates as numbers;
 * RFC 7748 encodes both little-endian, so scalars go through
 * mbedtls_mpi_read_binary_le() after decodeScalar25519's clamping (which
 * mbedtls_ecp_check_privkey() then accepts), and u-coordinates through
 * mbedtls_ecp_point_read_binary() / write_binary(), which are
 * little-endian for Montgomery curves and mask bit 255 (RFC 7748 5).
 * mbedtls_ecp_mul() refuses the low-order points (cr.yp.to/ecdh.html);
 * an all-zero shared secret is refused as well (RFC 7748 6.1).
 *
 * The ladder's projective coordinates are randomized from crypto_rand()
 * (MBEDTLS_ECP_NO_INTERNAL_RNG: no DRBG inside ecp.c).  Contexts, scalars
 * and intermediate secrets are zeroized before return.  The page core
 * calls none of this, so none of it is linked into sipshield-core.wasm.
 */
#include <string.h>
#include <re.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/ecp.h>
#include <mbedtls/bignum.h>
#include <mbedtls/platform_util.h>
#include "crypto.h"


#define DEBUG_MODULE "crypto"
#include <re_dbg.h>


enum {
	AES256_KEY_BITS = 256,
};


/* mbedTLS codes to errno; the code is logged, never the data */
static int map_err(int ret, const char *what)
{
	switch (ret) {

	case 0:
		return 0;

	case MBEDTLS_ERR_GCM_AUTH_FAILED:
		return EBADMSG;

	case MBEDTLS_ERR_MPI_ALLOC_FAILED:
	case MBEDTLS_ERR_ECP_ALLOC_FAILED:
	case MBEDTLS_ERR_MD_ALLOC_FAILED:
		return ENOMEM;

	case MBEDTLS_ERR_ECP_INVALID_KEY:
	case MBEDTLS_ERR_ECP_BAD_INPUT_DATA:
		return EINVAL;

	default:
		DEBUG_WARNING("%s: mbedTLS error -0x%04x\n", what,
			      (unsigned)-ret);
		return EPROTO;
	}
}


static int gcm_crypt(bool seal, uint8_t *out, const uint8_t *in, size_t n,
		     const uint8_t *key, const uint8_t *nonce,
		     const uint8_t *aad, size_t aadlen)
{
	mbedtls_gcm_context gcm;
	int ret;

	mbedtls_gcm_init(&gcm);

	ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key,
				 AES256_KEY_BITS);
	if (ret)
		goto out;

	if (seal) {
		ret = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, n,
						nonce, CRYPTO_GCM_NONCE_SIZE,
						aad, aadlen, in, out,
						CRYPTO_GCM_TAG_SIZE, out + n);
	}
	else {
		/* zeroizes out if the tag does not match */
		ret = mbedtls_gcm_auth_decrypt(&gcm, n, nonce,
					       CRYPTO_GCM_NONCE_SIZE,
					       aad, aadlen, in + n,
					       CRYPTO_GCM_TAG_SIZE, in, out);
	}

 out:
	mbedtls_gcm_free(&gcm);  /* zeroizes the key schedule */

	return map_err(ret, seal ? "gcm seal" : "gcm open");
}


/**
 * Seal a buffer with AES-256-GCM (a 12-byte nonce, a 16-byte tag)
 *
 * @param out    Ciphertext then tag: n + CRYPTO_GCM_TAG_SIZE bytes (may be in)
 * @param in     Plaintext (may be NULL if n is 0)
 * @param n      Plaintext length
 * @param key    256-bit key
 * @param nonce  Nonce; never use one twice under the same key
 * @param aad    Additional authenticated data (may be NULL if aadlen is 0)
 * @param aadlen Its length
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_gcm_seal(uint8_t *out, const uint8_t *in, size_t n,
		    const uint8_t key[CRYPTO_AES256_KEY_SIZE],
		    const uint8_t nonce[CRYPTO_GCM_NONCE_SIZE],
		    const uint8_t *aad, size_t aadlen)
{
	if (!out || (!in && n) || !key || !nonce || (!aad && aadlen))
		return EINVAL;

	return gcm_crypt(true, out, in, n, key, nonce, aad, aadlen);
}


/**
 * Open a buffer sealed by crypto_gcm_seal(); nothing is output unless the
 * tag matches (compared in constant time)
 *
 * @param out    Plaintext: n - CRYPTO_GCM_TAG_SIZE bytes (may be in)
 * @param in     Ciphertext then tag
 * @param n      Its length, at least CRYPTO_GCM_TAG_SIZE
 * @param key    256-bit key
 * @param nonce  Nonce it was sealed with
 * @param aad    Additional authenticated data (may be NULL if aadlen is 0)
 * @param aadlen Its length
 *
 * @return 0 if success, EBADMSG if it is not authentic (out is zeroed),
 *         otherwise errorcode
 */
int crypto_gcm_open(uint8_t *out, const uint8_t *in, size_t n,
		    const uint8_t key[CRYPTO_AES256_KEY_SIZE],
		    const uint8_t nonce[CRYPTO_GCM_NONCE_SIZE],
		    const uint8_t *aad, size_t aadlen)
{
	if (!out || !in || n < CRYPTO_GCM_TAG_SIZE || !key || !nonce ||
	    (!aad && aadlen))
		return EINVAL;

	return gcm_crypt(false, out, in, n - CRYPTO_GCM_TAG_SIZE, key, nonce,
			 aad, aadlen);
}


/**
 * Derive keying material with HKDF-SHA256 (RFC 5869)
 *
 * @param okm     Output keying material
 * @param okmlen  Its length, 1 to 255 * 32 bytes
 * @param ikm     Input keying material
 * @param ikmlen  Its length
 * @param salt    Salt (may be NULL if saltlen is 0: RFC 5869 2.2's zeros)
 * @param saltlen Its length
 * @param info    Context string (may be NULL if infolen is 0)
 * @param infolen Its length
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_hkdf_sha256(uint8_t *okm, size_t okmlen,
		       const uint8_t *ikm, size_t ikmlen,
		       const uint8_t *salt, size_t saltlen,
		       const uint8_t *info, size_t infolen)
{
	const mbedtls_md_info_t *md;
	int ret;

	if (!okm || !okmlen || okmlen > 255 * CRYPTO_SHA256_SIZE ||
	    (!ikm && ikmlen) || (!salt && saltlen) || (!info && infolen))
		return EINVAL;

	md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	if (!md)
		return ENOSYS;

	ret = mbedtls_hkdf(md, salt, saltlen, ikm, ikmlen, info, infolen,
			   okm, okmlen);
	if (ret)
		mbedtls_platform_zeroize(okm, okmlen);

	return map_err(ret, "hkdf");
}


static int rng(void *arg, unsigned char *buf, size_t n)
{
	(void)arg;

	return crypto_rand(buf, n) ? MBEDTLS_ERR_ECP_RANDOM_FAILED : 0;
}


/* RFC 7748 5: X25519(k, u); u NULL is the base point 9 */
static int x25519_mul(uint8_t out[CRYPTO_X25519_SIZE],
		      const uint8_t scalar[CRYPTO_X25519_SIZE],
		      const uint8_t *u)
{
	uint8_t k[CRYPTO_X25519_SIZE];
	mbedtls_ecp_group grp;
	mbedtls_ecp_point P, R;
	mbedtls_mpi d;
	size_t olen = 0;
	int ret;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&P);
	mbedtls_ecp_point_init(&R);
	mbedtls_mpi_init(&d);

	/* RFC 7748 5: decodeScalar25519 */
	memcpy(k, scalar, sizeof(k));
	k[0]  &= 248;
	k[31] &= 127;
	k[31] |= 64;

	ret = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_CURVE25519);
	if (ret)
		goto out;

	ret = mbedtls_mpi_read_binary_le(&d, k, sizeof(k));
	if (ret)
		goto out;

	ret = mbedtls_ecp_check_privkey(&grp, &d);
	if (ret)
		goto out;

	if (u)
		ret = mbedtls_ecp_point_read_binary(&grp, &P, u,
						    CRYPTO_X25519_SIZE);
	else
		ret = mbedtls_ecp_copy(&P, &grp.G);
	if (ret)
		goto out;

	/* checks the scalar and refuses low-order points */
	ret = mbedtls_ecp_mul(&grp, &R, &d, &P, rng, NULL);
	if (ret)
		goto out;

	ret = mbedtls_ecp_point_write_binary(&grp, &R,
					     MBEDTLS_ECP_PF_UNCOMPRESSED,
					     &olen, out, CRYPTO_X25519_SIZE);
	if (!ret && olen != CRYPTO_X25519_SIZE)
		ret = MBEDTLS_ERR_ECP_BAD_INPUT_DATA;

 out:
	if (ret)
		mbedtls_platform_zeroize(out, CRYPTO_X25519_SIZE);
	mbedtls_platform_zeroize(k, sizeof(k));
	mbedtls_mpi_free(&d);          /* zeroizes */
	mbedtls_ecp_point_free(&R);
	mbedtls_ecp_point_free(&P);
	mbedtls_ecp_group_free(&grp);

	return map_err(ret, "x25519");
}


/**
 * Make an X25519 key pair (RFC 7748 6.1)
 *
 * @param priv Private key: 32 random bytes, stored clamped
 * @param pub  Public key
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_x25519_keygen(uint8_t priv[CRYPTO_X25519_SIZE],
			 uint8_t pub[CRYPTO_X25519_SIZE])
{
	int err;

	if (!priv || !pub)
		return EINVAL;

	err = crypto_rand(priv, CRYPTO_X25519_SIZE);
	if (err)
		goto out;

	priv[0]  &= 248;
	priv[31] &= 127;
	priv[31] |= 64;

	err = x25519_mul(pub, priv, NULL);

 out:
	if (err)
		mbedtls_platform_zeroize(priv, CRYPTO_X25519_SIZE);

	return err;
}


/**
 * Compute the X25519 public key of a private key: X25519(priv, 9)
 *
 * @param pub  Public key
 * @param priv Private key (any 32 bytes; clamped as RFC 7748 5 says)
 *
 * @return 0 if success, otherwise errorcode
 */
int crypto_x25519_public(uint8_t pub[CRYPTO_X25519_SIZE],
			 const uint8_t priv[CRYPTO_X25519_SIZE])
{
	if (!pub || !priv)
		return EINVAL;

	return x25519_mul(pub, priv, NULL);
}


/**
 * Compute an X25519 shared secret: X25519(priv, pub)
 *
 * @param shared Shared secret (zeroed on error)
 * @param priv   Own private key
 * @param pub    Peer's public key
 *
 * @return 0 if success, EINVAL for a low-order public key or an all-zero
 *         result, otherwise errorcode
 */
int crypto_x25519(uint8_t shared[CRYPTO_X25519_SIZE],
		  const uint8_t priv[CRYPTO_X25519_SIZE],
		  const uint8_t pub[CRYPTO_X25519_SIZE])
{
	static const uint8_t zero[CRYPTO_X25519_SIZE];
	int err;

	if (!shared || !priv || !pub)
		return EINVAL;

	err = x25519_mul(shared, priv, pub);
	if (err)
		return err;

	/* RFC 7748 6.1: the all-zero value means a low-order point */
	if (crypto_ct_equal(shared, zero, sizeof(zero))) {
		mbedtls_platform_zeroize(shared, CRYPTO_X25519_SIZE);
		return EINVAL;
	}

	return 0;
}


/**
 * Compare two buffers in time that depends only on their length
 *
 * @param a First buffer
 * @param b Second buffer
 * @param n Their length
 *
 * @return true if equal
 */
bool crypto_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *pa = a, *pb = b;
	uint8_t diff = 0;
	size_t i;

	if (!a || !b)
		return n == 0;

	for (i = 0; i < n; ++i)
		diff |= pa[i] ^ pb[i];

	return diff == 0;
}
