// Test support: messages checked against the schema (tools/schema.js), and a recorder of
// every command, reply and event that passes between the shim and the real core.
// What goes wrong is named by message, field and expected type, never by value: commands
// carry passwords.
import fs from 'node:fs';
import path from 'node:path';
import { TYPES, REPLIES, COMMANDS, EVENTS } from '../../../tools/schema.js';
import { commandVariants } from '../../../tools/abi-gen.js';
import { internal } from '../../../shim/internal.js';
import { ROOT } from './servers.js';
import { unionMembers } from './dts.js';

/** The types the schema borrows from shim/errors.js, as tsc emitted them (make dist) */
function externalTypes() {
  const text = fs.readFileSync(path.join(ROOT, 'dist/types/errors.d.ts'), 'utf8');
  const out = new Map();
  for (const [name, t] of Object.entries(TYPES)) if (t.from) out.set(name, unionMembers(text, name));
  return out;
}

let external;

/** Does `v` fit one part of a TypeScript union as the schema writes it? */
function fitsAtom(atom, v, k) {
  switch (atom) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
    case 'true': return v === true;
    case 'false': return v === false;
    case 'string[]': return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'number':
      // a C int may be negative; unsigned and ids may not; none has a fraction
      return Number.isInteger(v) && (k?.c === '%d' || v >= 0);
    default:
      if (/^'.*'$/.test(atom)) return v === atom.slice(1, -1);
      if (TYPES[atom]?.ts) return fitsTs(TYPES[atom].ts, v, k);
      external ??= externalTypes();
      if (external.has(atom)) return typeof v === 'string' && external.get(atom).has(v);
      throw new Error(`the schema names an unknown type ${atom}`);
  }
}

const fitsTs = (ts, v, k) => ts.split('|').map((a) => a.trim()).some((a) => fitsAtom(a, v, k));

/**
 * What is wrong with an object against a field list: missing, unexpected or
 * mistyped fields; with `ordered`, also fields out of the schema's order
 * (what the C core writes follows it)
 * @returns {string[]}
 */
export function misfits(fields, value, where, { ordered = false, head = [] } = {}) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${where}: not an object`];
  const out = [];
  const names = [...head, ...Object.keys(fields)];
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) out.push(`${where}: unexpected field ${key}`);
  }
  for (const [name, k] of Object.entries(fields)) {
    if (!(name in value)) {
      if (!k.optional) out.push(`${where}: no ${name}`);
      continue;
    }
    if (k.fields) out.push(...misfits(k.fields, value[name], `${where}.${name}`, { ordered }));
    else if (!fitsTs(k.ts, value[name], k)) out.push(`${where}: ${name} is not ${k.ts}`);
  }
  if (ordered && !out.length) {
    const keys = Object.keys(value);
    if (keys.join() !== names.join()) out.push(`${where}: fields ${keys.join()} not in the order ${names.join()}`);
  }
  return out;
}

/** An event's problems (its name first, then its fields in order) */
export function eventMisfits(ev) {
  const e = EVENTS[ev?.ev];
  if (!e) return [`event ${typeof ev?.ev === 'string' ? ev.ev : '?'}: not in tools/schema.js`];
  return misfits(e.fields, ev, `event ${ev.ev}`, { ordered: true, head: ['ev'] });
}

/**
 * Which of its command's variants `c` is (0 for most: they have one), or
 * what is wrong with it
 * @returns {{ variant: number, misfits: string[] }}
 */
export function commandVariant(c) {
  if (!COMMANDS[c?.cmd]) {
    return { variant: -1, misfits: [`command ${typeof c?.cmd === 'string' ? c.cmd : '?'}: not in tools/schema.js`] };
  }
  const tries = commandVariants(c.cmd).map((f) => misfits(f, c, `command ${c.cmd}`, { head: ['cmd'] }));
  const variant = tries.findIndex((t) => !t.length);
  return { variant, misfits: variant < 0 ? tries[0] : [] };
}

/**
 * The reply variant `reply` is (for command `name`), or what is wrong with it
 * @returns {{ variant: string | null, misfits: string[] }}
 */
export function replyVariant(name, reply) {
  const names = [...(COMMANDS[name]?.replies ?? []), 'error'];
  let first = null;
  for (const v of names) {
    const m = misfits(REPLIES[v].fields, reply, `reply to ${name} (${v})`, { ordered: true });
    if (!m.length) return { variant: v, misfits: [] };
    first ??= m;
  }
  return { variant: null, misfits: first };
}

/**
 * Record what passes between the shim and the core: every command run
 * through `internal.cmd`, its reply, and every event a phone attached with
 * `internal.attach` receives. Each is checked when seen.
 */
export function recorder() {
  const log = {
    commands: new Set(),   // 'command name#variant' run
    variants: new Set(),   // 'command name:reply variant' seen
    events: new Map(),     // event name -> count
    misfits: [],
    install() {
      const { cmd, attach } = internal;
      log.uninstall = () => Object.assign(internal, { cmd, attach });
      internal.cmd = (core, command) => {
        const name = command.cmd;
        const c = commandVariant(command);
        log.misfits.push(...c.misfits);
        log.commands.add(`${name}#${c.variant}`);
        const reply = cmd(core, command);
        const r = replyVariant(name, reply);
        log.misfits.push(...r.misfits);
        if (r.variant) log.variants.add(`${name}:${r.variant}`);
        return reply;
      };
      internal.attach = (core, handle, owner) => attach(core, handle, {
        WebSocket: owner.WebSocket,
        onEvent: (ev) => {
          log.misfits.push(...eventMisfits(ev));
          log.events.set(ev.ev, (log.events.get(ev.ev) ?? 0) + 1);
          owner.onEvent(ev);
        },
      });
    },
    uninstall() {},
  };
  return log;
}
