/**
 * `node bench/alert-storm/diagnose.ts GENERATOR SEED [causes|mixed|classify|minority|hubs]`: where a tuning
 * storm loses purity and completeness, replayed in-process with the default settings. `causes`: each root
 * cause's alerts in event-time order with the incident each ended in and why it joined; `mixed`: incidents
 * holding alerts of several causes; `classify`: counts of alerts that opened or joined their cause's main
 * incident, a fragment of it, or another cause's; `minority`: the alerts outside their incident's majority
 * cause, by how they got there (joined, opened it, moved in by a merge); `hubs`: the evidence of joins into
 * the right and the wrong cause's incident, by label and by the traced degree of the shared value; `traced`:
 * what the traced failures add to each alert (nothing; only values it names itself; a value alerts of its own
 * cause name; only values of other causes' alerts; values no alert names); `apart`: joins into the alert's
 * own cause's incident and into another's, by the time since the incident's onset and whether the traced
 * graph links the alert's services to the incident's within 1, 2, 3 calls. Use tuning
 * seeds (1-5) only: the bench's held-out seeds stay unseen.
 */
import { fingerprintOf } from '../../platform/alerts/fingerprint.ts';
import { alert, testPipeline } from '../../platform/alerts/test-support.ts';
import { tokensOf } from '../../platform/alerts/correlation/tokens.ts';
import { observedGraph } from './replay.ts';
import { generateStorm, type GeneratorName } from './storms/storm.ts';
const g = (process.argv[2] ?? 'kubernetes') as GeneratorName;
const seed = Number(process.argv[3] ?? '1');
const storm = generateStorm(g, seed);
const start = Date.parse('2026-03-02T10:00:00Z');
const graph = observedGraph(storm, start);
const { pipeline, clock } = testPipeline(
  { route: { receiver: 'none' }, receivers: [{ name: 'none', targets: [] }] },
  start,
  graph,
);
const t0 = clock.now();
interface Row {
  fp: string;
  cause: string;
  inc: string;
  labels: Record<string, string>;
  at: number;
  why: string;
}
const rows = new Map<string, Row>();
/** Each join as it was decided: how long after the incident's onset, and the traced distance (mode `apart`). */
interface Join {
  fp: string;
  cause: string;
  inc: string;
  gapMs: number;
  apart: boolean[];
  /** Both sides name services the traces know: the graph can tell. */
  known: boolean;
}
const joins: Join[] = [];
/** Services within `hops` traced calls of these values (those the traces know, included). */
function within(values: Iterable<string>, hops: number): Set<string> {
  let frontier = [...values].filter((v) => graph.neighbours(v, start).length > 0);
  const reached = new Set(frontier);
  for (let h = 0; h < hops; h++) {
    frontier = frontier.flatMap((v) => graph.neighbours(v, start).map(([w]) => w)).filter((w) => !reached.has(w));
    for (const w of frontier) reached.add(w);
  }
  return reached;
}
/** Both sides name services the traces know and none of one's is within `hops` calls of the other's. */
const apart = (a: readonly string[], b: ReadonlySet<string>, hops: number): boolean => {
  const reach = within(a, hops);
  return reach.size > 0 && ![...b].some((v) => reach.has(v)) && [...b].some((v) => within([v], 0).size > 0);
};
const open = new Set<string>();
for (const a of storm.alerts) {
  clock.set(t0 + a.at);
  const fp = fingerprintOf(a.labels);
  const r = pipeline.process({ ...alert(a.labels, t0 + a.startsAt, a.status), fingerprint: fp });
  if (r.incidentId !== undefined && !rows.has(fp)) {
    const w = pipeline.incident(r.incidentId)?.alerts.get(fp)?.correlation;
    const members = [...(pipeline.incident(r.incidentId)?.alerts.values() ?? [])].filter(
      (m) => m.alert.fingerprint !== fp,
    );
    if (w?.kind === 'joined' && members.length > 0) {
      const own = tokensOf(a.labels).map((t) => t.value);
      const theirs = new Set(members.flatMap((m) => tokensOf(m.alert.labels).map((t) => t.value)));
      const onset = Math.min(...members.map((m) => m.alert.startsAt));
      joins.push({
        fp,
        cause: a.cause,
        inc: r.incidentId,
        gapMs: t0 + a.startsAt - onset,
        apart: [0, 1, 2, 3].map((h) => apart(own, theirs, h)),
        known: within(own, 0).size > 0 && [...theirs].some((v) => within([v], 0).size > 0),
      });
    }
    rows.set(fp, {
      fp,
      cause: a.cause,
      inc: r.incidentId,
      labels: a.labels,
      at: a.startsAt,
      why:
        w === undefined
          ? '?'
          : `${w.kind} ${w.score} ${w.shared.map((s) => `${s.label}=${s.value}:${s.weight}`).join(' ')}`,
    });
  }
  // Merges move alerts: each alert's place is its latest open incident's.
  if (r.incidentId !== undefined) open.add(r.incidentId);
  for (const id of open) {
    const incident = pipeline.incident(id);
    if (incident === undefined) {
      open.delete(id);
      continue;
    }
    for (const [fp2, entry] of incident.alerts) {
      const row = rows.get(fp2);
      if (row === undefined || row.inc === id) continue;
      row.inc = id;
      row.why += ` -> moved (${entry.correlation?.by ?? '?'})`;
    }
  }
}
const drop = new Set([
  'cluster',
  'namespace',
  'prometheus',
  'severity',
  'env',
  'datacenter',
  'region',
  'site',
  'team',
  'tier',
  'level',
  'priority',
  'dc',
  'zone',
  'environment',
]);
const short = (l: Record<string, string>) =>
  Object.entries(l)
    .filter(([k]) => !drop.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
const byInc = new Map<string, Row[]>();
for (const r of rows.values()) {
  const l = byInc.get(r.inc) ?? [];
  l.push(r);
  byInc.set(r.inc, l);
}
const byCause = new Map<string, Row[]>();
for (const r of rows.values()) {
  const l = byCause.get(r.cause) ?? [];
  l.push(r);
  byCause.set(r.cause, l);
}
/** Each incident's majority cause. */
const majority = new Map<string, string>();
for (const [i, rs] of byInc) {
  const c = new Map<string, number>();
  for (const r of rs) c.set(r.cause, (c.get(r.cause) ?? 0) + 1);
  majority.set(i, [...c].sort((a, b) => b[1] - a[1])[0]![0]);
}
const mode = process.argv[4] ?? 'causes';
if (mode === 'causes')
  for (const [c, rs] of [...byCause].sort()) {
    if (!c.startsWith('root')) continue;
    const incs = new Map<string, number>();
    for (const r of rs) incs.set(r.inc, (incs.get(r.inc) ?? 0) + 1);
    console.log(`== ${c} n=${rs.length} incidents=${[...incs.values()].join(',')}`);
    for (const r of rs.sort((a, b) => a.at - b.at))
      console.log(`  ${r.inc.slice(-6)} t=${(r.at / 1000).toFixed(0)} ${short(r.labels)} | ${r.why}`);
  }
if (mode === 'mixed')
  for (const [i, rs] of byInc) {
    const causes = new Set(rs.map((r) => r.cause));
    if (causes.size < 2) continue;
    console.log(`== ${i.slice(-6)} causes=${[...causes].join(',')}`);
    for (const r of rs.sort((a, b) => a.at - b.at))
      console.log(`  ${r.cause} t=${(r.at / 1000).toFixed(0)} ${short(r.labels)} | ${r.why}`);
  }
if (mode === 'classify') {
  // biggest incident per cause
  const maj = majority;
  const home = new Map<string, string>();
  for (const [c, rs] of byCause) {
    const m = new Map<string, number>();
    for (const r of rs) m.set(r.inc, (m.get(r.inc) ?? 0) + 1);
    home.set(c, [...m].sort((a, b) => b[1] - a[1])[0]![0]);
  }
  const k = new Map<string, number>();
  const add = (s: string) => k.set(s, (k.get(s) ?? 0) + 1);
  for (const r of rows.values()) {
    const noise = r.cause.startsWith('noise');
    const opened = r.why.startsWith('opened');
    const m = maj.get(r.inc)!;
    if (noise) {
      add(
        byInc.get(r.inc)!.length > 1
          ? opened
            ? 'noise opened, others joined it'
            : 'noise joined other'
          : 'noise alone',
      );
      continue;
    }
    if (r.inc === home.get(r.cause)) {
      add(opened ? 'root home opened' : 'root home joined');
      continue;
    }
    if (m === r.cause) add(opened ? 'root fragment opened' : 'root fragment joined own fragment');
    else
      add(
        opened
          ? 'root opened, majority other'
          : `root joined other (${m.startsWith('noise') ? 'noise' : 'root'}) majority`,
      );
  }
  console.log(
    [...k]
      .sort()
      .map(([a, b]) => `${a}: ${b}`)
      .join('\n'),
  );
}
if (mode === 'minority') {
  const k = new Map<string, number>();
  const add = (s: string) => k.set(s, (k.get(s) ?? 0) + 1);
  for (const [i, rs] of byInc)
    for (const r of rs) {
      if (r.cause === majority.get(i)) continue;
      const how = r.why.includes('moved (correlation)')
        ? 'via merge'
        : r.why.startsWith('opened')
          ? 'opened (others joined)'
          : 'joined';
      add(`${r.cause.startsWith('noise') ? 'noise' : 'root'} ${how}`);
    }
  console.log(
    `distinct ${rows.size} ` +
      [...k]
        .sort()
        .map(([a, b]) => `${a}: ${b}`)
        .join(', '),
  );
}
if (mode === 'hubs') {
  const deg = (v: string): number => graph.neighbours(v, start).length;
  // Per join: was the incident's (final) majority cause the alert's own? Which evidence carried it, how hub-like.
  const stats = new Map<string, number[]>();
  for (const r of rows.values()) {
    if (!r.why.startsWith('joined') || r.why.includes('moved')) continue;
    const ok = majority.get(r.inc) === r.cause ? 'right' : 'wrong';
    const ev = r.why
      .replace(/ new symptom=\S+/, '')
      .split(' ')
      .slice(2)
      .map((x) => {
        const i = x.lastIndexOf(':');
        const [l, v] = [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1, i)];
        return { l, v, w: Number(x.slice(i + 1)) };
      });
    for (const e of ev) {
      if (e.l === 'alertname') continue;
      const d = deg(e.v);
      const key = `${ok} ${e.l} deg${d === 0 ? '0' : d <= 3 ? '1-3' : d <= 6 ? '4-6' : '7+'}`;
      const a = stats.get(key) ?? [];
      a.push(e.w);
      stats.set(key, a);
    }
  }
  for (const [k, a] of [...stats].sort())
    console.log(`${k}: n=${a.length} weight=${a.reduce((x, y) => x + y, 0).toFixed(1)}`);
}
if (mode === 'traced') {
  // Which causes' alerts name each value literally.
  const namedBy = new Map<string, Set<string>>();
  for (const r of rows.values())
    for (const t of tokensOf(r.labels)) namedBy.set(t.value, (namedBy.get(t.value) ?? new Set<string>()).add(r.cause));
  const k = new Map<string, number>();
  const add = (s: string) => k.set(s, (k.get(s) ?? 0) + 1);
  for (const r of rows.values()) {
    const own = new Set(tokensOf(r.labels).map((t) => t.value));
    const origins = graph.errors.originsOf([...own], start + r.at);
    const added = origins.flatMap((o) => o.origin).filter((v) => !own.has(v));
    const kind = r.cause.startsWith('noise') ? 'noise' : 'root';
    const verdict =
      origins.length === 0
        ? 'no traced failures'
        : added.length === 0
          ? 'only values it names'
          : added.some((v) => namedBy.get(v)?.has(r.cause) === true)
            ? added.some((v) => [...(namedBy.get(v) ?? [])].some((c) => c !== r.cause))
              ? 'its own cause and another'
              : 'its own cause'
            : added.some((v) => (namedBy.get(v)?.size ?? 0) > 0)
              ? 'other causes only'
              : 'values no alert names';
    add(`${kind}: ${verdict}`);
  }
  console.log(
    [...k]
      .sort()
      .map(([a, b]) => `${a}: ${b}`)
      .join('\n'),
  );
}
if (mode === 'apart') {
  // A join is wrong when the incident's (final) majority is another cause.
  const k = new Map<string, number>();
  const add = (s: string) => k.set(s, (k.get(s) ?? 0) + 1);
  for (const j of joins) {
    const inc = rows.get(j.fp)?.inc ?? j.inc;
    const right = majority.get(inc) === j.cause ? 'right' : 'wrong';
    const late = j.gapMs > 120_000 ? '>120s' : j.gapMs > 60_000 ? '60-120s' : j.gapMs > 30_000 ? '30-60s' : '<=30s';
    add(`${right} ${late} ${j.known ? 'known' : 'unknown'} apart@0/1/2/3=${j.apart.map((x) => (x ? 1 : 0)).join('')}`);
    add(`${right} all`);
  }
  console.log(
    [...k]
      .sort()
      .map(([a, b]) => `${a}: ${b}`)
      .join('\n'),
  );
}
