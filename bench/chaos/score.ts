import { faultKinds, type FaultKind } from '../../platform/faults/kinds.ts';
import { round } from '../support/stats.ts';
import type { FaultOutcome } from './phase.ts';

const mean = (xs: readonly number[]): number | null =>
  xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length, 1);

/**
 * Per kind: injected, detected (a fault never detected is counted, not dropped, and has no time to detect),
 * mean time to detect and to recover (from injection) over the faults detected and recovered, the share resolved
 * without a person (attribute.ts: a verified action of the platform ended it before its own expiry), actions and
 * false actions (an action on another service than the fault's, within its window).
 */
export function scoreFaults(outcomes: readonly FaultOutcome[]) {
  return faultKinds.map((kind) => {
    const mine = outcomes.filter((o) => o.planned.kind === kind);
    const detected = mine.filter((o) => o.detectedAt !== undefined);
    const recovered = detected.filter((o) => o.recoveredAt !== undefined);
    const auto = mine.filter((o) => o.autoResolved);
    return {
      kind,
      injected: mine.length,
      detected: detected.length,
      undetected: mine.length - detected.length,
      mttd_s: mean(detected.map((o) => ((o.detectedAt ?? 0) - o.injectedAt) / 1000)),
      max_ttd_s:
        detected.length === 0
          ? null
          : round(Math.max(...detected.map((o) => ((o.detectedAt ?? 0) - o.injectedAt) / 1000)), 1),
      mttr_s: mean(recovered.map((o) => ((o.recoveredAt ?? 0) - o.injectedAt) / 1000)),
      recovered: recovered.length,
      fault_s: mine[0] === undefined ? null : round((mine[0].expiresAt - mine[0].injectedAt) / 1000, 1),
      auto_resolved_share: mine.length === 0 ? null : round(auto.length / mine.length, 2),
      actions: mine.reduce((n, o) => n + o.actions, 0),
      false_actions: mine.reduce((n, o) => n + o.falseActions, 0),
    };
  });
}

/**
 * Kinds the platform has no legitimate automatic cure for in embedded mode: the injector's disk fill writes a file
 * the platform did not write, and nothing the platform owns and may reclaim removes it (detectors/remediation
 * README). They stay in the headline share (the target counts every injected fault); the share over the other kinds
 * is reported beside it, named as such.
 */
export const withoutPlatformCure: readonly FaultKind[] = ['disk-fill'];

/** Faults resolved without a person over all injected ones, and over the kinds the platform has a cure for. */
export function autoResolvedShares(outcomes: readonly FaultOutcome[]) {
  const curable = outcomes.filter((o) => !withoutPlatformCure.includes(o.planned.kind));
  const share = (xs: readonly FaultOutcome[]): number | null =>
    xs.length === 0 ? null : round(xs.filter((o) => o.autoResolved).length / xs.length, 2);
  return {
    auto_resolved: outcomes.filter((o) => o.autoResolved).length,
    auto_resolved_share: share(outcomes),
    without_platform_cure: withoutPlatformCure,
    auto_resolved_share_with_a_cure: share(curable),
  };
}
