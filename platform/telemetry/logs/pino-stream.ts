import { levelNumber } from './log-sink.ts';
import type { LogRecord, LogSink } from './log-sink.ts';

/**
 * A pino destination (`{ write(line) }`) feeding a LogSink, for
 * `pino.multistream([{ stream: process.stdout }, { stream: sinkStream(sink) }])`.
 * A plain object rather than a Writable: a Writable can emit 'error' after end,
 * which would crash the process, and this must never throw into a log call.
 */
export interface SinkDestination {
  /** Takes one pino output chunk: one or more complete JSON lines. */
  write(chunk: string | Uint8Array): boolean;
  stats(): { readonly lines: number; readonly bad_lines: number };
}

const decoder = new TextDecoder();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A parsed line as a LogRecord, or undefined when it is not one (not an object, or no usable level). */
function asRecord(parsed: unknown): LogRecord | undefined {
  if (!isObject(parsed)) return undefined;
  // Lines from a `formatters.level` setup carry the label instead of the number.
  const level = typeof parsed['level'] === 'string' ? levelNumber(parsed['level']) : parsed['level'];
  if (typeof level !== 'number' || !Number.isFinite(level)) return undefined;
  const rawTime = parsed['time'];
  // pino.stdTimeFunctions.isoTime writes an ISO string; no time at all means "now".
  const time = typeof rawTime === 'number' ? rawTime : typeof rawTime === 'string' ? Date.parse(rawTime) : Date.now();
  if (!Number.isFinite(time)) return undefined;
  return { ...parsed, level, time };
}

export function sinkStream(sink: LogSink): SinkDestination {
  let lines = 0;
  let badLines = 0;
  return {
    write(chunk) {
      try {
        const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk);
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          lines++;
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            badLines++;
            continue;
          }
          const record = asRecord(parsed);
          if (record === undefined) badLines++;
          else sink.write(record);
        }
      } catch {
        badLines++; // a misbehaving sink must not reach the logger's caller
      }
      return true; // no backpressure: the sink buffers and drops on its own terms
    },
    stats: () => ({ lines, bad_lines: badLines }),
  };
}
