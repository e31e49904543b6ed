import type { DatabaseSync } from 'node:sqlite';
import type { PushSubscriptionJson } from '../notify/webpush/config.ts';
import type { WebPushSubscriptions } from '../notify/webpush/webpush.ts';
import { migrate } from '../../storage/sqlite.ts';

/** Browsers one user may register: a firing is sent to each of them, so more would make us an amplifier. */
export const MAX_PUSH_SUBSCRIPTIONS_PER_USER = 10;

/** Browsers' Web Push subscriptions per user. */
export class PushSubscriptionStore implements WebPushSubscriptions {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    migrate(db, 'push_subscriptions', [
      `CREATE TABLE IF NOT EXISTS push_subscriptions (user_id TEXT NOT NULL, endpoint TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (user_id, endpoint))`,
    ]);
  }

  add(userId: string, sub: PushSubscriptionJson): void {
    this.#db
      .prepare(
        `INSERT INTO push_subscriptions (user_id, endpoint, data) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET data = excluded.data`,
      )
      .run(userId, sub.endpoint, JSON.stringify(sub));
  }

  list(userId: string): PushSubscriptionJson[] {
    return (
      this.#db.prepare(`SELECT data FROM push_subscriptions WHERE user_id = ?`).all(userId) as { data: string }[]
    ).map((r) => JSON.parse(r.data) as PushSubscriptionJson);
  }

  remove(userId: string, endpoint: string): void {
    this.#db.prepare(`DELETE FROM push_subscriptions WHERE user_id = ? AND endpoint = ?`).run(userId, endpoint);
  }
}
