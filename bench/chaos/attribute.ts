import type { FaultKind } from '../../platform/faults/kinds.ts';

/** One injected fault as the bench saw it (ms since the epoch). */
export interface FaultWindow {
  readonly kind: FaultKind;
  readonly service: string;
  readonly injectedAt: number;
  readonly expiresAt: number;
  /** When its signal was back to normal, if it was. */
  readonly recoveredAt?: number;
}

/** A remediation action the platform applied. */
export interface AppliedAction {
  readonly at: number;
  readonly remediationId: string;
  /** The service (or component) it acted on. */
  readonly service: string;
}

export interface FaultCredit {
  /** Actions on the fault's own target within its window. */
  readonly actions: number;
  /** Actions on something else within its window. */
  readonly falseActions: number;
  /** An action of the platform ended the fault: its signal recovered after the action and before the fault's own
   * expiry, and that action's verification confirmed the recovery. */
  readonly autoResolved: boolean;
}

/** How long after its expiry a fault that never recovered still owns what happens. */
export const GRACE_MS = 30_000;

/** What an action must act on to be about this fault: the feed for a stall, else the fault's target. */
export function targetOf(kind: FaultKind, service: string): string {
  return kind === 'feed-stall' ? 'market-feed' : service;
}

/**
 * Credits each applied action to one fault: among the faults whose window (injection until recovery, or until expiry
 * plus a grace when it never recovered) holds the action's moment, the latest injected one whose target the action
 * acted on; failing that it is a false action of the latest one whose window holds it; outside every window it is a
 * stray action. A fault is resolved automatically only by a credited, verified action that came before its recovery,
 * the recovery coming before the fault would have ended on its own.
 */
export function attribute(
  faults: readonly FaultWindow[],
  actions: readonly AppliedAction[],
  verified: ReadonlySet<string>,
): { credits: FaultCredit[]; stray: number } {
  const credited = faults.map(() => [] as AppliedAction[]);
  const falseCount = faults.map(() => 0);
  let stray = 0;
  const byLatest = faults.map((f, i) => ({ f, i })).sort((a, b) => b.f.injectedAt - a.f.injectedAt);
  for (const action of actions) {
    const open = byLatest.filter(
      ({ f }) => action.at >= f.injectedAt && action.at <= (f.recoveredAt ?? f.expiresAt + GRACE_MS),
    );
    const owner = open.find(({ f }) => targetOf(f.kind, f.service) === action.service);
    if (owner !== undefined) credited[owner.i]?.push(action);
    else if (open[0] !== undefined) falseCount[open[0].i] = (falseCount[open[0].i] ?? 0) + 1;
    else stray += 1;
  }
  const credits = faults.map((f, i) => {
    const mine = credited[i] ?? [];
    const recovered = f.recoveredAt;
    const autoResolved =
      recovered !== undefined &&
      recovered < f.expiresAt &&
      mine.some((a) => a.at <= recovered && verified.has(a.remediationId));
    return { actions: mine.length, falseActions: falseCount[i] ?? 0, autoResolved };
  });
  return { credits, stray };
}
