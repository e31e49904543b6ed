/**
 * `npm run analytics -- FILE.json`: computes a file of the reference-fixture layout and prints
 * `{ "fixture": ..., "outputs": { ... } }` with the fixture's output keys. Exit code 2 on a bad file or input.
 */
import { readFile } from 'node:fs/promises';
import { AnalyticsInputError, FixtureFileError, SingularMatrixError } from './errors.ts';
import { computeFixture, parseFixtureFile } from './fixture-file.ts';

async function main(args: readonly string[]): Promise<number> {
  const [path, ...rest] = args;
  if (path === undefined || rest.length > 0 || path.startsWith('-')) {
    process.stderr.write('usage: npm run analytics -- FILE.json\n');
    return 2;
  }
  try {
    const file = parseFixtureFile(await readFile(path, 'utf8'));
    const outputs = computeFixture(file);
    process.stdout.write(`${JSON.stringify({ fixture: file.fixture, outputs })}\n`);
    return 0;
  } catch (error) {
    if (
      error instanceof FixtureFileError ||
      error instanceof AnalyticsInputError ||
      error instanceof SingularMatrixError
    ) {
      process.stderr.write(`${error.name}: ${path}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
      process.stderr.write(`FixtureFileError: cannot read ${path}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
