import type { Bar } from '../bars/aggregator.ts';
import type { Interval } from '../bars/buckets.ts';
import type { Quote } from '../quote-book.ts';
import type { StreamLimits } from './subscriptions.ts';

export type { StreamLimits } from './subscriptions.ts';

export interface Snapshot {
  readonly quote: Quote | undefined;
  readonly bars: Partial<Record<Interval, Bar[]>>;
}

export interface HubOptions {
  readonly path?: string;
  /** Delta batching period per client (PROTOCOL.md promises at most 50 ms). */
  readonly flushMs?: number;
  /**
   * Above this many connected clients the batching period widens to 50 ms (still within the protocol's
   * promise): it halves the socket writes, which are what a big fan-out spends its time on.
   */
  readonly wideFlushAbove?: number;
  readonly heartbeatMs?: number;
  /** How long a disconnected session can be resumed. */
  readonly sessionTtlMs?: number;
  /** Disconnected sessions kept for resuming, in all and per peer address. */
  readonly maxRetainedSessions?: number;
  readonly maxRetainedPerAddress?: number;
  /** Messages kept per session for replay. */
  readonly replayMessages?: number;
  readonly limits?: Partial<StreamLimits>;
  /** Client messages per connection and second; more closes the connection with 4029. */
  readonly maxMessagesPerSecond?: number;
  /** Above this many bytes waiting in a socket, the client is slow: it gets coalesced updates. */
  readonly slowBufferBytes?: number;
  /** Above this, or slow for longer than maxSlowMs, the client is hopeless: closed with 4008. */
  readonly hopelessBufferBytes?: number;
  readonly maxSlowMs?: number;
  /** Coalesced bar states a slow or disconnected session may accumulate before it is given up. */
  readonly maxPendingBars?: number;
  readonly snapshot: (symbol: string, intervals: readonly Interval[]) => Snapshot;
  readonly isKnown: (symbol: string) => boolean;
  /** Unexpected errors while handling a client message (the client gets an `internal` error). */
  readonly onError?: (error: unknown) => void;
}

export interface HubStats {
  readonly sessions: number;
  readonly connected: number;
  /** Disconnected sessions kept for resuming. */
  readonly retained: number;
  readonly slow: number;
  readonly messages: number;
  readonly coalescedUpdates: number;
  readonly hopelessClosed: number;
  readonly rateClosed: number;
  readonly resumed: number;
  readonly resumeRefused: number;
}
