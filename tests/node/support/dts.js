// Reading what tsc emitted (dist/types/*.d.ts), for the tests that hold the
// types against the C core: the schema's (support/schema.js) and the codes'.

/**
 * The string literals of a union type alias in a .d.ts, names of other
 * aliases expanded
 * @param {string} text the .d.ts
 * @param {string} name the alias
 * @returns {Set<string>}
 * @throws if the alias, or one it names, is not in the text
 */
export function unionMembers(text, name, seen = new Set()) {
  const m = new RegExp(`export type ${name} = ([^;]+);`).exec(text);
  if (!m) throw new Error(`no type ${name}`);
  const out = new Set();
  for (const part of m[1].split('|').map((p) => p.trim())) {
    const lit = /^"([^"]+)"$/.exec(part);
    if (lit) out.add(lit[1]);
    else if (!seen.has(part)) {
      seen.add(part);
      for (const x of unionMembers(text, part, seen)) out.add(x);
    }
  }
  return out;
}
