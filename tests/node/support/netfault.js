// @file netfault.js  A real network fault on loopback for tests: nftables drops, undone for sure
//
// Issue 13's fault tests need an outage that WebRTC's UDP and the SIP WebSocket both feel
// (DevTools' offline emulation may not stop WebRTC's UDP). This module drops packets in the
// kernel with nftables, as root (CAP_NET_ADMIN), in a table of its own.
//
// Use from a test (servers on 127.0.0.1, ports known; WebRTC media ports are ephemeral):
//
//   import { blockPorts, withBlocked, netfaultAvailable } from './support/netfault.js';
//   const f = await blockPorts({ tcp: [kam.port], allUdpExcept: [] }); // signalling + media
//   try { ...wait 5 s, see packetsReceived stall...; assert((await f.dropped()).packets > 0); }
//   finally { await f.lift(); }
//   // or: await withBlocked({ udp: [turn.port] }, async (f) => { ... });
//
// What is dropped: packets that arrive on the loopback interface ("lo") with the given TCP/UDP
// port as source or destination, so both directions of a flow. The loopback interface carries
// everything the host sends to itself: 127.0.0.0/8, ::1 and the host's own addresses (a
// datagram to eth0's own address arrives on lo, and so do two local pages' host candidates).
// Rules sit on the input hook only: every loopback packet passes output then input, and a drop
// on output makes the sender's send()/connect() fail at once with EPERM, which no real outage
// does. On input the packet leaves normally and vanishes, like a dead link: UDP is lost
// silently, no ICMP comes back, and TCP retransmits, recovering after lift() (if the connection
// has not timed out) at its next retransmission; the back-off doubles, so after a 20 s fault
// allow about 20 s more.
// `allUdpExcept: [ports]` drops all UDP on lo except flows with an allowed port at either end.
//
// Cleanup: each process has its own table, `inet sipshield_fault_<pid>`, one chain per fault.
// lift() removes the fault's chain and, with the last one, the table. On process exit and on
// SIGINT/SIGTERM/SIGHUP the table is deleted synchronously. SIGKILL cannot be caught: the
// next blockPorts() with no fault of its own in place first deletes the tables of processes
// no longer alive.
//
// What it cannot do: faults on traffic that does not use lo (a remote server); partial loss,
// delay or reordering (that is tc netem); an interface going down, so the browser's
// online/offline events and navigator.connection do not fire (use a network namespace or
// DevTools emulation beside it for that); isolate one process: every local process using
// those ports is cut, including other tests running at the same time (make test runs node
// files one at a time) and, with allUdpExcept, a local DNS stub on lo (allow its port 53).
// Without nft or CAP_NET_ADMIN, blockPorts() rejects; netfaultAvailable() says why.
import { execFile, spawnSync } from 'node:child_process';

export const TABLE_PREFIX = 'sipshield_fault_';
/** this process's table */
export const TABLE = `${TABLE_PREFIX}${process.pid}`;
const NFT_TIMEOUT_MS = 5000;
const SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);

/** @type {Set<string>} chains of the faults now in place */
const active = new Set();
let nextChain = 1;
let hooked = false;
/** the table may exist: the exit handler removes it */
let present = false;

/**
 * Run nft, bounded in time: with `script`, `nft -f -` reads it on stdin.
 * @param {string[]} args
 * @param {string} [script]
 * @returns {Promise<string>} stdout
 */
function nft(args, script) {
  return new Promise((resolve, reject) => {
    const argv = script === undefined ? args : [...args, '-f', '-'];
    const child = execFile('nft', argv, { timeout: NFT_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      const why = /** @type {any} */ (err).code === 'ENOENT'
        ? 'nft not found: install nftables (tools/setup.sh does)'
        : /Operation not permitted/.test(stderr)
          ? 'nft: Operation not permitted: run as root (CAP_NET_ADMIN)'
          : `nft ${argv.join(' ')} failed: ${stderr.trim() || err.message}`;
      reject(Object.assign(new Error(why), { cause: err }));
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(script ?? '');
  });
}

/** "add; delete" in one transaction: deletes the table whether or not it exists. */
function dropTableScript(table) {
  return `add table inet ${table}\ndelete table inet ${table}\n`;
}

function removeTableSync() {
  spawnSync('nft', ['-f', '-'], { input: dropTableScript(TABLE), timeout: NFT_TIMEOUT_MS });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {any} */ (e).code === 'EPERM';
  }
}

/** @returns {Promise<string[]>} names of every sipshield_fault_* table (any process) */
export async function faultTables() {
  const out = await nft(['list', 'tables']);
  return [...out.matchAll(new RegExp(`^table inet (${TABLE_PREFIX}\\d+)$`, 'gm'))].map((m) => m[1]);
}

/** Delete the tables of processes that died without cleaning up (SIGKILL, power loss). */
async function sweepStale() {
  const stale = (await faultTables()).filter((t) => {
    const pid = Number(t.slice(TABLE_PREFIX.length));
    return pid === process.pid ? active.size === 0 : !alive(pid);
  });
  if (stale.length) await nft([], stale.map(dropTableScript).join(''));
}

function onExit() {
  if (present) removeTableSync();
  present = false;
  active.clear();
}

function onSignal(sig) {
  onExit();
  unhook();
  // the default action (terminate) unless someone else handles the signal
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

function hook() {
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unhook() {
  if (!hooked) return;
  hooked = false;
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * Whether faults can be made here: nft present and permitted (tries a table and removes it).
 * @returns {Promise<{ ok: true } | { ok: false, reason: string }>}
 */
export async function netfaultAvailable() {
  try {
    await nft([], dropTableScript(`${TABLE_PREFIX}probe_${process.pid}`));
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: /** @type {Error} */ (e).message };
  }
}

/** @param {unknown} ports @param {string} what @returns {number[]} */
function portList(ports, what) {
  if (ports === undefined) return [];
  if (!Array.isArray(ports)) throw new TypeError(`${what}: an array of port numbers`);
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new TypeError(`${what}: bad port ${p}`);
  }
  return [...new Set(ports)];
}

/**
 * @typedef {object} Fault
 * @property {string} table the nft table (this process's)
 * @property {string} chain the fault's chain in it
 * @property {() => Promise<{ packets: number, bytes: number }>} dropped what the fault has
 *   dropped so far: proof that it hit the traffic
 * @property {() => Promise<void>} lift end the fault; idempotent
 */

/**
 * Drop loopback packets to or from the given ports, both directions, until lift().
 * @param {{ tcp?: number[], udp?: number[], allUdpExcept?: number[] }} spec
 *   tcp, udp: ports to cut; allUdpExcept: cut all UDP on lo but flows with one of these ports
 * @returns {Promise<Fault>}
 */
export async function blockPorts(spec) {
  const tcp = portList(spec?.tcp, 'tcp');
  const udp = portList(spec?.udp, 'udp');
  const except = spec?.allUdpExcept === undefined ? null : portList(spec.allUdpExcept, 'allUdpExcept');
  if (!tcp.length && !udp.length && !except) {
    throw new TypeError('blockPorts: give tcp, udp or allUdpExcept ports');
  }
  if (active.size === 0) await sweepStale();

  const chain = `f${nextChain++}`;
  const set = (ports) => `{ ${ports.join(', ')} }`;
  const rules = [];
  for (const [proto, ports] of /** @type {const} */ ([['tcp', tcp], ['udp', udp]])) {
    if (!ports.length) continue;
    rules.push(`iif "lo" ${proto} dport ${set(ports)} counter drop`,
      `iif "lo" ${proto} sport ${set(ports)} counter drop`);
  }
  if (except) {
    // not "sport != X dport != X": nft 1.0.6 merges the two into one 4-byte compare, which
    // then drops unless both ports are X. An accept ends this chain only, not other faults.
    if (except.length) {
      rules.push(`iif "lo" udp sport ${set(except)} accept`,
        `iif "lo" udp dport ${set(except)} accept`);
    }
    rules.push('iif "lo" meta l4proto udp counter drop');
  }
  hook();
  active.add(chain);
  present = true;
  try {
    await nft([], `add table inet ${TABLE}\n`
      + `add chain inet ${TABLE} ${chain} { type filter hook input priority -10; policy accept; }\n`
      + rules.map((r) => `add rule inet ${TABLE} ${chain} ${r}\n`).join(''));
  } catch (e) {
    await release(chain).catch(() => {});
    throw e;
  }

  let lifted = false;
  return {
    table: TABLE,
    chain,
    async dropped() {
      if (lifted) throw new Error('netfault: dropped() after lift()');
      const out = await nft(['-j', 'list', 'chain', 'inet', TABLE, chain]);
      let packets = 0;
      let bytes = 0;
      for (const item of JSON.parse(out).nftables) {
        for (const x of item.rule?.expr ?? []) {
          if (x.counter) {
            packets += x.counter.packets;
            bytes += x.counter.bytes;
          }
        }
      }
      return { packets, bytes };
    },
    async lift() {
      if (lifted) return;
      lifted = true;
      await release(chain);
    },
  };
}

/** Remove one fault's chain; with the last fault, the whole table. */
async function release(chain) {
  active.delete(chain);
  if (active.size === 0) {
    await nft([], dropTableScript(TABLE));
    present = false;
    unhook();
  } else {
    await nft([], `flush chain inet ${TABLE} ${chain}\ndelete chain inet ${TABLE} ${chain}\n`);
  }
}

/**
 * Drop all UDP on loopback except flows with one of `except` at either end: what cuts
 * WebRTC media between two local pages (ephemeral ports) while keeping, say, DNS.
 * @param {number[]} [except]
 */
export function blockLoopbackUdp(except = []) {
  return blockPorts({ allUdpExcept: except });
}

/**
 * Run `fn` with the fault in place; lifted afterwards even when `fn` throws.
 * @template T
 * @param {{ tcp?: number[], udp?: number[], allUdpExcept?: number[] }} spec
 * @param {(f: Fault) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withBlocked(spec, fn) {
  const f = await blockPorts(spec);
  try {
    return await fn(f);
  } finally {
    await f.lift();
  }
}
