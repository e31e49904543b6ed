import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadOtlpConfig } from '../../collectors/otlp/config.ts';
import { ConfigError } from '../../platform/config/config.ts';
import { startEntrypoint, waitForOutput } from '../../platform/testing/process.ts';
import { loadDetectorConfig } from './config.ts';

describe('detector tier configuration', () => {
  it('has working defaults and reads every variable', () => {
    const d = loadDetectorConfig({});
    assert.deepEqual(d.sources, ['in-process', 'otlp']);
    assert.equal(d.prometheus, undefined);
    assert.ok(d.precursor.channels.length >= 3);
    const p = loadDetectorConfig({
      DETECTOR_SOURCES: 'prometheus',
      DETECTOR_PROMETHEUS_URL: 'http://prom:9090',
      DETECTOR_PROMETHEUS_QUERIES: 'up; rate(x[1m])',
      DETECTOR_WATCH: '{job="api"}',
      DETECTOR_SERIES_LIMIT: '50',
    });
    assert.deepEqual(p.prometheus?.queries, ['up', 'rate(x[1m])']);
    assert.deepEqual(p.watch, [{ name: 'job', op: '=', value: 'api' }]);
    assert.equal(p.seriesLimit, 50);
    assert.equal(loadOtlpConfig({ OTLP_MAX_BODY_BYTES: '2048' }).maxBodyBytes, 2048);
  });

  it('names each bad variable', () => {
    assert.throws(
      () =>
        loadDetectorConfig({
          DETECTOR_SOURCES: 'prometheus,graphite',
          DETECTOR_WATCH: '{a=',
          DETECTOR_PRECURSOR_CHANNELS: 'mood=sum:x',
          DETECTOR_SCORE_THRESHOLD: '0.2',
          DETECTOR_CLEAR_THRESHOLD: '0.4',
        }),
      (e: unknown) =>
        e instanceof ConfigError &&
        ['DETECTOR_SOURCES', 'DETECTOR_WATCH', 'DETECTOR_PRECURSOR_CHANNELS'].every((v) =>
          e.problems.some((p) => p.startsWith(v)),
        ),
    );
    assert.throws(() => loadDetectorConfig({ DETECTOR_SOURCES: 'prometheus' }), /DETECTOR_PROMETHEUS_URL.*must be set/);
    assert.throws(
      () => loadDetectorConfig({ DETECTOR_SCORE_THRESHOLD: '0.2', DETECTOR_CLEAR_THRESHOLD: '0.4' }),
      /DETECTOR_CLEAR_THRESHOLD/,
    );
    assert.throws(() => loadOtlpConfig({ OTLP_MAX_IN_FLIGHT: '0' }), /OTLP_MAX_IN_FLIGHT/);
    assert.throws(() => loadDetectorConfig({ DETECTOR_SLOS: 'api=1.5:a|b' }), /DETECTOR_SLOS.*name=0\.999/);
    assert.deepEqual(loadDetectorConfig({ DETECTOR_SLOS: 'none' }).slos, []);
    assert.deepEqual(loadDetectorConfig({ DETECTOR_SLOS: 'api=0.99:req_rate|err_rate{code="5xx"}' }).slos[0]?.bad, [
      { name: '__name__', op: '=', value: 'err_rate' },
      { name: 'code', op: '=', value: '5xx' },
    ]);
  });

  it('stops the platform at start-up with the bad variable named', async () => {
    const started = startEntrypoint('platform/main.ts', {
      PORT: '0',
      HOST: '127.0.0.1',
      BUS_DURABLE: 'false',
      DETECTOR_SOURCES: 'prometheus',
    });
    assert.equal(await started.exited, 2);
    await waitForOutput(started, /DETECTOR_PROMETHEUS_URL/, 1_000);
  });
});
