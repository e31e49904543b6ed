/**
 * The ingestion port: anything that produces texts about symbols (news wires, social APIs, the generated
 * sample stream, POST /api/sentiment/texts) hands TextItems to a sink. Items are validated with zod at the
 * boundary; a text without a symbol is attributed to the cashtags it contains.
 */
import { z } from 'zod';

export const textItem = z.strictObject({
  /** Unique per source: repeated ids are ignored. */
  id: z.string().min(1).max(200),
  kind: z.enum(['news', 'social']),
  source: z.string().min(1).max(100),
  text: z.string().min(1).max(1000),
  /** The symbols the text is about; omitted: its cashtags. */
  symbols: z
    .array(
      z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z0-9.^=-]{1,15}$/, 'must be a ticker symbol'),
    )
    .max(20)
    .optional(),
  /** Publication time, epoch milliseconds. */
  ts: z.number().int().nonnegative(),
});

export type TextItem = z.output<typeof textItem>;

export type TextSink = (item: TextItem) => void;

/** A source of texts: started with a sink, stopped on shutdown. Real feeds implement this later. */
export interface TextFeed {
  readonly name: string;
  start(sink: TextSink): void;
  stop(): Promise<void>;
}
