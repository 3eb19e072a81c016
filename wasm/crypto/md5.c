/**
 * @file md5.c  A compact MD5 block function for mbedTLS (RFC 1321 3.4)
 *
 * mbedTLS's own is fully unrolled (2.2 KB of wasm); this loop is about a
 * tenth of that, and MD5 digest (RFC 2617/7616) hashes a few hundred bytes
 * per request, so speed does not matter.  Enabled by
 * MBEDTLS_MD5_PROCESS_ALT in wasm/config/mbedtls_config.h; checked by the
 * RFC 7616 and RFC 1321 vectors in tests/c/crypto.c and tests/c/auth.c.
 */
#include <stdint.h>
#include <mbedtls/md5.h>

int mbedtls_internal_md5_process(mbedtls_md5_context *ctx,
				 const unsigned char data[64]);


/* K[i] = floor(abs(sin(i + 1)) * 2^32) */
static const uint32_t K[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Left rotations per round, 4 per round */
static const uint8_t S[16] = {
	7, 12, 17, 22,  5, 9, 14, 20,  4, 11, 16, 23,  6, 10, 15, 21,
};


/**
 * Process one 64-byte block into ctx->state
 *
 * @param ctx  MD5 context
 * @param data The block
 *
 * @return 0
 */
int mbedtls_internal_md5_process(mbedtls_md5_context *ctx,
				 const unsigned char data[64])
{
	uint32_t m[16], a, b, c, d, f, t;
	unsigned i, g;

	for (i = 0; i < 16; ++i) {
		m[i] = (uint32_t)data[4 * i] |
			(uint32_t)data[4 * i + 1] << 8 |
			(uint32_t)data[4 * i + 2] << 16 |
			(uint32_t)data[4 * i + 3] << 24;
	}

	a = ctx->state[0];
	b = ctx->state[1];
	c = ctx->state[2];
	d = ctx->state[3];

	for (i = 0; i < 64; ++i) {

		switch (i / 16) {

		case 0:  f = (b & c) | (~b & d); g = i;               break;
		case 1:  f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
		case 2:  f = b ^ c ^ d;          g = (3 * i + 5) % 16; break;
		default: f = c ^ (b | ~d);       g = (7 * i) % 16;     break;
		}

		t = a + f + K[i] + m[g];
		a = d;
		d = c;
		c = b;
		b += t << S[i / 16 * 4 + i % 4] |
			t >> (32 - S[i / 16 * 4 + i % 4]);
	}

	ctx->state[0] += a;
	ctx->state[1] += b;
	ctx->state[2] += c;
	ctx->state[3] += d;

	return 0;
}
