#!/usr/bin/env node
/**
 * @file wasm-names.js  Gives a core's imports and exports their short names
 *
 *   node tools/wasm-names.js FILE.wasm   rewrites FILE.wasm in place
 *
 * The last step of each core's build (tools/core.mk). Why: names are
 * bytes of the page (gzip -9 of the page core and of the shim: the 50 KB
 * budget), and only shim/wasm.js reads them. Each gets one letter by the
 * table in shim/wasm.js (WASM_NAMES): the page core is 155 B gzip
 * smaller, and the shim, which no longer carries the C names of the
 * imports, 31 B: the page 49,999 -> 49,813 B.
 *
 * Only the import and export sections are rebuilt; every other section is
 * copied byte for byte. (wasm-opt --minify-imports-and-exports-and-modules
 * names them by their order in the module, not by a table, and its round
 * trip encodes the code again: 0.27 KB gzip more.)
 *
 * Exit 1, the file untouched, when the module has an import or export the
 * table does not name, or lacks one the table names (but those of
 * WASM_NAMES_SOME). Emscripten's own exports (WASM_NAMES_KEPT) keep
 * their names.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WASM_NAMES, WASM_NAMES_SOME, WASM_NAMES_KEPT } from '../shim/wasm.js';

/**
 * @typedef {object} Table  long name: short name
 * @property {Record<string, string>} modules
 * @property {Record<string, Record<string, string>>} imports by module
 * @property {Record<string, string>} exports
 * @property {string[]} [some] names of the table a module may lack
 * @property {string[]} [kept] exports that keep their names
 */
/** @type {Table} */
const TABLE = { ...WASM_NAMES, some: WASM_NAMES_SOME, kept: WASM_NAMES_KEPT };

const IMPORT_SECTION = 2;
const EXPORT_SECTION = 7;

/**
 * An unsigned LEB128
 * @param {Uint8Array} b
 * @param {number} at
 * @returns {[number, number]} its value and the offset after it
 */
function leb(b, at) {
  let v = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = b[at++];
    v += (byte & 0x7f) * 2 ** shift;
    if (!(byte & 0x80)) return [v, at];
  }
}

/** @type {(v: number) => number[]} v as an unsigned LEB128 */
function lebBytes(v) {
  const out = [];
  for (; v > 0x7f; v = Math.floor(v / 128)) out.push(0x80 | (v & 0x7f));
  out.push(v);
  return out;
}

/**
 * A name: LEB128 length, UTF-8
 * @param {Uint8Array} b
 * @param {number} at
 * @returns {[string, number]} the name and the offset after it
 */
function readName(b, at) {
  const [len, start] = leb(b, at);
  return [Buffer.from(b.subarray(start, start + len)).toString(), start + len];
}

/** @type {(text: string) => number[]} */
const nameBytes = (text) => [...lebBytes(Buffer.byteLength(text)), ...Buffer.from(text)];

/**
 * The end of an import's description: function, table, memory, global
 * @param {Uint8Array} b
 * @param {number} at its kind byte
 */
function importEnd(b, at) {
  const kind = b[at++];
  if (kind === 0) return leb(b, at)[1];       // type index
  if (kind === 3) return at + 2;              // value type, mutability
  if (kind !== 1 && kind !== 2) throw new Error(`an import of kind ${kind}`);
  if (kind === 1) at++;                       // element type, then limits
  const flags = b[at++];
  at = leb(b, at)[1];                         // minimum
  return flags & 1 ? leb(b, at)[1] : at;      // maximum
}

/**
 * The module with the table's short names for its imports and exports
 * @param {Uint8Array} b a .wasm
 * @param {Table} [table]
 * @returns {Buffer}
 * @throws {Error} listing each name the module and the table disagree on
 */
export function renameWasm(b, table = TABLE) {
  if (Buffer.from(b.subarray(0, 8)).toString('hex') !== '0061736d01000000') {
    throw new Error('not a WebAssembly module (version 1)');
  }
  /** @type {Set<string>} */
  const problems = new Set();
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {(what: string, short: string | undefined) => string} */
  const rename = (what, short) => {
    seen.add(what);
    if (short === undefined) problems.add(`${what} is not in the table`);
    return short ?? '';
  };

  const out = [b.subarray(0, 8)];
  for (let at = 8; at < b.length;) {
    const id = b[at];
    const [size, start] = leb(b, at + 1);
    const end = start + size;
    if (id !== IMPORT_SECTION && id !== EXPORT_SECTION) {
      out.push(b.subarray(at, end));
      at = end;
      continue;
    }
    let [count, p] = leb(b, start);
    const body = lebBytes(count);
    for (; count > 0; count--) {
      let mod = '';
      let field;
      if (id === IMPORT_SECTION) {
        [mod, p] = readName(b, p);
        body.push(...nameBytes(rename(`module ${mod}`, table.modules[mod])));
      }
      [field, p] = readName(b, p);
      if (id === EXPORT_SECTION && table.kept?.includes(field)) {
        body.push(...nameBytes(field));
      } else {
        body.push(...nameBytes(id === IMPORT_SECTION
          ? rename(`import ${mod}.${field}`, table.imports[mod]?.[field])
          : rename(`export ${field}`, table.exports[field])));
      }
      const desc = p;
      p = id === IMPORT_SECTION ? importEnd(b, p) : leb(b, p + 1)[1];
      body.push(...b.subarray(desc, p));
    }
    if (p !== end) throw new Error(`section ${id}: ${end - p} bytes left over`);
    out.push(Uint8Array.of(id, ...lebBytes(body.length), ...body));
    at = end;
  }

  /** @type {[string, string][]} what the table names, and its long name */
  const named = [
    ...Object.entries(table.imports).flatMap(([mod, fields]) =>
      Object.keys(fields).map((f) => /** @type {[string, string]} */ ([`import ${mod}.${f}`, f]))),
    ...Object.keys(table.exports).map((e) => /** @type {[string, string]} */ ([`export ${e}`, e])),
  ];
  for (const [what, long] of named) {
    if (!seen.has(what) && !table.some?.includes(long)) problems.add(`${what} of the table is not in the module`);
  }
  const shorts = [
    ...Object.entries(table.imports).flatMap(([mod, fields]) =>
      Object.values(fields).map((s) => `import ${table.modules[mod]}.${s}`)),
    ...Object.values(table.exports).map((s) => `export ${s}`),
  ];
  for (const [i, s] of shorts.entries()) {
    if (shorts.indexOf(s) !== i) problems.add(`short name ${s} is in the table twice`);
  }
  if (problems.size) throw new Error([...problems].join('\n'));
  return Buffer.concat(out);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node tools/wasm-names.js FILE.wasm');
    process.exit(2);
  }
  try {
    fs.writeFileSync(file, renameWasm(fs.readFileSync(file)));
  } catch (e) {
    console.error(`wasm-names: ${file}:\n${/** @type {Error} */ (e).message}\n`
      + '(the table: WASM_NAMES in shim/wasm.js)');
    process.exit(1);
  }
}
