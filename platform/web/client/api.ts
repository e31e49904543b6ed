import * as z from 'zod/mini';
import { fetchKept } from './kept-reads.ts';
import { bar, type Bar, type Interval } from './protocol.ts';

/** The REST side of market-data (PROTOCOL.md, REST), validated like every other input. */
const historyResponse = z.object({ symbol: z.string(), interval: z.string(), bars: z.array(bar) });
const problem = z.object({ error: z.optional(z.string()), message: z.optional(z.string()) });

export class ApiError extends Error {
  readonly status: number;
  /** The answer's JSON body, for details beyond its message (a CSV import's bad rows). */
  readonly body: unknown;
  constructor(status: number, message: string, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/**
 * GET a JSON document from the platform, validated by `schema`; a non-2xx answer becomes an ApiError with the server's
 * message.
 */
export async function getJson<T>(path: string, schema: z.ZodMiniType<T>, signal?: AbortSignal): Promise<T> {
  const response = await fetchKept(path, {
    headers: { accept: 'application/json' },
    ...(signal === undefined ? {} : { signal }),
  });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = problem.safeParse(body);
    throw new ApiError(
      response.status,
      (detail.success ? (detail.data.error ?? detail.data.message) : undefined) ??
        `${path} answered ${response.status}`,
    );
  }
  return schema.parse(body);
}

/** Final bars of a series that start before `before` (epoch ms), oldest first, at most `limit`. */
export async function olderBars(symbol: string, interval: Interval, before: number, limit: number): Promise<Bar[]> {
  const params = new URLSearchParams({ interval, to: String(before - 1), limit: String(limit) });
  return (await getJson(`/api/history/${encodeURIComponent(symbol)}?${params.toString()}`, historyResponse)).bars;
}
