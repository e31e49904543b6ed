import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { policyFamily, type PolicyFamily } from './schema.ts';

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

/** The policy families shipped with the platform: one YAML file each. */
export const defaultPolicyDir = new URL('../policies/', import.meta.url).pathname;

/** Parses and validates one family; errors name the file and the path inside it. */
export function parseFamily(text: string, file: string): PolicyFamily {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 10 });
  } catch (error) {
    throw new PolicyError(`${file}: not YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result = policyFamily.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new PolicyError(`${file}: ${issues.join('; ')}`);
  }
  return result.data;
}

/** Every `*.yml` family of a directory; policy names are unique across families. */
export function loadPolicies(dir: string = defaultPolicyDir): PolicyFamily[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort();
  if (files.length > 50) throw new PolicyError(`${dir}: more than 50 policy files`);
  const families = files.map((f) => parseFamily(readFileSync(join(dir, f), 'utf8'), f));
  const seen = new Set<string>();
  for (const family of families)
    for (const p of [...family.reactive, ...family.predictive]) {
      if (seen.has(p.name)) throw new PolicyError(`policy ${p.name} is defined twice (family ${family.family})`);
      seen.add(p.name);
    }
  return families;
}
