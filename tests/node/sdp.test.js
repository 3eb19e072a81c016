// The SDP policy through the shim and the CLI: every vector in tests/vectors/sdp gets the
// verdict its sidecar names (remote, and local per privacy mode, with the rewritten SDP
// compared byte for byte where an expected output file exists).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadCore } from '../../shim/index.js';
import { checkSdp, loadCheckCore } from '../../shim/check.js';
import { internal } from '../../shim/internal.js';
import { ROOT } from './support/servers.js';

const DIR = path.join(ROOT, 'tests/vectors/sdp');
const CLI = path.join(ROOT, 'shim/cli.js');

/** @returns {{ name: string, sdp: string, expect: Map<string, string> }[]} */
function vectors() {
  return fs.readdirSync(DIR)
    .filter((f) => f.endsWith('.sdp') && !/\.local-(mdns|relay|off)\.sdp$/.test(f))
    .map((f) => {
      const name = f.slice(0, -4);
      const expect = new Map();
      const side = path.join(DIR, `${name}.expect`);
      if (fs.existsSync(side)) {
        for (const line of fs.readFileSync(side, 'utf8').split('\n').slice(1)) {
          const m = /^(remote|local-mdns|local-relay|local-off): (.*)$/.exec(line.trim());
          if (m) expect.set(m[1], m[2].trim());
        }
      }
      return { name, sdp: fs.readFileSync(path.join(DIR, f), 'latin1'), expect };
    });
}

/** "ok" or "reason=X line=N" (line optional in the sidecar) against a verdict */
function matches(want, v) {
  if (want === 'ok') return v.ok === true;
  const m = /^reason=([a-z-]+)(?: line=(\d+))?/.exec(want);
  return !!m && v.ok === false && v.reason === m[1] && (m[2] === undefined || Number(m[2]) === v.line);
}

describe('SDP policy vectors through the wasm core', () => {
  it('every sidecar verdict holds, and local rewrites are byte-exact', async () => {
    const core = await loadCheckCore();
    const all = vectors();
    assert.ok(all.length >= 50, `${all.length} vectors`);
    let checked = 0;
    for (const { name, sdp, expect } of all) {
      for (const [mode, want] of expect) {
        const [direction, privacy] = mode === 'remote' ? ['remote', 'mdns'] : ['local', mode.slice(6)];
        const v = checkSdp(core, sdp, { direction, privacy: /** @type {any} */ (privacy) });
        assert.ok(matches(want, v), `${name} ${mode}: want ${want}, got ${JSON.stringify({ ...v, sdp: undefined })}`);
        const out = path.join(DIR, `${name}.${mode}.sdp`);
        if (v.ok && direction === 'local' && fs.existsSync(out)) {
          assert.equal(v.sdp, fs.readFileSync(out, 'latin1'), `${name} ${mode} output`);
        }
        checked++;
      }
    }
    assert.ok(checked >= 100, `${checked} verdicts checked`);
  });
});

describe('sipshield check-sdp', () => {
  const run = (args, input) => spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 20000 });

  it('names the reason and line of an SDES offer and exits 1', () => {
    const f = fs.readdirSync(DIR).find((n) => n.startsWith('HOSTILE-') && n.endsWith('.sdp') && fs.existsSync(path.join(DIR, n.replace(/\.sdp$/, '.expect')))
      && /remote: reason=sdes-offered/.test(fs.readFileSync(path.join(DIR, n.replace(/\.sdp$/, '.expect')), 'utf8')));
    assert.ok(f, 'an SDES vector exists');
    const r = run(['check-sdp', path.join(DIR, f)]);
    assert.equal(r.status, 1, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.reason, 'sdes-offered');
    assert.ok(v.line > 0);
  });

  it('says what makes an SDP malformed (the check build); the page core has no sdp.check and stays usable', async () => {
    const file = path.join(DIR, 'HOSTILE-bare-cr.sdp');
    const r = run(['check-sdp', file]);
    assert.equal(r.status, 1, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.reason, 'malformed-sdp');
    assert.match(v.detail, /CR/);
    const page = await loadCore();
    assert.throws(() => checkSdp(page, fs.readFileSync(file, 'latin1')),
      { name: 'PhoneError', code: 'bad-command', message: /loadCheckCore/ });
    const worded = checkSdp(await loadCheckCore(), fs.readFileSync(file, 'latin1'));
    assert.deepEqual({ ...worded, detail: undefined }, { ok: false, reason: v.reason, line: v.line, detail: undefined });
    assert.equal(internal.cmd(page, { cmd: 'phone.close', phone: 4242 }).err, 'not-found');
  });

  it('--local --privacy mdns prints the SDP that may leave: no raw-IP host candidate', () => {
    const sdp = [
      'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
      'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
      'm=audio 50000 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 192.168.1.20',
      'a=rtcp:9 IN IP4 0.0.0.0',
      'a=candidate:1 1 udp 2122260223 192.168.1.20 50000 typ host generation 0',
      'a=candidate:2 1 udp 2122260223 5c7f1a2e-0b7e-4d3c-9f1e-2a6b8c9d0e1f.local 50001 typ host generation 0',
      'a=candidate:3 1 udp 1686052607 203.0.113.7 50000 typ srflx raddr 192.168.1.20 rport 50000 generation 0',
      'a=ice-ufrag:abcd', 'a=ice-pwd:aaaaaaaaaaaaaaaaaaaaaaaa',
      'a=fingerprint:sha-256 ' + Array(32).fill('AB').join(':'),
      'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', '',
    ].join('\r\n');
    const r = run(['check-sdp', '-', '--local', '--privacy', 'mdns'], sdp);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout).sdp;
    assert.doesNotMatch(out, /192\.168\.1\.20/);
    assert.match(out, /\.local 50001 typ host/);
    assert.match(out, /typ srflx raddr 0\.0\.0\.0 rport 0/);
  });

  it('usage errors exit 2', () => {
    assert.equal(run(['check-sdp', 'x.sdp', '--privacy', 'loud']).status, 2);
    assert.equal(run(['check-sdp', 'x.sdp', '--sideways']).status, 2);
  });
});
