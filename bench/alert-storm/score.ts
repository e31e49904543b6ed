/** Clustering quality of incidents against a storm's ground truth, over distinct alerts. */
export interface Scores {
  readonly alerts: number;
  readonly incidents: number;
  readonly purity: number;
  readonly completeness: number;
  /** Alerts in no incident. */
  readonly lost: number;
  /** Unrelated (noise) alerts that share an incident with alerts of another cause. */
  readonly noiseMerged: number;
}

/**
 * purity: share of alerts that belong to their incident's majority cause; completeness: for each root
 * cause, the share of its alerts in its largest incident, weighted by its size (noise has nothing to
 * complete). An alert in no incident counts against both, as an incident of its own that is wrong.
 */
export function score(items: Iterable<{ readonly cause: string; readonly incident: string | undefined }>): Scores {
  const byIncident = new Map<string, Map<string, number>>();
  const byCause = new Map<string, Map<string, number>>();
  const bump = (m: Map<string, Map<string, number>>, a: string, b: string): void => {
    let inner = m.get(a);
    if (inner === undefined) m.set(a, (inner = new Map<string, number>()));
    inner.set(b, (inner.get(b) ?? 0) + 1);
  };
  let total = 0;
  let lost = 0;
  for (const { cause, incident } of items) {
    total++;
    if (incident === undefined) {
      lost++;
      bump(byCause, cause, `lost-${String(lost)}`);
      continue;
    }
    bump(byIncident, incident, cause);
    bump(byCause, cause, incident);
  }
  let majority = 0;
  let noiseMerged = 0;
  for (const causes of byIncident.values()) {
    majority += Math.max(...causes.values());
    if (causes.size > 1) for (const [c, n] of causes) if (c.startsWith('noise-')) noiseMerged += n;
  }
  let covered = 0;
  let rootTotal = 0;
  for (const [cause, incidents] of byCause) {
    if (!cause.startsWith('root-')) continue;
    const size = [...incidents.values()].reduce((s, n) => s + n, 0);
    covered += Math.max(...[...incidents].filter(([i]) => !i.startsWith('lost-')).map(([, n]) => n), 0);
    rootTotal += size;
  }
  return {
    alerts: total,
    incidents: byIncident.size,
    purity: total === 0 ? 0 : majority / total,
    completeness: rootTotal === 0 ? 0 : covered / rootTotal,
    lost,
    noiseMerged,
  };
}
