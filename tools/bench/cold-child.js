/**
 * @file cold-child.js  One cold start, run in a fresh node process by run.js.
 *
 * Usage: node tools/bench/cold-child.js <sipshield|JsSIP|SIP.js> [bundle.js]
 * Without bundle.js the library is imported from node_modules; with it, from
 * the esbuild bundle that the size section measured. Prints one line
 * "BENCH_COLD <json>" with the milliseconds from before the import to after
 * the user agent (or the wasm core) is ready.
 */
import { pathToFileURL } from 'node:url';
import { ACCOUNT, WASM, instantiateSipshield, jssipFakeSocket } from './lib.js';

const t0 = performance.now();
const [lib, bundle] = process.argv.slice(2);
const from = (spec) => import(bundle ? pathToFileURL(bundle).href : spec);
const info = {};

switch (lib) {

case 'sipshield': {
  const M = await instantiateSipshield(WASM);
  info.init = M.sp_init(0, 0);
  break;
}

case 'JsSIP': {
  const mod = await from('jssip');
  const JsSIP = mod.default || mod;
  const ua = new JsSIP.UA({
    sockets: [jssipFakeSocket()],
    uri: ACCOUNT.uri,
    password: ACCOUNT.password,
  });
  info.ok = typeof ua.start === 'function';
  break;
}

case 'SIP.js': {
  const { UserAgent } = await from('sip.js');
  const ua = new UserAgent({
    uri: UserAgent.makeURI(ACCOUNT.uri),
    authorizationPassword: ACCOUNT.password,
    transportOptions: { server: ACCOUNT.server },
    logConfiguration: false,
    logLevel: 'warn',
  });
  info.ok = ua.state === 'Stopped';
  break;
}

default:
  throw new Error(`unknown library ${lib}`);
}

const ms = performance.now() - t0;
process.stdout.write(`BENCH_COLD ${JSON.stringify({ lib, ms, ...info })}\n`);
process.exit(0);
