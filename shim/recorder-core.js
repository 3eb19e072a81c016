/**
 * @file recorder-core.js  The recorder module: load it, implement its imports
 *
 * dist/sipshield-recorder.wasm (RECORDER_WASM_URL) encodes a call's PCM
 * with Opus, packs it as Ogg Opus and seals the stream inside the module
 * (docs/recording-format.md); it also opens sealed files (the CLI) and
 * makes recipient key pairs. It is a module of its own, loaded only when a
 * recording starts or is opened: shim/index.js never imports this file, so
 * a page that does not record downloads neither.
 *
 *   const rc = await loadRecorder();
 *   const rec = rc.record({ key }, (chunk) => upload(chunk));  // or { recipient }
 *   rec.write(pcm);       // Float32Array, interleaved stereo, 48 kHz
 *   rec.close();          // the final sealed chunk comes out
 *
 *   const o = rc.open(secret, (plain) => out.write(plain));
 *   o.write(bytes); ...; o.close();  // throws RecordingError('tampered') ...
 *
 * Boundary: tools/exports-recorder.json, tools/imports-recorder.js,
 * wasm/recorder/recorder.h. Bytes the module hands out are copied here
 * (valid only during the import call); pointers into it are re-read after
 * every call in, since memory growth detaches old views. Only web APIs
 * (WebAssembly, crypto.getRandomValues, fetch) are used, except for file:
 * URLs in Node.
 */

/** Where the recorder module is, next to the page core */
export const RECORDER_WASM_URL = new URL('../dist/sipshield-recorder.wasm', import.meta.url);

/** Bytes of a key: symmetric key, X25519 private or public key */
export const KEY_SIZE = 32;

/** The prefix of a printed recipient public key (`sipshield recording keygen`) */
export const PUBLIC_KEY_PREFIX = 'sipshield-x25519-v1:';

/**
 * Why a recording could not be made or opened. The opener's reasons are
 * the module's (seal_reason(): 'not-a-recording', 'unsupported-version',
 * 'wrong-key', 'tampered', 'truncated', 'trailing-data', 'malformed');
 * the others are 'invalid-argument', 'no-memory', 'closed', 'failed'.
 */
export class RecordingError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {{ cause?: unknown }} [details]
   */
  constructor(code, message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RecordingError';
    /** @type {string} */
    this.code = code;
  }
}

/**
 * @typedef {object} RecorderOptions
 * @property {BufferSource} [wasmBinary] the module's bytes
 * @property {string | URL} [wasmUrl] where to fetch it (default RECORDER_WASM_URL)
 */

/**
 * @typedef {object} RecordOptions
 * @property {Uint8Array} [key] 32-byte symmetric key (mode 1)
 * @property {Uint8Array} [recipient] 32-byte X25519 public key (mode 2)
 * @property {number} [bitrate] bits per second for both channels (default 32000)
 * @property {1 | 2} [channels] interleaved channels (default 2)
 */

/**
 * @typedef {object} Recording  one sealed recording in progress
 * @property {(pcm: Float32Array) => void} write interleaved samples, 48 kHz, any length
 * @property {() => void} close the last frames and the final sealed chunk; frees
 * @property {() => void} abort free without finishing (the file stays truncated)
 */

/**
 * @typedef {object} Opening  one sealed file being opened
 * @property {(bytes: Uint8Array) => void} write the next bytes of the file
 * @property {() => void} close the end of the file: throws unless it was whole
 */

/**
 * @typedef {object} Recorder  the instantiated recorder module
 * @property {(opts: RecordOptions, onData: (chunk: Uint8Array) => void) => Recording} record
 * @property {(secret: Uint8Array, onPlain: (plain: Uint8Array) => void) => Opening} open
 * @property {() => { privateKey: Uint8Array, publicKey: Uint8Array }} keygen
 * @property {string} version the encoder's ("libopus 1.3.1")
 */

/** crypto.getRandomValues fills at most 65536 bytes per call */
const RANDOM_CHUNK = 65536;
/** PCM frames per call into the module */
const PCM_CHUNK = 48000;
/** Sealed bytes per call into the opener */
const OPEN_CHUNK = 65536;

/** errno names of the module's (Emscripten's musl) numbers */
const ERRNO = /** @type {Record<number, string>} */ ({
  28: 'invalid-argument', 48: 'no-memory', 44: 'closed', 10: 'failed',
  11: 'failed', 65: 'failed',
});

/**
 * The .wasm bytes: given, or fetched (read from disk for file: URLs)
 * @param {RecorderOptions} options
 * @returns {Promise<BufferSource>}
 */
async function recorderBytes(options) {
  if (options.wasmBinary) return options.wasmBinary;
  const href = String(options.wasmUrl ?? RECORDER_WASM_URL);
  try {
    if (href.startsWith('file:')) {
      // Node: fetch() has no file: URLs; a name bundlers leave alone
      const fsName = 'node:fs/promises';
      const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ fsName);
      return await fs.readFile(new URL(href));
    }
    const res = await fetch(href);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return await res.arrayBuffer();
  } catch (e) {
    throw new RecordingError('failed', `could not fetch the recorder module from ${href}: `
      + 'if a bundler moved it, pass its URL as { wasmUrl }', { cause: e });
  }
}

/**
 * @param {number} err an errno of the module
 * @param {string} what
 */
function failure(err, what) {
  const code = ERRNO[err] ?? 'failed';
  return new RecordingError(code, `${what} failed (${code}, errno ${err})`);
}

/**
 * Load and instantiate the recorder module.
 * @param {RecorderOptions} [options]
 * @returns {Promise<Recorder>}
 */
export async function loadRecorder(options = {}) {
  const bytes = await recorderBytes(options);
  /** @type {WebAssembly.Memory | undefined} */
  let memory;
  let view = new Uint8Array(0);
  const heap = () => {
    const buffer = /** @type {WebAssembly.Memory} */ (memory).buffer;
    if (view.buffer !== buffer) view = new Uint8Array(buffer);
    return view;
  };
  /** @type {Map<number, (bytes: Uint8Array) => void>} handle -> its consumer */
  const outs = new Map();
  const plains = new Map();
  /** the consumer of a recording's bytes before rec_open() returned its handle */
  /** @type {((bytes: Uint8Array) => void) | null} */
  let opening = null;
  /** a consumer that threw: the module is told to stop, the error rethrown */
  /** @type {unknown} */
  let thrown = null;

  /**
   * @param {Map<number, (bytes: Uint8Array) => void>} map
   * @param {boolean} early
   * @returns {(h: number, ptr: number, len: number) => number}
   */
  const deliver = (map, early) => (h, ptr, len) => {
    const to = map.get(h) ?? (early ? opening : null);
    if (!to) return 1;
    try {
      to(heap().slice(ptr, ptr + len));
      return 0;
    } catch (e) {
      thrown = e;
      return 1;
    }
  };
  const env = {
    /** @type {(ptr: number, len: number) => void} */
    spjs_random: (ptr, len) => {
      // no try: without randomness the module must stop
      for (let i = 0; i < len; i += RANDOM_CHUNK) {
        crypto.getRandomValues(heap().subarray(ptr + i, ptr + Math.min(len, i + RANDOM_CHUNK)));
      }
    },
    sprec_out: deliver(outs, true),
    sprec_plain: deliver(plains, false),
    emscripten_notify_memory_growth: () => { /* heap() notices */ },
  };
  const wasi = {
    /** @type {(code: number) => never} */
    proc_exit: (code) => {
      throw new RecordingError('failed', `the recorder module aborted (exit ${code})`);
    },
  };
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiate(bytes, { env, wasi_snapshot_preview1: wasi }));
  } catch (e) {
    throw new RecordingError('failed', 'could not load the recorder module', { cause: e });
  }
  const x = /** @type {any} */ (instance.exports);
  memory = x.memory;
  // the debug build checks the stack pointer against limits set here, as
  // Emscripten's own glue does (preamble.js); release has no such exports
  if (typeof x.__set_stack_limits === 'function') {
    x.emscripten_stack_init();
    x.__set_stack_limits(x.emscripten_stack_get_base(), x.emscripten_stack_get_end());
  }
  x._initialize();

  /** @type {(ptr: number) => string} a NUL-terminated string of the module */
  const cstring = (ptr) => {
    const h = heap();
    let end = ptr;
    while (h[end]) end++;
    return new TextDecoder().decode(h.subarray(ptr, end));
  };
  /**
   * Copy bytes into the module for one call.
   * @template T
   * @param {Uint8Array} bytes
   * @param {(ptr: number) => T} fn
   * @returns {T}
   */
  const withBytes = (bytes, fn) => {
    const ptr = x.rec_malloc(Math.max(1, bytes.length));
    if (!ptr) throw new RecordingError('no-memory', 'out of wasm memory');
    try {
      heap().set(bytes, ptr);
      return fn(ptr);
    } finally {
      heap().fill(0, ptr, ptr + bytes.length);
      x.rec_free(ptr);
    }
  };
  /** a consumer's exception wins over the module's ECANCELED */
  const rethrow = () => {
    if (thrown === null) return;
    const e = thrown;
    thrown = null;
    throw e;
  };
  /** @param {Uint8Array | undefined} k */
  const checkKey = (k) => {
    if (!(k instanceof Uint8Array) || k.length !== KEY_SIZE) {
      throw new RecordingError('invalid-argument', `a key is ${KEY_SIZE} bytes`);
    }
    return k;
  };

  /** @type {Recorder['record']} */
  function record(opts, onData) {
    const mode = opts.recipient ? 2 : 1;
    const key = checkKey(opts.recipient ?? opts.key);
    const channels = opts.channels ?? 2;
    const bitrate = opts.bitrate ?? 0;
    if (!Number.isInteger(bitrate) || bitrate < 0) {
      throw new RecordingError('invalid-argument', 'bitrate: a whole number of bits per second');
    }
    opening = onData;
    let h;
    try {
      h = withBytes(key, (ptr) => x.rec_open(mode, ptr, bitrate, channels));
    } finally {
      opening = null;
    }
    rethrow();
    if (h <= 0) throw failure(-h, 'starting the recording');
    outs.set(h, onData);
    let closed = false;
    let buf = 0;
    let bufLen = 0;
    const release = () => {
      closed = true;
      outs.delete(h);
      if (buf) {
        heap().fill(0, buf, buf + bufLen);
        x.rec_free(buf);
        buf = 0;
      }
    };
    return {
      write(pcm) {
        if (closed) throw new RecordingError('closed', 'the recording is closed');
        if (!(pcm instanceof Float32Array) || pcm.length % channels) {
          throw new RecordingError('invalid-argument', `PCM is a Float32Array of ${channels}-channel frames`);
        }
        for (let off = 0; off < pcm.length; off += PCM_CHUNK * channels) {
          const part = pcm.subarray(off, Math.min(pcm.length, off + PCM_CHUNK * channels));
          if (bufLen < part.byteLength) {
            if (buf) x.rec_free(buf);
            bufLen = PCM_CHUNK * channels * 4;
            buf = x.rec_malloc(bufLen);
            if (!buf) throw new RecordingError('no-memory', 'out of wasm memory');
          }
          new Float32Array(heap().buffer, buf, part.length).set(part);
          const err = x.rec_write(h, buf, part.length / channels);
          rethrow();
          if (err) throw failure(err, 'recording');
        }
      },
      close() {
        if (closed) throw new RecordingError('closed', 'the recording is closed');
        let err;
        try {
          err = x.rec_close(h);
        } finally {
          release();
        }
        rethrow();
        if (err) throw failure(err, 'ending the recording');
      },
      abort() {
        if (closed) return;
        // rec_close with the consumer gone: nothing more comes out
        outs.delete(h);
        x.rec_close(h);
        thrown = null;
        release();
      },
    };
  }

  /**
   * @param {number} ret 0, a seal_error (> 0), or -errno
   * @param {string} what
   */
  const openResult = (ret, what) => {
    rethrow();
    if (ret > 0) {
      const reason = cstring(x.rec_reason(ret));
      throw new RecordingError(reason, `the file is refused: ${reason}`);
    }
    if (ret < 0) throw failure(-ret, what);
  };

  /** @type {Recorder['open']} */
  function open(secret, onPlain) {
    const h = withBytes(checkKey(secret), (ptr) => x.rec_opener_new(ptr));
    if (h <= 0) throw failure(-h, 'opening');
    plains.set(h, onPlain);
    let closed = false;
    const release = () => { closed = true; plains.delete(h); };
    return {
      write(bytes) {
        if (closed) throw new RecordingError('closed', 'the opener is closed');
        try {
          for (let off = 0; off < bytes.length; off += OPEN_CHUNK) {
            const part = bytes.subarray(off, Math.min(bytes.length, off + OPEN_CHUNK));
            openResult(withBytes(part, (ptr) => x.rec_opener_write(h, ptr, part.length)), 'opening');
          }
        } catch (e) {
          // a refused file stays refused: free the opener now
          if (!closed) { x.rec_opener_close(h); thrown = null; release(); }
          throw e;
        }
      },
      close() {
        if (closed) throw new RecordingError('closed', 'the opener is closed');
        let ret;
        try {
          ret = x.rec_opener_close(h);
        } finally {
          release();
        }
        openResult(ret, 'opening');
      },
    };
  }

  /** @type {Recorder['keygen']} */
  function keygen() {
    const ptr = x.rec_malloc(2 * KEY_SIZE);
    if (!ptr) throw new RecordingError('no-memory', 'out of wasm memory');
    try {
      const err = x.rec_keygen(ptr, ptr + KEY_SIZE);
      if (err) throw failure(err, 'making a key pair');
      return {
        privateKey: heap().slice(ptr, ptr + KEY_SIZE),
        publicKey: heap().slice(ptr + KEY_SIZE, ptr + 2 * KEY_SIZE),
      };
    } finally {
      heap().fill(0, ptr, ptr + 2 * KEY_SIZE);
      x.rec_free(ptr);
    }
  }

  return { record, open, keygen, version: cstring(x.rec_version()) };
}

/**
 * A printed recipient public key: `sipshield-x25519-v1:` and the base64
 * of its 32 bytes.
 * @param {Uint8Array} publicKey
 * @returns {string}
 */
export function formatPublicKey(publicKey) {
  return PUBLIC_KEY_PREFIX + toBase64(checkLength(publicKey));
}

/**
 * Read a key: one line of base64 of 32 bytes; a public key may carry the
 * `sipshield-x25519-v1:` prefix (a private or symmetric key must not).
 * @param {string} text
 * @param {{ publicKey?: boolean }} [opts]
 * @returns {Uint8Array}
 */
export function parseKey(text, opts = {}) {
  let s = text.trim();
  if (s.startsWith(PUBLIC_KEY_PREFIX)) {
    if (!opts.publicKey) {
      throw new RecordingError('invalid-argument', 'this is a recipient public key, not a private or symmetric key');
    }
    s = s.slice(PUBLIC_KEY_PREFIX.length);
  } else if (/^[a-z0-9-]+:/.test(s)) {
    throw new RecordingError('invalid-argument', `unknown key prefix ${s.slice(0, s.indexOf(':') + 1)}`);
  }
  if (!/^[A-Za-z0-9+/]{43}=$/.test(s)) {
    throw new RecordingError('invalid-argument', `a key is one line of base64 of ${KEY_SIZE} bytes`);
  }
  return fromBase64(s);
}

/** @param {Uint8Array} k */
function checkLength(k) {
  if (!(k instanceof Uint8Array) || k.length !== KEY_SIZE) {
    throw new RecordingError('invalid-argument', `a key is ${KEY_SIZE} bytes`);
  }
  return k;
}

/** @param {Uint8Array} bytes */
export function toBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** @param {string} text */
function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
