/**
 * Which resources an action updates, from the stack output `remediationTargets` of the last update
 * (infra/pulumi/workload.ts): the workload and its autoscaler for replicas, image tag, canary weight and restarts; the
 * autoscaler alone for its maximum (a scale-out); the claim for a volume's size. Updating those alone (`--target`)
 * keeps the remediation identity's RBAC to their kinds.
 */
import { z } from 'zod';
import type { RemediationAction } from '../../executor.ts';
import { isAutoscalerAction } from './autoscaler.ts';
import type { StackPort } from './stack-port.ts';

const urn = z.string().startsWith('urn:pulumi:');
const targets = z.record(
  z.string(),
  z.object({
    workload: z.array(urn).min(1).max(8),
    volume: z.array(urn).min(1).max(8).optional(),
    scaler: z.array(urn).min(1).max(8).optional(),
  }),
);

type Group = 'workload' | 'volume' | 'scaler';
const groupOf = (action: RemediationAction): Group =>
  action.kind === 'expand-volume' ? 'volume' : isAutoscalerAction(action) ? 'scaler' : 'workload';

/** The URNs to update for the action, or why there are none (the action is then refused before any change). */
export async function remediationTargets(stack: StackPort, action: RemediationAction): Promise<string[] | string> {
  const parsed = targets.safeParse((await stack.outputs())?.remediationTargets);
  if (!parsed.success) return `the stack ${stack.name} exports no valid remediationTargets: run a full update first`;
  const group = groupOf(action);
  const urns = parsed.data[action.service]?.[group];
  return urns ?? `the stack ${stack.name} names no ${group} resources of ${action.service} to update`;
}
