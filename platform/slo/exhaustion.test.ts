import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetExhaustion } from './exhaustion.ts';
import { DEFAULT_BURN_RULES, SLO_PERIOD_MS } from './model.ts';

const HOUR = 3_600_000;
/** Burn rates per window in ms, as the burn monitor reports them. */
const burns = (byHours: Record<number, number>): Record<string, number> =>
  Object.fromEntries(Object.entries(byHours).map(([h, b]) => [String(Number(h) * HOUR), b]));

describe('time to error-budget exhaustion', () => {
  it('is the remaining share of the period divided by the fastest long-window burn', () => {
    // Half the budget left, burning 10x over 1 h: 0.5 * 30 d / 10 = 1.5 d.
    const e = budgetExhaustion(0.5, burns({ 1: 10, 6: 4, 24: 2, 72: 1.2 }));
    assert.deepEqual(e, { state: 'burning', burnRate: 10, window: '1h', inMs: (0.5 * SLO_PERIOD_MS) / 10 });
    const slower = budgetExhaustion(0.5, burns({ 1: 0.5, 6: 3, 24: 2, 72: 1.2 }));
    assert.equal(slower.state === 'burning' && slower.window, '6h', 'the fastest window wins');
    assert.equal(slower.state === 'burning' && slower.inMs, 5 * 24 * HOUR);
  });

  it('says "not burning" at a burn of 1 or less, and never reads the short windows', () => {
    assert.equal(budgetExhaustion(0.9, burns({ 1: 1, 6: 0.2, 24: 0, 72: 0.5 })).state, 'not-burning');
    // 50x over the last 5 minutes (a short window) alone does not count.
    const shortOnly = { ...burns({ 1: 0.8, 6: 0.1, 24: 0.1, 72: 0.1 }), [String(5 * 60_000)]: 50 };
    assert.equal(budgetExhaustion(0.9, shortOnly).state, 'not-burning');
  });

  it('is "exhausted" with no budget left and "no-data" without burn rates', () => {
    assert.equal(budgetExhaustion(-0.2, burns({ 1: 3, 6: 3, 24: 3, 72: 3 })).state, 'exhausted');
    assert.deepEqual(budgetExhaustion(1, {}), { state: 'no-data' });
    assert.deepEqual(budgetExhaustion(1, burns({ 1: Number.NaN })), { state: 'no-data' });
  });

  it('uses the long windows of the rules it is given', () => {
    const rules = DEFAULT_BURN_RULES.filter((r) => r.severity === 'ticket');
    const e = budgetExhaustion(1, burns({ 1: 100, 6: 100, 24: 2, 72: 4 }), rules);
    assert.equal(e.state === 'burning' && e.window, '3d');
    assert.equal(e.state === 'burning' && e.inMs, SLO_PERIOD_MS / 4);
  });
});
