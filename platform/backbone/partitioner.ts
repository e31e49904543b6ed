import kafkajs, { type PartitionMetadata } from 'kafkajs';

/**
 * Maps a key to a partition exactly as Kafka's default partitioner does (murmur2), so a key lands on the
 * same partition number whichever adapter carries it.
 */
export function createKeyPartitioner(partitions: number): (key: string) => number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError('partitions must be a whole number >= 1');
  const metadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  const cache = new Map<string, number>();
  return (key) => {
    let partition = cache.get(key);
    if (partition === undefined) {
      partition = partitioner({ topic: '', partitionMetadata: metadata, message: { key, value: null } });
      // Keys are symbols, users, fingerprints: a bounded set in practice; the cap keeps a key storm harmless.
      if (cache.size < 100_000) cache.set(key, partition);
    }
    return partition;
  };
}
