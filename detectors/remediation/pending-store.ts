import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { remediationStatuses } from '../../platform/backbone/topics.ts';
import { openSqlite } from '../../platform/storage/sqlite.ts';
import type { RemediationAction } from './executor.ts';
import { actionKinds } from './policy/schema.ts';
import type { RemediationRecord } from './records.ts';
import { risks, type Proposal } from './types.ts';

/** A proposal waiting for a person, as it must survive a restart: its record, what would run, until when. */
export interface StoredApproval {
  readonly record: RemediationRecord;
  readonly proposal: Proposal;
  readonly expiresAt: number;
}

/** A temporary mitigation in force, as it must survive a restart: what lifts it, and when it may be lifted. */
export interface StoredRestore {
  readonly record: RemediationRecord;
  /** The mitigation itself, re-applied if its signal comes back after the lift. */
  readonly proposal: Proposal;
  readonly undo: RemediationAction;
  /** A person approved the mitigation: its re-application needs no second approval. */
  readonly approved: boolean;
  /** How long the signal must stay normal before the lift (doubles each time the signal came back after one). */
  readonly holdMs: number;
  readonly dueAt: number;
}

/**
 * What must outlive a restart (the engine saves before its memory changes): approvals that wait for a person, and
 * temporary mitigations waiting to be lifted (forgetting one would leave a load shed in force for ever).
 */
export interface PendingStore {
  save(entry: StoredApproval): void;
  remove(id: string): void;
  /** Every stored entry that reads back valid; a row that does not is deleted and counted. */
  load(): { entries: StoredApproval[]; invalid: number };
  saveRestore(entry: StoredRestore): void;
  removeRestore(id: string): void;
  loadRestores(): { entries: StoredRestore[]; invalid: number };
  close(): void;
}

const migrations = {
  remediation_pending: [
    `CREATE TABLE remediation_pending (id TEXT PRIMARY KEY, entry TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
  ],
  remediation_restores: [
    `CREATE TABLE remediation_restores (id TEXT PRIMARY KEY, entry TEXT NOT NULL, due_at INTEGER NOT NULL)`,
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
const actionSchema = z.object({ id: text, kind: actionKind, service: text, params });
const recordSchema = z.object({
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
  steps: z.array(z.object({ status: z.enum(remediationStatuses), at: z.number(), actor: text, detail: text })).max(50),
});
const proposalSchema = z.object({
  action: actionSchema,
  policy: text,
  family: text,
  risk: z.enum(risks),
  reason: text,
  signal,
  verifyWithinMs: z.number().int().positive(),
  restoreAfterMs: z.number().int().nonnegative().optional(),
});
const stored = z.object({ record: recordSchema, proposal: proposalSchema, expiresAt: z.number() });
const storedRestore = z.object({
  record: recordSchema,
  proposal: proposalSchema,
  undo: actionSchema,
  approved: z.boolean(),
  holdMs: z.number().int().nonnegative(),
  dueAt: z.number(),
});

/** Each kind kept in its own table, its rows ordered by when they are due (an approval's expiry, a lift's time). */
const tables = {
  approvals: { name: 'remediation_pending', due: 'expires_at' },
  restores: { name: 'remediation_restores', due: 'due_at' },
} as const;
type Table = (typeof tables)[keyof typeof tables];

/** Pending approvals and mitigations to lift, in SQLite under DATA_DIR (synchronous FULL: what is saved survives a
 * machine crash). */
export class SqlitePendingStore implements PendingStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = openSqlite(path, { synchronous: 'FULL', migrations });
  }

  save(entry: StoredApproval): void {
    this.#put(tables.approvals, entry.record.id, entry, entry.expiresAt);
  }

  remove(id: string): void {
    this.#delete(tables.approvals, id);
  }

  load(): { entries: StoredApproval[]; invalid: number } {
    return this.#load(tables.approvals, stored);
  }

  saveRestore(entry: StoredRestore): void {
    this.#put(tables.restores, entry.record.id, entry, entry.dueAt);
  }

  removeRestore(id: string): void {
    this.#delete(tables.restores, id);
  }

  loadRestores(): { entries: StoredRestore[]; invalid: number } {
    return this.#load(tables.restores, storedRestore);
  }

  #put(table: Table, id: string, entry: unknown, due: number): void {
    this.#db
      .prepare(`INSERT OR REPLACE INTO ${table.name} (id, entry, ${table.due}) VALUES (?, ?, ?)`)
      .run(id, JSON.stringify(entry), due);
  }

  #delete(table: Table, id: string): void {
    this.#db.prepare(`DELETE FROM ${table.name} WHERE id = ?`).run(id);
  }

  #load<T>(table: Table, schema: z.ZodType<T>): { entries: T[]; invalid: number } {
    const rows = this.#db.prepare(`SELECT id, entry FROM ${table.name} ORDER BY ${table.due}`).all() as {
      id: string;
      entry: string;
    }[];
    const entries: T[] = [];
    let invalid = 0;
    for (const row of rows) {
      const parsed = parseEntry(row.entry, schema);
      if (parsed === undefined) {
        invalid += 1;
        this.#delete(table, row.id);
      } else entries.push(parsed);
    }
    return { entries, invalid };
  }

  close(): void {
    this.#db.close();
  }
}

function parseEntry<T>(json: string, schema: z.ZodType<T>): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
