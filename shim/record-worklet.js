/**
 * @file record-worklet.js  The AudioWorkletProcessor of a call recording
 *
 * Runs on the audio rendering thread (shim/record.js adds it with
 * audioWorklet.addModule: a same-origin file, as a strict CSP wants).
 * Input 0 is what we send (the microphone track), input 1 what the peer
 * sends; the node downmixes each to mono (channelCount 1, 'explicit').
 * Every 960 frames (20 ms at 48 kHz) it posts one interleaved stereo
 * Float32Array (left = input 0, right = input 1), its buffer transferred,
 * straight to the recorder's Worker through the MessagePort it was given:
 * the page's main thread is not on that path, so a busy page cannot make
 * gaps. An input with nothing connected, a disabled (muted) track or a
 * peer that stopped sending (hold) gives zeros: silence, not a gap, since
 * the audio clock keeps running.
 *
 * Messages on its own port (from shim/record.js):
 *   { port }          the Worker's port: capture starts
 *   { paused: bool }  while paused, frames are dropped (not written)
 *   { stop: true }    the partial block, then { end: true } to the Worker
 */

const BLOCK = 960;

class SipshieldRecorder extends AudioWorkletProcessor {
  constructor() {
    super();
    /** @type {MessagePort | null} */
    this.out = null;
    this.paused = false;
    this.running = true;
    this.block = new Float32Array(BLOCK * 2);
    this.fill = 0;
    this.port.onmessage = (e) => {
      const m = e.data;
      if (m.port) this.out = m.port;
      if (typeof m.paused === 'boolean') this.paused = m.paused;
      if (m.stop) this.stop();
    };
  }

  stop() {
    if (!this.running) return;
    this.running = false;
    if (!this.out) return;
    if (this.fill) {
      const last = this.block.slice(0, this.fill * 2);
      this.out.postMessage(last, [last.buffer]);
    }
    this.out.postMessage({ end: true });
    this.out.close();
    this.out = null;
  }

  /**
   * @param {Float32Array[][]} inputs
   * @returns {boolean}
   */
  process(inputs) {
    if (!this.running) return false;
    if (!this.out || this.paused) return true;
    const left = inputs[0] && inputs[0][0];
    const right = inputs[1] && inputs[1][0];
    const n = (left || right || { length: 128 }).length;
    for (let i = 0; i < n; i++) {
      const o = this.fill * 2;
      this.block[o] = left ? left[i] : 0;
      this.block[o + 1] = right ? right[i] : 0;
      if (++this.fill === BLOCK) {
        this.out.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(BLOCK * 2);
        this.fill = 0;
      }
    }
    return true;
  }
}

registerProcessor('sipshield-recorder', SipshieldRecorder);
