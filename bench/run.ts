/**
 * `npm run bench -- NAME [args]`: runs `bench/NAME.ts` (its default export) and prints its figures as the
 * last line, one JSON object. A benchmark's own helpers live in `bench/NAME/`, shared ones in `bench/support/`.
 */
import { readdirSync } from 'node:fs';

type Bench = (args: readonly string[]) => Promise<Record<string, unknown>>;

const benchDir = new URL('.', import.meta.url);
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && !file.endsWith('.test.ts'))
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [args]\nbenchmarks: ${available.join(', ')}\n`);
  process.exitCode = 2;
} else {
  const module = (await import(new URL(`${name}.ts`, benchDir).href)) as { default: Bench };
  const figures = await module.default(args);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
