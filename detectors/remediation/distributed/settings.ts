/**
 * The distributed remediation service's own settings (detectors/remediation/main.ts): which Pulumi stack it acts on
 * and where verification reads the signals. Checked at start before anything slow loads; a bad or missing value is a
 * ConfigError naming the variable (exit 2), as every entrypoint does.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { z } from 'zod';
import {
  bool,
  ConfigError,
  emptyToUndefined,
  parseEnv,
  positiveInt,
  type Env,
} from '../../../platform/config/config.ts';
import { StartupError } from '../../../platform/runtime/preflight.ts';
import { loadRemediationConfig } from '../config.ts';
import { loadPolicies, PolicyError } from '../policy/load.ts';

const schema = z.object({
  REMEDIATION_PULUMI_STACK: z.preprocess(
    emptyToUndefined,
    z
      .string({ error: 'required: the stack to act on, e.g. prod or acme/insitechart/prod' })
      .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/, 'must be a stack name (stack, org/project/stack)'),
  ),
  REMEDIATION_PULUMI_WORKDIR: z.preprocess(emptyToUndefined, z.string().default('infra/pulumi')),
  REMEDIATION_PULUMI_WORKSPACE: z.preprocess(emptyToUndefined, z.string().optional()),
  REMEDIATION_PULUMI_REFRESH: bool(true),
  REMEDIATION_PROMETHEUS_URL: z.preprocess(
    emptyToUndefined,
    z.url({
      protocol: /^https?$/,
      error: (i) => (i.input === undefined ? 'required: the Prometheus verification reads' : 'must be an http(s) URL'),
    }),
  ),
  REMEDIATION_PROMETHEUS_TIMEOUT_MS: positiveInt(5_000, 120_000),
  PULUMI_ACCESS_TOKEN: z.preprocess(emptyToUndefined, z.string().optional()),
  PULUMI_BACKEND_URL: z.preprocess(emptyToUndefined, z.string().optional()),
});

export interface DistributedSettings {
  readonly stackName: string;
  readonly workDir: string;
  /** A writable copy of the project's settings (a read-only image); the project directory itself when unset. */
  readonly workspaceDir?: string;
  readonly refreshFirst: boolean;
  readonly prometheusUrl: string;
  readonly prometheusTimeoutMs: number;
}

/** Parses the settings; the Pulumi project must be where REMEDIATION_PULUMI_WORKDIR says, and a backend named. */
export function loadDistributedSettings(env: Env = process.env): DistributedSettings {
  const e = parseEnv(schema, env);
  const problems: string[] = [];
  if (!existsSync(join(e.REMEDIATION_PULUMI_WORKDIR, 'Pulumi.yaml')))
    problems.push(`REMEDIATION_PULUMI_WORKDIR=${JSON.stringify(e.REMEDIATION_PULUMI_WORKDIR)}: no Pulumi.yaml there`);
  if (e.PULUMI_ACCESS_TOKEN === undefined && e.PULUMI_BACKEND_URL === undefined)
    problems.push(
      'PULUMI_ACCESS_TOKEN="" and PULUMI_BACKEND_URL="": set one (Pulumi Cloud, or a self-managed backend such as s3://...)',
    );
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    stackName: e.REMEDIATION_PULUMI_STACK,
    workDir: e.REMEDIATION_PULUMI_WORKDIR,
    ...(e.REMEDIATION_PULUMI_WORKSPACE === undefined ? {} : { workspaceDir: e.REMEDIATION_PULUMI_WORKSPACE }),
    refreshFirst: e.REMEDIATION_PULUMI_REFRESH,
    prometheusUrl: e.REMEDIATION_PROMETHEUS_URL,
    prometheusTimeoutMs: e.REMEDIATION_PROMETHEUS_TIMEOUT_MS,
  };
}

/** The engine's settings and policy files, with a bad policy file reported as a configuration error. */
export function checkEngineSettings(env: Env = process.env): void {
  const config = loadRemediationConfig(env);
  try {
    loadPolicies(config.policiesDir);
  } catch (error) {
    if (!(error instanceof PolicyError || (error as NodeJS.ErrnoException).code === 'ENOENT')) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`REMEDIATION_POLICIES_DIR=${JSON.stringify(config.policiesDir)}: ${message}`]);
  }
}

/** The Automation API drives the `pulumi` CLI: without it on the PATH nothing could act. */
export function checkPulumiCli(env: Env = process.env): void {
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  const found = dirs.some((d) => {
    try {
      accessSync(join(d, 'pulumi'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new StartupError('the pulumi CLI is not on the PATH (the Automation API runs it)');
}
