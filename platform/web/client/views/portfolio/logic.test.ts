import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../api.ts';
import { importRowErrors } from './logic.ts';

describe('portfolio view logic', () => {
  it("shows a refused import's every bad row with its line", () => {
    const refused = new ApiError(400, 'the file has 2 bad rows; nothing was imported', {
      error: 'the file has 2 bad rows; nothing was imported',
      rows: [
        { line: 3, code: 'not_live', params: { symbol: 'MSFT' }, message: 'MSFT has no live price source here' },
        { line: 4, code: 'duplicate', params: { symbol: 'AAPL', first: 2 }, message: 'AAPL is already on line 2' },
        { line: 5, code: 'someday', params: {}, message: 'a problem this client does not know' },
      ],
    });
    assert.deepEqual(importRowErrors(refused), [
      '3 rows could not be read; nothing was imported.',
      'Line 3: MSFT has no live price source here.',
      'Line 4: AAPL is already on line 2.',
      'Line 5: a problem this client does not know',
    ]);
  });

  it('leaves other failures to their message', () => {
    assert.equal(importRowErrors(new ApiError(415, 'send the CSV file as text/csv', { error: 'x' })), undefined);
    assert.equal(importRowErrors(new ApiError(400, 'bad', { rows: 'many' })), undefined);
    assert.equal(importRowErrors(new Error('offline')), undefined);
  });
});
