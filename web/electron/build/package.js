// @ts-check
/**
 * @file package.js  Package the desktop softphone with @electron/packager and lock it down with fuses
 *
 * The desktop app consumes the sipshield npm package exactly as users get it, never the work
 * tree: packageApp() runs `npm pack` at the repository root (or takes a tarball), stages the
 * app's own files (package.json, main/, preload/, renderer/, icons/; not tests or build/) in a
 * scratch directory, installs the tarball there with production dependencies only, then
 * runs @electron/packager on that directory (asar, prune, IGNORE) and, in its afterComplete
 * hook, flips the Electron binary's fuses (FUSES below).
 *
 * Fuses (see Electron's "Electron Fuses" tutorial), every one set explicitly and
 * strictlyRequireAllFuses on, so an Electron upgrade that adds a fuse fails here until we decide:
 *   RunAsNode                              off  ELECTRON_RUN_AS_NODE must not turn the app into node
 *   EnableCookieEncryption                 on   cookies encrypted with the OS key store
 *   EnableNodeOptionsEnvironmentVariable   off  NODE_OPTIONS must not inject code
 *   EnableNodeCliInspectArguments          off  --inspect must not open a debugger
 *   EnableEmbeddedAsarIntegrityValidation  on   app.asar checked against the hash packager embeds
 *                                              (macOS and Windows; Electron has no check on Linux)
 *   OnlyLoadAppFromAsar                    on   no app/ folder next to app.asar may replace it
 *   LoadBrowserProcessSpecificV8Snapshot   off  we ship no custom V8 snapshot (Electron's default)
 *   GrantFileProtocolExtraPrivileges       off  the app never loads file: URLs (it uses app://)
 *   WasmTrapHandlers                       on   Electron's default: V8 bounds-checks the wasm
 *                                              core's memory with guard pages
 * On darwin arm64 (and universal) flipping fuses breaks the ad-hoc signature, so the config sets
 * resetAdHocDarwinSignature; a real signature must be applied after this script.
 *
 * Updates: the app ships no auto-updater. If one is ever added, it must install only updates
 * signed by us (verified before install, not just fetched over TLS) and never while a call is
 * ringing or active.
 *
 * Electron itself: packager takes `electron-v<version>-<platform>-<arch>.zip` from
 * electronZipDir when given (for machines without access to Electron's downloads), otherwise
 * from @electron/get's cache or a download bounded by downloadTimeoutMs. Either way, when it
 * cannot get Electron, packageApp() rejects with a PackageError whose code is 'no-electron'
 * and whose message says what to do. The version is the exact one web/electron/package.json
 * pins in devDependencies.
 *
 * Needs Node 20.19 or later (require() of the ES-module @electron/fuses).
 *
 * Usage: node web/electron/build/package.js [--out DIR] [--platform linux|win32|darwin|mas]
 *          [--arch x64|arm64|...] [--electron-zip-dir DIR] [--tarball sipshield-x.y.z.tgz]
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');

/*
 * The Electron tools are ES modules whose types sit behind package.json "exports", which tsc's
 * "node" module resolution (the check this file gets) cannot see: the names are kept out of
 * literal require() and import() so tsc does not resolve them, and the types come by file.
 */
const FUSES_MODULE = '@electron/fuses';
const PACKAGER_MODULE = '@electron/packager';

/** @type {typeof import('@electron/fuses/dist/index.js')} */
const { FuseV1Options, FuseVersion, flipFuses } = require(FUSES_MODULE);

/** web/electron: the desktop app's sources */
const APP_DIR = path.resolve(__dirname, '..');

/** The repository root, where `npm pack` makes the sipshield tarball */
const ROOT = path.resolve(APP_DIR, '..', '..');

/** What of web/electron goes into the app (package.json is required, the folders if present) */
const APP_FILES = ['package.json', 'main', 'preload', 'renderer', 'icons'];

/** The platforms packager builds for */
const PLATFORMS = ['linux', 'win32', 'darwin', 'mas'];

/** The product and executable name */
const APP_NAME = 'sipshield-desktop';

/** Where the CLI writes the packaged app unless --out says otherwise (git-ignored) */
const DEFAULT_OUT = path.join(ROOT, 'build', 'desktop');

const NPM_TIMEOUT_MS = 120000;
const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * The fuse states, keyed by FuseV1Options (see the file comment for why each).
 * @type {Readonly<Record<import('@electron/fuses/dist/config.js').FuseV1Options, boolean>>}
 */
const FUSES = Object.freeze({
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  [FuseV1Options.WasmTrapHandlers]: true,
});

/**
 * Paths in the staged app that are not packaged, relative to it and starting with "/"
 * (packager's own defaults add lock files and node_modules/.bin): type declarations, source
 * maps, and sipshield's check build and CLI, which the app never loads.
 */
const IGNORE = Object.freeze([
  /\.d\.c?ts$/,
  /\.map$/,
  /^\/node_modules\/sipshield\/dist\/types(\/|$)/,
  /^\/node_modules\/sipshield\/dist\/sipshield-check\.wasm$/,
  /^\/node_modules\/sipshield\/dist\/cjs\/check\.cjs$/,
  /^\/node_modules\/sipshield\/shim\/(check|cli)\.js$/,
  /^\/node_modules\/sipshield\/check(\/|$)/,
]);

/** An error of this script: `code` says which step failed, the message what to do */
class PackageError extends Error {
  /**
   * @param {'bad-target' | 'no-electron' | 'bad-manifest' | 'npm-failed' | 'bad-staging-dir' | 'no-binary'} code
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    this.name = 'PackageError';
    this.code = code;
  }
}

/**
 * The config flipFuses() gets for one target.
 * @param {string} platform packager's platform (linux, win32, darwin, mas)
 * @param {string} arch packager's arch
 * @returns {import('@electron/fuses/dist/config.js').FuseV1Config}
 */
function fuseConfig(platform, arch) {
  return {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === 'arm64' || arch === 'universal'),
    ...FUSES,
  };
}

/**
 * The file flipFuses() patches in a packaged app (for macOS, the .app; fuses finds the framework).
 * @param {string} buildPath the folder packager made for one platform and arch
 * @param {string} platform
 * @returns {string}
 */
function electronBinary(buildPath, platform) {
  switch (platform) {
    case 'win32':
      return path.join(buildPath, `${APP_NAME}.exe`);
    case 'darwin':
    case 'mas':
      return path.join(buildPath, `${APP_NAME}.app`);
    default:
      return path.join(buildPath, APP_NAME);
  }
}

/**
 * npm with nothing printed about audits or funding, bounded in time.
 * @param {string[]} args
 * @param {string} cwd
 * @returns {string} stdout
 */
function npm(args, cwd) {
  try {
    return execFileSync('npm', [...args, '--no-audit', '--no-fund'], {
      cwd, encoding: 'utf8', timeout: NPM_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: '', npm_config_update_notifier: 'false' },
    });
  } catch (e) {
    const stderr = /** @type {{ stderr?: string }} */ (e).stderr ?? '';
    throw new PackageError('npm-failed', `npm ${args[0]} failed in ${cwd}: ${stderr.trim() || String(e)}`,
      { cause: e });
  }
}

/**
 * `npm pack` the repository root: the sipshield package as users get it (dist/ must be built).
 * @param {string} dest folder the tarball is written to
 * @returns {string} the tarball's path
 */
function packTarball(dest) {
  const out = JSON.parse(npm(['pack', '--json', '--pack-destination', dest], ROOT));
  return path.join(dest, out[0].filename);
}

/**
 * Read a package.json.
 * @param {string} file
 * @returns {{ version?: string, dependencies?: Record<string, string>,
 *   devDependencies?: Record<string, string>, [key: string]: unknown }}
 */
function readManifest(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * The Electron version the app pins in devDependencies: exact, as packager needs one zip.
 * @param {string} [source] the app's folder (default web/electron)
 * @returns {string}
 */
function electronVersion(source = APP_DIR) {
  const v = readManifest(path.join(source, 'package.json')).devDependencies?.electron;
  if (typeof v !== 'string' || !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(v)) {
    throw new PackageError('bad-manifest',
      `${path.join(source, 'package.json')} must pin devDependencies.electron to an exact version such as 45.6.1`);
  }
  return v;
}

/**
 * Stage the app for packager: its own files plus the sipshield tarball installed with
 * production dependencies only. The staged package.json depends on sipshield by the exact
 * version the tarball holds (no file: path) and has no devDependencies.
 * @param {{ tarball: string, dir: string, source?: string }} args tarball: from `npm pack`;
 *   dir: the staging folder (created; must not exist or be empty); source: the app's folder
 * @returns {{ dir: string, version: string }} version: the sipshield version installed
 */
function stageApp({ tarball, dir, source = APP_DIR }) {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new PackageError('bad-staging-dir', `the staging folder ${dir} is not empty: give a new one`);
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const name of APP_FILES) {
    const from = path.join(source, name);
    if (name === 'package.json' || fs.existsSync(from)) {
      fs.cpSync(from, path.join(dir, name), { recursive: true });
    }
  }
  const manifestPath = path.join(dir, 'package.json');
  const manifest = readManifest(manifestPath);
  if (typeof manifest.dependencies?.sipshield !== 'string') {
    throw new PackageError('bad-manifest', `${path.join(source, 'package.json')} must depend on sipshield`);
  }
  delete manifest.devDependencies;
  const write = () => fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  // install from the tarball, then name the version it held, as a registry install would
  manifest.dependencies.sipshield = `file:${path.resolve(tarball)}`;
  write();
  npm(['install', '--omit=dev', '--no-package-lock'], dir);
  const version = readManifest(path.join(dir, 'node_modules', 'sipshield', 'package.json')).version;
  if (typeof version !== 'string') {
    throw new PackageError('bad-manifest', `${tarball} has no version in its package.json`);
  }
  manifest.dependencies.sipshield = version;
  write();
  // npm's hidden lockfile records where the tarball came from; nothing reads it at run time
  fs.rmSync(path.join(dir, 'node_modules', '.package-lock.json'), { force: true });
  return { dir, version };
}

/**
 * @typedef {object} PackageOptions
 * @property {string} out folder the packaged app goes into, as sipshield-desktop-PLATFORM-ARCH
 * @property {string} [platform] default this machine's
 * @property {string} [arch] default this machine's
 * @property {string} [electronZipDir] folder holding electron-vVERSION-PLATFORM-ARCH.zip;
 *   without it, Electron comes from the download cache or is downloaded
 * @property {string} [tarball] the sipshield tarball; default `npm pack` of the repository
 * @property {string} [source] the app's folder (default web/electron)
 * @property {number} [downloadTimeoutMs] bound on getting Electron when it is downloaded
 * @property {boolean} [quiet] no progress output from packager
 */

/**
 * What packageApp() gives @electron/packager: the options it uses, from packager's types.d.ts
 * (which tsc cannot load here, see PACKAGER_MODULE).
 * @typedef {object} PackagerOptions
 * @property {string} dir
 * @property {string} out
 * @property {string} platform
 * @property {string} arch
 * @property {string} electronVersion
 * @property {string} name
 * @property {string} executableName
 * @property {boolean} asar
 * @property {boolean} prune
 * @property {boolean} overwrite
 * @property {boolean} quiet
 * @property {string} tmpdir
 * @property {RegExp[]} ignore
 * @property {string} [electronZipDir]
 * @property {{ downloadOptions: { signal: AbortSignal } }} [download]
 * @property {Array<() => void>} afterExtract
 * @property {Array<(hook: { buildPath: string, platform: string, arch: string }) => Promise<void>>} afterComplete
 */

/**
 * Package the app for one platform and arch and flip its fuses.
 * @param {PackageOptions} options
 * @returns {Promise<string[]>} the packaged app folders
 */
async function packageApp({ out, platform = process.platform, arch = process.arch, electronZipDir, tarball,
  source = APP_DIR, downloadTimeoutMs = DOWNLOAD_TIMEOUT_MS, quiet = false }) {
  const version = electronVersion(source);
  /** @type {{ packager: (options: PackagerOptions) => Promise<string[]>,
   *   allOfficialArchsForPlatformAndVersion: (platform: string, version: string) => string[] }} */
  const { packager, allOfficialArchsForPlatformAndVersion } = await import(PACKAGER_MODULE);
  if (!PLATFORMS.includes(platform) || !allOfficialArchsForPlatformAndVersion(platform, version).includes(arch)) {
    throw new PackageError('bad-target', `Electron ${version} has no build for ${platform}-${arch}: `
      + `the platform is one of ${PLATFORMS.join(', ')}, and each has its own architectures (x64, arm64 ...)`);
  }
  const zipName = `electron-v${version}-${platform}-${arch}.zip`;
  const noElectron = (/** @type {string} */ why, /** @type {unknown} */ cause) => new PackageError('no-electron',
    `Could not get Electron ${version} for ${platform}-${arch}: ${why}. Put ${zipName} in a folder and pass `
    + 'it as electronZipDir (--electron-zip-dir), or run where Electron can be downloaded.', { cause });
  if (electronZipDir !== undefined && !fs.existsSync(path.join(electronZipDir, zipName))) {
    throw noElectron(`${electronZipDir} has no ${zipName}`, undefined);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sipshield-desktop-'));
  try {
    const staged = stageApp({ tarball: tarball ?? packTarball(work), dir: path.join(work, 'app'), source });
    // before packager has unzipped Electron, a failure is about getting Electron
    let extracted = false;
    try {
      return await packager({
        dir: staged.dir,
        out: path.resolve(out),
        platform,
        arch,
        electronVersion: version,
        name: APP_NAME,
        executableName: APP_NAME,
        asar: true,
        prune: true,
        overwrite: true,
        quiet,
        tmpdir: work,
        ignore: [...IGNORE],
        ...(electronZipDir !== undefined
          ? { electronZipDir: path.resolve(electronZipDir) }
          : { download: { downloadOptions: { signal: AbortSignal.timeout(downloadTimeoutMs) } } }),
        afterExtract: [() => { extracted = true; }],
        afterComplete: [async (hook) => {
          const binary = electronBinary(hook.buildPath, hook.platform);
          if (!fs.existsSync(binary)) {
            throw new PackageError('no-binary', `packager made no ${binary}: cannot flip its fuses`);
          }
          await flipFuses(binary, fuseConfig(hook.platform, hook.arch));
        }],
      });
    } catch (e) {
      if (extracted || e instanceof PackageError) {
        throw e;
      }
      throw noElectron(e instanceof Error ? e.message : String(e), e);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The command line: see the file comment */
async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: DEFAULT_OUT },
      platform: { type: 'string', default: process.platform },
      arch: { type: 'string', default: process.arch },
      'electron-zip-dir': { type: 'string' },
      tarball: { type: 'string' },
    },
  });
  const paths = await packageApp({ out: values.out, platform: values.platform, arch: values.arch,
    electronZipDir: values['electron-zip-dir'], tarball: values.tarball });
  for (const p of paths) {
    console.log(p);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof PackageError ? `package.js: ${e.message}` : e);
    process.exitCode = 1;
  });
}

module.exports = {
  FUSES, IGNORE, APP_FILES, APP_NAME, PackageError,
  fuseConfig, electronBinary, electronVersion, packTarball, stageApp, packageApp,
};
