import type { Router } from 'express';
import type { EventBus } from '../backbone/bus.ts';
import type { Config } from '../config/config.ts';
import type { Health } from '../http/health.ts';
import type { WebSocketRoutes } from '../http/websocket-routes.ts';
import type { PersonalDataRegistry } from '../identity/personal-data.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Registry } from 'prom-client';

export interface ServiceContext {
  readonly config: Config;
  readonly bus: EventBus;
  readonly logger: Logger;
  /** Mounted at /api. */
  readonly api: Router;
  /** Mounted at the root, after the probes and /api: pages and static assets. */
  readonly site: Router;
  /** The process's prom-client registry (served at /metrics): services register their own metrics here. */
  readonly metrics: Registry;
  readonly health: Health;
  /** WebSocket endpoints on the platform's HTTP server. */
  readonly websockets: WebSocketRoutes;
  /** Services holding personal data register it here for the users' export and erasure (GDPR). */
  readonly personalData?: PersonalDataRegistry;
}

/** A product service: runs alone (distributed mode) or beside the others in one process (embedded). */
export interface Service {
  readonly name: string;
  start(context: ServiceContext): Promise<void>;
  /** Stops taking new work and lets in-flight work finish; the bus is drained after every service stopped. */
  stop(): Promise<void>;
}
