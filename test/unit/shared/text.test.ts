// What a terminal or a table is shown of untrusted text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellText, renderTable } from '../../../src/etcd/printer';
import { printable } from '../../../src/shared/text';

test('printable: controls, bidi overrides, invisible characters and the BOM become visible escapes', () => {
  assert.equal(printable('a\u202eb'), 'a\\u202eb');
  assert.equal(printable('\u2066x\u2069'), '\\u2066x\\u2069');
  assert.equal(printable('bell\u0007'), 'bell\\x07');
  assert.equal(printable('\ufeffkey'), '\\ufeffkey');
  assert.equal(printable('zero\u200bwidth'), 'zero\\u200bwidth');
  assert.equal(printable('ünïcödé 名前'), 'ünïcödé 名前', 'ordinary text is left alone');
  assert.equal(printable(printable('\u001b[31m')), printable('\u001b[31m'), 'idempotent');
  assert.equal(cellText('a|b\nc'), 'a\\x7cb\\x0ac');
  const table = renderTable(['NAME', 'X'], [['a|b|c', 'ok']]);
  assert.ok(
    table
      .split('\n')
      .filter((l) => l.startsWith('|'))
      .every((l) => l.split('|').length === 4),
    table,
  );
});
