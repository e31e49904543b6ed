import type { PublishInput, TopicEnvelope } from './envelope.ts';
import type { DeadLetterTopicName, TopicName } from './topics.ts';

/** Raised by publish() and subscribe() once the bus is closing or closed. */
export class BusClosedError extends Error {
  constructor() {
    super('the event bus is closed');
    this.name = 'BusClosedError';
  }
}

/** How a failing handler is retried before its event goes to the dead-letter topic. */
export interface RetryPolicy {
  /** Attempts after the first one. */
  readonly retries: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  retries: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
  multiplier: 2,
};

export interface Delivery<T extends TopicName> {
  readonly topic: T;
  readonly envelope: TopicEnvelope<T>;
  readonly partition: number;
  readonly offset: number;
  /** 1 on first delivery, higher on retries. */
  readonly attempt: number;
  /** Aborted when this member loses the partition or is killed: stop work, the event will be redelivered. */
  readonly signal: AbortSignal;
  /** With `commit: 'manual'`: commits this event and every earlier one of its partition for the group. */
  commit(): void;
}

export type Handler<T extends TopicName> = (delivery: Delivery<T>) => Promise<void> | void;

export interface SubscribeOptions<T extends TopicName> {
  readonly group: string;
  readonly topic: T;
  readonly handler: Handler<T>;
  /** 'auto' (default) commits each event once its handler resolves; 'manual' waits for `delivery.commit()`. */
  readonly commit?: 'auto' | 'manual';
  readonly retry?: Partial<RetryPolicy>;
  /** Where a group with no committed offset starts. Default 'earliest': nothing published is missed. */
  readonly from?: 'earliest' | 'latest';
}

export type ReplayPosition = { readonly offset: number; readonly partition?: number } | { readonly time: Date };

export interface Subscription {
  readonly group: string;
  readonly topic: TopicName;
  /**
   * 'drain' (default): stop taking events, let in-flight handlers finish, commit, leave the group.
   * 'abort': leave at once without committing, as a crashed consumer would; its events go to other members.
   */
  close(mode?: 'drain' | 'abort'): Promise<void>;
  /** Moves the whole group back (or forward) to an offset or a time, then delivers from there. */
  replay(position: ReplayPosition): Promise<void>;
}

export interface PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly committed: number;
  readonly end: number;
  readonly lag: number;
}

export interface EventBus {
  readonly kind: string;
  /** Resolves once the event is acknowledged by the backbone (durable where the adapter is). */
  publish<T extends TopicName>(topic: T, input: PublishInput<T>): Promise<TopicEnvelope<T>>;
  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription>;
  /** Consumer lag of every known group, for metrics and readiness. */
  lag(): Promise<PartitionLag[]>;
  /** True when the backbone can take events (used by /readyz). */
  ready(): Promise<boolean>;
  /** Drains every subscription, flushes what is pending and releases resources. */
  close(): Promise<void>;
  /**
   * Told of every dead letter the adapter publishes itself ('ok' once stored, 'error' for a failed write),
   * which no wrapper of `publish` sees: the instrumented bus counts them as published on `<topic>.dlq`.
   */
  onDeadLetter?(listener: DeadLetterListener): void;
}

export type DeadLetterListener = (topic: DeadLetterTopicName, outcome: 'ok' | 'error') => void;

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...overrides };
  if (!Number.isInteger(policy.retries) || policy.retries < 0)
    throw new RangeError('retry.retries must be a whole number >= 0');
  if (policy.initialBackoffMs < 0 || policy.maxBackoffMs < policy.initialBackoffMs || policy.multiplier < 1) {
    throw new RangeError('retry backoff must satisfy 0 <= initialBackoffMs <= maxBackoffMs and multiplier >= 1');
  }
  return policy;
}

/** Exponential backoff with full jitter on the upper half, so retries of many consumers spread out. */
export function backoffMs(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * policy.multiplier ** (failedAttempt - 1));
  return exp / 2 + (random() * exp) / 2;
}
