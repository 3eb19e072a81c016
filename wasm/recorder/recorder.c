/**
 * @file recorder.c  The recorder module's exports: record, open, keygen
 *
 * A recording takes interleaved float PCM at 48 kHz in any amounts,
 * encodes it in 20 ms Opus frames, packs the packets into an Ogg Opus
 * stream (RFC 7845; wasm/record/ogg.c) and seals the stream as it grows
 * (docs/recording-format.md; wasm/record/seal.c).  The sealed bytes leave
 * through sprec_out(): nothing unsealed leaves the module.
 *
 *   rec_open(mode, key, bitrate, channels)  -> handle, or -errno
 *     mode 1 (SEAL_KEY) key: 32-byte symmetric key
 *     mode 2 (SEAL_RECIPIENT) key: 32-byte X25519 public key
 *     bitrate 0: RECORDER_BITRATE; channels 0: 2
 *   rec_write(h, pcm, frames)  -> 0 or errno (sticky: a failed recording
 *                                 refuses more and is closed by rec_close)
 *   rec_close(h)               -> 0 or errno; always frees the recording
 *
 * The last partial frame is padded with silence and enough silence
 * follows for the encoder's lookahead to come out, and the final granule
 * position is the real sample count plus the pre-skip (RFC 7845 4.4 end
 * trimming): the decoded file is as long as what was written.
 *
 * The opener is the other way (the CLI): rec_opener_new(secret),
 * rec_opener_write() and rec_opener_close() return 0, a seal_error code
 * (> 0: rec_reason() names it) or -errno; the plaintext goes to
 * sprec_plain().  Keys, buffered PCM and packets are zeroized when an
 * object is freed.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "crypto.h"
#include "handle.h"
#include "record.h"
#include "recorder.h"


#define DEBUG_MODULE "recorder"
#include <re_dbg.h>


enum {
	REC_MAX    = 8,
	OPENER_MAX = 8,
	CH_MAX     = 2,
};

struct recording {
	struct recorder_enc *enc;
	struct ogg_writer *ow;
	struct sealer *sealer;
	float pcm[RECORDER_FRAME * CH_MAX];
	uint8_t pkt[RECORDER_PKT_MAX];
	char vendor[64];
	uint64_t samples;    /* per channel, written by the app   */
	uint64_t encoded;    /* per channel, in whole frames      */
	uint32_t fill;       /* per channel, buffered in pcm[]    */
	uint16_t preskip;
	int channels;
	int h;
	int err;             /* the first error: the recording stops */
};

struct unsealing {
	struct opener *o;
	int h;
};

static struct recording *recv_[REC_MAX];
static int rec_idv[REC_MAX];
static struct handles recs = HANDLES(recv_, rec_idv);

static struct unsealing *openv[OPENER_MAX];
static int open_idv[OPENER_MAX];
static struct handles openers = HANDLES(openv, open_idv);


static void rec_destructor(void *arg)
{
	struct recording *rec = arg;

	handle_del(&recs, rec->h);
	mem_deref(rec->ow);
	mem_deref(rec->sealer);
	mem_deref(rec->enc);
	crypto_zeroize(rec->pcm, sizeof(rec->pcm));
	crypto_zeroize(rec->pkt, sizeof(rec->pkt));
}


static int sealed_handler(const uint8_t *p, size_t n, void *arg)
{
	struct recording *rec = arg;

	return sprec_out(rec->h, p, n) ? ECANCELED : 0;
}


static int page_handler(const uint8_t *p, size_t n, void *arg)
{
	struct recording *rec = arg;

	return sealer_write(rec->sealer, p, n);
}


/* Encode the frame in pcm[] as a packet of @p samples granule samples */
static int encode_frame(struct recording *rec, uint32_t samples)
{
	size_t n = 0;
	int err;

	err = recorder_enc_frame(rec->enc, rec->pcm, rec->pkt,
				 sizeof(rec->pkt), &n);
	if (err)
		return err;

	rec->fill = 0;
	rec->encoded += RECORDER_FRAME;

	return ogg_writer_packet(rec->ow, rec->pkt, n, samples);
}


/**
 * Start a sealed recording
 *
 * @param mode     SEAL_KEY (1) or SEAL_RECIPIENT (2)
 * @param key      32 bytes: the symmetric key or the recipient's public key
 * @param bitrate  Bits per second, 0 for RECORDER_BITRATE
 * @param channels 1 or 2 (interleaved), 0 for 2
 *
 * @return The recording's handle, or -errno
 */
int rec_open(int mode, const uint8_t *key, int bitrate, int channels)
{
	struct ogg_opus_params prm;
	struct recording *rec;
	int err;

	if ((mode != SEAL_KEY && mode != SEAL_RECIPIENT) || !key)
		return -EINVAL;

	if (!bitrate)
		bitrate = RECORDER_BITRATE;
	if (!channels)
		channels = CH_MAX;
	if (channels < 1 || channels > CH_MAX)
		return -EINVAL;

	rec = mem_zalloc(sizeof(*rec), rec_destructor);
	if (!rec)
		return -ENOMEM;

	rec->channels = channels;
	rec->h = handle_add(&recs, rec);
	if (!rec->h) {
		err = EBUSY;
		goto out;
	}

	err = recorder_enc_alloc(&rec->enc, channels, bitrate);
	if (err)
		goto out;

	rec->preskip = recorder_enc_lookahead(rec->enc);

	err = sealer_alloc(&rec->sealer, (enum seal_mode)mode, key,
			   sealed_handler, rec);
	if (err)
		goto out;

	memset(&prm, 0, sizeof(prm));
	err = crypto_rand((uint8_t *)&prm.serial, sizeof(prm.serial));
	if (err)
		goto out;

	if (re_snprintf(rec->vendor, sizeof(rec->vendor), "sipshield %s",
			recorder_enc_version()) < 0) {
		err = ENOMEM;
		goto out;
	}

	prm.channels   = (uint8_t)channels;
	prm.preskip    = rec->preskip;
	prm.input_rate = RECORDER_RATE;
	prm.vendor     = rec->vendor;

	err = ogg_writer_alloc(&rec->ow, &prm, page_handler, rec);

 out:
	if (err) {
		DEBUG_WARNING("open: %m\n", err);
		mem_deref(rec);
		return -err;
	}

	return rec->h;
}


/**
 * Record PCM: buffered into 20 ms frames, each encoded when full
 *
 * @param h      Recording handle
 * @param pcm    Interleaved float samples, 48 kHz, in [-1, 1]
 * @param frames Samples per channel in @p pcm
 *
 * @return 0 if success, otherwise errorcode
 */
int rec_write(int h, const float *pcm, int frames)
{
	struct recording *rec = handle_get(&recs, h);
	size_t off = 0;

	if (!rec)
		return ENOENT;
	if (frames < 0 || (!pcm && frames))
		return EINVAL;
	if (rec->err)
		return rec->err;

	while (off < (size_t)frames) {
		const size_t ch = (size_t)rec->channels;
		size_t take = RECORDER_FRAME - rec->fill;

		if (take > (size_t)frames - off)
			take = (size_t)frames - off;

		memcpy(rec->pcm + rec->fill * ch, pcm + off * ch,
		       take * ch * sizeof(float));
		rec->fill    += (uint32_t)take;
		rec->samples += take;
		off          += take;

		if (rec->fill < RECORDER_FRAME)
			break;

		rec->err = encode_frame(rec, RECORDER_FRAME);
		if (rec->err)
			return rec->err;
	}

	return 0;
}


/**
 * End a recording: the last frames, the end of the stream, the final
 * sealed chunk; then free it (keys zeroized)
 *
 * @param h Recording handle
 *
 * @return 0 if the sealed stream is complete, otherwise errorcode
 */
int rec_close(int h)
{
	struct recording *rec = handle_get(&recs, h);
	uint64_t target;
	int err;

	if (!rec)
		return ENOENT;

	err = rec->err;

	/* RFC 7845 4.4: the final granule position is what decodes, after
	 * the pre-skip; the packets must hold the lookahead's samples too */
	target = rec->samples + rec->preskip;
	while (!err && rec->encoded < target) {
		const uint64_t left = target - rec->encoded;

		memset(rec->pcm + (size_t)rec->fill * (size_t)rec->channels, 0,
		       (RECORDER_FRAME - rec->fill) * (size_t)rec->channels *
		       sizeof(float));
		err = encode_frame(rec, left < RECORDER_FRAME ?
				   (uint32_t)left : RECORDER_FRAME);
	}

	if (!err)
		err = ogg_writer_close(rec->ow);
	if (!err)
		err = sealer_close(rec->sealer);

	if (err)
		DEBUG_WARNING("close: %m\n", err);

	mem_deref(rec);

	return err;
}


static void opener_destructor(void *arg)
{
	struct unsealing *u = arg;

	handle_del(&openers, u->h);
	mem_deref(u->o);
}


static int plain_handler(const uint8_t *p, size_t n, void *arg)
{
	struct unsealing *u = arg;

	return sprec_plain(u->h, p, n) ? ECANCELED : 0;
}


/* A seal_error if the opener refused the file, else -errno or 0 */
static int opener_result(const struct unsealing *u, int err)
{
	const enum seal_error e = opener_error(u->o);

	if (e != SEAL_OK)
		return (int)e;

	return err ? -err : 0;
}


/**
 * Start opening a sealed recording
 *
 * @param secret 32 bytes: the symmetric key, or the X25519 private key
 *               of the recipient (the file's header says which)
 *
 * @return The opener's handle, or -errno
 */
int rec_opener_new(const uint8_t *secret)
{
	struct unsealing *u;
	int err;

	if (!secret)
		return -EINVAL;

	u = mem_zalloc(sizeof(*u), opener_destructor);
	if (!u)
		return -ENOMEM;

	u->h = handle_add(&openers, u);
	if (!u->h) {
		err = EBUSY;
		goto out;
	}

	err = opener_alloc(&u->o, secret, plain_handler, u);

 out:
	if (err) {
		mem_deref(u);
		return -err;
	}

	return u->h;
}


/**
 * Open the next bytes of a sealed recording
 *
 * @param h Opener handle
 * @param p Bytes of the file, in order
 * @param n Number of bytes
 *
 * @return 0, a seal_error (> 0) if the file is refused, or -errno
 */
int rec_opener_write(int h, const uint8_t *p, int n)
{
	struct unsealing *u = handle_get(&openers, h);

	if (!u)
		return -ENOENT;
	if (n < 0 || (!p && n))
		return -EINVAL;

	return opener_result(u, opener_write(u->o, p, (size_t)n));
}


/**
 * End of the file: check that it was complete, then free the opener
 *
 * @param h Opener handle
 *
 * @return 0 if the whole file opened, a seal_error (> 0), or -errno
 */
int rec_opener_close(int h)
{
	struct unsealing *u = handle_get(&openers, h);
	int ret;

	if (!u)
		return -ENOENT;

	ret = opener_result(u, opener_close(u->o));
	mem_deref(u);

	return ret;
}


/**
 * The stable name of a seal_error ("wrong-key", "tampered", ...)
 *
 * @param code A seal_error
 *
 * @return Static NUL-terminated string
 */
const char *rec_reason(int code)
{
	return seal_reason((enum seal_error)code);
}


/**
 * Make a recipient key pair (X25519)
 *
 * @param priv 32 bytes: the private key (kept by whoever opens)
 * @param pub  32 bytes: the public key (given to rec_open, mode 2)
 *
 * @return 0 if success, otherwise errorcode
 */
int rec_keygen(uint8_t *priv, uint8_t *pub)
{
	if (!priv || !pub)
		return EINVAL;

	return seal_keygen(priv, pub);
}


/**
 * The encoder's version ("libopus 1.3.1")
 *
 * @return Static NUL-terminated string
 */
const char *rec_version(void)
{
	return recorder_enc_version();
}


/**
 * Allocate memory that JS fills (PCM, keys, sealed bytes)
 *
 * @param size Bytes
 *
 * @return Pointer, NULL if none
 */
void *rec_malloc(size_t size)
{
	return size ? malloc(size) : NULL;
}


/**
 * Free memory from rec_malloc()
 *
 * @param p Pointer (may be NULL)
 */
void rec_free(void *p)
{
	free(p);
}
