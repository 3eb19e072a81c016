/**
 * @file media.js  MediaHandler: one call's media, the seam between Call and
 * the browser's RTCPeerConnection
 *
 * A Call never touches WebRTC: it asks its handler for our offer or answer,
 * hands it the peer's SDP (after the core's policy passed it), rolls back a
 * refused offer, and closes it when the call ends; the handler tells the
 * call of remote tracks and of every change of the connection's state, for
 * the whole call. The model is SIP.js's SessionDescriptionHandler.
 * `browserMediaHandler` is the default; an app passes its own factory as
 * `mediaHandler` (Phone config), node tests a fake
 * (tests/node/support/fake-media.js). What a handler makes never leaves as
 * it is: the core checks and rewrites every SDP first, and only the SDP
 * string crosses (no ICE server, no credential reaches the core).
 */
import { PhoneError } from './errors.js';

/**
 * What the factory gets, once per call when the Call is made (before any
 * media): the phone's media config and the call's two callbacks
 * @typedef {import('./call.js').MediaOptions & MediaCallbacks} MediaInit
 */

/**
 * @typedef {object} MediaCallbacks
 * @property {(e: { track: MediaStreamTrack, streams: readonly MediaStream[] }) => void} ontrack
 *   a remote track arrived (the call's `track` event, `call.remoteStream`)
 * @property {(connection: RTCPeerConnectionState, ice: RTCIceConnectionState) => void} onstate
 *   the connection's states, on every change of either, for the whole
 *   call. Once answered, the call waits up to `mediaTimeoutMs` for
 *   `connected` (then emits `security`) and ends with `ice-failed` if it
 *   never comes or `failed` comes first
 */

/**
 * What the core asked for (`getDescription` gets its `media.need` event)
 * @typedef {object} DescriptionRequest
 * @property {'offer' | 'answer'} type
 * @property {RTCConfiguration} rtc the core's policy for the connection
 *   (iceTransportPolicy, bundlePolicy, rtcpMuxPolicy): it wins over the
 *   handler's own settings
 * @property {boolean} video whether the call sends video (the first
 *   description decides)
 * @property {boolean} hold an offer's direction: true sendonly (we hold),
 *   false sendrecv
 */

/**
 * A DescriptionRequest and, for an offer, the RTCOfferOptions the
 * default handler hands to createOffer as they are: `iceRestart: true`
 * for new ICE credentials (RFC 8445 9)
 * @typedef {DescriptionRequest & RTCOfferOptions} DescriptionOptions
 */

/**
 * One call's media (the default: `browserMediaHandler`). A rejected
 * promise ends the call: with the PhoneError's code, or `media-failed`.
 * @typedef {object} MediaHandler
 * @property {(o: DescriptionOptions) => Promise<string>} getDescription
 *   our offer or answer, its ICE gathering done or given up (bounded): the
 *   SDP the core checks next. An answer answers the last offer given to
 *   setDescription
 * @property {(d: { type: 'offer' | 'pranswer' | 'answer', sdp: string }) => Promise<void>} setDescription
 *   the peer's SDP (its `media.remote` event). An offer may come before
 *   the first getDescription (an incoming call): it is applied when the
 *   answer is made
 * @property {(hold: boolean) => Promise<void>} rollback the peer refused
 *   our last offer: back to before it, sending as `hold` says
 * @property {(tones: string, duration: number, gap: number) => boolean} sendDtmf
 *   RFC 4733 in the media; false if it cannot (the call sends SIP INFO)
 * @property {(muted: boolean) => void} mute what we send, now and later
 * @property {() => Promise<RTCStatsReport>} getStats of the media: the
 *   security report reads the transport (DTLS role and ciphers) and the
 *   selected candidate pair's types; empty before there is media
 * @property {() => void} close stop our tracks, release the connection
 *   (once, when the call ends; it must not throw)
 * @property {RTCPeerConnection | null} [peerConnection] the browser's, if
 *   any (`call.peerConnection`)
 */

/**
 * Makes a call's MediaHandler. It must not throw: a handler reports its
 * failures from getDescription.
 * @typedef {(init: MediaInit) => MediaHandler} MediaHandlerFactory
 */

/**
 * The default MediaHandler: an RTCPeerConnection made on the first
 * description (with the phone's `iceServers`, resolved then, and the
 * core's `rtc` over them) and the microphone (and camera) from
 * getUserMedia. It never trickles: each SDP goes with the candidates
 * gathered within `iceGatheringTimeoutMs` (default 3000), for the core to
 * filter (privacy: mDNS, relay only).
 * @param {MediaInit} init
 * @returns {MediaHandler}
 */
export function browserMediaHandler(init) {
  /** @type {RTCPeerConnection | undefined} */
  let pc;
  /** @type {MediaStream | undefined} */
  let local;
  /** @type {RTCSessionDescriptionInit | undefined} an offer not applied yet */
  let offer;
  /** @type {boolean | undefined} */
  let muted;

  /** @param {boolean} hold */
  const direct = (hold) => {
    for (const t of pc?.getTransceivers() ?? []) {
      if (t.currentDirection !== 'stopped' && t.direction !== 'stopped') t.direction = hold ? 'sendonly' : 'sendrecv';
    }
  };

  return {
    get peerConnection() {
      return pc;
    },

    async getDescription(o) {
      if (!pc) {
        const PC = init.RTCPeerConnection ?? globalThis.RTCPeerConnection;
        if (!PC) throw new PhoneError('media-unavailable', 'no RTCPeerConnection here (calls need a browser)');
        const servers = init.iceServers;
        // the core's policy (iceTransportPolicy, bundle, rtcp-mux) wins over ours
        const p = pc = new PC({ iceServers: typeof servers === 'function' ? await servers() : (servers ?? []), ...o.rtc });
        p.ontrack = init.ontrack;
        const state = () => init.onstate(p.connectionState, p.iceConnectionState);
        p.addEventListener('connectionstatechange', state);
        p.addEventListener('iceconnectionstatechange', state);
        local = await (init.getUserMedia ??
          ((/** @type {MediaStreamConstraints} */ c) => navigator.mediaDevices.getUserMedia(c)))({ audio: true, video: o.video });
        for (const t of local.getTracks()) {
          if (t.kind === 'audio') t.enabled = !muted;
          p.addTrack(t, local);
        }
      }
      const p = pc;
      if (o.type === 'offer') {
        direct(o.hold);
        await p.setLocalDescription(await p.createOffer(o));
      }
      else {
        if (offer) await p.setRemoteDescription(offer);
        offer = undefined;
        await p.setLocalDescription(await p.createAnswer());
      }
      // bounded: a call never waits 40 s for a dead STUN server. An ICE
      // restart (ours or the peer's) gathers anew, but the state may still
      // say `complete` from before: with no candidate yet, the end is the
      // `complete` after a `gathering`
      let gathering = /a=cand/.test(p.localDescription?.sdp ?? '');
      await /** @type {Promise<void>} */ (new Promise((resolve) => {
        const done = () => {
          clearTimeout(t);
          p.removeEventListener('icegatheringstatechange', check);
          resolve();
        };
        const check = () => {
          if (p.iceGatheringState !== 'complete') gathering = true;
          else if (gathering) done();
        };
        const t = setTimeout(done, init.iceGatheringTimeoutMs ?? 3000);
        p.addEventListener('icegatheringstatechange', check);
        check();
      }));
      return p.localDescription?.sdp ?? '';
    },

    async setDescription(d) {
      // an incoming call's offer waits for the answer; answers apply now
      if (d.type === 'offer' && !pc) offer = d;
      else await pc?.setRemoteDescription(d);
    },

    async rollback(hold) {
      await pc?.setLocalDescription({ type: 'rollback' }).catch(() => {});
      direct(hold);
    },

    sendDtmf(tones, duration, gap) {
      const dtmf = pc?.getSenders().find((s) => s.track?.kind === 'audio')?.dtmf;
      if (!dtmf?.canInsertDTMF) return false;
      dtmf.insertDTMF(tones, duration, gap);
      return true;
    },

    mute(m) {
      muted = m;
      for (const t of local?.getAudioTracks() ?? []) t.enabled = !m;
    },

    async getStats() {
      return pc?.getStats() ?? /** @type {RTCStatsReport} */ (new Map());
    },

    close() {
      for (const t of local?.getTracks() ?? []) t.stop();
      pc?.close();
    },
  };
}
