/**
 * @file emitter.js  Minimal typed event emitter (browser and Node alike)
 */

/**
 * @template {object} M  event name -> payload type
 */
export class Emitter {
  /** @type {Map<keyof M, Set<(arg: never) => void>>} each set holds listeners of its name's payload */
  #listeners = new Map();

  /**
   * @template {keyof M} K
   * @param {K} name
   * @param {(arg: M[K]) => void} fn
   * @returns {this}
   */
  on(name, fn) {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn);
    return this;
  }

  /**
   * @template {keyof M} K
   * @param {K} name
   * @param {(arg: M[K]) => void} fn
   * @returns {this}
   */
  off(name, fn) {
    this.#listeners.get(name)?.delete(fn);
    return this;
  }

  /**
   * @template {keyof M} K
   * @param {K} name
   * @param {(arg: M[K]) => void} fn
   * @returns {this}
   */
  once(name, fn) {
    /** @param {M[K]} arg */
    const wrap = (arg) => { this.off(name, wrap); fn(arg); };
    return this.on(name, wrap);
  }

  /**
   * Call the listeners; one that throws does not stop the others.
   * @template {keyof M} K
   * @param {K} name
   * @param {M[K]} arg
   */
  emit(name, arg) {
    for (const fn of [...(this.#listeners.get(name) ?? [])]) {
      try {
        /** @type {(arg: M[K]) => void} */ (fn)(arg);
      } catch (e) {
        queueMicrotask(() => { throw e; });
      }
    }
  }
}
