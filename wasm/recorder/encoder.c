/**
 * @file encoder.c  Opus encoder of the recorder (libopus 1.3.1)
 *
 * 48 kHz, 20 ms frames, OPUS_APPLICATION_VOIP.  The two channels of a
 * call recording are two different people (left the local microphone,
 * right the far end), so the channel count is forced: Opus would
 * otherwise fold a quiet or low-rate stereo signal into mono.
 *
 * The state is a block from mem_zalloc (opus_encoder_init, not
 * opus_encoder_create's malloc) and is zeroized when freed: it holds the
 * last milliseconds of the call's audio.  Opus error codes stop here:
 * they are logged with opus_strerror() and mapped to errno.
 */
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include <opus.h>
#include "crypto.h"
#include "recorder.h"


#define DEBUG_MODULE "recorder"
#include <re_dbg.h>


struct recorder_enc {
	size_t size;        /* bytes of the state below */
	uint16_t lookahead; /* OPUS_GET_LOOKAHEAD at 48 kHz */
	OpusEncoder *st;    /* the state: a block of its own, aligned */
};


static void destructor(void *arg)
{
	struct recorder_enc *e = arg;

	crypto_zeroize(e->st, e->size);
	mem_deref(e->st);
}


static int map_err(int ret, const char *what)
{
	if (ret >= 0)
		return 0;

	DEBUG_WARNING("%s: %s\n", what, opus_strerror(ret));

	return ret == OPUS_ALLOC_FAIL ? ENOMEM :
		ret == OPUS_BAD_ARG ? EINVAL : EPROTO;
}


/**
 * Allocate an Opus encoder for a call recording
 *
 * @param ep       Pointer to allocated encoder
 * @param channels 1 or 2
 * @param bitrate  Bits per second for all channels, within
 *                 RECORDER_BITRATE_MIN .. RECORDER_BITRATE_MAX
 *
 * @return 0 if success, otherwise errorcode
 */
int recorder_enc_alloc(struct recorder_enc **ep, int channels, int bitrate)
{
	struct recorder_enc *e;
	opus_int32 lookahead = 0;
	int size, err;

	if (!ep || (channels != 1 && channels != 2) ||
	    bitrate < RECORDER_BITRATE_MIN || bitrate > RECORDER_BITRATE_MAX)
		return EINVAL;

	size = opus_encoder_get_size(channels);
	if (size <= 0)
		return EINVAL;

	e = mem_zalloc(sizeof(*e), destructor);
	if (!e)
		return ENOMEM;

	e->st = mem_zalloc((size_t)size, NULL);
	if (!e->st) {
		err = ENOMEM;
		goto out;
	}

	e->size = (size_t)size;

	err = map_err(opus_encoder_init(e->st, RECORDER_RATE, channels,
					OPUS_APPLICATION_VOIP), "init");
	if (err)
		goto out;

	err  = map_err(opus_encoder_ctl(e->st, OPUS_SET_BITRATE(bitrate)),
		       "bitrate");
	err |= map_err(opus_encoder_ctl(e->st,
					OPUS_SET_FORCE_CHANNELS(channels)),
		       "channels");
	err |= map_err(opus_encoder_ctl(e->st,
					OPUS_GET_LOOKAHEAD(&lookahead)),
		       "lookahead");
	if (err || lookahead < 0 || lookahead > 0xffff) {
		err = EPROTO;
		goto out;
	}

	e->lookahead = (uint16_t)lookahead;

 out:
	if (err)
		mem_deref(e);
	else
		*ep = e;

	return err;
}


/**
 * Encode one 20 ms frame (RECORDER_FRAME samples per channel)
 *
 * @param e   Encoder
 * @param pcm Interleaved float samples in [-1, 1]
 * @param pkt Packet buffer
 * @param max Size of @p pkt
 * @param np  Set to the packet's length
 *
 * @return 0 if success, otherwise errorcode
 */
int recorder_enc_frame(struct recorder_enc *e, const float *pcm,
		       uint8_t *pkt, size_t max, size_t *np)
{
	opus_int32 n;
	int err;

	if (!e || !pcm || !pkt || !np || max > 0x7fffffff)
		return EINVAL;

	n = opus_encode_float(e->st, pcm, RECORDER_FRAME, pkt,
			      (opus_int32)max);
	err = map_err(n, "encode");
	if (err)
		return err;

	*np = (size_t)n;

	return 0;
}


/**
 * The encoder's lookahead: the Ogg Opus pre-skip (RFC 7845 4.2)
 *
 * @param e Encoder
 *
 * @return Samples at 48 kHz
 */
uint16_t recorder_enc_lookahead(const struct recorder_enc *e)
{
	return e ? e->lookahead : 0;
}


/*
 * A failed Opus hardening check (libopus is built with
 * OVERRIDE_celt_fatal: tools/opus.sh).  Opus's own prints with fprintf;
 * here the module stops without linking stdio.
 */
void celt_fatal(const char *str, const char *file, int line);
void celt_fatal(const char *str, const char *file, int line)
{
	(void)str;
	(void)file;
	(void)line;

	abort();
}


/**
 * libopus's version string ("libopus 1.3.1")
 *
 * @return Static string
 */
const char *recorder_enc_version(void)
{
	return opus_get_version_string();
}
