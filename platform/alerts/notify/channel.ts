import type { NotificationMessage } from './message.ts';
import type { ChannelType, TargetOf } from './targets.ts';

export interface DeliveryContext {
  /** Stable per incident x step x person x channel: receivers that dedupe on it never show a page twice. */
  readonly idempotencyKey: string;
  readonly signal: AbortSignal;
}

/** Every integration implements this; the outbox retries what throws, except a PermanentDeliveryError. */
export interface Channel<T extends ChannelType = ChannelType> {
  readonly type: T;
  send(target: TargetOf<T>, message: NotificationMessage, context: DeliveryContext): Promise<void>;
}

/** The receiver refused the message for good (bad address, 4xx): retrying cannot help. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

export type ChannelSet = { readonly [T in ChannelType]?: Channel<T> };
