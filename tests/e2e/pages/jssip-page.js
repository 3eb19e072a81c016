// @file jssip-page.js  A JsSIP 3.13 peer for the browser call rig: one UA, one call at a time,
// driven by the tests through `window.jssipPeer` (playwright page.evaluate).
// Bundled with npm jssip by esbuild into build/e2e/jssip-page.js (tests/e2e/support.js
// bundleJssipPage); served with tests/e2e/pages/jssip.html by tools/serve.js.
//
//   await jssipPeer.register({ server, uri, password })
//   jssipPeer.autoAnswer({ iceServers, iceTransportPolicy })   // or null: wait for answer()
//   jssipPeer.call('sip:bob@sipshield.test', { iceServers, iceTransportPolicy })
//   await jssipPeer.waitFor('confirmed' | 'incoming' | 'ended', ms)   (since the last call/reset)
//   jssipPeer.answer(opts); jssipPeer.hangup(); await jssipPeer.stats(); jssipPeer.info()
//
// info().sdp holds the SDP bodies as this page received them (the INVITE's offer on the
// callee, the 200's answer on the caller) and as it sent them.
import JsSIP from 'jssip';

const now = () => performance.timeOrigin + performance.now();
const status = (text) => { document.getElementById('status').textContent = text; };

let ua = null;
let session = null;
let autoAnswerOpts = null;
/** @type {{name: string, t: number, detail?: any}[]} */
let events = [];
let sdp = {};
let endCause = null;
const waiters = new Set();

function mark(name, detail) {
  events.push({ name, t: now(), ...(detail === undefined ? {} : { detail }) });
  for (const w of [...waiters]) {
    if (w.name === name) {
      waiters.delete(w);
      w.resolve(detail ?? null);
    }
  }
}

function pcConfig(opts = {}) {
  const cfg = { iceServers: opts.iceServers || [] };
  if (opts.iceTransportPolicy) cfg.iceTransportPolicy = opts.iceTransportPolicy;
  return cfg;
}

function callOptions(opts) {
  return {
    mediaConstraints: { audio: true, video: false },
    pcConfig: pcConfig(opts),
    rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
  };
}

function attachRemoteAudio(pc) {
  pc.addEventListener('track', (e) => {
    if (e.track.kind !== 'audio') return;
    const el = document.getElementById('remote');
    el.srcObject = e.streams[0] || new MediaStream([e.track]);
    el.play().catch(() => {});
  });
}

function watch(s) {
  session = s;
  endCause = null;
  // an outgoing session made its RTCPeerConnection inside ua.call(), before this listener
  if (s.connection) attachRemoteAudio(s.connection);
  s.on('peerconnection', (e) => { attachRemoteAudio(e.peerconnection); mark('peerconnection'); });
  s.on('connecting', () => mark('connecting'));
  s.on('sending', (e) => { sdp.offerSent = e.request.body; mark('sending'); });
  s.on('progress', (e) => mark('progress', e.response ? e.response.status_code : null));
  s.on('accepted', (e) => {
    if (e.originator === 'remote' && e.response) sdp.okReceived = e.response.body;
    mark('accepted');
  });
  s.on('sdp', (e) => {
    if (e.originator !== 'local') return;
    if (window.jssipPeer.mangleLocalSdp) e.sdp = window.jssipPeer.mangleLocalSdp(e.sdp, e.type);
    if (e.type === 'answer') sdp.answerSent = e.sdp;
  });
  s.on('confirmed', () => { status('in call'); mark('confirmed'); });
  s.on('ended', (e) => { endCause = e.cause; status(`ended: ${e.cause}`); mark('ended', e.cause); });
  s.on('failed', (e) => {
    endCause = e.cause;
    status(`failed: ${e.cause}`);
    mark('failed', { cause: e.cause, status: e.message && e.message.status_code,
      warning: (e.message && e.message.getHeader && e.message.getHeader('Warning')) || null });
    mark('ended', e.cause);
  });
}

/** Resolve on the next (or an already recorded, since the last call()) event `name`. */
function waitFor(name, ms = 15000) {
  const seen = events.find((e) => e.name === name);
  if (seen) return Promise.resolve(seen.detail ?? null);
  return new Promise((resolve, reject) => {
    const w = { name, resolve };
    waiters.add(w);
    setTimeout(() => {
      if (!waiters.delete(w)) return;
      const last = events.map((e) => e.name).join(',');
      reject(new Error(`no '${name}' within ${ms} ms (events: ${last}; cause: ${endCause})`));
    }, ms);
  });
}

function resetCall() {
  events = [];
  sdp = {};
  endCause = null;
}

/** @param {{server: string, uri: string, password: string, timeoutMs?: number}} cfg */
function register(cfg) {
  if (ua) throw new Error('already registered');
  const socket = new JsSIP.WebSocketInterface(cfg.server);
  ua = new JsSIP.UA({
    sockets: [socket],
    uri: cfg.uri,
    password: cfg.password,
    register: true,
    register_expires: 600,
    connection_recovery_min_interval: 2,
    connection_recovery_max_interval: 5,
  });
  ua.on('newRTCSession', (e) => {
    if (e.originator !== 'remote') return;
    if (session && !session.isEnded()) {
      e.session.terminate({ status_code: 486 });
      return;
    }
    resetCall();
    sdp.inviteReceived = e.request.body;
    watch(e.session);
    mark('incoming');
    status('incoming');
    if (autoAnswerOpts) e.session.answer(callOptions(autoAnswerOpts));
  });
  const done = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('JsSIP did not register in time')), cfg.timeoutMs || 15000);
    ua.once('registered', () => { clearTimeout(t); status('registered'); resolve(); });
    ua.once('registrationFailed', (e) => {
      clearTimeout(t);
      status(`registration failed: ${e.cause}`);
      reject(new Error(`registrationFailed: ${e.cause} ${e.response ? e.response.status_code : ''}`));
    });
  });
  ua.start();
  return done;
}

window.jssipPeer = {
  version: JsSIP.version,
  /**
   * Optional (sdp, 'offer' | 'answer') => sdp applied to the SDP JsSIP is about to send (the
   * wire only: the local description stays as Chromium made it). Tests set it with
   * page.evaluate to play a peer that sends what it should not (e.g. a=crypto).
   * @type {null | ((sdp: string, type: string) => string)}
   */
  mangleLocalSdp: null,
  register,
  /** Unregister and stop the UA (bounded). */
  stop(ms = 5000) {
    if (!ua) return Promise.resolve();
    const u = ua;
    ua = null;
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      u.once('disconnected', () => { clearTimeout(t); resolve(); });
      u.stop();
    });
  },
  autoAnswer(opts) { autoAnswerOpts = opts || null; },
  /** Forget the last call's events and SDP, so that waitFor() only sees the next call. */
  reset() {
    if (session && !session.isEnded()) throw new Error('a call is up');
    resetCall();
  },
  call(target, opts = {}) {
    if (!ua) throw new Error('not registered');
    if (session && !session.isEnded()) throw new Error('a call is already up');
    resetCall();
    mark('call');
    watch(ua.call(target, callOptions(opts)));
    status('calling');
  },
  answer(opts = {}) {
    if (!session) throw new Error('no incoming call');
    session.answer(callOptions(opts));
  },
  hangup() {
    if (session && !session.isEnded()) session.terminate();
  },
  waitFor,
  info() {
    return {
      state: session ? (session.isEnded() ? 'ended' : session.isEstablished() ? 'established' : 'setup') : 'idle',
      cause: endCause,
      events,
      sdp,
    };
  },
  /** The call's media as getStats sees it: inbound/outbound audio and the selected pair. */
  async stats() {
    const pc = session && session.connection;
    if (!pc) return null;
    const report = await pc.getStats();
    const out = {
      iceConnectionState: pc.iceConnectionState,
      connectionState: pc.connectionState,
      audioIn: null,
      audioOut: null,
      pair: null,
    };
    let pairId = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.audioIn = { packetsReceived: s.packetsReceived, bytesReceived: s.bytesReceived };
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.audioOut = { packetsSent: s.packetsSent, bytesSent: s.bytesSent };
      } else if (s.type === 'transport' && s.selectedCandidatePairId) {
        pairId = s.selectedCandidatePairId;
      }
    });
    const pair = pairId && report.get(pairId);
    if (pair) {
      const local = report.get(pair.localCandidateId);
      const remote = report.get(pair.remoteCandidateId);
      out.pair = {
        state: pair.state,
        local: local && { candidateType: local.candidateType, address: local.address, protocol: local.protocol },
        remote: remote && { candidateType: remote.candidateType, address: remote.address, protocol: remote.protocol },
      };
    }
    return out;
  },
};
status('ready');
