import { z } from 'zod';
import { bool, emptyToUndefined, parseEnv, positiveInt, type Env } from '../../platform/config/config.ts';
import type { EngineSettings } from './engine.ts';
import { defaultPolicyDir } from './policy/load.ts';

const riskOrNone = (fallback: string) =>
  z.preprocess(emptyToUndefined, z.enum(['none', 'low', 'medium', 'high']).default(fallback as 'low'));
const share = z.preprocess(emptyToUndefined, z.coerce.number().gt(0).max(1).default(0.5));

const schema = z.object({
  REMEDIATION_ENABLED: bool(true),
  REMEDIATION_DRY_RUN: bool(false),
  REMEDIATION_LIVE_MAX_RISK: riskOrNone('low'),
  REMEDIATION_AUTO_MAX_RISK: riskOrNone('low'),
  REMEDIATION_COOLDOWN_MS: positiveInt(300_000, 86_400_000),
  REMEDIATION_COOLDOWN_VERIFIED_MS: positiveInt(60_000, 86_400_000),
  REMEDIATION_MAX_PER_HOUR: positiveInt(30, 10_000),
  REMEDIATION_MAX_PER_SERVICE_PER_HOUR: positiveInt(6, 10_000),
  REMEDIATION_MAX_CURES_PER_CAUSE_PER_HOUR: positiveInt(3, 10_000),
  REMEDIATION_MAX_REPLICA_SHARE: share,
  REMEDIATION_MAX_PENDING: positiveInt(50, 1_000),
  REMEDIATION_APPROVAL_TTL_MS: positiveInt(900_000, 86_400_000),
  REMEDIATION_VERIFY_INTERVAL_MS: positiveInt(2_000, 600_000),
  REMEDIATION_WARMUP_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3_600_000).default(120_000)),
  REMEDIATION_FORECAST_SAMPLE_MS: positiveInt(10_000, 3_600_000),
  REMEDIATION_FORECAST_EVERY_MS: positiveInt(60_000, 86_400_000),
  REMEDIATION_POLICIES_DIR: z.preprocess(emptyToUndefined, z.string().default(defaultPolicyDir)),
});

export interface RemediationConfig {
  readonly enabled: boolean;
  readonly engine: EngineSettings;
  readonly policiesDir: string;
  readonly forecastSampleMs: number;
  readonly forecastEveryMs: number;
}

/**
 * The remediation engine's settings (validated at start; a bad value stops it naming the variable). Safe defaults:
 * only low-risk actions run without a person, and only they run live unapproved; the rest wait for an sre.
 */
export function loadRemediationConfig(env: Env = process.env): RemediationConfig {
  const e = parseEnv(schema, env);
  return {
    enabled: e.REMEDIATION_ENABLED,
    policiesDir: e.REMEDIATION_POLICIES_DIR,
    forecastSampleMs: e.REMEDIATION_FORECAST_SAMPLE_MS,
    forecastEveryMs: e.REMEDIATION_FORECAST_EVERY_MS,
    engine: {
      dryRun: { all: e.REMEDIATION_DRY_RUN, liveMaxRisk: e.REMEDIATION_LIVE_MAX_RISK },
      autoMaxRisk: e.REMEDIATION_AUTO_MAX_RISK,
      cooldownMs: e.REMEDIATION_COOLDOWN_MS,
      cooldownVerifiedMs: e.REMEDIATION_COOLDOWN_VERIFIED_MS,
      maxPerHour: e.REMEDIATION_MAX_PER_HOUR,
      maxPerServicePerHour: e.REMEDIATION_MAX_PER_SERVICE_PER_HOUR,
      maxCuresPerCausePerHour: e.REMEDIATION_MAX_CURES_PER_CAUSE_PER_HOUR,
      maxReplicaShare: e.REMEDIATION_MAX_REPLICA_SHARE,
      maxPending: e.REMEDIATION_MAX_PENDING,
      approvalTtlMs: e.REMEDIATION_APPROVAL_TTL_MS,
      verifyIntervalMs: e.REMEDIATION_VERIFY_INTERVAL_MS,
      warmupMs: e.REMEDIATION_WARMUP_MS,
    },
  };
}
