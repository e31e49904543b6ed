import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** One sample of the platform under soak: memory from its /metrics, row counts from its SQLite files. */
export interface Sample {
  readonly minute: number;
  readonly heapUsedMb: number;
  readonly rssMb: number;
  readonly eventLoopLagP99Ms: number;
  /** `file:table` -> rows. */
  readonly tables: Record<string, number>;
  /** Most events held by one backbone partition (topic and partition of the largest). */
  readonly largestPartition: { readonly key: string; readonly rows: number };
}

export interface MetricLine {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Prometheus text exposition -> samples (comments skipped; label values without escaped quotes suffice here). */
export function parseExposition(text: string): MetricLine[] {
  const lines: MetricLine[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[pair[1]!] = pair[2]!;
    lines.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return lines;
}

export const metricValue = (lines: readonly MetricLine[], name: string): number =>
  lines.filter((l) => l.name === name).reduce((sum, l) => sum + l.value, 0);

/** Every SQLite database the platform keeps under DATA_DIR, wherever a service put it. */
function databases(dataDir: string): string[] {
  return readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.db'))
    .sort();
}

function tablesOf(db: DatabaseSync): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
    (r) => r.name,
  );
}

/** Row counts of every table of every database, read-only (WAL lets the reader run beside the platform). */
export function countTables(dataDir: string): {
  tables: Record<string, number>;
  largestPartition: Sample['largestPartition'];
} {
  const tables: Record<string, number> = {};
  let largestPartition = { key: '', rows: 0 };
  for (const file of databases(dataDir)) {
    const db = new DatabaseSync(join(dataDir, file), { readOnly: true, timeout: 5_000 });
    try {
      for (const table of tablesOf(db)) {
        const row = db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number } | undefined;
        tables[`${file}:${table}`] = row?.n ?? 0;
      }
      if (file === 'backbone.db') {
        const top = db
          .prepare(
            'SELECT topic, partition, COUNT(*) AS n FROM events GROUP BY topic, partition ORDER BY n DESC LIMIT 1',
          )
          .get() as { topic: string; partition: number; n: number } | undefined;
        if (top !== undefined) largestPartition = { key: `${top.topic}/${String(top.partition)}`, rows: top.n };
      }
    } finally {
      db.close();
    }
  }
  return { tables, largestPartition };
}

export function takeSample(minute: number, exposition: string, dataDir: string): Sample {
  const lines = parseExposition(exposition);
  const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
  const lag = lines.find((l) => l.name === 'nodejs_eventloop_lag_p99_seconds')?.value ?? Number.NaN;
  return {
    minute: Math.round(minute * 100) / 100,
    heapUsedMb: mb(metricValue(lines, 'nodejs_heap_size_used_bytes')),
    rssMb: mb(metricValue(lines, 'process_resident_memory_bytes')),
    eventLoopLagP99Ms: Math.round(lag * 1000 * 10) / 10,
    ...countTables(dataDir),
  };
}
