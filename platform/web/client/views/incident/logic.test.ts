import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoute } from '../../route.ts';
import { canDecide, timeline, type IncidentDetail, type Remediation } from './logic.ts';

const incident: IncidentDetail = {
  id: 'inc-1',
  status: 'resolved',
  title: 'Market feed tick rate below normal',
  severity: 'error',
  priority: 2,
  createdAt: '2026-12-07T04:00:01.000Z',
  resolvedAt: '2026-12-07T04:05:00.000Z',
  alerts: [{ fingerprint: 'det:1', labels: { alertname: 'AnomalyDetected' }, startsAt: '2026-12-07T04:00:00.000Z' }],
  deliveries: [{ channel: 'webhook', outcome: 'delivered', at: Date.parse('2026-12-07T04:00:30.000Z') }],
};
const at = (s: string): number => Date.parse(`2026-12-07T04:0${s}Z`);
const remediation: Remediation = {
  id: 'r1',
  policy: 'feed-stalled-restart',
  kind: 'restart',
  service: 'market-feed',
  risk: 'medium',
  reason: 'feed stalled',
  status: 'verified',
  signal: { fingerprint: 'det:1', title: 't' },
  steps: [
    { status: 'planned', at: at('0:02'), actor: 'system:remediation', detail: '' },
    { status: 'approved', at: at('1:00'), actor: 'user:sam', detail: 'approved by user:sam' },
    { status: 'applied', at: at('1:01'), actor: 'system:remediation', detail: 'restart simulated' },
    { status: 'verified', at: at('1:05'), actor: 'system:remediation', detail: 'the signal recovered after 4 s' },
  ],
};

describe('incident page logic', () => {
  it('merges alerts, notifications and remediation steps into one timeline, oldest first', () => {
    const entries = timeline(incident, [remediation]);
    assert.deepEqual(
      entries.map((e) => e.kind),
      ['alert', 'incident', 'planned', 'delivery', 'approved', 'applied', 'verified', 'incident'],
    );
    assert.equal(entries[4]?.actor, 'user:sam');
    assert.match(entries[6]?.text ?? '', /Verified: the signal recovered: restart market-feed/);
    assert.equal(entries.at(-1)?.text, 'Incident resolved');
  });
  it('shows the decision buttons to a person with the sre role only', () => {
    assert.equal(canDecide({ kind: 'user', role: 'sre' }), true);
    assert.equal(canDecide({ kind: 'user', role: 'oncall' }), false);
    assert.equal(canDecide({ kind: 'token', role: 'sre' }), false);
    assert.equal(canDecide({ kind: 'anonymous', role: null }), false);
  });
  it('routes #/incidents/<id> to the incident view with the id', () => {
    const views = [{ id: 'markets' }, { id: 'incidents' }];
    const route = parseRoute('#/incidents/inc%2D1?x=1', views);
    assert.equal(route.id, 'incidents');
    assert.equal(route.params.get('path'), 'inc-1');
    assert.equal(route.params.get('x'), '1');
    assert.equal(parseRoute('#/incidents/%E0%A4%A', views).params.get('path'), '%E0%A4%A', 'bad escapes kept as typed');
    assert.equal(parseRoute('#/markets', views).params.get('path'), null);
  });
});
