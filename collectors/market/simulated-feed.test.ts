import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { silentHealth, type Tick } from './feed.ts';
import { SimulatedFeed } from './simulated-feed.ts';
import { symbolUniverse } from './simulation/universe.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

async function collect(feed: SimulatedFeed, ms: number): Promise<Tick[][]> {
  const batches: Tick[][] = [];
  await feed.start({
    emit: (ticks) => {
      batches.push([...ticks]);
      return Promise.resolve();
    },
    history: () => Promise.resolve(),
    health: silentHealth,
    logger,
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  await feed.stop();
  return batches;
}

const saturdayNight = Date.parse('2025-03-09T03:00:00Z');
const mondayNight = Date.parse('2025-03-11T03:00:00Z'); // 23:00 in New York

describe('simulated feed', () => {
  it('backfills symbol by symbol, most traded first, every interval of a symbol before the next', async () => {
    const instruments = symbolUniverse(6);
    const feed = new SimulatedFeed({ instruments, seed: 3, stepMs: 1_000, clock: 'regular', backfillDays: 30 });
    const order: string[] = [];
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    await feed.start({
      emit: () => Promise.resolve(),
      history: (batches) => {
        order.push(...batches.map((b) => `${b.symbol} ${b.interval}`));
        done();
        return Promise.resolve();
      },
      health: silentHealth,
      logger,
    });
    await finished;
    await feed.stop();
    const symbols = [...new Set(order.map((o) => o.split(' ')[0]))];
    const dollarVolume = (s: string | undefined): number => {
      const i = instruments.find((x) => x.symbol === s);
      return (i?.avgDailyVolume ?? 0) * (i?.basePrice ?? 0);
    };
    assert.equal(symbols.length, instruments.length);
    for (let k = 1; k < symbols.length; k++)
      assert.ok(
        dollarVolume(symbols[k - 1]) >= dollarVolume(symbols[k]),
        `${String(symbols[k - 1])} before ${String(symbols[k])}`,
      );
    assert.deepEqual(
      order.slice(0, 5),
      ['1s', '1m', '5m', '1h', '1d'].map((i) => `${String(symbols[0])} ${i}`),
      "the first symbol's every interval first",
    );
  });

  it('is silent on the real exchange clock when the market is closed', async () => {
    const feed = new SimulatedFeed({
      instruments: symbolUniverse(20),
      seed: 1,
      stepMs: 5,
      clock: 'exchange',
      now: () => saturdayNight,
    });
    assert.deepEqual(await collect(feed, 60), []);
  });

  it('is alive at any hour of a trading day on the compressed clock (the demo default)', async () => {
    let now = mondayNight;
    const feed = new SimulatedFeed({
      instruments: symbolUniverse(20),
      seed: 1,
      stepMs: 5,
      clock: 'compressed',
      dayMs: 60_000,
      now: () => (now += 5),
    });
    const batches = await collect(feed, 80);
    assert.ok(batches.length >= 3, `${String(batches.length)} batches`);
    assert.ok(
      batches.every((b) => b.every((t) => t.ts === b[0]?.ts)),
      'a batch is one instant',
    );
  });

  it('starts a fresh compressed day at the regular open, and stops emitting once stopped', async () => {
    const start = Date.now();
    const wednesday = Date.parse('2025-03-12T15:00:00Z');
    const feed = new SimulatedFeed({
      instruments: symbolUniverse(100),
      seed: 2,
      stepMs: 5,
      clock: 'compressed',
      now: () => wednesday + Date.now() - start,
    });
    const batches = await collect(feed, 100);
    const perBatch = batches.reduce((n, b) => n + b.length, 0) / batches.length;
    assert.ok(
      perBatch > 150,
      `the open trades about twice the average: ${perBatch.toFixed(0)} ticks per step for 100 symbols`,
    );
    const count = batches.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(batches.length, count);
  });

  it('keeps 1,000+ ticks/s across 100 symbols cheaply (regular clock, 50 ms steps)', async () => {
    const feed = new SimulatedFeed({ instruments: symbolUniverse(100), seed: 3, stepMs: 50, clock: 'regular' });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const batches = await collect(feed, 500);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const rate = batches.reduce((n, b) => n + b.length, 0) / seconds;
    assert.ok(rate >= 1_000, `${rate.toFixed(0)} ticks/s`);
    assert.ok((cpu.user + cpu.system) / 1e6 / seconds < 0.5, 'well under half a core');
  });
});
