import type { Message, TopicMessages } from 'kafkajs';

interface Queued {
  readonly topic: string;
  readonly message: Message;
  readonly bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

export interface PublishQueueLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

/**
 * Sends records one batch at a time, in the order they were queued. kafkajs gives no ordering guarantee
 * between concurrent send() calls (each awaits metadata and locks on its own), so concurrent publishes of
 * one key could be reordered; a single in-flight batch keeps per-key order and still batches under load.
 */
export class PublishQueue {
  readonly #send: (batch: TopicMessages[]) => Promise<unknown>;
  readonly #limits: PublishQueueLimits;
  #queue: Queued[] = [];
  #running: Promise<void> | undefined;

  constructor(
    send: (batch: TopicMessages[]) => Promise<unknown>,
    limits: PublishQueueLimits = { maxMessages: 500, maxBytes: 512 * 1024 },
  ) {
    this.#send = send;
    this.#limits = limits;
  }

  /** Resolves once the batch holding this record was acknowledged. */
  push(topic: string, message: Message): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const bytes = size(message.value) + size(message.key);
      this.#queue.push({ topic, message, bytes, resolve, reject });
      this.#kick();
    });
  }

  /** Resolves when everything queued so far has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #kick(): void {
    if (this.#running !== undefined) return;
    const run = this.#drain();
    this.#running = run;
    // Always asynchronous, so a push landing between the last batch and this callback is still sent.
    void run.finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#kick();
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#take();
      try {
        await this.#send(group(batch));
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      for (const item of batch) item.resolve();
    }
  }

  #take(): Queued[] {
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length && count < this.#limits.maxMessages) {
      const next = this.#queue[count];
      if (next === undefined || (count > 0 && bytes + next.bytes > this.#limits.maxBytes)) break;
      bytes += next.bytes;
      count++;
    }
    return this.#queue.splice(0, count);
  }
}

function group(batch: readonly Queued[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const item of batch) {
    const messages = byTopic.get(item.topic) ?? [];
    messages.push(item.message);
    byTopic.set(item.topic, messages);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

function size(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
