// The default MediaHandler (shim/media.js browserMediaHandler) on a fake RTCPeerConnection, without
// a call or a core: what it asks of the browser for each request the call makes (ICE restart,
// hold, an incoming call's offer, DTMF, mute, stats, close) and what it reports back (tracks,
// connection states). tests/node/call.test.js runs it under real calls; tests/e2e/ in Chromium.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { browserMediaHandler } from '../../shim/media.js';
import { fakePeerConnection } from './support/fake-media.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n'
  + 'a=candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host\r\n';
/** an ICE restart's offer as setLocalDescription leaves it: new credentials, no candidate yet */
const RESTART_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const RTC = { iceTransportPolicy: 'relay', bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' };

/** A fake track: records stop() and what `enabled` was set to */
function track(kind) {
  return { kind, enabled: true, stopped: false, stop() { this.stopped = true; } };
}

/** The default handler over a fake browser; `seen` collects what it reports and asks */
function handler(extra = {}) {
  const log = { configs: [], closed: 0, offers: [], pcs: [] };
  const tracks = [track('audio'), track('video')];
  const seen = { states: [], tracks: [], gum: [] };
  const stream = {
    getTracks: () => tracks, getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
  };
  const h = browserMediaHandler({
    privacy: 'relay',
    RTCPeerConnection: /** @type {any} */ (fakePeerConnection({ sdp: SDP, log })),
    getUserMedia: async (c) => { seen.gum.push(c); return /** @type {any} */ (stream); },
    ontrack: (e) => seen.tracks.push(e),
    onstate: (connection, ice) => seen.states.push([connection, ice]),
    ...extra,
  });
  return { h, log, tracks, seen, pc: () => log.pcs[0] };
}

describe('The default MediaHandler (RTCPeerConnection)', () => {
  it('the first description makes the connection: the core\'s rtc over the iceServers, the microphone', async () => {
    let asked = 0;
    const turn = [{ urls: 'turn:turn.example.com', username: 'u', credential: 'turn-secret-1' }];
    const { h, log, tracks, seen, pc } = handler({ iceServers: async () => { asked++; return turn; } });
    assert.equal(h.peerConnection, undefined);
    assert.equal((await h.getStats()).size, 0, 'no stats before there is media');
    assert.equal(await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false }), SDP);
    assert.deepEqual(log.configs, [{ iceServers: turn, ...RTC }]);
    assert.deepEqual(seen.gum, [{ audio: true, video: false }]);
    assert.deepEqual(pc().tracks, tracks);
    assert.equal(h.peerConnection, pc());
    await h.getDescription({ type: 'offer', rtc: { ...RTC, iceTransportPolicy: 'all' }, video: true, hold: false });
    assert.equal(log.configs.length, 1, 'one connection per call');
    assert.equal(asked, 1, 'iceServers asked once per call');
  });

  it('the core\'s rtc wins over the app\'s settings', async () => {
    const { h, log } = handler({ iceServers: [{ urls: 'stun:stun.example.com' }] });
    await h.getDescription({ type: 'offer', rtc: { ...RTC, iceServers: [] }, video: false, hold: false });
    assert.deepEqual(log.configs[0].iceServers, []);
  });

  it('an ICE restart reaches createOffer when asked, and only then', async () => {
    const { h, log } = handler();
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false });
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false, iceRestart: true });
    assert.deepEqual(log.offers.map((o) => o.iceRestart), [undefined, true]);
  });

  it('every connection state change is reported, for the whole call', async () => {
    const { h, seen, pc } = handler();
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false });
    const p = pc();
    for (const [connection, ice, type] of [['connecting', 'checking', 'iceconnectionstatechange'],
      ['connected', 'connected', 'connectionstatechange'], ['disconnected', 'disconnected', 'iceconnectionstatechange'],
      ['connected', 'connected', 'iceconnectionstatechange']]) {
      p.connectionState = connection;
      p.iceConnectionState = ice;
      p.dispatch(type);
    }
    assert.deepEqual(seen.states, [['connecting', 'checking'], ['connected', 'connected'],
      ['disconnected', 'disconnected'], ['connected', 'connected']]);
    const e = { track: track('audio'), streams: [] };
    p.ontrack(e);
    assert.deepEqual(seen.tracks, [e]);
  });

  it('an incoming call\'s offer waits for the answer; later offers apply at once', async () => {
    const { h, pc } = handler();
    const offer = { type: /** @type {const} */ ('offer'), sdp: 'offer 1' };
    await h.setDescription(offer);
    assert.equal(h.peerConnection, undefined);
    await h.getDescription({ type: 'answer', rtc: RTC, video: false, hold: false });
    assert.equal(pc().remoteDescription, offer);
    assert.deepEqual(pc().localDescription, { type: 'answer', sdp: SDP });
    const again = { type: /** @type {const} */ ('offer'), sdp: 'offer 2' };
    await h.setDescription(again);
    assert.equal(pc().remoteDescription, again);
    pc().remoteDescription = null;
    await h.getDescription({ type: 'answer', rtc: RTC, video: false, hold: false });
    assert.equal(pc().remoteDescription, null, 'the first offer applied twice');
  });

  it('hold: sendonly offers, sendrecv again; a rollback restores the direction; stopped ones stay', async () => {
    const { h, pc } = handler();
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false });
    const audio = { direction: 'sendrecv', currentDirection: 'sendrecv' };
    const gone = { direction: 'stopped', currentDirection: 'stopped' };
    pc().transceivers.push(audio, gone);
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: true });
    assert.deepEqual([audio.direction, gone.direction], ['sendonly', 'stopped']);
    const rollbacks = [];
    pc().setLocalDescription = async (d) => { rollbacks.push(d); throw new Error('no offer to roll back'); };
    await h.rollback(false);
    assert.deepEqual(rollbacks, [{ type: 'rollback' }]);
    assert.deepEqual([audio.direction, gone.direction], ['sendrecv', 'stopped']);
  });

  it('DTMF through RTCDTMFSender when it can insert, else false (the call sends SIP INFO)', async () => {
    const { h, pc } = handler();
    assert.equal(h.sendDtmf('1', 100, 70), false, 'no connection yet');
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false });
    const inserted = [];
    const dtmf = { canInsertDTMF: false, insertDTMF: (...a) => inserted.push(a) };
    pc().senders.push({ track: { kind: 'video' }, dtmf: null }, { track: { kind: 'audio' }, dtmf });
    assert.equal(h.sendDtmf('1', 100, 70), false);
    dtmf.canInsertDTMF = true;
    assert.equal(h.sendDtmf('12#', 120, 80), true);
    assert.deepEqual(inserted, [['12#', 120, 80]]);
  });

  it('mute holds for the microphone got later; close stops every track and the connection', async () => {
    const { h, log, tracks } = handler();
    h.mute(true);
    await h.getDescription({ type: 'offer', rtc: RTC, video: true, hold: false });
    assert.deepEqual(tracks.map((t) => t.enabled), [false, true]);
    h.mute(false);
    assert.deepEqual(tracks.map((t) => t.enabled), [true, true]);
    h.close();
    assert.deepEqual(tracks.map((t) => t.stopped), [true, true]);
    assert.equal(log.closed, 1);
  });

  it('ICE gathering is bounded, and its listener removed', async () => {
    const log = { configs: [], closed: 0, pcs: [] };
    const h = browserMediaHandler({
      privacy: 'mdns', iceGatheringTimeoutMs: 200,
      RTCPeerConnection: /** @type {any} */ (fakePeerConnection({ sdp: SDP, gathering: 'gathering', log })),
      getUserMedia: async () => /** @type {any} */ ({ getTracks: () => [], getAudioTracks: () => [] }),
      ontrack: () => {}, onstate: () => {},
    });
    const t0 = Date.now();
    await h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false });
    const ms = Date.now() - t0;
    assert.ok(ms >= 190 && ms < 2000, `${ms} ms`);
    const p = log.pcs[0];
    assert.equal(p.listenerCount('icegatheringstatechange'), 0);
    // a second one that completes: it returns as soon as the browser says so
    const done = h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    p.iceGatheringState = 'complete';
    p.dispatch('icegatheringstatechange');
    const t1 = Date.now();
    await done;
    assert.ok(Date.now() - t1 < 150, 'waited for the timeout');
    assert.equal(p.listenerCount('icegatheringstatechange'), 0);
  });

  it('an ICE restart waits for its new gathering though the state still says complete', async () => {
    const log = { configs: [], closed: 0, pcs: [] };
    const h = browserMediaHandler({
      privacy: 'mdns', iceGatheringTimeoutMs: 2000,
      RTCPeerConnection: /** @type {any} */ (fakePeerConnection({ sdp: RESTART_SDP, log })),
      getUserMedia: async () => /** @type {any} */ ({ getTracks: () => [], getAudioTracks: () => [] }),
      ontrack: () => {}, onstate: () => {},
    });
    let done = false;
    const restart = h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false, iceRestart: true })
      .then((sdp) => { done = true; return sdp; });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const p = log.pcs[0];
    assert.equal(p.iceGatheringState, 'complete');
    p.dispatch('icegatheringstatechange');  // still complete: not the end of the new gathering
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(done, false, 'returned before the new gathering');
    p.iceGatheringState = 'gathering';
    p.dispatch('icegatheringstatechange');
    p.iceGatheringState = 'complete';
    const t0 = Date.now();
    p.dispatch('icegatheringstatechange');
    assert.equal(await restart, RESTART_SDP);
    assert.ok(Date.now() - t0 < 150, 'waited for the timeout');
    assert.equal(p.listenerCount('icegatheringstatechange'), 0);
  });

  it('no RTCPeerConnection (node, an old WebView): media-unavailable, and no microphone asked', async () => {
    let gum = 0;
    const h = browserMediaHandler({
      privacy: 'mdns', getUserMedia: async () => { gum++; return /** @type {any} */ ({}); },
      ontrack: () => {}, onstate: () => {},
    });
    await assert.rejects(h.getDescription({ type: 'offer', rtc: RTC, video: false, hold: false }),
      { code: 'media-unavailable', message: /calls need a browser/ });
    assert.equal(gum, 0);
    h.close();  // nothing to close: no throw
  });
});
