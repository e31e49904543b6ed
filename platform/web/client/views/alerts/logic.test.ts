import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionsFor, describeRule, incident, ruleFromForm, safeHref } from './logic.ts';

describe('alerts view logic', () => {
  it('builds price-rule bodies from the form, or says what is missing', () => {
    assert.deepEqual(ruleFromForm('price_above', ' aapl ', '200', ''), {
      kind: 'price_above',
      symbol: 'AAPL',
      threshold: 200,
    });
    assert.equal(ruleFromForm('price_above', '', '200', ''), 'enter a symbol');
    assert.equal(ruleFromForm('percent_move', 'AAPL', 'x', ''), 'enter a number as threshold');
    assert.equal(ruleFromForm('correlation_break', 'AAPL', '0.5', ''), 'enter the symbol to correlate with');
    assert.deepEqual(ruleFromForm('correlation_break', 'AAPL', '0.5', 'msft'), {
      kind: 'correlation_break',
      symbol: 'AAPL',
      otherSymbol: 'MSFT',
      threshold: 0.5,
    });
  });

  it('turns only http(s) links into hrefs', () => {
    const base = 'http://localhost:8080/#/alerts';
    assert.equal(safeHref('/runbooks/x.md', base), 'http://localhost:8080/runbooks/x.md');
    assert.equal(safeHref('https://r.example/a', base), 'https://r.example/a');
    for (const bad of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', 'http://[']) {
      assert.equal(safeHref(bad, base), null, bad);
    }
    assert.equal(safeHref(null, base), null);
  });

  it('describes rules and offers the actions an incident allows', () => {
    assert.equal(describeRule({ id: '1', kind: 'volume_spike', symbol: 'X', threshold: 3 }), 'X volume 3x average');
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
