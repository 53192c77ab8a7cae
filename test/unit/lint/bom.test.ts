// A byte-order mark (editors on Windows save "UTF-8 with BOM"; the language server gets the text as the
// editor has it). systemd reads env files byte by byte and does not skip it: the mark becomes part of the
// first name, that assignment is ignored, and the variable stays unset. The linter says so in words (never
// with the invisible character in the message) and offers a safe fix. YAML parsers skip it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLines } from '../../../src/lint/document';
import { applyEdits } from '../../../src/lint/fixes';
import { Linter, lintText, parseDocument } from '../../../src/lint/engine';
import { applyContentChange } from '../../../src/server/lines';

const BOM = '\ufeff';

test('env: a byte-order mark before the first name is reported as systemd treats it, with a fix that removes only the mark', () => {
  const text = `${BOM}ETCD_NAME=m1\nETCD_ELECTON_TIMEOUT=1000\n`;
  const doc = parseDocument(text, 'env');
  assert.ok(!doc.entries.some((e) => e.key.includes('ETCD_NAME')), 'systemd does not set ETCD_NAME');
  const diagnostics = lintText(text, { format: 'env', version: '3.5' });
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range.start.line]),
    [
      ['env-syntax', 0],
      ['unknown-key', 1],
    ],
  );
  const [bom] = diagnostics;
  assert.match(bom.message, /byte-order mark \(U\+FEFF\) stands before ETCD_NAME/);
  assert.ok(!diagnostics.some((d) => d.message.includes(BOM)), 'no invisible character in any message');
  assert.deepEqual(bom.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } });
  const fixed = applyEdits(text, bom.fixes?.[0].edits ?? []);
  assert.equal(fixed, 'ETCD_NAME=m1\nETCD_ELECTON_TIMEOUT=1000\n');
  assert.equal(bom.fixes?.[0].safe, true);
  assert.deepEqual(
    lintText(fixed, { format: 'env', version: '3.5' }).map((d) => d.code),
    ['unknown-key'],
  );
});

test('env: a byte-order mark at the start of a later line is reported the same way', () => {
  const d = lintText(`ETCD_NAME=m1\n${BOM}ETCD_DATA_DIR=/x\n`, { format: 'env', version: '3.5' });
  assert.deepEqual(
    d.map((x) => [x.code, x.range.start.line]),
    [['env-syntax', 1]],
  );
  assert.match(d[0].message, /stands before ETCD_DATA_DIR/);
});

test('env: the warm linter agrees with a fresh lint when a byte-order mark line moves or is edited', () => {
  const linter = new Linter();
  let lines: readonly string[] = splitLines(`${BOM}ETCD_NAME=m1\nETCD_NAME=m1\n`);
  const options = { format: 'env' as const, version: '3.5' as const };
  assert.deepEqual(linter.lint(lines, options).diagnostics, lintText(lines.join('\n'), options));
  // Enter at the very start: the mark's line becomes line 1.
  lines = applyContentChange(lines, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' });
  assert.deepEqual(linter.lint(lines, options).diagnostics, lintText(lines.join('\n'), options));
  lines = applyContentChange(lines, { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' });
  assert.deepEqual(linter.lint(lines, options).diagnostics, lintText(lines.join('\n'), options));
});

test('YAML: the first key after a byte-order mark is recognised, at column 1', () => {
  for (const text of [
    `${BOM}name: m1\nelecton-timeout: 1000\n`,
    `${BOM}name: m1\npeer-transport-security:\n  cert-file: /x\nelecton-timeout: 1\n`,
  ]) {
    const doc = parseDocument(text, 'yaml');
    assert.equal(doc.entries[0].spec?.name, 'name');
    assert.equal(doc.entries[0].keyRange.start.character, 1);
    const d = lintText(text, { format: 'yaml', version: '3.5' });
    assert.deepEqual(
      d.filter((x) => x.severity === 'error'),
      [],
    );
    assert.ok(d.some((x) => x.code === 'unknown-key' && /electon-timeout/.test(x.message)));
  }
});
