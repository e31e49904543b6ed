import type { EventBus } from '../../platform/backbone/bus.ts';
import type { TopicInput } from '../../platform/backbone/topics.ts';
import type { Audit } from '../../platform/identity/audit.ts';
import type { StepEvent } from './engine.ts';

/** One step as the `remediations` topic carries it (keyed by the service acted on). */
export function remediationEvent(event: StepEvent): TopicInput<'remediations'> {
  const { record, status, detail } = event;
  return {
    action: record.kind,
    target: { service: record.service },
    reason: record.reason,
    status,
    remediationId: record.id,
    params: { ...record.params },
    risk: record.risk,
    policy: record.policy,
    fingerprint: record.signal.fingerprint.slice(0, 300),
    detail: detail.slice(0, 2_000),
  };
}

/** Persists a step: on `remediations` (durable on the bus) and in the audit log, with the actor who took it. */
export function publishStep(bus: EventBus, audit: Audit): (event: StepEvent) => Promise<void> {
  return async (event) => {
    const data = remediationEvent(event);
    await bus.publish('remediations', {
      key: event.record.service,
      data,
      source: 'detectors/remediation',
      actor: event.actor,
    });
    await audit(event.actor, `remediation.${event.status}`, `remediation:${event.record.id}`, {
      kind: data.action,
      service: event.record.service,
      policy: event.record.policy,
      detail: data.detail,
    });
  };
}
