// Test support: the browser's media faked for node tests (unit level only; tests/e2e runs real
// Chromium). Two levels: a fake RTCPeerConnection under the default MediaHandler
// (shim/media.js browserMediaHandler), and a fake MediaHandler in its place (the seam itself).

/**
 * An RTCPeerConnection class whose offers and answers are `sdp`
 * @param {{ sdp: string, gathering?: 'complete' | 'gathering',
 *   log?: { configs: object[], closed: number, offers?: object[], pcs?: object[] } }} options
 *   gathering: 'gathering' never completes (the shim's bounded wait ends it);
 *   log: records each RTCConfiguration given and each close(); with `offers`, the options of
 *   each createOffer(); with `pcs`, each instance (its `dispatch(type)` fires its listeners)
 */
export function fakePeerConnection({ sdp, gathering = 'complete', log }) {
  return class FakePC {
    #listeners = new Map();
    constructor(config) {
      log?.configs.push(config);
      log?.pcs?.push(this);
      this.iceGatheringState = gathering;
      this.connectionState = 'new';
      this.iceConnectionState = 'new';
      this.localDescription = null;
      this.remoteDescription = null;
      this.tracks = [];
      this.transceivers = [];
      this.senders = [];
    }
    addTrack(track) { this.tracks.push(track); }
    getTransceivers() { return this.transceivers; }
    getSenders() { return this.senders; }
    addEventListener(type, fn) { this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]); }
    removeEventListener(type, fn) { this.#listeners.set(type, (this.#listeners.get(type) ?? []).filter((f) => f !== fn)); }
    listenerCount(type) { return (this.#listeners.get(type) ?? []).length; }
    /** the browser fires `type` (after the test changed the state it reports) */
    dispatch(type) { for (const fn of this.#listeners.get(type) ?? []) fn({ type }); }
    async createOffer(options) { log?.offers?.push(options); return { type: 'offer', sdp }; }
    async createAnswer() { return { type: 'answer', sdp }; }
    async setLocalDescription(d) { this.localDescription = d; }
    async setRemoteDescription(d) { this.remoteDescription = d; }
    async getStats() { return new Map(); }
    close() { if (log) log.closed++; }
  };
}

/** What getUserMedia gives: a stream with no tracks */
export const fakeStream = { getTracks: () => [], getAudioTracks: () => [] };

/**
 * A MediaHandler factory (PhoneConfig `mediaHandler`) whose handlers make `sdp` and record
 * every request a call makes of them. `log.connect(connection, ice)` reports a connection
 * state change to the last call made, `log.track(e)` a remote track.
 * @param {{ sdp: string, inband?: boolean, stats?: Map<string, object>, fail?: Error }} options
 *   inband: sendDtmf succeeds in the media (else the call falls back to SIP INFO);
 *   stats: what getStats() resolves to; fail: getDescription rejects with it
 */
export function fakeMediaHandler({ sdp, inband = false, stats = new Map(), fail }) {
  const log = {
    made: 0, asked: [], remote: [], rollbacks: [], tones: [], muted: [], closed: 0, init: null,
    connect: (connection, ice) => log.init.onstate(connection, ice),
    track: (e) => log.init.ontrack(e),
  };
  const factory = (init) => {
    log.made++;
    log.init = init;
    return {
      async getDescription(o) {
        log.asked.push({ type: o.type, hold: o.hold, video: o.video, rtc: o.rtc, iceRestart: o.iceRestart });
        if (fail) throw fail;
        return sdp;
      },
      async setDescription(d) { log.remote.push({ type: d.type, sdp: d.sdp }); },
      async rollback(hold) { log.rollbacks.push(hold); },
      sendDtmf(tones, duration, gap) { log.tones.push([tones, duration, gap]); return inband; },
      mute(muted) { log.muted.push(muted); },
      async getStats() { return stats; },
      close() { log.closed++; },
    };
  };
  return { factory, log };
}
