/**
 * @file lib.js  Shared pieces of the benchmark: paths, corpus, statistics,
 * the three libraries' receive-path parsers, and the fake sockets.
 *
 * Environment: SIPSHIELD_DIST overrides the folder holding
 * sipshield-core.wasm (default <repo>/dist); its loader is shim/wasm.js.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '..', '..');
export const CORPUS_DIR = path.join(ROOT, 'tests', 'vectors', 'bench');
export const OUT_DIR = path.join(ROOT, 'build', 'bench');
export const DIST = path.resolve(process.env.SIPSHIELD_DIST ||
  path.join(ROOT, 'dist'));
export const LOADER = path.join(ROOT, 'shim', 'wasm.js');
export const WASM = path.join(DIST, 'sipshield-core.wasm');
/** The check build (sp_sip_check): the parse section runs on it */
export const WASM_CHECK = path.join(DIST, 'sipshield-check.wasm');
export const SHIM = path.join(ROOT, 'shim', 'index.js');
export const LIBS = ['sipshield', 'JsSIP', 'SIP.js'];

export const ACCOUNT = {
  uri: 'sip:alice@example.com',
  password: 'secret',
  server: 'wss://sip.example.com',
};

const require = createRequire(path.join(ROOT, 'package.json'));

/** @returns {string|null} why the sipshield build cannot be used, or null */
export function sipshieldMissing() {
  for (const f of [LOADER, WASM, WASM_CHECK]) {
    if (!fs.existsSync(f))
      return `n/a (${path.relative(ROOT, DIST) || 'dist'}/ not ` +
        'built: run make)';
  }
  return null;
}

/** @returns {string} installed version of an npm package */
export function pkgVersion(name) {
  return require(`${name}/package.json`).version;
}

export function median(xs) {
  const v = xs.filter(x => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length)
    return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * Load the corpus and check what the README promises about it: CRLF only,
 * Content-Length equal to the body's byte length.
 * @returns {{file:string, text:string, bytes:number,
 *   expect:{method:string, status:number, callId:string, cseq:number}}[]}
 */
export function loadCorpus() {
  const files = fs.readdirSync(CORPUS_DIR).filter(f => f.endsWith('.sip'))
    .sort();
  if (!files.length)
    throw new Error(`no .sip files in ${CORPUS_DIR}`);
  return files.map(file => {
    const text = fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8');
    const bad = (why) => new Error(`${file}: ${why}`);
    if (/[^\r]\n|^\n/.test(text))
      throw bad('bare LF (vectors use CRLF)');
    const eoh = text.indexOf('\r\n\r\n');
    if (eoh < 0)
      throw bad('no end of headers');
    const head = text.slice(0, eoh);
    const body = text.slice(eoh + 4);
    const hdr = (re) => {
      const m = head.match(re);
      if (!m)
        throw bad(`missing ${re}`);
      return m[1];
    };
    const clen = Number(hdr(/^Content-Length:\s*(\d+)/mi));
    if (clen !== Buffer.byteLength(body, 'utf8'))
      throw bad(`Content-Length ${clen} but body is ` +
        `${Buffer.byteLength(body, 'utf8')} bytes`);
    const start = head.slice(0, head.indexOf('\r\n'));
    const cseq = hdr(/^CSeq:\s*(\d+)\s+(\S+)/mi);
    const cseqMethod = head.match(/^CSeq:\s*\d+\s+(\S+)/mi)[1];
    const resp = start.match(/^SIP\/2\.0 (\d{3}) /);
    return {
      file, text, bytes: Buffer.byteLength(text, 'utf8'),
      expect: {
        method: resp ? cseqMethod : start.split(' ')[0],
        status: resp ? Number(resp[1]) : 0,
        callId: hdr(/^Call-ID:\s*(\S+)/mi),
        cseq: Number(cseq),
      },
    };
  });
}

/** JsSIP Socket interface (JsSIP/src/Socket.d.ts), doing nothing. */
export function jssipFakeSocket() {
  return {
    via_transport: 'WSS',
    url: ACCOUNT.server,
    sip_uri: 'sip:sip.example.com;transport=ws',
    connect() {},
    disconnect() {},
    send() { return true; },
    onconnect() {},
    ondisconnect() {},
    ondata() {},
  };
}

/**
 * Each adapter returns {parse(text) -> number, fields(text) -> fields}.
 * parse() is the timed path: what the library runs when a WebSocket message
 * arrives, plus reading method/status, Call-ID and CSeq from the result.
 */
export async function loadJsSIP() {
  const JsSIP = require('jssip');
  /* JsSIP 3.13.8 UA.js onTransportData(): Parser.parseMessage(data, ua) */
  const Parser = require('jssip/lib/Parser.js');
  const ua = new JsSIP.UA({
    sockets: [jssipFakeSocket()],
    uri: ACCOUNT.uri,
    password: ACCOUNT.password,
    register: false,
  });
  const fields = (text) => {
    const m = Parser.parseMessage(text, ua);
    if (!m)
      return null;
    return { method: m.method, status: m.status_code || 0,
      callId: m.call_id, cseq: m.cseq };
  };
  return {
    entry: 'require("jssip/lib/Parser.js").parseMessage(data, ua) ' +
      'with a constructed, unstarted JsSIP.UA (as UA.js ' +
      'onTransportData)',
    fields,
    parse(text) {
      const m = Parser.parseMessage(text, ua);
      return m.method.length + m.call_id.length + m.cseq +
        (m.status_code | 0);
    },
  };
}

export async function loadSIPjs() {
  const { UserAgent } = await import('sip.js');
  /* SIP.js 0.21.2 api/user-agent.js onTransportMessage():
   * Parser.parseMessage(messageString, this.getLogger("sip.Parser")) */
  const { Parser } = await import('sip.js/lib/core/messages/parser.js');
  const ua = new UserAgent({
    uri: UserAgent.makeURI(ACCOUNT.uri),
    authorizationPassword: ACCOUNT.password,
    transportOptions: { server: ACCOUNT.server },
    logConfiguration: false,
    logLevel: 'warn',
  });
  const logger = ua.getLogger('sip.Parser');
  const fields = (text) => {
    const m = Parser.parseMessage(text, logger);
    if (!m)
      return null;
    return { method: m.method, status: m.statusCode || 0,
      callId: m.callId, cseq: m.cseq };
  };
  return {
    entry: 'Parser.parseMessage(data, ua.getLogger("sip.Parser")) from ' +
      'sip.js/lib/core/messages/parser.js (as api/user-agent.js ' +
      'onTransportMessage)',
    fields,
    parse(text) {
      const m = Parser.parseMessage(text, logger);
      return m.method.length + m.callId.length + m.cseq +
        (m.statusCode | 0);
    },
  };
}

/**
 * Instantiates a core build with the shim's loader and a silent bridge.
 * @param {string} wasm WASM (what a page loads) or WASM_CHECK (sp_sip_check)
 */
export async function instantiateSipshield(wasm) {
  const { instantiateCore } = await import(pathToFileURL(LOADER).href);
  return instantiateCore(fs.readFileSync(wasm), {
    emit() {},
    log() {},
    wsOpen() { return 0; },
    wsSend() { return 0; },
    wsClose() {},
  });
}

/**
 * @param {number} maxBytes largest message in UTF-8 bytes
 */
export async function loadSipshield(maxBytes) {
  const M = await instantiateSipshield(WASM_CHECK);
  for (const f of ['sp_init', 'sp_malloc', 'sp_free', 'sp_sip_check']) {
    if (typeof M[f] !== 'function')
      throw new Error(`export ${f} missing`);
  }
  const init = M.sp_init(0, 0);
  const cap = maxBytes * 3 + 16;
  const ptr = M.sp_malloc(cap);
  if (!ptr)
    throw new Error(`sp_malloc(${cap}) returned 0`);
  const enc = new TextEncoder();
  const check = (text) => {
    const heap = M.heap;
    const r = enc.encodeInto(text, heap.subarray(ptr, ptr + cap));
    if (r.read !== text.length)
      throw new Error('message larger than the buffer');
    return M.sp_sip_check(ptr, r.written, 0);
  };
  return {
    entry: 'TextEncoder.encodeInto(data, wasm memory at one sp_malloc ' +
      'buffer) + sp_sip_check(ptr, n, 0) === 0',
    init,
    check,
    parse(text) {
      const err = check(text);
      if (err !== 0)
        throw new Error(`sp_sip_check returned ${err}`);
      return 1;
    },
    close() { M.sp_free(ptr); },
  };
}
