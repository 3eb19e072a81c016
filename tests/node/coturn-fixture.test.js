// The project's coturn (tools/servers/coturn.sh), checked with coturn's own TURN client:
// REST ephemeral credentials relay media between two allocations on loopback; wrong or
// expired credentials get no allocation. Secrets are never printed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startCoturn, turnCredentials } from './support/servers.js';

function uclient(port, { username, credential }) {
  // -y: client to client through two relays; -n: messages; -e: peer address
  return spawnSync('turnutils_uclient', ['-p', String(port), '-u', username, '-w', credential,
    '-y', '-n', '10', '-e', '127.0.0.1', '127.0.0.1'], { encoding: 'utf8', timeout: 20000 });
}

describe('coturn for relay mode', () => {
  let turn;
  before(async () => { turn = await startCoturn(); });
  after(async () => { await turn?.stop(); });

  it('relays between two allocations with REST credentials', () => {
    const r = uclient(turn.port, turnCredentials(turn.secret, 'alice'));
    assert.equal(r.status, 0, 'turnutils_uclient failed');
    assert.match(r.stdout + r.stderr, /tot_recv_bytes ~ [1-9]\d*/);
    assert.match(r.stdout + r.stderr, /Total lost packets 0 /);
  });

  it('refuses a wrong credential and an expired one', () => {
    const good = turnCredentials(turn.secret, 'alice');
    const wrong = uclient(turn.port, { username: good.username, credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stdout + wrong.stderr, /Cannot complete Allocation/);
    const expired = uclient(turn.port, turnCredentials(turn.secret, 'alice', -60));
    assert.notEqual(expired.status, 0);
  });
});
