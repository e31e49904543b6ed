/**
 * `node bench/alert-storm/diagnose.ts GENERATOR SEED [causes|mixed|classify]`: where a tuning storm loses
 * purity and completeness, replayed in-process with the default settings. `causes`: each root cause's alerts
 * in event-time order with the incident each ended in and why it joined; `mixed`: incidents holding alerts
 * of several causes; `classify`: counts of alerts that opened or joined their cause's main incident, a
 * fragment of it, or another cause's. Use tuning seeds (1-5) only: the bench's held-out seeds stay unseen.
 */
import { fingerprintOf } from '../../platform/alerts/fingerprint.ts';
import { alert, testPipeline } from '../../platform/alerts/test-support.ts';
import { observedGraph } from './replay.ts';
import { generateStorm, type GeneratorName } from './storms/storm.ts';
const g = (process.argv[2] ?? 'kubernetes') as GeneratorName;
const seed = Number(process.argv[3] ?? '1');
const storm = generateStorm(g, seed);
const start = Date.parse('2026-03-02T10:00:00Z');
const { pipeline, clock } = testPipeline(
  { route: { receiver: 'none' }, receivers: [{ name: 'none', targets: [] }] },
  start,
  observedGraph(storm, start),
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
const open = new Set<string>();
for (const a of storm.alerts) {
  clock.set(t0 + a.at);
  const fp = fingerprintOf(a.labels);
  const r = pipeline.process({ ...alert(a.labels, t0 + a.startsAt, a.status), fingerprint: fp });
  if (r.incidentId !== undefined && !rows.has(fp)) {
    const w = pipeline.incident(r.incidentId)?.alerts.get(fp)?.correlation;
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
  // majority cause per incident, biggest incident per cause
  const maj = new Map<string, string>();
  for (const [i, rs] of byInc) {
    const c = new Map<string, number>();
    for (const r of rs) c.set(r.cause, (c.get(r.cause) ?? 0) + 1);
    maj.set(i, [...c].sort((a, b) => b[1] - a[1])[0]![0]);
  }
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
