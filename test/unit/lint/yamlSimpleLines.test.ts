// Plain `key: value` lines are read without the yaml package (whose fixed cost per parse made a file of
// 200,000 keys take seconds); for any line, the result must be what the yaml package gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Entry } from '../../../src/lint/document';
import type { Range } from '../../../src/lint/types';
import { parseYaml, YamlChunkCache } from '../../../src/lint/parse/yaml';
import { FLAGS } from '../../../src/lint/catalogue';

const up = (r: Range): Range => ({
  start: { line: r.start.line - 1, character: r.start.character },
  end: { line: r.end.line - 1, character: r.end.character },
});
const entryUp = (e: Entry): Entry => ({ ...e, keyRange: up(e.keyRange), valueRange: up(e.valueRange), range: up(e.range) });

/** What the yaml package makes of the lines: a leading `---` makes parseYaml read the document as a whole. */
function viaYamlPackage(lines: string[]): ReturnType<typeof parseYaml> {
  const whole = parseYaml(['---', ...lines]);
  return { entries: whole.entries.map(entryUp), syntax: whole.syntax.map((d) => ({ ...d, range: up(d.range) })) };
}

const key = fc.oneof(
  fc.constantFrom(...FLAGS.flatMap((f) => (f.yaml && !f.yaml.includes('.') ? [f.yaml] : []))),
  fc.constantFrom(
    'k',
    'yes',
    'on',
    'Off',
    'y',
    'null',
    'NULL',
    '~',
    '123',
    '0x1F',
    '1e3',
    'e0',
    'E-5',
    'e5x',
    '2001-12-14',
    '1_000',
    '.5',
    'a.b',
    'a-b_c',
    'NaN',
    'x'.repeat(1100),
  ),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,8}$/),
);
const value = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      'a',
      'Z',
      '1',
      '0',
      '-',
      ':',
      ' ',
      '#',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ',',
      '&',
      '*',
      '!',
      '|',
      '>',
      '%',
      '@',
      '`',
      '?',
      '.',
      '~',
      '\\',
      '/',
      '=',
      'é',
      '\t',
      '_',
    ),
    maxLength: 14,
  }),
  fc.constantFrom(
    'http://10.0.0.1:2379',
    'a=http://x:1,b=http://y:2',
    '100',
    '-1',
    '0o17',
    '1.5',
    'true',
    'TRUE',
    'null',
    '~',
    '.inf',
    '-.INF',
    '.nan',
    '1_000',
    '0b101',
  ),
);
const separator = fc.constantFrom('', ' ', '  ', '\t');
// Lines that stay in the first line's chunk (a new top-level key would start a chunk of its own, which a
// whole-document parse would not, so the two could differ for reasons that have nothing to do with this).
const after = fc.array(fc.constantFrom('', '# c', '  # d', '  x', ' ', '- a', '  - b', '  cert-file: /x'), { maxLength: 3 });

test('a plain key: value line reads the same with or without the yaml package', () => {
  fc.assert(
    fc.property(key, separator, value, after, (k, sep, v, rest) => {
      const lines = [`${k}:${sep}${v}`, ...rest];
      const expected = viaYamlPackage(lines);
      assert.deepEqual(parseYaml(lines), expected, JSON.stringify(lines));
      // The language server's path: cached chunks, moved to their line.
      const cache = new YamlChunkCache();
      assert.deepEqual(parseYaml(['# head', ...lines], cache), {
        entries: parseYaml(['---', '# head', ...lines]).entries.map(entryUp),
        syntax: parseYaml(['---', '# head', ...lines]).syntax.map((d) => ({ ...d, range: up(d.range) })),
      });
    }),
    { numRuns: 4000 },
  );
});
