#!/usr/bin/env node
/**
 * @file cli.js  `sipshield` command line: the wasm core's checks for admins
 *
 *   sipshield check-sip FILE|-    parse one SIP message with the core
 *
 * Prints one JSON object on stdout. Exit 0 accepted, 1 refused,
 * 2 usage or I/O error.
 */
import { loadCore } from './core.js';

const USAGE = 'usage: sipshield check-sip FILE|-';
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
  if (command !== 'check-sip' || !file || rest.length) {
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
  const core = await loadCore();
  const verdict = core.checkSip(bytes);
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
