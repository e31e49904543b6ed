import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { render } from './templates.ts';
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
});
