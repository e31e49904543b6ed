import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { remediationStatuses } from '../../platform/backbone/topics.ts';
import { openSqlite } from '../../platform/storage/sqlite.ts';
import { actionKinds } from './policy/schema.ts';
import type { RemediationRecord } from './records.ts';
import { risks, type Proposal } from './types.ts';

/** A proposal waiting for a person, as it must survive a restart: its record, what would run, until when. */
export interface StoredApproval {
  readonly record: RemediationRecord;
  readonly proposal: Proposal;
  readonly expiresAt: number;
}

/** Where pending approvals are kept while they wait (the engine saves before its memory changes). */
export interface PendingStore {
  save(entry: StoredApproval): void;
  remove(id: string): void;
  /** Every stored entry that reads back valid; a row that does not is deleted and counted. */
  load(): { entries: StoredApproval[]; invalid: number };
  close(): void;
}

const migrations = {
  remediation_pending: [
    `CREATE TABLE remediation_pending (id TEXT PRIMARY KEY, entry TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
  ],
};

const text = z.string().max(2_000);
const params = z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()]));
const labels = z.record(z.string().max(200), z.string().max(1_000));
const signal = z.object({
  kind: z.enum(['detection', 'prediction', 'incident', 'forecast']),
  key: text,
  labels,
  fingerprint: text,
  title: text,
  at: z.number(),
  score: z.number().optional(),
  observed: z.number().optional(),
  expected: z.object({ low: z.number(), high: z.number() }).optional(),
});
const actionKind = z.enum(actionKinds);
const stored = z.object({
  record: z.object({
    id: text,
    policy: text,
    family: text,
    kind: actionKind,
    service: text,
    params,
    risk: z.enum(risks),
    reason: text,
    signal: signal.pick({ kind: true, key: true, fingerprint: true, title: true }),
    createdAt: z.number(),
    status: z.enum(remediationStatuses),
    updatedAt: z.number(),
    dryRun: z.boolean().optional(),
    expiresAt: z.number().optional(),
    steps: z
      .array(z.object({ status: z.enum(remediationStatuses), at: z.number(), actor: text, detail: text }))
      .max(50),
  }),
  proposal: z.object({
    action: z.object({ id: text, kind: actionKind, service: text, params }),
    policy: text,
    family: text,
    risk: z.enum(risks),
    reason: text,
    signal,
    verifyWithinMs: z.number().int().positive(),
  }),
  expiresAt: z.number(),
});

/** Pending approvals in SQLite under DATA_DIR (synchronous FULL: a saved approval survives a machine crash). */
export class SqlitePendingStore implements PendingStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = openSqlite(path, { synchronous: 'FULL', migrations });
  }

  save(entry: StoredApproval): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO remediation_pending (id, entry, expires_at) VALUES (?, ?, ?)')
      .run(entry.record.id, JSON.stringify(entry), entry.expiresAt);
  }

  remove(id: string): void {
    this.#db.prepare('DELETE FROM remediation_pending WHERE id = ?').run(id);
  }

  load(): { entries: StoredApproval[]; invalid: number } {
    const rows = this.#db.prepare('SELECT id, entry FROM remediation_pending ORDER BY expires_at').all() as {
      id: string;
      entry: string;
    }[];
    const entries: StoredApproval[] = [];
    let invalid = 0;
    for (const row of rows) {
      const parsed = parseEntry(row.entry);
      if (parsed === undefined) {
        invalid += 1;
        this.remove(row.id);
      } else entries.push(parsed);
    }
    return { entries, invalid };
  }

  close(): void {
    this.#db.close();
  }
}

function parseEntry(json: string): StoredApproval | undefined {
  try {
    const result = stored.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
