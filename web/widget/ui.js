/**
 * @file ui.js  The shadow tree of <sip-phone>: built with createElement (no HTML
 * strings, no inline style), wired to the element by sip-phone.js
 */
import { createPlot } from './plot.js';

/** @typedef {import('./quality.js').QualitySample} QualitySample */
/** @typedef {import('./quality.js').WarningKind} WarningKind */

export const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
/** Seconds of call quality the plots show */
export const QUALITY_KEEP = 30;

/** @type {Array<{ kind: WarningKind, key: keyof QualitySample, label: string, unit: string, max: number, digits: number }>} */
export const METRICS = [
  { kind: 'rtt', key: 'rttMs', label: 'Round trip', unit: 'ms', max: 500, digits: 0 },
  { kind: 'jitter', key: 'jitterMs', label: 'Jitter', unit: 'ms', max: 40, digits: 1 },
  { kind: 'loss', key: 'lossPct', label: 'Packet loss', unit: '%', max: 5, digits: 1 },
  { kind: 'mos', key: 'mos', label: 'MOS (estimated)', unit: '', max: 4.5, digits: 2 },
];

/**
 * An element with attributes and children; no strings are parsed as HTML.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attrs]
 * @param {Array<Node | string>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** The shadow tree: every element the widget updates, by name. */
export function buildUi() {
  const status = h('span', { class: 'status', part: 'status', role: 'status' }, ['Not configured']);
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'assertive' });
  const input = h('input', {
    id: 'target', part: 'input', type: 'text', inputmode: 'tel', autocomplete: 'off',
    spellcheck: 'false', placeholder: 'e.g. bob or sip:bob@example.com' });
  const pad = h('div', { class: 'pad', part: 'dialpad', role: 'group', 'aria-label': 'Dialpad' },
    KEYS.map((k) => h('button', { type: 'button', part: 'key button', 'data-key': k,
      'aria-label': k === '*' ? 'star' : k === '#' ? 'pound' : k }, [k])));
  const callBtn = h('button', { type: 'button', class: 'go', part: 'button call' }, ['Call']);
  const dial = h('section', { class: 'dial', part: 'dial', 'aria-label': 'Dial' }, [
    h('label', { for: 'target' }, ['Number or SIP address']), input, pad, callBtn]);
  const c2c = h('button', { type: 'button', class: 'go c2c-button', part: 'button click-to-call', hidden: '' }, ['Call']);
  const incomingText = h('p', { class: 'peer' });
  const answer = h('button', { type: 'button', class: 'go', part: 'button answer' }, ['Answer']);
  const reject = h('button', { type: 'button', class: 'stop', part: 'button reject' }, ['Decline']);
  const incoming = h('section', { class: 'incoming', part: 'incoming', 'aria-label': 'Incoming call', hidden: '' },
    [incomingText, h('div', { class: 'row' }, [answer, reject])]);
  const peer = h('p', { class: 'peer', part: 'peer' });
  const callState = h('p', { class: 'timer', role: 'status' });
  const timer = h('p', { class: 'timer', part: 'timer', 'aria-label': 'Call duration' }, ['00:00']);
  const hold = h('button', { type: 'button', part: 'button hold', 'aria-pressed': 'false', disabled: '' }, ['Hold']);
  const mute = h('button', { type: 'button', part: 'button mute', 'aria-pressed': 'false' }, ['Mute']);
  const hangup = h('button', { type: 'button', class: 'stop', part: 'button hangup' }, ['Hang up']);
  const dtmf = h('div', { class: 'pad', part: 'dialpad', role: 'group', 'aria-label': 'Keypad (tones)' },
    KEYS.map((k) => h('button', { type: 'button', part: 'key button', 'data-key': k,
      'aria-label': `tone ${k === '*' ? 'star' : k === '#' ? 'pound' : k}` }, [k])));
  const recording = h('p', { class: 'recording', part: 'recording', role: 'status', hidden: '' });
  const inCall = h('section', { class: 'in-call', part: 'in-call', 'aria-label': 'Call', hidden: '' },
    [peer, callState, timer, recording, h('div', { class: 'row' }, [hold, mute, hangup]), dtmf]);
  const securityList = h('dl');
  const security = h('details', { class: 'security', part: 'security', hidden: '' },
    [h('summary', {}, ['Security']), securityList]);
  const metrics = h('div', { class: 'metrics' });
  /** @type {Map<WarningKind, { value: HTMLElement, plot: SVGSVGElement }>} */
  const metricEls = new Map();
  for (const m of METRICS) {
    const value = h('span', { class: 'value', 'data-metric': m.kind }, ['–']);
    const plot = createPlot(`${m.label} over the last ${QUALITY_KEEP} seconds`);
    plot.setAttribute('part', 'plot');
    metrics.append(h('span', {}, [m.label]), value, plot);
    metricEls.set(m.kind, { value, plot });
  }
  const warnings = h('div', { class: 'warnings', role: 'status' });
  const quality = h('details', { class: 'quality', part: 'quality', hidden: '' },
    [h('summary', {}, ['Call quality']), metrics, warnings]);
  const message = h('p', { class: 'message', part: 'message', role: 'status' });
  const error = h('p', { class: 'error', part: 'error', role: 'alert' });
  const retry = h('button', { type: 'button', part: 'button retry', hidden: '' }, ['Try again']);
  const audio = h('audio', { autoplay: '' });
  const phone = h('div', { class: 'phone', part: 'phone', 'data-reg': 'idle' }, [
    h('header', {}, [h('span', { class: 'dot', 'aria-hidden': 'true' }), status]),
    live, dial, c2c, incoming, inCall, message, error, retry, security, quality, audio]);

  return { phone, status, live, input, pad, dial, c2c, incoming, incomingText, answer, reject, inCall,
    peer, callState, timer, recording, hold, mute, hangup, dtmf, securityList, security, quality, metricEls,
    warnings, message, error, retry, audio, callBtn };
}
