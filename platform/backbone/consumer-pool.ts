import type { EventBus, SubscribeOptions, Subscription } from './bus.ts';
import type { TopicName } from './topics.ts';

/**
 * Members of one consumer group whose number changes at run time: more members share the topic's partitions (more
 * events handled at once, order still kept per key), fewer release them. A pool control port (platform/runtime).
 */
export class ConsumerPool<T extends TopicName> {
  readonly min: number;
  readonly max: number;
  readonly #bus: EventBus;
  readonly #options: SubscribeOptions<T>;
  readonly #members: Subscription[] = [];
  #resizing: Promise<void> = Promise.resolve();

  constructor(bus: EventBus, options: SubscribeOptions<T>, limits: { min: number; max: number }) {
    if (!(Number.isInteger(limits.min) && limits.min >= 1 && limits.max >= limits.min))
      throw new RangeError('a consumer pool needs 1 <= min <= max');
    this.#bus = bus;
    this.#options = options;
    this.min = limits.min;
    this.max = limits.max;
  }

  size(): number {
    return this.#members.length;
  }

  /** Resizes one change at a time; sizes outside [min, max] are refused. */
  resize(size: number): Promise<void> {
    if (!Number.isInteger(size) || size < this.min || size > this.max)
      return Promise.reject(
        new RangeError(`pool size must be a whole number in [${String(this.min)}, ${String(this.max)}]`),
      );
    const next = this.#resizing.then(async () => {
      while (this.#members.length < size) this.#members.push(await this.#bus.subscribe(this.#options));
      while (this.#members.length > size) await this.#members.pop()?.close('drain');
    });
    this.#resizing = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#resizing;
    await Promise.all(this.#members.splice(0).map((m) => m.close('drain')));
  }
}
