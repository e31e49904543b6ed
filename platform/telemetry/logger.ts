import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  readonly service: string;
  readonly level: LevelWithSilent;
  /** Where JSON lines go; stdout by default. */
  readonly destination?: DestinationStream;
}

/** pino JSON lines that carry the active span's trace_id and span_id, so logs join their traces. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service, pid: process.pid },
      mixin: () => {
        const span = trace.getActiveSpan();
        if (span === undefined) return {};
        const { traceId, spanId, traceFlags } = span.spanContext();
        return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}` };
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
