import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import kafkajs, { type KafkaMessage } from 'kafkajs';
import type { Delivery } from '../bus.ts';
import { busConformance, waitFor } from '../conformance/bus-conformance.ts';
import { createEnvelope } from '../envelope.ts';
import { createKeyPartitioner } from '../partitioner.ts';
import { allTopicNames } from '../topics.ts';
import { KafkaBus, type KafkaBusLogger, type KafkaBusOptions } from './kafka-bus.ts';
import { headerText, STRUCTURED_CONTENT_TYPE } from './wire.ts';

const { Kafka, Partitioners, logLevel } = kafkajs;

const brokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);
// A GitHub run must exercise the broker: a missing KAFKA_BROKERS there is a broken workflow, not a reason to skip.
if (brokers.length === 0 && process.env.CI === 'true' && process.env.GITHUB_ACTIONS === 'true') {
  throw new Error(
    'KAFKA_BROKERS is not set on a GitHub Actions run: the Kafka job must start a broker and export KAFKA_BROKERS',
  );
}
const skip =
  brokers.length === 0
    ? 'KAFKA_BROKERS is not set: the Kafka conformance suite needs a broker (CI starts one)'
    : undefined;

const PARTITIONS = 4;
/** One prefix per file run: buses created for a restart share topics; other runs on the broker do not. */
const prefix = `ic-test-${randomUUID().slice(0, 8)}.`;

const logger: KafkaBusLogger = (message, detail) => {
  console.error(`[kafka-bus] ${message}`, detail === undefined ? '' : JSON.stringify(detail));
};

function busOptions(overrides: Partial<KafkaBusOptions> = {}): KafkaBusOptions {
  return {
    brokers,
    clientId: 'insitechart-test',
    partitions: PARTITIONS,
    source: 'kafka-bus-test',
    topicPrefix: prefix,
    replicationFactor: 1,
    logger,
    // Short timings: groups are joined and left many times per test.
    consumer: { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 500, rebalanceTimeoutMs: 20_000, maxWaitTimeMs: 250 },
    ...overrides,
  };
}

busConformance({
  name: 'kafka',
  durable: true,
  timeoutMs: 30_000,
  create: async () => {
    const bus = new KafkaBus(busOptions());
    await bus.start();
    return bus;
  },
  ...(skip === undefined ? {} : { skip }),
});

void describe('kafka bus on a broker', { skip: skip ?? false }, () => {
  const closers: (() => Promise<void>)[] = [];
  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  });
  const raw = new Kafka({ clientId: 'kafka-bus-test-raw', brokers, logLevel: logLevel.WARN });
  const open = async (): Promise<KafkaBus> => {
    const bus = new KafkaBus(busOptions());
    closers.push(() => bus.close());
    await bus.start();
    return bus;
  };
  const auditData = (actor: string, seq: number) => ({ actor, action: 'test', resource: 'kafka', details: { seq } });

  /** Reads a topic from its start, like every Kafka client, until `count` records match. */
  async function readRaw(
    topic: string,
    count: number,
    match: (m: KafkaMessage) => boolean,
  ): Promise<{ partition: number; message: KafkaMessage }[]> {
    const consumer = raw.consumer({ groupId: `${prefix}raw-${randomUUID()}`, maxWaitTimeInMs: 250 });
    const got: { partition: number; message: KafkaMessage }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ partition, message }) => {
          if (match(message)) got.push({ partition, message });
          return Promise.resolve();
        },
      });
      await waitFor(() => got.length >= count, 30_000, `${String(count)} records on ${topic}`);
    } finally {
      await consumer.disconnect();
    }
    return got;
  }

  void it('creates every catalog topic and its dead-letter topic with the configured partitions, idempotently', async () => {
    await open();
    const again = await open();
    assert.equal(await again.ready(), true);
    const admin = raw.admin();
    await admin.connect();
    try {
      const wanted = allTopicNames.map((t) => prefix + t).sort();
      const { topics } = await admin.fetchTopicMetadata({ topics: wanted });
      assert.deepEqual(topics.map((t) => t.name).sort(), wanted);
      for (const t of topics) assert.equal(t.partitions.length, PARTITIONS, t.name);
    } finally {
      await admin.disconnect();
    }
  });

  void it('writes key = subject, the whole envelope as JSON, ce_ and trace headers, on the partition murmur2 picks', async () => {
    const bus = await open();
    const key = `wire-${randomUUID()}`;
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const sent = await bus.publish('audit', { key, data: auditData(key, 1), traceparent, tracestate: 'vendor=1' });
    const [record] = await readRaw(prefix + 'audit', 1, (m) => m.key?.toString() === key);
    assert.ok(record !== undefined);
    const { message, partition } = record;
    assert.equal(message.key?.toString(), key);
    assert.deepEqual(JSON.parse(message.value?.toString() ?? 'null'), sent);
    assert.equal(headerText(message.headers, 'ce_type'), 'com.insitechart.audit');
    assert.equal(headerText(message.headers, 'ce_id'), sent.id);
    assert.equal(headerText(message.headers, 'traceparent'), traceparent);
    assert.equal(headerText(message.headers, 'tracestate'), 'vendor=1');
    assert.equal(headerText(message.headers, 'content-type'), STRUCTURED_CONTENT_TYPE);
    // The embedded adapter partitions with the same function: a key keeps its partition across adapters.
    assert.equal(partition, createKeyPartitioner(PARTITIONS)(key));
  });

  void it('dead-letters unreadable and schema-invalid records at once, without retries, and moves on', async () => {
    const bus = await open();
    const key = `junk-${randomUUID()}`;
    const handled: string[] = [];
    const dead: Delivery<'audit.dlq'>[] = [];
    await bus.subscribe({
      group: `g-${randomUUID()}`,
      topic: 'audit',
      handler: (d) => {
        if (d.envelope.subject === key) handled.push(d.envelope.id);
      },
    });
    await bus.subscribe({
      group: `dlq-${randomUUID()}`,
      topic: 'audit.dlq',
      handler: (d) => {
        if (d.envelope.subject === key) dead.push(d);
      },
    });
    const producer = raw.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      const invalid = { ...createEnvelope('audit', { key, data: auditData(key, 0) }, 'test'), data: { actor: '' } };
      await producer.send({
        topic: prefix + 'audit',
        messages: [
          { key, value: '{"broken":' },
          { key, value: JSON.stringify(invalid) },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const good = await bus.publish('audit', { key, data: auditData(key, 2) });
    await waitFor(() => dead.length === 2 && handled.length === 1, 30_000, 'two dead letters and the good event');
    assert.deepEqual(handled, [good.id]);
    const unreadable = dead[0]!.envelope.data;
    const invalidLetter = dead[1]!.envelope.data;
    assert.equal(unreadable.attempts, 0);
    assert.match(unreadable.error, /not JSON/);
    assert.equal(unreadable.original, '{"broken":');
    assert.equal(unreadable.topic, 'audit');
    assert.equal(invalidLetter.attempts, 0);
    assert.match(invalidLetter.error, /actor/);
  });

  void it("starts a new group with from: 'latest' at subscribe(), not at its first fetch", async () => {
    const bus = await open();
    const key = `latest-${randomUUID()}`;
    await bus.publish('audit', { key, data: auditData(key, 0) });
    const got: number[] = [];
    await bus.subscribe({
      group: `latest-${randomUUID()}`,
      topic: 'audit',
      from: 'latest',
      handler: (d) => {
        if (d.envelope.subject === key) got.push(Number(d.envelope.data.details.seq));
      },
    });
    // Published right away: kafkajs alone could resolve 'latest' after this event and skip it.
    await bus.publish('audit', { key, data: auditData(key, 1) });
    await waitFor(() => got.length >= 1, 30_000, 'the event published after subscribe');
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(got, [1]);
  });

  void it('gives each subscription of one group all partitions of its own topic', async () => {
    // kafkajs' RoundRobinAssigner would hand audit partitions to the notifications member and drop them.
    const bus = await open();
    const group = `mixed-${randomUUID()}`;
    const run = randomUUID().slice(0, 8);
    const audits = new Set<string>();
    const notes = new Set<string>();
    await bus.subscribe({
      group,
      topic: 'audit',
      handler: (d) => {
        if (d.envelope.subject.startsWith(run)) audits.add(d.envelope.subject);
      },
    });
    await bus.subscribe({
      group,
      topic: 'notifications',
      handler: (d) => {
        if (d.envelope.subject.startsWith(run)) notes.add(d.envelope.subject);
      },
    });
    const n = 40;
    for (let i = 0; i < n; i++) {
      await bus.publish('audit', { key: `${run}-a${String(i)}`, data: auditData('x', i) });
      await bus.publish('notifications', {
        key: `${run}-n${String(i)}`,
        data: { channel: 'email', recipient: 'r', subject: 's', body: 'b', priority: 'low' },
      });
    }
    await waitFor(() => audits.size === n && notes.size === n, 30_000, 'every event of both topics');
    const lags = (await bus.lag()).filter((l) => l.group === group);
    assert.deepEqual([...new Set(lags.map((l) => l.topic))].sort(), ['audit', 'notifications']);
  });
});
