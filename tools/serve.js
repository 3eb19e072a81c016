#!/usr/bin/env node
// @file serve.js  Static server for the demo and the browser tests: 127.0.0.1 only,
// only web/, shim/, dist/ and the browser tests' pages (tests/e2e/pages/ and their bundles in
// build/e2e/), with the right MIME types (application/wasm for the core).
//   node tools/serve.js PORT [CONFIG_JSON]   (CONFIG_JSON is served as /demo-config.json)
// With SIPSHIELD_AUTHEPH_SECRET in the environment it is also the site's credentials backend
// (tools/credentials.js) for the accounts of tools/servers/users, credentials valid
// SIPSHIELD_CREDENTIALS_TTL seconds (default 3600). Tests import createServer() instead.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentialsBackend } from './credentials.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = ['web', 'shim', 'dist', 'tests/e2e/pages', 'build/e2e'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json',
};
// The strict policy the <sip-phone> widget must run under (issue 9), sent with the widget's
// test pages (build/e2e/widget-*.html, written by tests/e2e/widget*.test.js)
const WIDGET_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "connect-src 'self' wss:; media-src 'self' blob:; img-src 'self' data:";
const WIDGET_PAGE = /^build\/e2e\/widget-[\w-]+\.html$/;

/**
 * The page server (not listening yet).
 * @param {{ config?: string, backend?: ReturnType<typeof credentialsBackend> }} [options]
 *   config: served as /demo-config.json; backend: mounted before the files
 */
export function createServer({ config = '{}', backend } = {}) {
  return http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://127.0.0.1');
    if (backend?.(req, res, url)) return;
    serveFile(req, res, url, config);
  });
}

/**
 * @param {http.IncomingMessage} req
 * @param {http.ServerResponse} res
 * @param {URL} url
 * @param {string} config
 */
function serveFile(req, res, url, config) {
  if (url.pathname === '/') {
    res.writeHead(302, { location: `/web/demo/${url.search}` });  // keeps ?user=bob
    res.end();
    return;
  }
  if (url.pathname === '/demo-config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(config);
    return;
  }
  let rel;
  try {
    rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
  } catch {
    res.writeHead(400).end('bad request');
    return;
  }
  if (rel.endsWith('/') || rel === '') rel += 'index.html';
  const file = path.resolve(ROOT, rel);
  const within = path.relative(ROOT, file).split(path.sep).join('/');
  if (!file.startsWith(ROOT + path.sep) || !ALLOWED.some((d) => within.startsWith(`${d}/`))) {
    res.writeHead(404).end('not found');
    return;
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
      'cache-control': 'no-store',
      ...(WIDGET_PAGE.test(within) ? { 'content-security-policy': WIDGET_CSP } : {}),
    });
    res.end(data);
  });
}

/** The accounts of tools/servers/users */
export function demoUsers() {
  return fs.readFileSync(path.join(ROOT, 'tools/servers/users'), 'utf8').split('\n')
    .map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)[0]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] || 8080);
  const secret = process.env.SIPSHIELD_AUTHEPH_SECRET;
  const backend = secret ? credentialsBackend({ secret, users: demoUsers(),
    ttl: Number(process.env.SIPSHIELD_CREDENTIALS_TTL) || 3600 }) : undefined;
  const server = createServer({ config: process.argv[3] || '{}', backend });
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`serving on http://127.0.0.1:${port}/\n`);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
