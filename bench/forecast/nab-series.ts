import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Point } from '../../detectors/series.ts';

const row = z.tuple([
  z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'timestamp must be YYYY-MM-DD HH:MM:SS'),
  z.coerce.number().refine(Number.isFinite, 'value must be a number'),
]);

/** Reads a NAB data file (`timestamp,value`): values only, timestamps read as UTC. Labels are never read. */
export function readNabCsv(path: string): Point[] {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  return lines.slice(1).map((line, i) => {
    const parsed = row.safeParse(line.split(','));
    if (!parsed.success)
      throw new Error(`${path} row ${String(i + 2)}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
    const [ts, value] = parsed.data;
    return { ts: Date.parse(`${ts.replace(' ', 'T')}Z`), value };
  });
}

/** The CSV files of the given NAB categories under a data folder, sorted. */
export function nabFiles(dataDir: string, categories: readonly string[]): string[] {
  return categories.flatMap((category) =>
    readdirSync(join(dataDir, category))
      .filter((file) => file.endsWith('.csv'))
      .sort()
      .map((file) => join(dataDir, category, file)),
  );
}
