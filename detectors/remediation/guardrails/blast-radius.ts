import type { RemediationAction } from '../executor.ts';

export type BlastRadiusVerdict =
  | { readonly ok: true; readonly action: RemediationAction; readonly detail?: string }
  | { readonly ok: false; readonly reason: string };

/** Replicas an action may touch at once: a share of the current ones, and always at least one. */
export function maxAtOnce(replicas: number, maxShare: number): number {
  return Math.max(1, Math.floor(replicas * maxShare));
}

/**
 * Never more than `maxShare` of a service's replicas at once. A scale step larger than that is cut to the largest
 * allowed step (the next step may follow after the cooldown); a restart of more replicas than that is refused.
 * Other kinds touch no replicas. `replicas` undefined: the executor does not know them, so the action passes.
 * A scale names its target as `replicas`, as an autoscaler's `maxReplicas`, or as a `step` up from what there is
 * (Kubernetes: `replicas` is then the autoscaler's current maximum).
 */
export function limitBlastRadius(
  action: RemediationAction,
  replicas: number | undefined,
  maxShare: number,
): BlastRadiusVerdict {
  if (replicas === undefined || replicas < 1) return { ok: true, action };
  const allowed = maxAtOnce(replicas, maxShare);
  if (action.kind === 'scale' && action.params.step !== undefined) return limitStep(action, replicas, allowed);
  if (action.kind === 'scale') {
    const key =
      action.params.replicas === undefined && action.params.maxReplicas !== undefined ? 'maxReplicas' : 'replicas';
    const target = Number(action.params[key]);
    if (!Number.isInteger(target) || target < 0) return { ok: false, reason: 'scale needs a whole number of replicas' };
    const step = target - replicas;
    if (Math.abs(step) <= allowed) return { ok: true, action };
    const cut = replicas + Math.sign(step) * allowed;
    return {
      ok: true,
      action: { ...action, params: { ...action.params, [key]: cut } },
      detail: `step cut from ${String(replicas)}->${String(target)} to ${String(replicas)}->${String(cut)} (blast radius)`,
    };
  }
  if (action.kind === 'restart') {
    const count = action.params.replicas === undefined ? 1 : Number(action.params.replicas);
    if (count > allowed)
      return {
        ok: false,
        reason: `restarting ${String(count)} of ${String(replicas)} replicas at once exceeds the blast radius (${String(allowed)})`,
      };
  }
  return { ok: true, action };
}

function limitStep(action: RemediationAction, replicas: number, allowed: number): BlastRadiusVerdict {
  const step = Number(action.params.step);
  if (!Number.isInteger(step) || step < 1)
    return { ok: false, reason: 'a scale step needs a whole number of replicas' };
  if (step <= allowed) return { ok: true, action };
  return {
    ok: true,
    action: { ...action, params: { ...action.params, step: allowed } },
    detail: `step cut from +${String(step)} to +${String(allowed)} of ${String(replicas)} replicas (blast radius)`,
  };
}
