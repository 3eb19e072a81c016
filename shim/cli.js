#!/usr/bin/env node
/**
 * @file cli.js  `sipshield` command line: the wasm core's checks for admins
 *
 *   sipshield check-sip FILE|-    parse one SIP message with the core
 *   sipshield check-sdp FILE|- [--remote|--local] [--privacy mdns|relay|off]
 *                                 the DTLS-SRTP / privacy policy's verdict on
 *                                 an SDP (--local prints what may leave)
 *
 * The checks print one JSON object on stdout. Exit 0 accepted, 1 refused,
 * 2 usage or I/O error.
 *
 *   sipshield recording keygen -o PRIVATE_KEY_FILE
 *       makes an X25519 key pair for recipient-mode recordings: writes the
 *       private key (one line of base64, mode 0600; an existing file is
 *       never overwritten: exit 1) and prints the public key that
 *       `call.record({ recipient })` takes: `sipshield-x25519-v1:` and the
 *       base64 of its 32 bytes, one line.
 *   sipshield recording decrypt FILE (--key-file KEY | --identity PRIVATE_KEY_FILE)
 *                               [-o OUT.opus]
 *       opens a sealed recording (docs/recording-format.md) into its Ogg
 *       Opus stream; OUT defaults to FILE with the extension .opus. A key
 *       file is one line of base64 of 32 bytes (the symmetric key, or the
 *       private key keygen wrote). The plaintext goes to a hidden temporary
 *       file beside OUT (mode 0600), renamed to OUT only once the whole
 *       file opened: a refused file (not-a-recording, wrong-key, tampered,
 *       truncated, ...) prints its reason, leaves no output and exits 1.
 */
import { loadSipCheck, loadCheckCore, checkSdp } from './check.js';
import {
  loadRecorder, formatPublicKey, parseKey, toBase64, RecordingError,
} from './recorder-core.js';

const USAGE = 'usage: sipshield check-sip FILE|-\n'
  + '       sipshield check-sdp FILE|- [--remote|--local] [--privacy mdns|relay|off]\n'
  + '       sipshield recording keygen -o PRIVATE_KEY_FILE\n'
  + '       sipshield recording decrypt FILE (--key-file KEY | --identity PRIVATE_KEY_FILE) [-o OUT.opus]';
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
  if (command === 'recording') return recording(argv.slice(1));
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

/** What a refusal's reason means (the module's seal_reason() names) */
const REASONS = /** @type {Record<string, string>} */ ({
  'not-a-recording': 'not a sipshield recording',
  'unsupported-version': 'a format version or mode this sipshield does not know',
  'wrong-key': 'sealed for another key',
  tampered: 'a chunk fails authentication: the file was changed',
  truncated: 'the file ends before its final chunk',
  'trailing-data': 'bytes follow the final chunk',
  malformed: 'a chunk length is out of bounds',
});

/** @param {string} msg */
function fail(msg) {
  process.stderr.write(`sipshield: ${msg}\n`);
}

/**
 * `sipshield recording keygen|decrypt ...`
 * @param {string[]} args
 * @returns {Promise<number>} exit code
 */
async function recording(args) {
  const [sub, ...rest] = args;
  /** @type {Record<string, string>} */
  const opt = {};
  /** @type {string[]} */
  const pos = [];
  let usage = sub !== 'keygen' && sub !== 'decrypt';
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '-o' || a === '--key-file' || a === '--identity') {
      if (i + 1 >= rest.length || a in opt) usage = true;
      else opt[a] = rest[++i];
    } else if (a.startsWith('-') && a !== '-') usage = true;
    else pos.push(a);
  }
  if (sub === 'keygen' && (pos.length || !opt['-o'] || opt['--key-file'] || opt['--identity'])) usage = true;
  if (sub === 'decrypt' && (pos.length !== 1 || !opt['--key-file'] === !opt['--identity'])) usage = true;
  if (usage) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const fsName = 'node:fs';
  const fs = /** @type {typeof import('node:fs')} */ (await import(fsName));
  return sub === 'keygen' ? keygen(fs, opt['-o'])
    : decrypt(fs, pos[0], opt['--key-file'] ?? opt['--identity'], opt['-o']);
}

/**
 * @param {typeof import('node:fs')} fs
 * @param {string} out the private key file: created, never overwritten
 * @returns {Promise<number>}
 */
async function keygen(fs, out) {
  const rc = await loadRecorder();
  const { privateKey, publicKey } = rc.keygen();
  let fd;
  try {
    fd = fs.openSync(out, 'wx', 0o600);
  } catch (e) {
    const err = /** @type {NodeJS.ErrnoException} */ (e);
    privateKey.fill(0);
    if (err.code === 'EEXIST') {
      fail(`${out} exists: refusing to overwrite a key file (remove it or choose another name)`);
      return 1;
    }
    fail(`cannot create ${out}: ${err.message}`);
    return 2;
  }
  try {
    fs.fchmodSync(fd, 0o600);  // whatever the umask
    fs.writeSync(fd, `${toBase64(privateKey)}\n`);
    fs.fsyncSync(fd);
  } catch (e) {
    fail(`cannot write ${out}: ${/** @type {Error} */ (e).message}`);
    fs.closeSync(fd);
    fs.rmSync(out, { force: true });
    return 2;
  } finally {
    privateKey.fill(0);
  }
  fs.closeSync(fd);
  process.stdout.write(`${formatPublicKey(publicKey)}\n`);
  return 0;
}

/**
 * @param {typeof import('node:fs')} fs
 * @param {string} file the sealed recording
 * @param {string} keyFile symmetric key or recipient private key, base64
 * @param {string | undefined} out default: file with .opus
 * @returns {Promise<number>}
 */
async function decrypt(fs, file, keyFile, out) {
  const pathName = 'node:path';
  const path = /** @type {typeof import('node:path')} */ (await import(pathName));
  out ??= path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.opus`);
  if (path.resolve(out) === path.resolve(file)) {
    fail(`the output would replace ${file}: choose another with -o`);
    return 2;
  }
  let secret;
  try {
    secret = parseKey(fs.readFileSync(keyFile, 'utf8'));
  } catch (e) {
    fail(`${keyFile}: ${/** @type {Error} */ (e).message}`);
    return 2;
  }
  let input;
  try {
    input = fs.openSync(file, 'r');
  } catch (e) {
    fail(`cannot read ${file}: ${/** @type {Error} */ (e).message}`);
    secret.fill(0);
    return 2;
  }
  const rc = await loadRecorder();
  const tmp = path.join(path.dirname(out),
    `.${path.basename(out)}.${toBase64(crypto.getRandomValues(new Uint8Array(6))).replace(/[+/]/g, '_')}.part`);
  let tmpFd;
  try {
    tmpFd = fs.openSync(tmp, 'wx', 0o600);
  } catch (e) {
    fail(`cannot write beside ${out}: ${/** @type {Error} */ (e).message}`);
    fs.closeSync(input);
    secret.fill(0);
    return 2;
  }
  // a signal mid-way must not leave the partial plaintext behind
  const cleanup = () => { try { fs.rmSync(tmp, { force: true }); } catch { /* gone */ } };
  const onSignal = () => { cleanup(); process.exit(130); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let ok = false;
  try {
    const fd = tmpFd;
    const opening = rc.open(secret, (plain) => { fs.writeSync(fd, plain); });
    secret.fill(0);
    const buf = new Uint8Array(1 << 16);
    for (;;) {
      const n = await new Promise((resolve, reject) => {
        fs.read(input, buf, 0, buf.length, null, (err, got) => (err ? reject(err) : resolve(got)));
      });
      if (!n) break;
      opening.write(buf.subarray(0, n));
    }
    opening.close();
    fs.fsyncSync(tmpFd);
    ok = true;
  } catch (e) {
    if (e instanceof RecordingError && REASONS[e.code]) {
      fail(`${file}: refused: ${e.code} (${REASONS[e.code]}); no output written`);
      return 1;
    }
    fail(`${file}: ${/** @type {Error} */ (e).message}; no output written`);
    return 2;
  } finally {
    fs.closeSync(input);
    fs.closeSync(tmpFd);
    if (!ok) cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  try {
    fs.renameSync(tmp, out);
  } catch (e) {
    cleanup();
    fail(`cannot write ${out}: ${/** @type {Error} */ (e).message}; no output written`);
    return 2;
  }
  process.stderr.write(`sipshield: ${file}: opened into ${out}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`sipshield: ${e && e.message ? e.message : e}\n`);
    process.exitCode = 2;
  },
);
