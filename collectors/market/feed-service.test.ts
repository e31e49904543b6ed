import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EmbeddedBus } from '../../platform/backbone/embedded/embedded-bus.ts';
import { waitFor } from '../../platform/backbone/conformance/bus-conformance.ts';
import { marketTick } from '../../platform/backbone/topics.ts';
import { loadConfig, type Env } from '../../platform/config/config.ts';
import { startPlatform, type RunningPlatform } from '../../platform/runtime/platform.ts';
import { openApi } from '../../platform/http/openapi.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { apiFetch } from '../../platform/testing/api-client.ts';
import { marketFeedService } from './feed-service.ts';
import type { MarketFeed, Tick } from './feed.ts';
import { CSV_HEADER } from './replay/ohlcv-csv.ts';
import { YahooFeed } from './yahoo-feed.ts';
import { recordedTransport, recording } from './yahoo/recorded-transport.ts';
import { YahooQuoteSource } from './yahoo/yahoo-source.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

/** A platform running only the feed, with a consumer that keeps every tick it publishes. */
async function runFeed(env: Env, feed?: MarketFeed): Promise<{ platform: RunningPlatform; ticks: Tick[] }> {
  const platform = await startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env }),
    logger,
    services: [marketFeedService(feed ? { feed } : {})],
    bus: new EmbeddedBus({ partitions: 2, source: 'test' }),
  });
  const ticks: Tick[] = [];
  await platform.bus.subscribe({
    group: 'feed-test',
    topic: 'market.ticks',
    handler: (d) => {
      ticks.push(d.envelope.data);
    },
  });
  return { platform, ticks };
}

async function metricsText(platform: RunningPlatform): Promise<string> {
  return (await apiFetch(platform, '/metrics')).text();
}

function sample(text: string, line: RegExp): number {
  const match = text.split('\n').find((l) => line.test(l));
  return match === undefined ? NaN : Number(match.split(' ').at(-1));
}

describe('market feed service', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('runs the seeded simulated feed by default, publishing valid ticks and its health metrics', async () => {
    const { platform, ticks } = await runFeed({
      MARKET_SYMBOLS: '12',
      MARKET_TICK_INTERVAL_MS: '10',
      MARKET_SESSION_CLOCK: 'regular',
      // Live ticks only: the history is the continuity test's.
      MARKET_BACKFILL_DAYS: '0',
    });
    cleanup.push(() => platform.stop());
    await waitFor(() => new Set(ticks.map((t) => t.symbol)).size === 12, 5_000, 'ticks of all 12 symbols');
    for (const t of ticks) assert.ok(marketTick.safeParse(t).success);
    const text = await metricsText(platform);
    assert.ok(sample(text, /^insitechart_feed_ticks_total\{feed="simulated"\}/) >= 12, 'ticks counted');
    assert.ok(sample(text, /^insitechart_feed_batches_total\{feed="simulated"\}/) >= 1);
    assert.ok(
      sample(text, /^insitechart_feed_staleness_seconds\{feed="simulated",symbol="SPY"\}/) >= 0,
      'staleness per symbol',
    );
    assert.equal(sample(text, /^insitechart_feed_breaker_state\{feed="simulated"\}/), 0);
    const status = (await (await apiFetch(platform, '/api/market/feed', { as: 'anonymous' })).json()) as {
      feed: string;
      running: boolean;
      details: Record<string, unknown>;
    };
    assert.equal(status.feed, 'simulated');
    assert.equal(status.running, true);
    assert.deepEqual(
      [status.details.session, status.details.clock, status.details.symbols, status.details.seed],
      ['regular', 'regular', 12, 42],
    );
    const paths = openApi.document({ title: 't', version: '1' }).paths as Record<string, unknown>;
    assert.ok(
      '/api/market/feed' in paths && '/api/market/ticks' in paths,
      'the feed routes are in the OpenAPI document',
    );
    for (const name of [
      'insitechart_feed_gaps_total',
      'insitechart_feed_errors_total',
      'insitechart_feed_reconnects_total',
      'insitechart_feed_publish_seconds',
    ]) {
      assert.ok(text.includes(`# TYPE ${name}`), `${name} is exposed`);
    }
  });

  it('replays CSV files when MARKET_FEED=replay', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-replay-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(
      join(dir, 'JPM.csv'),
      `${CSV_HEADER}\n2015-06-01,67.5,68.0,67.1,67.9,1000\n2015-06-02,67.9,68.4,67.6,67.7,2000\n`,
    );
    const { platform, ticks } = await runFeed({
      MARKET_FEED: 'replay',
      MARKET_REPLAY_DIR: dir,
      MARKET_REPLAY_DAY_MS: '30',
      MARKET_TICK_INTERVAL_MS: '10',
    });
    cleanup.push(() => platform.stop());
    await waitFor(() => ticks.reduce((v, t) => v + t.size, 0) === 3_000, 5_000, 'both days replayed');
    assert.equal(Math.max(...ticks.map((t) => t.price)), 68.4);
    assert.equal(Math.min(...ticks.map((t) => t.price)), 67.1);
    assert.ok(sample(await metricsText(platform), /^insitechart_feed_ticks_total\{feed="replay"\}/) === ticks.length);
    const status = (await (await apiFetch(platform, '/api/market/feed', { as: 'anonymous' })).json()) as {
      details: Record<string, unknown>;
    };
    assert.deepEqual([status.details.symbols, status.details.days], [['JPM'], 2]);
  });

  it('refuses to start on a bad replay file, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'feed-replay-bad-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'JPM.csv'), 'date;open\n');
    await assert.rejects(runFeed({ MARKET_FEED: 'replay', MARKET_REPLAY_DIR: dir }), /JPM\.csv:1: the header must be/);
  });

  it('publishes Yahoo quotes and reports their staleness', async () => {
    const { transport } = recordedTransport(() => ({ status: 200, body: recording('quote-AAPL-BABA.json') }));
    const feed = new YahooFeed({
      source: new YahooQuoteSource({ transport, logger }),
      symbols: ['AAPL', 'BABA'],
      pollMs: 50,
    });
    const { platform, ticks } = await runFeed({}, feed);
    cleanup.push(() => platform.stop());
    await waitFor(() => ticks.length === 2, 5_000, 'a tick per quoted symbol');
    assert.deepEqual(ticks.map((t) => t.symbol).sort(), ['AAPL', 'BABA']);
    const text = await metricsText(platform);
    assert.equal(sample(text, /^insitechart_feed_ticks_total\{feed="yahoo"\}/), 2);
    assert.ok(sample(text, /^insitechart_feed_staleness_seconds\{feed="yahoo",symbol="AAPL"\}/) >= 0);
    assert.equal(sample(text, /^insitechart_feed_stale_symbols\{feed="yahoo"\}/), 0, 'a closed market is not stale');
    const status = (await (await apiFetch(platform, '/api/market/feed', { as: 'anonymous' })).json()) as {
      details: Record<string, unknown>;
    };
    assert.deepEqual([status.details.breaker, status.details.staleSymbols], ['closed', []]);
  });
});
