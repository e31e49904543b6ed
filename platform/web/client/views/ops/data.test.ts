import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentHref, serviceHealth, timeLeft } from './data.ts';

describe('ops view data', () => {
  it('marks a service degraded while a check on it fires, with the checks titles as the reason', () => {
    const rows = serviceHealth([
      { check: 'error-ratio', subject: 'market-data', firing: true, title: 'market-data: 50% failed' },
      { check: 'latency', subject: 'market-data', firing: false, title: 'fine' },
      { check: 'consumer-lag', subject: 'analytics-sentiment', firing: false, title: 'fine' },
    ]);
    assert.deepEqual(
      rows.find((r) => r.service === 'market-data'),
      { service: 'market-data', degraded: true, reasons: ['market-data: 50% failed'] },
    );
    assert.equal(rows.find((r) => r.service === 'analytics')?.degraded, false, 'known services listed even if quiet');
    assert.equal(rows.at(-1)?.service, 'analytics-sentiment', 'other subjects follow the known ones');
  });

  it('builds safe incident links and readable times left', () => {
    assert.equal(incidentHref('a/b?c'), '#/incidents/a%2Fb%3Fc');
    assert.equal(timeLeft(65_000, 0), '1m 05s');
    assert.equal(timeLeft(0, 5_000), '0s');
  });
});
