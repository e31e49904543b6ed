/**
 * A labelled alert storm: root causes that fan out along a service dependency graph, plus noise.
 * Deterministic for a seed. Each alert carries its ground-truth class outside its labels.
 */
import { seededRandom } from '../../platform/random/seeded.ts';

export interface StormAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly status: 'firing' | 'resolved';
  /** Simulated event time (ms from the storm's start). */
  readonly at: number;
  /** Ground truth: `root-N` or `noise-N`. */
  readonly cause: string;
}

export interface Storm {
  readonly topology: Record<string, string[]>;
  readonly alerts: StormAlert[];
  readonly spanMs: number;
}

const domains = ['trading', 'market', 'accounts', 'analytics'];
const tiers = [
  ['db', 'cache', 'queue'],
  ['store', 'engine', 'feed'],
  ['api', 'worker', 'stream'],
  ['gateway', 'web'],
];
const symptoms = ['HighErrorRate', 'HighLatency', 'PodRestarts', 'SaturationHigh', 'ConsumerLagHigh', 'TimeoutsHigh'];
const noiseNames = [
  'DiskSpaceLow',
  'CertExpiringSoon',
  'NodeClockSkew',
  'BackupJobLate',
  'CronJobFailed',
  'ConfigReloadFailed',
];

/** Services per domain in tiers; each service calls one or two services of the tier below, in its domain. */
export function buildTopology(random: () => number): Record<string, string[]> {
  const graph: Record<string, string[]> = {};
  for (const d of domains) {
    for (let t = 0; t < tiers.length; t++) {
      for (const s of tiers[t] ?? []) {
        const below = t === 0 ? [] : (tiers[t - 1] ?? []).map((b) => `${d}-${b}`);
        const first = below.splice(Math.floor(random() * below.length), 1);
        graph[`${d}-${s}`] =
          random() < 0.5 || below.length === 0 ? first : [...first, below[Math.floor(random() * below.length)] ?? ''];
      }
    }
  }
  return graph;
}

function dependents(graph: Record<string, string[]>, root: string): Map<string, number> {
  const depth = new Map<string, number>([[root, 0]]);
  let frontier = [root];
  for (let hop = 1; frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const [svc, deps] of Object.entries(graph))
      if (!depth.has(svc) && deps.some((d) => frontier.includes(d))) {
        depth.set(svc, hop);
        next.push(svc);
      }
    frontier = next;
  }
  return depth;
}

export interface StormOptions {
  readonly alerts: number;
  readonly rootCauses: number;
  readonly noiseShare: number;
  readonly seed: number;
}

/**
 * Root causes sit in distinct (cluster, domain) areas, start at random times within the first half of a
 * 15-minute span, and reach dependent services with a delay per hop. Each affected service raises
 * several symptoms on several instances; every firing alert is re-sent (as Alertmanager re-notifies),
 * and a share of them resolve. Noise: unrelated alerts anywhere, some flapping.
 */
export function generateStorm(o: StormOptions): Storm {
  const random = seededRandom(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const topology = buildTopology(random);
  const spanMs = 15 * 60_000;
  const clusters = ['eu', 'us', 'ap'];
  const areas = clusters.flatMap((c) => domains.map((d) => ({ cluster: c, domain: d })));
  for (let i = areas.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [areas[i], areas[j]] = [areas[j]!, areas[i]!];
  }
  const alerts: StormAlert[] = [];
  const noiseBudget = Math.round(o.alerts * o.noiseShare);
  const perRoot = Math.floor((o.alerts - noiseBudget) / o.rootCauses);
  for (let r = 0; r < o.rootCauses; r++) {
    const area = areas[r % areas.length]!;
    const rootService = `${area.domain}-${pick(tiers[0] ?? [])}`;
    const start = random() * spanMs * 0.5;
    const affected = [...dependents(topology, rootService)];
    const cause = `root-${String(r)}`;
    const out: StormAlert[] = [];
    alerts.push({
      labels: {
        alertname: 'ServiceDown',
        service: rootService,
        cluster: area.cluster,
        severity: 'critical',
        instance: `${rootService}-0`,
      },
      annotations: { summary: `${rootService} is down` },
      status: 'firing',
      at: start,
      cause,
    });
    while (out.length < perRoot - 1) {
      const [service, hop] = pick(affected);
      const labels = {
        alertname: pick(symptoms),
        service,
        cluster: area.cluster,
        severity: hop === 0 ? 'critical' : pick(['error', 'warning', 'warning']),
        instance: `${service}-${String(Math.floor(random() * 6))}`,
      };
      const at = start + hop * 20_000 + random() * 90_000;
      out.push({ labels, annotations: { summary: `${labels.alertname} on ${service}` }, status: 'firing', at, cause });
      // Re-sends and resolutions of the same alert.
      if (random() < 0.5)
        out.push({ labels, annotations: {}, status: 'firing', at: at + 10_000 + random() * 30_000, cause });
      if (random() < 0.1)
        out.push({ labels, annotations: {}, status: 'resolved', at: at + 120_000 + random() * 60_000, cause });
    }
    alerts.push(...out.slice(0, perRoot - 1));
  }
  for (let n = 0; alerts.length < o.alerts; n++) {
    const service = pick(Object.keys(topology));
    const labels = {
      alertname: pick(noiseNames),
      service,
      cluster: pick(clusters),
      severity: pick(['warning', 'info']),
      instance: `${service}-${String(Math.floor(random() * 6))}`,
    };
    const at = random() * spanMs;
    const cause = `noise-${String(n)}`;
    alerts.push({ labels, annotations: {}, status: 'firing', at, cause });
    if (random() < 0.3) alerts.push({ labels, annotations: {}, status: 'firing', at: at + 30_000, cause });
  }
  alerts.length = o.alerts;
  alerts.sort((a, b) => a.at - b.at);
  return { topology, alerts, spanMs };
}
