/**
 * @file run.js  `make bench`: sipshield vs JsSIP vs SIP.js on parse
 * throughput, cold start and download size; sipshield's SDP policy cost;
 * the call recorder vs opus-recorder (recorder.js); call setup sipshield
 * vs JsSIP in Chromium. See tools/bench/README.md.
 *
 * Environment (all optional): SIPSHIELD_DIST (folder with the core build),
 * BENCH_ROUNDS (7), BENCH_ROUND_MS (500), BENCH_COLD_RUNS (9),
 * BENCH_SDP_ROUND_MS (200), BENCH_CALLS (9), BENCH_CALLS_MODES (host,relay),
 * BENCH_ONLY (comma list of parse,cold,size,sdp,record,calls).
 * Writes build/bench/results.json, build/bench/entries/, build/bench/bundles/.
 */
import crypto from 'node:crypto';
import { execFile, execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import {
  DIST, LIBS, OUT_DIR, ROOT, SHIM, WASM, WASM_CHECK, loadCorpus, loadJsSIP,
  loadSIPjs, loadSipshield, median, pkgVersion, sipshieldMissing,
} from './lib.js';
import { rigMissing, runCalls } from './calls-rig.js';
import { benchRecorder } from './recorder.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = posInt('BENCH_ROUNDS', 7);
const ROUND_MS = posInt('BENCH_ROUND_MS', 500);
const COLD_RUNS = posInt('BENCH_COLD_RUNS', 9);
const WARMUP_MS = 500;
const WARMUP_PASSES = 3;
const SDP_ROUND_MS = posInt('BENCH_SDP_ROUND_MS', 200);
const CALLS = posInt('BENCH_CALLS', 9);
const CALLS_MODES = (process.env.BENCH_CALLS_MODES || 'host,relay')
  .split(',');
if (!CALLS_MODES.every(m => m === 'host' || m === 'relay'))
  throw new Error('BENCH_CALLS_MODES must list host and/or relay');
const CHILD_TIMEOUT_MS = 20000;
const CALLS_DEADLINE_MS = 180000;
const CALL_TIMEOUT_MS = 15000;
const DEADLINE_MS = 400000;
const TARGET_KB = 50;
/* the <sip-phone> script may add this much to the core's download */
const WIDGET_TARGET_KB = 20;
const WIDGET = path.join(ROOT, 'dist/sipshield-widget.js');
const ONLY = (process.env.BENCH_ONLY || 'parse,cold,size,sdp,record,calls')
  .split(',');

const children = new Set();
/* aborting it closes the call rig's browser; its servers stop by PID */
const callsAbort = new AbortController();
let callsRunning = null;
const t_start = performance.now();
const watchdog = setTimeout(async () => {
  for (const c of children)
    c.kill('SIGKILL');
  console.error(`bench: over ${DEADLINE_MS / 1000} s, stopped`);
  callsAbort.abort(new Error('bench watchdog'));
  if (callsRunning)
    await Promise.race([callsRunning, sleep(20000)]);
  process.exit(2);
}, DEADLINE_MS);
watchdog.unref();

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function posInt(name, def) {
  const v = Number(process.env[name] || def);
  if (!Number.isInteger(v) || v < 1)
    throw new Error(`${name} must be a positive integer`);
  return v;
}

/* --- formatting --- */

const fmtInt = (x) => Number.isFinite(x) ?
  Math.round(x).toLocaleString('en-US') : 'n/a';
const fmt1 = (x) => Number.isFinite(x) ? x.toFixed(1) : 'n/a';
const fmt2 = (x) => Number.isFinite(x) ? x.toFixed(2) : 'n/a';
const kb = (bytes) => Number.isFinite(bytes) ? (bytes / 1000).toFixed(1) :
  'n/a';

function table(head, rows) {
  const all = [head, ...rows].map(r => r.map(String));
  const w = head.map((_, i) => Math.max(...all.map(r => r[i].length)));
  const line = (r) => r.map((c, i) => i ? c.padStart(w[i]) :
    c.padEnd(w[i])).join('  ');
  console.log(line(all[0]));
  console.log(w.map(n => '-'.repeat(n)).join('  '));
  for (const r of all.slice(1))
    console.log(line(r));
}

/** esbuild and others put detail on later lines; keep tables one line */
function oneLine(e) {
  return String(e && e.message || e).split('\n').map(l => l.trim())
    .filter(Boolean).join(' | ');
}

function section(title) {
  console.log(`\n== ${title}`);
}

/* --- parse throughput --- */

function runFor(fn, corpus, ms) {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let t;
  do {
    for (let i = 0; i < corpus.length; ++i)
      sink += fn(corpus[i]);
    n += corpus.length;
    t = performance.now();
  } while (t - t0 < ms);
  return { n, ms: t - t0, sink };
}

function checkFields(name, adapter, corpus) {
  for (const c of corpus) {
    const got = adapter.fields(c.text);
    if (!got)
      throw new Error(`${name} did not parse ${c.file}`);
    for (const k of Object.keys(c.expect)) {
      if (got[k] !== c.expect[k])
        throw new Error(`${name} ${c.file}: ${k} = ` +
          `${JSON.stringify(got[k])}, expected ` +
          `${JSON.stringify(c.expect[k])}`);
    }
  }
}

async function benchParse() {
  const corpus = loadCorpus();
  const texts = corpus.map(c => c.text);
  const maxBytes = Math.max(...corpus.map(c => c.bytes));
  const res = {
    corpus: corpus.map(c => ({ file: c.file, bytes: c.bytes,
      ...c.expect })),
    corpusBytes: corpus.reduce((a, c) => a + c.bytes, 0),
    rounds: ROUNDS, roundMs: ROUND_MS, warmupMs: WARMUP_MS,
    warmupPasses: WARMUP_PASSES,
    libs: {},
  };
  const adapters = {};
  const loaders = {
    sipshield: async () => {
      const why = sipshieldMissing();
      if (why)
        return { status: why };
      const a = await loadSipshield(maxBytes);
      for (const c of corpus) {
        const err = a.check(c.text);
        if (err !== 0)
          throw new Error(`sp_sip_check(${c.file}) = ${err}`);
      }
      return { adapter: a, init: a.init };
    },
    JsSIP: async () => {
      const a = await loadJsSIP();
      checkFields('JsSIP', a, corpus);
      return { adapter: a };
    },
    'SIP.js': async () => {
      const a = await loadSIPjs();
      checkFields('SIP.js', a, corpus);
      return { adapter: a };
    },
  };
  for (const lib of LIBS) {
    const r = res.libs[lib] = { status: 'ok' };
    try {
      const l = await loaders[lib]();
      if (l.status) {
        r.status = l.status;
        continue;
      }
      adapters[lib] = l.adapter;
      r.entry = l.adapter.entry;
      if (l.init !== undefined)
        r.spInit = l.init;
    }
    catch (e) {
      r.status = `error: ${oneLine(e)}`;
    }
  }
  const live = LIBS.filter(l => adapters[l]);
  for (let w = 0; w < WARMUP_PASSES; ++w) {
    for (const lib of live)
      runFor(adapters[lib].parse, texts, WARMUP_MS);
  }
  for (const lib of live)
    res.libs[lib].perRound = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; ++r) {
    /* rotate the starting library so none always runs first */
    const order = live.map((_, i) => live[(i + r) % live.length]);
    for (const lib of LIBS)
      if (res.libs[lib].perRound)
        res.libs[lib].perRound[r] = NaN;
    for (const lib of order) {
      try {
        const x = runFor(adapters[lib].parse, texts, ROUND_MS);
        sink += x.sink;
        res.libs[lib].perRound[r] = x.n / (x.ms / 1000);
      }
      catch (e) {
        res.libs[lib].status = `error: ${oneLine(e)}`;
      }
    }
  }
  res.sink = sink;
  for (const lib of live) {
    const L = res.libs[lib];
    L.median = median(L.perRound);
    L.bytesPerSecMedian = L.median * res.corpusBytes / corpus.length;
  }
  if (adapters.sipshield)
    adapters.sipshield.close();
  res.ratios = {};
  for (const other of ['JsSIP', 'SIP.js']) {
    const a = res.libs.sipshield.perRound;
    const b = res.libs[other].perRound;
    const per = (a && b) ? a.map((x, i) => x / b[i]) : null;
    res.ratios[`sipshield/${other}`] = per ?
      { perRound: per, median: median(per) } : null;
  }
  {
    const a = res.libs.JsSIP.perRound;
    const b = res.libs['SIP.js'].perRound;
    const per = (a && b) ? a.map((x, i) => x / b[i]) : null;
    res.ratios['JsSIP/SIP.js'] = per ?
      { perRound: per, median: median(per) } : null;
  }

  section(`parse throughput: ${corpus.length} messages, ` +
    `${res.corpusBytes} bytes per pass; ${ROUNDS} rounds x ` +
    `${ROUND_MS} ms per library, interleaved (messages/s)`);
  table(['library', ...Array.from({ length: ROUNDS }, (_, i) => `r${i + 1}`),
    'median'], LIBS.map(lib => {
    const L = res.libs[lib];
    if (!L.perRound)
      return [lib, ...Array(ROUNDS).fill(''), L.status];
    return [lib, ...L.perRound.map(fmtInt), fmtInt(L.median)];
  }));
  console.log('');
  table(['ratio', ...Array.from({ length: ROUNDS }, (_, i) => `r${i + 1}`),
    'median'], Object.entries(res.ratios).map(([k, v]) => v ?
    [k, ...v.perRound.map(fmt2), fmt2(v.median)] :
    [k, ...Array(ROUNDS).fill(''), 'n/a']));
  if (res.libs.sipshield.spInit !== undefined)
    console.log('  sipshield: sp_init() returned ' +
      `${res.libs.sipshield.spInit} before the rounds`);
  for (const lib of LIBS) {
    if (res.libs[lib].entry)
      console.log(`  ${lib}: ${res.libs[lib].entry}`);
    if (res.libs[lib].status !== 'ok' && res.libs[lib].perRound)
      console.log(`  ${lib}: ${res.libs[lib].status}`);
  }
  return res;
}

/* --- download size --- */

const ENTRIES = {
  JsSIP: `import { UA, WebSocketInterface } from 'jssip';
export { UA, WebSocketInterface };
export function start(url, uri, password, target) {
  const ua = new UA({ sockets: [new WebSocketInterface(url)], uri, password });
  ua.on('registered', () => ua.call(target, {
    mediaConstraints: { audio: true, video: false } }));
  ua.start();
  return ua;
}
`,
  'SIP.js': `import { UserAgent, Registerer, Inviter, Web } from 'sip.js';
export { UserAgent, Registerer, Inviter };
export async function start(server, uri, password, target) {
  const ua = new UserAgent({
    uri: UserAgent.makeURI(uri),
    authorizationPassword: password,
    transportOptions: { server },
    sessionDescriptionHandlerFactory:
      Web.defaultSessionDescriptionHandlerFactory(),
  });
  await ua.start();
  await new Registerer(ua).register();
  const call = new Inviter(ua, UserAgent.makeURI(target), {
    sessionDescriptionHandlerOptions: {
      constraints: { audio: true, video: false } } });
  await call.invite();
  return call;
}
`,
};

const gz9 = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const slug = (lib) => lib.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * esbuild as a web app would run it. If the only failures are node builtins,
 * build again with those external and say so: a browser bundler hits the
 * same errors.
 */
async function bundle(name, entry) {
  const outfile = path.join(OUT_DIR, 'bundles', `${name}.js`);
  const opts = {
    entryPoints: [entry], bundle: true, minify: true, format: 'esm',
    platform: 'browser', outfile, metafile: true, logLevel: 'silent',
    absWorkingDir: ROOT,
  };
  let r;
  let external = [];
  try {
    r = await esbuild.build(opts);
  }
  catch (e) {
    const names = (e.errors || []).map(x =>
      (x.text.match(/^Could not resolve "([^"]+)"/) || [])[1]);
    if (!names.length || !names.every(n => n &&
        builtinModules.includes(n.replace(/^node:/, ''))))
      throw e;
    external = [...new Set(names)];
    r = await esbuild.build({ ...opts, external });
  }
  const buf = fs.readFileSync(outfile);
  return {
    outfile: path.relative(ROOT, outfile), minified: buf.length,
    gzip9: gz9(buf), external,
    inputs: Object.keys(r.metafile.inputs).map(p => path.resolve(ROOT, p)),
  };
}

/**
 * The script-tag widget (tools/widget.js): one file holding the element and
 * the shim, loaded instead of the shim bundle. What it adds to the core's
 * download is its gzip size minus the shim bundle's (conservatively, the
 * whole script is also shown).
 */
function widgetSize(S) {
  if (!fs.existsSync(WIDGET))
    return { status: 'n/a (dist/sipshield-widget.js missing: make dist)' };
  const buf = fs.readFileSync(WIDGET);
  const w = { status: 'ok', file: path.relative(ROOT, WIDGET),
    minified: buf.length, gzip9: gz9(buf), targetKB: WIDGET_TARGET_KB };
  if (S.parts.shim.gzip9 !== undefined) {
    w.adds = w.gzip9 - S.parts.shim.gzip9;
    w.pageTotal = S.core + w.gzip9;
    w.withinTarget = w.adds <= WIDGET_TARGET_KB * 1000;
  }
  return w;
}

async function benchSize() {
  const res = { targetKB: TARGET_KB, libs: {} };
  const dir = path.join(OUT_DIR, 'entries');
  fs.mkdirSync(dir, { recursive: true });
  for (const lib of ['JsSIP', 'SIP.js']) {
    const entry = path.join(dir, `${slug(lib)}.js`);
    fs.writeFileSync(entry, ENTRIES[lib]);
    try {
      const b = await bundle(slug(lib), entry);
      res.libs[lib] = { status: 'ok', entry: path.relative(ROOT, entry),
        bundle: b.outfile, minified: b.minified, gzip9: b.gzip9,
        total: b.gzip9 };
    }
    catch (e) {
      res.libs[lib] = { status: `error: ${oneLine(e)}` };
    }
  }
  const S = res.libs.sipshield = { status: 'ok', parts: {} };
  const why = sipshieldMissing();
  if (why) {
    S.status = why;
  }
  else {
    S.parts.wasm = { file: path.relative(ROOT, WASM),
      raw: fs.statSync(WASM).size, gzip9: gz9(fs.readFileSync(WASM)) };
    if (fs.existsSync(SHIM)) {
      try {
        const b = await bundle('sipshield-shim', SHIM);
        S.parts.shim = { file: b.outfile, minified: b.minified,
          gzip9: b.gzip9, unresolvedNodeBuiltins: b.external };
      }
      catch (e) {
        S.parts.shim = { status: `error: ${oneLine(e)}` };
      }
    }
    else {
      S.parts.shim = { status: 'n/a (shim/index.js missing)' };
    }
    S.core = S.parts.wasm.gzip9;
    if (S.parts.shim.gzip9 !== undefined) {
      S.total = S.core + S.parts.shim.gzip9;
      S.withinTarget = S.total <= TARGET_KB * 1000;
    }
    else {
      S.status = `partial: ${S.parts.shim.status}`;
    }
    S.widget = widgetSize(S);
  }

  section('download size for register + call (esbuild --bundle --minify ' +
    '--format=esm --platform=browser; gzip -9; KB = 1000 bytes)');
  const rows = [];
  for (const lib of ['JsSIP', 'SIP.js']) {
    const L = res.libs[lib];
    rows.push(L.status === 'ok' ?
      [lib, 'bundle', kb(L.minified), kb(L.gzip9), kb(L.total)] :
      [lib, L.status, '', '', '']);
  }
  if (S.parts.wasm) {
    rows.push(['sipshield', 'wasm', kb(S.parts.wasm.raw),
      kb(S.parts.wasm.gzip9), '']);
    const sh = S.parts.shim;
    rows.push(sh.gzip9 !== undefined ?
      ['', 'shim bundle (+loader)', kb(sh.minified), kb(sh.gzip9),
        kb(S.total)] :
      ['', sh.status, '', '', '']);
  }
  else {
    rows.push(['sipshield', S.status, '', '', '']);
  }
  const W = S.widget;
  if (W && W.status === 'ok')
    rows.push(['', '<sip-phone> script (shim inside)', kb(W.minified), kb(W.gzip9),
      W.pageTotal !== undefined ? kb(W.pageTotal) : '']);
  else if (W)
    rows.push(['', W.status, '', '', '']);
  table(['library', 'part', 'KB min', 'KB gz', 'KB total'], rows);
  if (W && W.adds !== undefined)
    console.log(`  <sip-phone> adds ${kb(W.adds)} KB to the core's download ` +
      `(${kb(W.gzip9)} KB script instead of the ${kb(S.parts.shim.gzip9)} KB shim ` +
      `bundle): ${W.withinTarget ? 'within' : 'OVER'} the ` +
      `${WIDGET_TARGET_KB} KB target`);
  if (S.parts.shim && S.parts.shim.unresolvedNodeBuiltins &&
      S.parts.shim.unresolvedNodeBuiltins.length)
    console.log('  note: shim bundle only builds with node builtins ' +
      `external (${S.parts.shim.unresolvedNodeBuiltins.join(', ')}); ` +
      'a browser bundler fails the same way');
  if (S.total !== undefined)
    console.log(`  sipshield total ${kb(S.total)} KB: ` +
      `${S.withinTarget ? 'within' : 'OVER'} the ${TARGET_KB} KB target`);
  else if (S.core !== undefined)
    console.log(`  sipshield wasm ${kb(S.core)} KB ` +
      `(target ${TARGET_KB} KB for the whole download)`);
  return res;
}

/* --- cold start --- */

function runChild(args) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const c = execFile(process.execPath, args, {
      cwd: ROOT, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL',
      maxBuffer: 4 << 20,
    }, (err, stdout, stderr) => {
      children.delete(c);
      const wall = performance.now() - t0;
      const line = stdout.split('\n').find(l =>
        l.startsWith('BENCH_COLD '));
      if (err || !line) {
        const lines = stderr.split('\n');
        const why = err && err.killed ? 'timeout' :
          (lines.find(l => /^\w*Error\b/.test(l)) ||
          lines.find(l => l.trim()) ||
          (err ? err.message : 'no result line'));
        resolve({ error: why });
        return;
      }
      const r = JSON.parse(line.slice(11));
      resolve(r.ok === false ? { error: 'user agent not constructed' } :
        { ...r, wall });
    });
    children.add(c);
  });
}

async function benchCold(size) {
  const child = path.join(HERE, 'cold-child.js');
  const variants = [];
  const why = sipshieldMissing();
  variants.push({ name: 'sipshield', lib: 'sipshield', from: 'dist',
    args: why ? null : [child, 'sipshield'], status: why });
  for (const lib of ['JsSIP', 'SIP.js'])
    variants.push({ name: lib, lib, from: 'node_modules',
      args: [child, lib] });
  for (const lib of ['JsSIP', 'SIP.js']) {
    const L = size && size.libs[lib];
    const ok = L && L.status === 'ok';
    variants.push({ name: `${lib} bundle`, lib, from: L && L.bundle,
      args: ok ? [child, lib, path.join(ROOT, L.bundle)] : null,
      status: ok ? null : 'n/a (no bundle: size section not run)' });
  }
  const live = variants.filter(v => v.args);
  for (const v of live) {
    v.runs = [];
    v.walls = [];
    const w = await runChild(v.args); /* untimed: fills file caches */
    if (w.error)
      v.status = `error: ${w.error}`;
    else if (w.init !== undefined)
      v.spInit = w.init;
  }
  for (let i = 0; i < COLD_RUNS; ++i) {
    const order = live.map((_, k) => live[(k + i) % live.length]);
    for (const v of order) {
      if (v.status)
        continue;
      const r = await runChild(v.args);
      if (r.error) {
        v.status = `error: ${r.error}`;
        continue;
      }
      v.runs.push(r.ms);
      v.walls.push(r.wall);
    }
  }
  const res = { runs: COLD_RUNS, variants: {} };
  for (const v of variants) {
    res.variants[v.name] = {
      library: v.lib, from: v.from, status: v.status || 'ok',
      ms: v.runs || null, median: v.runs ? median(v.runs) : null,
      processWallMedian: v.walls ? median(v.walls) : null,
      ...(v.spInit !== undefined ? { spInit: v.spInit } : {}),
    };
  }

  section(`cold start: fresh node process, ${COLD_RUNS} runs each, ` +
    'interleaved; ms from before import to user agent / core ready');
  table(['variant', 'loaded from', 'median ms', 'min', 'max',
    'process wall ms'], variants.map(v => {
    const V = res.variants[v.name];
    if (V.status !== 'ok')
      return [v.name, v.from || '', V.status, '', '', ''];
    return [v.name, v.from, fmt1(V.median), fmt1(Math.min(...V.ms)),
      fmt1(Math.max(...V.ms)), fmt1(V.processWallMedian)];
  }));
  const sp = res.variants.sipshield;
  if (sp.spInit !== undefined)
    console.log(`  sipshield: sp_init() returned ${sp.spInit}`);
  return res;
}

/* --- SDP policy cost --- */

const SDP_DIR = path.join(ROOT, 'tests', 'vectors', 'sdp');
const SDP_VECTORS = [
  'chrome120-av-offer-host-raw-ipv4-ipv6-srflx-relay',
  'firefox121-av-offer-host-raw-ula-srflx-relay',
  'chrome120-audio-offer-relay-coturn-loopback',
];
const SDP_OPS = [
  { op: 'remote', direction: 'remote', privacy: 'mdns' },
  { op: 'local-mdns', direction: 'local', privacy: 'mdns' },
];

function usPerCall(fn, ms) {
  let n = 0;
  const t0 = performance.now();
  let t;
  do {
    for (let i = 0; i < 16; ++i)
      fn();
    n += 16;
    t = performance.now();
  } while (t - t0 < ms);
  return (t - t0) * 1000 / n;
}

/** The JS half of checkSdp() alone: command out, reply in. */
function jsonOnly(sdp, o, verdict) {
  const enc = new TextEncoder();
  const reply = JSON.stringify({ id: 1, err: null, ...verdict });
  return () => {
    const bytes = enc.encode(sdp).length;
    enc.encode(JSON.stringify({ v: 1, id: 1, cmd: 'sdp.check', sdp, bytes,
      direction: o.direction, privacy: o.privacy }));
    return JSON.parse(reply);
  };
}

async function benchSdp() {
  const res = {
    entry: 'checkSdp(core, sdp, {direction, privacy}) from shim/check.js ' +
      'on loadCheckCore() (sdp.check is the check build\'s): JSON command ' +
      'into sp_cmd, policy, JSON reply',
    rounds: ROUNDS, roundMs: SDP_ROUND_MS, status: 'ok', cases: [],
  };
  const t0 = performance.now();
  const why = sipshieldMissing();
  if (why) {
    res.status = why;
  }
  else {
    try {
      const { checkSdp, loadCheckCore } = await import('../../shim/check.js');
      const core = await loadCheckCore({
        wasmBinary: fs.readFileSync(WASM_CHECK) });
      for (const name of SDP_VECTORS) {
        const sdp = fs.readFileSync(path.join(SDP_DIR, `${name}.sdp`),
          'latin1');
        for (const o of SDP_OPS) {
          const v = checkSdp(core, sdp, o);
          if (!v.ok)
            throw new Error(`${name} ${o.op}: ${v.reason} line ${v.line}`);
          const want = path.join(SDP_DIR, `${name}.${o.op}.sdp`);
          if (o.direction === 'local' && fs.existsSync(want) &&
              v.sdp !== fs.readFileSync(want, 'latin1'))
            throw new Error(`${name} ${o.op}: output differs from ` +
              path.relative(ROOT, want));
          res.cases.push({ vector: name, op: o.op, bytes: sdp.length,
            outBytes: v.sdp ? v.sdp.length : undefined, perRound: [],
            jsonPerRound: [],
            run: () => checkSdp(core, sdp, o), json: jsonOnly(sdp, o, v) });
        }
      }
      for (let w = 0; w < WARMUP_PASSES; ++w) {
        for (const c of res.cases) {
          usPerCall(c.run, SDP_ROUND_MS);
          usPerCall(c.json, SDP_ROUND_MS / 4);
        }
      }
      const cs = res.cases;
      for (let r = 0; r < ROUNDS; ++r) {
        for (let k = 0; k < cs.length; ++k) {
          const c = cs[(k + r) % cs.length];
          c.perRound[r] = usPerCall(c.run, SDP_ROUND_MS);
          c.jsonPerRound[r] = usPerCall(c.json, SDP_ROUND_MS / 4);
        }
      }
      for (const c of cs) {
        c.median = median(c.perRound);
        c.jsonMedian = median(c.jsonPerRound);
        delete c.run;
        delete c.json;
      }
    }
    catch (e) {
      res.status = `error: ${oneLine(e)}`;
      res.cases = [];
    }
  }
  res.seconds = (performance.now() - t0) / 1000;

  section(`SDP policy cost: sipshield checkSdp() in node, ${ROUNDS} ` +
    `rounds x ${SDP_ROUND_MS} ms per case (µs per SDP; JSON command ` +
    'round trip included)');
  if (res.status !== 'ok') {
    console.log(`  sipshield: ${res.status}`);
    return res;
  }
  table(['vector', 'check', 'bytes', ...Array.from({ length: ROUNDS },
    (_, i) => `r${i + 1}`), 'median', 'JS JSON part'], res.cases.map(c =>
    [c.vector, c.op, String(c.bytes), ...c.perRound.map(fmt1),
      fmt1(c.median), fmt1(c.jsonMedian)]));
  console.log('  remote: the policy on a received offer (privacy mdns); ' +
    'local-mdns: the policy and rewrite of our own offer before it leaves');
  console.log('  JS JSON part: the JS side of the round trip alone ' +
    '(encode + stringify the command, parse the reply), timed apart');
  console.log(`  ${fmt1(res.seconds)} s`);
  return res;
}

/* --- call setup --- */

const CALL_FIGS = [
  ['dialToInvite', 'dial->INVITE'],
  ['inviteToConfirmed', 'INVITE->confirmed'],
  ['audioBoth', 'INVITE->audio both'],
  ['dialToAudioBoth', 'dial->audio both'],
];
const PAIR = { JsSIP: 'jssip>jssip', sipshield: 'sipshield>sipshield' };
const PRIVACY = { host: 'off', relay: 'relay' };

function perRoundRatio(a, b, k) {
  return a.map((x, i) => x && b[i] ? x[k] / b[i][k] : NaN);
}

async function benchCalls() {
  const res = { calls: CALLS, timeoutMs: CALL_TIMEOUT_MS,
    deadlineMs: CALLS_DEADLINE_MS, stacks: {}, modes: {} };
  const t0 = performance.now();
  const jssipWhy = await rigMissing(['jssip']).catch(e => oneLine(e));
  const sipWhy = jssipWhy || await rigMissing(['sipshield'])
    .catch(e => oneLine(e));
  res.stacks.JsSIP = jssipWhy ? `n/a (${jssipWhy})` : 'ok';
  res.stacks.sipshield = sipWhy ? `n/a (${sipWhy})` : 'ok';
  const pairs = [];
  if (!jssipWhy)
    pairs.push(['jssip', 'jssip']);
  if (!sipWhy)
    pairs.push(['sipshield', 'sipshield']);
  const deadline = setTimeout(() => callsAbort.abort(
    new Error(`calls over ${CALLS_DEADLINE_MS / 1000} s`)), CALLS_DEADLINE_MS);
  try {
    for (const mode of CALLS_MODES) {
      const M = res.modes[mode] = { privacy: PRIVACY[mode], status: 'ok' };
      if (!pairs.length) {
        M.status = res.stacks.JsSIP;
        continue;
      }
      const tm = performance.now();
      try {
        const r = await runCalls({ pairs, privacy: PRIVACY[mode],
          calls: CALLS, timeoutMs: CALL_TIMEOUT_MS,
          signal: callsAbort.signal });
        Object.assign(M, r);
      }
      catch (e) {
        M.status = `error: ${oneLine(e)}`;
      }
      M.seconds = (performance.now() - tm) / 1000;
      const a = M.runs && M.runs[PAIR.sipshield];
      const b = M.runs && M.runs[PAIR.JsSIP];
      M.ratios = {};
      for (const [k] of CALL_FIGS) {
        const per = a && b ? perRoundRatio(a, b, k) : null;
        M.ratios[k] = per ? { perRound: per, median: median(per) } : null;
      }
    }
  }
  finally {
    clearTimeout(deadline);
  }
  res.seconds = (performance.now() - t0) / 1000;

  section(`call setup: Chromium pages through Kamailio (relay: coturn, ` +
    `TURN only), stack calls itself; 1 warm-up + ${CALLS} rounds, ` +
    'stacks interleaved call by call; median ms from dial / first INVITE ' +
    'on the wire');
  if (!pairs.length) {
    console.log(`  JsSIP, sipshield: ${res.stacks.JsSIP}`);
    return res;
  }
  const notes = [];
  for (const lib of ['JsSIP', 'sipshield']) {
    if (res.stacks[lib] !== 'ok')
      notes.push(`  ${lib}: ${res.stacks[lib]}`);
  }
  const rows = [];
  for (const [mode, M] of Object.entries(res.modes)) {
    if (M.status !== 'ok')
      notes.push(`  ${mode}: ${M.status}`);
    for (const [pair, why] of Object.entries(M.dropped || {}))
      notes.push(`  ${mode} ${pair}: dropped after ${why}`);
    for (const lib of ['JsSIP', 'sipshield']) {
      const med = M.medians && M.medians[PAIR[lib]];
      const n = M.runs && M.runs[PAIR[lib]] ?
        M.runs[PAIR[lib]].filter(x => !x.error).length : 0;
      rows.push(n ? [mode, lib, String(n), ...CALL_FIGS.map(([k]) =>
        fmt1(med[k]))] : [mode, lib, '0', ...CALL_FIGS.map(() => 'n/a')]);
    }
    rows.push([mode, 'sipshield/JsSIP', '', ...CALL_FIGS.map(([k]) =>
      M.ratios && M.ratios[k] ? fmt2(M.ratios[k].median) : 'n/a')]);
  }
  table(['mode', 'stack', 'calls', ...CALL_FIGS.map(([, h]) => h)], rows);
  console.log('');
  table(['ratio dial->audio', ...Array.from({ length: CALLS },
    (_, i) => `r${i + 1}`), 'median'], Object.entries(res.modes).map(
    ([mode, M]) => {
      const v = M.ratios && M.ratios.dialToAudioBoth;
      return v ? [mode, ...v.perRound.map(fmt2), fmt2(v.median)] :
        [mode, ...Array(CALLS).fill(''), 'n/a'];
    }));
  console.log('  ratio: sipshield/JsSIP within each round, then the median; ' +
    '<= 1.00 means sipshield is no slower');
  for (const line of notes)
    console.log(line);
  console.log(`  ${Object.entries(res.modes).map(([mode, M]) =>
    `${mode} ${fmt1(M.seconds)} s`).join(', ')} (servers and browser ` +
    'started and stopped per mode)');
  return res;
}

/* --- main --- */

function meta() {
  const m = {
    date: new Date().toISOString(), node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length, cpuModel: (os.cpus()[0] || {}).model,
    loadavgStart: os.loadavg(),
    versions: { jssip: pkgVersion('jssip'), 'sip.js': pkgVersion('sip.js'),
      esbuild: esbuild.version, 'playwright-core':
        pkgVersion('playwright-core') },
    sipshield: { dist: DIST },
  };
  try {
    m.git = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  }
  catch {
    m.git = null;
  }
  if (!sipshieldMissing())
    m.sipshield.wasmSha256 = crypto.createHash('sha256')
      .update(fs.readFileSync(WASM)).digest('hex');
  return m;
}

/* --- the call recorder beside opus-recorder (tools/bench/recorder.js) --- */

async function recorderSection() {
  const res = await benchRecorder({ root: ROOT, rounds: ROUNDS });
  section(`call recorder: ${res.seconds} s of 48 kHz stereo, Opus ` +
    `${res.bitrate / 1000} kb/s VOIP, same PCM, ${res.rounds} rounds ` +
    'interleaved (sipshield: Ogg + AES-256-GCM sealing included)');
  if (res.status !== 'ok') {
    console.log(`  ${res.status}`);
    return res;
  }
  const rows = Object.entries(res.libs).map(([lib, L]) => [lib, fmt1(L.median),
    kb(L.download.total), L.memory ? kb(L.memory) : 'n/a', fmtInt(L.bytes)]);
  table(['library', 'x real time', 'KB gz', 'memory KB', 'bytes out'], rows);
  console.log(`  sipshield/opus-recorder: speed ${fmt2(res.speedRatio)} ` +
    `(median of per-round ratios), download ${fmt2(res.sizeRatio)}`);
  return res;
}

function summary(r) {
  const p = r.parse;
  const c = r.cold;
  const s = r.size;
  const d = r.sdp;
  const k = r.calls;
  const rc = r.record;
  console.log('\n== summary');
  if (p) {
    const v = (lib) => p.libs[lib].median !== undefined ?
      fmtInt(p.libs[lib].median) : p.libs[lib].status;
    const ratio = (k) => p.ratios[k] ?
      `median ${fmt2(p.ratios[k].median)} (rounds: ` +
      `${p.ratios[k].perRound.map(fmt2).join(' ')})` : 'n/a';
    console.log(`parse  msgs/s median: sipshield ${v('sipshield')}  ` +
      `JsSIP ${v('JsSIP')}  SIP.js ${v('SIP.js')}`);
    console.log(`       sipshield/JsSIP ${ratio('sipshield/JsSIP')}`);
    console.log(`       sipshield/SIP.js ${ratio('sipshield/SIP.js')}`);
  }
  if (c) {
    const v = (name) => {
      const V = c.variants[name];
      return V.status === 'ok' ? fmt1(V.median) : V.status;
    };
    console.log(`cold   ms median: sipshield ${v('sipshield')}  ` +
      `JsSIP ${v('JsSIP')} (bundle ${v('JsSIP bundle')})  ` +
      `SIP.js ${v('SIP.js')} (bundle ${v('SIP.js bundle')})`);
  }
  if (s) {
    const S = s.libs.sipshield;
    const ss = S.total !== undefined ?
      `${kb(S.total)} (${S.withinTarget ? 'within' : 'OVER'} ` +
      `target <= ${TARGET_KB})` : S.core !== undefined ?
      `wasm ${kb(S.core)}, ${S.status}` : S.status;
    const v = (lib) => s.libs[lib].status === 'ok' ?
      kb(s.libs[lib].total) : s.libs[lib].status;
    console.log(`size   KB gzip -9: sipshield ${ss}  ` +
      `JsSIP ${v('JsSIP')}  SIP.js ${v('SIP.js')}`);
    if (S.widget && S.widget.adds !== undefined)
      console.log(`       <sip-phone> script ${kb(S.widget.gzip9)}, adds ` +
        `${kb(S.widget.adds)} (target <= ${WIDGET_TARGET_KB})`);
  }
  if (d) {
    if (d.status !== 'ok') {
      console.log(`sdp    µs per SDP: sipshield ${d.status}`);
    }
    else {
      console.log('sdp    µs per SDP median, checkSdp() with its JSON ' +
        'round trip:');
      for (const name of SDP_VECTORS) {
        const cs = d.cases.filter(c => c.vector === name);
        console.log(`       ${name} (${cs[0].bytes} B): ` +
          cs.map(c => `${c.op} ${fmt1(c.median)}`).join('  '));
      }
    }
  }
  if (rc && rc.status === 'ok') {
    const S = rc.libs.sipshield, O = rc.libs['opus-recorder'];
    console.log(`record x real time: sipshield ${fmt1(S.median)}  opus-recorder ` +
      `${fmt1(O.median)} (ratio ${fmt2(rc.speedRatio)}); KB gzip -9: ` +
      `${kb(S.download.total)} vs ${kb(O.download.total)}`);
  }
  else if (rc) {
    console.log(`record ${rc.status}`);
  }
  if (k && !k.modes[CALLS_MODES[0]].runs &&
      k.stacks.JsSIP !== 'ok') {
    console.log(`calls  JsSIP, sipshield: ${k.stacks.JsSIP}`);
  }
  else if (k) {
    let first = true;
    for (const [mode, M] of Object.entries(k.modes)) {
      const v = (lib) => {
        const med = M.medians && M.medians[PAIR[lib]];
        return med && Number.isFinite(med.dialToAudioBoth) ?
          fmt1(med.dialToAudioBoth) : k.stacks[lib] !== 'ok' ?
          k.stacks[lib] : M.status !== 'ok' ? M.status : 'n/a';
      };
      const q = M.ratios && M.ratios.dialToAudioBoth;
      const ratio = q ? `median ${fmt2(q.median)} (rounds: ` +
        `${q.perRound.map(fmt2).join(' ')})` : 'n/a';
      console.log(`${first ? 'calls  ' : '       '}dial->audio both ms ` +
        `median, ${mode}: sipshield ${v('sipshield')}  JsSIP ${v('JsSIP')}` +
        `  sipshield/JsSIP ${ratio}`);
      first = false;
    }
  }
}

async function main() {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const results = { meta: meta() };
  console.log(`bench: node ${process.version}, ${results.meta.cpus} cpus, ` +
    `load ${os.loadavg().map(fmt2).join(' ')}; JsSIP ` +
    `${results.meta.versions.jssip}, SIP.js ` +
    `${results.meta.versions['sip.js']}; sipshield from ` +
    `${path.relative(ROOT, DIST) || '.'}/`);
  /* size first: cold start imports the bundles it builds */
  if (ONLY.includes('size'))
    results.size = await benchSize();
  if (ONLY.includes('parse'))
    results.parse = await benchParse();
  if (ONLY.includes('sdp'))
    results.sdp = await benchSdp();
  if (ONLY.includes('cold'))
    results.cold = await benchCold(results.size);
  if (ONLY.includes('record'))
    results.record = await recorderSection();
  /* last: Chromium and the servers load the machine */
  if (ONLY.includes('calls')) {
    callsRunning = benchCalls();
    results.calls = await callsRunning;
  }
  results.meta.loadavgEnd = os.loadavg();
  results.meta.seconds = (performance.now() - t_start) / 1000;
  summary(results);
  const out = path.join(OUT_DIR, 'results.json');
  fs.writeFileSync(out, JSON.stringify(results, (k, v) =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v, 2) + '\n');
  console.log(`\nwrote ${path.relative(ROOT, out)} ` +
    `(${fmt1(results.meta.seconds)} s)`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
