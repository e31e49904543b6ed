import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runbookSlug } from '../stages/enrich.ts';

const rulesFile = fileURLToPath(new URL('platform.rules.yml', import.meta.url));
const runbookDir = fileURLToPath(new URL('../../../runbooks/', import.meta.url));
const alertNames = [...readFileSync(rulesFile, 'utf8').matchAll(/^\s*- alert: (\w+)$/gm)].map((m) => m[1] ?? '');

describe("the platform's own alert rules", () => {
  it('every alert has a runbook, and so do detector findings', () => {
    assert.ok(alertNames.length >= 5);
    for (const name of [...alertNames, 'AnomalyDetected'])
      assert.ok(existsSync(`${runbookDir}${runbookSlug(name)}.md`), `runbooks/${runbookSlug(name)}.md for ${name}`);
  });

  it(
    'is a valid Prometheus rule file',
    { skip: existsSync('/usr/bin/promtool') ? false : 'promtool is not installed' },
    () => {
      const out = execFileSync('/usr/bin/promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
      assert.match(out, new RegExp(`SUCCESS: ${String(alertNames.length)} rules found`));
    },
  );
});
