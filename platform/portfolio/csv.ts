import type { Position } from './store.ts';

/** The CSV layout of import and export: one position per row. */
export const PORTFOLIO_CSV_HEADER = 'symbol,quantity,average_cost';
/** Rows per import (besides the header); the HTTP body is capped at 64 KiB as well. */
export const MAX_IMPORT_ROWS = 500;

/** What is wrong with a row, for a client that writes the message in its own language. */
export type RowErrorCode = 'header' | 'too_many' | 'fields' | 'symbol' | 'not_live' | 'duplicate' | 'quantity' | 'cost';

export interface RowError {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly code: RowErrorCode;
  /** The values the message names (the field as written, the symbol, the other line, the limit). */
  readonly params: Readonly<Record<string, string | number>>;
  /** The same in English. */
  readonly message: string;
}

export type ParsedImport =
  | { readonly ok: true; readonly positions: Omit<Position, 'updatedAt'>[] }
  | { readonly ok: false; readonly errors: RowError[] };

const ticker = /^[A-Z0-9.^=-]{1,15}$/;
const decimal = /^\d{1,12}(\.\d{1,8})?$/;

/** A field without its surrounding quotes (spreadsheets quote fields now and then). */
const unquote = (field: string): string =>
  field
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .trim();

/**
 * Parses an import file: the exact header (case-insensitive), then `SYMBOL,QUANTITY,AVERAGE_COST` rows with
 * positive decimals, each symbol once. `isLive` says whether a symbol has a live price source. Every bad row is
 * reported with its line (up to 50 errors), and the file is taken only when there is none: all rows or nothing.
 */
export function parsePortfolioCsv(text: string, isLive: (symbol: string) => boolean): ParsedImport {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: RowError[] = [];
  const fail = (line: number, code: RowErrorCode, params: RowError['params'], message: string): void => {
    if (errors.length < 50) errors.push({ line, code, params, message });
  };
  if (lines[0]?.split(',').map(unquote).join(',').toLowerCase() !== PORTFOLIO_CSV_HEADER) {
    const header = PORTFOLIO_CSV_HEADER;
    fail(1, 'header', { header }, `the first line must be the header ${header}`);
    return { ok: false, errors };
  }
  const positions: Omit<Position, 'updatedAt'>[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    const line = i + 1;
    if (positions.length + errors.length >= MAX_IMPORT_ROWS) {
      fail(line, 'too_many', { max: MAX_IMPORT_ROWS }, `at most ${String(MAX_IMPORT_ROWS)} rows per import`);
      break;
    }
    const fields = raw.split(',').map(unquote);
    if (fields.length !== 3) {
      const got = fields.length;
      fail(line, 'fields', { got }, `expected 3 fields (symbol, quantity, average_cost), got ${String(got)}`);
      continue;
    }
    const [rawSymbol = '', quantityText = '', costText = ''] = fields;
    const symbol = rawSymbol.toUpperCase();
    const value = rawSymbol.slice(0, 20);
    const first = seen.get(symbol);
    if (!ticker.test(symbol)) fail(line, 'symbol', { value }, `"${value}" is not a ticker symbol`);
    else if (!isLive(symbol)) fail(line, 'not_live', { symbol }, `${symbol} has no live price source here`);
    else if (first !== undefined)
      fail(line, 'duplicate', { symbol, first }, `${symbol} is already on line ${String(first)}`);
    const quantity = decimal.test(quantityText) ? Number(quantityText) : Number.NaN;
    const averageCost = decimal.test(costText) ? Number(costText) : Number.NaN;
    if (!(quantity > 0)) {
      const written = quantityText.slice(0, 20);
      fail(line, 'quantity', { value: written }, `quantity "${written}" must be a positive number`);
    }
    if (!(averageCost > 0)) {
      const written = costText.slice(0, 20);
      fail(line, 'cost', { value: written }, `average_cost "${written}" must be a positive price`);
    }
    seen.set(symbol, line);
    if (errors.length === 0) positions.push({ symbol, quantity, averageCost });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, positions };
}

/** The export: the same layout the import takes, so a file round-trips. */
export function formatPortfolioCsv(positions: readonly Position[]): string {
  return [PORTFOLIO_CSV_HEADER, ...positions.map((p) => `${p.symbol},${String(p.quantity)},${String(p.averageCost)}`)]
    .join('\n')
    .concat('\n');
}
