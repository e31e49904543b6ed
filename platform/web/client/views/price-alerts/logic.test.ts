import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../api.ts';
import type { KeyValueStore } from '../../watchlist.ts';
import { describeRule, ruleAtLevel, ruleFromForm, thresholdUnit, type PriceRuleBody } from './logic.ts';
import { AlertQueue, MAX_QUEUED, QUEUE_KEY } from './queue.ts';

const form = { kind: 'price_above' as const, symbol: ' aapl ', threshold: '200', otherSymbol: '', cooldown: '' };

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => data.set(k, v) };
}

describe('price alerts logic', () => {
  it('builds rule bodies from the form with the cooldown, or says what is missing', () => {
    assert.deepEqual(ruleFromForm(form), { kind: 'price_above', symbol: 'AAPL', threshold: 200, cooldownMinutes: 60 });
    assert.deepEqual(ruleFromForm({ ...form, cooldown: '15' }), {
      kind: 'price_above',
      symbol: 'AAPL',
      threshold: 200,
      cooldownMinutes: 15,
    });
    assert.equal(ruleFromForm({ ...form, symbol: ' ' }), 'Enter a symbol.');
    assert.equal(ruleFromForm({ ...form, threshold: 'x' }), 'Enter a number as the threshold.');
    const refused = ruleFromForm({ ...form, cooldown: '-1' });
    assert.ok(typeof refused === 'string' && /whole number of minutes/.test(refused));
    assert.equal(ruleFromForm({ ...form, kind: 'correlation_break' }), 'Enter the symbol to correlate with.');
    assert.deepEqual(ruleFromForm({ ...form, kind: 'correlation_break', threshold: '0.5', otherSymbol: 'msft' }), {
      kind: 'correlation_break',
      symbol: 'AAPL',
      threshold: 0.5,
      cooldownMinutes: 60,
      otherSymbol: 'MSFT',
    });
  });

  it('turns a level placed on the chart into a rise or a fall alert, rounded to cents', () => {
    assert.deepEqual(ruleAtLevel('AAPL', 240.1234, 232), {
      kind: 'price_above',
      symbol: 'AAPL',
      threshold: 240.12,
      cooldownMinutes: 60,
    });
    assert.equal(ruleAtLevel('AAPL', 220, 232).kind, 'price_below');
  });

  it('describes rules with their unit', () => {
    assert.equal(describeRule({ id: '1', kind: 'price_above', symbol: 'X', threshold: 3 }), 'X rises above $3.00');
    assert.equal(describeRule({ id: '1', kind: 'volume_spike', symbol: 'X', threshold: 3 }), 'X volume 3× the average');
    assert.equal(thresholdUnit('percent_move'), 'percent within an hour');
  });
});

describe('the offline queue of price alerts', () => {
  const rule: PriceRuleBody = { kind: 'price_below', symbol: 'AAPL', threshold: 10, cooldownMinutes: 60 };

  it('keeps alerts until they reach the server, in order, and stops while still offline', async () => {
    const storage = memory();
    const queue = new AlertQueue(storage);
    assert.equal(queue.add(rule), true);
    assert.equal(queue.add({ ...rule, symbol: 'NVDA' }), true);
    const offline = await queue.flush(() => Promise.reject(new TypeError('Failed to fetch')));
    assert.deepEqual(offline, { sent: 0, refused: [] });
    assert.equal(queue.pending.length, 2);
    const sent: string[] = [];
    const online = await queue.flush((r) => {
      sent.push(r.symbol);
      return r.symbol === 'NVDA' ? Promise.reject(new ApiError(422, 'no live source')) : Promise.resolve();
    });
    assert.deepEqual(sent, ['AAPL', 'NVDA']);
    assert.deepEqual(online, { sent: 1, refused: ['NVDA: no live source'] });
    assert.deepEqual(queue.pending, []);
  });

  it('is bounded and ignores a corrupt entry', () => {
    const storage = memory();
    const queue = new AlertQueue(storage);
    for (let n = 0; n < MAX_QUEUED; n++) assert.equal(queue.add(rule), true);
    assert.equal(queue.add(rule), false);
    storage.data.set(QUEUE_KEY, '{"not":"a list"');
    assert.deepEqual(queue.pending, []);
  });
});
