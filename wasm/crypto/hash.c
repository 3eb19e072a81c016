/**
 * @file hash.c  libre's hash-table functions (re_hash.h), compact
 *
 * Replaces libre's hash/func.c, whose hash_fast() is Bob Jenkins'
 * lookup3 with three unrolled read paths (1.4 KB of wasm).  These are
 * table hashes, not cryptographic: every one is Jenkins' one-at-a-time
 * (the function libre's hash_joaat already was), case-folded for the _ci
 * variants.  Only consistency within the process matters; no value
 * leaves it.  Like libre's, they are unseeded.
 */
#include <ctype.h>
#include <string.h>
#include <re.h>


/*
 * Case-folded like libre's: tolower() of the (signed) char, so octets
 * above 0x7f hash as the C library's tolower() gives them (glibc and musl
 * differ there); wasm/sipmsg/msg.c computes header ids the same way.
 */
static int fold(int c, bool ci)
{
	if (!ci)
		return (unsigned char)c;

	if ('A' <= c && c <= 'Z')
		return c + ('a' - 'A');

	return c < 0 || c > 0x7f ? tolower(c) : c;
}


static uint32_t joaat(const char *p, size_t n, bool ci)
{
	uint32_t h = 0;
	size_t i;

	for (i = 0; i < n; ++i) {
		h += (uint32_t)fold(p[i], ci);
		h += h << 10;
		h ^= h >> 6;
	}

	h += h << 3;
	h ^= h >> 11;
	h += h << 15;

	return h;
}


/** One-at-a-time hash of @p len bytes at @p key */
uint32_t hash_joaat(const uint8_t *key, size_t len)
{
	return key ? joaat((const char *)key, len, false) : 0;
}


/** One-at-a-time hash of @p len bytes at @p str, case-insensitive */
uint32_t hash_joaat_ci(const char *str, size_t len)
{
	return str ? joaat(str, len, true) : 0;
}


/** One-at-a-time hash of a C string */
uint32_t hash_joaat_str(const char *str)
{
	return str ? joaat(str, strlen(str), false) : 0;
}


/** One-at-a-time hash of a C string, case-insensitive */
uint32_t hash_joaat_str_ci(const char *str)
{
	return str ? joaat(str, strlen(str), true) : 0;
}


/** One-at-a-time hash of a pointer-length string */
uint32_t hash_joaat_pl(const struct pl *pl)
{
	return pl ? joaat(pl->p, pl->l, false) : 0;
}


/** One-at-a-time hash of a pointer-length string, case-insensitive */
uint32_t hash_joaat_pl_ci(const struct pl *pl)
{
	return pl ? joaat(pl->p, pl->l, true) : 0;
}


/** Hash of @p len bytes at @p k (libre's "fast" hash; the same here) */
uint32_t hash_fast(const char *k, size_t len)
{
	return k ? joaat(k, len, false) : 0;
}


/** Hash of a C string (libre's "fast" hash; the same here) */
uint32_t hash_fast_str(const char *str)
{
	return hash_joaat_str(str);
}
