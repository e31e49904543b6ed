import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs, { type Cluster, type Logger, type PartitionMetadata, type TopicMessages } from 'kafkajs';
import { createEnvelope, InvalidEventError } from '../envelope.ts';
import { assignBySubscription, SUBSCRIPTION_ASSIGNER, subscriptionRoundRobin } from './assigner.ts';
import { KafkaBus, type KafkaBusOptions } from './kafka-bus.ts';
import { PublishQueue } from './publish-queue.ts';
import { decodeRecord, encodeEnvelope, headerText } from './wire.ts';

const { AssignerProtocol } = kafkajs;

/** A bus pointed at a port where no broker listens: these tests never reach one. */
function offlineOptions(): KafkaBusOptions {
  return {
    brokers: ['127.0.0.1:1'],
    clientId: 'insitechart-test',
    partitions: 4,
    source: 'kafka-bus-test',
    topicPrefix: 'ic-offline.',
    replicationFactor: 1,
    logger: () => undefined,
  };
}

void describe('kafka bus without a broker', () => {
  void it('validates before connecting, and closes without ever having connected', async () => {
    assert.throws(() => new KafkaBus({ ...offlineOptions(), partitions: 0 }), RangeError);
    const bus = new KafkaBus(offlineOptions());
    await assert.rejects(
      bus.publish('audit', { key: '', data: { actor: 'a', action: 'x', resource: 'r' } }),
      InvalidEventError,
    );
    await assert.rejects(
      bus.publish('audit', { key: 'k', data: { actor: '', action: 'x', resource: 'r' } }),
      InvalidEventError,
    );
    await bus.close();
    await assert.rejects(
      bus.publish('audit', { key: 'k', data: { actor: 'a', action: 'x', resource: 'r' } }),
      /closed/,
    );
  });

  void it('is not ready when no broker answers', async () => {
    const bus = new KafkaBus(offlineOptions());
    assert.equal(await bus.ready(), false);
    await bus.close();
  });

  void it('encodes a structured CloudEvent record and decodes it back', () => {
    const envelope = createEnvelope(
      'audit',
      {
        key: 'user-1',
        data: { actor: 'user-1', action: 'login', resource: 'web' },
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      },
      'test',
    );
    const message = encodeEnvelope(envelope, 1_700_000_000_000);
    assert.equal(message.key, 'user-1');
    assert.equal(message.timestamp, '1700000000000');
    assert.equal(headerText(message.headers, 'ce_type'), 'com.insitechart.audit');
    assert.equal(headerText(message.headers, 'ce_id'), envelope.id);
    assert.equal(headerText(message.headers, 'traceparent'), envelope.traceparent);
    assert.equal(headerText(message.headers, 'tracestate'), undefined);
    const decoded = decodeRecord('audit', Buffer.from(String(message.value)));
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.envelope, envelope);
  });

  void it('reports why a record cannot be read', () => {
    const junk = decodeRecord('audit', Buffer.from('{"broken":'));
    assert.ok(!junk.ok);
    assert.match(junk.error, /not JSON/);
    assert.equal(junk.original, '{"broken":');
    const wrongTopic = createEnvelope(
      'alerts.user',
      {
        key: 'u',
        data: {
          alertId: 'a',
          userId: 'u',
          symbol: 'AAPL',
          kind: 'price_above',
          threshold: 1,
          observed: 2,
          message: 'm',
        },
      },
      'test',
    );
    const misplaced = decodeRecord('audit', Buffer.from(JSON.stringify(wrongTopic)));
    assert.ok(!misplaced.ok);
    assert.match(misplaced.error, /does not belong to this topic/);
    const tombstone = decodeRecord('audit', null);
    assert.ok(!tombstone.ok);
  });

  void it('assigns each topic only to the members subscribed to it, evenly', () => {
    const plan = assignBySubscription(
      [
        { memberId: 'b', topics: ['audit'] },
        { memberId: 'a', topics: ['audit', 'notifications'] },
        { memberId: 'c', topics: ['notifications'] },
      ],
      () => [0, 1, 2, 3],
    );
    const owners = (topic: string): string[] =>
      [...plan].flatMap(([member, a]) => (a[topic] ?? []).map(() => member)).sort();
    assert.deepEqual(owners('audit'), ['a', 'a', 'b', 'b']);
    assert.deepEqual(owners('notifications'), ['a', 'a', 'c', 'c']);
    const partitions = (topic: string): number[] => [...plan.values()].flatMap((a) => a[topic] ?? []).sort();
    assert.deepEqual(partitions('audit'), [0, 1, 2, 3]);
    assert.deepEqual(partitions('notifications'), [0, 1, 2, 3]);
    assert.deepEqual(plan.get('b')?.notifications, undefined);
  });

  void it('speaks the consumer protocol through kafkajs: metadata and assignments round-trip', async () => {
    const metadata = (n: number): PartitionMetadata[] =>
      Array.from({ length: n }, (_, partitionId) => ({
        partitionId,
        partitionErrorCode: 0,
        leader: 0,
        replicas: [0],
        isr: [0],
      }));
    const loaded: string[][] = [];
    const cluster = {
      addMultipleTargetTopics: (topics: string[]) => {
        loaded.push(topics);
        return Promise.resolve();
      },
      findTopicPartitionMetadata: (topic: string) => metadata(topic === 'x' ? 3 : 2),
    } as unknown as Cluster;
    const assigner = subscriptionRoundRobin({ cluster, groupId: 'g', logger: {} as Logger });
    assert.equal(assigner.name, SUBSCRIPTION_ASSIGNER);
    const m1 = assigner.protocol({ topics: ['x'] });
    const m2 = assigner.protocol({ topics: ['y'] });
    assert.deepEqual(AssignerProtocol.MemberMetadata.decode(m1.metadata)?.topics, ['x']);
    const result = await assigner.assign({
      members: [
        { memberId: 'm1', memberMetadata: m1.metadata },
        { memberId: 'm2', memberMetadata: m2.metadata },
      ],
      topics: ['x'],
    });
    assert.deepEqual(loaded, [['x', 'y']]);
    const decoded = new Map(
      result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]),
    );
    assert.deepEqual(decoded.get('m1'), { x: [0, 1, 2] });
    assert.deepEqual(decoded.get('m2'), { y: [0, 1] });
  });

  void it('sends queued records one batch at a time, in order, failing only the batch that failed', async () => {
    const sent: string[][] = [];
    let calls = 0;
    const queue = new PublishQueue(
      (batch: TopicMessages[]) => {
        calls++;
        if (calls === 2) return Promise.reject(new Error('broker said no'));
        sent.push(batch.flatMap((t) => t.messages.map((m) => `${t.topic}:${String(m.value)}`)));
        return new Promise((r) => setTimeout(r, 5));
      },
      { maxMessages: 3, maxBytes: 1024 },
    );
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => queue.push(i % 2 === 0 ? 'a' : 'b', { key: 'k', value: String(i) })),
    );
    await queue.flush();
    // The first record goes alone (nothing else was queued yet), the rest in batches of at most three,
    // grouped by topic with each topic's records in queue order.
    assert.deepEqual(sent, [['a:0'], ['a:4', 'a:6', 'b:5'], ['b:7']]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
  });
});
