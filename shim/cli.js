#!/usr/bin/env node
/**
 * @file cli.js  `sipshield` command line: the wasm core's checks for admins
 *
 *   sipshield check-sip FILE|-    parse one SIP message with the core
 *   sipshield check-sdp FILE|- [--remote|--local] [--privacy mdns|relay|off]
 *                                 the DTLS-SRTP / privacy policy's verdict on
 *                                 an SDP (--local prints what may leave)
 *
 * Prints one JSON object on stdout. Exit 0 accepted, 1 refused,
 * 2 usage or I/O error.
 */
import { loadSipCheck, loadCheckCore, checkSdp } from './check.js';

const USAGE = 'usage: sipshield check-sip FILE|-\n'
  + '       sipshield check-sdp FILE|- [--remote|--local] [--privacy mdns|relay|off]';
const MAX_INPUT = 1 << 20;

/**
 * @param {string} path
 * @returns {Promise<Uint8Array>}
 */
async function readInput(path) {
  const fsName = 'node:fs/promises';
  const fs = await import(fsName);
  if (path !== '-') return new Uint8Array(await fs.readFile(path));
  /** @type {Uint8Array[]} */
  const chunks = [];
  let n = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
    n += chunk.length;
    if (n > MAX_INPUT) break;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/**
 * @param {string[]} argv
 * @returns {Promise<number>} exit code
 */
export async function main(argv) {
  const [command, file, ...rest] = argv;
  /** @type {{ direction: 'remote' | 'local', privacy: 'mdns' | 'relay' | 'off' }} */
  const opts = { direction: 'remote', privacy: 'mdns' };
  let usage = !file || (command !== 'check-sip' && command !== 'check-sdp');
  if (command === 'check-sip' && rest.length) usage = true;
  for (let i = 0; command === 'check-sdp' && i < rest.length; i++) {
    if (rest[i] === '--remote' || rest[i] === '--local') opts.direction = rest[i] === '--local' ? 'local' : 'remote';
    else if (rest[i] === '--privacy' && ['mdns', 'relay', 'off'].includes(rest[i + 1])) {
      opts.privacy = /** @type {'mdns' | 'relay' | 'off'} */ (rest[++i]);
    } else usage = true;
  }
  if (usage) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let bytes;
  try {
    bytes = await readInput(file);
  } catch (e) {
    process.stderr.write(`sipshield: cannot read ${file}: ${/** @type {Error} */ (e).message}\n`);
    return 2;
  }
  const verdict = command === 'check-sip'
    ? (await loadSipCheck())(bytes)
    // the check build: the page core's verdicts, with their detail text
    : checkSdp(await loadCheckCore(), new TextDecoder().decode(bytes), opts);
  process.stdout.write(`${JSON.stringify(verdict)}\n`);
  return verdict.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`sipshield: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
