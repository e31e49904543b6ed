import { matchesAll, type Matcher } from '../matchers.ts';
import { severityOf, type Alert, type Priority } from '../model.ts';

export interface PriorityOptions {
  readonly businessImpact: readonly { readonly matchers: readonly Matcher[]; readonly boost: number }[];
  readonly flapThreshold: number;
}

const base = { critical: 1, error: 2, warning: 3, info: 5 } as const;

/**
 * Stage 5: P1..P5 from severity, raised for business-critical services (checkout, trading); an alert
 * whose state changed `flapThreshold` times inside the flap window is flapping and not notified.
 */
export function prioritise(
  alert: Alert,
  transitions: number,
  options: PriorityOptions,
): { priority: Priority; flapping: boolean } {
  let p: number = base[severityOf(alert.labels)];
  for (const rule of options.businessImpact) if (matchesAll(rule.matchers, alert.labels)) p -= rule.boost;
  return { priority: Math.min(5, Math.max(1, p)) as Priority, flapping: transitions >= options.flapThreshold };
}
