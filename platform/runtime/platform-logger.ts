import { pino } from 'pino';
import type { Config } from '../config/config.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';
import { ElasticsearchLogSink } from '../telemetry/logs/elasticsearch-sink.ts';
import type { LogSink } from '../telemetry/logs/log-sink.ts';
import { sinkStream } from '../telemetry/logs/pino-stream.ts';

export interface PlatformLogger {
  readonly logger: Logger;
  /** The Elasticsearch sink when ELASTICSEARCH_URL is set; its stats are exported as metrics. */
  readonly sink?: LogSink;
  /** Flushes stdout and ships what the sink still holds; call before exit. */
  readonly flush: () => Promise<void>;
}

/** The process logger: JSON lines on stdout, and to Elasticsearch (ECS, bulk, bounded) when configured. */
export function createPlatformLogger(config: Config): PlatformLogger {
  if (config.elasticsearch === undefined) {
    const logger = createLogger({ service: config.serviceName, level: config.logLevel });
    return { logger, flush: () => flushPino(logger) };
  }
  const sink = new ElasticsearchLogSink({
    url: config.elasticsearch.url,
    index: config.elasticsearch.logIndex,
    service: config.serviceName,
  });
  // A multistream entry needs a real level; a silent logger writes nothing to it anyway.
  const level = config.logLevel === 'silent' ? 'fatal' : config.logLevel;
  const destination = pino.multistream([
    { level, stream: pino.destination({ fd: 1, sync: false }) },
    // Without an explicit level a multistream entry only takes info and above.
    { level, stream: sinkStream(sink) },
  ]);
  const logger = createLogger({ service: config.serviceName, level: config.logLevel, destination });
  return {
    logger,
    sink,
    flush: async () => {
      await flushPino(logger);
      await sink.close();
    },
  };
}

function flushPino(logger: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    logger.flush(() => {
      resolve();
    });
  });
}
