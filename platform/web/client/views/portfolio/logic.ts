/** Pure side of the portfolio view (no DOM): the API's answer, requests, the position form. */
import * as z from 'zod/mini';
import { ApiError, getJson } from '../../api.ts';
import { t } from '../../i18n/i18n.ts';
import type { Send } from '../../session.ts';

const money = z.nullable(z.number());
const position = z.object({
  symbol: z.string(),
  quantity: z.number(),
  averageCost: z.number(),
  price: money,
  marketValue: money,
  unrealizedPnl: money,
  unrealizedReturn: money,
  dayChange: money,
  dayReturn: money,
});
export type Position = z.infer<typeof position>;
export const portfolioAnswer = z.object({
  positions: z.array(position),
  totals: z.object({
    costBasis: z.number(),
    marketValue: z.number(),
    unrealizedPnl: z.number(),
    unrealizedReturn: z.nullable(z.number()),
    unpriced: z.array(z.string()),
  }),
  performance: z.object({
    n: z.number(),
    periodReturn: z.nullable(z.number()),
    maxDrawdown: z.nullable(z.number()),
    series: z.array(z.object({ start: z.number(), value: z.number() })),
    warning: z.optional(z.string()),
  }),
});
export type Portfolio = z.infer<typeof portfolioAnswer>;

export const loadPortfolio = (): Promise<Portfolio> => getJson('/api/portfolio?days=252', portfolioAnswer);

export async function setPosition(send: Send, symbol: string, quantity: number, averageCost: number): Promise<void> {
  await send('PUT', `/api/portfolio/positions/${encodeURIComponent(symbol)}`, { quantity, averageCost });
}

export async function removePosition(send: Send, symbol: string): Promise<void> {
  await send('DELETE', `/api/portfolio/positions/${encodeURIComponent(symbol)}`);
}

/** The position form as numbers, or what is wrong with it. */
export function positionFromForm(quantity: string, cost: string): { quantity: number; averageCost: number } | string {
  const q = Number(quantity);
  const c = Number(cost);
  if (quantity.trim() === '' || !Number.isFinite(q) || q <= 0) return t('portfolio.error.quantity');
  if (cost.trim() === '' || !Number.isFinite(c) || c <= 0) return t('portfolio.error.cost');
  return { quantity: q, averageCost: c };
}

const rowCodes = ['header', 'too_many', 'fields', 'symbol', 'not_live', 'duplicate', 'quantity', 'cost'] as const;
const refusedImport = z.object({
  rows: z
    .array(
      z.object({
        line: z.number(),
        message: z.string(),
        code: z.optional(z.string()),
        params: z.optional(z.record(z.string(), z.union([z.string(), z.number()]))),
      }),
    )
    .check(z.maxLength(50)),
});

/** A row's problem in the app's language when the server named it by a code we know, else the server's words. */
const rowMessage = (row: z.infer<typeof refusedImport>['rows'][number]): string =>
  (rowCodes as readonly (string | undefined)[]).includes(row.code)
    ? t(`portfolio.row.${row.code ?? ''}`, row.params ?? {})
    : row.message;

/**
 * A refused CSV import as lines to show: how many rows were bad, then each with its line number (the server checks
 * every row and says what is wrong with each). Undefined when the error is not a refused import.
 */
export function importRowErrors(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const parsed = refusedImport.safeParse(error.body);
  if (!parsed.success || parsed.data.rows.length === 0) return undefined;
  return [
    t('portfolio.importRefused', { count: parsed.data.rows.length }),
    ...parsed.data.rows.map((r) => t('portfolio.rowError', { line: r.line, message: rowMessage(r) })),
  ];
}
