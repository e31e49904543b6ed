import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../../config/config.ts';
import { alertsConfigSchema, type AlertsConfig } from './schema.ts';

/** With no file: every incident is recorded and shown in the app, nobody is paged. */
export const defaultAlertsConfig = { route: { receiver: 'default' }, receivers: [{ name: 'default' }] };

/** A ConfigError, so start-up reports it like a bad variable: exit 2, the setting and the file named. */
export class AlertsConfigError extends ConfigError {
  constructor(file: string, detail: string) {
    super([`ALERTS_CONFIG=${JSON.stringify(file)}: the file is invalid:\n${detail.replace(/^/gm, '      ')}`]);
    this.name = 'AlertsConfigError';
  }
}

export function loadAlertsConfig(file: string | undefined): AlertsConfig {
  if (file === undefined) return alertsConfigSchema.parse(defaultAlertsConfig);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new AlertsConfigError(file, e.code === 'ENOENT' ? 'no such file' : e.message);
  }
  const parsed = alertsConfigSchema.safeParse(raw);
  if (!parsed.success) throw new AlertsConfigError(file, z.prettifyError(parsed.error));
  return parsed.data;
}
