/** `npm run rules`: writes the rule files and runbooks from their TypeScript definitions. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderRuleArtifacts } from './render.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
for (const [path, content] of renderRuleArtifacts()) {
  writeFileSync(`${root}${path}`, content);
  process.stdout.write(`${path}\n`);
}
