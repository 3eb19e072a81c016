/**
 * @file record.h  Call recording: Ogg Opus pages, sealed in chunks
 *
 * The recorder module (dist/sipshield-recorder.wasm) encodes a call's
 * stereo PCM with libopus, packs the packets into an Ogg Opus stream
 * (RFC 7845 on RFC 3533) and seals that stream as it grows
 * (docs/recording-format.md): the encoded audio never leaves the module
 * unencrypted.  The opener is the other way, for the CLI.
 *
 * Everything here is plain C on libre's mem and crypto.h: unit-tested
 * natively under ASan/UBSan and as wasm.  Only wasm/recorder/ (the
 * module's exports and the encoder) needs libopus.
 *
 * Output goes through a handler as it is made; a handler error stops the
 * writer and is returned.  Objects are freed with mem_deref(); a sealer or
 * opener zeroizes its keys when freed.  Include after <re.h>.
 */

/** Where finished bytes go (Ogg pages, sealed bytes, opened plaintext) */
typedef int (record_out_h)(const uint8_t *p, size_t n, void *arg);


/* --- Ogg Opus writer (wasm/record/ogg.c) --------------------------------- */

struct ogg_writer;

/** What goes into OpusHead and OpusTags (RFC 7845 5.1, 5.2) */
struct ogg_opus_params {
	uint32_t serial;       /**< the stream's serial number (random)   */
	uint8_t channels;      /**< 1 or 2 (mapping family 0)             */
	uint16_t preskip;      /**< encoder lookahead, 48 kHz samples     */
	uint32_t input_rate;   /**< original sample rate, informational   */
	const char *vendor;    /**< OpusTags vendor string                */
};

int ogg_writer_alloc(struct ogg_writer **owp,
		     const struct ogg_opus_params *prm,
		     record_out_h *outh, void *arg);
int ogg_writer_packet(struct ogg_writer *ow, const uint8_t *pkt, size_t n,
		      uint32_t samples);
int ogg_writer_flush(struct ogg_writer *ow);
int ogg_writer_close(struct ogg_writer *ow);
uint32_t ogg_crc32(uint32_t crc, const uint8_t *p, size_t n);


/* --- Sealing (wasm/record/seal.c) --------------------------------------- */

enum {
	RECORD_KEY_SIZE    = 32,
	RECORD_HEADER_SIZE = 61,        /**< docs/recording-format.md      */
	RECORD_CHUNK_SIZE  = 16384,     /**< plaintext bytes a full chunk  */
	RECORD_CHUNK_MAX   = 1 << 20,   /**< largest chunk size accepted   */
};

/** How a recording is sealed */
enum seal_mode {
	SEAL_KEY       = 1,   /**< a 32-byte symmetric key from the app  */
	SEAL_RECIPIENT = 2,   /**< to an X25519 public key (ephemeral)   */
};

/** Why an opener refused a file: its stable reason (seal_reason()) */
enum seal_error {
	SEAL_OK = 0,
	SEAL_NOT_RECORDING,   /**< no sipshield recording header         */
	SEAL_UNSUPPORTED,     /**< a version or mode not known here      */
	SEAL_WRONG_KEY,       /**< the header names another key          */
	SEAL_TAMPERED,        /**< a chunk fails authentication or moved */
	SEAL_TRUNCATED,       /**< ended before the final chunk          */
	SEAL_TRAILING,        /**< bytes after the final chunk           */
	SEAL_MALFORMED,       /**< a size out of the format's bounds     */
};

struct sealer;
struct opener;

int sealer_alloc(struct sealer **sp, enum seal_mode mode,
		 const uint8_t key[RECORD_KEY_SIZE],
		 record_out_h *outh, void *arg);
int sealer_alloc_chunk(struct sealer **sp, enum seal_mode mode,
		       const uint8_t key[RECORD_KEY_SIZE], uint32_t chunk,
		       record_out_h *outh, void *arg);
int sealer_write(struct sealer *s, const uint8_t *p, size_t n);
int sealer_close(struct sealer *s);

int opener_alloc(struct opener **op, const uint8_t secret[RECORD_KEY_SIZE],
		 record_out_h *plainh, void *arg);
int opener_write(struct opener *o, const uint8_t *p, size_t n);
int opener_close(struct opener *o);
enum seal_error opener_error(const struct opener *o);
const char *seal_reason(enum seal_error e);

int seal_keygen(uint8_t priv[RECORD_KEY_SIZE], uint8_t pub[RECORD_KEY_SIZE]);
int seal_public(uint8_t pub[RECORD_KEY_SIZE],
		const uint8_t priv[RECORD_KEY_SIZE]);
