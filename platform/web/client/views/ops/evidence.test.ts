import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  burnRates,
  detectionRunbook,
  durationUnit,
  outsideBand,
  runbookHref,
  windowName,
  type Detection,
} from './evidence.ts';

const detection = (detector: string, series: Record<string, string>): Detection => ({
  id: 'd1',
  source: 'in-process',
  detection: { detector, series, score: 1, observed: 2, expected: { low: 0, high: 1 }, ts: 0, explanation: 'x' },
});
const slo = {
  name: 'api-availability',
  title: 'API availability',
  service: 'platform',
  objective: 0.999,
  runbook: '/runbooks/api-availability-budget-burn.md',
  watched: true,
  measuredBy: 'detector-tier' as const,
  alerting: false,
  status: null,
  exhaustion: { state: 'no-data' as const },
  reason: null,
};

describe('ops view evidence', () => {
  it('names rule windows and orders burn rates shortest first', () => {
    assert.deepEqual([300_000, 3_600_000, 86_400_000, 259_200_000, 90_000].map(windowName), [
      '5m',
      '1h',
      '1d',
      '3d',
      '90s',
    ]);
    const status = { at: 0, budgetRemaining: 0.5, alerts: [], burnRates: { '21600000': 2, '3600000': 4 } };
    assert.deepEqual(burnRates(status), [
      ['1h', 4],
      ['6h', 2],
    ]);
  });

  it("links a detection to its alert's runbook: an SLO burn to the SLO's, anything else to anomaly-detected", () => {
    assert.equal(
      detectionRunbook(detection('slo-burn', { slo: 'api-availability' }), [slo]),
      '/runbooks/api-availability-budget-burn.md',
    );
    assert.equal(detectionRunbook(detection('slo-burn', { slo: 'unknown' }), [slo]), '/runbooks/anomaly-detected.md');
    assert.equal(detectionRunbook(detection('ewma', { __name__: 'x' }), [slo]), runbookHref('anomaly-detected'));
    assert.equal(runbookHref('a/b'), '/runbooks/a%2Fb.md');
  });

  it('shows a time to exhaustion in its largest whole unit, one decimal', () => {
    assert.deepEqual(durationUnit(2.5 * 86_400_000), [2.5, 'day']);
    assert.deepEqual(durationUnit(86_400_000 - 60_000), [24, 'hour']);
    assert.deepEqual(durationUnit(5_400_000), [1.5, 'hour']);
    assert.deepEqual(durationUnit(40 * 60_000 + 20_000), [40, 'minute']);
    assert.deepEqual(durationUnit(1_000), [1, 'minute'], 'never "0 minutes"');
  });

  it('counts the points outside their expected band', () => {
    const p = (value: number) => ({ ts: value, value, low: 1, high: 2 });
    assert.equal(outsideBand([p(0), p(1), p(1.5), p(2), p(3)]), 2);
  });
});
