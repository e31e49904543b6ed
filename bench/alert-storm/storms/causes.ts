/**
 * Root causes and how they fan out in a world: a resource outage (database, cache, broker, market feed)
 * hits the services using it and their callers; a machine failure hits every instance on it and callers of
 * those services; a bad deploy hits one service's instances (labelled with the new version) and its callers.
 * A zone outage (a PoP or rack losing power or its uplink) is a machine failure on every machine in it, the
 * machines' alerts naming the zone. Each affected instance raises one to three alerts; callers' client-side
 * alerts sometimes name the callee.
 */
import { callersOf, pick, type Resource, type World } from './world.ts';

export type CauseKind = Resource | 'machine' | 'zone' | 'deploy';

/**
 * What physically fails, for the traces the services send while it lasts (storms/failures.ts): calls to a
 * remote that no longer answers (a database, a cache, a broker), services answering errors of their own
 * (stale data behind a stalled feed), instances gone with their machine, or a service's new version failing.
 */
export type Fault =
  | { readonly kind: 'remote'; readonly remote: string; readonly attribute: string; readonly users: readonly string[] }
  | { readonly kind: 'stale'; readonly services: readonly string[] }
  | { readonly kind: 'instances'; readonly instances: ReadonlySet<string> }
  | { readonly kind: 'version'; readonly service: string; readonly version: string };

export interface Cause {
  readonly symptoms: Symptom[];
  readonly fault: Fault;
}

export interface Symptom {
  readonly labels: Record<string, string>;
  /** Delay after the cause's onset. */
  readonly delayMs: number;
}

interface Ctx {
  readonly world: World;
  readonly random: () => number;
  readonly context: Record<string, string>;
}

export function causeSymptoms(world: World, kind: CauseKind, random: () => number): Cause {
  const context = Object.fromEntries(Object.entries(world.context).map(([k, vs]) => [k, pick(random, vs)]));
  const ctx: Ctx = { world, random, context };
  if (kind === 'machine') return machineFailure(ctx);
  if (kind === 'zone') return zoneOutage(ctx);
  if (kind === 'deploy') return badDeploy(ctx);
  return resourceOutage(ctx, kind);
}

function base(ctx: Ctx, alertname: string, severity: number): Record<string, string> {
  const s = ctx.world.vocabulary.severity;
  return { alertname, [s.label]: s.values[severity] ?? 'warning', ...ctx.context };
}

function onInstances(
  ctx: Ctx,
  service: string,
  names: readonly string[],
  extra: Record<string, string>,
  delayMs: number,
  share: number,
): Symptom[] {
  const v = ctx.world.vocabulary;
  const out: Symptom[] = [];
  for (const inst of ctx.world.instances.get(service) ?? []) {
    if (ctx.random() >= share) continue;
    const n = 1 + Math.floor(ctx.random() * 3);
    const chosen = new Set(Array.from({ length: n }, () => pick(ctx.random, names)));
    for (const name of chosen)
      out.push({
        labels: {
          ...base(ctx, name, 1 + Math.floor(ctx.random() * 2)),
          [v.service]: service,
          [v.instance]: inst.name,
          [v.machine]: inst.machine,
          ...extra,
        },
        delayMs: delayMs + ctx.random() * 60_000,
      });
  }
  return out;
}

/** Callers of the affected services, up to two hops, alerting on a share of their instances. */
function callers(ctx: Ctx, affected: readonly string[]): Symptom[] {
  const v = ctx.world.vocabulary;
  const out: Symptom[] = [];
  const reached = new Set(affected);
  for (const [service, hop] of callersOf(ctx.world, affected, 2)) {
    const callee = (ctx.world.calls.get(service) ?? []).find((d) => reached.has(d));
    const names = v.names.symptom;
    const naming = ctx.random() < (hop === 1 ? 0.6 : 0.35) && callee !== undefined;
    out.push(
      ...onInstances(ctx, service, names, naming ? { [v.upstream]: callee } : {}, hop * 20_000, hop === 1 ? 0.5 : 0.2),
    );
    reached.add(service);
  }
  return out;
}

/** The attribute a client span names each kind of remote with (OpenTelemetry conventions). */
const remoteAttribute: Readonly<Record<Exclude<Resource, 'feed'>, string>> = {
  database: 'db.namespace',
  cache: 'server.address',
  broker: 'server.address',
};

function resourceOutage(ctx: Ctx, kind: Resource): Cause {
  const v = ctx.world.vocabulary;
  const pool = [...(ctx.world.resources.get(kind) ?? new Map<string, readonly string[]>())];
  if (pool.length === 0) return { symptoms: [], fault: { kind: 'stale', services: [] } };
  const [name, users] = pick(ctx.random, pool);
  const label = v.resource[kind];
  const out: Symptom[] = [];
  const replicas = 1 + Math.floor(ctx.random() * 3);
  for (let i = 0; i < replicas; i++)
    out.push({
      labels: {
        ...base(ctx, pick(ctx.random, v.names.resourceDown[kind]), 0),
        [label]: name,
        [v.instance]: `${name}-${String(i)}:${String(9100 + i)}`,
      },
      delayMs: ctx.random() * 10_000,
    });
  for (const user of users) {
    // Client-side alerts name the resource; the users' other symptoms do not.
    out.push(...onInstances(ctx, user, v.names.resourceClient[kind], { [label]: name }, 5_000, 0.9));
    out.push(...onInstances(ctx, user, v.names.symptom, {}, 10_000, 0.5));
  }
  // A stalled feed raises no error in a call: its users answer with stale data, errors of their own.
  const fault: Fault =
    kind === 'feed'
      ? { kind: 'stale', services: users }
      : { kind: 'remote', remote: name, attribute: remoteAttribute[kind], users };
  return { symptoms: [...out, ...callers(ctx, users)], fault };
}

function machineFailure(ctx: Ctx): Cause {
  const machine = pick(ctx.random, ctx.world.machines);
  return machinesDown(ctx, [machine], {});
}

function zoneOutage(ctx: Ctx): Cause {
  const v = ctx.world.vocabulary;
  const zones = [...(ctx.world.zones ?? new Map<string, readonly string[]>())];
  const label = v.zone;
  if (zones.length === 0 || label === undefined) return machineFailure(ctx);
  const [zone, machines] = pick(ctx.random, zones);
  const names = v.names.zoneDown ?? [];
  const own: Symptom[] =
    names.length === 0 ? [] : [{ labels: { ...base(ctx, pick(ctx.random, names), 0), [label]: zone }, delayMs: 0 }];
  const down = machinesDown(ctx, machines, { [label]: zone });
  return { symptoms: [...own, ...down.symptoms], fault: down.fault };
}

/** Machines lost: each one's own alert, every instance on them, and callers of their services. */
function machinesDown(ctx: Ctx, machines: readonly string[], extra: Record<string, string>): Cause {
  const v = ctx.world.vocabulary;
  const out: Symptom[] = machines.map((machine) => ({
    labels: { ...base(ctx, pick(ctx.random, v.names.machineDown), 0), [v.machine]: machine, ...extra },
    // One machine's own alert comes first; a zone's machines report within seconds of each other.
    delayMs: machines.length === 1 ? 0 : ctx.random() * 5_000,
  }));
  const hit: string[] = [];
  const gone = new Set<string>();
  for (const [service, insts] of ctx.world.instances)
    for (const inst of insts)
      if (machines.includes(inst.machine)) {
        hit.push(service);
        gone.add(inst.name);
        out.push({
          labels: {
            ...base(ctx, pick(ctx.random, v.names.instanceDown), 1),
            [v.service]: service,
            [v.instance]: inst.name,
            [v.machine]: inst.machine,
          },
          delayMs: 5_000 + ctx.random() * 30_000,
        });
      }
  return { symptoms: [...out, ...callers(ctx, [...new Set(hit)])], fault: { kind: 'instances', instances: gone } };
}

function badDeploy(ctx: Ctx): Cause {
  const v = ctx.world.vocabulary;
  const services = [...ctx.world.instances.keys()];
  const service = pick(ctx.random, services);
  const version = v.version_of(service, ctx.random);
  return {
    symptoms: [
      ...onInstances(ctx, service, v.names.badDeploy, { [v.version]: version }, 0, 1),
      ...callers(ctx, [service]),
    ],
    fault: { kind: 'version', service, version },
  };
}

/** An unrelated one-off alert somewhere in the world. */
export function noiseAlert(world: World, random: () => number): Record<string, string> {
  const v = world.vocabulary;
  const service = pick(random, [...world.instances.keys()]);
  const inst = pick(random, world.instances.get(service) ?? [{ name: service, machine: pick(random, world.machines) }]);
  const name = random() < 0.25 ? pick(random, v.names.symptom) : pick(random, v.names.noise);
  const context = Object.fromEntries(Object.entries(world.context).map(([k, vs]) => [k, pick(random, vs)]));
  return {
    alertname: name,
    [v.severity.label]: v.severity.values[2 + Math.floor(random() * 2)] ?? 'warning',
    ...context,
    [v.service]: service,
    [v.instance]: inst.name,
    [v.machine]: inst.machine,
  };
}
