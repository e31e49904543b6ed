import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has defaults that run the embedded platform', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.dataDir, './data');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.bus.kafka, undefined);
    assert.equal(config.elasticsearch, undefined);
    assert.equal(config.otlpEndpoint, undefined);
    assert.equal(config.bus.durable, true);
    assert.equal(config.services, 'all');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      DATA_DIR: '/tmp/x',
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      ELASTICSEARCH_URL: 'http://es:9200',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      LOG_LEVEL: 'debug',
      BUS_DURABLE: 'false',
      SERVICES: 'market-data, market-feed',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.dataDir, '/tmp/x');
    assert.deepEqual(config.bus.kafka?.brokers, ['k1:9092', 'k2:9093']);
    assert.equal(config.elasticsearch?.url, 'http://es:9200');
    assert.equal(config.otlpEndpoint, 'http://collector:4318');
    assert.equal(config.logLevel, 'debug');
    assert.equal(config.bus.durable, false);
    assert.deepEqual(config.services, ['market-data', 'market-feed']);
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ PORT: '', KAFKA_BROKERS: ' ' }).port, 8080);
  });

  const bad: [string, string, RegExp][] = [
    ['PORT', 'eighty', /PORT="eighty": must be a port number/],
    ['PORT', '70000', /PORT="70000"/],
    ['PORT', '80.5', /PORT="80.5": must be a whole number/],
    ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS="localhost": each broker must be host:port/],
    ['ELASTICSEARCH_URL', 'es:9200', /ELASTICSEARCH_URL="es:9200": must be an http\(s\) URL/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'grpc://x', /OTEL_EXPORTER_OTLP_ENDPOINT="grpc:\/\/x"/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": must be one of/],
    ['BUS_DURABLE', 'perhaps', /BUS_DURABLE="perhaps": must be true or false/],
  ];
  for (const [name, value, message] of bad) {
    it(`rejects ${name}=${value} naming the variable`, () => {
      assert.throws(
        () => loadConfig({ [name]: value }),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    });
  }

  it('reports every bad variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 2,
    );
  });
});

describe('market feed configuration', () => {
  it('defaults to the seeded simulated feed on a compressed session clock', () => {
    const { market } = loadConfig({});
    assert.equal(market.feed, 'simulated');
    assert.equal(market.seed, 42);
    assert.equal(market.sessionClock, 'compressed');
    assert.equal(market.sessionDayMs, 1_800_000);
  });

  it('reads the replay and Yahoo settings', () => {
    const { market } = loadConfig({
      MARKET_FEED: 'replay',
      MARKET_REPLAY_DIR: '/data/daily',
      MARKET_REPLAY_DAY_MS: '500',
      MARKET_YAHOO_POLL_MS: '2000',
      MARKET_SEED: '7',
      MARKET_SESSION_CLOCK: 'exchange',
    });
    assert.deepEqual(
      [market.feed, market.replayDir, market.replayDayMs, market.yahooPollMs, market.seed, market.sessionClock],
      ['replay', '/data/daily', 500, 2000, 7, 'exchange'],
    );
    assert.equal(market.replayFrom, undefined);
    assert.equal(loadConfig({ MARKET_REPLAY_FROM: '2013-02-08' }).market.replayFrom, '2013-02-08');
  });

  it('rejects an unknown feed or clock, naming the variable', () => {
    assert.throws(
      () => loadConfig({ MARKET_FEED: 'bloomberg' }),
      (e: unknown) =>
        e instanceof ConfigError && /MARKET_FEED="bloomberg": must be simulated, replay or yahoo/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ MARKET_SESSION_CLOCK: 'fast' }),
      (e: unknown) => e instanceof ConfigError && /MARKET_SESSION_CLOCK/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ MARKET_SEED: '-1' }),
      (e: unknown) => e instanceof ConfigError && /MARKET_SEED/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ MARKET_REPLAY_FROM: '2013-13-01' }),
      (e: unknown) => e instanceof ConfigError && /MARKET_REPLAY_FROM="2013-13-01": must be a date/.test(e.message),
    );
  });
});

describe('alerts configuration', () => {
  it('points at the alert pipeline config file only when ALERTS_CONFIG is set', () => {
    assert.equal(loadConfig({}).alerts.configFile, undefined);
    assert.equal(
      loadConfig({ ALERTS_CONFIG: '/etc/insitechart/alerts.json' }).alerts.configFile,
      '/etc/insitechart/alerts.json',
    );
    assert.equal(loadConfig({ ALERTS_CONFIG: ' ' }).alerts.configFile, undefined);
  });
});
