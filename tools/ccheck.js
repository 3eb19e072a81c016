#!/usr/bin/env node
/**
 * @file ccheck.js  The C style check of STYLE.md section 4, run by make test
 *
 * The rules baresip's test/ccheck.py checks (re/.github/workflows/lint.yml
 * runs it), over our C: wasm/, tests/c/, tests/fuzz/.
 *  - indentation with tabs (spaces may only follow tabs, to align; a
 *    label is indented by one space, as in libre: " out:");
 *  - at most 79 columns, a tab counting to the next multiple of 8;
 *  - comments in slash-star form only, no double slash;
 *  - a space after if, for, while and switch: `if (`;
 *  - `else` on the line after the closing brace, never `} else`;
 *  - pre-increment in a for statement's step: `++i`, not `i++`;
 *  - lowercase hex digits: 0x7fff, not 0x7FFF;
 *  - at most 3000 lines per .c file (STYLE.md), 900 under wasm/ (issue 12:
 *    a file that long does several jobs: split it along them).
 * String and character literals and comments are blanked before the code
 * rules run, so `"wss://"` is not a comment and `"0xFF"` not a number.
 *
 * Usage: node tools/ccheck.js [-v] [FILE...]   (default: every C file above)
 * Prints each violation as FILE:LINE: rule: text, then "N passed, N
 * failed" (files); exits 1 if any file fails.  (-v is accepted and does
 * nothing more: every violation is listed.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIRS = ['wasm', 'tests/c', 'tests/fuzz'];
const MAX_COLS = 79;
const MAX_LINES = 3000;
const MAX_LINES_WASM = 900;

/** Every .c and .h under @p dir */
function cFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...cFiles(p));
    else if (/\.[ch]$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Columns of a line, tabs to the next multiple of 8 */
function columns(line) {
  let col = 0;
  for (const ch of line) col = ch === '\t' ? (col + 8) & ~7 : col + 1;
  return col;
}

/**
 * The code of each line with literals and comments blanked (kept as
 * spaces, so columns do not move); comments may span lines
 * @param {string[]} lines
 */
function codeOnly(lines) {
  let inComment = false;
  return lines.map((line) => {
    let out = '';
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (inComment) {
        if (c === '*' && line[i + 1] === '/') {
          inComment = false;
          out += '  ';
          i++;
        }
        else out += ' ';
      }
      else if (c === '/' && line[i + 1] === '*') {
        inComment = true;
        out += '  ';
        i++;
      }
      else if (c === '"' || c === '\'') {
        let j = i + 1;
        while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
        out += c + ' '.repeat(Math.max(0, Math.min(j, line.length) - i - 1)) + (j < line.length ? c : '');
        i = j;
      }
      else out += c;
    }
    return out;
  });
}

/** The step (third clause) of a for statement that starts on @p c, or '' */
function forStep(c) {
  const m = /\bfor\s*\(/.exec(c);
  if (!m) return '';
  let depth = 1;
  const parts = [''];
  for (const ch of c.slice(m.index + m[0].length)) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) break;
    if (ch === ';' && depth === 1) parts.push('');
    else parts[parts.length - 1] += ch;
  }
  return parts[2] ?? '';
}

const RULES = [
  ['tabs', (l) => /^ +/.test(l) && !/^ [A-Za-z_]\w*:\s*$/.test(l) && !/^ \*/.test(l)],
];
const CODE_RULES = [
  ['comment', (c) => c.includes('//')],
  ['keyword space', (c) => /\b(if|for|while|switch)\(/.test(c)],
  ['else', (c) => /\}\s*else\b/.test(c)],
  ['pre-increment', (c) => /[\w\])](\+\+|--)/.test(forStep(c))],
  ['hex', (c) => /\b0[xX][0-9a-fA-F]*[A-F]|\b0X/.test(c)],
];

/** @returns {string[]} the violations of one file */
function check(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const rel = path.relative(ROOT, file);
  const bad = [];
  const max = rel.startsWith('wasm/') ? MAX_LINES_WASM : MAX_LINES;
  if (file.endsWith('.c') && lines.length > max) {
    bad.push(`${rel}:${lines.length}: lines: over ${max}`);
  }
  const code = codeOnly(lines);
  lines.forEach((line, i) => {
    if (columns(line) > MAX_COLS) bad.push(`${rel}:${i + 1}: columns: ${line.trim()}`);
    for (const [rule, test] of RULES) if (test(line)) bad.push(`${rel}:${i + 1}: ${rule}: ${line.trim()}`);
    for (const [rule, test] of CODE_RULES) if (test(code[i])) bad.push(`${rel}:${i + 1}: ${rule}: ${line.trim()}`);
  });
  return bad;
}

const args = process.argv.slice(2);
if (args[0] === '-v') args.shift();
const files = args.length ? args.map((f) => path.resolve(f)) :
  DIRS.flatMap((d) => cFiles(path.join(ROOT, d))).sort();
let failed = 0;
for (const f of files) {
  const bad = check(f);
  if (bad.length) failed++;
  for (const b of bad) console.log(b);
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
