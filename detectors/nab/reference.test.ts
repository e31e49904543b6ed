/**
 * The reference detectors of the NAB development subset's README, scored by NAB's own scorer there.
 * Skipped when the subset is not on this machine (it lives outside the repository).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { loadCorpus, DEFAULT_NAB_DIR } from './runner.ts';
import { optimise, probationaryLength, PROFILES } from './scorer.ts';
import type { ScoredFile } from './scorer.ts';

const present = existsSync(DEFAULT_NAB_DIR);

async function reference(fill: (scores: Float64Array, windows: ScoredFile['windows']) => void): Promise<ScoredFile[]> {
  const corpus = await loadCorpus();
  return corpus.map(({ file, windows }) => {
    const scores = new Float64Array(file.rows.length);
    fill(scores, windows);
    return { name: file.name, scores, windows };
  });
}

const close = (actual: number, expected: number): void => {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${String(actual)} != ${String(expected)}`);
};

test(
  'reference detectors score as NAB scores them',
  {
    skip: present
      ? false
      : 'the NAB data (../shared/data/nab) is not on this machine: it is not redistributed in the repository',
  },
  async () => {
    const nulls = await reference((scores) => scores.fill(0.5));
    for (const profile of Object.values(PROFILES)) close(optimise(nulls, profile).score, 0);

    const perfect = await reference((scores, windows) => {
      for (const w of windows) scores[w.start] = 1;
    });
    for (const profile of Object.values(PROFILES)) close(optimise(perfect, profile).score, 100);

    const centers = await reference((scores, windows) => {
      for (const w of windows) scores[Math.floor((w.start + w.end) / 2)] = 1;
    });
    close(optimise(centers, PROFILES.standard).score, 93.13278022137085);
    close(optimise(centers, PROFILES.reward_low_fp).score, 93.13278022137085);
    close(optimise(centers, PROFILES.reward_low_fn).score, 95.42185348091391);
    close(optimise(centers, PROFILES.standard).raw, 43.13278022137086);

    const mixed = await reference((scores, windows) => {
      const p = probationaryLength(scores.length);
      scores[p - 1] = 1;
      scores[p] = 0.8;
      for (const w of windows) {
        scores[w.start] = 0.6;
        scores[Math.floor((w.start + w.end) / 2)] = 1;
        scores[w.end] = 1;
        if (w.end + 5 < scores.length) scores[w.end + 5] = 1;
      }
    });
    const standard = optimise(mixed, PROFILES.standard);
    close(standard.score, 95.59578451171305);
    assert.equal(standard.threshold, 0.6);
    const lowFp = optimise(mixed, PROFILES.reward_low_fp);
    close(lowFp.score, 92.02434924479695);
    assert.equal(lowFp.threshold, 1);
    close(lowFp.raw, 42.024349244796944);
    close(optimise(mixed, PROFILES.reward_low_fn).score, 97.06385634114203);
  },
);
