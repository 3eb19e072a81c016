// Test support: start and stop the project's Kamailio (tools/servers/kamailio.sh) on
// 127.0.0.1, free ports, the test accounts, and a WebSocket class for Node that accepts
// the self-signed test certificate.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPT = path.join(ROOT, 'tools/servers/kamailio.sh');
export const REALM = 'sipshield.test';

/** accounts "USERNAME PASSWORD" (test-only secrets; never print them) */
export const USERS = new Map(
  fs.readFileSync(path.join(ROOT, 'tools/servers/users'), 'utf8')
    .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => /** @type {[string, string]} */ (l.split(/\s+/))),
);

/**
 * The ws package with the self-signed test certificate accepted; records the wire
 * (what the phone sent and received) so tests can assert on it.
 */
export class TestWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { rejectUnauthorized: false });
    TestWebSocket.opened.push(url);
    this.on('message', (data) => TestWebSocket.received.push(String(data)));
  }

  send(data, ...rest) {
    TestWebSocket.sent.push(typeof data === 'string' ? data : Buffer.from(data).toString());
    return super.send(data, ...rest);
  }
}
/** @type {string[]} every URL a TestWebSocket was opened to */
TestWebSocket.opened = [];
/** @type {string[]} SIP messages sent and received, in order */
TestWebSocket.sent = [];
TestWebSocket.received = [];

function run(args, env = {}, timeout = 20000) {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { timeout, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kamailio.sh ${args[0]} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
  });
}

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function freePort() {
  for (let i = 0; i < 50; i++) {
    const p = 20000 + crypto.randomInt(40000);
    if (await portFree(p)) return p;
  }
  throw new Error('no free port found');
}

/**
 * Start one Kamailio (WSS on 127.0.0.1) challenging with `alg`; with `autheph`, accounts are
 * short-lived credentials made with that secret (auth_ephemeral: tools/credentials.js).
 * With `outbound`, it is an RFC 5626 edge proxy and registrar in one (outbound + path modules) with
 * a plain TCP listener on `sipPort` for requests from other nodes; with `dmqPort` and `dmqPeer` as
 * well, it shares its registrations with the node whose DMQ port is `dmqPeer` (startKamailioPair).
 * With `ctl`, `rpc(...)` runs kamcmd against the instance's unix RPC socket (ctl module), e.g.
 * `rpc('ws.dump')`; `wsClose(user)` closes that user's WebSocket from the server side.
 * @param {{ alg: 'MD5' | 'SHA-256', minExpires?: number, maxExpires?: number, port?: number,
 *   autheph?: string, outbound?: boolean, sipPort?: number, dmqPort?: number,
 *   dmqPeer?: number, ctl?: boolean }} opts
 */
export async function startKamailio({
  alg, minExpires, maxExpires, port: wanted, autheph, outbound, sipPort, dmqPort, dmqPeer, ctl,
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-kam-'));
  const port = wanted ?? await freePort();
  const env = {};
  if (minExpires) env.KAMAILIO_MIN_EXPIRES = String(minExpires);
  if (maxExpires) env.KAMAILIO_MAX_EXPIRES = String(maxExpires);
  if (autheph) env.KAMAILIO_AUTHEPH_SECRET = autheph;
  if (outbound || dmqPort) {
    sipPort ??= await freePort();
    env.KAMAILIO_SIP_PORT = String(sipPort);
  }
  if (dmqPort) {
    env.KAMAILIO_DMQ_PORT = String(dmqPort);
    env.KAMAILIO_DMQ_PEER = String(dmqPeer);
  }
  if (ctl) env.KAMAILIO_CTL = '1';
  await run(['start', dir, String(port), alg], env);
  const pidFile = path.join(dir, `kamailio-${port}.pid`);
  const ctlSocket = path.join(dir, `kamailio-${port}.ctl`);
  /** @param {string[]} args @returns {Promise<string>} kamcmd's output */
  const rpc = (...args) => {
    if (!ctl) return Promise.reject(new Error('rpc: start Kamailio with { ctl: true }'));
    return new Promise((resolve, reject) => {
      execFile('kamcmd', ['-s', `unix:${ctlSocket}`, ...args], { timeout: 5000 }, (err, stdout, stderr) => {
        // kamcmd exits 0 on an RPC fault and prints "error: CODE - TEXT"
        const fault = /^error: .*/m.exec(stdout);
        if (err || fault) reject(new Error(`kamcmd ${args.join(' ')} failed: ${stderr.trim() || fault?.[0] || err?.message}`));
        else resolve(stdout);
      });
    });
  };
  return {
    port,
    sipPort,
    dmqPort,
    dir,
    url: `wss://127.0.0.1:${port}`,
    /** the main process id from the PID file (null once stopped) */
    pid: () => (fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : null),
    log: () => fs.readFileSync(path.join(dir, `kamailio-${port}.log`), 'utf8'),
    rpc,
    /**
     * Close `user`'s WebSocket from the server side (ws.close, status 1000): the connection
     * its registration came on (usrloc's "received"), found among the open ones (ws.dump).
     * @param {string} user
     * @returns {Promise<number>} the client's TCP port
     */
    async wsClose(user) {
      const binding = await rpc('ul.lookup', 'location', user);
      const ports = [...binding.matchAll(/Received: sip:127\.0\.0\.1:(\d+);transport=wss?\b/g)].map((m) => m[1]);
      const dump = await rpc('ws.dump');
      for (const p of ports) {
        const conn = new RegExp(`^\\s*(\\d+): wss?:127\\.0\\.0\\.1:${p} -> .*state: OPEN`, 'm').exec(dump);
        if (!conn) continue;
        await rpc('ws.close', conn[1]);
        return Number(p);
      }
      throw new Error(`wsClose: no open WebSocket of ${user}'s bindings (ports ${ports}):\n${binding}\n${dump}`);
    },
    async stop() {
      try {
        await run(['stop', dir, String(port)]);
      } finally {
        if (!process.env.KEEP_KAMAILIO_DIR) fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Two outbound Kamailio nodes (startKamailio with `outbound`) on 127.0.0.1 with distinct WSS, SIP
 * and DMQ ports that share their registrations through DMQ (dmq + dmq_usrloc): a client registered
 * on one is reachable through the other. Resolves once B has joined A (bounded wait).
 * @param {{ alg: 'MD5' | 'SHA-256' }} opts
 */
export async function startKamailioPair({ alg }) {
  const dmqA = await freePort();
  let dmqB = await freePort();
  while (dmqB === dmqA) dmqB = await freePort();
  const a = await startKamailio({ alg, outbound: true, dmqPort: dmqA, dmqPeer: dmqB });
  let b;
  try {
    b = await startKamailio({ alg, outbound: true, dmqPort: dmqB, dmqPeer: dmqA });
  } catch (err) {
    await a.stop();
    throw err;
  }
  return {
    a,
    b,
    async stop() {
      await Promise.allSettled([a.stop(), b.stop()]);
    },
  };
}

const COTURN = path.join(ROOT, 'tools/servers/coturn.sh');

/**
 * TURN REST ephemeral credentials: username "EXPIRY:USER",
 * password base64(HMAC-SHA1(secret, username)).
 */
export function turnCredentials(secret, user, ttlSeconds = 600) {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${user}`;
  const credential = crypto.createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * Start coturn on 127.0.0.1 (use-auth-secret, loopback peers allowed).
 * @param {{ maxBps?: number, port?: number, secret?: string }} [opts] maxBps: coturn's
 *   per-session bandwidth cap (bytes/s), a real bottleneck for media relayed through it (the
 *   widget's quality warnings test); port and secret: a restart of one that was stopped
 */
export async function startCoturn({ maxBps, port: wanted, secret: given } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-turn-'));
  const port = wanted ?? await freePort();
  const secret = given ?? crypto.randomBytes(16).toString('hex');
  await new Promise((resolve, reject) => {
    const env = maxBps ? { ...process.env, COTURN_MAX_BPS: String(maxBps) } : process.env;
    execFile('bash', [COTURN, 'start', dir, String(port), secret], { timeout: 20000, env },
      (err, _out, stderr) => (err ? reject(new Error(`coturn.sh start failed: ${stderr}`)) : resolve()));
  });
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    log: () => fs.readFileSync(path.join(dir, `turnserver-${port}.log`), 'utf8'),
    async stop() {
      await new Promise((resolve) => execFile('bash', [COTURN, 'stop', dir, String(port)], { timeout: 20000 }, () => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolve with the first `name` event of `emitter`, or reject after `ms`. */
export function nextEvent(emitter, name, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { emitter.off(name, on); reject(new Error(`no ${name} event in ${ms} ms`)); }, ms);
    const on = (v) => { clearTimeout(t); emitter.off(name, on); resolve(v); };
    emitter.on(name, on);
  });
}

/** Reject after `ms`: every await on the network is bounded. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}
