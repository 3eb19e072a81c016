// Unit: the <sip-phone> call-quality logic (web/widget/quality.js), pure functions fed
// with getStats()-shaped records: samples, the E-model MOS, warnings that raise and clear.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimateMos, sampleFromStats, activeWarnings, warningChanges, THRESHOLDS,
} from '../../web/widget/quality.js';

/** A sample with good values, overridden by `o` */
const s = (o = {}) => ({ rttMs: 40, jitterMs: 5, lossPct: 0, mos: 4.3, ...o });

describe('estimated MOS (E-model)', () => {
  it('is near the top on a clean network and falls with delay, jitter and loss', () => {
    const clean = estimateMos(20, 2, 0);
    assert.ok(clean > 4.3 && clean <= 4.5, String(clean));
    assert.ok(estimateMos(600, 2, 0) < clean);
    assert.ok(estimateMos(20, 60, 0) < clean);
    assert.ok(estimateMos(20, 2, 10) < 3.5, String(estimateMos(20, 2, 10)));
    assert.ok(estimateMos(800, 80, 30) >= 1);
  });
});

describe('a sample from getStats()', () => {
  const report = (received, lost, extra = []) => [
    { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.12 },
    { type: 'candidate-pair', nominated: false, state: 'waiting', currentRoundTripTime: 9 },
    { type: 'inbound-rtp', kind: 'video', jitter: 1, packetsReceived: 5, packetsLost: 5 },
    { type: 'inbound-rtp', kind: 'audio', jitter: 0.012, packetsReceived: received, packetsLost: lost },
    ...extra,
  ];

  it('reads RTT of the selected pair, audio jitter, and loss over the interval', () => {
    const first = sampleFromStats(report(100, 0), null);
    assert.equal(first.sample.rttMs, 120);
    assert.equal(first.sample.jitterMs, 12);
    assert.equal(first.sample.lossPct, 0);
    assert.ok(first.sample.mos > 4);
    const next = sampleFromStats(report(190, 10), first.counters);  // 90 received, 10 lost
    assert.equal(next.sample.lossPct, 10);
    assert.ok(next.sample.mos < first.sample.mos);
  });

  it('falls back to remote-inbound-rtp for RTT, and says null when nothing is known', () => {
    const r = sampleFromStats([{ type: 'remote-inbound-rtp', roundTripTime: 0.05 }], null);
    assert.equal(r.sample.rttMs, 50);
    assert.equal(r.sample.jitterMs, null);
    assert.equal(r.sample.lossPct, null);
    assert.equal(r.sample.mos, null);
    assert.equal(r.counters, null);
  });
});

describe('warnings', () => {
  it('high RTT needs 3 of the last 5 samples over 400 ms', () => {
    const high = s({ rttMs: 450 });
    assert.ok(!activeWarnings([s(), high, s(), high, s()]).has('rtt'));
    assert.ok(activeWarnings([high, s(), high, s(), high]).has('rtt'));
    // an old spike out of the window does not count
    assert.ok(!activeWarnings([high, high, high, s(), s(), s(), s(), s()]).has('rtt'));
    assert.ok(!activeWarnings([s({ rttMs: THRESHOLDS.rttMs }), s({ rttMs: 400 }), s({ rttMs: 400 })]).has('rtt'));
  });

  it('jitter, loss and MOS follow the latest sample', () => {
    assert.deepEqual([...activeWarnings([s({ jitterMs: 31 })])], ['jitter']);
    assert.deepEqual([...activeWarnings([s({ lossPct: 3.5 })])], ['loss']);
    assert.deepEqual([...activeWarnings([s({ mos: 3.4 })])], ['mos']);
    assert.deepEqual([...activeWarnings([s({ jitterMs: 40, lossPct: 9 }), s()])], []);
    assert.deepEqual([...activeWarnings([s({ jitterMs: 30, lossPct: 3, mos: 3.5 })])], []);
    assert.deepEqual([...activeWarnings([])], []);
  });

  it('a reading without a value neither raises nor clears', () => {
    const bad = s({ lossPct: 8, mos: 3.1 });
    const blank = { rttMs: null, jitterMs: null, lossPct: null, mos: null };
    assert.deepEqual([...activeWarnings([bad, blank])], ['loss', 'mos']);
    assert.deepEqual([...activeWarnings([s(), blank, blank])], []);
    // but a value older than the window is not used
    assert.deepEqual([...activeWarnings([bad, blank, blank, blank, blank, blank])], []);
  });

  it('raise and clear as events, once each', () => {
    const bad = s({ lossPct: 8, mos: 3.1 });
    const raised = warningChanges(new Set(), activeWarnings([bad]), bad);
    assert.deepEqual(raised, [
      { warning: 'loss', active: true, value: 8, threshold: 3 },
      { warning: 'mos', active: true, value: 3.1, threshold: 3.5 },
    ]);
    const still = warningChanges(activeWarnings([bad]), activeWarnings([bad, bad]), bad);
    assert.deepEqual(still, []);
    const good = s();
    const cleared = warningChanges(activeWarnings([bad]), activeWarnings([bad, good]), good);
    assert.deepEqual(cleared.map((c) => [c.warning, c.active]), [['loss', false], ['mos', false]]);
  });
});
