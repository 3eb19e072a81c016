/**
 * @file quality.js  Call quality from getStats(): samples, estimated MOS, warnings
 *
 * Pure functions, so the thresholds are unit-tested in node
 * (tests/node/widget-quality.test.js) without a browser.
 *
 * Warnings (issue 9): high RTT when more than 400 ms in 3 of the last 5
 * samples; jitter over 30 ms, loss over 3 % or MOS under 3.5 in the latest
 * sample that has the value. A warning clears when its condition no longer
 * holds.
 */

/**
 * @typedef {object} QualitySample  one reading, about once a second
 * @property {number | null} rttMs round trip of the selected candidate pair
 * @property {number | null} jitterMs inbound audio jitter
 * @property {number | null} lossPct inbound audio packets lost since the previous reading
 * @property {number | null} mos estimated from the three above (E-model)
 */

/**
 * @typedef {object} RtpCounters  cumulative inbound audio counters
 * @property {number} received
 * @property {number} lost
 */

/** @typedef {'rtt' | 'jitter' | 'loss' | 'mos'} WarningKind */

/**
 * @typedef {object} QualityWarning  a `sip-quality-warning` event's detail
 * @property {WarningKind} warning
 * @property {boolean} active raised (true) or cleared (false)
 * @property {number | null} value the latest value of that metric
 * @property {number} threshold
 */

export const THRESHOLDS = Object.freeze({ rttMs: 400, jitterMs: 30, lossPct: 3, mos: 3.5 });
/** RTT warns when over the threshold in RTT_HITS of the last RTT_WINDOW samples */
export const RTT_WINDOW = 5;
export const RTT_HITS = 3;

/**
 * Estimated MOS from the ITU-T G.107 E-model, simplified for a WebRTC call
 * (Opus-like codec, no equipment impairment beyond loss): the one-way delay
 * is half the RTT plus a jitter buffer of twice the jitter plus 10 ms of
 * codec delay.
 * @param {number} rttMs
 * @param {number} jitterMs
 * @param {number} lossPct
 * @returns {number} 1 .. 4.5
 */
export function estimateMos(rttMs, jitterMs, lossPct) {
  const delay = rttMs / 2 + jitterMs * 2 + 10;
  const delayImpairment = delay < 160 ? delay / 40 : (delay - 120) / 10;
  const r = Math.max(0, Math.min(100, 93.2 - delayImpairment - lossPct * 2.5));
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.max(1, Math.min(4.5, mos));
}

/**
 * One sample from a getStats() report, given the counters of the previous
 * reading (loss is over the interval, not since the call began).
 * @param {Iterable<any>} stats the values of an RTCStatsReport
 * @param {RtpCounters | null} previous
 * @returns {{ sample: QualitySample, counters: RtpCounters | null }}
 */
export function sampleFromStats(stats, previous) {
  /** @type {any} */
  let inbound = null;
  /** @type {any} */
  let pair = null;
  /** @type {number | null} */
  let remoteRtt = null;
  for (const s of stats) {
    if (s.type === 'inbound-rtp' && (s.kind ?? s.mediaType) === 'audio') inbound = s;
    else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') remoteRtt = s.roundTripTime;
  }
  const rttS = typeof pair?.currentRoundTripTime === 'number' ? pair.currentRoundTripTime : remoteRtt;
  const rttMs = rttS === null ? null : rttS * 1000;
  const jitterMs = typeof inbound?.jitter === 'number' ? inbound.jitter * 1000 : null;
  /** @type {RtpCounters | null} */
  const counters = inbound ? { received: inbound.packetsReceived ?? 0, lost: Math.max(0, inbound.packetsLost ?? 0) } : null;
  let lossPct = null;
  if (counters) {
    const received = counters.received - (previous?.received ?? 0);
    const lost = counters.lost - (previous?.lost ?? 0);
    lossPct = received + lost > 0 ? (100 * Math.max(0, lost)) / (received + Math.max(0, lost)) : 0;
  }
  const mos = rttMs !== null && jitterMs !== null && lossPct !== null ? estimateMos(rttMs, jitterMs, lossPct) : null;
  return { sample: { rttMs, jitterMs, lossPct, mos }, counters };
}

/**
 * The latest known value of a metric in the last RTT_WINDOW samples: a
 * reading that lacks it (getStats had no selected pair yet) neither raises
 * nor clears a warning.
 * @param {readonly QualitySample[]} samples
 * @param {'jitterMs' | 'lossPct' | 'mos'} key
 * @returns {number | null}
 */
function latest(samples, key) {
  for (const s of samples.slice(-RTT_WINDOW).reverse()) {
    const v = s[key];
    if (v !== null) return v;
  }
  return null;
}

/**
 * Which warnings hold for these samples (oldest first).
 * @param {readonly QualitySample[]} samples
 * @returns {Set<WarningKind>}
 */
export function activeWarnings(samples) {
  /** @type {Set<WarningKind>} */
  const on = new Set();
  const highRtt = samples.slice(-RTT_WINDOW).filter((s) => s.rttMs !== null && s.rttMs > THRESHOLDS.rttMs);
  if (highRtt.length >= RTT_HITS) on.add('rtt');
  const jitter = latest(samples, 'jitterMs');
  if (jitter !== null && jitter > THRESHOLDS.jitterMs) on.add('jitter');
  const loss = latest(samples, 'lossPct');
  if (loss !== null && loss > THRESHOLDS.lossPct) on.add('loss');
  const mos = latest(samples, 'mos');
  if (mos !== null && mos < THRESHOLDS.mos) on.add('mos');
  return on;
}

/** @type {Record<WarningKind, { key: keyof QualitySample, threshold: number }>} */
const METRIC = {
  rtt: { key: 'rttMs', threshold: THRESHOLDS.rttMs },
  jitter: { key: 'jitterMs', threshold: THRESHOLDS.jitterMs },
  loss: { key: 'lossPct', threshold: THRESHOLDS.lossPct },
  mos: { key: 'mos', threshold: THRESHOLDS.mos },
};

/**
 * The warnings raised and cleared between two readings.
 * @param {ReadonlySet<WarningKind>} before
 * @param {ReadonlySet<WarningKind>} now
 * @param {QualitySample} latest
 * @returns {QualityWarning[]}
 */
export function warningChanges(before, now, latest) {
  /** @type {QualityWarning[]} */
  const out = [];
  for (const kind of /** @type {WarningKind[]} */ (Object.keys(METRIC))) {
    if (before.has(kind) === now.has(kind)) continue;
    const { key, threshold } = METRIC[kind];
    out.push({ warning: kind, active: now.has(kind), value: latest[key], threshold });
  }
  return out;
}
