// The CLI: `sipshield check-sip FILE|-` runs the wasm core's parser on one message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './support/servers.js';

const CLI = path.join(ROOT, 'shim/cli.js');
const VEC = path.join(ROOT, 'tests/vectors');

function run(args, input) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, timeout: 20000, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('sipshield check-sip', () => {
  it('prints the parsed summary of a valid INVITE and exits 0', () => {
    const r = run(['check-sip', path.join(VEC, 'bench/04-INVITE-wss-chrome-audio-video-offer.sip')]);
    assert.equal(r.code, 0, r.err);
    const v = JSON.parse(r.out);
    assert.equal(v.ok, true);
    assert.equal(v.kind, 'request');
    assert.equal(v.method, 'INVITE');
    assert.equal(typeof v.callid, 'string');
    assert.equal(v.cseq.method, 'INVITE');
    assert.ok(v.via >= 1);
  });

  it('reads stdin with -', () => {
    const msg = fs.readFileSync(path.join(VEC, 'bench/05-180-INVITE-ringing.sip'));
    const r = run(['check-sip', '-'], msg);
    assert.equal(r.code, 0, r.err);
    const v = JSON.parse(r.out);
    assert.equal(v.kind, 'response');
    assert.equal(v.status, 180);
  });

  it('gives each hostile vector the verdict its sidecar expects (exit 1 when refused)', () => {
    const hostile = fs.readdirSync(path.join(VEC, 'sip')).filter((n) => n.startsWith('HOSTILE-') && n.endsWith('.sip'));
    assert.ok(hostile.length >= 10);
    for (const f of hostile) {
      const expect = fs.readFileSync(path.join(VEC, 'sip', f.replace(/\.sip$/, '.expect')), 'utf8').split('\n')[1].trim();
      const r = run(['check-sip', path.join(VEC, 'sip', f)]);
      const v = JSON.parse(r.out);
      if (expect === 'ok') {
        assert.equal(r.code, 0, `${f}: ${r.out}${r.err}`);
        assert.equal(v.ok, true);
      } else {
        assert.equal(r.code, 1, `${f}: ${r.out}${r.err}`);
        assert.equal(v.ok, false);
        assert.equal(`reason=${v.reason}`, expect, f);
      }
    }
  });

  it('empty stdin is refused, not a crash', () => {
    const r = run(['check-sip', '-'], '');
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.out).ok, false);
  });

  it('check-sdp: an SDP over the command limit is refused too-large (exit 1), not an internal error', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-cli-')), 'huge.sdp');
    try {
      fs.writeFileSync(file, `v=0\r\n${'a=x\r\n'.repeat(70000)}`);
      const r = run(['check-sdp', file]);
      assert.equal(r.code, 1, r.err);
      const v = JSON.parse(r.out);
      assert.equal(v.ok, false);
      assert.equal(v.reason, 'too-large');
      assert.equal(r.err, '');
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('usage and I/O errors exit 2', () => {
    assert.equal(run([]).code, 2);
    assert.equal(run(['check-sdp', 'x']).code, 2);
    assert.equal(run(['check-sip']).code, 2);
    assert.equal(run(['check-sip', '/nonexistent/file.sip']).code, 2);
  });
});
