import type { Admin } from 'kafkajs';
import type { PartitionLag, ReplayPosition } from '../bus.ts';
import type { GroupRecord } from './kafka-subscription.ts';
import type { KafkaBusLogger } from './logging.ts';

export interface TopicSettings {
  /** Partitions of the topics created; existing topics keep theirs. */
  readonly partitions: number;
  /** Replicas of created topics; undefined for min(3, brokers in the cluster). */
  readonly replicationFactor: number | undefined;
  readonly warn: KafkaBusLogger;
}

/** Creates the missing ones of `wanted` (Kafka topic names), and warns of existing ones partitioned otherwise. */
export async function ensureTopics(admin: Admin, wanted: readonly string[], settings: TopicSettings): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    const replicationFactor =
      settings.replicationFactor ?? Math.max(1, Math.min(3, (await admin.describeCluster()).brokers.length));
    // Another process creating the same topics meanwhile is fine: kafkajs ignores TOPIC_ALREADY_EXISTS.
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: settings.partitions, replicationFactor })),
    });
  }
  const present = wanted.filter((t) => existing.has(t));
  if (present.length === 0) return;
  const { topics } = await admin.fetchTopicMetadata({ topics: present });
  for (const t of topics) {
    if (t.partitions.length !== settings.partitions) {
      settings.warn(
        `topic ${t.name} has ${t.partitions.length} partitions, not the configured ${settings.partitions}; it is used as it is`,
      );
    }
  }
}

/** The offset per partition a replay of `kafkaTopic` moves to. */
export async function replayTargets(
  admin: Admin,
  kafkaTopic: string,
  position: ReplayPosition,
): Promise<Map<number, number>> {
  if ('time' in position) {
    const at = position.time.getTime();
    if (!Number.isFinite(at)) throw new RangeError('replay time is not a valid date');
    // kafkajs answers the end offset for partitions with nothing at or after that time.
    const offsets = await admin.fetchTopicOffsetsByTimestamp(kafkaTopic, at);
    return new Map(offsets.map((o) => [o.partition, Number(o.offset)]));
  }
  if (!Number.isInteger(position.offset) || position.offset < 0)
    throw new RangeError('replay offset must be a whole number >= 0');
  const bounds = await admin.fetchTopicOffsets(kafkaTopic);
  const chosen = position.partition === undefined ? bounds : bounds.filter((b) => b.partition === position.partition);
  if (chosen.length === 0) throw new RangeError(`topic ${kafkaTopic} has no partition ${String(position.partition)}`);
  // Clamped like the other adapters: before the retained start or past the end there is nothing to replay.
  return new Map(chosen.map((b) => [b.partition, Math.min(Math.max(position.offset, Number(b.low)), Number(b.high))]));
}

/** Each group's committed offset and lag per partition of its topic, sorted by group, topic and partition. */
export async function groupsLag(admin: Admin, groups: Iterable<GroupRecord>): Promise<PartitionLag[]> {
  const perGroup = await Promise.all(
    [...groups].map(async (g) => {
      const [offsets, ends] = await Promise.all([
        admin.fetchOffsets({ groupId: g.groupId, topics: [g.kafkaTopic] }),
        admin.fetchTopicOffsets(g.kafkaTopic),
      ]);
      const committedBy = new Map(
        (offsets.find((t) => t.topic === g.kafkaTopic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]),
      );
      return ends.map((e): PartitionLag => {
        const end = Number(e.high);
        const stored = committedBy.get(e.partition) ?? -1;
        // No commit yet (-1): the group will start where `from` says.
        const committed = stored >= 0 ? stored : g.from === 'latest' ? end : Number(e.low);
        return {
          group: g.group,
          topic: g.topic,
          partition: e.partition,
          committed,
          end,
          lag: Math.max(0, end - committed),
        };
      });
    }),
  );
  return perGroup
    .flat()
    .sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
