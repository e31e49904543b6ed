import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TopicData } from '../../backbone/topics.ts';
import type { Alert } from '../model.ts';
import { testPipeline } from '../test-support.ts';
import { DetectionEpisodes, detectionQuietMs } from './detection-episodes.ts';

const t0 = Date.parse('2026-03-02T10:00:00Z');

const lag = (at: number): TopicData<'detections'> => ({
  detector: 'limit',
  series: { __name__: 'nodejs_eventloop_lag_p99_seconds', service: 'insitechart' },
  score: 0.99,
  observed: 0.6,
  expected: { low: 0, high: 0.3 },
  ts: at,
  explanation: 'event-loop lag p99 above normal',
  related: [],
  title: 'Slow responses',
  severity: 'critical',
});

describe('detection episodes', () => {
  it('a detection after a quiet period resolves the last episode first; reminders just fire', () => {
    const episodes = new DetectionEpisodes();
    assert.deepEqual(
      episodes.alertsOf(lag(t0)).map((a) => a.status),
      ['firing'],
    );
    assert.deepEqual(
      episodes.alertsOf(lag(t0 + 60_000)).map((a) => a.status),
      ['firing'],
      'a reminder within the quiet period',
    );
    const later = episodes.alertsOf(lag(t0 + 60_000 + detectionQuietMs + 1));
    assert.deepEqual(
      later.map((a) => a.status),
      ['resolved', 'firing'],
    );
    assert.equal(later[0]?.fingerprint, later[1]?.fingerprint, 'the same series keeps its fingerprint');
    assert.equal(later[0]?.endsAt, new Date(t0 + 60_000 + detectionQuietMs).toISOString());
  });

  it('through the pipeline, the new episode opens an incident of its own', () => {
    const { pipeline, clock } = testPipeline({
      route: { receiver: 'none' },
      receivers: [{ name: 'none', targets: [] }],
    });
    const episodes = new DetectionEpisodes();
    const ids = [t0, t0 + 30 * 60_000].map((at) => {
      clock.set(at);
      let id: string | undefined;
      for (const a of episodes.alertsOf(lag(at))) {
        const alert: Alert = {
          fingerprint: a.fingerprint,
          status: a.status,
          labels: a.labels,
          annotations: a.annotations,
          startsAt: Date.parse(a.startsAt),
          source: a.source,
          traceIds: [],
        };
        id = pipeline.process(alert).incidentId;
      }
      return id;
    });
    assert.ok(ids[0] !== undefined && ids[1] !== undefined);
    assert.notEqual(ids[1], ids[0]);
    assert.equal(pipeline.incident(ids[0]), undefined, 'the healthy episode ended');
  });

  it('bounds the series it remembers', () => {
    const episodes = new DetectionEpisodes(detectionQuietMs, 2);
    for (const name of ['a', 'b', 'c']) episodes.alertsOf({ ...lag(t0), series: { __name__: name } });
    // `a` was forgotten: its next detection, however late, only fires.
    const again = episodes.alertsOf({ ...lag(t0 + 2 * detectionQuietMs), series: { __name__: 'a' } });
    assert.deepEqual(
      again.map((x) => x.status),
      ['firing'],
    );
  });
});
