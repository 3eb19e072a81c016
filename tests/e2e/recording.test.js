// E2E: call recording (issue 11) in Chromium, through Kamailio and coturn, under the widget's
// strict CSP. Each side's fake microphone plays a known tone (a WAV made here: 440 Hz for alice,
// 880 Hz for bob; one Chromium per side, --use-file-for-fake-audio-capture). Alice records;
// the sealed file leaves the page as bytes, the CLI opens it, opusinfo accepts it, opusdec decodes
// it, and a Goertzel filter finds alice's tone on the left and bob's on the right, for as long as
// the page recorded. Also: the data chunks are the file, mute and hold are silence (not a shorter
// file), a pause is cut out, a hang-up ends the file whole, a tampered copy is refused; the
// script-tag widget loads the recorder only when a recording starts, a module page after
// `import 'sipshield/record'`. The format and the CLI's own cases are tests/node/recording.test.js.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { REALM, ROOT } from '../node/support/servers.js';
import { CHROMIUM, CHROMIUM_ARGS } from './support.js';
import { widgetPage, startWidgetRig, openPage, waitReg, audioBothWays } from './widget-support.js';

const CALL_MS = 20000;
const RATE = 48000;
const TONES = { alice: 440, bob: 880 };
/** the decoded file's length against the page's recorded time */
const DURATION_TOLERANCE_S = 0.15;
const CLI = path.join(ROOT, 'shim/cli.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A 48 kHz mono 16-bit WAV of one tone (a whole number of periods: it loops without a click) */
function toneWav(file, hz, seconds = 1) {
  const n = RATE * seconds;
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write('WAVE', 8);
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(RATE, 24); buf.writeUInt32LE(RATE * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34);
  buf.write('data', 36); buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(0.5 * 32767 * Math.sin(2 * Math.PI * hz * i / RATE)), 44 + 2 * i);
  fs.writeFileSync(file, buf);
}

/** The samples of a 16-bit PCM WAV (opusdec --force-wav), per channel, as floats */
function readWav(file) {
  const b = fs.readFileSync(file);
  let off = 12;
  let channels = 0;
  let rate = 0;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    let size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') {
      channels = b.readUInt16LE(off + 10);
      rate = b.readUInt32LE(off + 12);
    }
    if (id === 'data') {
      // opusdec writing to a file fixes the size; a streamed one may leave it unset
      if (size === 0 || size === 0xffffffff || off + 8 + size > b.length) size = b.length - off - 8;
      const frames = Math.floor(size / 2 / channels);
      const ch = Array.from({ length: channels }, () => new Float32Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < channels; c++) ch[c][i] = b.readInt16LE(off + 8 + 2 * (i * channels + c)) / 32768;
      }
      return { channels, rate, ch, seconds: frames / rate };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`no data chunk in ${file}`);
}

/** Goertzel: the power of `hz` in x[from, to) (per sample) */
function power(x, hz, from, to) {
  const k = 2 * Math.cos(2 * Math.PI * hz / RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s = x[i] + k * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / ((to - from) ** 2);
}

function rms(x, from, to) {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / Math.max(1, to - from));
}

/** The tones of a span [a, b) seconds of each channel */
function tonesIn(wav, a, b) {
  const from = Math.max(0, Math.round(a * RATE));
  const to = Math.min(wav.ch[0].length, Math.round(b * RATE));
  return wav.ch.map((x) => ({ p440: power(x, 440, from, to), p880: power(x, 880, from, to), rms: rms(x, from, to) }));
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

describe('Alice records a call with Bob, sealed in her page', () => {
  let rig, kam, web, dir;
  /** one Chromium per side: each has its own fake microphone */
  const browsers = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-rec-e2e-'));
    rig = await startWidgetRig();
    ({ kam, web } = rig);
    for (const [user, hz] of Object.entries(TONES)) {
      const wav = path.join(dir, `${user}-${hz}.wav`);
      toneWav(wav, hz);
      browsers[user] = await chromium.launch({ executablePath: CHROMIUM, timeout: 30000,
        args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`] });
    }
  });
  after(async () => {
    await rig?.stop();
    for (const b of Object.values(browsers)) await b.close().catch(() => {});
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function widget(name, user, options) {
    const url = widgetPage(`rec-${name}`, { server: kam.url, uri: `sip:${user}@${REALM}`, 'display-name': user,
      'credentials-url': '/sip-credentials', 'ice-servers-url': '/sip-credentials' }, options);
    const p = await openPage(browsers[user], `${web.url}${url}`, { login: { origin: web.url, user } });
    rig.open.push(p);
    await waitReg(p.page, 'registered');
    return p;
  }

  /** alice calls bob, bob answers; both hear each other */
  async function connect(alice, bob) {
    await alice.page.evaluate((to) => { void document.querySelector('sip-phone').call(to); }, `sip:bob@${REALM}`);
    await bob.page.getByRole('button', { name: 'Answer' }).click({ timeout: CALL_MS });
    for (const p of [alice, bob]) {
      await p.page.waitForFunction(() => window.__widgetTest.events.some((e) => e.type === 'sip-call-accepted'),
        null, { timeout: CALL_MS });
    }
    await audioBothWays(alice.page, bob.page, CALL_MS);
  }

  /** Start a recording in the page; `how`: the widget's record(), or call.record() */
  function startRecording(page, options, how = 'element') {
    return page.evaluate(async ({ options, how }) => {
      const el = document.querySelector('sip-phone');
      const call = el.phone.calls[0];
      const rec = how === 'element' ? await el.record(options) : await call.record(options);
      const t0 = performance.now();
      const r = { rec, t0, chunks: [], marks: {}, paused: 0, states: [] };
      rec.on('data', (c) => r.chunks.push(c));
      call.on('recording', (e) => r.states.push(e.state));
      window.__rec = r;
      return { state: rec.state, same: call.recording === rec };
    }, { options, how });
  }

  /**
   * Run `action` on alice's call (mute, unmute, hold, unhold) and note the time in the
   * recording's clock: `before` the action started, or once it is done
   */
  function act(page, action, name, when = 'after') {
    return page.evaluate(async ({ action, name, when }) => {
      const r = window.__rec;
      const call = document.querySelector('sip-phone').phone.calls[0];
      const now = () => (performance.now() - r.t0) / 1000;
      if (when === 'before') r.marks[name] = now();
      await { mute: () => call.mute(true), unmute: () => call.mute(false), hold: () => call.hold(),
        unhold: () => call.unhold() }[action]();
      if (when === 'after') r.marks[name] = now();
    }, { action, name, when });
  }

  /**
   * Stop (or, `ended`, wait for the stop the call's end made) and hand the file over: its
   * bytes (base64), the recorded time, whether the data chunks are the file
   */
  function finish(page, { ended = false, element = false } = {}) {
    return page.evaluate(async ({ ended, element }) => {
      const r = window.__rec;
      const t1 = performance.now();
      const blob = await (element ? document.querySelector('sip-phone').stopRecording() : r.rec.stop());
      const stopped = ended ? r.marks.ended : (t1 - r.t0) / 1000;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      const joined = new Uint8Array(await new Blob(r.chunks).arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      const call = document.querySelector('sip-phone').phone?.calls[0];
      return { b64: btoa(s), type: blob.type, seconds: stopped - r.paused, marks: r.marks,
        chunksAreFile: joined.length === bytes.length && joined.every((b, i) => b === bytes[i]),
        chunks: r.chunks.length, state: r.rec.state, states: r.states, recording: call ? call.recording === null : true };
    }, { ended, element });
  }

  /** Open with the CLI, check with opusinfo, decode with opusdec: the decoded WAV */
  function decode(name, b64, secretArgs) {
    const sealed = path.join(dir, `${name}.rec`);
    fs.writeFileSync(sealed, Buffer.from(b64, 'base64'));
    const opus = path.join(dir, `${name}.opus`);
    const r = run(process.execPath, [CLI, 'recording', 'decrypt', sealed, ...secretArgs, '-o', opus]);
    assert.equal(r.status, 0, r.out);
    const info = run('opusinfo', [opus]);
    assert.equal(info.status, 0, info.out);
    assert.match(info.out, /Channels: 2/);
    const wavFile = path.join(dir, `${name}.wav`);
    const dec = run('opusdec', ['--rate', '48000', '--force-wav', opus, wavFile]);
    assert.equal(dec.status, 0, dec.out);
    const wav = readWav(wavFile);
    assert.equal(wav.channels, 2);
    assert.equal(wav.rate, RATE);
    return { wav, sealed };
  }

  /** Left (what alice sends) has 440 Hz, right (what bob sends) 880 Hz, in [a, b) */
  function assertTones(wav, a, b, what) {
    const [l, r] = tonesIn(wav, a, b);
    assert.ok(l.p440 > 20 * l.p880 && l.rms > 0.005, `${what}: left is alice's 440 Hz ${JSON.stringify(l)}`);
    assert.ok(r.p880 > 20 * r.p440 && r.rms > 0.005, `${what}: right is bob's 880 Hz ${JSON.stringify(r)}`);
  }

  /** A channel silent in [a, b): under 2 % of its level elsewhere */
  function assertSilent(wav, channel, a, b, loud, what) {
    const q = tonesIn(wav, a, b)[channel];
    assert.ok(q.rms < 0.02 * loud, `${what}: silent ${JSON.stringify(q)} (elsewhere rms ${loud})`);
  }

  /** where the measured lengths go (the running test's diagnostics) */
  let note = (/** @type {string} */ text) => void text;

  function assertDuration(wav, seconds, what) {
    note(`${what}: decoded ${wav.seconds.toFixed(3)} s, recorded ${seconds.toFixed(3)} s`);
    assert.ok(Math.abs(wav.seconds - seconds) <= DURATION_TOLERANCE_S,
      `${what}: decoded ${wav.seconds.toFixed(3)} s, recorded ${seconds.toFixed(3)} s`);
  }

  it('the script-tag widget: key mode with mute and a pause, recipient mode with hold, a hang-up mid-recording', async (t) => {
    note = (text) => t.diagnostic(text);
    const alice = await widget('alice', 'alice');
    const bob = await widget('bob', 'bob');
    // nothing of the recorder is fetched before a recording starts
    const fetched = [];
    alice.page.on('request', (r) => { if (/sipshield-record|recorder/.test(r.url())) fetched.push(new URL(r.url()).pathname); });
    await connect(alice, bob);
    assert.deepEqual(fetched, []);
    const ui = alice.page.locator('sip-phone [part~="recording"]');
    assert.equal(await ui.isVisible(), false);

    // 1. key mode (a base64 line, as in a key file): 3 s; alice muted in [1.0, 1.8); paused [2.2, 2.7)
    const key = crypto.randomBytes(32).toString('base64');
    const keyFile = path.join(dir, 'key');
    fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
    assert.deepEqual(await startRecording(alice.page, { key }), { state: 'recording', same: true });
    // (the worklet's fetch is not one of the page's requests: it shows in no event)
    assert.deepEqual(fetched.sort(), ['/dist/sipshield-record-worker.js', '/dist/sipshield-record.js',
      '/dist/sipshield-recorder.wasm']);
    assert.equal(await ui.textContent(), '● Recording');
    assert.equal(await ui.getAttribute('role'), 'status');
    await sleep(1000);
    await act(alice.page, 'mute', 'muted');
    await sleep(800);
    await act(alice.page, 'unmute', 'unmuted', 'before');
    await sleep(400);
    await alice.page.evaluate(() => {
      const r = window.__rec;
      r.rec.pause();
      r.pausedAt = performance.now();
    });
    assert.equal(await ui.textContent(), 'Recording paused');
    await sleep(500);
    await alice.page.evaluate(() => {
      const r = window.__rec;
      r.rec.resume();
      r.paused += (performance.now() - r.pausedAt) / 1000;
    });
    await sleep(800);
    const one = await finish(alice.page);
    assert.equal(one.type, 'application/octet-stream');
    assert.ok(one.chunksAreFile, 'the data chunks, joined, are the file');
    assert.ok(one.chunks >= 2, `chunks: ${one.chunks}`);
    assert.equal(one.state, 'stopped');
    assert.deepEqual(one.states, ['paused', 'recording', 'stopped']);
    assert.equal(one.recording, true, 'call.recording is null again');
    assert.equal(await ui.isVisible(), false);
    const { wav: w1, sealed: s1 } = decode('key', one.b64, ['--key-file', keyFile]);
    assertDuration(w1, one.seconds, 'key mode');
    const { muted, unmuted } = one.marks;
    assertTones(w1, 0.1, muted - 0.1, 'before mute');
    assertTones(w1, unmuted + 0.15, w1.seconds - 0.1, 'after unmute and the pause');
    const loud = tonesIn(w1, 0.1, muted - 0.1)[0].rms;
    assertSilent(w1, 0, muted + 0.1, unmuted - 0.1, loud, 'muted: left');
    const [, right] = tonesIn(w1, muted + 0.1, unmuted - 0.1);
    assert.ok(right.p880 > 20 * right.p440 && right.rms > 0.005, `muted: bob still on the right ${JSON.stringify(right)}`);

    // a tampered copy (one bit of its middle) is refused
    const bad = Buffer.from(fs.readFileSync(s1));
    bad[bad.length >> 1] ^= 0x01;
    const tampered = path.join(dir, 'tampered.rec');
    fs.writeFileSync(tampered, bad);
    const refused = run(process.execPath, [CLI, 'recording', 'decrypt', tampered, '--key-file', keyFile,
      '-o', path.join(dir, 'tampered.opus')]);
    assert.equal(refused.status, 1, refused.out);
    assert.match(refused.out, /tampered/);
    assert.equal(fs.existsSync(path.join(dir, 'tampered.opus')), false);

    // 2. recipient mode (the key pair from the CLI): 3.5 s, alice holds in [1.0, ~2.5)
    const identity = path.join(dir, 'identity');
    const kg = run(process.execPath, [CLI, 'recording', 'keygen', '-o', identity]);
    assert.equal(kg.status, 0, kg.out);
    const recipient = kg.stdout.trim();
    assert.match(recipient, /^sipshield-x25519-v1:/);
    await startRecording(alice.page, { recipient, bitrate: 48000 });
    await sleep(1000);
    await act(alice.page, 'hold', 'held');
    await sleep(1500);
    await act(alice.page, 'unhold', 'resumed', 'before');
    await sleep(1000);
    const two = await finish(alice.page, { element: true });
    assert.ok(two.chunksAreFile);
    const { wav: w2 } = decode('recipient', two.b64, ['--identity', identity]);
    assertDuration(w2, two.seconds, 'recipient mode');
    assertTones(w2, 0.1, 0.9, 'before hold');
    // held: bob sends nothing, so the right is silence; alice's microphone still goes out
    const heldRight = tonesIn(w2, 0.1, 0.9)[1].rms;
    assertSilent(w2, 1, two.marks.held + 0.3, two.marks.resumed - 0.1, heldRight, 'held: right');
    const [heldLeft] = tonesIn(w2, two.marks.held + 0.3, two.marks.resumed - 0.1);
    assert.ok(heldLeft.p440 > 20 * heldLeft.p880 && heldLeft.rms > 0.005, `held: alice on the left ${JSON.stringify(heldLeft)}`);
    assertTones(w2, two.marks.resumed + 0.5, w2.seconds - 0.1, 'after resume');
    // the key file of mode 1 does not open mode 2
    const wrong = run(process.execPath, [CLI, 'recording', 'decrypt', path.join(dir, 'recipient.rec'),
      '--key-file', keyFile, '-o', path.join(dir, 'wrong.opus')]);
    assert.equal(wrong.status, 1, wrong.out);

    // 3. bob hangs up while alice records: the recording ends with the call, the file whole
    await startRecording(alice.page, { key: new Uint8Array(Buffer.from(key, 'base64')) });
    await alice.page.evaluate(() => {
      const call = document.querySelector('sip-phone').phone.calls[0];
      call.on('ended', () => { window.__rec.marks.ended = (performance.now() - window.__rec.t0) / 1000; });
    });
    await sleep(1500);
    await bob.page.getByRole('button', { name: 'Hang up' }).click();
    await alice.page.waitForFunction(() => window.__rec.states.includes('stopped'), null, { timeout: CALL_MS });
    const three = await finish(alice.page, { ended: true });
    assert.ok(three.chunksAreFile);
    assert.equal(three.state, 'stopped');
    const { wav: w3 } = decode('hangup', three.b64, ['--key-file', keyFile]);
    assertDuration(w3, three.seconds, 'ended by the hang-up');
    assertTones(w3, 0.1, three.seconds - 0.3, 'until the hang-up');

    const events = (await alice.events()).filter((e) => e.type === 'sip-recording').map((e) => e.detail.state);
    assert.deepEqual(events, ['recording', 'paused', 'recording', 'stopped', 'recording', 'stopped', 'recording', 'stopped']);
    // no CSP violation, no console error; no key in the console
    assert.deepEqual([...await alice.problems(), ...await bob.problems()], []);
    assert.ok(!alice.logs.some((l) => l.includes(key)));
  });

  it('a module page (as with a bundler): call.record() says what to import, then records after import; a busy page makes no gap', async (t) => {
    note = (text) => t.diagnostic(text);
    const alice = await widget('module-alice', 'alice', { module: true });
    const bob = await widget('module-bob', 'bob', { module: true });
    await connect(alice, bob);
    const refused = await alice.page.evaluate(() => document.querySelector('sip-phone').phone.calls[0]
      .record({ key: new Uint8Array(32) }).then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message })));
    assert.deepEqual(refused, { name: 'PhoneError', code: 'recording-unavailable',
      message: "recording-unavailable: import 'sipshield/record' first" });
    await alice.page.evaluate(() => import('/shim/record.js'));
    // bad arguments: a clear code, and the call goes on
    const bad = await alice.page.evaluate(async () => {
      const call = document.querySelector('sip-phone').phone.calls[0];
      const codes = [];
      for (const o of [{}, { key: new Uint8Array(16) }, { key: 'not base64' }, { recipient: 'sipshield-x25519-v1:AAAA' },
        { key: new Uint8Array(32), recipient: new Uint8Array(32) }, { key: new Uint8Array(32), bitrate: -1 }]) {
        codes.push(await call.record(o).then(() => 'recorded', (e) => `${e.name} ${e.code}`));
      }
      return { codes, state: call.state, recording: call.recording };
    });
    assert.deepEqual(bad, { codes: Array(6).fill('PhoneError invalid-argument'), state: 'active', recording: null });

    const key = crypto.randomBytes(32);
    const keyFile = path.join(dir, 'module-key');
    fs.writeFileSync(keyFile, `${key.toString('base64')}\n`);
    await startRecording(alice.page, { key: new Uint8Array(key) }, 'call');
    // one at a time
    const again = await alice.page.evaluate(() => document.querySelector('sip-phone').phone.calls[0]
      .record({ key: new Uint8Array(32) }).then(() => 'recorded', (e) => e.code));
    assert.equal(again, 'invalid-state');
    await sleep(500);
    // the page's main thread busy for 800 ms: PCM goes worklet -> Worker, so no gap
    await alice.page.evaluate(() => {
      const end = performance.now() + 800;
      while (performance.now() < end) { /* busy */ }
    });
    await sleep(700);
    const r = await finish(alice.page);
    assert.ok(r.chunksAreFile);
    const { wav } = decode('module', r.b64, ['--key-file', keyFile]);
    assertDuration(wav, r.seconds, 'module page');
    assertTones(wav, 0.1, wav.seconds - 0.1, 'module page');
    for (let a = 0.1; a + 0.2 < wav.seconds - 0.1; a += 0.1) assertTones(wav, a, a + 0.2, `module page at ${a.toFixed(1)} s`);
    assert.deepEqual([...await alice.problems(), ...await bob.problems()], []);
  });
});
