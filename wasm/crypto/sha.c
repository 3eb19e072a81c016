/**
 * @file sha.c  Compact SHA-256 and SHA-512 block functions for mbedTLS
 *
 * FIPS 180-4 6.2.2 and 6.4.2 as one loop each, the round constants in
 * one table: SHA-256's K (4.2.2) are the first 32 bits of the first 64
 * of SHA-512's (4.2.3), both the fractional parts of the cube roots of
 * the first primes, so SHA-256 reads the top halves of SHA-512's.
 * mbedTLS keeps a table each (256 bytes of constants that do not
 * compress) and longer code.  The digest (RFC 7616/8760) and the
 * recorder's HKDF hash a few hundred bytes at a time, so speed does not
 * matter.  Enabled by
 * MBEDTLS_SHA256_PROCESS_ALT and MBEDTLS_SHA512_PROCESS_ALT in
 * wasm/config/mbedtls_config.h; checked by the FIPS 180-4 vectors in
 * tests/c/crypto.c and the RFC 7616 ones in tests/c/auth.c.
 */
#include <stdint.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <mbedtls/platform_util.h>

int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx,
				    const unsigned char data[64]);
int mbedtls_internal_sha512_process(mbedtls_sha512_context *ctx,
				    const unsigned char data[128]);


/* FIPS 180-4 4.2.3 (and 4.2.2: the top 32 bits of the first 64) */
static const uint64_t K[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL,
	0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
	0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
	0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
	0xd807aa98a3030242ULL, 0x12835b0145706fbeULL,
	0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL,
	0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
	0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
	0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
	0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL,
	0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL,
	0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
	0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
	0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
	0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL,
	0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL,
	0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
	0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
	0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
	0xd192e819d6ef5218ULL, 0xd69906245565a910ULL,
	0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL,
	0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
	0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
	0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
	0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL,
	0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL,
	0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
	0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
	0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
	0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL,
	0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL,
	0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
	0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
	0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};


/* Rotations right: each one instruction of wasm (i32.rotr, i64.rotr) */
#define ror32(x, n) ((uint32_t)(x) >> (n) | (uint32_t)(x) << (32 - (n)))
#define ror64(x, n) ((uint64_t)(x) >> (n) | (uint64_t)(x) << (64 - (n)))


/**
 * Process one 64-byte block into ctx->state (FIPS 180-4 6.2.2)
 *
 * @param ctx  SHA-256 context
 * @param data The block
 *
 * @return 0
 */
int mbedtls_internal_sha256_process(mbedtls_sha256_context *ctx,
				    const unsigned char data[64])
{
	uint32_t w[64], s[8], t1, t2;
	unsigned i, j;

	for (i = 0; i < 64; ++i) {
		if (i < 16)
			w[i] = (uint32_t)data[4 * i] << 24 |
				(uint32_t)data[4 * i + 1] << 16 |
				(uint32_t)data[4 * i + 2] << 8 |
				(uint32_t)data[4 * i + 3];
		else
			w[i] = (ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
				w[i - 2] >> 10) + w[i - 7] +
				(ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
				 w[i - 15] >> 3) + w[i - 16];
	}

	for (i = 0; i < 8; ++i)
		s[i] = ctx->state[i];

	for (i = 0; i < 64; ++i) {
		t1 = s[7] + (ror32(s[4], 6) ^ ror32(s[4], 11) ^
			     ror32(s[4], 25)) +
			((s[4] & s[5]) ^ (~s[4] & s[6])) +
			(uint32_t)(K[i] >> 32) + w[i];
		t2 = (ror32(s[0], 2) ^ ror32(s[0], 13) ^ ror32(s[0], 22)) +
			((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		for (j = 7; j; --j)
			s[j] = s[j - 1];
		s[4] += t1;
		s[0] = t1 + t2;
	}

	for (i = 0; i < 8; ++i)
		ctx->state[i] += s[i];

	mbedtls_platform_zeroize(w, sizeof(w));
	mbedtls_platform_zeroize(s, sizeof(s));

	return 0;
}


/**
 * Process one 128-byte block into ctx->state (FIPS 180-4 6.4.2)
 *
 * @param ctx  SHA-512 context
 * @param data The block
 *
 * @return 0
 */
int mbedtls_internal_sha512_process(mbedtls_sha512_context *ctx,
				    const unsigned char data[128])
{
	uint64_t w[80], s[8], t1, t2;
	unsigned i, j;

	for (i = 0; i < 80; ++i) {
		if (i < 16) {
			w[i] = 0;
			for (j = 0; j < 8; ++j)
				w[i] = w[i] << 8 | data[8 * i + j];
		}
		else
			w[i] = (ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^
				w[i - 2] >> 6) + w[i - 7] +
				(ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^
				 w[i - 15] >> 7) + w[i - 16];
	}

	for (i = 0; i < 8; ++i)
		s[i] = ctx->state[i];

	for (i = 0; i < 80; ++i) {
		t1 = s[7] + (ror64(s[4], 14) ^ ror64(s[4], 18) ^
			     ror64(s[4], 41)) +
			((s[4] & s[5]) ^ (~s[4] & s[6])) + K[i] + w[i];
		t2 = (ror64(s[0], 28) ^ ror64(s[0], 34) ^ ror64(s[0], 39)) +
			((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		for (j = 7; j; --j)
			s[j] = s[j - 1];
		s[4] += t1;
		s[0] = t1 + t2;
	}

	for (i = 0; i < 8; ++i)
		ctx->state[i] += s[i];

	mbedtls_platform_zeroize(w, sizeof(w));
	mbedtls_platform_zeroize(s, sizeof(s));

	return 0;
}
