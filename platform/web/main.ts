/**
 * The web app alone (distributed mode): serves the front end only, behind a reverse proxy that sends /api
 * and /ws to the market-data service. It uses no backbone, so it runs without Kafka.
 */
import { runMain } from '../runtime/run-main.ts';
import { webAppService } from './service.ts';

await runMain({ services: () => [webAppService()] });
