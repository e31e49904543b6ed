import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';

/** One daily OHLCV bar as the CSV files hold it. */
export interface DailyBar {
  /** Trading day, YYYY-MM-DD, in the exchange's calendar. */
  readonly date: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A CSV file that does not hold valid OHLCV rows: names the file, the line (1-based) and the problem. */
export class CsvFormatError extends Error {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${String(line)}: ${problem}`);
    this.name = 'CsvFormatError';
    this.file = file;
    this.line = line;
  }
}

export const CSV_HEADER = 'date,open,high,low,close,volume';

/** A row kept after a repair: recorded data has rows whose open or close lies outside their own high-low range. */
export interface CsvRepair {
  readonly file: string;
  readonly line: number;
  readonly problem: string;
}

export interface CsvOptions {
  /** Called for each repaired row (the replay logs them); malformed rows still throw. */
  readonly onRepair?: (repair: CsvRepair) => void;
}

const price = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal number')
  .transform(Number)
  .pipe(z.number().positive('must be positive'));
const row = z
  .tuple([
    z.iso.date({ error: 'date must be a calendar date YYYY-MM-DD' }),
    price,
    price,
    price,
    price,
    z.string().regex(/^\d+$/, 'volume must be a whole number of shares').transform(Number),
  ])
  .transform(([date, open, high, low, close, volume]): DailyBar => ({ date, open, high, low, close, volume }))
  .refine((b) => b.high >= b.low, 'high must not be below low');

/**
 * Parses and validates one CSV text (header `date,open,high,low,close,volume`, dates strictly ascending).
 * A row whose open or close lies outside its high-low range (SPY has two in 2015) is kept with the range
 * widened to enclose them, and reported through `onRepair`; anything else malformed throws CsvFormatError.
 */
export function parseDailyCsv(text: string, file: string, options: CsvOptions = {}): DailyBar[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== CSV_HEADER) throw new CsvFormatError(file, 1, `the header must be "${CSV_HEADER}"`);
  const bars: DailyBar[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n]?.trim() ?? '';
    if (line === '') continue;
    const fields = line.split(',');
    if (fields.length !== 6) throw new CsvFormatError(file, n + 1, `expected 6 fields, found ${String(fields.length)}`);
    const parsed = row.safeParse(fields);
    if (!parsed.success) throw new CsvFormatError(file, n + 1, parsed.error.issues.map((i) => i.message).join('; '));
    const previous = bars.at(-1);
    if (previous !== undefined && parsed.data.date <= previous.date)
      throw new CsvFormatError(file, n + 1, `date ${parsed.data.date} is not after ${previous.date}`);
    bars.push(repaired(parsed.data, (problem) => options.onRepair?.({ file, line: n + 1, problem })));
  }
  if (bars.length === 0) throw new CsvFormatError(file, 2, 'no rows');
  return bars;
}

function repaired(bar: DailyBar, report: (problem: string) => void): DailyBar {
  const high = Math.max(bar.high, bar.open, bar.close);
  const low = Math.min(bar.low, bar.open, bar.close);
  if (high === bar.high && low === bar.low) return bar;
  report(
    `open ${String(bar.open)} or close ${String(bar.close)} outside the range ${String(bar.low)}-${String(bar.high)}: widened to ${String(low)}-${String(high)}`,
  );
  return { ...bar, high, low };
}

const symbolName = /^[A-Z0-9.^=-]{1,15}$/;

/** Loads every `<SYMBOL>.csv` of a directory (or only `symbols`), validated; keyed by upper-case symbol. */
export async function loadDailyBars(
  dir: string,
  options: CsvOptions & { symbols?: readonly string[] } = {},
): Promise<Map<string, DailyBar[]>> {
  const { symbols } = options;
  const wanted = symbols === undefined ? undefined : new Set(symbols.map((s) => s.toUpperCase()));
  const files = (await readdir(dir)).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  const result = new Map<string, DailyBar[]>();
  for (const file of files) {
    const symbol = basename(file, file.slice(-4)).toUpperCase();
    if (wanted !== undefined && !wanted.has(symbol)) continue;
    const path = join(dir, file);
    if (!symbolName.test(symbol))
      throw new CsvFormatError(path, 0, `the file name must be a ticker symbol, like AAPL.csv`);
    result.set(symbol, parseDailyCsv(await readFile(path, 'utf8'), path, options));
  }
  if (result.size === 0) throw new CsvFormatError(dir, 0, 'no <SYMBOL>.csv files to replay');
  return result;
}
