import type { Session } from '../../session.ts';
import type { KeyValueStore } from '../../watchlist.ts';
import {
  createPriceRule,
  deletePriceRule,
  listPriceEvents,
  listPriceRules,
  priceEvent,
  type PriceEvent,
  type PriceRule,
  type PriceRuleBody,
} from './logic.ts';
import { AlertQueue, unreachable } from './queue.ts';

/** The rules are polled; firings come over the stream (and the poll catches those missed while away). */
const POLL_MS = 15_000;
const STREAM = '/api/price-alerts/stream';
/** Event ids remembered to announce each firing once. */
const MAX_SEEN = 200;

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
    // Server-sent events of this user's firings: EventSource reconnects by itself (the server says after 5 s).
    const stream = new EventSource(STREAM);
    stream.addEventListener('price-alert', (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = priceEvent.safeParse(data);
      if (parsed.success) this.#announce([parsed.data]);
    });
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
      const first = this.#seen === undefined;
      this.#seen ??= new Set();
      if (first) for (const e of events) this.#seen.add(e.id);
      else this.#announce([...events].reverse());
      this.fired = events;
    } catch {
      // Offline or signed out: the last rules stay on screen; the next poll tries again.
    }
    this.#emit((l) => l.changed?.());
  }

  /** New firings (each once, whether it came by stream or by poll) become notifications and markers. */
  #announce(events: readonly PriceEvent[]): void {
    const seen = (this.#seen ??= new Set());
    const fresh = events.filter((e) => !seen.has(e.id));
    if (fresh.length === 0) return;
    for (const e of fresh) seen.add(e.id);
    if (seen.size > MAX_SEEN) this.#seen = new Set([...seen].slice(-MAX_SEEN / 2));
    this.fired = [...fresh, ...this.fired.filter((e) => !fresh.some((f) => f.id === e.id))].slice(0, MAX_SEEN);
    for (const event of fresh) this.#emit((l) => l.fired?.(event));
    this.#emit((l) => l.changed?.());
  }

  readonly #send = (method: string, path: string, body?: unknown): Promise<unknown> =>
    this.#session.send(method, path, body);

  #emit(call: (listener: PriceAlertListener) => void): void {
    for (const l of this.#listeners) call(l);
  }
}
