import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntlMessageFormat } from 'intl-messageformat';
import { languages } from './message.ts';
import { render, templateLocales } from './templates.ts';
import { testMessage } from './test-message.ts';

describe('notification templates', () => {
  it('render per language and per channel', () => {
    const fr = render(testMessage({ language: 'fr' }), 'email');
    assert.equal(fr.subject, '[ALERTE] P1 PostgresDown on db');
    assert.match(fr.text, /Procédure: https:\/\/app\.example\/runbooks\/instance-down\.md/);
    assert.match(fr.text, /Remédiations récentes: restart \(applied\)/);
    assert.match(fr.text, /Traces liées: 4bf92f3577b34da6a3ce929d0e0e4736/);
    const slack = render(testMessage(), 'slack');
    assert.match(slack.text, /^\*\[PAGE\] P1 PostgresDown on db\*/);
    assert.match(slack.text, /<https:\/\/app\.example\/incidents\/inc-1\|Incident>/);
    const sms = render(testMessage({ title: 'y'.repeat(400) }), 'sms');
    assert.equal(sms.short.length, 160);
    assert.ok(sms.short.endsWith('...'));
  });

  it('lists digest items', () => {
    const d = render(
      testMessage({
        kind: 'digest',
        language: 'de',
        alerts: [],
        items: [
          { title: 'Disk low', priority: 4 },
          { title: 'Cert', priority: 5 },
        ],
      }),
      'email',
    );
    assert.match(d.text, /2 Benachrichtigungen niedriger Priorität gesammelt/);
    assert.match(d.text, /- P4 Disk low\n- P5 Cert/);
  });

  it('has every phrase in all eleven languages, each a valid ICU message for any count', () => {
    const leaves = (value: unknown, path = ''): [string, string][] =>
      typeof value === 'string'
        ? [[path, value]]
        : Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
            leaves(v, path === '' ? k : `${path}.${k}`),
          );
    const english = new Map(leaves(templateLocales.en));
    for (const language of languages) {
      const phrases = new Map(leaves(templateLocales[language]));
      assert.deepEqual([...phrases.keys()].sort(), [...english.keys()].sort(), `${language}: the same keys as English`);
      for (const [key, phrase] of phrases)
        for (const count of [0, 1, 2, 3, 5, 11, 21, 101]) {
          const text = String(
            new IntlMessageFormat(phrase, language).format({
              count,
              symbol: 'AAPL',
              other: 'MSFT',
              threshold: '1',
              observed: '2',
              window: '3',
            }),
          );
          assert.ok(text.length > 0 && !text.includes('{'), `${language} ${key} (${String(count)}): ${text}`);
        }
      if (language !== 'en')
        assert.notEqual(phrases.get('kind.price'), english.get('kind.price'), `${language} is translated`);
    }
  });

  it("writes a price alert's title in the recipient's language, plurals and numbers by its rules", () => {
    const firing = {
      kind: 'price' as const,
      priority: 3 as const,
      alerts: [],
      links: {},
      remediations: [],
      traceIds: [],
      price: { kind: 'price_above' as const, symbol: 'AAPL', threshold: 1234.5, observed: 1240.25 },
    };
    assert.equal(
      render(testMessage({ ...firing, language: 'en' }), 'email').subject,
      '[PRICE ALERT] P3 AAPL crossed above 1,234.5 (now 1,240.25)',
    );
    assert.equal(
      render(testMessage({ ...firing, language: 'de' }), 'email').subject,
      '[KURSALARM] P3 AAPL stieg über 1.234,5 (jetzt 1.240,25)',
    );
    assert.match(
      render(testMessage({ ...firing, language: 'ja' }), 'push').subject,
      /^\[価格アラート\] P3 AAPL が 1,234.5 を上回りました/,
    );
    const arabic = render(testMessage({ ...firing, language: 'ar', alertCount: 2 }), 'email');
    assert.match(arabic.subject, /^\[تنبيه سعر\] P3 ارتفع AAPL فوق/);
    assert.match(arabic.text, /تنبيهان/, 'the dual form of Arabic');
    assert.match(render(testMessage({ language: 'ru', alertCount: 5 }), 'email').text, /5 оповещений/);
    assert.match(render(testMessage({ language: 'ru', alertCount: 3 }), 'email').text, /3 оповещения/);
  });
});
