// The cores' imports and exports have one-letter names on the page (tools/wasm-names.js, by the
// table WASM_NAMES in shim/wasm.js): each built core has exactly the table's short names, so
// the test fails when the step leaves the build; the tool refuses a module whose names the
// table does not know and changes nothing but the names; and instantiateCore(), which spells
// the short names out instead of reading the table, maps each to the C name the table gives.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCore } from '../../shim/index.js';
import { internal } from '../../shim/internal.js';
import { instantiateCore, WASM_NAMES, WASM_NAMES_KEPT } from '../../shim/wasm.js';
import { renameWasm } from '../../tools/wasm-names.js';
import { ROOT } from './support/servers.js';

const TOOL = path.join(ROOT, 'tools/wasm-names.js');
const { modules, imports: IMPORTS, exports: EXPORTS } = WASM_NAMES;

/** Every import of the table as "module.name" in the .wasm, by its C name */
const SHORT_IMPORTS = Object.fromEntries(Object.entries(IMPORTS).flatMap(([mod, names]) =>
  Object.entries(names).map(([name, short]) => [name, `${modules[mod]}.${short}`])));

/** The three cores of dist/, and the C names each lacks */
const CORES = [
  ['sipshield-core.wasm', ['spjs_log', 'sp_sip_check'], []],
  ['sipshield-core-debug.wasm', ['sp_sip_check'], []],
  ['sipshield-check.wasm', [], ['__indirect_function_table', 'stackSave', 'stackRestore', 'stackAlloc']],
];

/** @type {(bytes: Uint8Array) => [string[], string[]]} its imports and exports, sorted */
function face(bytes) {
  const m = new WebAssembly.Module(bytes);
  return [WebAssembly.Module.imports(m).map((i) => `${i.module}.${i.name}`).sort(),
    WebAssembly.Module.exports(m).map((e) => e.name).sort()];
}

/** @type {(b: Uint8Array) => [number, Uint8Array][]} a module's sections: id and body */
function sections(b) {
  const out = [];
  for (let at = 8; at < b.length;) {
    let size = 0;
    let p = at + 1;
    for (let shift = 0; ; shift += 7) {
      size += (b[p] & 0x7f) * 2 ** shift;
      if (!(b[p++] & 0x80)) break;
    }
    out.push([b[at], b.subarray(p, p + size)]);
    at = p + size;
  }
  return out;
}

/** @type {(s: string) => number[]} a short name: length, bytes */
const name = (s) => [s.length, ...Buffer.from(s)];
/** @type {(id: number, body: number[]) => number[]} a short section */
const section = (id, body) => [id, body.length, ...body];

/** A module by hand: one function type, and each of `imports` ("module.name") a function */
function tinyModule(imports) {
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 0, 0]),
    ...section(2, [imports.length, ...imports.flatMap((i) => [...name(i.split('.')[0]), ...name(i.split('.')[1]), 0, 0])]),
  ]);
}

/** @type {(file: string) => Promise<{ code: number, stderr: string }>} */
function runTool(file) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TOOL, file], (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }));
  });
}

describe('Each core a page or a tool loads has the short names', () => {
  for (const [file, lacks, kept] of CORES) {
    it(`${file}: its imports and exports are the table's, one letter each`, () => {
      const [imports, exports] = face(fs.readFileSync(path.join(ROOT, 'dist', file)));
      assert.deepEqual(imports, Object.entries(SHORT_IMPORTS)
        .filter(([long]) => !lacks.includes(long)).map(([, short]) => short).sort());
      assert.deepEqual(exports, [...Object.entries(EXPORTS)
        .filter(([long]) => !lacks.includes(long)).map(([, short]) => short), ...kept].sort());
    });
  }

  it('the wasm-debug builds\' too: the short names, and Emscripten\'s own exports', (t) => {
    const dir = path.join(ROOT, 'build/wasm-debug');
    if (!fs.existsSync(path.join(dir, 'sipshield-core.wasm'))) return t.skip(`${dir} has no cores: make wasm-debug`);
    for (const file of ['sipshield-core.wasm', 'sipshield-check.wasm']) {
      const [imports, exports] = face(fs.readFileSync(path.join(dir, file)));
      assert.deepEqual(imports, Object.values(SHORT_IMPORTS).sort(), file);
      const shorts = Object.values(EXPORTS);
      assert.deepEqual(exports.filter((e) => !shorts.includes(e) && !WASM_NAMES_KEPT.includes(e)), [], file);
      assert.ok(shorts.every((e) => e === EXPORTS.sp_sip_check || exports.includes(e)), file);
    }
  });
});

describe('tools/wasm-names.js', () => {
  it('refuses a module with an import the table does not name, and leaves the file as it was', async () => {
    const bytes = tinyModule(['env.spjs_emit', 'env.spjs_surprise']);
    assert.ok(WebAssembly.validate(bytes));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-names-'));
    try {
      const file = path.join(dir, 'tiny.wasm');
      fs.writeFileSync(file, bytes);
      const { code, stderr } = await runTool(file);
      assert.equal(code, 1);
      assert.match(stderr, /^import env\.spjs_surprise is not in the table$/m);
      // and what the table names that the module lacks
      assert.match(stderr, /^export sp_cmd of the table is not in the module$/m);
      assert.doesNotMatch(stderr, /spjs_emit|spjs_log|sp_sip_check/);
      assert.deepEqual(fs.readFileSync(file), Buffer.from(bytes));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // a module renamed already is not renamed again
    const core = fs.readFileSync(path.join(ROOT, 'dist/sipshield-core.wasm'));
    assert.throws(() => renameWasm(core), new RegExp(`^import ${SHORT_IMPORTS.spjs_emit.replace('.', '\\.')} is not in the table$`, 'm'));
  });

  it('rewrites only the names: every other section of the page core byte for byte, and back', () => {
    const core = fs.readFileSync(path.join(ROOT, 'dist/sipshield-core.wasm'));
    /** A table from the names `from` gives the short ones to those `to` gives them */
    const table = (/** @type {(s: string) => string} */ from, /** @type {(s: string) => string} */ to) => {
      /** @type {Record<string, Record<string, string>>} */
      const imports = {};
      for (const [mod, names] of Object.entries(IMPORTS)) {
        for (const s of Object.values(names)) (imports[from(modules[mod])] ??= {})[from(s)] = to(s);
      }
      return {
        modules: Object.fromEntries(Object.values(modules).map((s) => [from(s), to(s)])),
        imports,
        exports: Object.fromEntries(Object.values(EXPORTS).map((s) => [from(s), to(s)])),
        some: [from(IMPORTS.env.spjs_log), from(EXPORTS.sp_sip_check)],
      };
    };
    const same = (/** @type {string} */ s) => s;
    const longer = (/** @type {string} */ s) => `renamed_${s}`;
    const renamed = renameWasm(core, table(same, longer));
    assert.ok(WebAssembly.validate(renamed));
    const [imports, exports] = face(renamed);
    assert.deepEqual(imports, face(core)[0].map((i) => i.split('.').map(longer).join('.')).sort());
    assert.deepEqual(exports, face(core)[1].map(longer).sort());
    const before = sections(core);
    const after = sections(renamed);
    assert.deepEqual(after.map(([id]) => id), before.map(([id]) => id));
    for (const [i, [id, body]] of before.entries()) {
      if (id === 2 || id === 7) assert.ok(after[i][1].length > body.length, `section ${i} (id ${id})`);
      else assert.deepEqual(after[i][1], body, `section ${i} (id ${id})`);
    }
    // and back: the page core as it was, every byte
    assert.deepEqual(renameWasm(renamed, table(longer, same)), core);
  });
});

describe('The renamed core works through the shim', () => {
  it('instantiateCore gives each import and export the C name the table gives its short name', async () => {
    const calls = [];
    const bridge = {
      emit: (...a) => { calls.push(['emit', ...a]); },
      wsOpen: (...a) => { calls.push(['wsOpen', ...a]); return 0; },
      wsSend: (conn, bytes) => { calls.push(['wsSend', conn, Buffer.from(bytes).toString()]); return 0; },
      wsClose: (...a) => { calls.push(['wsClose', ...a]); },
      log: (...a) => { calls.push(['log', ...a]); },
    };
    // what instantiateCore gives WebAssembly, and the instance it gets
    const instantiate = WebAssembly.instantiate;
    let given;
    let instance;
    WebAssembly.instantiate = async (bytes, imports) => {
      given = imports;
      const r = await instantiate(bytes, imports);
      instance = r.instance;
      return r;
    };
    let m;
    try {
      m = await instantiateCore(fs.readFileSync(path.join(ROOT, 'dist/sipshield-check.wasm')), bridge);
    } finally {
      WebAssembly.instantiate = instantiate;
    }
    // the exports: each C name is the function of its short name
    for (const [long, short] of Object.entries(EXPORTS)) {
      if (long === 'memory' || long === '_initialize') continue;
      assert.equal(m[long], instance.exports[short], long);
    }
    assert.equal(m.heap.buffer, instance.exports[EXPORTS.memory].buffer);

    // the imports: each short name does what its C name says
    assert.deepEqual(Object.entries(given).flatMap(([mod, fns]) => Object.keys(fns).map((f) => `${mod}.${f}`)).sort(),
      Object.values(SHORT_IMPORTS).sort());
    const imp = (long) => {
      const [mod, short] = SHORT_IMPORTS[long].split('.');
      return given[mod][short];
    };
    const ptr = m.sp_malloc(16);
    m.heap.set(Buffer.from('hi'), ptr);
    imp('spjs_emit')(ptr, 2);
    imp('spjs_ws_open')(1, 2, ptr, 2);
    imp('spjs_ws_send')(3, ptr, 2);
    imp('spjs_ws_close')(4, 1000);
    imp('spjs_log')(5, ptr, 2);
    assert.deepEqual(calls, [['emit', 'hi'], ['wsOpen', 1, 2, 'hi'], ['wsSend', 3, 'hi'], ['wsClose', 4, 1000],
      ['log', 5, 'hi']]);
    m.heap.fill(0, ptr, ptr + 16);
    imp('spjs_random')(ptr, 16);
    assert.ok(m.heap.subarray(ptr, ptr + 16).some((b) => b !== 0), 'spjs_random filled nothing');
    const t0 = BigInt(Date.now() - 1000) * 1000000n;
    assert.equal(imp('clock_time_get')(0, 0n, ptr), 0);
    assert.ok(new DataView(m.heap.buffer).getBigUint64(ptr, true) > t0, 'clock_time_get wrote no time');
    assert.throws(() => imp('proc_exit')(7), /the wasm core aborted \(exit 7\)/);
    m.sp_free(ptr);
  });

  for (const [file] of CORES) {
    it(`${file} instantiates and answers a command`, async () => {
      /** @type {string[]} */
      const texts = [];
      const m = await instantiateCore(fs.readFileSync(path.join(ROOT, 'dist', file)), {
        emit: (t) => texts.push(t), wsOpen: () => 1, wsSend: () => 1, wsClose: () => {}, log: () => {} });
      assert.equal(m.sp_init(0, 0), 0);
      const b = new TextEncoder().encode('{"v":1,"id":3,"cmd":"phone.close","phone":1}');
      const ptr = m.sp_malloc(b.length);
      m.heap.set(b, ptr);
      m.sp_cmd(ptr, b.length);
      m.sp_free(ptr);
      assert.deepEqual([JSON.parse(texts.at(-1) ?? '{}').id, JSON.parse(texts.at(-1) ?? '{}').err], [3, 'not-found']);
      assert.equal(typeof m.sp_tick(Date.now()), 'number');
    });
  }

  it('the page\'s shared core (loadCore) answers a command', async () => {
    const core = await loadCore();
    assert.equal(internal.cmd(core, { cmd: 'phone.close' }).err, 'not-found');
  });
});
