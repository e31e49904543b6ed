import assert from 'node:assert/strict';
import { test } from 'node:test';
import { marketTick } from '../backbone/topics.ts';
import { exchanges, instrumentBySymbol, instruments, searchInstruments, sectors } from './instruments.ts';

test('the catalog holds at least 100 unique, valid instruments across every sector', () => {
  assert.ok(instruments.length >= 100);
  assert.equal(new Set(instruments.map((i) => i.symbol)).size, instruments.length);
  for (const i of instruments) {
    assert.ok(marketTick.shape.symbol.safeParse(i.symbol).success, `${i.symbol} is a valid tick symbol`);
    assert.ok(i.basePrice > 0 && i.avgDailyVolume > 0 && i.volatility > 0 && i.volatility < 1, i.symbol);
    assert.equal(i.timeZone, exchanges[i.exchange].timeZone);
  }
  for (const sector of sectors)
    assert.ok(
      instruments.some((i) => i.sector === sector),
      `${sector} has instruments`,
    );
  assert.ok(instruments.filter((i) => i.kind === 'etf').some((i) => i.symbol === 'SPY'));
});

test('instrumentBySymbol is case-insensitive and returns undefined for unknown symbols', () => {
  assert.equal(instrumentBySymbol('aapl')?.name, 'Apple Inc.');
  assert.equal(instrumentBySymbol('QQQ')?.kind, 'etf');
  assert.equal(instrumentBySymbol('NOPE'), undefined);
});

test('searchInstruments ranks the exact symbol, then prefixes, then names', () => {
  const found = searchInstruments('ma').map((i) => i.symbol);
  assert.equal(found[0], 'MA');
  assert.ok(found.indexOf('MA') < found.indexOf('MMM') || !found.includes('MMM'));
  assert.ok(found.includes('AMZN'), 'Amazon matches by name');
  assert.deepEqual(searchInstruments('  '), []);
  assert.equal(searchInstruments('a', 5).length, 5);
});
