// renderLogSummary: the block at the top of the log editor and `etcd-inspector logs`' output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarizeLog } from '../../../../src/etcd/logs/patterns';
import { LOWER_BOUND_NOTE, renderLogSummary } from '../../../../src/etcd/logs/render';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'etcd', 'logs');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

test('one block per member: lines read and the span, each pattern found with its count and terms, unreadable members with their error', () => {
  const text = renderLogSummary(
    [
      { name: 'etcd-2', summary: summarizeLog(fixture('3.5-etcd-2.log')) },
      { name: 'etcd-3', summary: summarizeLog(fixture('3.4-etcd-3.log')) },
      { name: 'etcd-4', summary: null, error: 'ssh: connect ECONNREFUSED 10.0.0.4:22' },
    ],
    { window: 'last 1000 lines' },
  );
  const lines = text.split('\n');
  assert.equal(lines[0], 'etcd log summary: 3 members (last 1000 lines)');
  assert.ok(lines.includes('etcd-2: 10 lines, 2026-11-27 21:04:45 to 21:04:48 UTC (4 s)'), text);
  assert.match(text, /^ {2}changed leader +1 {2}\(term 4, last 2026-11-27 21:04:48\)$/m);
  assert.match(text, /^ {2}elected leader +2 {2}\(terms 2–3, last /m);
  assert.match(text, /^ {2}lost peer connection +4 {2}\(last 2026-11-27 21:05:32\)$/m);
  assert.match(text, /^ {2}peer unreachable \(prober\) +2 /m);
  assert.match(text, /^ {2}1 line in no etcd log format/m);
  assert.ok(lines.includes('etcd-4: log not read: ssh: connect ECONNREFUSED 10.0.0.4:22'), text);
  // Patterns with no line are not listed.
  assert.doesNotMatch(text.split('etcd-3:')[0], /slow fdatasync|heartbeat/);
});

test("the lower-bound sentence appears exactly once and names etcd's sampling", () => {
  const text = renderLogSummary([
    { name: 'a', summary: summarizeLog('') },
    { name: 'b', summary: summarizeLog('') },
  ]);
  assert.equal(text.split(LOWER_BOUND_NOTE).length - 1, 1);
  assert.match(LOWER_BOUND_NOTE, /lower bounds/);
  assert.match(LOWER_BOUND_NOTE, /100/);
  assert.match(text, /^a: 0 lines$/m);
  assert.match(text, /^ {2}none of the 12 runbook patterns$/m);
});

test('member names and errors are untrusted: ANSI sequences removed, controls and line breaks escaped, long names clipped', () => {
  const text = renderLogSummary([
    { name: 'evil\u001b[2J\u001b]0;title\u0007\nforged: 0 lines\r', summary: summarizeLog('') },
    { name: 'x'.repeat(1000), summary: null, error: 'boom\n\u001b[31mfake line\u001b[0m\u202e' },
  ]);
  // eslint-disable-next-line no-control-regex -- the test looks for control characters
  assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/.test(text));
  assert.ok(!text.split('\n').some((l) => l.startsWith('forged')), text);
  assert.match(text, /^evil\\x0aforged: 0 lines\\x0d: 0 lines$/m);
  assert.match(text, /boom\\x0afake line\\u202e$/m);
  assert.ok(text.split('\n').every((l) => l.length < 500));
});

test('a log without timestamps and a day-spanning log', () => {
  const bare = renderLogSummary([
    { name: 'm', summary: summarizeLog('lost the TCP streaming connection with peer 1 (stream Message reader)') },
  ]);
  assert.match(bare, /^m: 1 line, no timestamps$/m);
  const days = summarizeLog(
    [
      '2024-01-01 23:00:00.000000 W | wal: sync duration of 2s, expected less than 1s',
      '2024-01-04 01:30:00.000000 W | wal: sync duration of 2s, expected less than 1s',
    ].join('\n'),
  );
  assert.match(
    renderLogSummary([{ name: 'm', summary: days }]),
    /^m: 2 lines, 2024-01-01 23:00:00 to 2024-01-04 01:30:00 UTC \(2 d 2 h\)$/m,
  );
});

test('examples on request: indented under their pattern', () => {
  const text = renderLogSummary([{ name: 'm', summary: summarizeLog(fixture('zap-heartbeat.log')) }], { examples: true });
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  heartbeat sent late'));
  assert.ok(at > 0, text);
  assert.equal(lines.slice(at + 1).filter((l) => l.startsWith('      {"level":"warn"')).length, 3);
});
