/**
 * @file seal.c  Sealing a recording in chunks, and opening it again
 *
 * The container is docs/recording-format.md: a 61-byte header, then
 * chunks, each a 4-byte big-endian word (bit 31: final; bits 0-30: the
 * plaintext length) and the plaintext sealed with AES-256-GCM under the
 * nonce prefix(7) || counter(4, big-endian) || final(1), with the whole
 * header as additional data (a STREAM construction: Hoang, Reyhanitabar,
 * Rogaway, Vizar, "Online Authenticated-Encryption and its Nonce-Reuse
 * Misuse-Resistance", CRYPTO 2015).  Full chunks hold exactly the
 * header's chunk size; the final chunk 0 to chunk size bytes.
 *
 * Keys: key mode K = HKDF-SHA256(key, salt, "sipshield recording v1
 * key"); recipient mode K = HKDF-SHA256(X25519(e, R), e.pub || R,
 * "sipshield recording v1 recipient"), e made per recording and zeroized
 * once K is derived.  Nothing about a key is logged.
 *
 * The sealer keeps at most one chunk of plaintext and seals it in place
 * as soon as it is full.  The opener hands out a chunk's plaintext only
 * once its tag has been checked, and says why it refuses (seal_reason()).
 */
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "record.h"


#define DEBUG_MODULE "seal"
#include <re_dbg.h>


enum {
	FORMAT_VERSION = 1,
	MAGIC_SIZE     = 8,
	KEYID_SIZE     = 8,
	PREFIX_SIZE    = 7,
	INFO_SIZE      = 4,
	TAG_SIZE       = CRYPTO_GCM_TAG_SIZE,

	OFF_VERSION    = 8,
	OFF_MODE       = 9,
	OFF_KEYID      = 10,
	OFF_KEYMAT     = 18,
	OFF_PREFIX     = 50,
	OFF_CHUNK      = 57,
};

/* A chunk word's bit 31: the final chunk (not an enum: above INT_MAX) */
static const uint32_t final_bit = 0x80000000u;

static const uint8_t magic[MAGIC_SIZE] = {
	0x89, 'S', 'I', 'P', 'S', 'R', 'E', 'C'
};

static const char dom_key[]    = "sipshield recording v1 key";
static const char dom_rcpt[]   = "sipshield recording v1 recipient";
static const char dom_keyid[]  = "sipshield recording v1 key id";
static const char dom_rcptid[] = "sipshield recording v1 recipient id";


struct sealer {
	record_out_h *outh;
	void *arg;
	uint8_t key[CRYPTO_AES256_KEY_SIZE];   /* K                      */
	uint8_t hdr[RECORD_HEADER_SIZE];
	uint8_t *buf;                          /* info, chunk, tag       */
	uint32_t chunk;
	uint32_t fill;                         /* plaintext bytes in buf */
	uint32_t counter;
	bool closed;
	int err;                               /* sticky                 */
};

enum opener_state {
	OPEN_HEADER = 0,
	OPEN_INFO,
	OPEN_BODY,
	OPEN_DONE,
	OPEN_STOPPED,
};

struct opener {
	record_out_h *plainh;
	void *arg;
	uint8_t secret[RECORD_KEY_SIZE];       /* until the header is read */
	uint8_t key[CRYPTO_AES256_KEY_SIZE];   /* K                        */
	uint8_t hdr[RECORD_HEADER_SIZE];
	uint8_t info[INFO_SIZE];
	uint8_t *buf;                          /* chunk, tag               */
	size_t have;                           /* bytes of the current part */
	size_t need;                           /* bytes of the chunk body  */
	uint32_t chunk;
	uint32_t counter;
	uint32_t len;
	bool final;
	enum opener_state st;
	enum seal_error serr;
	int err;                               /* sticky, not a refusal    */
};


static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}


static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}


static void nonce_make(uint8_t nonce[CRYPTO_GCM_NONCE_SIZE],
		       const uint8_t *hdr, uint32_t counter, bool final)
{
	memcpy(nonce, hdr + OFF_PREFIX, PREFIX_SIZE);
	put_be32(nonce + PREFIX_SIZE, counter);
	nonce[11] = final ? 1 : 0;
}


/* The header's key id: SHA-256(domain || key material), 8 bytes */
static int keyid_make(uint8_t id[KEYID_SIZE], const char *dom,
		      const uint8_t km[RECORD_KEY_SIZE])
{
	uint8_t md[CRYPTO_SHA256_SIZE];
	int err;

	err = crypto_hash_printf(CRYPTO_HASH_SHA256, md, "%s%b", dom,
				 km, (size_t)RECORD_KEY_SIZE);
	if (!err)
		memcpy(id, md, KEYID_SIZE);

	crypto_zeroize(md, sizeof(md));

	return err;
}


/* Recipient mode: K from X25519(priv, pub), salted with eph || rcpt */
static int key_agree(uint8_t key[CRYPTO_AES256_KEY_SIZE],
		     const uint8_t priv[CRYPTO_X25519_SIZE],
		     const uint8_t pub[CRYPTO_X25519_SIZE],
		     const uint8_t eph[CRYPTO_X25519_SIZE],
		     const uint8_t rcpt[CRYPTO_X25519_SIZE])
{
	uint8_t shared[CRYPTO_X25519_SIZE];
	uint8_t salt[2 * CRYPTO_X25519_SIZE];
	int err;

	err = crypto_x25519(shared, priv, pub);
	if (err)
		goto out;

	memcpy(salt, eph, CRYPTO_X25519_SIZE);
	memcpy(salt + CRYPTO_X25519_SIZE, rcpt, CRYPTO_X25519_SIZE);

	err = crypto_hkdf_sha256(key, CRYPTO_AES256_KEY_SIZE,
				 shared, sizeof(shared), salt, sizeof(salt),
				 (const uint8_t *)dom_rcpt,
				 sizeof(dom_rcpt) - 1);

 out:
	crypto_zeroize(shared, sizeof(shared));

	return err;
}


static int key_derive(uint8_t key[CRYPTO_AES256_KEY_SIZE],
		      const uint8_t secret[RECORD_KEY_SIZE],
		      const uint8_t salt[RECORD_KEY_SIZE])
{
	return crypto_hkdf_sha256(key, CRYPTO_AES256_KEY_SIZE,
				  secret, RECORD_KEY_SIZE,
				  salt, RECORD_KEY_SIZE,
				  (const uint8_t *)dom_key,
				  sizeof(dom_key) - 1);
}


/* --- Sealer ------------------------------------------------------------- */


static void sealer_wipe(struct sealer *s)
{
	crypto_zeroize(s->key, sizeof(s->key));
	if (s->buf)
		crypto_zeroize(s->buf, INFO_SIZE + s->chunk + TAG_SIZE);
	s->fill = 0;
}


static void sealer_destructor(void *arg)
{
	struct sealer *s = arg;

	sealer_wipe(s);
	mem_deref(s->buf);
}


/* Seal what buf holds in place and send it; buf is zeroed after */
static int chunk_seal(struct sealer *s, bool final)
{
	uint8_t nonce[CRYPTO_GCM_NONCE_SIZE];
	const size_t len = INFO_SIZE + s->fill + TAG_SIZE;
	int err;

	/* the final chunk needs a counter of its own */
	if (!final && s->counter == UINT32_MAX) {
		err = EOVERFLOW;
		goto out;
	}

	put_be32(s->buf, (final ? final_bit : 0) | s->fill);
	nonce_make(nonce, s->hdr, s->counter, final);

	err = crypto_gcm_seal(s->buf + INFO_SIZE, s->buf + INFO_SIZE,
			      s->fill, s->key, nonce, s->hdr, sizeof(s->hdr));
	if (err)
		goto out;

	err = s->outh(s->buf, len, s->arg);
	if (err)
		goto out;

	crypto_zeroize(s->buf, len);
	s->fill = 0;
	if (!final)
		++s->counter;

 out:
	if (err) {
		s->err = err;
		sealer_wipe(s);
	}

	return err;
}


/**
 * Start sealing a recording with chunks of a given size; the header goes
 * out now
 *
 * @param sp    Pointer to allocated sealer
 * @param mode  SEAL_KEY or SEAL_RECIPIENT
 * @param key   SEAL_KEY: the 32-byte key; SEAL_RECIPIENT: the recipient's
 *              X25519 public key.  Copied: the caller may wipe it
 * @param chunk Plaintext bytes a full chunk, 1 to RECORD_CHUNK_MAX
 * @param outh  Handler for the sealed bytes (the header, then each chunk)
 * @param arg   Handler argument
 *
 * @return 0 if success, EINVAL also for a recipient key X25519 refuses,
 *         otherwise errorcode
 */
int sealer_alloc_chunk(struct sealer **sp, enum seal_mode mode,
		       const uint8_t key[RECORD_KEY_SIZE], uint32_t chunk,
		       record_out_h *outh, void *arg)
{
	uint8_t eph[CRYPTO_X25519_SIZE];
	struct sealer *s;
	uint8_t *h;
	int err;

	if (!sp || !key || !outh || !chunk || chunk > RECORD_CHUNK_MAX)
		return EINVAL;

	if (mode != SEAL_KEY && mode != SEAL_RECIPIENT)
		return EINVAL;

	s = mem_zalloc(sizeof(*s), sealer_destructor);
	if (!s)
		return ENOMEM;

	s->outh  = outh;
	s->arg   = arg;
	s->chunk = chunk;

	s->buf = mem_zalloc(INFO_SIZE + chunk + TAG_SIZE, NULL);
	if (!s->buf) {
		err = ENOMEM;
		goto out;
	}

	h = s->hdr;
	memcpy(h, magic, MAGIC_SIZE);
	h[OFF_VERSION] = FORMAT_VERSION;
	h[OFF_MODE]    = (uint8_t)mode;
	put_be32(h + OFF_CHUNK, chunk);

	err = crypto_rand(h + OFF_PREFIX, PREFIX_SIZE);
	if (err)
		goto out;

	if (mode == SEAL_KEY) {
		err = keyid_make(h + OFF_KEYID, dom_keyid, key);
		if (err)
			goto out;

		err = crypto_rand(h + OFF_KEYMAT, CRYPTO_X25519_SIZE);
		if (err)
			goto out;

		err = key_derive(s->key, key, h + OFF_KEYMAT);
	}
	else {
		err = keyid_make(h + OFF_KEYID, dom_rcptid, key);
		if (err)
			goto out;

		err = crypto_x25519_keygen(eph, h + OFF_KEYMAT);
		if (err)
			goto out;

		err = key_agree(s->key, eph, key, h + OFF_KEYMAT, key);
		crypto_zeroize(eph, sizeof(eph));
	}
	if (err)
		goto out;

	err = outh(s->hdr, sizeof(s->hdr), arg);

 out:
	if (err)
		mem_deref(s);
	else
		*sp = s;

	return err;
}


/**
 * Start sealing a recording (chunks of RECORD_CHUNK_SIZE); the header
 * goes out now
 *
 * @param sp   Pointer to allocated sealer
 * @param mode SEAL_KEY or SEAL_RECIPIENT
 * @param key  SEAL_KEY: the 32-byte key; SEAL_RECIPIENT: the recipient's
 *             X25519 public key.  Copied: the caller may wipe it
 * @param outh Handler for the sealed bytes (the header, then each chunk)
 * @param arg  Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int sealer_alloc(struct sealer **sp, enum seal_mode mode,
		 const uint8_t key[RECORD_KEY_SIZE],
		 record_out_h *outh, void *arg)
{
	return sealer_alloc_chunk(sp, mode, key, RECORD_CHUNK_SIZE, outh,
				  arg);
}


/**
 * Add plaintext; each full chunk is sealed and sent at once
 *
 * @param s Sealer
 * @param p Plaintext (may be NULL if n is 0)
 * @param n Its length
 *
 * @return 0 if success, EOVERFLOW after 2^32 - 1 full chunks, otherwise
 *         errorcode (the sealer then stops)
 */
int sealer_write(struct sealer *s, const uint8_t *p, size_t n)
{
	int err;

	if (!s || (!p && n))
		return EINVAL;

	if (s->err)
		return s->err;

	if (s->closed)
		return EINVAL;

	while (n) {
		const size_t take = min(n, (size_t)(s->chunk - s->fill));

		memcpy(s->buf + INFO_SIZE + s->fill, p, take);
		s->fill += (uint32_t)take;
		p += take;
		n -= take;

		if (s->fill == s->chunk) {
			err = chunk_seal(s, false);
			if (err)
				return err;
		}
	}

	return 0;
}


/**
 * End the recording: the final chunk goes out and the key is zeroized
 *
 * @param s Sealer
 *
 * @return 0 if success, otherwise errorcode
 */
int sealer_close(struct sealer *s)
{
	int err;

	if (!s)
		return EINVAL;

	if (s->err)
		return s->err;

	if (s->closed)
		return EINVAL;

	err = chunk_seal(s, true);
	if (err)
		return err;

	s->closed = true;
	sealer_wipe(s);

	return 0;
}


/* --- Opener ------------------------------------------------------------- */


static void opener_wipe(struct opener *o)
{
	crypto_zeroize(o->secret, sizeof(o->secret));
	crypto_zeroize(o->key, sizeof(o->key));
	if (o->buf)
		crypto_zeroize(o->buf, (size_t)o->chunk + TAG_SIZE);
}


static void opener_destructor(void *arg)
{
	struct opener *o = arg;

	opener_wipe(o);
	mem_deref(o->buf);
}


static int refuse(struct opener *o, enum seal_error e)
{
	o->serr = e;
	o->st   = OPEN_STOPPED;
	opener_wipe(o);

	return EBADMSG;
}


static int stop(struct opener *o, int err)
{
	o->err = err;
	o->st  = OPEN_STOPPED;
	opener_wipe(o);

	return err;
}


/* Check the whole header and derive K; the secret is wiped after */
static int header_read(struct opener *o)
{
	const uint8_t *h = o->hdr;
	uint8_t pub[CRYPTO_X25519_SIZE];
	uint8_t id[KEYID_SIZE];
	int err;

	if (h[OFF_VERSION] != FORMAT_VERSION)
		return refuse(o, SEAL_UNSUPPORTED);

	if (h[OFF_MODE] != SEAL_KEY && h[OFF_MODE] != SEAL_RECIPIENT)
		return refuse(o, SEAL_UNSUPPORTED);

	o->chunk = get_be32(h + OFF_CHUNK);
	if (!o->chunk || o->chunk > RECORD_CHUNK_MAX)
		return refuse(o, SEAL_MALFORMED);

	if (h[OFF_MODE] == SEAL_KEY) {
		err = keyid_make(id, dom_keyid, o->secret);
		if (err)
			goto out;

		if (!crypto_ct_equal(id, h + OFF_KEYID, KEYID_SIZE))
			return refuse(o, SEAL_WRONG_KEY);

		err = key_derive(o->key, o->secret, h + OFF_KEYMAT);
	}
	else {
		err = crypto_x25519_public(pub, o->secret);
		if (err)
			goto out;

		err = keyid_make(id, dom_rcptid, pub);
		if (err)
			goto out;

		if (!crypto_ct_equal(id, h + OFF_KEYID, KEYID_SIZE))
			return refuse(o, SEAL_WRONG_KEY);

		err = key_agree(o->key, o->secret, h + OFF_KEYMAT,
				h + OFF_KEYMAT, pub);

		/* a low-order ephemeral key: the header was altered */
		if (err == EINVAL)
			return refuse(o, SEAL_TAMPERED);
	}
	if (err)
		goto out;

	crypto_zeroize(o->secret, sizeof(o->secret));

	o->buf = mem_zalloc((size_t)o->chunk + TAG_SIZE, NULL);
	if (!o->buf)
		err = ENOMEM;

 out:
	if (err)
		return stop(o, err);

	return 0;
}


/* A chunk's word: its plaintext length must agree with the header */
static int info_read(struct opener *o)
{
	const uint32_t v = get_be32(o->info);

	o->final = (v & final_bit) != 0;
	o->len   = v & ~final_bit;

	if (!o->final && o->counter == UINT32_MAX)
		return refuse(o, SEAL_MALFORMED);

	if ((!o->final && o->len != o->chunk) ||
	    (o->final && o->len > o->chunk))
		return refuse(o, SEAL_TAMPERED);

	o->need = (size_t)o->len + TAG_SIZE;

	return 0;
}


static int chunk_open(struct opener *o)
{
	uint8_t nonce[CRYPTO_GCM_NONCE_SIZE];
	int err;

	nonce_make(nonce, o->hdr, o->counter, o->final);

	err = crypto_gcm_open(o->buf, o->buf, o->need, o->key, nonce,
			      o->hdr, sizeof(o->hdr));
	if (err == EBADMSG)
		return refuse(o, SEAL_TAMPERED);
	if (err)
		return stop(o, err);

	if (o->len) {
		err = o->plainh(o->buf, o->len, o->arg);
		crypto_zeroize(o->buf, o->len);
		if (err)
			return stop(o, err);
	}

	if (o->final) {
		o->st = OPEN_DONE;
		opener_wipe(o);
	}
	else {
		++o->counter;
		o->st = OPEN_INFO;
	}

	return 0;
}


/**
 * Start opening a sealed recording
 *
 * @param op     Pointer to allocated opener
 * @param secret The 32-byte key (key mode) or the X25519 private key
 *               (recipient mode): the header says which.  Copied
 * @param plainh Handler for authenticated plaintext, a chunk at a time
 * @param arg    Handler argument
 *
 * @return 0 if success, otherwise errorcode
 */
int opener_alloc(struct opener **op, const uint8_t secret[RECORD_KEY_SIZE],
		 record_out_h *plainh, void *arg)
{
	struct opener *o;

	if (!op || !secret || !plainh)
		return EINVAL;

	o = mem_zalloc(sizeof(*o), opener_destructor);
	if (!o)
		return ENOMEM;

	o->plainh = plainh;
	o->arg    = arg;
	memcpy(o->secret, secret, sizeof(o->secret));

	*op = o;

	return 0;
}


/**
 * Add sealed bytes, in pieces of any size; plaintext goes to the handler
 * as each chunk is authenticated
 *
 * @param o Opener
 * @param p Sealed bytes (may be NULL if n is 0)
 * @param n Their length
 *
 * @return 0 if success, EBADMSG if the input is refused (opener_error()
 *         says why; the opener then stops), otherwise errorcode
 */
int opener_write(struct opener *o, const uint8_t *p, size_t n)
{
	size_t take;
	int err;

	if (!o || (!p && n))
		return EINVAL;

	while (n) {
		switch (o->st) {

		case OPEN_HEADER:
			take = min(n, sizeof(o->hdr) - o->have);
			memcpy(o->hdr + o->have, p, take);

			/* "not a recording" as soon as the magic differs */
			if (o->have < MAGIC_SIZE &&
			    memcmp(o->hdr + o->have, magic + o->have,
				   min(take, MAGIC_SIZE - o->have)))
				return refuse(o, SEAL_NOT_RECORDING);

			o->have += take;
			if (o->have == sizeof(o->hdr)) {
				err = header_read(o);
				if (err)
					return err;

				o->have = 0;
				o->st = OPEN_INFO;
			}
			break;

		case OPEN_INFO:
			take = min(n, INFO_SIZE - o->have);
			memcpy(o->info + o->have, p, take);
			o->have += take;
			if (o->have == INFO_SIZE) {
				err = info_read(o);
				if (err)
					return err;

				o->have = 0;
				o->st = OPEN_BODY;
			}
			break;

		case OPEN_BODY:
			take = min(n, o->need - o->have);
			memcpy(o->buf + o->have, p, take);
			o->have += take;
			if (o->have == o->need) {
				o->have = 0;
				err = chunk_open(o);
				if (err)
					return err;
			}
			break;

		case OPEN_DONE:
			return refuse(o, SEAL_TRAILING);

		default:
			return o->err ? o->err : EBADMSG;
		}

		p += take;
		n -= take;
	}

	return 0;
}


/**
 * End of input: the recording must have ended with its final chunk
 *
 * A final chunk announced longer than what arrived is truncated, unless
 * what arrived is itself a complete, authentic final chunk: then its
 * length word was altered, and that is tampering.
 *
 * @param o Opener
 *
 * @return 0 if the final chunk was seen, EBADMSG if the input is refused
 *         (opener_error() says why), otherwise errorcode
 */
int opener_close(struct opener *o)
{
	uint8_t nonce[CRYPTO_GCM_NONCE_SIZE];
	int err;

	if (!o)
		return EINVAL;

	switch (o->st) {

	case OPEN_DONE:
		return 0;

	case OPEN_STOPPED:
		return o->err ? o->err : EBADMSG;

	case OPEN_BODY:
		if (!o->final || o->have < TAG_SIZE)
			break;

		nonce_make(nonce, o->hdr, o->counter, true);
		err = crypto_gcm_open(o->buf, o->buf, o->have, o->key, nonce,
				      o->hdr, sizeof(o->hdr));
		if (!err)
			return refuse(o, SEAL_TAMPERED);
		if (err != EBADMSG)
			return stop(o, err);
		break;

	default:
		break;
	}

	return refuse(o, SEAL_TRUNCATED);
}


/**
 * Why an opener refused its input
 *
 * @param o Opener
 *
 * @return SEAL_OK if it did not (yet)
 */
enum seal_error opener_error(const struct opener *o)
{
	return o ? o->serr : SEAL_OK;
}


/**
 * The stable reason code of a refusal, for messages and exit reports
 *
 * @param e Refusal
 *
 * @return A hyphenated code ("ok" for SEAL_OK)
 */
const char *seal_reason(enum seal_error e)
{
	switch (e) {

	case SEAL_OK:            return "ok";
	case SEAL_NOT_RECORDING: return "not-a-recording";
	case SEAL_UNSUPPORTED:   return "unsupported-version";
	case SEAL_WRONG_KEY:     return "wrong-key";
	case SEAL_TAMPERED:      return "tampered";
	case SEAL_TRUNCATED:     return "truncated";
	case SEAL_TRAILING:      return "trailing-data";
	case SEAL_MALFORMED:     return "malformed";
	default:                 return "unknown";
	}
}


/**
 * Make a recipient key pair (X25519) for `sipshield recording keygen`
 *
 * @param priv Private key (keep it off the page)
 * @param pub  Public key, what record({ recipient }) takes
 *
 * @return 0 if success, otherwise errorcode
 */
int seal_keygen(uint8_t priv[RECORD_KEY_SIZE], uint8_t pub[RECORD_KEY_SIZE])
{
	return crypto_x25519_keygen(priv, pub);
}


/**
 * The recipient public key of a private key
 *
 * @param pub  Public key
 * @param priv Private key
 *
 * @return 0 if success, otherwise errorcode
 */
int seal_public(uint8_t pub[RECORD_KEY_SIZE],
		const uint8_t priv[RECORD_KEY_SIZE])
{
	return crypto_x25519_public(pub, priv);
}


/* Test hook (tests/c/record.c): start chunk counters near their limit */
void seal_test_counter(struct sealer *s, struct opener *o, uint32_t n);

void seal_test_counter(struct sealer *s, struct opener *o, uint32_t n)
{
	if (s)
		s->counter = n;
	if (o)
		o->counter = n;
}
