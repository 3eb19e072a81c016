#!/usr/bin/env node
/**
 * @file calls-rig.js  Call-setup measurement for two Chromium pages, whatever SIP stack
 * they run (JsSIP today, sipshield next), and a JsSIP -> JsSIP demo of it.
 *
 * The measurement reads only what any browser SIP stack must do: SIP text frames on the
 * page's WebSocket and the RTCPeerConnection it creates. `callProbe` is installed in every
 * page before its scripts run (context.addInitScript) and records, with
 * `performance.timeOrigin + performance.now()` (one clock for all pages of one machine):
 *   - every SIP frame sent and received (WebSocket.prototype.send, a 'message' listener);
 *   - per RTCPeerConnection: ICE and connection state changes, and for the first remote audio
 *     track the first sign of received audio three ways: the track's `unmute` (Chromium
 *     unmutes a remote track when its first RTP packet arrives), the receiver's
 *     getSynchronizationSources() becoming non-empty (polled every 5 ms; only once the
 *     track plays somewhere, e.g. an <audio> element), and
 *     receiver.getStats() inbound-rtp packetsReceived > 0 (polled every 10 ms).
 *
 * measureCallSetup() then gives, in ms from the caller's first INVITE on the wire:
 *   dialToInvite     the dial mark in the caller page -> first INVITE sent (getUserMedia,
 *                    offer, ICE gathering: the stack's own work before the wire; includes
 *                    one page.evaluate round trip, about 1 ms, between mark and dial)
 *   inviteToOk       -> 200 (INVITE) received by the caller
 *   inviteToConfirmed-> ACK received by the callee (both sides confirmed)
 *   audioAtCaller, audioAtCallee, audioBoth   -> first received audio (earliest signal)
 *   dialToAudioBoth  dial -> audio both ways: the figure a user feels
 *
 *   node tools/bench/calls-rig.js [--calls N] [--relay] [--pairs jssip>jssip,sipshield>jssip,...]
 *   Calls through the project's Kamailio (and coturn with --relay: TURN only, relay
 *   policy), one warm-up round, then N (5) rounds with the pairs interleaved call by call;
 *   prints per-call rows and the medians per pair, writes build/bench/calls-{off,relay}.json.
 *   runCalls() is that run as a function; `make bench` (tools/bench/run.js) uses it.
 *   Stacks: jssip (tests/e2e/pages/jssip.html) and sipshield (tests/e2e/pages/phone.html,
 *   needs dist/). Default pair: jssip>jssip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Browser side (serialized into each page by addInitScript). Idempotent. */
export function callProbe() {
  if (window.__callProbe) return;
  const now = () => performance.timeOrigin + performance.now();
  const dec = new TextDecoder();
  const P = {
    frames: [],
    pcs: [],
    pcObjs: [],
    marks: {},
    mark(name) { P.marks[name] = now(); },
    reset() {
      P.frames = [];
      P.pcs = [];
      P.pcObjs = [];
      P.marks = {};
    },
  };
  Object.defineProperty(window, '__callProbe', { value: P });
  const SIP_START = /^(SIP\/2\.0 \d{3} |[A-Z]+ [^ ]+ SIP\/2\.0\r?\n)/;
  const keep = (dir, d) => {
    let s = null;
    if (typeof d === 'string') s = d;
    else if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) s = dec.decode(d);
    if (s !== null && SIP_START.test(s)) P.frames.push({ dir, t: now(), data: s });
  };
  const WS = window.WebSocket;
  const send = WS.prototype.send;
  WS.prototype.send = function probeSend(d) {
    keep('out', d);
    return send.call(this, d);
  };
  window.WebSocket = class extends WS {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => keep('in', e.data));
    }
  };

  const md = window.MediaDevices && MediaDevices.prototype;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia;
    md.getUserMedia = function probeGetUserMedia(...args) {
      P.marks.gumStart ??= now();
      return gum.apply(this, args).then((s) => { P.marks.gumDone ??= now(); return s; });
    };
  }
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(...args) {
      super(...args);
      watch(this);
    }

    setLocalDescription(...args) {
      const rec = P.pcs[P.pcObjs.indexOf(this)];
      if (rec) rec.setLocal ??= now();
      return super.setLocalDescription(...args);
    }
  };
  function watch(pc) {
    const rec = { created: now(), gathering: {}, ice: {}, conn: {}, audio: null, candidates: [] };
    P.pcs.push(rec);
    P.pcObjs.push(pc);
    pc.addEventListener('icecandidate', (e) => {
      const c = e.candidate;
      if (c && rec.candidates.length < 64) {
        rec.candidates.push({ t: now(), type: c.type, protocol: c.protocol, address: c.address });
      }
    });
    pc.addEventListener('icegatheringstatechange', () => { rec.gathering[pc.iceGatheringState] ??= now(); });
    pc.addEventListener('iceconnectionstatechange', () => { rec.ice[pc.iceConnectionState] ??= now(); });
    pc.addEventListener('connectionstatechange', () => { rec.conn[pc.connectionState] ??= now(); });
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio' || rec.audio) return;
      const a = { track: now(), mutedAtTrack: e.track.muted };
      rec.audio = a;
      const giveUp = a.track + 60000;
      const done = () => now() > giveUp || pc.connectionState === 'closed';
      e.track.addEventListener('unmute', () => { a.unmute ??= now(); });
      const recv = e.receiver;
      const ssrcTimer = setInterval(() => {
        const srcs = recv.getSynchronizationSources();
        if (srcs.length) {
          a.ssrc = now();
          a.ssrcTimestamp = srcs[0].timestamp;
        }
        if (a.ssrc !== undefined || done()) clearInterval(ssrcTimer);
      }, 5);
      let busy = false;
      const statsTimer = setInterval(async () => {
        if (busy) return;
        busy = true;
        try {
          (await recv.getStats()).forEach((s) => {
            if (s.type === 'inbound-rtp' && s.packetsReceived > 0 && a.stats === undefined) {
              a.stats = now();
              a.statsPackets = s.packetsReceived;
              a.lastPacketReceivedTimestamp = s.lastPacketReceivedTimestamp;
            }
          });
        } catch { /* closed */ }
        busy = false;
        if (a.stats !== undefined || done()) clearInterval(statsTimer);
      }, 10);
    });
  }
}

/** Install the probe in every page of a browser context (before the pages' own scripts). */
export async function installCallProbe(context) {
  await context.addInitScript(callProbe);
}

const cseqOf = (f) => (f.data.match(/^CSeq:\s*(\d+)\s+(\w+)/mi) || []).slice(1);
const isInviteOk = (f) => /^SIP\/2\.0 200 /.test(f.data) && cseqOf(f)[1] === 'INVITE';

/** Earliest sign of received audio on a pc record (see the file header). */
function firstAudio(rec) {
  const a = rec && rec.audio;
  if (!a) return undefined;
  const ts = [a.unmute, a.ssrc, a.stats].filter((t) => t !== undefined);
  return ts.length ? Math.min(...ts) : undefined;
}

function probeState(page) {
  return page.evaluate(() => {
    const P = window.__callProbe;
    return { frames: P.frames, pcs: P.pcs, marks: P.marks };
  });
}

/**
 * The SDP bodies as each side received them off its WebSocket: the callee's INVITE offer
 * and the caller's 200 answer (the last ones since the probe was reset).
 */
export async function wireSdp(caller, callee) {
  const body = (f) => (f ? f.data.slice(f.data.indexOf('\r\n\r\n') + 4) : null);
  const [a, b] = await Promise.all([probeState(caller), probeState(callee)]);
  const invite = b.frames.filter((f) => f.dir === 'in' && /^INVITE /.test(f.data)).pop();
  const ok = a.frames.filter((f) => f.dir === 'in' && isInviteOk(f)).pop();
  return { inviteReceived: body(invite), okReceived: body(ok) };
}

/**
 * Measure the setup of one call between two pages carrying callProbe. The callee must
 * answer by itself (auto-answer); `dial(caller)` starts the call and may return at once.
 * Every wait is bounded by `timeoutMs`.
 * @param {import('playwright-core').Page} caller
 * @param {import('playwright-core').Page} callee
 * @param {(page: import('playwright-core').Page) => Promise<unknown>} dial
 * @returns {Promise<Record<string, number>>} ms figures (see the file header) plus detail
 */
export async function measureCallSetup(caller, callee, dial, { timeoutMs = 30000 } = {}) {
  await Promise.all([caller, callee].map((p) => p.evaluate(() => window.__callProbe.reset())));
  await caller.evaluate(() => window.__callProbe.mark('dial'));
  await dial(caller);
  // both sides have heard audio and the callee has the ACK
  const heard = (side) => side.waitForFunction(({ needAck }) => {
    const P = window.__callProbe;
    const rec = P.pcs[P.pcs.length - 1];
    const a = rec && rec.audio;
    if (!a || (a.unmute === undefined && a.ssrc === undefined && a.stats === undefined)) return false;
    return !needAck || P.frames.some((f) => f.dir === 'in' && /^ACK /.test(f.data));
  }, { needAck: side === callee }, { timeout: timeoutMs, polling: 20 }).catch((e) => {
    throw new Error(`call setup: the ${side === callee ? 'callee heard no audio or got no ACK' : 'caller heard no audio'}`
      + ` within ${timeoutMs} ms (${e.message.split('\n')[0]})`);
  });
  await Promise.all([heard(caller), heard(callee)]);
  // let the slower signals (stats poll, SSRC poll) land too, for the detail columns; the
  // SSRC list stays empty while the track plays nowhere (tests/e2e/CALL-RIG.md), hence the bound
  await Promise.all([caller, callee].map((p) => p.waitForFunction(() => {
    const a = window.__callProbe.pcs.at(-1).audio;
    return a.unmute !== undefined && a.ssrc !== undefined && a.stats !== undefined;
  }, null, { timeout: 500, polling: 20 }).catch(() => {})));

  const [a, b] = await Promise.all([probeState(caller), probeState(callee)]);
  const first = (frames, dir, test) => frames.find((f) => f.dir === dir && test(f));
  const inviteOut = first(a.frames, 'out', (f) => /^INVITE /.test(f.data));
  const okIn = first(a.frames, 'in', isInviteOk);
  const ackIn = first(b.frames, 'in', (f) => /^ACK /.test(f.data));
  const inviteIn = first(b.frames, 'in', (f) => /^INVITE /.test(f.data));
  const okOut = first(b.frames, 'out', isInviteOk);
  const challenged = a.frames.some((f) => f.dir === 'in' && /^SIP\/2\.0 40[17] /.test(f.data));
  if (!inviteOut || !okIn || !ackIn) throw new Error('call setup: INVITE, 200 or ACK missing from the wire');
  const pa = a.pcs.at(-1);
  const pb = b.pcs.at(-1);
  const t0 = inviteOut.t;
  const rel = (t) => (t === undefined ? undefined : +(t - t0).toFixed(1));
  const audioAtCaller = firstAudio(pa);
  const audioAtCallee = firstAudio(pb);
  return {
    dialToInvite: +(t0 - a.marks.dial).toFixed(1),
    inviteToOk: rel(okIn.t),
    inviteToConfirmed: rel(ackIn.t),
    audioAtCaller: rel(audioAtCaller),
    audioAtCallee: rel(audioAtCallee),
    audioBoth: rel(Math.max(audioAtCaller, audioAtCallee)),
    dialToAudioBoth: +(Math.max(audioAtCaller, audioAtCallee) - a.marks.dial).toFixed(1),
    detail: {
      challenged,
      callerGetUserMedia: rel(a.marks.gumStart) === undefined ? undefined
        : [rel(a.marks.gumStart), rel(a.marks.gumDone)],
      calleeGetUserMedia: rel(b.marks.gumStart) === undefined ? undefined
        : [rel(b.marks.gumStart), rel(b.marks.gumDone)],
      inviteAtCallee: rel(inviteIn && inviteIn.t),
      okSentByCallee: rel(okOut && okOut.t),
      caller: pcDetail(pa, rel),
      callee: pcDetail(pb, rel),
    },
  };
}

function pcDetail(rec, rel) {
  const a = rec.audio || {};
  return {
    pcCreated: rel(rec.created),
    setLocal: rel(rec.setLocal),
    gathered: rel(rec.gathering.complete),
    iceConnected: rel(rec.ice.connected),
    dtlsConnected: rel(rec.conn.connected),
    track: rel(a.track),
    mutedAtTrack: a.mutedAtTrack,
    unmute: rel(a.unmute),
    ssrc: rel(a.ssrc),
    stats: rel(a.stats),
    candidates: rec.candidates.map((c) => `${c.protocol} ${c.type} ${c.address} ${rel(c.t)}`),
  };
}

export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export const FIGURES = ['dialToInvite', 'inviteToOk', 'inviteToConfirmed', 'audioAtCaller',
  'audioAtCallee', 'audioBoth', 'dialToAudioBoth'];

/** Median of each figure over several measureCallSetup() results. */
export function summarize(runs) {
  return Object.fromEntries(FIGURES.map((k) => [k, median(runs.map((r) => r[k]))]));
}

/* ------------- the script: call setup per pair of stacks (node tools/bench/calls-rig.js) ------------- */

/**
 * How the script drives each stack's test page. `media` is the privacy mode:
 * 'off' (host candidates, no ICE server) or 'relay' (TURN only, iceTransportPolicy relay).
 * @type {Record<string, {path: () => Promise<string>, open: Function, dial: Function, autoAnswer: Function, hangup: Function, ended: Function}>}
 */
const STACKS = {
  jssip: {
    path: async () => (await import('../../tests/e2e/support.js')).bundleJssipPage(),
    open: (page, cfg) => page.evaluate((c) => window.jssipPeer.register(c),
      { server: cfg.server, uri: cfg.uri, password: cfg.password }),
    media: (cfg) => (cfg.privacy === 'relay'
      ? { iceServers: cfg.iceServers, iceTransportPolicy: 'relay' } : { iceServers: [] }),
    dial(page, target, cfg) {
      return page.evaluate(({ t, m }) => window.jssipPeer.call(t, m), { t: target, m: this.media(cfg) });
    },
    autoAnswer(page, cfg) { return page.evaluate((m) => window.jssipPeer.autoAnswer(m), this.media(cfg)); },
    hangup: (page) => page.evaluate(() => window.jssipPeer.hangup()),
    ended: (page) => page.evaluate(() => window.jssipPeer.waitFor('ended', 10000)),
  },
  // tests/e2e/pages/phone.html (window.sipPeer); needs dist/ built
  sipshield: {
    path: async () => '/tests/e2e/pages/phone.html',
    open: async (page, cfg) => {
      await page.waitForFunction(() => window.sipPeer, null, { timeout: 10000 });
      await page.evaluate((c) => window.sipPeer.open(c), {
        server: cfg.server, uri: cfg.uri, password: cfg.password, privacy: cfg.privacy,
        iceServers: cfg.privacy === 'relay' ? cfg.iceServers : [], iceGatheringTimeoutMs: 3000,
      });
    },
    dial: (page, target) => page.evaluate((t) => { window.sipPeer.reset(); window.sipPeer.call(t); }, target),
    autoAnswer: (page) => page.evaluate(() => { window.sipPeer.reset(); window.sipPeer.autoAnswer(true); }),
    hangup: (page) => page.evaluate(() => window.sipPeer.hangup()),
    ended: (page) => page.evaluate(() => window.sipPeer.waitFor('ended', 10000)),
  },
};

/** calls made and discarded first: the first call of a fresh browser is 1.5-2x slower */
export const WARMUP = 1;

/** after this many failed calls in a row, a pair is dropped from the remaining rounds */
const MAX_FAILS = 2;

/** a bound for the page steps that have none of their own (load, register, auto-answer, hang up) */
const STEP_MS = 15000;

/**
 * @param {string[]} stacks the stacks a run would use
 * @returns {Promise<string|null>} why the rig cannot run them here, or null
 */
export async function rigMissing(stacks) {
  const { CHROMIUM } = await import('../../tests/e2e/support.js');
  const { ROOT } = await import('../../tests/node/support/servers.js');
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (set CHROMIUM)`;
  if (stacks.includes('sipshield') && !fs.existsSync(path.join(ROOT, 'dist/sipshield-core.wasm'))) {
    return 'dist/ not built: run make dist';
  }
  return null;
}

function bounded(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result in ${ms} ms`)), ms);
  })]).finally(() => clearTimeout(timer));
}

/**
 * Measure call setup for pairs of stacks: start Kamailio (and coturn in relay mode), the page
 * server and Chromium on 127.0.0.1, register one caller and one callee page per stack, make
 * `warmup` rounds then `calls` rounds with the pairs interleaved call by call (the first pair
 * of a round rotates), and stop everything again, whatever happened.
 * A failed call is recorded as `{ error }` in its round; a pair that fails MAX_FAILS calls in a
 * row is dropped from the remaining rounds.
 * @param {object} o
 * @param {string[][]} o.pairs [caller stack, callee stack] pairs, e.g. [['jssip', 'jssip']]
 * @param {'off' | 'relay'} [o.privacy] 'off': host candidates; 'relay': TURN only
 * @param {number} [o.calls] measured rounds
 * @param {number} [o.warmup] rounds made and discarded first
 * @param {number} [o.timeoutMs] bound on one call's setup
 * @param {(line: string) => void} [o.log] one line per call
 * @param {AbortSignal} [o.signal] abort: closes the browser, so a pending wait rejects at once
 * @returns {Promise<{privacy: string, calls: number, warmup: number, pairs: string[],
 *   order: string[][], medians: Record<string, Record<string, number>>,
 *   runs: Record<string, object[]>, dropped: Record<string, string>}>}
 */
export async function runCalls({
  pairs, privacy = 'off', calls = 5, warmup = WARMUP, timeoutMs = 30000, log = () => {}, signal,
}) {
  for (const pair of pairs) {
    if (pair.length !== 2 || !pair.every((x) => STACKS[x])) throw new Error(`bad pair ${pair.join('>')} (stacks: ${Object.keys(STACKS)})`);
  }
  const used = [...new Set(pairs.flat())];
  const missing = await rigMissing(used);
  if (missing) throw new Error(missing);
  const { startKamailio, startCoturn, turnCredentials, USERS, REALM } = await import('../../tests/node/support/servers.js');
  const { launchBrowser, startPageServer } = await import('../../tests/e2e/support.js');
  let kam;
  let turn;
  let web;
  let browser;
  const stopped = () => {
    if (signal?.aborted) throw new Error(`stopped (${signal.reason?.message || signal.reason || 'aborted'})`);
  };
  const onAbort = () => { browser?.close().catch(() => {}); };
  signal?.addEventListener('abort', onAbort);
  try {
    stopped();
    const paths = Object.fromEntries(await Promise.all(used.map(async (s) => [s, await STACKS[s].path()])));
    // JsSIP answers only MD5 challenges; with JsSIP in the rig, every stack gets MD5
    const started = await Promise.allSettled([
      startKamailio({ alg: used.includes('jssip') ? 'MD5' : 'SHA-256' }),
      privacy === 'relay' ? startCoturn() : null,
      startPageServer(),
      launchBrowser(),
    ]);
    [kam, turn, web, browser] = started.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    stopped();

    // one caller and one callee per stack, each registered as its own user
    const accounts = [...USERS.keys()];
    if (accounts.length < 2 * used.length) throw new Error('not enough accounts in tools/servers/users');
    const peers = {};
    for (const stack of used) {
      peers[stack] = {};
      for (const role of ['caller', 'callee']) {
        const user = accounts.shift();
        const cfg = {
          server: kam.url, uri: `sip:${user}@${REALM}`, password: USERS.get(user), privacy,
          iceServers: turn ? [{ urls: turn.url, ...turnCredentials(turn.secret, user) }] : [],
        };
        const ctx = await browser.newContext({ permissions: ['microphone'] });
        await installCallProbe(ctx);
        const page = await ctx.newPage();
        await page.goto(web.url + paths[stack], { timeout: STEP_MS });
        await bounded(STACKS[stack].open(page, cfg), STEP_MS, `${stack} ${role} register`);
        peers[stack][role] = { page, cfg, user, stack };
      }
    }

    const names = pairs.map((p) => p.join('>'));
    const runs = Object.fromEntries(names.map((k) => [k, []]));
    const fails = Object.fromEntries(names.map((k) => [k, 0]));
    const dropped = {};
    const order = [];
    for (let i = -warmup; i < calls; i++) {
      // pairs interleaved call by call, so that machine noise hits every pair alike
      const round = pairs.map((_, k) => pairs[(k + i + warmup) % pairs.length]);
      if (i >= 0) order.push(round.map((p) => p.join('>')));
      for (const [from, to] of round) {
        const name = `${from}>${to}`;
        if (dropped[name]) {
          if (i >= 0) runs[name].push({ error: 'dropped' });
          continue;
        }
        stopped();
        const a = peers[from].caller;
        const b = peers[to].callee;
        let r;
        try {
          await bounded(STACKS[to].autoAnswer(b.page, b.cfg), STEP_MS, `${to} autoAnswer`);
          r = await measureCallSetup(a.page, b.page,
            (page) => STACKS[from].dial(page, `sip:${b.user}@${REALM}`, a.cfg), { timeoutMs });
          fails[name] = 0;
        } catch (e) {
          stopped();
          r = { error: e.message.split('\n')[0] };
          if (++fails[name] >= MAX_FAILS) dropped[name] = `${fails[name]} calls in a row failed, last: ${r.error}`;
        }
        if (i >= 0) runs[name].push(r);
        log(`${i >= 0 ? `call ${i + 1}` : 'warm-up'} ${name}: ${r.error ? `error: ${r.error}`
          : FIGURES.map((k) => `${k}=${r[k]}`).join(' ')}`);
        const ends = await Promise.allSettled([
          bounded(STACKS[from].hangup(a.page), STEP_MS, `${from} hangup`),
          r.error ? bounded(STACKS[to].hangup(b.page), STEP_MS, `${to} hangup`) : null,
        ]);
        if (!r.error && ends[0].status === 'fulfilled') {
          await Promise.allSettled([STACKS[from].ended(a.page), STACKS[to].ended(b.page)]);
        }
        await new Promise((res) => setTimeout(res, 300));
      }
    }
    const medians = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, summarize(v)]));
    return { privacy, calls, warmup, pairs: names, order, medians, runs, dropped };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await browser?.close().catch(() => {});
    await web?.stop();
    await turn?.stop();
    await kam?.stop();
  }
}

function option(args, name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
}

async function main() {
  const args = process.argv.slice(2);
  const n = Number(option(args, '--calls', process.env.CALLS_N || 5));
  const privacy = args.includes('--relay') ? 'relay' : 'off';
  const pairs = option(args, '--pairs', 'jssip>jssip').split(',').map((p) => p.split('>'));
  const watchdog = setTimeout(() => { console.error('calls-rig: watchdog (600 s)'); process.exit(2); }, 600000);
  try {
    const res = await runCalls({ pairs, privacy, calls: n, log: (l) => console.log(l) });
    for (const [pair, med] of Object.entries(res.medians)) {
      console.log(`median of ${n} ${pair} (${privacy}, ms): ${FIGURES.map((k) => `${k}=${med[k].toFixed(1)}`).join(' ')}`);
    }
    for (const [pair, why] of Object.entries(res.dropped)) console.log(`${pair} dropped: ${why}`);
    const { ROOT } = await import('../../tests/node/support/servers.js');
    const out = path.join(ROOT, `build/bench/calls-${privacy}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(res, null, 1));
    console.log(`wrote ${path.relative(ROOT, out)}`);
  } finally {
    clearTimeout(watchdog);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { console.error(e); process.exitCode = 1; });
}
