import { dashboards } from './definitions/index.ts';
import { buildDashboard } from './lib/build.ts';

/** Every generated dashboard: path relative to the repository root -> JSON text. */
export function renderDashboards(): Map<string, string> {
  return new Map(
    dashboards.map((spec) => [
      `dashboards/generated/${spec.uid}.json`,
      `${JSON.stringify(buildDashboard(spec), null, 2)}\n`,
    ]),
  );
}
