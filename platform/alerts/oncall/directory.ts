import type { DatabaseSync } from 'node:sqlite';
import type { z } from 'zod';
import {
  escalationPolicySchema,
  scheduleSchema,
  userSchema,
  type EscalationPolicyConfig,
  type ScheduleConfig,
  type UserConfig,
} from '../config/schema.ts';

type Kind = 'user' | 'schedule' | 'policy';
const schemas = { user: userSchema, schedule: scheduleSchema, policy: escalationPolicySchema } as const;
type Entity<K extends Kind> = z.output<(typeof schemas)[K]>;

/**
 * People, on-call schedules and escalation policies: seeded from the config file at start (the file
 * wins for the ids it names), edited through the API, kept in SQLite.
 */
export class Directory {
  readonly #db: DatabaseSync;
  readonly #cache = {
    user: new Map<string, UserConfig>(),
    schedule: new Map<string, ScheduleConfig>(),
    policy: new Map<string, EscalationPolicyConfig>(),
  };

  constructor(
    db: DatabaseSync,
    seed: {
      users: readonly UserConfig[];
      schedules: readonly ScheduleConfig[];
      policies: readonly EscalationPolicyConfig[];
    },
  ) {
    this.#db = db;
    db.exec(
      `CREATE TABLE IF NOT EXISTS directory (kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, id))`,
    );
    for (const row of db.prepare(`SELECT kind, data FROM directory`).all() as { kind: Kind; data: string }[]) {
      const parsed = schemas[row.kind].safeParse(JSON.parse(row.data));
      if (parsed.success) this.#cache[row.kind].set(parsed.data.id, parsed.data as never);
    }
    for (const u of seed.users) this.put('user', u);
    for (const s of seed.schedules) this.put('schedule', s);
    for (const p of seed.policies) this.put('policy', p);
  }

  put<K extends Kind>(kind: K, entity: Entity<K>): void {
    // Stored in input form so it re-parses to the same value (instants back to ISO strings).
    const data =
      kind === 'schedule'
        ? {
            ...entity,
            overrides: (entity as ScheduleConfig).overrides.map((o) => ({
              ...o,
              start: new Date(o.start).toISOString(),
              end: new Date(o.end).toISOString(),
            })),
          }
        : entity;
    this.#db
      .prepare(
        `INSERT INTO directory (kind, id, data) VALUES (?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data`,
      )
      .run(kind, entity.id, JSON.stringify(data));
    (this.#cache[kind] as Map<string, Entity<K>>).set(entity.id, entity);
  }

  remove(kind: Kind, id: string): boolean {
    this.#db.prepare(`DELETE FROM directory WHERE kind = ? AND id = ?`).run(kind, id);
    return this.#cache[kind].delete(id);
  }

  has(kind: Kind, id: string): boolean {
    return this.#cache[kind].has(id);
  }
  count(kind: Kind): number {
    return this.#cache[kind].size;
  }
  user(id: string): UserConfig | undefined {
    return this.#cache.user.get(id);
  }
  schedule(id: string): ScheduleConfig | undefined {
    return this.#cache.schedule.get(id);
  }
  policy(id: string): EscalationPolicyConfig | undefined {
    return this.#cache.policy.get(id);
  }
  list<K extends Kind>(kind: K): Entity<K>[] {
    return [...(this.#cache[kind] as Map<string, Entity<K>>).values()];
  }
}
