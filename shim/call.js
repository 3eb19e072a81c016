/**
 * @file call.js  Call: one call, its SIP through the core and its media
 * through a MediaHandler
 *
 * The core (wasm/call/call.c) decides everything SIP and SDP: it asks for
 * an SDP offer or answer (`media.need`, with the RTCConfiguration policy
 * dictates), checks and rewrites what the browser made before it leaves,
 * and hands over every remote SDP that passed its policy (`media.remote`).
 * This class only runs the media's side of that, in order, one step at a
 * time, through the call's MediaHandler (shim/media.js: the browser's
 * RTCPeerConnection by default); it never reads or edits SDP.
 *
 * Call state:
 * ```
 *  outgoing: calling -> (ringing | progress)* -> active -> ended
 *  incoming: incoming -> answering -> active -> ended
 *  active: hold() / unhold() change `held` once the peer accepted
 * ```
 */
import { Emitter } from './emitter.js';
import { PhoneError } from './errors.js';
import { internal } from './internal.js';
import { tlsVersionName } from './dtls.js';
import { browserMediaHandler } from './media.js';

/** ICE `disconnected` this long is lost: restart it (a blip recovers by itself before) */
const ICE_GRACE_MS = 4000;
/** ICE restarts, each given mediaTimeoutMs, before the call ends with `ice-failed` */
const ICE_RESTARTS = 3;

/** @typedef {import('./core.js').Core} Core */
/** @import { CallCommandBody, CoreEvent } from './abi.js' */
/** @typedef {import('./errors.js').Cause} Cause */
/** @typedef {import('./media.js').MediaHandler} MediaHandler */

/**
 * @typedef {object} MediaOptions  how calls get media (Phone config)
 * @property {RTCIceServer[] | (() => Promise<RTCIceServer[]>)} [iceServers]
 *   STUN/TURN servers, or an async function returning them (for ephemeral
 *   TURN REST credentials: called for every call). Never seen by the core.
 * @property {number} [iceGatheringTimeoutMs] longest wait for ICE gathering
 *   before the SDP goes with the candidates found so far (default 3000)
 * @property {number} [mediaTimeoutMs] longest wait, once answered, for ICE
 *   and DTLS to connect; then the call ends with `ice-failed` (default 15000)
 * @property {typeof RTCPeerConnection} [RTCPeerConnection] injectable
 * @property {(c: MediaStreamConstraints) => Promise<MediaStream>} [getUserMedia] injectable
 * @property {import('./media.js').MediaHandlerFactory} [mediaHandler] each call's
 *   media (default: browserMediaHandler, which uses the options above)
 * @property {'mdns' | 'relay' | 'off'} privacy what the core lets leave
 */

/**
 * @typedef {object} SecurityReport  the `security` event
 * @property {'wss'} signalling SIP transport (always wss)
 * @property {'mdns' | 'relay' | 'off'} privacy mode in effect
 * @property {string | null} dtlsRole 'client' | 'server' (from getStats)
 * @property {string | null} dtlsCipher
 * @property {string | null} srtpCipher
 * @property {string | null} tlsVersion 'DTLS 1.2', 'DTLS 1.3' (an unknown
 *   version as getStats gives it)
 * @property {string | null} fingerprintAlgorithm remote, as the core checked it
 * @property {'MD5' | 'SHA-256' | 'SHA-512-256' | null} digestAlgorithm of the phone's last
 *   digest answer when the call was accepted (its INVITE's, if it was challenged)
 * @property {string | null} localCandidateType of the selected pair
 * @property {string | null} remoteCandidateType of the selected pair
 */

/**
 * Why the call may not connect, as soon as it is known. `no-candidates`:
 * no ICE candidate left our SDP (in `mdns` privacy the browser offered
 * raw-IP host candidates only and no TURN server is configured); the call
 * connects only if the peer sends one, and ends `no-candidates` at once
 * if its answer has none either.
 * @typedef {object} CallWarning
 * @property {'no-candidates'} code
 * @property {string} message what to configure
 */

/**
 * @typedef {object} CallEnded  the `ended` event
 * @property {Cause} cause
 * @property {number} status the final SIP status that ended it, 0 if none
 * @property {string | null} reason its reason phrase, the policy's detail,
 *   or (no-candidates) what to configure
 * @property {number} [line] the SDP line the policy refused
 */

/**
 * @typedef {object} CallEventMap
 * @property {{}} ringing 180 Ringing
 * @property {{}} progress other 1xx from the callee (101-199; early media if
 *   it carried an SDP); never the proxy's 100 Trying
 * @property {{}} accepted
 * @property {CallWarning} warning also kept in `call.warnings`
 * @property {{ held: boolean }} hold
 * @property {{ cause: import('./errors.js').ReconnectCause, attempt: number }} reconnecting
 *   the phone's connection was lost; the call stays up (media goes on) while it reopens
 * @property {{}} reconnected the call's signalling follows the new connection (a re-INVITE
 *   went through): a hang-up or hold reaches the other side again
 * @property {SecurityReport} security
 * @property {{ track: MediaStreamTrack, streams: readonly MediaStream[] }} track
 * @property {{ ctype: string | null, body: string }} info a SIP INFO (ctype null: it had
 *   no Content-Type)
 * @property {CallEnded} ended
 * @property {PhoneError} error
 * @property {{ state: 'recording' | 'paused' | 'stopped' }} recording a
 *   recording of this call started, paused, resumed or ended (`call.recording`)
 */

/** @typedef {import('./record.js').Recording} Recording */
/** @typedef {import('./record.js').RecordOptions} RecordOptions */

/** @extends {Emitter<CallEventMap>} */
export class Call extends Emitter {
  static {
    internal.callEvent = (call, ev) => call.#onCoreEvent(ev);
    internal.whenSent = (call) => call.#whenSent();
    // the network changed: media that is not up restarts ICE now, not after the grace
    internal.networkChanged = (call) => call.#lost && call.#restart('network-change');
  }

  /** @type {Core} */
  #core;
  /** @type {MediaOptions} */
  #media;
  /** @type {MediaHandler} */
  #m;
  /**
   * The media's state, one from the handler's two: `failed` if either is
   * (Chromium says it only in connectionState), `connected` if both are
   * @type {RTCPeerConnectionState | RTCIceConnectionState}
   */
  #conn = 'new';
  /** the media came up once: from then on a loss restarts ICE */
  #up = false;
  /** ICE restarts since the media was last up (at most ICE_RESTARTS) */
  #restarts = 0;
  /** @type {ReturnType<typeof setTimeout> | 0} the grace of a loss, or a restart's deadline */
  #lost = 0;
  /** @type {Promise<unknown>} media steps run one after another */
  #steps = Promise.resolve();
  #muted = false;
  /** @type {((e: PhoneError | null) => void) | null} settles a hold()/unhold() */
  #holdDone = null;
  /** @type {((e: PhoneError | null) => void) | null} settles phone.call() */
  #sentDone = null;
  #fingerprint = /** @type {string | null} */ (null);
  /** @type {SecurityReport['digestAlgorithm']} */
  #digest = null;
  #endedBy = /** @type {Cause | null} */ (null);
  #id = '';

  /**
   * Calls come from `phone.call()` and the phone's `incoming` event.
   * @private
   * @param {import('./internal.js').CallInit} init
   */
  constructor(init) {
    super();
    this.#core = init.core;
    this.#media = init.media;
    this.#id = init.id ?? '';
    /** @readonly */
    this.handle = init.handle;
    /** @readonly */
    this.direction = init.direction;
    /** @readonly remote party URI */
    this.remote = init.remote;
    /** @readonly */
    this.displayName = init.displayName;
    /** @type {'calling' | 'incoming' | 'answering' | 'ringing' | 'progress' | 'active' | 'ended'} */
    this.state = init.direction === 'outgoing' ? 'calling' : 'incoming';
    this.held = false;
    /** @type {MediaStream | null} what the peer sends */
    this.remoteStream = null;
    /** @type {CallWarning[]} every warning so far, also those raised before `phone.call()` resolved */
    this.warnings = [];
    /** @type {Recording | null} the recording running (or paused), if any */
    this.recording = null;
    this.#m = (init.media.mediaHandler ?? browserMediaHandler)({
      ...init.media,
      ontrack: (e) => {
        this.remoteStream = e.streams[0] ?? this.remoteStream ?? new MediaStream([e.track]);
        this.emit('track', { track: e.track, streams: e.streams });
      },
      onstate: (c, i) => {
        this.#conn = /failed/.test(c + i) ? 'failed' : /^co/.test(i) ? c : i;
        this.#onMedia();
      },
    });
  }

  /**
   * The SIP Call-ID, for support and log correlation: set on every call
   * `phone.call()` resolves with or `incoming` hands out.
   * @returns {string}
   */
  get id() {
    return this.#id;
  }

  /** @returns {RTCPeerConnection | null} for stats and diagnostics (the media handler's) */
  get peerConnection() {
    return this.#m.peerConnection ?? null;
  }

  /**
   * Resolves when the INVITE (or our 200 OK) went out: the core accepted
   * our SDP.
   * @returns {Promise<void>}
   */
  #whenSent() {
    return new Promise((resolve, reject) => {
      this.#sentDone = (e) => (e ? reject(e) : resolve());
    });
  }

  /**
   * Answer an incoming call.
   * @param {{ video?: boolean }} [options]
   * @returns {Promise<void>} when the 200 OK went out
   */
  async answer({ video = false } = {}) {
    this.#cmd({ cmd: 'call.answer', video });
    this.state = 'answering';
    await this.#whenSent();
  }

  /**
   * Reject an incoming call that is not answered.
   * @param {number} [status] 486 Busy Here (default), 603 Decline, ...
   */
  reject(status = 486) {
    this.#cmd({ cmd: 'call.reject', status });
  }

  /** Hang up: CANCEL, decline or BYE, whatever the state needs. */
  async hangup() {
    if (this.state === 'ended') return;
    this.#cmd({ cmd: 'call.hangup' });
  }

  /** @returns {Promise<void>} when the peer accepted the hold */
  hold() {
    return this.#hold(true);
  }

  /** @returns {Promise<void>} when the peer accepted the resume */
  unhold() {
    return this.#hold(false);
  }

  /**
   * Mute or unmute what we send (the peer keeps receiving silence).
   * @param {boolean} [muted]
   */
  mute(muted = true) {
    this.#muted = muted;
    this.#m.mute(muted);
  }

  /** @returns {boolean} */
  get muted() {
    return this.#muted;
  }

  /**
   * Record the call, sealed (docs/recording-format.md): left channel what
   * we send, right what the peer sends. The recorder is not in this
   * bundle: `import 'sipshield/record'` once (the script-tag widget loads
   * it itself), or this rejects with `recording-unavailable`.
   * @param {RecordOptions} options `{ key }` or `{ recipient }`
   * @returns {Promise<Recording>} once it records
   */
  record(options) {
    const r = /** @type {any} */ (globalThis)[Symbol.for('sipshield.record')];
    return r ? r(this, options) : Promise.reject(new PhoneError('recording-unavailable', "import 'sipshield/record' first"));
  }

  /**
   * Send DTMF: RFC 4733 events through RTCDTMFSender, or SIP INFO
   * (application/dtmf-relay) when the browser cannot.
   * @param {string} tones 0-9, *, #, A-D (',' pauses, RFC 4733 only)
   * @param {{ duration?: number, gap?: number }} [options] ms
   */
  sendDtmf(tones, { duration = 100, gap = 70 } = {}) {
    if (!/^[0-9A-D#*,]+$/i.test(tones)) {
      throw new PhoneError('invalid-argument', 'DTMF tones are 0-9, *, #, A-D and ,');
    }
    if (this.#m.sendDtmf(tones, duration, gap)) return;
    for (const t of tones.replace(/,/g, '')) {
      this.#cmd({ cmd: 'call.info', ctype: 'application/dtmf-relay',
        body: `Signal=${t.toUpperCase()}\r\nDuration=${duration}\r\n` });
    }
  }

  /**
   * The security report of the live media (also emitted as `security`).
   * @returns {Promise<SecurityReport>}
   */
  async security() {
    const fingerprintAlgorithm = this.#fingerprint;
    const digestAlgorithm = this.#digest;
    const stats = /** @type {Map<string, any>} */ (/** @type {unknown} */ (await this.#m.getStats()));
    /** @type {any} the DTLS transport, and its selected candidate pair */
    let t = {};
    stats.forEach((/** @type {any} */ s) => { if (s.type === 'transport') t = s; });
    const pair = stats.get(t.selectedCandidatePairId) ?? {};
    return {
      signalling: 'wss', privacy: this.#media.privacy, dtlsRole: t.dtlsRole ?? null,
      dtlsCipher: t.dtlsCipher ?? null, srtpCipher: t.srtpCipher ?? null,
      tlsVersion: tlsVersionName(t.tlsVersion), fingerprintAlgorithm, digestAlgorithm,
      localCandidateType: stats.get(pair.localCandidateId)?.candidateType ?? null,
      remoteCandidateType: stats.get(pair.remoteCandidateId)?.candidateType ?? null,
    };
  }

  /**
   * A core event for this call (from its Phone).
   * @param {CoreEvent} ev
   */
  #onCoreEvent(ev) {
    switch (ev.ev) {
      case 'media.need':
        this.#step(() => this.#makeSdp(ev));
        break;
      case 'media.remote':
        this.#fingerprint = ev.fingerprint ?? this.#fingerprint;
        // an answer, or their offer (the core asks for our answer next)
        this.#step(() => this.#m.setDescription(ev));
        break;
      case 'ringing':
      case 'progress':
        this.state = ev.ev;
        this.emit(ev.ev, {});
        break;
      case 'accepted':
        this.#digest = ev.digest;
        this.state = 'active';
        this.emit('accepted', {});
        this.#watchMedia().catch((e) => this.#fail(e));
        break;
      case 'hold':
        this.held = ev.held;
        this.#holdDone?.(null);
        this.emit('hold', { held: ev.held });
        break;
      case 'modify-failed':
        // the peer refused: media back to what it was, `held` unchanged
        this.#step(async () => {
          await this.#m.rollback(this.held);
          this.#holdDone?.(new PhoneError('rejected', `the peer refused the change (${ev.status})`,
            { status: ev.status, reason: ev.reason ?? undefined }));
        });
        break;
      case 'info':
        this.emit('info', { ctype: ev.ctype, body: ev.body });
        break;
      case 'reconnecting':
        this.emit('reconnecting', { cause: ev.cause, attempt: ev.attempt });
        break;
      case 'reconnected':
        this.emit('reconnected', {});
        break;
      case 'no-candidates': {
        /** @type {CallWarning} */
        const w = { code: ev.ev, message: new PhoneError(ev.ev).message };
        this.warnings.push(w);
        this.emit('warning', w);
        break;
      }
      case 'ended':
        this.#end(ev);
        break;
    }
  }

  /** @param {CallCommandBody} command a call.* command without `call` */
  #cmd(command) {
    if (this.state === 'ended') throw new PhoneError('not-found', 'the call has ended');
    const reply = internal.cmd(this.#core, { ...command, call: this.handle });
    if (reply.err) throw new PhoneError(reply.err, reply.message);
    return reply;
  }

  /** @param {() => Promise<void>} fn */
  #step(fn) {
    this.#steps = this.#steps.then(fn).catch((e) => this.#fail(e));
  }

  /** A media step failed: the call cannot go on. */
  /** @param {unknown} e */
  #fail(e) {
    if (this.state === 'ended') return;
    const err = e instanceof PhoneError ? e : new PhoneError('media-failed',
      e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    this.#sentDone?.(err);
    this.#holdDone?.(err);
    // a failed media step: media-failed, media-unavailable, ice-failed
    this.#endedBy = /** @type {Cause} */ (err.code);
    this.emit('error', err);
    try {
      internal.cmd(this.#core, { cmd: 'call.hangup', call: this.handle });
    } catch { /* already gone */ }
  }

  /** @param {boolean} hold */
  async #hold(hold) {
    if (this.held === hold) return;
    const done = new Promise((resolve, reject) => {
      this.#holdDone = (e) => { this.#holdDone = null; if (e) reject(e); else resolve(undefined); };
    });
    this.#cmd({ cmd: 'call.hold', hold });
    await done;
  }

  /** media.need: make the offer or answer the core asked for */
  /** @param {Extract<CoreEvent, { ev: 'media.need' }>} ev */
  async #makeSdp(ev) {
    const sdp = await this.#m.getDescription(ev);
    const reply = internal.cmd(this.#core, { cmd: 'call.media', call: this.handle, sdp,
      bytes: new TextEncoder().encode(sdp).length });
    if (reply.err) {
      // the policy refused what the browser made (relay-unavailable, ...):
      // the core ended the call already, or, for a change of a call that
      // is up, kept it as it was (modify-failed rolls the media back)
      const e = new PhoneError(reply.err, reply.message);
      this.#sentDone?.(e);
      this.#holdDone?.(e);
      return;
    }
    this.#id ||= reply.callId ?? '';
    this.#sentDone?.(null);
    this.#sentDone = null;
  }

  /**
   * After the answer: the media must come up (ICE and DTLS) within
   * mediaTimeoutMs, or the call ends with `ice-failed` (a call never
   * hangs with no media). Once up, the security report is emitted.
   */
  async #watchMedia() {
    const until = Date.now() + (this.#media.mediaTimeoutMs ?? 15000);
    /** @type {SecurityReport | null} */
    let r = null;
    while (this.state !== 'ended' && this.#conn !== 'failed') {
      // ciphers and the selected pair show up in getStats shortly after
      if (this.#conn === 'connected' && (r = await this.security()).srtpCipher && r.localCandidateType) break;
      if (Date.now() > until) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (this.state === 'ended') return;
    if (this.#conn !== 'connected') {
      throw new PhoneError('ice-failed', `no media path: the connection is ${this.#conn}`);
    }
    this.#up = true;
    this.emit('security', /** @type {SecurityReport} */ (r));
  }

  /**
   * The media's state changed. Once it was up, for the whole call: back
   * up after a restart is `reconnected`; `failed`, or a loss longer than
   * ICE_GRACE_MS, restarts ICE (a restart pending waits for its deadline).
   */
  #onMedia() {
    if (!this.#up || this.state !== 'active') return;
    if (this.#conn === 'connected') {
      clearTimeout(this.#lost);
      this.#lost = 0;
      if (this.#restarts) this.emit('reconnected', {});
      this.#restarts = 0;
    }
    // `failed` at once, else after the grace; the callee 2 s later than the caller, so that the
    // caller's restart reaches it before its own crosses it (glare: both refused with 491)
    else {
      this.#lost ||= setTimeout(() => this.#restart('ice-disconnected'),
        (this.#conn === 'failed' ? 0 : ICE_GRACE_MS) + (this.direction === 'incoming' ? 2000 : 0));
    }
  }

  /**
   * Restart ICE now (also when the phone saw the network change while
   * the media was down): a re-INVITE with new ICE credentials through the
   * media handler, then mediaTimeoutMs for the media to come back, at
   * most ICE_RESTARTS times before the call ends with `ice-failed`.
   * @param {import('./errors.js').ReconnectCause} cause
   */
  #restart(cause) {
    clearTimeout(this.#lost);
    if (this.#restarts >= ICE_RESTARTS) {
      this.#fail(new PhoneError('ice-failed', `no media path: the connection is ${this.#conn}`));
      return;
    }
    this.emit('reconnecting', { cause, attempt: ++this.#restarts });
    // busy (another change of the call): the deadline tries again
    internal.cmd(this.#core, { cmd: 'call.restart', call: this.handle });
    this.#lost = setTimeout(() => this.#restart(cause), this.#media.mediaTimeoutMs ?? 15000);
  }

  /** @param {Extract<CoreEvent, { ev: 'ended' }>} ev */
  #end(ev) {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.#lost);
    const cause = this.#endedBy ?? ev.cause;
    const err = new PhoneError(cause, undefined, { status: ev.status, reason: ev.reason ?? undefined });
    this.#sentDone?.(err);
    this.#holdDone?.(err);
    this.#m.close();
    // no-candidates: the core names it; the text of what to configure is ours
    const reason = ev.reason || (cause === 'no-candidates' ? err.message : null);
    this.emit('ended', { cause, status: ev.status, reason,
      ...(ev.line ? { line: ev.line } : {}) });
  }
}
