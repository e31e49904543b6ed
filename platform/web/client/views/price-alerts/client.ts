import type { Session } from '../../session.ts';
import type { KeyValueStore } from '../../watchlist.ts';
import {
  createPriceRule,
  deletePriceRule,
  listPriceEvents,
  listPriceRules,
  type PriceEvent,
  type PriceRule,
  type PriceRuleBody,
} from './logic.ts';
import { AlertQueue, unreachable } from './queue.ts';

const POLL_MS = 5_000;

export interface PriceAlertListener {
  /** The rules, the queued ones or a sync result changed. */
  changed?(): void;
  /** An alert fired while the page is open (the in-app notification). */
  fired?(event: PriceEvent): void;
}

/**
 * The signed-in user's price alerts for every view: rules and fired events polled from the API, new firings
 * announced, alerts made offline queued and sent when the network returns.
 */
export class PriceAlerts {
  readonly enabled: boolean;
  rules: PriceRule[] = [];
  fired: PriceEvent[] = [];
  /** The last sync's refusals (shown by the view). */
  refused: string[] = [];
  readonly #session: Session;
  readonly #queue: AlertQueue;
  readonly #listeners = new Set<PriceAlertListener>();
  #seen: Set<string> | undefined;

  constructor(session: Session, storage: KeyValueStore) {
    this.#session = session;
    this.#queue = new AlertQueue(storage);
    this.enabled = session.can('trading:own');
  }

  get queued(): PriceRuleBody[] {
    return this.#queue.pending;
  }

  listen(listener: PriceAlertListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (!this.enabled) return;
    window.addEventListener('online', () => {
      void this.sync();
    });
    void this.sync();
    window.setInterval(() => {
      void this.refresh();
    }, POLL_MS);
  }

  /** Created now, or kept to be sent when the network returns. An answer refusing it throws (ApiError). */
  async create(rule: PriceRuleBody): Promise<'created' | 'queued'> {
    try {
      await createPriceRule(this.#send, rule);
    } catch (error) {
      if (!unreachable(error) || !this.#queue.add(rule)) throw error;
      this.#emit((l) => l.changed?.());
      return 'queued';
    }
    await this.refresh();
    return 'created';
  }

  async remove(id: string): Promise<void> {
    await deletePriceRule(this.#send, id);
    await this.refresh();
  }

  /** Sends what was queued offline, then reloads. */
  async sync(): Promise<void> {
    if (this.#queue.pending.length > 0) {
      const { refused } = await this.#queue.flush((rule) => createPriceRule(this.#send, rule));
      this.refused = refused;
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      const [rules, events] = await Promise.all([listPriceRules(), listPriceEvents()]);
      this.rules = rules;
      // The first answer only records what had fired before the page opened: those are history, not news.
      const seen = this.#seen;
      this.#seen = new Set(events.map((e) => e.id));
      const fresh = seen === undefined ? [] : events.filter((e) => !seen.has(e.id)).reverse();
      this.fired = events;
      for (const event of fresh) this.#emit((l) => l.fired?.(event));
    } catch {
      // Offline or signed out: the last rules stay on screen; the next poll tries again.
    }
    this.#emit((l) => l.changed?.());
  }

  readonly #send = (method: string, path: string, body?: unknown): Promise<unknown> =>
    this.#session.send(method, path, body);

  #emit(call: (listener: PriceAlertListener) => void): void {
    for (const l of this.#listeners) call(l);
  }
}
