/** `npm run bench -- NAME [args]`: runs one benchmark and prints its figures as the last line, one JSON object. */
import { runBackboneBench } from './backbone.ts';

const benches: Record<string, (args: readonly string[]) => Promise<Record<string, unknown>>> = {
  backbone: runBackboneBench,
};

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : benches[name];
if (bench === undefined) {
  process.stderr.write(`usage: npm run bench -- NAME [--quick]\nbenchmarks: ${Object.keys(benches).join(', ')}\n`);
  process.exitCode = 2;
} else {
  const figures = await bench(args);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
