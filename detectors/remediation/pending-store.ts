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
    return this.#load('SELECT id, entry FROM remediation_pending ORDER BY expires_at', stored, (id) => {
      this.remove(id);
    });
  }

  saveRestore(entry: StoredRestore): void {
    this.#db
      .prepare('INSERT OR REPLACE INTO remediation_restores (id, entry, due_at) VALUES (?, ?, ?)')
      .run(entry.record.id, JSON.stringify(entry), entry.dueAt);
  }

  removeRestore(id: string): void {
    this.#db.prepare('DELETE FROM remediation_restores WHERE id = ?').run(id);
  }

  loadRestores(): { entries: StoredRestore[]; invalid: number } {
    return this.#load('SELECT id, entry FROM remediation_restores ORDER BY due_at', storedRestore, (id) => {
      this.removeRestore(id);
    });
  }

  #load<T>(sql: string, schema: z.ZodType<T>, drop: (id: string) => void): { entries: T[]; invalid: number } {
    const rows = this.#db.prepare(sql).all() as { id: string; entry: string }[];
    const entries: T[] = [];
    let invalid = 0;
    for (const row of rows) {
      const parsed = parseEntry(row.entry, schema);
      if (parsed === undefined) {
        invalid += 1;
        drop(row.id);
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
