import { randomUUID } from 'node:crypto';
import { matches } from '../../sources/source.ts';
import type { Proposal, Signal } from '../types.ts';
import type { PolicyFamily, ReactivePolicy } from './schema.ts';

/** Whether the signal sits on the side of its expected range the policy treats as the problem. */
function onProblemSide(policy: ReactivePolicy, signal: Signal): boolean {
  const { direction } = policy.on;
  if (direction === 'any' || signal.observed === undefined || signal.expected === undefined) return true;
  return direction === 'above' ? signal.observed > signal.expected.high : signal.observed < signal.expected.low;
}

/** The reactive policies' proposals for one signal, in the order the families and policies are declared. */
export function proposalsFor(families: readonly PolicyFamily[], signal: Signal): Proposal[] {
  const out: Proposal[] = [];
  for (const family of families)
    for (const policy of family.reactive) {
      if (policy.on.signal !== signal.kind) continue;
      if (!matches(signal.labels, policy.on.match)) continue;
      if ((signal.score ?? 1) < policy.on.min_score || !onProblemSide(policy, signal)) continue;
      out.push({
        action: {
          id: randomUUID(),
          kind: policy.action.kind,
          service: policy.action.service,
          params: policy.action.params,
        },
        policy: policy.name,
        family: family.family,
        risk: policy.risk,
        reason: `${policy.name}: ${signal.title}`.slice(0, 500),
        signal,
        verifyWithinMs: policy.verify.within,
      });
    }
  return out;
}
