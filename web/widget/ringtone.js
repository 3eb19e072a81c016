/**
 * @file ringtone.js  A ringtone made by WebAudio (no audio file to fetch or allow)
 *
 * Two sine tones (440 + 480 Hz, the North American ring) on for 2 s, off
 * for 4 s, until stopped.
 */

const ON_S = 2;
const PERIOD_S = 6;
const RINGS = 20;  // two minutes at most: a call is not rung for longer

export class Ringtone {
  /** @type {AudioContext | null} */
  #ctx = null;

  /** @returns {boolean} */
  get playing() {
    return this.#ctx !== null;
  }

  /** Start ringing (the page may still block audio before a user gesture). */
  start() {
    if (this.#ctx || typeof AudioContext !== 'function') return;
    const ctx = new AudioContext();
    this.#ctx = ctx;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    for (const hz of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      osc.connect(gain);
      osc.start();
    }
    const t0 = ctx.currentTime + 0.05;
    for (let i = 0; i < RINGS; i++) {
      gain.gain.setValueAtTime(0.1, t0 + i * PERIOD_S);
      gain.gain.setValueAtTime(0, t0 + i * PERIOD_S + ON_S);
    }
    ctx.resume().catch(() => {});
  }

  stop() {
    const ctx = this.#ctx;
    this.#ctx = null;
    ctx?.close().catch(() => {});
  }
}
