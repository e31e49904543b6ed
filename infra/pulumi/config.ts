/**
 * The stack's configuration (Pulumi.<stack>.yaml, `insitechart:` keys), validated with zod when the program
 * loads: a bad value stops `pulumi preview`/`up` with every problem named before any resource is declared.
 */
import { z } from 'zod';
import { serviceNamed, services } from './services.ts';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS label');
const imageTag = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'must be an image tag');
const weight = z.coerce.number().int().min(0).max(100);
const count = (max: number) => z.coerce.number().int().min(0).max(max);

export const strategies = ['canary', 'blue-green', 'rolling'] as const;

/** A persistent service's data volume, unless its `storageGi` says otherwise. */
export const defaultStorageGi = 10;
/** How far a remediation may grow a data volume, unless its `maxStorageGi` says otherwise. */
export const defaultMaxStorageGi = 50;
export type Strategy = (typeof strategies)[number];

const serviceOverrides = z
  .object({
    replicas: count(50).min(1).optional(),
    maxReplicas: count(100).optional(),
    /** The highest maxReplicas a remediation may raise the autoscaler to (the bound on cost); never above. */
    maxReplicasLimit: count(100).optional(),
    imageTag: imageTag.optional(),
    /** The tag a rollback returns to when the action names none. */
    previousImageTag: imageTag.optional(),
    strategy: z.enum(strategies).optional(),
    /** Holds a canary at this weight (0 sends every request to the stable version). */
    canaryWeight: weight.optional(),
    /** Any new value restarts the pods (it lands in a pod template annotation). */
    restartedAt: z.string().max(64).optional(),
    /** Consumer lag per replica at which KEDA adds one. */
    lagThreshold: count(1_000_000).optional(),
    /** The data volume's size (persistent services). It only ever grows: a PersistentVolumeClaim cannot shrink. */
    storageGi: count(10_000).min(1).optional(),
    /** The largest size a remediation may grow the data volume to. */
    maxStorageGi: count(10_000).min(1).optional(),
  })
  .strict();
export type ServiceOverrides = z.output<typeof serviceOverrides>;

const gates = z
  .object({
    /** Highest share of 5xx responses (or failed handler runs for consumers). */
    errorRate: z.coerce.number().min(0).max(1).default(0.01),
    latencyP99Seconds: z.coerce.number().positive().max(60).default(0.5),
    /** Highest anomaly score the detector tier reports for the service's series. */
    anomalyScore: z.coerce.number().min(0).max(1).default(0.8),
  })
  .strict();

const canary = z
  .object({
    weights: z
      .array(z.coerce.number().int().min(1).max(99))
      .min(1)
      .max(10)
      .refine((w) => w.every((x, i) => i === 0 || x > (w[i - 1] ?? 0)), 'weights must increase')
      .default([10, 25, 50, 75]),
    pauseSeconds: count(3600).default(120),
    analysisIntervalSeconds: z.coerce.number().int().min(10).max(600).default(30),
    analysisCount: z.coerce.number().int().min(1).max(60).default(4),
    gates: gates.default({ errorRate: 0.01, latencyP99Seconds: 0.5, anomalyScore: 0.8 }),
  })
  .strict();

const schema = z
  .object({
    environment: z.enum(['dev', 'staging', 'prod']),
    namespace: dnsLabel,
    monitoringNamespace: dnsLabel.default('monitoring'),
    imageRepository: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, 'must be a registry path'),
    imageTag,
    /** The tag that was live before `imageTag` went out: the deploy workflow records it; a rollback returns to it. */
    previousImageTag: imageTag.optional(),
    strategy: z.enum(strategies).default('rolling'),
    canaryWeight: weight.optional(),
    canary: canary.default({
      weights: [10, 25, 50, 75],
      pauseSeconds: 120,
      analysisIntervalSeconds: 30,
      analysisCount: 4,
      gates: { errorRate: 0.01, latencyP99Seconds: 0.5, anomalyScore: 0.8 },
    }),
    publicUrl: z.url({ protocol: /^https?$/ }),
    ingress: z
      .object({ host: z.string().regex(/^[a-z0-9.-]+$/), className: z.string().min(1), tlsSecret: dnsLabel.optional() })
      .strict()
      .optional(),
    storageClass: z.string().min(1).optional(),
    kafka: z
      .object({ replicas: count(9).min(1).default(3), storageGi: count(10_000).min(1).default(20) })
      .strict()
      .default({ replicas: 3, storageGi: 20 }),
    elasticsearch: z
      .object({ nodes: count(9).min(1).default(3), storageGi: count(10_000).min(1).default(50) })
      .strict()
      .default({ nodes: 3, storageGi: 50 }),
    /** Cluster ranges outbound traffic may never reach (notifications and feeds go to the internet only). */
    privateCidrs: z.array(z.cidrv4()).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
    /** The Kubernetes API server's endpoints (not its Service IP): the remediation service's egress. */
    kubernetesApiCidrs: z.array(z.cidrv4()).max(16).default([]),
    services: z.record(z.string(), serviceOverrides).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [name, o] of Object.entries(c.services)) {
      const spec = serviceNamed(name);
      if (spec === undefined) {
        ctx.addIssue({ code: 'custom', path: ['services', name], message: `unknown service (${names()})` });
        continue;
      }
      const most = Math.max(o.replicas ?? 1, o.maxReplicas ?? 1, o.maxReplicasLimit ?? 1);
      if (spec.instances === 'single' && most > 1) {
        ctx.addIssue({ code: 'custom', path: ['services', name], message: `runs one copy: ${spec.why ?? ''}` });
      }
      if (o.maxReplicasLimit !== undefined && o.maxReplicasLimit < (o.maxReplicas ?? 0)) {
        ctx.addIssue({ code: 'custom', path: ['services', name, 'maxReplicasLimit'], message: 'below maxReplicas' });
      }
      if (!spec.persistent && (o.storageGi !== undefined || o.maxStorageGi !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['services', name], message: 'has no data volume' });
      }
      if ((o.storageGi ?? defaultStorageGi) > (o.maxStorageGi ?? Math.max(o.storageGi ?? 0, defaultMaxStorageGi))) {
        ctx.addIssue({ code: 'custom', path: ['services', name, 'storageGi'], message: 'above maxStorageGi' });
      }
      if (spec.instances === 'single' && (o.strategy ?? 'rolling') !== 'rolling') {
        ctx.addIssue({ code: 'custom', path: ['services', name, 'strategy'], message: 'one copy: no canary' });
      }
    }
  });

export type StackConfig = z.output<typeof schema>;

function names(): string {
  return services.map((s) => s.name).join(', ');
}

export class StackConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'StackConfigError';
    this.problems = problems;
  }
}

/** Validates raw configuration values (already JSON-decoded where structured); throws naming each problem. */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new StackConfigError(
      parsed.error.issues.flatMap((i) => {
        const at = i.path.map(String);
        // A typo in a key is reported on the key itself, like every other problem.
        if (i.code === 'unrecognized_keys')
          return i.keys.map((k) => `insitechart:${[...at, k].join('.')}: unknown key`);
        return [`insitechart:${at.join('.')}: ${i.message}`];
      }),
    );
  }
  return parsed.data;
}

/** Keys read as plain strings (a commit sha such as 1234e56 must never be parsed as a number). */
const stringKeys = [
  'environment',
  'namespace',
  'monitoringNamespace',
  'imageRepository',
  'imageTag',
  'previousImageTag',
  'strategy',
];
const structuredKeys = [
  'canaryWeight',
  'canary',
  'publicUrl',
  'ingress',
  'storageClass',
  'kafka',
  'elasticsearch',
  'privateCidrs',
  'kubernetesApiCidrs',
  'services',
];

/** The port over pulumi.Config the loader needs: raw strings by key. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** Reads every key from the stack (JSON-decoding structured ones) and validates the whole. */
export function loadStackConfig(source: ConfigSource): StackConfig {
  const raw: Record<string, unknown> = {};
  for (const key of stringKeys) raw[key] = source.get(key);
  for (const key of structuredKeys) {
    const text = source.get(key);
    if (text === undefined) continue;
    try {
      raw[key] = JSON.parse(text) as unknown;
    } catch {
      // A plain scalar (e.g. a URL) is kept as it is.
      raw[key] = text;
    }
  }
  return parseStackConfig(raw);
}

/** A service's settings with the stack's defaults applied. */
export function serviceSettings(
  config: StackConfig,
  name: string,
): Required<Pick<ServiceOverrides, 'imageTag'>> & {
  /** The tag a rollback returns to; absent when none is recorded or it is the live one. */
  readonly previousImageTag?: string;
  readonly strategy: Strategy;
  readonly canaryWeight?: number;
  readonly replicas: number;
  readonly maxReplicas: number;
  readonly maxReplicasLimit: number;
  readonly restartedAt?: string;
  readonly lagThreshold: number;
  readonly storageGi: number;
  readonly maxStorageGi: number;
} {
  const o = config.services[name] ?? {};
  const spec = serviceNamed(name);
  const single = spec?.instances === 'single';
  const replicas = single ? 1 : (o.replicas ?? (config.environment === 'prod' ? 3 : 2));
  const canaryWeight = o.canaryWeight ?? config.canaryWeight;
  const imageTag = o.imageTag ?? config.imageTag;
  const previousImageTag = o.previousImageTag ?? config.previousImageTag;
  const maxReplicas = single ? 1 : Math.max(replicas, o.maxReplicas ?? replicas * 4);
  return {
    imageTag,
    ...(previousImageTag === undefined || previousImageTag === imageTag ? {} : { previousImageTag }),
    strategy: single ? 'rolling' : (o.strategy ?? config.strategy),
    replicas,
    maxReplicas,
    // By default a remediation may double the autoscaler's maximum, and never past 100.
    maxReplicasLimit: single ? 1 : Math.max(maxReplicas, o.maxReplicasLimit ?? Math.min(100, maxReplicas * 2)),
    lagThreshold: o.lagThreshold ?? 1000,
    storageGi: o.storageGi ?? defaultStorageGi,
    maxStorageGi: o.maxStorageGi ?? Math.max(o.storageGi ?? 0, defaultMaxStorageGi),
    ...(canaryWeight === undefined ? {} : { canaryWeight }),
    ...(o.restartedAt === undefined ? {} : { restartedAt: o.restartedAt }),
  };
}
