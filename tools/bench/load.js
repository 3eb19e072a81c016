/**
 * @file load.js  Load benchmark: N sipshield phones against N JsSIP UAs, in this one Node
 * process, against one local Kamailio over WSS (tests/node/support/servers.js startKamailio).
 *
 *   node tools/bench/load.js            N=200 by default (one sipshield core holds 256 phones)
 *
 * For each library in turn (sipshield first, then JsSIP; each on a fresh Kamailio, the same
 * options: digest MD5, auth_ephemeral accounts u1..uN), it measures:
 *   1. register-all: N phones / UAs created, then all registered at once; the time from the
 *      register() calls (JsSIP: ua.start()) until every one is registered;
 *   2. memory per phone: process.memoryUsage() rss and arrayBuffers before the phones are
 *      created and once all are registered (after a forced GC both times), divided by N;
 *      CPU per phone: process.cpuUsage() (user + system) over create + register, divided by N.
 *      sipshield's core (one wasm instance for all phones) is loaded before the "before" sample;
 *      its one-time cost is reported on its own row and included in "incl. core" figures;
 *   3. a Kamailio restart (stop, start again on the same port with the same options): the time
 *      from the stop until every phone is registered again, and the peak number of WebSocket
 *      connection attempts in any one second (a sliding 1 s window) after the stop, counted by
 *      a subclass of the ws WebSocket that records Date.now() per construction.
 *      sipshield phones each get their own subclass (config.WebSocket), so the JSON also says how
 *      many attempts each phone made and the peak of first reopens alone.
 * It prints one table, sipshield beside JsSIP, and writes the same (with per-second histograms
 * and failure details) to build/bench/load.json.
 *
 * By default both libraries run one after the other in this one process, as asked. rss hardly
 * shrinks when the first library's phones are gone, so the second library's rss per phone is
 * measured partly on memory the process already holds and reads low (measured: JsSIP 105-135 KiB
 * second, 178-194 KiB in a fresh process; sipshield 22 KiB second, ~150 KiB first).
 * LOAD_ISOLATE=1 runs each library in a fresh `node` process (this file, LOAD_LIBS=<lib>),
 * one after the other, and merges the results: use it for memory.
 *
 * Digest MD5 for both: JsSIP 3.13 answers only MD5 challenges (lib/DigestAuthentication.js), and
 * both libraries must see the same Kamailio options.
 * JsSIP's reconnection settings are left at their defaults: connection_recovery_min_interval 2 s,
 * connection_recovery_max_interval 30 s (lib/Constants.js); its Transport waits
 * floor(random * 2^attempt + 1) s clamped to [min, max], so the first reopen after a drop is
 * 2 s for every UA.
 *
 * Every wait is bounded (LOAD_WAIT_MS, 60 s). Kamailio is watched (its PID alive, its log free of
 * crash lines): if it dies, that run is recorded as failed and the script goes on. A watchdog
 * stops every Kamailio this script started and exits after LOAD_WATCHDOG_MS (10 min).
 *
 * Environment (optional): N (200, at most 256), LOAD_ISOLATE (1: a process per library),
 * LOAD_LIBS ("sipshield,jssip": which, in that order), LOAD_WAIT_MS
 * (60000), LOAD_WATCHDOG_MS (600000), LOAD_ALG (MD5), LOAD_OUT (build/bench/load.json).
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { Phone } from '../../shim/index.js';
import { loadCore } from '../../shim/core.js';
import { WASM_NAMES } from '../../shim/wasm.js';
import { startKamailio, freePort, REALM } from '../../tests/node/support/servers.js';
import { mintCredentials } from '../credentials.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));

const N = Number(process.env.N ?? 200);
const LIBS = (process.env.LOAD_LIBS ?? 'sipshield,jssip').split(',').map((s) => s.trim()).filter(Boolean);
const WAIT_MS = Number(process.env.LOAD_WAIT_MS ?? 60000);
const WATCHDOG_MS = Number(process.env.LOAD_WATCHDOG_MS ?? 600000);
const ALG = process.env.LOAD_ALG ?? 'MD5';
const OUT = path.resolve(ROOT, process.env.LOAD_OUT ?? 'build/bench/load.json');
const ISOLATE = process.env.LOAD_ISOLATE === '1';
const CLOSE_MS = 15000;      // closing all phones / stopping all UAs, bounded
const SETTLE_MS = 1000;      // quiet time between phases
const CRED_TTL = 3600;       // seconds: outlives the run
const REGISTER_EXPIRES = 600;

if (!Number.isInteger(N) || N < 1 || N > 256) {
  console.error(`N must be 1..256 (one sipshield core holds 256 phones), got ${process.env.N}`);
  process.exit(2);
}

// a forced GC before each memory sample (no --expose-gc needed on the command line)
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Date.now();
const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

// ---------- Kamailio: start, watch, stop (every instance tracked for the watchdog) ----------

/** Kamailio's crash signatures (as in tests/node/kamailio-burst.test.js) */
const CRASH = /signal 11|double free|core dump|(?<!\w)free\(\): |freeing already freed|overwritten|exited by a signal/i;
/** @type {Set<Awaited<ReturnType<typeof startKamailio>>>} */
const running = new Set();

async function kamStart(opts) {
  const kam = await startKamailio(opts);
  running.add(kam);
  console.error(`load.js: kamailio ${kam.url} pid ${kam.pid()}`);
  return kam;
}

async function kamStop(kam) {
  if (!kam || !running.has(kam)) return;
  running.delete(kam);
  await kam.stop().catch((e) => console.error(`kamailio stop: ${e.message}`));
}

function crashLines(kam) {
  return readLog(kam).split('\n').filter((l) => CRASH.test(l));
}

function pidAlive(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('kamailio');
  } catch {
    return false;
  }
}

function readLog(kam) {
  try { return kam.log(); } catch { return ''; }
}

/**
 * Watch one Kamailio: `down` resolves (with what was seen) when its main process is gone or its
 * log shows a crash. stop() ends the watch (before a deliberate stop).
 */
function watch(kam, phase) {
  const pid = kam.pid();
  let timer;
  let resolveDown;
  const w = {
    pid,
    dead: null,
    down: new Promise((r) => { resolveDown = r; }),
    stop: () => clearInterval(timer),
  };
  const check = () => {
    const log = readLog(kam);
    const crashLines = log.split('\n').filter((l) => CRASH.test(l));
    const alive = pid != null && pidAlive(pid);
    if (alive && !crashLines.length) return;
    clearInterval(timer);
    w.dead = { at: now(), phase: phase(), pid, pidAlive: alive, crashLines: crashLines.slice(0, 20),
      logTail: log.split('\n').slice(-40) };
    resolveDown(w.dead);
  };
  timer = setInterval(check, 250);
  return w;
}

// ---------- counting WebSocket ----------

/** A ws subclass accepting the self-signed certificate that records each construction's time */
function countingWebSocket() {
  class CountingWS extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { rejectUnauthorized: false });
      CountingWS.times.push(Date.now());
    }
  }
  /** @type {number[]} Date.now() of every construction */
  CountingWS.times = [];
  /** @type {number[]} the agent index of every construction (-1: unknown, the JsSIP global) */
  CountingWS.agents = [];
  /** a subclass for agent `i` (sipshield: config.WebSocket per phone), so attempts are per phone */
  CountingWS.forAgent = (i) => class extends CountingWS {
    constructor(url, protocols) {
      super(url, protocols);
      CountingWS.agents[CountingWS.times.length - 1] = i;
    }
  };
  return CountingWS;
}

/** peak number of times in any 1 s (sliding) window; times sorted */
function peak1s(ts) {
  let peak = 0;
  for (let i = 0, j = 0; j < ts.length; j++) {
    while (ts[j] - ts[i] >= 1000) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

/**
 * attempts at or after t0: per-second histogram and peak in any 1 s (sliding) window; with
 * per-agent attribution, also how many attempts each agent made and the peak of first attempts
 */
function attemptsAfter(WS, t0) {
  const times = WS.times;
  const ts = times.filter((t) => t >= t0).sort((a, b) => a - b);
  let perAgent = null;
  let firstPeak = null;
  if (WS.agents.some((a) => a != null)) {
    const count = new Map();
    const first = new Map();
    times.forEach((t, k) => {
      const a = WS.agents[k];
      if (t < t0 || a == null) return;
      count.set(a, (count.get(a) ?? 0) + 1);
      if (!first.has(a)) first.set(a, t);
    });
    perAgent = {};
    for (const c of count.values()) perAgent[c] = (perAgent[c] ?? 0) + 1;
    firstPeak = peak1s([...first.values()].sort((a, b) => a - b));
  }
  const perSecond = [];
  for (const t of ts) {
    const s = Math.floor((t - t0) / 1000);
    while (perSecond.length <= s) perSecond.push(0);
    perSecond[s]++;
  }
  let peak = 0;
  let peakAt = null;
  for (let i = 0, j = 0; j < ts.length; j++) {
    while (ts[j] - ts[i] >= 1000) i++;
    if (j - i + 1 > peak) {
      peak = j - i + 1;
      peakAt = ts[i] - t0;
    }
  }
  return { total: ts.length, peakPerSecond: peak, peakWindowStartMs: peakAt,
    peakFixedSecond: perSecond.length ? Math.max(...perSecond) : 0, perSecond,
    // { attempts: phones } and the peak of first reopens alone in any 1 s
    phonesByAttempts: perAgent, peakFirstAttemptsPerSecond: firstPeak };
}

// ---------- measuring ----------

function mem() {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

const memDelta = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));
const perN = (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, round(v / N / 1024, 1)]));
const cpuMs = (d) => (d.user + d.system) / 1000;

/**
 * Resolve when `count()` reaches `target`, or after `ms`, or when the server goes down.
 * @returns {Promise<'done' | 'timeout' | 'server-down'>}
 */
function until(count, target, ms, down, tick) {
  return new Promise((resolve) => {
    const t0 = now();
    const iv = setInterval(() => {
      if (count() >= target) finish('done');
      else if (now() - t0 >= ms) finish('timeout');
    }, 20);
    let doneFlag = false;
    function finish(how) {
      if (doneFlag) return;
      doneFlag = true;
      clearInterval(iv);
      resolve(how);
    }
    down.then(() => finish('server-down'));
    tick?.(() => { if (count() >= target) finish('done'); });
  });
}

const kamOpts = (port, secret) => ({ alg: ALG, autheph: secret, port });

/**
 * One library's run.
 * @param {'sipshield' | 'jssip'} lib
 */
async function runLib(lib, adapter) {
  const result = {
    lib, version: adapter.version, n: N, ok: false, failures: [],
    kamailio: { alg: ALG, autheph: true, port: null, restarts: 0 },
  };
  const secret = crypto.randomBytes(16).toString('hex');
  const port = await freePort();
  result.kamailio.port = port;
  let phase = 'start';
  let kam;
  let w;
  const WS = countingWebSocket();
  const agents = [];
  try {
    kam = await kamStart(kamOpts(port, secret));
    w = watch(kam, () => phase);

    // --- 1 + 2: create, register all, memory and CPU ---
    phase = 'prepare';
    const pre = await adapter.prepare(WS);   // sipshield: core loaded; JsSIP: global WebSocket
    const m0 = mem();
    if (pre?.before) result.fixed = { memoryKiB: mapKiB(memDelta(pre.before, m0)), note: pre.note };
    const wasm0 = adapter.wasmBytes?.() ?? null;
    const cpu0 = process.cpuUsage();
    phase = 'create';
    const tc0 = performance.now();
    const regAt = new Array(N).fill(null);
    const regFailures = [];
    let tick = null;
    const onTick = () => tick?.();
    const creds = Array.from({ length: N }, (_, i) => mintCredentials(secret, `u${i + 1}`, CRED_TTL));
    const made = await Promise.allSettled(creds.map((cred, i) => adapter.create({
      url: kam.url, user: `u${i + 1}`, cred, WS, index: i,
      onRegistered: (t) => { if (regAt[i] == null) regAt[i] = t; onTick(); },
      onFailed: (why) => regFailures.push({ user: `u${i + 1}`, why, at: now() }),
    })));
    made.forEach((m, i) => {
      if (m.status === 'fulfilled') agents[i] = m.value;
      else result.failures.push({ phase: 'create', user: `u${i + 1}`, error: String(m.reason?.message ?? m.reason) });
    });
    const createMs = performance.now() - tc0;
    const live = agents.filter(Boolean);
    phase = 'register';
    const tr0 = performance.now();
    const tr0Wall = now();
    for (const a of live) a.register();   // all at once
    const howReg = await until(() => regAt.filter((t) => t != null).length, N, WAIT_MS, w.down,
      (f) => { tick = f; });
    tick = null;
    const registerMs = performance.now() - tr0;
    const cpu = process.cpuUsage(cpu0);
    const m1 = mem();
    const registered = regAt.filter((t) => t != null).length;
    const regTimes = regAt.filter((t) => t != null).map((t) => t - tr0Wall).sort((a, b) => a - b);
    result.register = {
      outcome: howReg, registered, of: N,
      createAllMs: round(createMs),
      // the last 'registered' event, from the register() calls
      registerAllMs: howReg === 'done' ? regTimes[regTimes.length - 1] : null,
      waitedMs: round(registerMs),
      firstMs: regTimes[0] ?? null, medianMs: regTimes[regTimes.length >> 1] ?? null,
      failures: regFailures.length, failureSamples: regFailures.slice(0, 5),
      wsConstructed: WS.times.length,
    };
    const d = memDelta(m0, m1);
    result.perPhone = {
      memoryKiB: perN(d),
      cpuMs: round(cpuMs(cpu) / N, 2),
      cpuUserMs: round(cpu.user / 1000 / N, 2),
      cpuSystemMs: round(cpu.system / 1000 / N, 2),
    };
    const wasm1 = adapter.wasmBytes?.() ?? null;
    if (wasm0 != null) {
      result.wasmMemoryKiB = { afterCoreLoad: round(wasm0 / 1024, 0), afterRegistered: round(wasm1 / 1024, 0),
        growthPerPhone: round((wasm1 - wasm0) / N / 1024, 1) };
    }
    if (pre?.before) {
      result.perPhoneInclCore = { memoryKiB: perN(memDelta(pre.before, m1)) };
    }
    result.memoryTotalsKiB = { before: mapKiB(m0), after: mapKiB(m1) };
    if (howReg !== 'done') {
      result.failures.push({ phase: 'register', outcome: howReg, registered, of: N });
      if (howReg === 'server-down') throw new Error('kamailio went down while registering');
    }

    // --- 3: restart Kamailio ---
    await Promise.race([sleep(SETTLE_MS), w.down]);
    if (w.dead) throw new Error('kamailio went down before the restart');
    phase = 'restart';
    const reAt = new Array(N).fill(null);      // registered again
    const lostAt = new Array(N).fill(null);    // reconnecting / disconnected
    const backAt = new Array(N).fill(null);    // reconnected / connected
    const reFailures = [];
    let t0 = Infinity;
    for (const [i, a] of agents.entries()) {
      if (!a) continue;
      a.watchRestart({
        lost: () => { if (now() >= t0 && lostAt[i] == null) lostAt[i] = now(); },
        back: () => { if (now() >= t0 && backAt[i] == null) backAt[i] = now(); },
        registered: () => { if (now() >= t0 && reAt[i] == null) { reAt[i] = now(); tick?.(); } },
        failed: (why) => { if (now() >= t0) reFailures.push({ user: `u${i + 1}`, why, at: now() - t0 }); },
      });
    }
    w.stop();
    const pre0 = crashLines(kam);
    if (pre0.length) {
      w.dead = { at: now(), phase: 'before restart', pid: w.pid, crashLines: pre0.slice(0, 20) };
      throw new Error('kamailio log shows a crash before the restart');
    }
    t0 = now();
    const tp0 = performance.now();
    await kamStop(kam);
    const stoppedMs = performance.now() - tp0;
    result.kamailio.restarts++;
    let kam2;
    try {
      kam2 = await kamStart(kamOpts(port, secret));
    } catch (e) {
      result.failures.push({ phase: 'restart', error: e.message.split('\n').slice(0, 5).join(' | ') });
      throw e;
    }
    const startedMs = performance.now() - tp0;
    kam = kam2;
    w = watch(kam, () => phase);
    const expected = live.length;
    const howRe = await until(() => reAt.filter((t) => t != null).length, expected, WAIT_MS, w.down,
      (f) => { tick = f; });
    tick = null;
    const allBackMs = performance.now() - tp0;
    const reTimes = reAt.filter((t) => t != null).map((t) => t - t0).sort((a, b) => a - b);
    const att = attemptsAfter(WS, t0);
    result.restart = {
      outcome: howRe,
      stopMs: round(stoppedMs), startedMs: round(startedMs),
      // the last 'registered' event, from the stop (t0) and from "Kamailio listening again"
      allRegisteredMs: howRe === 'done' ? reTimes[reTimes.length - 1] : null,
      allRegisteredAfterStartMs: howRe === 'done' ? round(reTimes[reTimes.length - 1] - startedMs) : null,
      waitedMs: round(allBackMs),
      reRegistered: reTimes.length, of: expected,
      neverReRegistered: expected - reTimes.length,
      sawLost: lostAt.filter((t) => t != null).length,
      sawBack: backAt.filter((t) => t != null).length,
      firstReRegisteredMs: reTimes[0] ?? null, medianReRegisteredMs: reTimes[reTimes.length >> 1] ?? null,
      registrationFailures: reFailures.length, failureSamples: reFailures.slice(0, 5),
      attempts: att,
    };
    if (howRe !== 'done') {
      result.failures.push({ phase: 'restart', outcome: howRe, reRegistered: reTimes.length, of: expected });
    }
    result.ok = howReg === 'done' && howRe === 'done' && !w.dead;
  } catch (e) {
    result.failures.push({ phase, error: e.message.split('\n')[0] });
  } finally {
    w?.stop();
    if (!w?.dead && kam && running.has(kam)) {
      const lines = crashLines(kam);
      if (lines.length) w.dead = { at: now(), phase: `${phase} (found at the end)`, pid: w.pid, crashLines: lines.slice(0, 20) };
    }
    if (w?.dead) result.kamailio.crash = w.dead;
    // close every phone / stop every UA (bounded), then Kamailio
    phase = 'close';
    const tcl = performance.now();
    const closing = Promise.allSettled(agents.filter(Boolean).map((a) => a.close()));
    const closed = await Promise.race([closing.then(() => true), sleep(CLOSE_MS).then(() => false)]);
    result.closeMs = round(performance.now() - tcl);
    if (!closed) result.failures.push({ phase: 'close', error: `not all closed within ${CLOSE_MS} ms` });
    await kamStop(kam);
    await adapter.finish?.();
  }
  return result;
}

function mapKiB(m) {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v / 1024, 0)]));
}

// ---------- the two libraries ----------

function pkgVersion(name) {
  return require(`${name}/package.json`).version;
}

const sipshield = {
  version: require('./package.json').version,
  /** @type {WebAssembly.Memory | null} the core's memory (caught at instantiation) */
  memory: null,
  async prepare() {
    const before = mem();
    // catch the core's WebAssembly.Memory (its size is in neither rss's JS part nor arrayBuffers),
    // exported by its short name (WASM_NAMES)
    const instantiate = WebAssembly.instantiate;
    WebAssembly.instantiate = async (...args) => {
      const r = await instantiate.apply(WebAssembly, args);
      const memory = r?.instance?.exports?.[WASM_NAMES.exports.memory];
      if (memory) sipshield.memory = memory;
      return r;
    };
    try {
      await loadCore();   // the one wasm core every phone shares
    } finally {
      WebAssembly.instantiate = instantiate;
    }
    return { before, note: 'one sipshield core (wasm instance) shared by all phones, loaded once' };
  },
  wasmBytes: () => sipshield.memory?.buffer.byteLength ?? null,
  async create({ url, user, cred, WS, index, onRegistered, onFailed }) {
    const phone = await Phone.create({
      server: url, uri: `sip:${user}@${REALM}`, username: cred.username, password: cred.password,
      WebSocket: WS.forAgent(index), registerExpires: REGISTER_EXPIRES,
    });
    phone.on('registered', () => onRegistered(now()));
    phone.on('registration-failed', (e) => onFailed(`${e.code}${e.status ? ` ${e.status}` : ''}`));
    phone.on('error', (e) => onFailed(`error ${e.code}`));
    return {
      register() {
        phone.register().catch((e) => onFailed(`register() ${e.code ?? e.message}`));
      },
      watchRestart({ lost, back, registered, failed }) {
        phone.on('reconnecting', lost);
        phone.on('reconnected', back);
        phone.on('registered', registered);
        phone.on('registration-failed', (e) => failed(`${e.code}${e.status ? ` ${e.status}` : ''} retryIn=${e.retryIn}`));
      },
      close: () => phone.close(),
    };
  },
};

let JsSIP = null;
let savedWebSocket;
const jssip = {
  version: pkgVersion('jssip'),
  async prepare(WS) {
    JsSIP ??= (await import('jssip')).default;
    savedWebSocket = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
    // JsSIP's WebSocketInterface does `new WebSocket(url, 'sip')` with the global one
    Object.defineProperty(globalThis, 'WebSocket', { value: WS, writable: true, configurable: true });
    return null;
  },
  async create({ url, user, cred, onRegistered, onFailed }) {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(url)],
      uri: `sip:${user}@${REALM}`,
      authorization_user: cred.username,
      password: cred.password,
      register: true,
      register_expires: REGISTER_EXPIRES,
      // connection_recovery_min_interval / _max_interval: defaults (2 s / 30 s)
    });
    ua.on('registered', () => onRegistered(now()));
    ua.on('registrationFailed', (e) => onFailed(`${e.cause}${e.response ? ` ${e.response.status_code}` : ''}`));
    return {
      register() { ua.start(); },
      watchRestart({ lost, back, registered, failed }) {
        ua.on('disconnected', lost);
        ua.on('connected', back);
        ua.on('registered', registered);
        ua.on('registrationFailed', (e) => failed(`${e.cause}${e.response ? ` ${e.response.status_code}` : ''}`));
      },
      close: () => new Promise((resolve) => {
        const t = setTimeout(resolve, CLOSE_MS - 1000);
        if (!ua.isConnected()) { clearTimeout(t); ua.stop(); resolve(); return; }
        ua.once('disconnected', () => { clearTimeout(t); resolve(); });
        ua.stop();
      }),
    };
  },
  async finish() {
    if (savedWebSocket) Object.defineProperty(globalThis, 'WebSocket', savedWebSocket);
    else delete globalThis.WebSocket;
  },
};

// ---------- table ----------

function table(results) {
  const by = Object.fromEntries(results.map((r) => [r.lib, r]));
  const cols = ['sipshield', 'jssip'].filter((l) => by[l]);
  const head = cols.map((l) => (l === 'jssip' ? `JsSIP ${by[l].version}` : `sipshield ${by[l].version ?? ''}`.trim()));
  const fmt = (v, unit = '') => (v == null ? 'n/a' : `${v}${unit}`);
  // memory and CPU of a run whose registration did not complete
  const part = (r, v) => (r.register && r.register.outcome !== 'done' && v !== 'n/a' ? `${v} (incomplete)` : v);
  const rows = [
    [`register-all time (${N} at once), ms`, (r) => (r.register?.registerAllMs != null ? fmt(r.register.registerAllMs)
      : `FAILED (${r.register?.registered ?? 0}/${N} in ${r.register?.waitedMs ?? '?'} ms)`)],
    ['  create all (before register), ms', (r) => fmt(r.register?.createAllMs)],
    ['memory per phone: rss, KiB', (r) => part(r, fmt(r.perPhone?.memoryKiB.rss))],
    ['memory per phone: arrayBuffers, KiB', (r) => part(r, fmt(r.perPhone?.memoryKiB.arrayBuffers))],
    ['  (heapUsed per phone, KiB)', (r) => fmt(r.perPhone?.memoryKiB.heapUsed)],
    ['  (rss per phone incl. the shared core, KiB)', (r) => (r.perPhoneInclCore ? fmt(r.perPhoneInclCore.memoryKiB.rss) : '-')],
    ['  (the shared core once: rss / arrayBuffers, KiB)', (r) => (r.fixed ? `${r.fixed.memoryKiB.rss} / ${r.fixed.memoryKiB.arrayBuffers}` : '-')],
    ['  (wasm memory: after core load -> all registered, KiB)', (r) => (r.wasmMemoryKiB
      ? `${r.wasmMemoryKiB.afterCoreLoad} -> ${r.wasmMemoryKiB.afterRegistered}` : '-')],
    ['CPU per phone (create + register), ms', (r) => part(r, fmt(r.perPhone?.cpuMs))],
    ['after restart: all registered again, ms', (r) => (r.restart?.allRegisteredMs != null ? fmt(r.restart.allRegisteredMs)
      : (r.restart ? `FAILED (${r.restart.reRegistered}/${r.restart.of} in ${r.restart.waitedMs} ms)` : 'not run'))],
    ['  (Kamailio down from stop to listening, ms)', (r) => fmt(r.restart?.startedMs)],
    ['after restart: peak WS attempts in any 1 s', (r) => fmt(r.restart?.attempts.peakPerSecond)],
    ['  (attempts after the stop, total)', (r) => fmt(r.restart?.attempts.total)],
    ['  (peak of first reopens alone in any 1 s)', (r) => fmt(r.restart?.attempts.peakFirstAttemptsPerSecond)],
    ['  (phones by attempts after the stop)', (r) => (r.restart?.attempts.phonesByAttempts
      ? Object.entries(r.restart.attempts.phonesByAttempts).map(([k, v]) => `${k}x:${v}`).join(' ') : 'n/a')],
    ['  (attempts per second after the stop)', (r) => (r.restart ? r.restart.attempts.perSecond.join(' ') : 'n/a')],
    ['  (never registered again)', (r) => fmt(r.restart?.neverReRegistered)],
    ['Kamailio crashed', (r) => (r.kamailio.crash ? `YES (${r.kamailio.crash.phase})` : 'no')],
  ];
  const cells = [['', ...head], ...rows.map(([name, f]) => [name, ...cols.map((l) => String(f(by[l])))])];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r) => `| ${r.map((v, c) => v.padEnd(widths[c])).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

// ---------- main ----------

/** LOAD_ISOLATE=1: one library in a fresh `node` running this file; its result from its JSON */
function runChild(lib) {
  const out = path.join(os.tmpdir(), `sipshield-load-${process.pid}-${lib}.json`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, LOAD_LIBS: lib, LOAD_ISOLATE: '0', LOAD_OUT: out },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const t = setTimeout(() => child.kill('SIGTERM'), WATCHDOG_MS);   // it stops its Kamailio
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      try {
        const r = JSON.parse(fs.readFileSync(out, 'utf8')).results[0];
        fs.rmSync(out, { force: true });
        resolve(r);
      } catch (e) {
        resolve({ lib, version: null, n: N, ok: false, kamailio: {},
          failures: [{ phase: 'child', error: `exit ${code ?? signal}, no result: ${e.message}` }] });
      }
    });
  });
}

async function stopAll() {
  await Promise.allSettled([...running].map((k) => kamStop(k)));
}

const watchdog = setTimeout(async () => {
  console.error(`load.js: watchdog after ${WATCHDOG_MS} ms: stopping Kamailio and exiting`);
  await stopAll();
  process.exit(3);
}, WATCHDOG_MS);
watchdog.unref();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await stopAll();
    process.exit(130);
  });
}

async function main() {
  const started = new Date().toISOString();
  const results = [];
  const adapters = { sipshield, jssip };
  for (const lib of LIBS) {
    if (!adapters[lib]) throw new Error(`unknown library ${lib} (sipshield, jssip)`);
    console.error(`load.js: ${lib}, N=${N}${ISOLATE ? ' (own process)' : ''} ...`);
    const r = ISOLATE ? await runChild(lib) : await runLib(lib, adapters[lib]);
    console.error(`load.js: ${lib} ${r.ok ? 'ok' : `FAILED: ${JSON.stringify(r.failures)}`}`);
    results.push(r);
    gc();
    await sleep(SETTLE_MS);
  }
  const out = {
    started, finished: new Date().toISOString(), n: N, node: process.version,
    mode: ISOLATE ? 'each library in a fresh node process (LOAD_ISOLATE=1)'
      : 'both libraries one after the other in this one node process',
    kamailio: { alg: ALG, autheph: true, note: 'a fresh Kamailio per library; restarted once on the same port with the same options' },
    jssipRecovery: { connection_recovery_min_interval: 2, connection_recovery_max_interval: 30, note: 'JsSIP defaults (lib/Constants.js)' },
    sipshieldRecovery: { note: 'first reopen drawn from 0.5-5.5 s, then 1 s doubling (x0.5-1.5) to 60 s (README "Calls that survive the network")' },
    results,
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
  console.log(table(results));
  if (!ISOLATE && results.length > 1) {
    console.log(`\nNote: one process, ${results.map((r) => r.lib).join(' then ')}: the second library's rss is measured`
      + ' on memory the first one freed but the process kept (rss hardly shrinks), so its rss per phone reads low;'
      + ' LOAD_ISOLATE=1 runs each library in a fresh process.');
  }
  console.log(`\n(JSON: ${path.relative(ROOT, OUT)})`);
  return results.every((r) => r.ok) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(e);
} finally {
  await stopAll();
}
process.exit(code);
