import kafkajs, { type Assigner, type GroupMemberAssignment, type PartitionAssigner } from 'kafkajs';

const { AssignerProtocol } = kafkajs;

export const SUBSCRIPTION_ASSIGNER = 'InsiteChartSubscriptionRoundRobin';

export interface MemberSubscription {
  readonly memberId: string;
  readonly topics: readonly string[];
}

export type MemberPartitions = Record<string, number[]>;

/**
 * Spreads each topic's partitions round-robin over the members subscribed to that topic only. kafkajs'
 * own RoundRobinAssigner hands every topic of the leader to every member, so one group whose members
 * subscribe to different topics (one consumer per subscription here) would silently drop partitions.
 */
export function assignBySubscription(
  members: readonly MemberSubscription[],
  partitionsOf: (topic: string) => readonly number[],
): Map<string, MemberPartitions> {
  const result = new Map<string, MemberPartitions>();
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  for (const member of sorted) result.set(member.memberId, {});
  const topics = [...new Set(sorted.flatMap((m) => m.topics))].sort();
  // Rotating the start member per topic spreads the extra partitions of uneven splits across members.
  let turn = 0;
  for (const topic of topics) {
    const subscribers = sorted.filter((m) => m.topics.includes(topic));
    const partitions = [...partitionsOf(topic)].sort((a, b) => a - b);
    partitions.forEach((partition, i) => {
      const member = subscribers[(i + turn) % subscribers.length];
      if (member === undefined) return;
      const assignment = result.get(member.memberId) ?? {};
      (assignment[topic] ??= []).push(partition);
      result.set(member.memberId, assignment);
    });
    turn += partitions.length;
  }
  return result;
}

export const subscriptionRoundRobin: PartitionAssigner = ({ cluster }) => {
  const assigner: Assigner = {
    name: SUBSCRIPTION_ASSIGNER,
    version: 0,
    async assign({ members }): Promise<GroupMemberAssignment[]> {
      const subscriptions: MemberSubscription[] = members.map((m) => ({
        memberId: m.memberId,
        topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics ?? [],
      }));
      // The leader only has metadata for its own topics; the other members' topics must be loaded too.
      const all = [...new Set(subscriptions.flatMap((s) => s.topics))];
      if (all.length > 0) await cluster.addMultipleTargetTopics(all);
      const plan = assignBySubscription(subscriptions, (topic) =>
        cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId),
      );
      return [...plan].map(([memberId, assignment]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: assigner.version,
          assignment,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: SUBSCRIPTION_ASSIGNER,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: assigner.version,
          topics,
          userData: Buffer.alloc(0),
        }),
      };
    },
  };
  return assigner;
};
