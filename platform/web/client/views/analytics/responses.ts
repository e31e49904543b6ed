import * as z from 'zod/mini';

/** Every answer computed from returns says on how many it rests and whether that is enough (analytics service). */
const sample = z.optional(z.object({ n: z.number(), minimum: z.number(), sufficient: z.boolean() }));
export type Sample = z.infer<typeof sample>;

/** The shapes of the analytics API answers this view reads, checked before use. */
export const symbolsResponse = z.object({ symbols: z.array(z.object({ symbol: z.string(), bars: z.number() })) });
export const matrixResponse = z.object({
  symbols: z.array(z.string()),
  n: z.number(),
  matrix: z.array(z.array(z.nullable(z.number()))),
  sample,
});
export const rollingResponse = z.object({
  x: z.string(),
  y: z.string(),
  window: z.number(),
  sample,
  points: z.array(z.object({ start: z.number(), rolling: z.nullable(z.number()), ewma: z.nullable(z.number()) })),
});
export const graphResponse = z.object({
  lag: z.number(),
  method: z.string(),
  tests: z.number(),
  n: z.number(),
  sample,
  nodes: z.array(z.object({ id: z.string(), outDegree: z.number(), inDegree: z.number() })),
  edges: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      F: z.number(),
      pvalue: z.number(),
      adjustedPvalue: z.number(),
      strength: z.number(),
    }),
  ),
});
export const sentimentResponse = z.object({
  symbols: z.array(z.object({ symbol: z.string(), aggregate: z.number(), texts: z.number() })),
});
