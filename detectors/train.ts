/**
 * `npm run train -- MODEL [options]`: trains a detector model and saves it as a new version under
 * DATA_DIR/models/MODEL/, showing progress with an ETA. Models: precursor, forecaster.
 *
 *   npm run train -- precursor [--data runs.jsonl] [--runs 200] [--seed 1] [--epochs 20]
 *                              [--horizon 30] [--data-dir DIR] [--keep 5] [--export runs.jsonl]
 *   npm run train -- forecaster --family METRIC --data FILE.csv|DIR [--epochs 30] [--data-dir DIR] [--keep 5]
 *
 * Without --data, labelled runs come from the fault-injection simulator (--runs of them, --seed);
 * --export writes those runs as JSON lines (the same format --data reads).
 * The forecaster is the anomaly detector's learned view for one metric family (every series of METRIC),
 * trained on `timestamp,value` CSV files (NAB's layout); the detector service loads it at start.
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { z } from 'zod';
import { loadConfig } from '../platform/config/config.ts';
import { familyModelName, trainFamilyForecaster } from './anomaly/index.ts';
import { savePrecursor, simulateRuns, telemetryRunSchema, trainPrecursor, type TelemetryRun } from './failure/index.ts';
import { createModelStore } from './models/index.ts';
import { tfReady } from './tf/index.ts';

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
    if (!parsed.success)
      throw new Error(
        `${path}:${String(line)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
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
  process.stderr.write(
    `precursor: ${String(runs.length)} runs with ${String(runs.reduce((s, r) => s + r.incidents.length, 0))} incidents from ${source}\n`,
  );
  const bar = new SingleBar({
    format:
      'precursor |{bar}| epoch {value}/{total} | loss {loss} | elapsed {duration_formatted} | ETA {eta_formatted}',
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
  process.stdout.write(
    `${JSON.stringify({ model: manifest.name, version: manifest.version, dir: dataDir, metrics: manifest.metrics, trainingData: manifest.trainingData })}\n`,
  );
}

const forecasterArgs = z.object({
  family: z.string().regex(/^[A-Za-z_:][A-Za-z0-9_:]*$/, 'must be a metric name'),
  data: z.string().min(1),
  epochs: z.coerce.number().int().min(1).max(1000).default(30),
  'data-dir': z.string().optional(),
  keep: z.coerce.number().int().min(1).max(1000).default(5),
});

/** The value column of a `timestamp,value` CSV file; a bad row is an error naming the file and line. */
async function readValues(path: string): Promise<number[]> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  if (lines[0]?.trim() !== 'timestamp,value') throw new Error(`${path}:1: expected the header timestamp,value`);
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    const value = Number(line.slice(line.lastIndexOf(',') + 1));
    if (!Number.isFinite(value)) throw new Error(`${path}:${String(i + 1)}: value is not a number`);
    values.push(value);
  }
  return values;
}

async function csvFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.csv'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function trainForecasterCommand(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(Object.keys(forecasterArgs.shape).map((k) => [k, { type: 'string' as const }])),
    strict: true,
  });
  const args = forecasterArgs.parse(values);
  const dataDir = args['data-dir'] ?? loadConfig(process.env).dataDir;
  await tfReady();
  const files = await csvFiles(args.data);
  if (files.length === 0) throw new Error(`no .csv files in ${args.data}`);
  const series = await Promise.all(files.map(readValues));
  const name = familyModelName(args.family);
  process.stderr.write(
    `${name}: ${String(series.length)} series, ${String(series.reduce((n, s) => n + s.length, 0))} points from ${args.data}\n`,
  );
  const bar = new SingleBar({
    format: `${name} |{bar}| epoch {value}/{total} | loss {loss} | elapsed {duration_formatted} | ETA {eta_formatted}`,
    noTTYOutput: true,
    notTTYSchedule: 1000,
    etaBuffer: 5,
  });
  bar.start(args.epochs, 0, { loss: '-' });
  const trained = await trainFamilyForecaster(createModelStore(dataDir, { keep: args.keep }), name, series, {
    epochs: args.epochs,
    onEpoch: (epoch, loss) => {
      bar.update(epoch, { loss: loss.toFixed(4) });
    },
  }).finally(() => {
    bar.stop();
  });
  process.stdout.write(
    `${JSON.stringify({ model: name, version: trained.version, dir: dataDir, samples: trained.samples, loss: trained.loss })}\n`,
  );
}

const commands: Readonly<Record<string, (argv: readonly string[]) => Promise<void>>> = {
  precursor: trainPrecursorCommand,
  forecaster: trainForecasterCommand,
};

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
