import { join } from 'node:path';
import type { EventBus } from '../backbone/bus.ts';
import { EmbeddedBus } from '../backbone/embedded/embedded-bus.ts';
import { SqliteLogStore } from '../backbone/embedded/sqlite-log-store.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../telemetry/logger.ts';

/** Kafka when KAFKA_BROKERS is set; otherwise the embedded bus, durable under DATA_DIR unless BUS_DURABLE=false. */
export async function createBus(config: Config, logger: Logger): Promise<EventBus> {
  const source = `insitechart/${config.serviceName}`;
  if (config.bus.kafka !== undefined) {
    const { KafkaBus } = await import('../backbone/kafka/kafka-bus.ts');
    return new KafkaBus({
      brokers: [...config.bus.kafka.brokers],
      clientId: config.bus.kafka.clientId,
      partitions: config.bus.partitions,
      source,
      logger: (message: string) => {
        logger.warn({ component: 'kafka' }, message);
      },
    });
  }
  return new EmbeddedBus({
    partitions: config.bus.partitions,
    source,
    onError: (error, context) => {
      logger.error({ err: error, component: 'backbone' }, `backbone: ${context} failed; recovering`);
    },
    ...(config.bus.durable ? { store: new SqliteLogStore(join(config.dataDir, 'backbone.db')) } : {}),
  });
}
