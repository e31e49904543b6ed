import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuleState, type Bar } from './evaluate.ts';
import { priceRuleInput, type PriceRule } from './rules.ts';

const rule = (input: Record<string, unknown>): PriceRule => ({
  ...priceRuleInput.parse(input),
  id: 'r',
  userId: 'u',
  createdAt: '',
});
const minute = 60_000;

describe('price alert rules', () => {
  it('price crossings fire on the crossing only, then respect the cooldown', () => {
    const s = new RuleState(rule({ kind: 'price_below', symbol: 'ACME', threshold: 50, cooldownMinutes: 10 }));
    assert.equal(s.onTick(49, 0), undefined, 'no previous price: no crossing');
    assert.equal(s.onTick(51, 1), undefined);
    assert.equal(s.onTick(49.5, 2)?.observed, 49.5);
    assert.equal(s.onTick(51, 3), undefined);
    assert.equal(s.onTick(49, 4), undefined, 'within the cooldown');
    assert.equal(s.onTick(51, 11 * minute), undefined);
    assert.ok(s.onTick(49, 11 * minute + 1) !== undefined);
  });

  it('percent moves within the window, either way', () => {
    const s = new RuleState(rule({ kind: 'percent_move', symbol: 'ACME', threshold: 5, windowMinutes: 10 }));
    assert.equal(s.onTick(100, 0), undefined);
    assert.equal(s.onTick(104, 5 * minute), undefined);
    assert.equal(s.onTick(100, 20 * minute), undefined, 'the old price left the window');
    const fired = s.onTick(94, 25 * minute);
    assert.ok(fired !== undefined && fired.observed < -5);
  });

  it('volume spikes against the recent average', () => {
    const s = new RuleState(rule({ kind: 'volume_spike', symbol: 'ACME', threshold: 3, lookbackBars: 10 }));
    const bars: Bar[] = Array.from({ length: 10 }, (_, i) => ({ start: i * minute, close: 100, volume: 1_000 }));
    assert.equal(s.onBar([...bars, { start: 10 * minute, close: 100, volume: 2_500 }], [], 10 * minute), undefined);
    assert.equal(s.onBar([...bars, { start: 10 * minute, close: 100, volume: 3_500 }], [], 10 * minute)?.observed, 3.5);
  });

  it('correlation breaks when two series decouple', () => {
    const s = new RuleState(
      rule({ kind: 'correlation_break', symbol: 'AAA', otherSymbol: 'BBB', threshold: 0.5, lookbackBars: 20 }),
    );
    const a: Bar[] = [];
    const b: Bar[] = [];
    let pa = 100;
    let pb = 50;
    let fired: number | undefined;
    for (let i = 0; i < 60; i++) {
      const shock = Math.sin(i * 1.7) * 0.01;
      pa *= 1 + shock;
      pb *= 1 + (i < 30 ? shock : -shock);
      a.push({ start: i * minute, close: pa, volume: 1 });
      b.push({ start: i * minute, close: pb, volume: 1 });
      const f = s.onBar(a, b, i * minute);
      if (f !== undefined && fired === undefined) fired = i;
    }
    assert.ok(fired !== undefined && fired > 30 && fired < 50, `fired at bar ${String(fired)}`);
  });
});
