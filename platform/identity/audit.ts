import type { EventBus } from '../backbone/bus.ts';

export type Audit = (
  actor: string,
  action: string,
  resource: string,
  details?: Record<string, unknown>,
) => Promise<void>;

/** Every action goes on the `audit` topic, keyed by the authenticated actor that took it. */
export function auditTo(bus: EventBus, source: string): Audit {
  return async (actor, action, resource, details = {}) => {
    await bus.publish('audit', { key: actor, data: { actor, action, resource, details }, source, actor });
  };
}
