/** `npm run dashboards`: writes dashboards/generated/*.json from the specs in dashboards/definitions. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDashboards } from './render.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
for (const [path, json] of renderDashboards()) {
  writeFileSync(`${root}${path}`, json);
  process.stdout.write(`${path}\n`);
}
