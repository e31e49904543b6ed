import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { alertsConfigSchema, type AlertsConfig } from './schema.ts';

/** With no file: every incident is recorded and shown in the app, nobody is paged. */
export const defaultAlertsConfig = { route: { receiver: 'default' }, receivers: [{ name: 'default' }] };

export class AlertsConfigError extends Error {
  constructor(file: string, detail: string) {
    super(`alerts config ${file} is invalid:\n${detail}`);
    this.name = 'AlertsConfigError';
  }
}

export function loadAlertsConfig(file: string | undefined): AlertsConfig {
  if (file === undefined) return alertsConfigSchema.parse(defaultAlertsConfig);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AlertsConfigError(file, (error as Error).message);
  }
  const parsed = alertsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new AlertsConfigError(file, z.prettifyError(parsed.error));
  return parsed.data;
}
