import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pearsonR } from '../../../platform/analytics/correlation.ts';
import { marketTick } from '../../../platform/backbone/topics.ts';
import { instrumentBySymbol, sectors, type Instrument } from '../../../platform/reference/instruments.ts';
import {
  defaultParameters,
  impliedCorrelation,
  MarketModel,
  TRADING_YEAR_MS,
  type ModelParameters,
  type Tick,
} from './market-model.ts';
import { symbolUniverse } from './universe.ts';

const steady = { intensity: 1, volatility: 1, spread: 1 };

/** Log returns per symbol of the quote mid seen in the ticks, one per step (hourly steps of trading time). */
function returnsFromTicks(
  instruments: readonly Instrument[],
  steps: number,
  seed: number,
  parameters?: ModelParameters,
): Map<string, number[]> {
  const model = new MarketModel({
    instruments,
    seed,
    tradesPerStep: 10,
    stepsPerDay: 1000,
    ...(parameters ? { parameters } : {}),
  });
  const last = new Map<string, number>(instruments.map((i) => [i.symbol, i.basePrice]));
  const returns = new Map<string, number[]>(instruments.map((i) => [i.symbol, []]));
  for (let s = 0; s < steps; s++) {
    const mids = new Map<string, number>();
    for (const t of model.step(s, 3_600_000, steady, 0))
      mids.set(t.symbol, ((t.bid ?? t.price) + (t.ask ?? t.price)) / 2);
    for (const i of instruments) {
      const mid = mids.get(i.symbol) ?? last.get(i.symbol) ?? i.basePrice;
      returns.get(i.symbol)?.push(Math.log(mid / (last.get(i.symbol) ?? mid)));
      last.set(i.symbol, mid);
    }
  }
  return returns;
}

describe('market model', () => {
  it('replays the same ticks for the same seed, and different ones for another seed', () => {
    const run = (seed: number): Tick[] => {
      const model = new MarketModel({ instruments: symbolUniverse(30), seed, stepsPerDay: 1000 });
      return Array.from({ length: 50 }, (_, s) => model.step(1_000 + s, 250, steady, 0)).flat();
    };
    assert.deepEqual(run(11), run(11));
    assert.notDeepEqual(run(11), run(12));
  });

  it('emits valid ticks: schema, bid < ask, trades inside the quote, whole-share sizes', () => {
    const model = new MarketModel({ instruments: symbolUniverse(150), seed: 3, stepsPerDay: 1000 });
    const ticks = Array.from({ length: 40 }, (_, s) => model.step(5_000 + s, 60_000, steady, 0)).flat();
    assert.ok(ticks.length > 3_000);
    for (const t of ticks) {
      assert.ok(marketTick.safeParse(t).success, JSON.stringify(t));
      assert.ok(
        t.bid !== undefined && t.ask !== undefined && t.bid < t.ask && t.price >= t.bid && t.price <= t.ask,
        JSON.stringify(t),
      );
      assert.ok(Number.isInteger(t.size) && t.size >= 1);
    }
  });

  it('correlates returns by sector as the factor model implies, measurable from the ticks', () => {
    const bySector = sectors
      .filter((s) => s !== 'Broad Market')
      .map((sector) =>
        symbolUniverse(121)
          .filter((i) => i.sector === sector && i.kind === 'stock')
          .slice(0, 3),
      );
    const instruments = bySector.flat();
    const returns = returnsFromTicks(instruments, 1_500, 5);
    const within: { measured: number; implied: number }[] = [];
    const across: { measured: number; implied: number }[] = [];
    for (let a = 0; a < instruments.length; a++) {
      for (let b = a + 1; b < instruments.length; b++) {
        const ia = instruments[a];
        const ib = instruments[b];
        if (ia === undefined || ib === undefined) continue;
        const pair = {
          measured: pearsonR(returns.get(ia.symbol) ?? [], returns.get(ib.symbol) ?? []),
          implied: impliedCorrelation(ia, ib),
        };
        (ia.sector === ib.sector ? within : across).push(pair);
      }
    }
    const mean = (xs: readonly number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    const withinMeasured = mean(within.map((p) => p.measured));
    const acrossMeasured = mean(across.map((p) => p.measured));
    assert.ok(
      Math.abs(withinMeasured - mean(within.map((p) => p.implied))) < 0.07,
      `within-sector correlation ${withinMeasured.toFixed(3)} near the model's ${mean(within.map((p) => p.implied)).toFixed(3)} / ${mean(across.map((p) => p.implied)).toFixed(3)}`,
    );
    assert.ok(
      Math.abs(acrossMeasured - mean(across.map((p) => p.implied))) < 0.07,
      `cross-sector correlation ${acrossMeasured.toFixed(3)} near the model's ${mean(within.map((p) => p.implied)).toFixed(3)} / ${mean(across.map((p) => p.implied)).toFixed(3)}`,
    );
    assert.ok(
      withinMeasured > acrossMeasured + 0.15,
      `within ${withinMeasured.toFixed(3)} > across ${acrossMeasured.toFixed(3)}`,
    );
  });

  it('switches volatility regimes: turbulent steps move prices more than calm ones', () => {
    const parameters: ModelParameters = {
      ...defaultParameters,
      regimes: { calmToTurbulentPerDay: 0.5, turbulentToCalmPerDay: 0.5, turbulentMultiplier: 3 },
      jumps: { ...defaultParameters.jumps, marketPerYear: 0, idiosyncraticPerYear: 0 },
    };
    const spy = instrumentBySymbol('SPY');
    assert.ok(spy);
    const model = new MarketModel({ instruments: [spy], seed: 9, tradesPerStep: 1, stepsPerDay: 1000, parameters });
    const moves: Record<string, number[]> = { calm: [], turbulent: [] };
    let previous = spy.basePrice;
    for (let s = 0; s < 4_000; s++) {
      model.step(s, 3_600_000, steady, 0);
      const mid = model.mids().get('SPY') ?? previous;
      moves[model.regime]?.push(Math.abs(Math.log(mid / previous)));
      previous = mid;
    }
    const meanMove = (xs: readonly number[] = []): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok((moves.calm?.length ?? 0) > 200 && (moves.turbulent?.length ?? 0) > 200, 'both regimes visited');
    const ratio = meanMove(moves.turbulent) / meanMove(moves.calm);
    assert.ok(ratio > 2.4 && ratio < 3.6, `turbulent/calm move ratio ${ratio.toFixed(2)} near 3`);
  });

  it('adds jumps: fat tails (excess kurtosis) with jumps, near-normal returns without', () => {
    const kurtosis = (xs: readonly number[]): number => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      return xs.reduce((a, b) => a + (b - m) ** 4, 0) / xs.length / (v * v) - 3;
    };
    const calm = { calmToTurbulentPerDay: 0, turbulentToCalmPerDay: 1, turbulentMultiplier: 1 };
    const aapl = instrumentBySymbol('AAPL');
    assert.ok(aapl);
    const withJumps =
      returnsFromTicks([aapl], 4_000, 2, {
        ...defaultParameters,
        regimes: calm,
        jumps: { ...defaultParameters.jumps, idiosyncraticPerYear: 400 },
      }).get('AAPL') ?? [];
    const without =
      returnsFromTicks([aapl], 4_000, 2, {
        ...defaultParameters,
        regimes: calm,
        jumps: { ...defaultParameters.jumps, marketPerYear: 0, idiosyncraticPerYear: 0 },
      }).get('AAPL') ?? [];
    assert.ok(kurtosis(withJumps) > 2, `excess kurtosis with jumps ${kurtosis(withJumps).toFixed(2)}`);
    assert.ok(Math.abs(kurtosis(without)) < 0.6, `excess kurtosis without ${kurtosis(without).toFixed(2)}`);
  });

  it('trades about the average daily volume over a regular session', () => {
    const jnj = instrumentBySymbol('JNJ');
    assert.ok(jnj);
    const stepsPerDay = 2_000;
    const model = new MarketModel({ instruments: [jnj], seed: 4, stepsPerDay });
    let volume = 0;
    for (let s = 0; s < stepsPerDay; s++)
      for (const t of model.step(s, TRADING_YEAR_MS / 252 / stepsPerDay, steady, 0)) volume += t.size;
    const ratio = volume / jnj.avgDailyVolume;
    assert.ok(ratio > 0.85 && ratio < 1.15, `day volume / ADV = ${ratio.toFixed(3)}`);
  });

  it('produces nothing when the market is closed, and gaps at the next session', () => {
    const model = new MarketModel({ instruments: symbolUniverse(20), seed: 1, stepsPerDay: 1000 });
    assert.deepEqual(model.step(0, 250, { intensity: 0, volatility: 0, spread: 1 }, 0), []);
    model.step(1, 1, steady, 0);
    const before = model.mids();
    model.step(2, 0, steady, 1);
    const after = model.mids();
    const moved = [...before].filter(([s, p]) => Math.abs(Math.log((after.get(s) ?? p) / p)) > 0.001).length;
    assert.ok(moved >= 15, `${String(moved)} of 20 symbols gapped overnight with no trading time elapsed`);
  });

  it('implies a block correlation structure by sector', () => {
    const [xom, cvx, jpm] = ['XOM', 'CVX', 'JPM'].map((s) => instrumentBySymbol(s));
    assert.ok(xom && cvx && jpm);
    assert.equal(impliedCorrelation(xom, xom), 1);
    assert.ok(impliedCorrelation(xom, cvx) > impliedCorrelation(xom, jpm) + 0.15);
    assert.ok(impliedCorrelation(xom, jpm) > 0.2, 'the market factor correlates every pair');
  });
});
