// src/lint/flagHelp.ts is generated from the real binaries' `etcd --help` (scripts/flag-help.ts): the checked-in
// file must be exactly what the generator makes of etcd 3.5 and 3.4, so hover text cannot drift from etcd's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { etcdBinaries } from '../../harness/binaries';
import { FLAG_HELP_FILE, generateFlagHelp, parseHelp } from '../../../scripts/flag-help';

test('src/lint/flagHelp.ts equals what scripts/flag-help.ts generates from etcd 3.5 and 3.4 --help', async () => {
  const generated = await generateFlagHelp(etcdBinaries('3.5').etcd, etcdBinaries('3.4').etcd);
  assert.equal(readFileSync(FLAG_HELP_FILE, 'utf8'), generated, 'regenerate it: node --import tsx scripts/flag-help.ts');
});

test('the help parser reads quoted, unquoted and missing defaults and joins description lines', () => {
  const help = parseHelp(
    [
      'Member:',
      "  --name 'default'",
      '    Human-readable name for this member.',
      '  --bcrypt-cost 10',
      '    Specify the cost / strength of the bcrypt algorithm.',
      '    Valid values are between 4 and 31.',
      '  --force-new-cluster',
      '    Force to create a new one member cluster.',
      '  etcd --config-file',
      '    Path to the server configuration file.',
    ].join('\n'),
  );
  assert.deepEqual(Object.fromEntries(help), {
    name: { default: 'default', description: 'Human-readable name for this member.' },
    'bcrypt-cost': {
      default: '10',
      description: 'Specify the cost / strength of the bcrypt algorithm. Valid values are between 4 and 31.',
    },
    'force-new-cluster': { default: '', description: 'Force to create a new one member cluster.' },
  });
});
