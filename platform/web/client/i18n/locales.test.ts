/**
 * Every locale has exactly English's keys, each message parses as ICU with the same argument names and plural
 * clauses ending in `other`; every key the client's source asks for exists.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { detectLanguage, languages } from './languages.ts';
import { messages } from './resources.ts';

function flatten(tree: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of flatten(value as object, path)) out.set(k, v);
    else throw new Error(`${path}: neither a message nor a group`);
  }
  return out;
}

interface AstNode {
  readonly type: number;
  readonly value?: unknown;
  readonly options?: Record<string, { readonly value: readonly AstNode[] }>;
  readonly children?: readonly AstNode[];
}
const LITERAL = 0;
const POUND = 7;
const PLURAL = 6;

/** Argument names (with their kind) and plural problems of one ICU message. */
function argumentsOf(message: string, locale: string): { names: Set<string>; problems: string[] } {
  const names = new Set<string>();
  const problems: string[] = [];
  const walk = (nodes: readonly AstNode[]): void => {
    for (const node of nodes) {
      if (node.type !== LITERAL && node.type !== POUND) names.add(`${String(node.value)}:${String(node.type)}`);
      if (node.type === PLURAL && node.options?.other === undefined) problems.push(`plural ${String(node.value)}`);
      for (const option of Object.values(node.options ?? {})) walk(option.value);
      walk(node.children ?? []);
    }
  };
  const ast: unknown = new IntlMessageFormat(message, locale).getAst();
  walk(ast as AstNode[]);
  return { names, problems };
}

const english = flatten(messages.en);

describe('locale files', () => {
  it('cover the eleven languages', () => {
    assert.deepEqual(Object.keys(messages).sort(), [...languages].sort());
  });

  for (const language of languages) {
    it(`${language}: same keys as English, valid ICU, same arguments, no English left untranslated in bulk`, () => {
      const own = flatten(messages[language]);
      assert.deepEqual(
        [...english.keys()].filter((k) => !own.has(k)),
        [],
        `${language} lacks these keys`,
      );
      assert.deepEqual(
        [...own.keys()].filter((k) => !english.has(k)),
        [],
        `${language} has keys English does not`,
      );
      for (const [key, message] of own) {
        const mine = argumentsOf(message, language);
        const reference = argumentsOf(english.get(key) ?? '', 'en');
        assert.deepEqual([...mine.names].sort(), [...reference.names].sort(), `${language} ${key}: arguments`);
        assert.deepEqual(mine.problems, [], `${language} ${key}: every plural needs an "other" clause`);
      }
      if (language !== 'en') {
        // Single words may be the same (Incidents, Offline, Symbol); sentences copied from English may not.
        const sentence = (v: string): boolean =>
          /\p{L}{3,}\s+\p{L}{3,}\s+\p{L}{3,}/u.test(v.replace(/\{[^{}]*\}/g, ''));
        const same = [...own].filter(([k, v]) => v === english.get(k) && sentence(v));
        assert.ok(
          same.length < 8,
          `${language}: ${String(same.length)} messages identical to English: ${same.map(([k]) => k).join(', ')}`,
        );
      }
    });
  }

  it('hold every key the client asks for', () => {
    const clientDir = fileURLToPath(new URL('..', import.meta.url));
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return files(path);
        return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
      });
    const missing: string[] = [];
    let asked = 0;
    for (const file of files(clientDir)) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\bt\('([a-zA-Z][\w.]*)'/g)) {
        asked += 1;
        const key = match[1] ?? '';
        if (!english.has(key)) missing.push(`${file}: ${key}`);
      }
      // t(`group.${x}`): the group must exist (the logic tests and the browser test cover its members).
      for (const match of source.matchAll(/\bt\(`([a-zA-Z][\w.]*)\.\$\{/g)) {
        const group = `${match[1] ?? ''}.`;
        if (![...english.keys()].some((k) => k.startsWith(group))) missing.push(`${file}: ${group}*`);
      }
      for (const match of source.matchAll(/title: '([a-zA-Z][\w.]*)'/g)) {
        if (match[1]?.startsWith('views.') === true && !english.has(match[1])) missing.push(`${file}: ${match[1]}`);
      }
    }
    assert.ok(asked > 100, `found ${String(asked)} t('...') calls`);
    assert.deepEqual(missing, []);
  });

  it('detect the language: the stored choice, then the browser, then English', () => {
    assert.equal(detectLanguage('ar', ['de-DE']), 'ar');
    assert.equal(detectLanguage('xx', ['pt-BR', 'zh-TW', 'en']), 'zh');
    assert.equal(detectLanguage(null, ['iw-IL']), 'he');
    assert.equal(detectLanguage(null, ['pt']), 'en');
  });
});
