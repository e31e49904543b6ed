import { EmbeddedBus } from '../backbone/embedded/embedded-bus.ts';
import { loadConfig } from '../config/config.ts';
import { startPlatform, type RunningPlatform } from '../runtime/platform.ts';
import type { Service } from '../runtime/service.ts';
import { createLogger } from '../telemetry/logger.ts';

/** The services on a loopback port chosen by the system, state under `dataDir`, an in-memory bus and no log output. */
export function startTestPlatform(dataDir: string, services: readonly Service[]): Promise<RunningPlatform> {
  return startPlatform({
    config: loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir }),
    logger: createLogger({ service: 'test', level: 'silent' }),
    bus: new EmbeddedBus({ partitions: 2, source: 'test' }),
    services,
  });
}
