// One core holds 256 phones by default (loadCore's maxPhones, 1..4096: wasm/abi/phones.c; issue 13:
// a Node process runs hundreds, JsSIP's UAs are the reference): all of them register, the next one
// is refused `busy`, and a closed phone's slot is free again; with maxPhones the limit is another,
// in a process of its own (a process loads one core). Over a fake registrar in the process (the
// load test against Kamailio, with memory and CPU per phone against JsSIP's:
// tools/bench/load.js).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Phone, PhoneError } from '../../shim/index.js';
import { fakeServer, respond } from './support/fake-server.js';

const MAX = 256;

const registrar = (req) => {
  if (!req.startsWith('REGISTER ')) return null;
  const expires = /^Expires: (\d+)/m.exec(req)?.[1];
  return respond(req, 200, 'OK', expires === '0' ? '' : 'Contact: <sip:u@x.invalid;transport=ws>;expires=600');
};

describe('A core holds 256 phones', () => {
  it('256 register, the 257th is refused busy, a closed one frees its slot', { timeout: 120000 }, async () => {
    const srv = fakeServer(registrar);
    const make = (i) => Phone.create({
      server: 'wss://sip.example.com/ws', uri: `sip:u${i}@example.com`, password: `pw-capacity-${i}`,
      WebSocket: srv.WebSocket,
    });
    const phones = [];
    for (let i = 0; i < MAX; i++) phones.push(await make(i));
    await Promise.all(phones.map((p) => p.register()));
    assert.equal(phones.filter((p) => p.state === 'registered').length, MAX);
    assert.equal(srv.state.sockets.length, MAX, 'one WebSocket each');

    await assert.rejects(make(MAX), (e) => e instanceof PhoneError && e.code === 'busy');
    await phones.pop().close();
    const again = await make(MAX + 1);
    await again.register();
    assert.equal(again.state, 'registered');
    phones.push(again);

    for (const p of phones) await p.close();
  });

  it('maxPhones sets another limit: 300 register, the 301st is busy; 4097 is refused', { timeout: 120000 }, async () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      import { Phone, loadCore } from ${JSON.stringify(path.join(here, '../../shim/index.js'))};
      import { fakeServer, respond } from ${JSON.stringify(path.join(here, 'support/fake-server.js'))};
      const out = {};
      try { await loadCore({ maxPhones: 4097 }); } catch (e) { out.tooMany = e.code; }
      await loadCore({ maxPhones: 300 });
      const srv = fakeServer((req) => req.startsWith('REGISTER ')
        ? respond(req, 200, 'OK', 'Contact: <sip:u@x.invalid;transport=ws>;expires=600') : null);
      const make = (i) => Phone.create({ server: 'wss://sip.example.com/ws', uri: 'sip:u' + i + '@example.com',
        password: 'pw-capacity-' + i, WebSocket: srv.WebSocket });
      const phones = [];
      for (let i = 0; i < 300; i++) phones.push(await make(i));
      await Promise.all(phones.map((p) => p.register()));
      out.registered = phones.filter((p) => p.state === 'registered').length;
      try { await make(300); out.next = 'created'; } catch (e) { out.next = e.code; }
      for (const p of phones) await p.close();
      console.log(JSON.stringify(out));`;
    const out = await new Promise((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 100000 },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))));
    });
    assert.deepEqual(out, { tooMany: 'core-failed', registered: 300, next: 'busy' });
  });
});
