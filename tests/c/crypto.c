/**
 * @file crypto.c  Tests of the mbedTLS adapter: hashes, SHA-512/256, random
 *                 bytes, and the recorder's AES-256-GCM, HKDF and X25519
 *
 * Known answers: RFC 1321 A.5 (MD5), FIPS 180-4 / NIST CSRC examples
 * (SHA-256, SHA-512/256); the long inputs were computed with python3
 * hashlib (md5, sha256, sha512_256).  RFC 7748 5.2 and 6.1 (X25519),
 * RFC 5869 A.1 (HKDF-SHA256), "The Galois/Counter Mode of Operation"
 * (McGrew, Viega) test cases 13, 14 and 16 (AES-256-GCM); all typed in
 * from those documents.
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

	for (i = 0; i < ARRAY_SIZE(kat); ++i) {
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
	for (i = 0; i <= CRYPTO_HASH_SHA512_256; ++i) {
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

	for (i = 0; i < n; ++i) {
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
	static const char fox[] =
		"The quick brown fox jumps over the lazy dog";
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


/* A hex string into bytes; n must be its decoded length */
static int unhex(uint8_t *out, size_t n, const char *hex)
{
	if (strlen(hex) != 2 * n)
		return EINVAL;

	return str_hex(out, n, hex);
}


static int hex_check(const uint8_t *p, size_t n, const char *expected)
{
	char hex[257];
	int err = 0;

	TEST_ASSERT(2 * n < sizeof(hex));
	(void)re_snprintf(hex, sizeof(hex), "%w", p, n);
	TEST_STRCMP(expected, hex);

 out:
	return err;
}


int test_crypto_x25519(void)
{
	/* RFC 7748 6.1 */
	static const char alice_priv[] =
		"77076d0a7318a57d3c16c17251b26645"
		"df4c2f87ebc0992ab177fba51db92c2a";
	static const char alice_pub[] =
		"8520f0098930a754748b7ddcb43ef75a"
		"0dbf3a0d26381af4eba4a98eaa9b4e6a";
	static const char bob_priv[] =
		"5dab087e624a8a4b79e17f8b83800ee6"
		"6f3bb1292618b6fd1c2f8b27ff88e0eb";
	static const char bob_pub[] =
		"de9edb7d7b7dc1b4d35b61c2ece43537"
		"3f8343c85b78674dadfc7e146f882b4f";
	static const char shared[] =
		"4a5d9d5ba4ce2de1728e3bf480350f25"
		"e07e21c947d19e3376f09b3c1e161742";
	/* RFC 7748 5.2: the second u has bit 255 set (masked) */
	static const struct {
		const char *k, *u, *out;
	} kat[] = {
		{"a546e36bf0527c9d3b16154b82465edd"
		 "62144c0ac1fc5a18506a2244ba449ac4",
		 "e6db6867583030db3594c1a424b15f7c"
		 "726624ec26b3353b10a903a6d0ab1c4c",
		 "c3da55379de9c6908e94ea4df28d084f"
		 "32eccf03491c71f754b4075577a28552"},
		{"4b66e9d4d1b4673c5ad22691957d6af5"
		 "c11b6421e0ea01d42ca4169e7918ba0d",
		 "e5210f12786811d3f4b7959d0538ae2c"
		 "31dbe7106fc03c3efc4cd549c715a493",
		 "95cbde9476e8907d7aade45cb4b873f8"
		 "8b595a68799fa152e6f8f7647aac7957"},
	};
	uint8_t a[32], b[32], pa[32], pb[32], k[32], u[32], out[32];
	uint8_t one[32] = {1}, zero[32] = {0};
	size_t i;
	int err;

	err  = unhex(a, sizeof(a), alice_priv);
	err |= unhex(b, sizeof(b), bob_priv);
	TEST_ERR(err);

	err = crypto_x25519_public(pa, a);
	TEST_ERR(err);
	err = hex_check(pa, sizeof(pa), alice_pub);
	TEST_ERR(err);
	err = crypto_x25519_public(pb, b);
	TEST_ERR(err);
	err = hex_check(pb, sizeof(pb), bob_pub);
	TEST_ERR(err);

	err = crypto_x25519(out, a, pb);
	TEST_ERR(err);
	err = hex_check(out, sizeof(out), shared);
	TEST_ERR(err);
	err = crypto_x25519(out, b, pa);
	TEST_ERR(err);
	err = hex_check(out, sizeof(out), shared);
	TEST_ERR(err);

	for (i = 0; i < ARRAY_SIZE(kat); ++i) {
		err  = unhex(k, sizeof(k), kat[i].k);
		err |= unhex(u, sizeof(u), kat[i].u);
		TEST_ERR(err);
		err = crypto_x25519(out, k, u);
		TEST_ERR(err);
		err = hex_check(out, sizeof(out), kat[i].out);
		TEST_ERR(err);
	}

	/* fresh pairs agree and differ */
	err = crypto_x25519_keygen(a, pa);
	TEST_ERR(err);
	err = crypto_x25519_keygen(b, pb);
	TEST_ERR(err);
	TEST_ASSERT(memcmp(a, b, 32) && memcmp(pa, pb, 32));
	err = crypto_x25519_public(u, a);
	TEST_ERR(err);
	TEST_ASSERT(!memcmp(u, pa, 32));
	TEST_EQUALS(0, a[0] & 7);
	TEST_EQUALS(0x40, a[31] & 0xc0);
	err = crypto_x25519(k, a, pb);
	TEST_ERR(err);
	err = crypto_x25519(out, b, pa);
	TEST_ERR(err);
	TEST_ASSERT(!memcmp(k, out, 32));

	/* low-order points (0, 1) are refused, the output wiped */
	memset(out, 0xaa, sizeof(out));
	TEST_EQUALS(EINVAL, crypto_x25519(out, a, zero));
	TEST_ASSERT(!memcmp(out, zero, 32));
	TEST_EQUALS(EINVAL, crypto_x25519(out, a, one));

	TEST_EQUALS(EINVAL, crypto_x25519(NULL, a, pb));
	TEST_EQUALS(EINVAL, crypto_x25519_public(out, NULL));
	TEST_EQUALS(EINVAL, crypto_x25519_keygen(NULL, out));
	err = 0;

 out:
	crypto_zeroize(a, sizeof(a));
	crypto_zeroize(b, sizeof(b));

	return err;
}


int test_crypto_hkdf(void)
{
	/* RFC 5869 A.1 (test case 1) */
	uint8_t ikm[22], salt[13], info[10], okm[42];
	size_t i;
	int err;

	memset(ikm, 0x0b, sizeof(ikm));
	for (i = 0; i < sizeof(salt); ++i)
		salt[i] = (uint8_t)i;
	for (i = 0; i < sizeof(info); ++i)
		info[i] = (uint8_t)(0xf0 + i);

	err = crypto_hkdf_sha256(okm, sizeof(okm), ikm, sizeof(ikm),
				 salt, sizeof(salt), info, sizeof(info));
	TEST_ERR(err);
	err = hex_check(okm, sizeof(okm),
			"3cb25f25faacd57a90434f64d0362f2a"
			"2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
			"34007208d5b887185865");
	TEST_ERR(err);

	TEST_EQUALS(EINVAL, crypto_hkdf_sha256(okm, 0, ikm, 1, NULL, 0,
					       NULL, 0));
	TEST_EQUALS(EINVAL, crypto_hkdf_sha256(okm, 255 * 32 + 1, ikm, 1,
					       NULL, 0, NULL, 0));
	TEST_EQUALS(EINVAL, crypto_hkdf_sha256(okm, 1, NULL, 1, NULL, 0,
					       NULL, 0));
	err = 0;

 out:
	return err;
}


int test_crypto_gcm(void)
{
	/* GCM spec test case 16: AES-256, 60 bytes, 20 bytes of AAD */
	static const char key16[] =
		"feffe9928665731c6d6a8f9467308308"
		"feffe9928665731c6d6a8f9467308308";
	static const char iv16[] = "cafebabefacedbaddecaf888";
	static const char pt16[] =
		"d9313225f88406e5a55909c5aff5269a"
		"86a7a9531534f7da2e4c303d8a318a72"
		"1c3c0c95956809532fcf0e2449a6b525"
		"b16aedf5aa0de657ba637b39";
	static const char aad16[] = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
	static const char ct16[] =
		"522dc1f099567d07f47f37a32a84427d"
		"643a8cdcbfe5c0c97598a2bd2555d1aa"
		"8cb08e48590dbb3da7b08b1056828838"
		"c5f61e6393ba7a0abcc9f662"
		"76fc6ece0f4e1768cddf8853bb2d551b";
	uint8_t key[32], iv[12], pt[60], aad[20], buf[76], back[60];
	uint8_t zkey[32] = {0}, ziv[12] = {0}, zero[16] = {0};
	size_t i;
	int err;

	err  = unhex(key, sizeof(key), key16);
	err |= unhex(iv, sizeof(iv), iv16);
	err |= unhex(pt, sizeof(pt), pt16);
	err |= unhex(aad, sizeof(aad), aad16);
	TEST_ERR(err);

	err = crypto_gcm_seal(buf, pt, sizeof(pt), key, iv, aad, sizeof(aad));
	TEST_ERR(err);
	err = hex_check(buf, sizeof(buf), ct16);
	TEST_ERR(err);

	err = crypto_gcm_open(back, buf, sizeof(buf), key, iv, aad,
			      sizeof(aad));
	TEST_ERR(err);
	TEST_ASSERT(!memcmp(back, pt, sizeof(pt)));

	/* in place */
	memcpy(buf, pt, sizeof(pt));
	err = crypto_gcm_seal(buf, buf, sizeof(pt), key, iv, aad,
			      sizeof(aad));
	TEST_ERR(err);
	err = hex_check(buf, sizeof(buf), ct16);
	TEST_ERR(err);
	err = crypto_gcm_open(buf, buf, sizeof(buf), key, iv, aad,
			      sizeof(aad));
	TEST_ERR(err);
	TEST_ASSERT(!memcmp(buf, pt, sizeof(pt)));

	/* any changed bit of ciphertext, tag, AAD or nonce is refused and
	 * nothing is output */
	err = crypto_gcm_seal(buf, pt, sizeof(pt), key, iv, aad, sizeof(aad));
	TEST_ERR(err);
	for (i = 0; i < sizeof(buf); ++i) {
		buf[i] ^= 0x10;
		memset(back, 0xaa, sizeof(back));
		TEST_EQUALS(EBADMSG, crypto_gcm_open(back, buf, sizeof(buf),
						     key, iv, aad,
						     sizeof(aad)));
		TEST_ASSERT(!memcmp(back, zero, sizeof(zero)));
		buf[i] ^= 0x10;
	}
	aad[19] ^= 1;
	TEST_EQUALS(EBADMSG, crypto_gcm_open(back, buf, sizeof(buf), key, iv,
					     aad, sizeof(aad)));
	aad[19] ^= 1;
	iv[11] ^= 1;
	TEST_EQUALS(EBADMSG, crypto_gcm_open(back, buf, sizeof(buf), key, iv,
					     aad, sizeof(aad)));
	iv[11] ^= 1;

	/* test case 13: empty plaintext, the tag alone */
	err = crypto_gcm_seal(buf, NULL, 0, zkey, ziv, NULL, 0);
	TEST_ERR(err);
	err = hex_check(buf, 16, "530f8afbc74536b9a963b4f1c4cb738b");
	TEST_ERR(err);
	err = crypto_gcm_open(back, buf, 16, zkey, ziv, NULL, 0);
	TEST_ERR(err);

	/* test case 14: one zero block */
	err = crypto_gcm_seal(buf, zero, 16, zkey, ziv, NULL, 0);
	TEST_ERR(err);
	err = hex_check(buf, 32, "cea7403d4d606b6e074ec5d3baf39d18"
			"d0d1c8a799996bf0265b98b5d48ab919");
	TEST_ERR(err);

	/* misuse */
	TEST_EQUALS(EINVAL, crypto_gcm_open(back, buf, 15, zkey, ziv,
					    NULL, 0));
	TEST_EQUALS(EINVAL, crypto_gcm_seal(buf, NULL, 1, zkey, ziv,
					    NULL, 0));
	TEST_EQUALS(EINVAL, crypto_gcm_seal(buf, zero, 1, NULL, ziv,
					    NULL, 0));
	TEST_EQUALS(EINVAL, crypto_gcm_open(back, buf, 16, zkey, ziv,
					    NULL, 1));

	/* the constant-time compare */
	TEST_ASSERT(crypto_ct_equal("abc", "abc", 3));
	TEST_ASSERT(!crypto_ct_equal("abc", "abd", 3));
	TEST_ASSERT(crypto_ct_equal(NULL, NULL, 0));
	err = 0;

 out:
	return err;
}
