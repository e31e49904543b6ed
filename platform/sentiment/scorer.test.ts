import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cashtags, FinanceSentiment, normalise } from './scorer.ts';

const scorer = new FinanceSentiment();
const s = (text: string): number => scorer.score(text).score;

describe('finance sentiment scorer', () => {
  it('knows market vocabulary AFINN lacks', () => {
    assert.ok(s('Apple beats estimates as iPhone sales surge') > 0.5);
    assert.ok(s('Analyst downgrades Tesla to underweight') < -0.5);
    assert.ok(s('Company files for chapter 11 bankruptcy protection') < -0.7);
    assert.ok(s('Nvidia raises guidance after record revenue') > 0.6);
    assert.ok(s('Intel cuts guidance, shares plunge') < -0.6);
    assert.ok(s('Microsoft crushed estimates') > 0.4, 'a crushed estimate is good news');
  });

  it('handles negation within a short scope, stopped by a contrast', () => {
    assert.ok(s('Amazon did not beat estimates') < 0);
    assert.ok(s('Results were not a miss') > 0);
    assert.ok(s('Shares failed to rally') < 0);
    assert.ok(s('no downgrade expected') > 0);
    assert.ok(s('no news but shares surge') > 0, 'the contrast ends the negation scope');
    assert.ok(s('no news shares surge') < 0, 'without it the negation reaches three tokens');
  });

  it('is neutral on neutral text and bounded', () => {
    assert.equal(s('The company will report results on Thursday'), 0);
    assert.equal(normalise(0), 0);
    assert.ok(Math.abs(s('bankruptcy fraud lawsuit plunge crash default insolvency writedown')) < 1);
    assert.ok(normalise(4) > 0.7 && normalise(4) < 0.75);
  });

  it('extracts cashtags', () => {
    assert.deepEqual(cashtags('$aapl and $MSFT vs $AAPL; $BRK.B'), ['AAPL', 'MSFT', 'BRK.B']);
  });
});
