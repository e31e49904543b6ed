import type { DeadLetterListener } from './bus.ts';
import type { DeadLetterTopicName } from './topics.ts';

/**
 * The listeners of an adapter's own dead-letter publishes (they bypass any wrapper of `publish`, so the
 * instrumented bus learns of them here). A listener that throws is not the dead letter's problem.
 */
export class DeadLetterObservers {
  readonly #listeners: DeadLetterListener[] = [];

  add(listener: DeadLetterListener): void {
    this.#listeners.push(listener);
  }

  /** Runs `write` and tells every listener how it ended; the write's own outcome is returned unchanged. */
  async observe(topic: DeadLetterTopicName, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.#tell(topic, 'error');
      throw error;
    }
    this.#tell(topic, 'ok');
  }

  #tell(topic: DeadLetterTopicName, outcome: 'ok' | 'error'): void {
    for (const l of this.#listeners)
      try {
        l(topic, outcome);
      } catch {
        // A metrics listener must not fail the dead letter it observes.
      }
  }
}
