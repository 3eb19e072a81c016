/**
 * @file record.js  'sipshield/record': call recording, sealed in a Worker
 *
 * ```js
 * import 'sipshield/record';  // once: call.record() works from now on
 * const rec = await call.record({ recipient: 'sipshield-x25519-v1:...' });
 * rec.on('data', (chunk) => upload(chunk));  // optional: sealed, in order
 * const file = await rec.stop();             // Blob: the whole sealed file
 * ```
 *
 * Not part of the page bundle: importing this module registers the
 * implementation that `Call.prototype.record` (a stub in shim/call.js)
 * looks up, so a page that never records downloads none of it. The
 * script-tag widget imports dist/sipshield-record.js (this file bundled)
 * when a recording starts.
 *
 * Where the work happens:
 * ```
 *  microphone track ─┐                  (audio thread)        (Worker)
 *                    ├─ AudioContext ─ record-worklet.js ─port─ record-worker.js
 *  call.remoteStream ┘   48 kHz, mono     960-frame stereo     Opus, Ogg, AES-GCM
 *                        per input        blocks (20 ms)       (recorder wasm)
 *                                                                 │ sealed chunks
 *  rec.on('data'), rec.stop() → Blob  ◄───────────────────────────┘
 * ```
 * The page's main thread only sets this up and receives sealed bytes: the
 * PCM goes from the worklet to the Worker through a MessagePort, so a busy
 * page does not make gaps, and the encoded audio never exists unsealed
 * outside the recorder module. The key goes to the Worker (its copy is
 * transferred, so the page keeps none of ours) and is zeroized by the
 * module when the recording ends; it is never logged.
 *
 * Left channel: what we send (the microphone; zeros while muted). Right:
 * what the peer sends (silence while held, as nothing arrives). Both are
 * recorded as the audio clock runs, so hold and mute are silence in the
 * file, never gaps. **A pause is a cut**: while paused nothing is written,
 * and the file goes on, without a mark, with what follows the resume; the
 * file is shorter than the call by the paused time. The recording stops by
 * itself when the call ends (the final chunk is written, the file whole).
 *
 * Recording state:
 * ```
 *  record() ─► recording ◄─► paused      pause() / resume()
 *                  │            │
 *                  └─► stopped ◄┘        stop(), the call ended, or a failure
 * ```
 */
import { Emitter } from './emitter.js';
import { PhoneError } from './errors.js';

/** @typedef {import('./call.js').Call} Call */

/**
 * @typedef {object} RecordOptions
 * @property {Uint8Array | string} [key] key mode: a 32-byte symmetric key, or
 *   one line of base64 of it (as in the CLI's `--key-file`)
 * @property {Uint8Array | string} [recipient] recipient mode: an X25519 public
 *   key, as `sipshield recording keygen` prints it (`sipshield-x25519-v1:...`)
 *   or its 32 bytes; only the holder of the private key can open the file
 * @property {number} [bitrate] Opus bits per second for both channels
 *   (default 32000)
 */

/**
 * @typedef {object} RecordingEventMap
 * @property {Uint8Array} data sealed bytes, in order: their concatenation is the file
 * @property {'recording' | 'paused' | 'stopped'} state
 * @property {PhoneError} error the recording failed (`recording-failed`): it stopped
 */

/**
 * @typedef {object} RecordingSetup  where the recorder's files are
 * @property {string | URL} [workerUrl] record-worker.js (a module Worker)
 * @property {string | URL} [workletUrl] record-worklet.js
 * @property {string | URL} [wasmUrl] sipshield-recorder.wasm
 * @property {string} [wasmIntegrity] its sha384, checked when fetched
 */

const SAMPLE_RATE = 48000;
/** longest waits: the Worker loading the module; the final chunk; the audio clock */
const START_MS = 30000;
const STOP_MS = 10000;
const RESUME_MS = 3000;

/** @type {RecordingSetup} */
let setup = {};
/** @type {WeakSet<Call>} calls whose record() has not settled */
const starting = new WeakSet();

/**
 * Where the Worker, the worklet and the recorder wasm are, if not beside
 * this module (a bundler that does not follow `new URL(..., import.meta.url)`,
 * or a CDN). Applies to recordings started afterwards.
 * @param {RecordingSetup} options
 */
export function configureRecording(options) {
  setup = { ...setup, ...options };
}

/** @param {unknown} v */
const bytesOrText = (v) => typeof v === 'string' || v instanceof Uint8Array;

/**
 * @template T
 * @param {Promise<T>} p
 * @param {number} ms
 * @param {() => Error} timeout
 * @returns {Promise<T>}
 */
function bounded(p, ms, timeout) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let t;
  return Promise.race([p, new Promise((_, reject) => { t = setTimeout(() => reject(timeout()), ms); })])
    .finally(() => clearTimeout(t));
}

/**
 * What record() below calls on a Recording (not public)
 * @type {{ attach: (r: Recording, g: { ctx: AudioContext, node: AudioWorkletNode, sink: HTMLAudioElement }) => void, fromWorker: (r: Recording, m: any) => void }}
 */
let hooks;

/** @extends {Emitter<RecordingEventMap>} */
export class Recording extends Emitter {
  static {
    hooks = { attach: (r, g) => r.#attach(g), fromWorker: (r, m) => r.#fromWorker(m) };
  }

  /** @type {'recording' | 'paused' | 'stopped'} */
  #state = 'recording';
  /** @type {Uint8Array[]} */
  #chunks = [];
  /** chunks go out as `data` once the app had the Recording (a turn after record() resolved) */
  #live = false;
  /** @type {Worker} */
  #worker;
  /** @type {AudioContext | null} */
  #ctx = null;
  /** @type {AudioWorkletNode | null} */
  #node = null;
  /** @type {HTMLAudioElement | null} */
  #sink = null;
  /** @type {Call} */
  #call;
  /** @type {Promise<Blob> | null} */
  #stopped = null;
  /** @type {((e: PhoneError | null) => void) | null} */
  #finished = null;
  #onEnded = () => { void this.stop().catch(() => {}); };

  /**
   * Recordings come from `call.record()`.
   * @private
   * @param {Call} call
   * @param {Worker} worker
   */
  constructor(call, worker) {
    super();
    this.#call = call;
    this.#worker = worker;
  }

  /** @returns {'recording' | 'paused' | 'stopped'} */
  get state() {
    return this.#state;
  }

  /** Stop writing until resume(): the paused time is cut out of the file. */
  pause() {
    this.#set('paused');
  }

  /** Write again after pause(). */
  resume() {
    this.#set('recording');
  }

  /**
   * End the recording: the final chunk is sealed and the file is whole.
   * @returns {Promise<Blob>} the sealed file (application/octet-stream):
   *   the concatenation of every `data` chunk
   */
  stop() {
    this.#stopped ??= this.#finish();
    return this.#stopped;
  }

  /** @param {{ ctx: AudioContext, node: AudioWorkletNode, sink: HTMLAudioElement }} graph */
  #attach({ ctx, node, sink }) {
    this.#ctx = ctx;
    this.#node = node;
    this.#sink = sink;
    this.#call.on('ended', this.#onEnded);
    setTimeout(() => {
      this.#live = true;
      for (const c of [...this.#chunks]) this.emit('data', c);
    });
  }

  /** @param {any} m a message of the Worker */
  #fromWorker(m) {
    if (m.chunk) {
      this.#chunks.push(m.chunk);
      if (this.#live) this.emit('data', m.chunk);
    }
    else if (m.done) this.#finished?.(null);
    else if (m.error) this.#failed(new PhoneError('recording-failed', m.message));
  }

  /** @param {PhoneError} e */
  #failed(e) {
    if (this.#finished) {
      this.#finished(e);
      return;
    }
    this.emit('error', e);
    this.#stopped ??= Promise.reject(e);
    this.#stopped.catch(() => {});
    this.#teardown();
  }

  /** @param {'recording' | 'paused'} state */
  #set(state) {
    if (this.#state === 'stopped' || this.#stopped) {
      throw new PhoneError('invalid-state', 'the recording has stopped');
    }
    if (this.#state === state) return;
    this.#state = state;
    this.#node?.port.postMessage({ paused: state === 'paused' });
    this.emit('state', state);
    this.#call.emit('recording', { state });
  }

  async #finish() {
    const done = new Promise((resolve, reject) => {
      this.#finished = (e) => (e ? reject(e) : resolve(undefined));
    });
    // the worklet sends its partial block and the end; if it does not run
    // any more (a closed context), the Worker is told directly
    this.#node?.port.postMessage({ stop: true });
    const late = setTimeout(() => this.#worker.postMessage({ end: true }), RESUME_MS);
    try {
      await bounded(done, STOP_MS, () => new PhoneError('recording-failed', 'the recorder did not finish'));
    } catch (e) {
      this.emit('error', /** @type {PhoneError} */ (e));
      throw e;
    } finally {
      clearTimeout(late);
      this.#teardown();
    }
    return new Blob(/** @type {BlobPart[]} */ (this.#chunks), { type: 'application/octet-stream' });
  }

  #teardown() {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    this.#call.off('ended', this.#onEnded);
    this.#node?.disconnect();
    void this.#ctx?.close().catch(() => {});
    if (this.#sink) this.#sink.srcObject = null;
    this.#worker.terminate();
    if (this.#call.recording === this) this.#call.recording = null;
    this.emit('state', 'stopped');
    this.#call.emit('recording', { state: 'stopped' });
  }
}

/**
 * The implementation behind `call.record()`.
 * @param {Call} call
 * @param {RecordOptions} options
 * @returns {Promise<Recording>}
 */
async function record(call, options) {
  const { key, recipient, bitrate } = options ?? {};
  if ((key === undefined) === (recipient === undefined) || !bytesOrText(key ?? recipient)) {
    throw new PhoneError('invalid-argument', 'record({ key }) or record({ recipient }): a Uint8Array or a base64 line');
  }
  if (bitrate !== undefined && !(Number.isInteger(bitrate) && bitrate > 0)) {
    throw new PhoneError('invalid-argument', 'bitrate: bits per second, a positive whole number');
  }
  if (call.recording || starting.has(call)) {
    throw new PhoneError('invalid-state', 'this call is being recorded already');
  }
  const pc = call.peerConnection;
  const local = pc?.getSenders().find((s) => s.track?.kind === 'audio')?.track;
  if (call.state !== 'active' || !pc || !local || !call.remoteStream) {
    throw new PhoneError('invalid-state', 'only a call with media (active) can be recorded');
  }
  if (typeof Worker !== 'function' || typeof AudioWorkletNode !== 'function') {
    throw new PhoneError('recording-unavailable', 'this browser has no AudioWorklet or Worker');
  }

  // the page keeps no copy of ours: the Worker gets this one, transferred
  const secret = typeof (key ?? recipient) === 'string' ? String(key ?? recipient)
    : new Uint8Array(/** @type {Uint8Array} */ (key ?? recipient));
  const channel = new MessageChannel();
  /** @type {Worker} */
  let worker;
  try {
    // the literal `new Worker(new URL(...))` is what Vite and webpack bundle as a worker
    worker = setup.workerUrl ? new Worker(String(setup.workerUrl), { type: 'module' })
      : new Worker(new URL('./record-worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    throw new PhoneError('recording-unavailable', 'the recorder Worker could not start', { cause: e });
  }
  // @ts-expect-error: private to the API, not to this module
  const rec = /** @type {Recording} */ (new Recording(call, worker));
  /** @type {AudioContext | undefined} */
  let ctx;
  starting.add(call);
  try {
    await bounded(new Promise((resolve, reject) => {
      worker.onmessage = (e) => {
        if (e.data.ready) resolve(undefined);
        else if (e.data.error) reject(new PhoneError(e.data.error, e.data.message));
        else hooks.fromWorker(rec, e.data);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new PhoneError('recording-unavailable', 'the recorder Worker did not load (its URL, or the CSP)'));
      };
      worker.postMessage({
        mode: key !== undefined ? 'key' : 'recipient', key: secret, bitrate,
        wasmUrl: setup.wasmUrl === undefined ? undefined : String(setup.wasmUrl),
        wasmIntegrity: setup.wasmIntegrity, port: channel.port2,
      }, [channel.port2, ...(typeof secret === 'string' ? [] : [secret.buffer])]);
    }), START_MS, () => new PhoneError('recording-unavailable', 'the recorder did not start in time'));
    worker.onmessage = (e) => hooks.fromWorker(rec, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      hooks.fromWorker(rec, { error: true, message: 'the recorder Worker failed' });
    };

    ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'playback' });
    try {
      // a literal `new URL(...)`: bundlers copy the file as an asset
      await ctx.audioWorklet.addModule(String(setup.workletUrl ?? new URL('./record-worklet.js', import.meta.url)));
    } catch (e) {
      throw new PhoneError('recording-unavailable', 'the recorder worklet did not load (its URL, or the CSP)', { cause: e });
    }
    const node = new AudioWorkletNode(ctx, 'sipshield-recorder', {
      numberOfInputs: 2, numberOfOutputs: 1, outputChannelCount: [1],
      channelCount: 1, channelCountMode: 'explicit', channelInterpretation: 'speakers',
    });
    ctx.createMediaStreamSource(new MediaStream([local])).connect(node, 0, 0);
    ctx.createMediaStreamSource(call.remoteStream).connect(node, 0, 1);
    node.connect(ctx.destination);  // silent: it writes no output
    // Chromium feeds a remote WebRTC stream to Web Audio only while a
    // media element plays it; a muted one, in case the page has none
    const sink = new Audio();
    sink.muted = true;
    sink.srcObject = call.remoteStream;
    void sink.play().catch(() => {});
    if (ctx.state !== 'running') {
      const running = ctx.resume().then(() => ctx?.state === 'running');
      if (!await bounded(running, RESUME_MS, () => new Error('suspended')).catch(() => false)) {
        throw new PhoneError('recording-unavailable',
          'the AudioContext does not run: start the recording from a user gesture (a click)');
      }
    }
    if (call.state !== 'active') throw new PhoneError('invalid-state', 'the call ended');
    node.port.postMessage({ port: channel.port1 }, [channel.port1]);
    hooks.attach(rec, { ctx, node, sink });
  } catch (e) {
    worker.terminate();
    void ctx?.close().catch(() => {});
    throw e;
  } finally {
    starting.delete(call);
  }
  call.recording = rec;
  call.emit('recording', { state: 'recording' });
  return rec;
}

/** @type {any} */ (globalThis)[Symbol.for('sipshield.record')] = record;
