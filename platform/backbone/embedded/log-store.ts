import type { Envelope } from '../envelope.ts';
import type { TopicName } from '../topics.ts';

export interface StoredEvent {
  readonly topic: TopicName;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly envelope: Envelope;
}

export interface StoredCommit {
  readonly group: string;
  readonly topic: TopicName;
  readonly partition: number;
  /** Next offset the group reads from this partition. */
  readonly offset: number;
}

/** A stored event as read back: parsed, or kept raw with the reason it no longer parses. */
export type LoadedEvent = Omit<StoredEvent, 'envelope' | 'topic'> & { readonly topic: string } & (
    | { readonly envelope: Envelope; readonly poison?: undefined }
    | { readonly envelope: unknown; readonly poison: string }
  );

/**
 * Persistence for the embedded bus. `write` must be durable when it returns: the bus acknowledges a
 * publish only after the batch holding it was written.
 */
export interface LogStore {
  load(): { events: Iterable<LoadedEvent>; commits: StoredCommit[] };
  write(events: readonly StoredEvent[], commits: readonly StoredCommit[]): void;
  trim(topic: TopicName, partition: number, beforeOffset: number): void;
  close(): void;
}
