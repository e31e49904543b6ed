import type { Request } from 'express';
import { z } from 'zod';
import type { EventBus } from '../../backbone/bus.ts';

const actorHeader = z
  .string()
  .regex(/^[a-zA-Z0-9_.@:-]{1,64}$/, 'x-actor must be 1-64 letters, digits or _.@:-')
  .default('anonymous');

/** Who is acting: the `x-actor` header (set by the web app or the authenticating proxy in front). */
export function actorOf(req: Request): string {
  return actorHeader.parse(req.header('x-actor'));
}

export type Audit = (
  actor: string,
  action: string,
  resource: string,
  details?: Record<string, unknown>,
) => Promise<void>;

/** Every action goes on the `audit` topic, keyed by actor. */
export function auditTo(bus: EventBus): Audit {
  return async (actor, action, resource, details = {}) => {
    await bus.publish('audit', { key: actor, data: { actor, action, resource, details }, source: 'alerts' });
  };
}
