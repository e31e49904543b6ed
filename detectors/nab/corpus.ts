/**
 * Reading a NAB-layout folder: `data/<category>/<name>.csv` (timestamp,value) and a windows file mapping
 * each relative path to [first, last] timestamps. Rows are keyed by index (some files repeat a timestamp).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { RowWindow } from './scorer.ts';

export interface NabRow {
  /** The timestamp text as in the file, `YYYY-MM-DD HH:MM:SS`. */
  readonly timestamp: string;
  /** Epoch milliseconds, reading the timestamp as UTC. */
  readonly ts: number;
  readonly value: number;
}

export interface NabFile {
  /** Path relative to the data folder with `/` separators, e.g. `realTraffic/speed_7578.csv`. */
  readonly name: string;
  readonly rows: readonly NabRow[];
}

export class NabFormatError extends Error {
  override name = 'NabFormatError';
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

export function parseNabCsv(name: string, text: string): NabFile {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines[0]?.trim() !== 'timestamp,value') throw new NabFormatError(`${name}: header must be "timestamp,value"`);
  const rows = lines.slice(1).map((line, index) => {
    const [timestamp = '', valueText = ''] = line.split(',');
    const value = Number(valueText);
    if (!TIMESTAMP.test(timestamp) || valueText.trim() === '' || !Number.isFinite(value)) {
      throw new NabFormatError(`${name}: bad row ${String(index + 2)}: ${line}`);
    }
    return { timestamp, ts: Date.parse(`${timestamp.replace(' ', 'T')}Z`), value };
  });
  return { name, rows };
}

/** Every CSV under `dataDir`, sorted by relative path. */
export async function readNabData(dataDir: string): Promise<NabFile[]> {
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => relative(dataDir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
  return Promise.all(paths.map(async (name) => parseNabCsv(name, await readFile(join(dataDir, name), 'utf8'))));
}

const windowsSchema = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));

export type WindowLabels = z.infer<typeof windowsSchema>;

export async function readWindowLabels(file: string): Promise<WindowLabels> {
  return windowsSchema.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** Window boundaries as row indices; each boundary must equal one row's timestamp (`.000000` dropped). */
export function windowsToRows(file: NabFile, windows: readonly (readonly [string, string])[]): RowWindow[] {
  const rowOf = (stamp: string): number => {
    const text = stamp.replace(/\.0+$/, '');
    const row = file.rows.findIndex((r) => r.timestamp === text);
    if (row < 0) throw new NabFormatError(`${file.name}: window boundary ${stamp} matches no row`);
    return row;
  };
  return windows.map(([first, last]) => ({ start: rowOf(first), end: rowOf(last) }));
}
