import { pino, type DestinationStream } from 'pino';
import PinoPretty from 'pino-pretty';
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

/**
 * The process logger: on a terminal, readable lines (pino-pretty: local time, level, message, then the
 * fields); otherwise JSON lines on stdout for collectors. Also to Elasticsearch (ECS, bulk, bounded)
 * when configured.
 */
export function createPlatformLogger(config: Config, tty = process.stdout.isTTY): PlatformLogger {
  const stdout = (): DestinationStream =>
    tty
      ? PinoPretty({
          colorize: true,
          sync: true,
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
          singleLine: true,
        })
      : pino.destination({ fd: 1, sync: false });
  if (config.elasticsearch === undefined) {
    const logger = createLogger({ service: config.serviceName, level: config.logLevel, destination: stdout() });
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
    { level, stream: stdout() },
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
