import type { EscalationPolicyConfig } from '../config/schema.ts';

export interface StepPosition {
  /** Steps reached so far, counting repeats: 0 is the first step of the first run. */
  readonly reached: number;
  /** When the next step starts (ms after the escalation began), or undefined at the last step. */
  readonly nextAtMs?: number;
}

/** Where an unacknowledged escalation stands `elapsedMs` after it began: each step waits its timeout. */
export function escalationPosition(policy: EscalationPolicyConfig, elapsedMs: number): StepPosition {
  const total = policy.steps.length * (policy.repeat + 1);
  let at = 0;
  for (let k = 0; k < total; k++) {
    const step = policy.steps[k % policy.steps.length];
    if (step === undefined) break;
    const end = at + step.timeout;
    if (elapsedMs < end || k === total - 1) return k === total - 1 ? { reached: k } : { reached: k, nextAtMs: end };
    at = end;
  }
  return { reached: 0 };
}

export function stepOf(
  policy: EscalationPolicyConfig,
  reached: number,
): EscalationPolicyConfig['steps'][number] | undefined {
  return policy.steps[reached % policy.steps.length];
}
