// Issue 13 item 7, hostile servers, over real WSS sockets (a Node server in this process, with a
// short-lived self-signed certificate): one that accepts the WebSocket and never answers, one
// that closes every socket at once, and one that answers every REGISTER 503 with Retry-After.
// Each gets one phone for WATCH_MS; the test counts the connections and REGISTERs each server
// saw: the phone keeps trying on its back-off (0.5-8.5 s, then 1 s doubling, each drawn from
// half to 1.5 times it: wasm/transport/flow.c), never in a busy loop, and stays usable. The same
// three with the test clock, natively: tests/c/ua.c test_ua_flow_hostile_servers and
// test_ua_silent_server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Phone } from '../../shim/index.js';
import { ROOT, TestWebSocket } from './support/servers.js';
import { respond } from './support/fake-server.js';

const require = createRequire(path.join(ROOT, 'package.json'));
const { WebSocketServer } = require('ws');

const WATCH_MS = 25000;

/** A WSS server on 127.0.0.1 whose each connection `behave(ws, counts)` handles */
async function hostile(dir, name, behave) {
  const counts = { connections: 0, registers: 0 };
  const server = https.createServer({
    key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')),
  });
  const wss = new WebSocketServer({ server, handleProtocols: () => 'sip' });
  wss.on('connection', (ws) => {
    counts.connections++;
    ws.on('message', (d) => {
      const text = String(d);
      if (text.startsWith('REGISTER ')) counts.registers++;
      behave.message?.(ws, text);
    });
    behave.open?.(ws);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    name, counts, url: `wss://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(); server.close(() => r()); }),
  };
}

describe('Hostile servers: bounded retries, no busy loop (issue 13 item 7)', { timeout: 90000 }, () => {
  let dir;
  const servers = [];
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-hostile-'));
    await new Promise((resolve, reject) => execFile('openssl', ['req', '-x509', '-newkey', 'ec',
      '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { timeout: 20000 },
    (err) => (err ? reject(err) : resolve())));
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('silent, closing and 503 servers each see a handful of attempts in 25 s', async (t) => {
    servers.push(
      await hostile(dir, 'silent', {}),
      await hostile(dir, 'closing', { open: (ws) => ws.terminate() }),
      await hostile(dir, '503', {
        message: (ws, text) => {
          if (text === '\r\n\r\n') ws.send('\r\n');
          else if (text.startsWith('REGISTER ')) ws.send(respond(text, 503, 'Service Unavailable', 'Retry-After: 1'));
        },
      }),
    );
    const phones = await Promise.all(servers.map((s, i) => Phone.create({
      server: s.url, uri: `sip:hostile${i}@example.com`, password: 'pw-hostile', keepAlive: 10,
      WebSocket: TestWebSocket,
    })));
    const failures = phones.map((p) => {
      const seen = [];
      p.on('registration-failed', (e) => seen.push(e.code));
      return seen;
    });
    const reconnecting = phones.map((p) => {
      const seen = [];
      p.on('reconnecting', (e) => seen.push(e.cause));
      return seen;
    });
    // register() reports the first failure; the core goes on trying
    const t0 = Date.now();
    const first = await Promise.all(phones.map((p) => Promise.race([
      p.register().then(() => 'registered', (e) => e.code),
      new Promise((r) => setTimeout(() => r('pending'), WATCH_MS)),
    ])));
    await new Promise((r) => setTimeout(r, WATCH_MS - (Date.now() - t0)));
    const [silent, closing, busy] = servers.map((s) => s.counts);
    t.diagnostic(`first results ${first}; ${servers.map((s) => `${s.name}: ${JSON.stringify(s.counts)}`).join('; ')}; ` +
      `reconnecting ${JSON.stringify(reconnecting)}; failures ${JSON.stringify(failures)}`);

    // silent: one REGISTER per connection (no retransmission over a reliable transport);
    // the keep-alive finds the flow dead within 10 s and a new one opens after its back-off
    // (0.5-8.5 s, then 1-3 s): 2 or 3 in 25 s
    assert.ok(silent.connections >= 2 && silent.connections <= 3, `silent: ${JSON.stringify(silent)}`);
    assert.ok(reconnecting[0].includes('flow-dead'), `silent: ${reconnecting[0]}`);
    assert.ok(silent.registers <= silent.connections + 1, `silent: ${JSON.stringify(silent)}`);
    // closing: reopened on the back-off, 0.5-8.5 s then 1-3, 2-6, 4-12, 8-24 s: 4 to 6 in 25 s
    assert.ok(closing.connections >= 4 && closing.connections <= 6, `closing: ${JSON.stringify(closing)}`);
    assert.equal(closing.registers, 0);
    // 503 (registration code `rejected`): the connection stays, the REGISTER is retried on the
    // same back-off (Retry-After is not read): 4 to 6 in 25 s
    assert.equal(busy.connections, 1, `503: ${JSON.stringify(busy)}`);
    assert.ok(busy.registers >= 4 && busy.registers <= 6, `503: ${JSON.stringify(busy)}`);
    assert.equal(first[2], 'rejected');
    assert.deepEqual(failures[2], ['rejected'], 'said once, retried silently');

    // each phone is still usable: it closes cleanly, and nothing more reaches its server
    await Promise.all(phones.map((p) => p.close()));
    const after = servers.map((s) => s.counts.connections);
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(servers.map((s) => s.counts.connections), after, 'no connection after close');
  });
});
