// Test support: the package as users get it. `npm pack` of the work tree (dist/ must be
// built: make test runs make dist first) into a scratch project under os.tmpdir(), then
// `npm install` of that tarball there: no registry is asked (the package has no
// dependencies), and the scratch project sees only what the tarball holds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './servers.js';

const NPM_TIMEOUT_MS = 60000;

/** npm with no network and nothing printed about audits or funding */
function npm(args, cwd) {
  return execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund'], {
    cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS,
    env: { ...process.env, NODE_PATH: '', npm_config_update_notifier: 'false' },
  });
}

/**
 * Pack the work tree and install the tarball into a fresh scratch project.
 * @param {string} name what the scratch directory is for (part of its name)
 * @param {Record<string, unknown>} [manifest] extra package.json fields of the project
 * @returns {{ dir: string, tarball: string, pkg: string, remove: () => void }}
 *   dir: the project; pkg: node_modules/sipshield in it
 */
export function installPacked(name, manifest = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sipshield-${name}-`));
  try {
    const [{ filename }] = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], ROOT));
    const tarball = path.join(dir, filename);
    fs.writeFileSync(path.join(dir, 'package.json'),
      JSON.stringify({ name: `scratch-${name}`, version: '1.0.0', private: true, ...manifest }, null, 2));
    npm(['install', tarball], dir);
    return {
      dir,
      tarball,
      pkg: path.join(dir, 'node_modules', 'sipshield'),
      remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** The files in a tarball npm made, relative to the package root */
export function tarballFiles(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n').filter((f) => f && !f.endsWith('/'))
    .map((f) => f.replace(/^package\//, ''))
    .sort();
}
