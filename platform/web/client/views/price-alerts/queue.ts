/**
 * Price alerts created without a network are kept here (localStorage, at most MAX_QUEUED) and sent when the
 * network returns; an alert the server refuses is dropped with its reason, one that cannot reach it stays.
 */
import * as z from 'zod/mini';
import { ApiError } from '../../api.ts';
import type { KeyValueStore } from '../../watchlist.ts';
import { isPriceKind, priceKinds, type PriceRuleBody } from './logic.ts';

export const QUEUE_KEY = 'insitechart.price-alert-queue.v1';
export const MAX_QUEUED = 20;

const body = z.object({
  kind: z.enum(priceKinds),
  symbol: z.string().check(z.regex(/^[A-Z0-9.^=-]{1,15}$/)),
  threshold: z.number(),
  cooldownMinutes: z.number(),
  otherSymbol: z.optional(z.string().check(z.regex(/^[A-Z0-9.^=-]{1,15}$/))),
});
const stored = z.array(body).check(z.maxLength(MAX_QUEUED));

export class AlertQueue {
  readonly #storage: KeyValueStore;

  constructor(storage: KeyValueStore) {
    this.#storage = storage;
  }

  get pending(): PriceRuleBody[] {
    try {
      const parsed = stored.safeParse(JSON.parse(this.#storage.getItem(QUEUE_KEY) ?? '[]'));
      return parsed.success ? parsed.data.filter((b) => isPriceKind(b.kind)) : [];
    } catch {
      return [];
    }
  }

  /** False when the queue is full. */
  add(rule: PriceRuleBody): boolean {
    const pending = this.pending;
    if (pending.length >= MAX_QUEUED) return false;
    this.#save([...pending, rule]);
    return true;
  }

  /**
   * Sends every queued alert in order; stops at the first that cannot reach the server (still offline). Returns
   * how many were sent and the server's reasons for those it refused.
   */
  async flush(create: (rule: PriceRuleBody) => Promise<void>): Promise<{ sent: number; refused: string[] }> {
    let sent = 0;
    const refused: string[] = [];
    for (const rule of this.pending) {
      try {
        await create(rule);
        sent += 1;
      } catch (error) {
        if (!(error instanceof ApiError)) break;
        refused.push(`${rule.symbol}: ${error.message}`);
      }
      this.#save(this.pending.slice(1));
    }
    return { sent, refused };
  }

  #save(rules: PriceRuleBody[]): void {
    try {
      this.#storage.setItem(QUEUE_KEY, JSON.stringify(rules));
    } catch {
      // A full quota: the alert stays on screen as not sent.
    }
  }
}

/** Whether an error means the server was not reached (offline), as opposed to an answer refusing the request. */
export const unreachable = (error: unknown): boolean => !(error instanceof ApiError);
