import { openSqlite } from '../storage/sqlite.ts';
import { ManualClock } from './clock.ts';
import { alertsConfigSchema, type AlertsConfigInput } from './config/schema.ts';
import { fingerprintOf } from './fingerprint.ts';
import { withLinks } from './links.ts';
import type { Alert, Labels } from './model.ts';
import type { OutboxItem } from './notify/outbox.ts';
import { Directory } from './oncall/directory.ts';
import { Pipeline } from './pipeline.ts';
import type { ServiceGraph } from './correlation/service-graph.ts';
import type { Silence } from './stages/silence.ts';

/** Test support: a pipeline on a manual clock whose outbox is a plain array. */
export function testPipeline(
  input: AlertsConfigInput,
  start = Date.parse('2026-03-02T10:00:00Z'),
  serviceGraph?: ServiceGraph,
): { pipeline: Pipeline; clock: ManualClock; sent: OutboxItem[]; silences: Silence[]; directory: Directory } {
  const config = withLinks(alertsConfigSchema.parse(input), {}, 8080);
  const clock = new ManualClock(start);
  const sent: OutboxItem[] = [];
  const silences: Silence[] = [];
  const keys = new Set<string>();
  const directory = new Directory(openSqlite(':memory:', { synchronous: 'NORMAL' }), {
    users: config.users,
    schedules: config.schedules,
    policies: config.escalation_policies,
  });
  const pipeline = new Pipeline({
    config,
    ...(serviceGraph === undefined ? {} : { serviceGraph }),
    clock,
    directory,
    enqueue: (items) => {
      for (const item of items)
        if (!keys.has(item.key)) {
          keys.add(item.key);
          sent.push(item);
        }
    },
    silences: () => silences,
    runbooks: new Set(['high-error-rate']),
  });
  return { pipeline, clock, sent, silences, directory };
}

export function alert(labels: Labels, at: number, status: Alert['status'] = 'firing', annotations: Labels = {}): Alert {
  return {
    fingerprint: fingerprintOf(labels),
    status,
    labels,
    annotations,
    startsAt: at,
    source: 'test',
    traceIds: [],
  };
}

export const hook = (name: string): { type: 'webhook'; url: string } => ({
  type: 'webhook',
  url: `http://127.0.0.1:9/${name}`,
});

/** Entity-correlator settings for unit tests: a wide window and decay, no learned affinity. */
export const entityTestOptions = {
  windowMs: 600_000,
  threshold: 0.5,
  decayMs: 600_000,
  symptomWeight: 0.5,
  affinityWeight: 0,
  background: 30,
  maxConcurrent: 1_000,
  maxAffinityPairs: 100,
} as const;
