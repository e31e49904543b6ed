/** Reads a committed Pulumi.<stack>.yaml the way the Pulumi runtime hands it to the program. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadStackConfig, type StackConfig } from '../config.ts';

export const stackNames = ['dev', 'staging', 'prod'] as const;

/** Values as the runtime passes them: strings, structured values as JSON text. */
export function stackValues(stack: string): Map<string, string> {
  const file = join(import.meta.dirname, '..', `Pulumi.${stack}.yaml`);
  const doc = parse(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> };
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const name = key.replace(/^insitechart:/, '');
    values.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return values;
}

export function stackConfig(stack: string, overrides: Readonly<Record<string, string>> = {}): StackConfig {
  const values = stackValues(stack);
  for (const [k, v] of Object.entries(overrides)) values.set(k, v);
  return loadStackConfig({ get: (key) => values.get(key) });
}
