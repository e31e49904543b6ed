import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, incident, safeHref } from './logic.ts';

describe('alerts view logic', () => {
  it('turns only http(s) links into hrefs', () => {
    const base = 'http://localhost:8080/#/alerts';
    assert.equal(safeHref('/runbooks/x.md', base), 'http://localhost:8080/runbooks/x.md');
    assert.equal(safeHref('https://r.example/a', base), 'https://r.example/a');
    for (const bad of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', 'http://[']) {
      assert.equal(safeHref(bad, base), null, bad);
    }
    assert.equal(safeHref(null, base), null);
  });

  it('offers the actions an incident allows', () => {
    assert.deepEqual(actionsFor('triggered'), ['acknowledge', 'snooze', 'resolve']);
    assert.deepEqual(actionsFor('acknowledged'), ['snooze', 'resolve']);
    assert.deepEqual(actionsFor('resolved'), []);
  });

  it('parses the incident API shape', () => {
    const parsed = incident.safeParse({
      id: 'inc-1',
      status: 'triggered',
      title: 'T',
      severity: 'critical',
      priority: 1,
      assignee: null,
      createdAt: '',
      snoozedUntil: null,
      alertCount: 1,
      alerts: [
        {
          fingerprint: 'f',
          status: 'firing',
          labels: { a: 'b' },
          runbookUrl: null,
          dashboardUrl: null,
          suppressedBy: null,
        },
      ],
    });
    assert.equal(parsed.success, true);
  });
});
