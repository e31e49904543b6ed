import { z } from 'zod';
import { languages } from '../notify/message.ts';

const symbol = z
  .string()
  .regex(/^[A-Za-z0-9.^=-]{1,15}$/, 'must be a ticker symbol')
  .transform((s) => s.toUpperCase());
/** How a firing reaches its owner besides the in-app feed and the live stream of open sessions. */
const notify = z
  .strictObject({
    /** Web Push to the browsers the user registered (POST /api/push/subscriptions). */
    webPush: z.boolean().default(true),
    /** An email through the platform's SMTP relay (GET /api/price-alerts/channels says whether one is set up). */
    email: z.email('must be an email address').max(254).optional(),
    /** The language push and email are written in (the web app sends its own; absent: English). */
    language: z.enum(languages).optional(),
  })
  .default({ webPush: true });

const common = {
  symbol,
  /** After a firing the rule stays quiet this long (0: fire on every crossing). */
  cooldownMinutes: z.number().int().min(0).max(10_080).default(60),
  enabled: z.boolean().default(true),
  notify,
};

export const idParam = z.uuid('not a price alert id');
/** Rules one user may hold: every rule is evaluated on every bar of its symbol, and any trader creates them. */
export const MAX_PRICE_ALERTS_PER_USER = 100;
/** How many of the latest firings GET /api/price-alerts/events returns. */
export const limitQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

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

/** The unit of a rule's threshold, for the API and the web app to show next to the number. */
export type ThresholdUnit = 'price' | 'percent' | 'times average volume' | 'correlation';

export function thresholdUnit(kind: PriceRuleInput['kind']): ThresholdUnit {
  switch (kind) {
    case 'price_above':
    case 'price_below':
      return 'price';
    case 'percent_move':
      return 'percent';
    case 'volume_spike':
      return 'times average volume';
    case 'correlation_break':
      return 'correlation';
  }
}
