/** The zod atoms every fixture file shares: symbols, bounded values, series. */
import { z } from 'zod';

export const symbol = z.string().min(1);
export const distinct = (l: readonly string[]): boolean => new Set(l).size === l.length;
export const symbolList = (min: number) => z.array(symbol).min(min).refine(distinct, 'symbols must be distinct');
// Beyond this magnitude squares and cross products overflow to Infinity: refused instead of answered with NaN.
export const value = z.number().refine((v) => Math.abs(v) <= 1e100, 'values must be within +-1e100');
export const series = z.array(value.nullable()).min(1);
export const seriesBySymbol = z.record(symbol, series);
/** A setting the reference libraries accept but this module does not compute: refused by name, never ignored. */
export const unsupported = (what: string) => ({
  error: (issue: { input?: unknown }) => `${what}: ${JSON.stringify(issue.input)} is not supported`,
});
