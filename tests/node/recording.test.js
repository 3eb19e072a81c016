// Call recording (issue 11): the recorder module (dist/sipshield-recorder.wasm) encodes a
// generated call, 440 Hz on the left and 880 Hz on the right, and seals it in both modes;
// `sipshield recording decrypt` opens it; Debian's opusinfo accepts the Ogg Opus stream and
// opusdec decodes it to the same tones on the same channels, as long as what was written.
// Damaged or wrongly keyed files are refused with their reason and leave no output, keygen
// never overwrites and writes 0600, and the page's shim bundle does not carry the recorder.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from './support/servers.js';
import {
  loadRecorder, parseKey, toBase64, PUBLIC_KEY_PREFIX, RecordingError,
} from '../../shim/recorder-core.js';

const CLI = path.join(ROOT, 'shim/cli.js');
const RELEASE = path.join(ROOT, 'dist/sipshield-recorder.wasm');
const DEBUG = path.join(ROOT, 'build/wasm-debug/sipshield-recorder.wasm');
const RATE = 48000;
const SECONDS = 3;
const LEFT_HZ = 440;
const RIGHT_HZ = 880;
const TOOLS = spawnSync('opusinfo', ['-V'], { encoding: 'utf8' }).status === 0
  && spawnSync('opusdec', ['-V'], { encoding: 'utf8' }).status === 0;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { timeout: 30000, encoding: 'utf8', ...opts });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const cli = (args) => run(process.execPath, [CLI, ...args]);

/** Interleaved stereo float PCM: a tone per channel, at half scale */
function tones(frames) {
  const pcm = new Float32Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    pcm[2 * i] = 0.5 * Math.sin((2 * Math.PI * LEFT_HZ * i) / RATE);
    pcm[2 * i + 1] = 0.5 * Math.sin((2 * Math.PI * RIGHT_HZ * i) / RATE);
  }
  return pcm;
}

/** Record `pcm` in uneven pieces (as an AudioWorklet's 128-frame quanta would not be) */
function record(rc, opts, pcm) {
  const chunks = [];
  const rec = rc.record(opts, (c) => chunks.push(c));
  const piece = [128, 1000, 960, 7, 4800];
  for (let off = 0, i = 0; off < pcm.length; i++) {
    const n = piece[i % piece.length] * 2;
    rec.write(pcm.subarray(off, Math.min(pcm.length, off + n)));
    off += n;
  }
  rec.close();
  return Buffer.concat(chunks);
}

/** Power of one frequency in one channel of interleaved samples (Goertzel) */
function goertzel(samples, channels, ch, hz, rate) {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = ch; i < samples.length; i += channels) {
    const s0 = samples[i] + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - k * s1 * s2;
}

/** The PCM of a 16-bit WAV file (opusdec's output) */
function readWav(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.toString('ascii', 0, 4), 'RIFF');
  assert.equal(b.toString('ascii', 8, 12), 'WAVE');
  let fmt = null;
  for (let off = 12; off + 8 <= b.length;) {
    const id = b.toString('ascii', off, off + 4);
    // opusdec streams: a data chunk may claim more than the file has
    const size = Math.min(b.readUInt32LE(off + 4), b.length - off - 8);
    if (id === 'fmt ') {
      fmt = { channels: b.readUInt16LE(off + 10), rate: b.readUInt32LE(off + 12),
        bits: b.readUInt16LE(off + 22) };
    } else if (id === 'data') {
      assert.ok(fmt, 'fmt before data');
      assert.equal(fmt.bits, 16);
      const n = Math.floor(size / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = b.readInt16LE(off + 8 + 2 * i) / 32768;
      return { ...fmt, samples, frames: n / fmt.channels };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

/** Files left in a folder apart from the expected ones (no partial plaintext) */
function leftovers(dir, expected) {
  return fs.readdirSync(dir).filter((f) => !expected.includes(f));
}

describe('A call recorded, sealed and opened again', () => {
  let dir;
  let rc;
  let pcm;
  const key = crypto.getRandomValues(new Uint8Array(32));

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-rec-'));
    rc = await loadRecorder({ wasmBinary: fs.readFileSync(RELEASE) });
    pcm = tones(SECONDS * RATE);
    fs.writeFileSync(path.join(dir, 'key'), `${toBase64(key)}\n`);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('encodes faster than real time and says which encoder it is', (t) => {
    assert.equal(rc.version, 'libopus 1.3.1');
    record(rc, { key }, pcm);  // warm-up: the engine tiers up
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      record(rc, { key }, pcm);
      runs.push(performance.now() - t0);
    }
    const ms = runs.sort((a, b) => a - b)[1];
    t.diagnostic(`encode + seal ${SECONDS} s of stereo: ${ms.toFixed(1)} ms, `
      + `${((SECONDS * 1000) / ms).toFixed(1)}x real time (median of 3)`);
    assert.ok(ms < SECONDS * 1000, 'faster than real time');
  });

  for (const mode of ['key', 'recipient']) {
    for (const build of ['release', 'debug']) {
      it(`${mode} mode, ${build} build: the CLI opens it into Ogg Opus that opusinfo accepts, `
        + 'with 440 Hz left and 880 Hz right, 3 s long', async (t) => {
        if (!TOOLS) return t.skip('opusinfo/opusdec missing: apt-get install opus-tools (tools/setup.sh)');
        if (build === 'debug' && !fs.existsSync(DEBUG)) return t.skip(`${DEBUG} missing: make wasm-debug`);
        const m = build === 'release' ? rc : await loadRecorder({ wasmBinary: fs.readFileSync(DEBUG) });
        const base = `${mode}-${build}`;
        let opts;
        let keyArgs;
        if (mode === 'key') {
          opts = { key };
          keyArgs = ['--key-file', path.join(dir, 'key')];
        } else {
          const id = path.join(dir, `${base}.id`);
          const g = cli(['recording', 'keygen', '-o', id]);
          assert.equal(g.code, 0, g.err);
          assert.match(g.out, new RegExp(`^${PUBLIC_KEY_PREFIX}[A-Za-z0-9+/]{43}=\\n$`));
          opts = { recipient: parseKey(g.out, { publicKey: true }) };
          keyArgs = ['--identity', id];
        }
        const sealed = record(m, opts, pcm);
        const file = path.join(dir, `${base}.rec`);
        fs.writeFileSync(file, sealed);
        // the sealed file carries no Ogg page in the clear
        assert.equal(sealed.indexOf('OggS'), -1);
        assert.equal(sealed.indexOf('OpusHead'), -1);

        const d = cli(['recording', 'decrypt', file, ...keyArgs]);
        assert.equal(d.code, 0, d.err);
        const opus = path.join(dir, `${base}.opus`);  // FILE with .opus
        assert.ok(fs.existsSync(opus));
        assert.equal(fs.readFileSync(opus).toString('ascii', 0, 4), 'OggS');

        const info = run('opusinfo', [opus]);
        assert.equal(info.code, 0, info.out + info.err);
        assert.doesNotMatch(info.out + info.err, /WARNING|ERROR/i, info.out + info.err);
        assert.match(info.out, /Channels: 2\n/);
        assert.match(info.out, /Original sample rate: 48000\s*Hz/);
        assert.match(info.out, /Encoded with sipshield libopus 1\.3\.1\n/);  // the vendor string
        const len = info.out.match(/Playback length: (\d+)m:([\d.]+)s/);
        assert.ok(len, info.out);
        assert.ok(Math.abs(Number(len[1]) * 60 + Number(len[2]) - SECONDS) <= 0.04, len[0]);

        const wav = path.join(dir, `${base}.wav`);
        const dec = run('opusdec', ['--rate', '48000', opus, wav]);
        assert.equal(dec.code, 0, dec.err);
        const w = readWav(wav);
        assert.equal(w.channels, 2);
        assert.equal(w.rate, RATE);
        assert.ok(Math.abs(w.frames / RATE - SECONDS) <= 0.04, `${w.frames} frames`);
        const p = (ch, hz) => goertzel(w.samples, 2, ch, hz, RATE);
        const left = p(0, LEFT_HZ) / p(0, RIGHT_HZ);
        const right = p(1, RIGHT_HZ) / p(1, LEFT_HZ);
        t.diagnostic(`left 440/880 Hz power ${left.toExponential(1)}, right 880/440 Hz ${right.toExponential(1)}`);
        assert.ok(left > 100, `left channel is 440 Hz (ratio ${left})`);
        assert.ok(right > 100, `right channel is 880 Hz (ratio ${right})`);
      });
    }
  }

  describe('a damaged or wrongly keyed file is refused: exit 1, its reason, no output', () => {
    let good;
    before(() => { good = record(rc, { key }, pcm.subarray(0, RATE)); });

    /** decrypt `bytes` with the key file `keyFile`; the folder must hold nothing new */
    function refused(name, bytes, reason, keyFile = path.join(dir, 'key')) {
      const sub = fs.mkdtempSync(path.join(dir, `${name}-`));
      const file = path.join(sub, `${name}.rec`);
      fs.writeFileSync(file, bytes);
      const r = cli(['recording', 'decrypt', file, '--key-file', keyFile, '-o', path.join(sub, 'out.opus')]);
      assert.equal(r.code, 1, r.err);
      assert.match(r.err, new RegExp(`refused: ${reason}\\b`));
      assert.match(r.err, /no output written/);
      assert.deepEqual(leftovers(sub, [`${name}.rec`]), []);
    }

    it('the good file opens (the control)', () => {
      const file = path.join(dir, 'good.rec');
      fs.writeFileSync(file, good);
      const r = cli(['recording', 'decrypt', file, '--key-file', path.join(dir, 'key'), '-o',
        path.join(dir, 'good-out.opus')]);
      assert.equal(r.code, 0, r.err);
    });

    it('a flipped bit in the middle: tampered', () => {
      const b = Buffer.from(good);
      b[b.length >> 1] ^= 0x10;
      refused('tampered', b, 'tampered');
    });

    it('the last bytes missing: truncated', () => {
      refused('truncated', good.subarray(0, good.length - 5), 'truncated');
    });

    it('cut in the middle: truncated', () => {
      refused('halved', good.subarray(0, good.length >> 1), 'truncated');
    });

    it('another key: wrong-key', () => {
      const other = path.join(dir, 'other.key');
      fs.writeFileSync(other, `${toBase64(crypto.getRandomValues(new Uint8Array(32)))}\n`);
      refused('wrongkey', good, 'wrong-key', other);
    });

    it('an identity that is not the recipient: wrong-key', () => {
      const priv = rc.keygen();
      const pubOfAnother = rc.keygen().publicKey;
      const sealed = record(rc, { recipient: pubOfAnother }, pcm.subarray(0, RATE));
      const id = path.join(dir, 'not-the-recipient.id');
      fs.writeFileSync(id, `${toBase64(priv.privateKey)}\n`);
      refused('wrongid', sealed, 'wrong-key', id);
    });

    it('an Ogg Opus file, not a recording: not-a-recording', () => {
      refused('plain', fs.readFileSync(path.join(dir, 'good-out.opus')), 'not-a-recording');
    });

    it('an empty file: not a whole recording', () => {
      refused('empty', Buffer.alloc(0), '(not-a-recording|truncated)');
    });
  });
});

describe('sipshield recording keygen', () => {
  let dir;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-keygen-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes one line of base64 with mode 0600 and prints the prefixed public key', () => {
    const id = path.join(dir, 'id');
    const r = cli(['recording', 'keygen', '-o', id]);
    assert.equal(r.code, 0, r.err);
    assert.equal(fs.statSync(id).mode & 0o777, 0o600);
    assert.match(fs.readFileSync(id, 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
    assert.match(r.out, /^sipshield-x25519-v1:[A-Za-z0-9+/]{43}=\n$/);
    assert.notEqual(r.out.trim().slice(PUBLIC_KEY_PREFIX.length), fs.readFileSync(id, 'utf8').trim());
  });

  it('refuses to overwrite an existing file (exit 1, the file unchanged)', () => {
    const id = path.join(dir, 'taken');
    fs.writeFileSync(id, 'precious\n');
    const r = cli(['recording', 'keygen', '-o', id]);
    assert.equal(r.code, 1);
    assert.match(r.err, /exists: refusing to overwrite/);
    assert.equal(r.out, '');
    assert.equal(fs.readFileSync(id, 'utf8'), 'precious\n');
  });

  it('a public key is not a key file', () => {
    const id = path.join(dir, 'id2');
    const pub = path.join(dir, 'pub');
    fs.writeFileSync(pub, cli(['recording', 'keygen', '-o', id]).out);
    const r = cli(['recording', 'decrypt', id, '--identity', pub]);
    assert.equal(r.code, 2);
    assert.match(r.err, /recipient public key, not a private or symmetric key/);
  });

  it('usage errors exit 2', () => {
    for (const args of [['recording'], ['recording', 'keygen'], ['recording', 'keygen', '-o'],
      ['recording', 'keygen', '-o', 'a', 'b'], ['recording', 'decrypt', 'f'],
      ['recording', 'decrypt', 'f', '--key-file', 'k', '--identity', 'i'],
      ['recording', 'decrypt', '--key-file', 'k'], ['recording', 'nope'],
      ['recording', 'decrypt', 'f', '--key-file', 'k', '--bogus']]) {
      const r = cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /usage: /);
    }
  });
});

describe('The recorder module\'s exports, misused', () => {
  let x;
  before(async () => {
    const { instance } = await WebAssembly.instantiate(fs.readFileSync(RELEASE), {
      env: { spjs_random: () => {}, sprec_out: () => 0, sprec_plain: () => 0,
        emscripten_notify_memory_growth: () => {} },
      wasi_snapshot_preview1: { proc_exit: (c) => { throw new Error(`exit ${c}`); } },
    });
    x = instance.exports;
    x._initialize();
  });
  const ENOENT = 44;
  const EINVAL = 28;

  it('stale or made-up handles are ENOENT', () => {
    assert.equal(x.rec_write(12345, 0, 0), ENOENT);
    assert.equal(x.rec_close(12345), ENOENT);
    assert.equal(x.rec_opener_write(12345, 0, 0), -ENOENT);
    assert.equal(x.rec_opener_close(12345), -ENOENT);
    assert.equal(x.rec_write(0, 0, 0), ENOENT);
    assert.equal(x.rec_write(-1, 0, 0), ENOENT);
  });

  it('NULL key, unknown mode, bitrate or channels out of bounds are EINVAL', () => {
    const k = x.rec_malloc(32);
    assert.equal(x.rec_open(1, 0, 0, 0), -EINVAL);
    assert.equal(x.rec_open(3, k, 0, 0), -EINVAL);
    assert.equal(x.rec_open(0, k, 0, 0), -EINVAL);
    assert.equal(x.rec_open(1, k, 1000, 0), -EINVAL);
    assert.equal(x.rec_open(1, k, 10000000, 0), -EINVAL);
    assert.equal(x.rec_open(1, k, -5, 0), -EINVAL);
    assert.equal(x.rec_open(1, k, 0, 3), -EINVAL);
    assert.equal(x.rec_opener_new(0), -EINVAL);
    assert.equal(x.rec_keygen(0, k), EINVAL);
    x.rec_free(k);
  });

  it('negative lengths and NULL buffers are EINVAL; a closed handle is gone', () => {
    const k = x.rec_malloc(32);
    const h = x.rec_open(1, k, 0, 0);
    assert.ok(h > 0);
    assert.equal(x.rec_write(h, 0, 5), EINVAL);
    assert.equal(x.rec_write(h, k, -1), EINVAL);
    assert.equal(x.rec_write(h, 0, 0), 0);
    assert.equal(x.rec_close(h), 0);
    assert.equal(x.rec_close(h), ENOENT);
    const o = x.rec_opener_new(k);
    assert.ok(o > 0);
    assert.equal(x.rec_opener_write(o, 0, 3), -EINVAL);
    assert.equal(x.rec_opener_write(o, k, -1), -EINVAL);
    assert.ok(x.rec_opener_close(o) > 0, 'an empty file is refused');
    assert.equal(x.rec_opener_close(o), -ENOENT);
    x.rec_free(k);
  });

  it('an unknown reason code names itself unknown; malloc(0) is NULL, free(NULL) is harmless', () => {
    const str = (p) => {
      const h = new Uint8Array(x.memory.buffer);
      return Buffer.from(h.subarray(p, h.indexOf(0, p))).toString('latin1');
    };
    assert.equal(str(x.rec_reason(999)), 'unknown');
    assert.equal(str(x.rec_reason(-1)), 'unknown');
    assert.equal(str(x.rec_version()), 'libopus 1.3.1');
    assert.equal(x.rec_malloc(0), 0);
    x.rec_free(0);
  });

  it('the loader refuses short keys, bad PCM and use after close', async () => {
    const rc = await loadRecorder({ wasmBinary: fs.readFileSync(RELEASE) });
    assert.throws(() => rc.record({ key: new Uint8Array(31) }, () => {}),
      (e) => e instanceof RecordingError && e.code === 'invalid-argument');
    assert.throws(() => rc.record({ key: new Uint8Array(32), bitrate: 1000 }, () => {}),
      (e) => e instanceof RecordingError && e.code === 'invalid-argument');
    const rec = rc.record({ key: new Uint8Array(32) }, () => {});
    assert.throws(() => rec.write(new Float32Array(3)), /2-channel frames/);
    rec.close();
    assert.throws(() => rec.write(new Float32Array(2)), (e) => e.code === 'closed');
    assert.throws(() => rc.open(new Uint8Array(5), () => {}), (e) => e.code === 'invalid-argument');
  });

  it('a consumer that throws stops the recording with its own error', async () => {
    const rc = await loadRecorder({ wasmBinary: fs.readFileSync(RELEASE) });
    let n = 0;
    const boom = new Error('disk full');
    const rec = rc.record({ key: new Uint8Array(32) }, () => { if (++n > 1) throw boom; });
    assert.throws(() => {
      for (let i = 0; i < 100; i++) rec.write(tones(RATE));
      rec.close();
    }, (e) => e === boom);
    rec.abort();
  });
});

describe('The page does not download the recorder', () => {
  it('a bundle of shim/index.js holds no recorder code or name', async () => {
    const r = await esbuild.build({
      entryPoints: [path.join(ROOT, 'shim/index.js')], bundle: true, write: false,
      format: 'esm', platform: 'browser', metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile.inputs);
    assert.ok(inputs.some((f) => f.endsWith('shim/phone.js')), 'the bundle is the shim');
    assert.deepEqual(inputs.filter((f) => /recorder/.test(f)), []);
    const text = r.outputFiles.map((f) => f.text).join('');
    for (const name of ['sipshield-recorder', 'rec_open', 'sprec_', 'loadRecorder', 'RecordingError',
      PUBLIC_KEY_PREFIX]) {
      assert.ok(!text.includes(name), `${name} in the page bundle`);
    }
  });

  it('nor does the CommonJS bundle', () => {
    const cjs = fs.readFileSync(path.join(ROOT, 'dist/cjs/index.cjs'), 'utf8');
    assert.ok(!/sipshield-recorder|rec_open|sprec_/.test(cjs));
  });
});
