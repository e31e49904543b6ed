import { z } from 'zod';
import { intervals } from '../bars/buckets.ts';

/** The client side of PROTOCOL.md, validated with zod. */
const symbol = z.string().regex(/^[A-Za-z0-9.^=-]{1,15}$/, 'must be ticker symbols of 1 to 15 letters, digits or .^=-');
const interval = z.enum(intervals, { error: `must be one of ${intervals.join(', ')}` });
const symbolList = z.array(symbol).min(1, 'must name at least one symbol').max(1_000);
const intervalList = z.array(interval).min(1, 'must name at least one interval when present').max(intervals.length);

export const clientMessage = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('hello'),
      resume: z
        .strictObject({ session: z.string().min(1).max(100), lastSeq: z.number().int().nonnegative() })
        .optional(),
    }),
    z.strictObject({ type: z.literal('subscribe'), symbols: symbolList, intervals: intervalList.optional() }),
    z.strictObject({ type: z.literal('unsubscribe'), symbols: symbolList, intervals: intervalList.optional() }),
    z.strictObject({ type: z.literal('ping'), id: z.string().max(100).optional() }),
  ],
  { error: 'type must be one of hello, subscribe, unsubscribe, ping' },
);

export type ClientMessage = z.output<typeof clientMessage>;

export type ErrorCode =
  'not_text' | 'bad_json' | 'bad_message' | 'limit_exceeded' | 'unknown_symbol' | 'bad_resume' | 'slow_down';

/** A refused request: answered with an error message, the connection stays open. */
export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** Parses a client frame or throws a ProtocolError that says what is wrong. */
export function parseClientMessage(text: string | undefined): ClientMessage {
  if (text === undefined) throw new ProtocolError('not_text', 'messages must be JSON text frames, not binary');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad_json', 'message is not valid JSON');
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    throw new ProtocolError(
      'bad_message',
      `invalid message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
