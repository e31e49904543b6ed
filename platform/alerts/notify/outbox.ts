import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { toError } from '../../async/to-error.ts';
import { backoffMs } from '../../backbone/bus.ts';
import { migrate, transaction } from '../../storage/sqlite.ts';
import { PermanentDeliveryError, type Channel, type ChannelSet } from './channel.ts';
import type { NotificationMessage } from './message.ts';
import { channelTarget, type ChannelTarget } from './targets.ts';

export interface OutboxItem {
  /** Idempotency key: incident x step x person x channel. A second enqueue with the same key is ignored. */
  readonly key: string;
  readonly target: ChannelTarget;
  readonly message: NotificationMessage;
  readonly recipient: string;
}

export interface RetryOptions {
  readonly attempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
}

export interface DeliveryRecord {
  readonly key: string;
  readonly channel: string;
  readonly recipient: string;
  readonly incidentId: string | null;
  readonly attempt: number;
  readonly outcome: 'delivered' | 'retry' | 'failed';
  readonly error: string | null;
  readonly durationMs: number;
  readonly at: number;
}

export interface OutboxOptions {
  readonly db: DatabaseSync;
  readonly channels: ChannelSet;
  readonly retry: RetryOptions;
  readonly timeoutMs: number;
  readonly concurrency?: number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly onOutcome?: (record: DeliveryRecord, message: NotificationMessage) => void;
  /** Told of failures the outbox recovers from by itself (a store write to retry, an unreadable row). */
  readonly onError?: (error: Error, context: string) => void;
  /** How long finished rows and delivery records are kept (default: 7 days, 30 days, 200,000 records). */
  readonly retention?: RetentionOptions;
}

export interface RetentionOptions {
  readonly outboxMs: number;
  readonly deliveryLogMs: number;
  readonly deliveryLogRows: number;
}

const defaultRetention: RetentionOptions = {
  outboxMs: 7 * 86_400_000,
  deliveryLogMs: 30 * 86_400_000,
  deliveryLogRows: 200_000,
};
/** Retention runs at start and then every hour. */
const PRUNE_EVERY_MS = 3_600_000;
/** After a failed claim (the store is busy or failing), the worker tries again this much later. */
const STORE_RETRY_MS = 1_000;

interface LogRow {
  key: string;
  channel: string;
  recipient: string;
  incident_id: string | null;
  attempt: number;
  outcome: DeliveryRecord['outcome'];
  error: string | null;
  duration_ms: number;
  at: number;
}

interface Row {
  key: string;
  target: string;
  message: string;
  recipient: string;
  incident_id: string | null;
  attempts: number;
}

/** Numbered: append a step, never edit one (see storage/sqlite.ts). */
const outboxMigrations = [
  `CREATE TABLE IF NOT EXISTS outbox (
     key TEXT PRIMARY KEY, channel TEXT NOT NULL, target TEXT NOT NULL, message TEXT NOT NULL,
     recipient TEXT NOT NULL, incident_id TEXT, status TEXT NOT NULL DEFAULT 'pending',
     attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL, last_error TEXT);
   CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_at);
   CREATE TABLE IF NOT EXISTS delivery_log (
     id INTEGER PRIMARY KEY, key TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,
     incident_id TEXT, attempt INTEGER NOT NULL, outcome TEXT NOT NULL, error TEXT,
     duration_ms INTEGER NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS delivery_log_incident ON delivery_log (incident_id);`,
  `CREATE INDEX IF NOT EXISTS outbox_finished ON outbox (status, updated_at);
   CREATE INDEX IF NOT EXISTS delivery_log_at ON delivery_log (at);`,
];

/**
 * The transactional outbox. Notifications are rows in SQLite, written in the same transaction as the
 * incident change that caused them; a worker sends due rows and records every attempt in the delivery
 * log. After a crash, rows caught mid-send are sent again with the same idempotency key (at-least-once,
 * deduplicated by receivers that honour the key); a key is never enqueued twice.
 */
export class Outbox {
  readonly #db: DatabaseSync;
  readonly #options: OutboxOptions;
  readonly #now: () => number;
  readonly #insert: StatementSync;
  readonly #claim: StatementSync;
  readonly #done: StatementSync;
  readonly #reschedule: StatementSync;
  readonly #log: StatementSync;
  readonly #nextDue: StatementSync;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #controller = new AbortController();
  readonly #retention: RetentionOptions;
  readonly #onError: (error: Error, context: string) => void;
  /** Outcomes whose write failed: the rows stay 'sending' (never claimed twice) until written. */
  readonly #unrecorded = new Map<string, () => void>();
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: OutboxOptions) {
    this.#db = options.db;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#retention = options.retention ?? defaultRetention;
    this.#onError = options.onError ?? (() => undefined);
    migrate(this.#db, 'outbox', outboxMigrations);
    this.#insert = this.#db.prepare(
      `INSERT OR IGNORE INTO outbox (key, channel, target, message, recipient, incident_id, next_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#claim = this.#db.prepare(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE key = (SELECT key FROM outbox WHERE status = 'pending' AND next_at <= ? ORDER BY next_at LIMIT 1) RETURNING key, target, message, recipient, incident_id, attempts`,
    );
    this.#done = this.#db.prepare(`UPDATE outbox SET status = ?, updated_at = ?, last_error = ? WHERE key = ?`);
    this.#reschedule = this.#db.prepare(
      `UPDATE outbox SET status = 'pending', next_at = ?, updated_at = ?, last_error = ? WHERE key = ?`,
    );
    this.#log = this.#db.prepare(
      `INSERT INTO delivery_log (key, channel, recipient, incident_id, attempt, outcome, error, duration_ms, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#nextDue = this.#db.prepare(`SELECT MIN(next_at) AS next FROM outbox WHERE status = 'pending'`);
  }

  /** Stores notifications (inside the caller's transaction when there is one); returns how many were new. */
  enqueue(items: readonly OutboxItem[]): number {
    const now = this.#now();
    const inserted = transaction(this.#db, () => {
      let n = 0;
      for (const item of items) {
        const r = this.#insert.run(
          item.key,
          item.target.type,
          JSON.stringify(item.target),
          JSON.stringify(item.message),
          item.recipient,
          item.message.incidentId ?? null,
          now,
          now,
          now,
        );
        n += Number(r.changes);
      }
      return n;
    });
    if (inserted > 0) this.#wake(0);
    return inserted;
  }

  /** Starts sending; rows left 'sending' by a crash are due again at once. */
  start(): void {
    this.#db.prepare(`UPDATE outbox SET status = 'pending', next_at = ? WHERE status = 'sending'`).run(this.#now());
    this.#running = true;
    this.#wake(0);
    this.#prune();
  }

  /**
   * Retention: finished rows (delivered, failed) older than the outbox period, delivery records older
   * than theirs or beyond the row cap. Pending and sending rows are never removed. Returns rows deleted.
   */
  prune(now = this.#now()): number {
    const r = this.#retention;
    return transaction(this.#db, () => {
      let n = Number(
        this.#db
          .prepare(`DELETE FROM outbox WHERE status IN ('delivered', 'failed') AND updated_at < ?`)
          .run(now - r.outboxMs).changes,
      );
      n += Number(this.#db.prepare(`DELETE FROM delivery_log WHERE at < ?`).run(now - r.deliveryLogMs).changes);
      n += Number(
        this.#db
          .prepare(`DELETE FROM delivery_log WHERE id <= (SELECT MAX(id) FROM delivery_log) - ?`)
          .run(r.deliveryLogRows).changes,
      );
      return n;
    });
  }

  #prune(): void {
    try {
      this.prune();
    } catch (error) {
      this.#onError(toError(error), 'applying outbox retention');
    }
    if (!this.#running) return;
    this.#pruneTimer = setTimeout(() => {
      this.#prune();
    }, PRUNE_EVERY_MS);
    this.#pruneTimer.unref();
  }

  /** Stops claiming rows, waits for sends in flight (aborting them after `graceMs`). */
  async stop(graceMs = 5_000): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    clearTimeout(this.#pruneTimer);
    const timer = setTimeout(() => {
      this.#controller.abort();
    }, graceMs);
    await Promise.allSettled([...this.#inFlight]);
    clearTimeout(timer);
  }

  counts(): Record<string, number> {
    const rows = this.#db.prepare(`SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`).all() as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  deliveries(incidentId?: string, limit = 200): DeliveryRecord[] {
    const rows = (incidentId === undefined
      ? this.#db.prepare(`SELECT * FROM delivery_log ORDER BY id DESC LIMIT ?`).all(limit)
      : this.#db
          .prepare(`SELECT * FROM delivery_log WHERE incident_id = ? ORDER BY id DESC LIMIT ?`)
          .all(incidentId, limit)) as unknown as LogRow[];
    return rows.map((r) => ({
      key: r.key,
      channel: r.channel,
      recipient: r.recipient,
      incidentId: r.incident_id,
      attempt: r.attempt,
      outcome: r.outcome,
      error: r.error,
      durationMs: r.duration_ms,
      at: r.at,
    }));
  }

  #wake(ms: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#pump();
    }, ms);
  }

  /** Runs from a timer: a store that fails must not throw out of it (that would end the process). */
  #pump(): void {
    try {
      this.#recordPending();
      this.#claimAndSend();
    } catch (error) {
      this.#onError(toError(error), 'claiming outbox rows');
      this.#wake(STORE_RETRY_MS);
    }
  }

  #claimAndSend(): void {
    const limit = this.#options.concurrency ?? 16;
    while (this.#running && this.#inFlight.size < limit) {
      const now = this.#now();
      const row = this.#claim.get(now, now) as Row | undefined;
      if (row === undefined) break;
      const p = this.#send(row)
        .catch((error: unknown) => {
          this.#onError(toError(error), `sending ${row.key}`);
        })
        .finally(() => {
          this.#inFlight.delete(p);
          this.#wake(this.#unrecorded.size > 0 ? STORE_RETRY_MS : 0);
        });
      this.#inFlight.add(p);
    }
    if (this.#inFlight.size < limit) {
      const next = (this.#nextDue.get() as { next: number | null } | undefined)?.next;
      if (next !== null && next !== undefined) this.#wake(Math.min(60_000, Math.max(10, next - this.#now())));
    }
  }

  /** Writes outcomes whose first write failed; each stays queued until its write succeeds. */
  #recordPending(): void {
    for (const [key, write] of this.#unrecorded) {
      write();
      this.#unrecorded.delete(key);
    }
  }

  async #send(row: Row): Promise<void> {
    const started = this.#now();
    let error: Error | undefined;
    let target: ChannelTarget | undefined;
    let message: NotificationMessage | undefined;
    try {
      // A row written by another version may no longer parse: it fails for good (logged), never loops.
      try {
        target = channelTarget.parse(JSON.parse(row.target));
        message = parseMessage(row.message);
      } catch (e) {
        this.#onError(toError(e), `reading outbox row ${row.key}`);
        throw new PermanentDeliveryError(`unreadable outbox row: ${toError(e).message}`);
      }
      const channel = this.#options.channels[target.type] as Channel | undefined;
      if (channel === undefined) throw new PermanentDeliveryError(`no ${target.type} channel is configured`);
      const signal = AbortSignal.any([this.#controller.signal, AbortSignal.timeout(this.#options.timeoutMs)]);
      await channel.send(target, message, { idempotencyKey: row.key, signal });
    } catch (e) {
      error = toError(e);
    }
    const now = this.#now();
    const permanent = error instanceof PermanentDeliveryError || row.attempts >= this.#options.retry.attempts;
    const outcome: DeliveryRecord['outcome'] = error === undefined ? 'delivered' : permanent ? 'failed' : 'retry';
    const record: DeliveryRecord = {
      key: row.key,
      channel: target?.type ?? 'unknown',
      recipient: row.recipient,
      incidentId: row.incident_id,
      attempt: row.attempts,
      outcome,
      error: error?.message ?? null,
      durationMs: now - started,
      at: now,
    };
    const write = (): void => {
      this.#record(row, record);
    };
    try {
      write();
    } catch (e) {
      this.#onError(toError(e), `recording the outcome of ${row.key}`);
      this.#unrecorded.set(row.key, write);
    }
    if (message !== undefined) this.#options.onOutcome?.(record, message);
  }

  #record(row: Row, record: DeliveryRecord): void {
    const { outcome, at: now } = record;
    transaction(this.#db, () => {
      if (outcome === 'retry') this.#reschedule.run(now + this.#backoff(row.attempts), now, record.error, row.key);
      else this.#done.run(outcome, now, record.error, row.key);
      this.#log.run(
        record.key,
        record.channel,
        record.recipient,
        record.incidentId,
        record.attempt,
        record.outcome,
        record.error,
        record.durationMs,
        record.at,
      );
    });
  }

  #backoff(attempt: number): number {
    const { attempts, initialBackoffMs, maxBackoffMs } = this.#options.retry;
    return backoffMs(
      { retries: attempts, initialBackoffMs, maxBackoffMs, multiplier: 2 },
      attempt,
      this.#options.random,
    );
  }
}

function parseMessage(text: string): NotificationMessage {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || typeof (value as { kind?: unknown }).kind !== 'string')
    throw new TypeError('the message is not a notification');
  return value as NotificationMessage;
}
