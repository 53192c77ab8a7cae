// Random and mangled input never makes the engine, hover or completion throw, and ranges stay inside the text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lintDocument, Linter, parseDocument } from '../../../src/lint/engine';
import { completionsAt, hoverAt } from '../../../src/lint/language';
import { FLAGS } from '../../../src/lint/catalogue';
import { safeFixEdits, applyEdits } from '../../../src/lint/fixes';

const key = fc.oneof(fc.constantFrom(...FLAGS.map((f) => f.env)), fc.string({ maxLength: 12 }));
const yamlKey = fc.oneof(fc.constantFrom(...FLAGS.map((f) => f.yaml ?? f.name)), fc.string({ maxLength: 12 }));
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('100', '0', '-1', '1000 # ms', '"a', "'b", 'http://[::1:2380', 'a=http://x:1, b=', '5s', 'yes', '\\', '[1, 2', '{a: 1}'),
);
const envLine = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
  fc.string({ maxLength: 40 }),
  fc.constant('export ETCD_NAME=x'),
);
const yamlLine = fc.oneof(
  fc.tuple(yamlKey, value).map(([k, v]) => `${k}: ${v}`),
  fc.tuple(yamlKey, value).map(([k, v]) => `  ${k}: ${v}`),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('---', '- a', 'peer-transport-security:'),
);

for (const [format, line] of [
  ['env', envLine],
  ['yaml', yamlLine],
] as const) {
  test(`${format}: lint, hover, completion and fix-all never throw on random input`, () => {
    const linter = new Linter();
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 25 }),
        fc.constantFrom('3.4', '3.5', '3.6'),
        fc.nat(),
        fc.constantFrom('\n', '\r\n'),
        (lines, version, at, eol) => {
          const text = lines.join(eol);
          const doc = parseDocument(text, format);
          const diags = lintDocument(doc, { version });
          assert.ok(!diags.some((d) => d.code === 'internal-error'), JSON.stringify(diags.filter((d) => d.code === 'internal-error')));
          for (const d of diags)
            assert.ok(d.range.start.line >= 0 && d.range.end.line < Math.max(1, doc.lines.length), `${d.code} range outside the text`);
          // The cached linter must agree with a fresh parse.
          assert.deepEqual(linter.lint(text, { format, version }).diagnostics, diags);
          const pos = { line: at % Math.max(1, doc.lines.length), character: at % 50 };
          hoverAt(doc, pos, version);
          completionsAt(doc, pos, version);
          applyEdits(text, safeFixEdits(diags));
        },
      ),
      { numRuns: 300 },
    );
  });
}
