/**
 * @file crypto.c  Tests of the mbedTLS adapter: hashes, SHA-512/256, random bytes
 *
 * Known answers: RFC 1321 A.5 (MD5), FIPS 180-4 / NIST CSRC examples
 * (SHA-256, SHA-512/256); the long inputs were computed with python3
 * hashlib (md5, sha256, sha512_256).
 */
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "test.h"


static int hash_hex(char *hex, size_t size, enum crypto_hash h,
		    const char *in, size_t n)
{
	uint8_t md[CRYPTO_HASH_MAX_SIZE];
	int err;

	err = crypto_hash(h, md, (const uint8_t *)in, n);
	if (err)
		return err;

	if (re_snprintf(hex, size, "%w", md, crypto_hash_size(h)) < 0)
		return ENOMEM;

	return 0;
}


static int hash_check(enum crypto_hash h, const char *in, size_t n,
		      const char *expected)
{
	char hex[2 * CRYPTO_HASH_MAX_SIZE + 1];
	int err;

	err = hash_hex(hex, sizeof(hex), h, in, n);
	TEST_ERR(err);
	TEST_STRCMP(expected, hex);

 out:
	return err;
}


int test_crypto_hashes(void)
{
	static const struct {
		enum crypto_hash h;
		const char *in;
		const char *md;
	} kat[] = {
		/* RFC 1321 A.5 */
		{CRYPTO_HASH_MD5, "",
		 "d41d8cd98f00b204e9800998ecf8427e"},
		{CRYPTO_HASH_MD5, "abc",
		 "900150983cd24fb0d6963f7d28e17f72"},
		{CRYPTO_HASH_MD5, "message digest",
		 "f96b697d7cb7938d525a2f31aaf161d0"},
		/* FIPS 180-4 examples (NIST CSRC) */
		{CRYPTO_HASH_SHA256, "",
		 "e3b0c44298fc1c149afbf4c8996fb924"
		 "27ae41e4649b934ca495991b7852b855"},
		{CRYPTO_HASH_SHA256, "abc",
		 "ba7816bf8f01cfea414140de5dae2223"
		 "b00361a396177a9cb410ff61f20015ad"},
	};
	uint8_t a[CRYPTO_HASH_MAX_SIZE], b[CRYPTO_HASH_MAX_SIZE];
	char big[1000];
	size_t i;
	int err = 0;

	TEST_EQUALS(16, crypto_hash_size(CRYPTO_HASH_MD5));
	TEST_EQUALS(32, crypto_hash_size(CRYPTO_HASH_SHA256));
	TEST_EQUALS(32, crypto_hash_size(CRYPTO_HASH_SHA512_256));
	TEST_EQUALS(0, crypto_hash_size((enum crypto_hash)7));

	for (i = 0; i < ARRAY_SIZE(kat); i++) {
		err = hash_check(kat[i].h, kat[i].in, strlen(kat[i].in),
				 kat[i].md);
		TEST_ERR(err);
	}

	/* 1000 x 'a' (python3 hashlib), longer than one block */
	memset(big, 'a', sizeof(big));
	err = hash_check(CRYPTO_HASH_MD5, big, sizeof(big),
			 "cabe45dcc9ae5b66ba86600cca6b8ba8");
	TEST_ERR(err);
	err = hash_check(CRYPTO_HASH_SHA256, big, sizeof(big),
			 "41edece42d63e8d9bf515a9ba6932e1c"
			 "20cbc9f5a5d134645adb5db1b9737ea3");
	TEST_ERR(err);

	/* the printf form hashes pieces as if concatenated */
	for (i = 0; i <= CRYPTO_HASH_SHA512_256; i++) {
		const enum crypto_hash h = (enum crypto_hash)i;

		err = crypto_hash(h, a, (const uint8_t *)
				  "Mufasa:http-auth@example.org:"
				  "Circle of Life", 43);
		TEST_ERR(err);
		err = crypto_hash_printf(h, b, "%s:%s:%b", "Mufasa",
					 "http-auth@example.org",
					 "Circle of Life", (size_t)14);
		TEST_ERR(err);
		TEST_ASSERT(!memcmp(a, b, crypto_hash_size(h)));
	}

	/* misuse */
	TEST_EQUALS(EINVAL, crypto_hash(CRYPTO_HASH_MD5, NULL,
					(const uint8_t *)"x", 1));
	TEST_EQUALS(EINVAL, crypto_hash(CRYPTO_HASH_MD5, a, NULL, 1));
	TEST_EQUALS(EINVAL, crypto_hash((enum crypto_hash)7, a,
					(const uint8_t *)"x", 1));
	TEST_EQUALS(EINVAL, crypto_hash_printf(CRYPTO_HASH_MD5, a, NULL));
	TEST_EQUALS(0, crypto_hash(CRYPTO_HASH_MD5, a, NULL, 0));
	err = 0;

 out:
	return err;
}


int test_crypto_sha512_256(void)
{
	static const char two_blocks[] =
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
		"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	uint8_t md[CRYPTO_HASH_MAX_SIZE];
	char hex[2 * CRYPTO_HASH_MAX_SIZE + 1];
	char big[1000];
	int err;

	/* FIPS 180-4 example (NIST CSRC SHA512_256.pdf), one block */
	err = hash_check(CRYPTO_HASH_SHA512_256, "abc", 3,
			 "53048e2681941ef99b2e29b76b4c7dab"
			 "e4c2d0c634fc6d46e0e2f13107e7af23");
	TEST_ERR(err);

	/* the same document, two blocks */
	err = hash_check(CRYPTO_HASH_SHA512_256, two_blocks,
			 sizeof(two_blocks) - 1,
			 "3928e184fb8690f840da3988121d31be"
			 "65cb9d3ef83ee6146feac861e19b563a");
	TEST_ERR(err);

	err = hash_check(CRYPTO_HASH_SHA512_256, "", 0,
			 "c672b8d1ef56ed28ab87c3622c511406"
			 "9bdd3ad7b8f9737498d0c01ecef0967a");
	TEST_ERR(err);

	/* python3: hashlib.new("sha512_256", b"a" * 1000).hexdigest() */
	memset(big, 'a', sizeof(big));
	err = hash_check(CRYPTO_HASH_SHA512_256, big, sizeof(big),
			 "40eb4a70d4d69815407a9e272f0101cd"
			 "67e3d11262a4a0bfc087712749c7fb53");
	TEST_ERR(err);

	/* in pieces across block boundaries */
	err = crypto_hash_printf(CRYPTO_HASH_SHA512_256, md, "%b%b%b",
				 big, (size_t)1, big, (size_t)127,
				 big, (size_t)872);
	TEST_ERR(err);
	(void)re_snprintf(hex, sizeof(hex), "%w", md, sizeof(md));
	TEST_STRCMP("40eb4a70d4d69815407a9e272f0101cd"
		    "67e3d11262a4a0bfc087712749c7fb53", hex);

 out:
	return err;
}


static size_t popcount(const uint8_t *p, size_t n)
{
	size_t bits = 0, i;

	for (i = 0; i < n; i++) {
		uint8_t v = p[i];

		while (v) {
			v &= (uint8_t)(v - 1);
			++bits;
		}
	}

	return bits;
}


int test_crypto_rand(void)
{
	enum { BIG = 70000 };  /* > one crypto.getRandomValues() call */
	uint8_t a[32], b[32], zero[32] = {0};
	uint8_t *big = NULL;
	size_t bits;
	int err;

	err = crypto_rand(a, sizeof(a));
	TEST_ERR(err);
	err = crypto_rand(b, sizeof(b));
	TEST_ERR(err);
	TEST_ASSERT(memcmp(a, b, sizeof(a)));
	TEST_ASSERT(memcmp(a, zero, sizeof(a)));

	big = mem_zalloc(BIG, NULL);
	if (!big) {
		err = ENOMEM;
		goto out;
	}
	err = crypto_rand(big, BIG);
	TEST_ERR(err);

	/* 560000 fair bits: a mean of 280000, sigma 374; allow 10 sigma */
	bits = popcount(big, BIG);
	TEST_ASSERT(bits > 276000 && bits < 284000);
	TEST_ASSERT(memcmp(big + BIG - sizeof(zero), zero, sizeof(zero)));

	TEST_EQUALS(0, crypto_rand(NULL, 0));
	TEST_EQUALS(EINVAL, crypto_rand(NULL, 1));

	/* libre's rand (arc4random: glibc natively, crypto.c in wasm) */
	TEST_ASSERT(rand_u64() != rand_u64());

	crypto_zeroize(a, sizeof(a));
	TEST_ASSERT(!memcmp(a, zero, sizeof(a)));
	crypto_zeroize(NULL, 0);
	err = 0;

 out:
	mem_deref(big);

	return err;
}


/* wasm/crypto/hash.c (libre's table hashes): Jenkins one-at-a-time, with
 * the published values, and the variants agreeing with each other */
int test_crypto_table_hash(void)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";
	struct pl pl = PL("Call-ID");
	int err = 0;

	TEST_EQUALS(0xca2e9442u, hash_joaat((const uint8_t *)"a", 1));
	TEST_EQUALS(0x519e91f5u, hash_joaat_str(fox));
	TEST_EQUALS(hash_joaat_str(fox), hash_fast(fox, strlen(fox)));
	TEST_EQUALS(hash_joaat_str(fox), hash_fast_str(fox));
	TEST_EQUALS(hash_joaat_str("Call-ID"), hash_joaat_pl(&pl));
	TEST_EQUALS(hash_joaat_str_ci("CALL-id"), hash_joaat_pl_ci(&pl));
	TEST_EQUALS(hash_joaat_str_ci("call-id"), hash_joaat_ci("CALL-ID", 7));
	TEST_ASSERT(hash_joaat_str("Call-ID") != hash_joaat_str("call-id"));
	TEST_EQUALS(0, hash_joaat_str(NULL));
	TEST_EQUALS(0, hash_fast(NULL, 3));

 out:
	return err;
}
