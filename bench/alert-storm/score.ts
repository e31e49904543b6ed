/** Clustering quality of incidents against the storm's ground truth. */
export interface Scores {
  readonly purity: number;
  readonly completeness: number;
}

/**
 * purity: share of alerts that belong to their incident's majority cause; completeness: for each root
 * cause, the share of its alerts in its largest incident, weighted by its size (noise has no cause to complete).
 */
export function score(items: Iterable<{ readonly cause: string; readonly incident: string }>): Scores {
  const byIncident = new Map<string, Map<string, number>>();
  const byCause = new Map<string, Map<string, number>>();
  const bump = (m: Map<string, Map<string, number>>, a: string, b: string): void => {
    let inner = m.get(a);
    if (inner === undefined) m.set(a, (inner = new Map<string, number>()));
    inner.set(b, (inner.get(b) ?? 0) + 1);
  };
  let total = 0;
  for (const { cause, incident } of items) {
    total++;
    bump(byIncident, incident, cause);
    bump(byCause, cause, incident);
  }
  let majority = 0;
  for (const causes of byIncident.values()) majority += Math.max(...causes.values());
  let covered = 0;
  let rootTotal = 0;
  for (const [cause, incidents] of byCause) {
    if (!cause.startsWith('root-')) continue;
    const size = [...incidents.values()].reduce((s, n) => s + n, 0);
    covered += Math.max(...incidents.values());
    rootTotal += size;
  }
  return { purity: total === 0 ? 0 : majority / total, completeness: rootTotal === 0 ? 0 : covered / rootTotal };
}
