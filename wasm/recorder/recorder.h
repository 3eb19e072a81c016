/**
 * @file recorder.h  The recorder module's boundary and its Opus encoder
 *
 * dist/sipshield-recorder.wasm is a module of its own, loaded only when a
 * recording starts or a recording is opened (shim/recorder-core.js).
 * Its exports are tools/exports-recorder.json, its imports
 * tools/imports-recorder.js: random bytes (the core's spjs_random) and
 * where the sealed or opened bytes go.  Handles, never pointers, name a
 * recording or an opener; a pointer passed in is borrowed for the call.
 * Only the files of wasm/recorder/ include Opus; nothing else links them.
 */


/* --- Imports (shim/recorder-core.js) ------------------------------------ */

/**
 * Sealed bytes of recording @p h, in order: their concatenation is the
 * file.  Valid during the call only.
 *
 * @return 0, or non-zero to stop the recording
 */
int sprec_out(int h, const uint8_t *p, size_t n);

/**
 * Opened plaintext (the Ogg Opus stream) of opener @p h, in order.  It is
 * authenticated chunk by chunk: the file as a whole is good only once
 * rec_opener_close() returned 0.
 *
 * @return 0, or non-zero to stop opening
 */
int sprec_plain(int h, const uint8_t *p, size_t n);


/* --- Exports (tools/exports-recorder.json) ------------------------------- */

int  rec_open(int mode, const uint8_t *key, int bitrate, int channels);
int  rec_write(int h, const float *pcm, int frames);
int  rec_close(int h);
int  rec_opener_new(const uint8_t *secret);
int  rec_opener_write(int h, const uint8_t *p, int n);
int  rec_opener_close(int h);
const char *rec_reason(int code);
int  rec_keygen(uint8_t *priv, uint8_t *pub);
const char *rec_version(void);
void *rec_malloc(size_t size);
void rec_free(void *p);


/* --- Opus encoder (encoder.c: the only includer of opus.h) --------------- */

enum {
	RECORDER_RATE      = 48000,    /**< Hz, in and out                 */
	RECORDER_FRAME     = 960,      /**< 20 ms at 48 kHz, per channel   */
	RECORDER_PKT_MAX   = 1500,     /**< bytes, > one 20 ms Opus packet */
	RECORDER_BITRATE   = 32000,    /**< bit/s, both channels           */
	RECORDER_BITRATE_MIN = 12000,
	RECORDER_BITRATE_MAX = 256000,
};

struct recorder_enc;

int  recorder_enc_alloc(struct recorder_enc **ep, int channels,
			int bitrate);
int  recorder_enc_frame(struct recorder_enc *e, const float *pcm,
			uint8_t *pkt, size_t max, size_t *np);
uint16_t recorder_enc_lookahead(const struct recorder_enc *e);
const char *recorder_enc_version(void);
