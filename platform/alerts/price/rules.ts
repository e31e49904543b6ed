import { z } from 'zod';

const symbol = z
  .string()
  .regex(/^[A-Za-z0-9.^=-]{1,15}$/, 'must be a ticker symbol')
  .transform((s) => s.toUpperCase());
const common = {
  symbol,
  cooldownMinutes: z.number().int().min(0).max(10_080).default(60),
  enabled: z.boolean().default(true),
};

/** A user's price alert rule, as the API takes it. */
export const priceRuleInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('price_above'), threshold: z.number().positive(), ...common }),
  z.strictObject({ kind: z.literal('price_below'), threshold: z.number().positive(), ...common }),
  /** Fires when the price moved at least `threshold` percent (either way) within `windowMinutes`. */
  z.strictObject({
    kind: z.literal('percent_move'),
    threshold: z.number().positive().max(1_000),
    windowMinutes: z.number().int().min(1).max(1_440).default(60),
    ...common,
  }),
  /** Fires when a 1-minute bar's volume is at least `threshold` times the mean of the previous `lookbackBars`. */
  z.strictObject({
    kind: z.literal('volume_spike'),
    threshold: z.number().min(1.1).max(1_000),
    lookbackBars: z.number().int().min(5).max(500).default(20),
    ...common,
  }),
  /** Fires when the rolling correlation of 1-minute returns with `otherSymbol` falls below `threshold`. */
  z.strictObject({
    kind: z.literal('correlation_break'),
    otherSymbol: symbol,
    threshold: z.number().min(-1).max(1).default(0.5),
    lookbackBars: z.number().int().min(10).max(500).default(30),
    ...common,
  }),
]);
export type PriceRuleInput = z.output<typeof priceRuleInput>;
export type PriceRule = PriceRuleInput & { readonly id: string; readonly userId: string; readonly createdAt: string };
