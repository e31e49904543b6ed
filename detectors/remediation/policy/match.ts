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

type Params = Readonly<Record<string, string | number | boolean>>;

const serviceName = /^[a-z0-9][a-z0-9-]{0,62}$/;
const placeholder = /\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;

/** Replaces every `{label}` in the text by the signal's label; undefined when a label it names is missing. */
function fillText(text: string, labels: Readonly<Record<string, string>>): string | undefined {
  const names = [...text.matchAll(placeholder)].map((m) => m[1] ?? '');
  if (names.some((label) => labels[label] === undefined)) return undefined;
  return text.replace(placeholder, (_, label: string) => labels[label] ?? '');
}

/** Fills `{label}` parts of string parameters from the signal's labels; undefined when a label is missing. */
export function fillParams(params: Params, labels: Readonly<Record<string, string>>): Params | undefined {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(params)) {
    const filled = typeof value === 'string' ? fillText(value, labels) : value;
    if (filled === undefined) return undefined;
    out[name] = filled;
  }
  return out;
}

/** The reactive policies' proposals for one signal, in the order the families and policies are declared. */
export function proposalsFor(families: readonly PolicyFamily[], signal: Signal): Proposal[] {
  const out: Proposal[] = [];
  for (const family of families)
    for (const policy of family.reactive) {
      if (policy.on.signal !== signal.kind) continue;
      if (!matches(signal.labels, policy.on.match)) continue;
      if ((signal.score ?? 1) < policy.on.min_score || !onProblemSide(policy, signal)) continue;
      const params = fillParams(policy.action.params, signal.labels);
      const service = fillText(policy.action.service, signal.labels);
      if (params === undefined || service === undefined || !serviceName.test(service)) continue;
      out.push({
        action: {
          id: randomUUID(),
          kind: policy.action.kind,
          service,
          params,
        },
        policy: policy.name,
        family: family.family,
        risk: policy.risk,
        reason: `${policy.name}: ${signal.title}`.slice(0, 500),
        signal,
        verifyWithinMs: policy.verify.within,
        ...(policy.restore_after === undefined ? {} : { restoreAfterMs: policy.restore_after }),
      });
    }
  return out;
}
