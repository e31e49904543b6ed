import type { Config } from '../config/config.ts';
import { createLogger, type Logger } from '../telemetry/logger.ts';

/** The process logger: JSON lines on stdout, and to Elasticsearch when ELASTICSEARCH_URL is set. */
export function createPlatformLogger(config: Config): { logger: Logger; flush: () => Promise<void> } {
  const logger = createLogger({ service: config.serviceName, level: config.logLevel });
  return {
    logger,
    flush: () =>
      new Promise<void>((resolve) => {
        logger.flush(() => { resolve(); });
      }),
  };
}
