/**
 * `npm run train -- MODEL [options]`: trains a detector model and saves it as a new version under
 * DATA_DIR/models/MODEL/, showing progress with an ETA. Models: precursor.
 *
 *   npm run train -- precursor [--data runs.jsonl] [--runs 200] [--seed 1] [--epochs 20]
 *                              [--horizon 30] [--data-dir DIR] [--keep 5] [--export runs.jsonl]
 *
 * Without --data, labelled runs come from the fault-injection simulator (--runs of them, --seed);
 * --export writes those runs as JSON lines (the same format --data reads).
 */
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { loadConfig } from '../platform/config/config.ts';
import { savePrecursor, simulateRuns, telemetryRunSchema, trainPrecursor, type TelemetryRun } from './failure/index.ts';

const argsSchema = z.object({
  data: z.string().optional(),
  runs: z.coerce.number().int().min(8).max(10_000).default(200),
  seed: z.coerce.number().int().min(0).default(1),
  epochs: z.coerce.number().int().min(1).max(1000).default(20),
  horizon: z.coerce.number().int().min(1).max(1440).default(30),
  'data-dir': z.string().optional(),
  keep: z.coerce.number().int().min(1).max(1000).default(5),
  export: z.string().optional(),
});

async function readRuns(path: string): Promise<TelemetryRun[]> {
  const runs: TelemetryRun[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    const parsed = telemetryRunSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${path}:${String(line)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    runs.push(parsed.data);
  }
  return runs;
}

async function trainPrecursorCommand(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(argsSchema.shape).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  });
  const args = argsSchema.parse(values);
  const dataDir = args['data-dir'] ?? loadConfig(process.env).dataDir;
  const runs = args.data === undefined ? simulateRuns(args.runs, args.seed) : await readRuns(args.data);
  const source = args.data === undefined ? `simulator(runs=${String(args.runs)},seed=${String(args.seed)})` : args.data;
  if (args.export !== undefined) await writeFile(args.export, runs.map((r) => JSON.stringify(r)).join('\n') + '\n');
  process.stderr.write(`precursor: ${String(runs.length)} runs with ${String(runs.reduce((s, r) => s + r.incidents.length, 0))} incidents from ${source}\n`);
  const bar = new SingleBar({
    format: 'precursor |{bar}| epoch {value}/{total} | loss {loss} | elapsed {duration_formatted} | ETA {eta_formatted}',
    noTTYOutput: true,
    notTTYSchedule: 1000,
    etaBuffer: 5,
  });
  bar.start(args.epochs, 0, { loss: '-' });
  const trained = await trainPrecursor(runs, {
    epochs: args.epochs,
    horizonSteps: args.horizon,
    seed: args.seed,
    onEpoch: (epoch, _total, loss) => {
      bar.update(epoch, { loss: loss.toFixed(4) });
    },
  }).finally(() => {
    bar.stop();
  });
  const manifest = await savePrecursor(dataDir, trained, source, args.keep);
  process.stdout.write(`${JSON.stringify({ model: manifest.name, version: manifest.version, dir: dataDir, metrics: manifest.metrics, trainingData: manifest.trainingData })}\n`);
}

const commands: Readonly<Record<string, (argv: readonly string[]) => Promise<void>>> = { precursor: trainPrecursorCommand };

const [name, ...rest] = process.argv.slice(2);
const command = name === undefined ? undefined : commands[name];
if (command === undefined) {
  process.stderr.write(`usage: npm run train -- MODEL [options]\nmodels: ${Object.keys(commands).join(', ')}\n`);
  process.exitCode = 2;
} else {
  try {
    await command(rest);
  } catch (error) {
    process.stderr.write(`train ${String(name)}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
