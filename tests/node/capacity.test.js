// One core holds 256 phones (wasm/abi/priv.h ABI_PHONE_MAX; issue 13: a Node process runs hundreds,
// JsSIP's UAs are the reference): all of them register, the next one is refused `busy`, and a
// closed phone's slot is free again. Over a fake registrar in this process (the load test against
// Kamailio, with memory and CPU per phone against JsSIP's, is issue 13's next step).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
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
});
