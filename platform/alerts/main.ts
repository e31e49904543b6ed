/** Distributed mode: the alerts service alone, on Kafka (one instance: the pipeline state is per process). */
import { runMain } from '../runtime/run-main.ts';
import { alertsService } from './service.ts';

await runMain({ services: () => [alertsService()], distributed: true });
