/** The `/ws` market-data protocol (platform/market-data/PROTOCOL.md), validated on arrival. */
import * as z from 'zod/mini';

export const intervals = ['1s', '1m', '5m', '1h', '1d'] as const;
export type Interval = (typeof intervals)[number];
export const interval = z.enum(intervals);

export const quote = z.object({
  symbol: z.string(),
  price: z.number(),
  bid: z.optional(z.number()),
  ask: z.optional(z.number()),
  size: z.number(),
  volume: z.number(),
  open: z.optional(z.number()),
  change: z.number(),
  changePct: z.number(),
  ts: z.number(),
});
export type Quote = z.infer<typeof quote>;

export const bar = z.object({
  start: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});
export type Bar = z.infer<typeof bar>;

const stream = z.object({ symbol: z.string(), interval });
const subscriptions = { symbols: z.array(z.string()), streams: z.array(stream) };
const welcome = z.object({
  type: z.literal('welcome'),
  // PROTOCOL.md numbers the welcome; tolerated without, as the first frame of a fresh session.
  seq: z.optional(z.number()),
  session: z.string(),
  resumed: z.boolean(),
  heartbeatMs: z.number(),
  limits: z.optional(z.record(z.string(), z.number())),
  subscriptions: z.optional(z.object(subscriptions)),
});
const subscribed = z.object({ type: z.enum(['subscribed', 'unsubscribed']), seq: z.number(), ...subscriptions });
const snapshot = z.object({
  type: z.literal('snapshot'),
  seq: z.number(),
  symbol: z.string(),
  quote: z.nullable(quote),
  bars: z.optional(z.partialRecord(interval, z.array(bar))),
});
const barUpdate = z.object({
  symbol: z.string(),
  interval,
  bar,
  final: z.boolean(),
  corrected: z.optional(z.boolean()),
});
export type BarUpdate = z.infer<typeof barUpdate>;
const update = z.object({
  type: z.literal('update'),
  seq: z.number(),
  quotes: z.array(quote),
  bars: z.optional(z.array(barUpdate)),
});
const heartbeat = z.object({ type: z.literal('heartbeat'), seq: z.number(), ts: z.number() });
const pong = z.object({ type: z.literal('pong'), id: z.optional(z.string()), ts: z.optional(z.number()) });
const error = z.object({ type: z.literal('error'), code: z.optional(z.string()), message: z.string() });

/** Any sequenced message, so a message type added later still keeps the sequence count right. */
const other = z.object({ type: z.string(), seq: z.number() });

export const serverMessage = z.discriminatedUnion('type', [
  welcome,
  subscribed,
  snapshot,
  update,
  heartbeat,
  pong,
  error,
]);
export type ServerMessage =
  z.infer<typeof serverMessage> | { readonly type: 'other'; readonly seq: number; readonly name: string };
export type Welcome = z.infer<typeof welcome>;
export type Snapshot = z.infer<typeof snapshot>;
export type Update = z.infer<typeof update>;

export type ClientMessage =
  | { readonly type: 'hello'; readonly resume?: { readonly session: string; readonly lastSeq: number } }
  | { readonly type: 'subscribe'; readonly symbols: readonly string[]; readonly intervals?: readonly Interval[] }
  | { readonly type: 'unsubscribe'; readonly symbols: readonly string[]; readonly intervals?: readonly Interval[] }
  | { readonly type: 'ping'; readonly id?: string };

/**
 * Parses one text frame, never throwing. A sequenced message of an unknown type (a later protocol
 * version), or a known one that fails validation, still comes back as `other` so the sequence count stays
 * right; `problem` says what was wrong with it.
 */
export function parseServerMessage(text: string): { message?: ServerMessage; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'frame is not JSON' };
  }
  const parsed = serverMessage.safeParse(json);
  if (parsed.success) return { message: parsed.data };
  const sequenced = other.safeParse(json);
  const known = sequenced.success && knownTypes.has(sequenced.data.type);
  const problem =
    known || !sequenced.success
      ? parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
      : undefined;
  return {
    ...(sequenced.success ? { message: { type: 'other', seq: sequenced.data.seq, name: sequenced.data.type } } : {}),
    ...(problem === undefined ? {} : { problem }),
  };
}

const knownTypes = new Set([
  'welcome',
  'subscribed',
  'unsubscribed',
  'snapshot',
  'update',
  'heartbeat',
  'pong',
  'error',
]);
