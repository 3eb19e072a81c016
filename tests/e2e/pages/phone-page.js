// @file phone-page.js  A sipshield phone for the browser tests, driven through
// `window.sipPeer` (playwright page.evaluate). One phone, several calls; the
// newest call is "the call" for the verbs below.
//
//   await sipPeer.open({ server, uri, password, privacy, iceServers })
//   sipPeer.autoAnswer(true | false)         answer incoming calls at once
//   await sipPeer.call(target)               resolves when the INVITE went out
//   await sipPeer.waitFor(name, ms, since)   'incoming', 'accepted', 'ended', ...: the first
//                                            since event number `since` (default 0: any)
//   sipPeer.seen()                           how many events so far (a `since` for waitFor)
//   sipPeer.answer(); sipPeer.reject(486); sipPeer.hangup()
//   await sipPeer.hold(); await sipPeer.unhold(); sipPeer.dtmf('1#', viaInfo)
//   await sipPeer.stats()                    inbound audio packets, selected pair
//   sipPeer.info()                           events, SDPs as applied, security report
//
// The phone's own events are marked 'phone:<name>' ('phone:reconnecting', 'phone:reconnected',
// 'phone:registered'), the call's by their name ('reconnecting', 'reconnected', 'hold', ...).
import { Phone } from '/shim/index.js';

const now = () => performance.timeOrigin + performance.now();
const status = (t) => { document.getElementById('status').textContent = t; };

let phone = null;
let call = null;
let auto = false;
let autoOpts = {};
let events = [];
const waiters = new Set();

function mark(name, detail) {
  events.push({ name, t: now(), ...(detail === undefined ? {} : { detail }) });
  for (const w of [...waiters]) {
    if (w.name === name && w.since <= events.length - 1) {
      waiters.delete(w);
      w.resolve(detail ?? null);
    }
  }
}

function follow(c) {
  call = c;
  for (const n of ['ringing', 'progress', 'accepted', 'hold', 'security', 'info', 'error', 'warning',
    'reconnecting', 'reconnected']) {
    c.on(n, (d) => mark(n, d instanceof Error ? { code: d.code, message: d.message } : d));
  }
  c.on('track', (e) => {
    if (e.track.kind !== 'audio') return;
    const el = document.getElementById('remote');
    el.srcObject = e.streams[0] || new MediaStream([e.track]);
    el.play().catch(() => {});
  });
  c.on('ended', (d) => mark('ended', d));
}

window.sipPeer = {
  async open(cfg) {
    // iceServersAsync: hand them out through the async callback (TURN REST style)
    // logLevel: the core's (loadCore), printed to the console
    const { iceServersAsync, logLevel, ...config } = cfg;
    if (iceServersAsync) {
      const servers = config.iceServers;
      config.iceServers = async () => { mark('ice-servers-asked'); return servers; };
    }
    phone = new Phone(config, logLevel ? { logLevel } : undefined);
    phone.on('incoming', (c) => {
      follow(c);
      mark('incoming', { from: c.remote, displayName: c.displayName });
      if (auto) c.answer(autoOpts).catch((e) => mark('answer-failed', { code: e.code }));
    });
    phone.on('call-refused', (d) => mark('call-refused', d));
    phone.on('message', (d) => mark('message', d));
    phone.on('registration-failed', (e) => mark('registration-failed', { code: e.code }));
    for (const n of ['reconnecting', 'reconnected', 'registered', 'transport']) {
      phone.on(n, (d) => mark(`phone:${n}`, d));
    }
    await phone.register();
    status('registered');
    return true;
  },
  autoAnswer(on, opts = {}) { auto = !!on; autoOpts = opts; },
  reset() { events = []; },
  async call(target, opts = {}) {
    mark('call-start');
    try {
      const c = await phone.call(target, opts);
      follow(c);
      mark('invite-sent');
      return { ok: true };
    }
    catch (e) {
      return { ok: false, code: e.code, message: e.message };
    }
  },
  seen() { return events.length; },
  waitFor(name, ms = 10000, since = 0) {
    const seen = events.slice(since).find((e) => e.name === name);
    if (seen) return Promise.resolve(seen.detail ?? null);
    return new Promise((resolve, reject) => {
      const w = { name, since, resolve };
      waiters.add(w);
      setTimeout(() => {
        if (waiters.delete(w)) reject(new Error(`no ${name} in ${ms} ms: ${events.map((e) => e.name).join(',')}`));
      }, ms);
    });
  },
  async answer() { await call.answer(); return true; },
  reject(status = 486) { call.reject(status); return true; },
  async hangup() { await call.hangup(); return true; },
  async hold() {
    try { await call.hold(); return { ok: true, held: call.held }; }
    catch (e) { return { ok: false, code: e.code, held: call.held }; }
  },
  async unhold() {
    try { await call.unhold(); return { ok: true, held: call.held }; }
    catch (e) { return { ok: false, code: e.code, held: call.held }; }
  },
  mute(on) { call.mute(on); return call.muted; },
  dtmf(tones, viaInfo = false) {
    const pc = call.peerConnection;
    const sender = pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    if (viaInfo || !sender.dtmf) {
      const saved = sender.dtmf;
      Object.defineProperty(sender, 'dtmf', { value: null, configurable: true });
      try { call.sendDtmf(tones); } finally { Object.defineProperty(sender, 'dtmf', { value: saved, configurable: true }); }
      return 'info';
    }
    sender.dtmf.ontonechange = (e) => mark('tone', { tone: e.tone });
    call.sendDtmf(tones);
    return 'rfc4733';
  },
  async stats() {
    const pc = call && call.peerConnection;
    if (!pc) return null;
    const r = { audioPacketsReceived: 0, audioPacketsSent: 0, videoPacketsReceived: 0,
      audioLevelIn: null, local: null, remote: null, connectionState: pc.connectionState };
    const s = await pc.getStats();
    s.forEach((x) => {
      if (x.type === 'inbound-rtp' && x.kind === 'audio') {
        r.audioPacketsReceived += x.packetsReceived || 0;
        r.audioLevelIn = x.audioLevel ?? null;
      }
      if (x.type === 'outbound-rtp' && x.kind === 'audio') r.audioPacketsSent += x.packetsSent || 0;
      if (x.type === 'inbound-rtp' && x.kind === 'video') r.videoPacketsReceived += x.packetsReceived || 0;
      if (x.type === 'transport' && x.selectedCandidatePairId) {
        const pair = s.get(x.selectedCandidatePairId);
        r.local = pair && s.get(pair.localCandidateId)?.candidateType;
        r.remote = pair && s.get(pair.remoteCandidateId)?.candidateType;
      }
    });
    return r;
  },
  info() {
    const pc = call && call.peerConnection;
    return {
      events,
      calls: phone ? phone.calls.length : 0,
      state: call && call.state,
      held: call && call.held,
      id: call && call.id,
      warnings: call ? call.warnings : [],
      remoteSdp: pc && pc.remoteDescription ? pc.remoteDescription.sdp : null,
      localSdp: pc && pc.localDescription ? pc.localDescription.sdp : null,
    };
  },
  async message(target, text) {
    try { return { ok: true, ...(await phone.message(target, text)) }; }
    catch (e) { return { ok: false, code: e.code, status: e.status }; }
  },
  async close() { await phone.close(); return true; },
};
status('ready');
