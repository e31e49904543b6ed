/**
 * A scale-out on Kubernetes: every scalable service of the stack has an autoscaler (an HPA on CPU, or KEDA on lag
 * and CPU), so replicas set by hand would be overridden by it at once. What a remediation raises is the autoscaler's
 * maxReplicas (`services["<svc>"].maxReplicas`), which lets it add replicas itself, within the stack's
 * `maxReplicasLimit` and never above it. What is deployed is read from the stack output `scaling`
 * (infra/pulumi/workload.ts), never assumed. The undo puts the previous maximum back.
 */
import { z } from 'zod';
import type { RemediationAction } from '../../executor.ts';
import { servicePath, type Resolved } from './changes.ts';
import type { OutputsReader } from './volume.ts';

const deployed = z.object({
  autoscaler: z.enum(['hpa', 'keda']),
  minReplicas: z.number().int().min(1),
  maxReplicas: z.number().int().min(1),
  maxReplicasLimit: z.number().int().min(1),
});
export type DeployedScaling = z.output<typeof deployed>;
const scalingOutput = z.record(z.string(), deployed);

const params = z.union([
  /** Raise the maximum by this many replicas (the policies' form). */
  z.strictObject({ step: z.number().int().min(1).max(10) }),
  /** Set the maximum (the undo's form). */
  z.strictObject({ maxReplicas: z.number().int().min(1).max(100) }),
  /** Remove the key: the stack's default maximum applies again (the undo of a key that was unset). */
  z.strictObject({ resetMaxReplicas: z.literal(true) }),
]);

/** A `scale` that acts on the autoscaler's maximum (step, maxReplicas, resetMaxReplicas) rather than on replicas. */
export function isAutoscalerAction(action: RemediationAction): boolean {
  if (action.kind !== 'scale') return false;
  const p = action.params;
  return p.step !== undefined || p.maxReplicas !== undefined || p.resetMaxReplicas !== undefined;
}

/** The stack output `scaling`, validated; undefined when missing or malformed. */
export async function readScaling(
  outputs: OutputsReader,
): Promise<Readonly<Record<string, DeployedScaling>> | undefined> {
  const parsed = scalingOutput.safeParse((await outputs())?.scaling);
  return parsed.success ? parsed.data : undefined;
}

export async function resolveAutoscalerChange(action: RemediationAction, outputs: OutputsReader): Promise<Resolved> {
  const parsed = params.safeParse(action.params);
  if (!parsed.success) {
    return { ok: false, detail: `scale: bad params: ${parsed.error.issues.map((i) => i.message).join('; ')}` };
  }
  const scaling = await readScaling(outputs);
  if (scaling === undefined) return { ok: false, detail: 'scale: the stack exports no valid scaling' };
  const s = scaling[action.service];
  if (s === undefined) {
    return { ok: false, detail: `${action.service} has no autoscaler (it runs one copy): nothing to scale out` };
  }
  const path = servicePath(action.service, 'maxReplicas');
  const undoFrom = (previous: string | undefined): RemediationAction => ({
    id: `${action.id}:undo`,
    kind: 'scale',
    service: action.service,
    params: previous === undefined ? { resetMaxReplicas: true } : { maxReplicas: Number(previous) },
  });
  const p = parsed.data;
  if ('resetMaxReplicas' in p) return { ok: true, change: { path, value: undefined, undoFrom } };
  const target = 'step' in p ? Math.min(s.maxReplicasLimit, s.maxReplicas + p.step) : p.maxReplicas;
  if (target > s.maxReplicasLimit) {
    return { ok: false, detail: `${action.service}: maxReplicas ${String(target)} is above its limit` };
  }
  if (target < s.minReplicas) {
    return { ok: false, detail: `${action.service}: maxReplicas ${String(target)} is below its minimum` };
  }
  if ('step' in p && target <= s.maxReplicas) {
    const limit = String(s.maxReplicasLimit);
    return {
      ok: false,
      detail: `${action.service}'s autoscaler is at its limit of ${limit} replicas (maxReplicasLimit)`,
    };
  }
  const what = s.autoscaler === 'keda' ? 'KEDA ScaledObject' : 'HPA';
  return {
    ok: true,
    change: {
      path,
      value: String(target),
      note: `${what} ${action.service} maxReplicas ${String(s.maxReplicas)} -> ${String(target)} (limit ${String(s.maxReplicasLimit)})`,
      undoFrom,
    },
  };
}
