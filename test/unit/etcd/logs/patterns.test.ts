// summarizeLog on logs cut from real etcd 3.5 (zap JSON) and 3.4 (capnslog text) clusters
// (test/fixtures/etcd/logs, written by capture.ts there), on hand-written lines for the patterns a test cluster
// does not produce quickly (each copied in form from the etcd source line named beside it), with journal
// prefixes, and on hostile input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LOG_PATTERNS,
  MAX_EXAMPLE_CHARS,
  MAX_LINE_CHARS,
  MAX_LINES,
  summarizeLog,
  type LogPatternId,
  type LogSummary,
} from '../../../../src/etcd/logs/patterns';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'etcd', 'logs');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** The non-zero counts with their term ranges, e.g. { 'lost-leader': '1 [3-3]' }. */
function found(s: LogSummary): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of s.patterns) if (p.count > 0) out[p.id] = `${p.count}${p.terms ? ` [${p.terms.min}-${p.terms.max}]` : ''}`;
  return out;
}

function count(s: LogSummary, id: LogPatternId): number {
  return s.patterns.find((p) => p.id === id)!.count;
}

test('every pattern has a json and a text form, each naming its etcd source line, and the table has one row per id', () => {
  assert.equal(new Set(LOG_PATTERNS.map((p) => p.id)).size, LOG_PATTERNS.length);
  assert.equal(LOG_PATTERNS.length, 12);
  for (const p of LOG_PATTERNS) {
    assert.ok(
      p.forms.some((f) => f.format === 'json'),
      `${p.id} json`,
    );
    assert.ok(
      p.forms.some((f) => f.format === 'text'),
      `${p.id} text`,
    );
    for (const f of p.forms) assert.match(f.source, /\.go:\d+.*\(v3\.[45]\.\d+/, `${p.id} source`);
  }
});

/** Logs cut from real clusters (capture.ts): what each member saw, as found() shows it. */
const REAL: {
  file: string;
  what: string;
  found: Record<string, string>;
  lines: [read: number, json: number, text: number, unparseable: number];
  span: [string, string];
}[] = [
  {
    file: '3.5-etcd-2.log',
    what: 'etcd 3.5 (zap JSON): the member whose leadership was moved and then frozen sees each leader change with its term',
    found: {
      'lost-leader': '1 [3-3]',
      'elected-leader': '2 [2-3]',
      'changed-leader': '1 [4-4]',
      'new-election': '1 [2-2]',
      'became-candidate': '1 [3-3]',
    },
    lines: [10, 10, 0, 0],
    span: ['2026-11-27T21:04:45.189Z', '2026-11-27T21:04:48.762Z'],
  },
  {
    file: '3.5-etcd-3.log',
    what: 'etcd 3.5 (zap JSON): a survivor of a killed member reports the lost streams and the unhealthy prober',
    found: { 'lost-leader': '2 [3-4]', 'elected-leader': '3 [2-4]', 'prober-unhealthy': '2', 'lost-peer-stream': '4' },
    lines: [15, 15, 0, 0],
    span: ['2026-11-27T21:04:45.194Z', '2026-11-27T21:05:20.316Z'],
  },
  {
    // raft's Go log has whole seconds, capnslog microseconds (both read as UTC: no zone in the line).
    file: '3.4-etcd-2.log',
    what: "etcd 3.4 (capnslog text and raft's Go log lines): the same patterns with terms; the deprecation banner is unparseable",
    found: {
      'lost-leader': '1 [3-3]',
      'elected-leader': '2 [2-3]',
      'changed-leader': '1 [4-4]',
      'became-candidate': '1 [3-3]',
      'prober-unhealthy': '2',
      'heartbeat-late': '2',
      'lost-peer-stream': '4',
    },
    lines: [17, 0, 16, 1],
    span: ['2026-11-27T21:05:22.000Z', '2026-11-27T21:05:57.389Z'],
  },
  {
    file: '3.4-etcd-3.log',
    what: 'etcd 3.4: the member that won the election after the leader froze started it and became candidate at term 4',
    found: {
      'lost-leader': '2 [3-4]',
      'elected-leader': '3 [2-4]',
      'new-election': '1 [3-3]',
      'became-candidate': '1 [4-4]',
      'prober-unhealthy': '2',
      'lost-peer-stream': '4',
    },
    lines: [17, 0, 16, 1],
    span: ['2026-11-27T21:05:22.000Z', '2026-11-27T21:05:57.395Z'],
  },
];

for (const r of REAL) {
  test(r.what, () => {
    const s = summarizeLog(fixture(r.file));
    assert.deepEqual(found(s), r.found);
    assert.deepEqual([s.lines, s.json, s.text, s.unparseable], r.lines);
    assert.deepEqual([s.first, s.last], r.span);
  });
}

test('per pattern: first and last time, no terms outside raft, examples from the log', () => {
  const s = summarizeLog(fixture('3.5-etcd-2.log'));
  const changed = s.patterns.find((p) => p.id === 'changed-leader')!;
  assert.equal(changed.first, '2026-11-27T21:04:48.762Z');
  assert.match(changed.examples[0], /changed leader from ffbd223fcd5224b7 to 908942456f27df7e at term 4/);
  const prober = summarizeLog(fixture('3.5-etcd-3.log')).patterns.find((p) => p.id === 'prober-unhealthy')!;
  assert.equal(prober.terms, null);
  assert.equal(prober.last, '2026-11-27T21:05:20.316Z');
});

test('NOSPACE on a tiny --quota-backend-bytes is counted as database space exceeded in 3.5 and 3.4', () => {
  assert.equal(count(summarizeLog(fixture('3.5-nospace.log')), 'nospace'), 1);
  assert.equal(count(summarizeLog(fixture('3.4-nospace.log')), 'nospace'), 1);
});

test("a paused leader's late heartbeats, real zap lines of 3.5 and of 3.4 --logger=zap (millisecond ts)", () => {
  const s = summarizeLog(fixture('zap-heartbeat.log'));
  assert.deepEqual(found(s), { 'heartbeat-late': '4' });
  assert.equal(s.first, '2026-11-27T20:58:33.781Z');
  assert.equal(s.last, '2026-11-27T20:59:19.854Z');
});

// Hand-written in the form of etcd's own messages (fields as the zap calls write them).
const HAND_WRITTEN_35 = [
  // server/wal/wal.go:806 (v3.5.16): lg.Warn("slow fdatasync", took, expected-duration)
  '{"level":"warn","ts":"2024-01-02T15:04:05.123456Z","caller":"wal/wal.go:805","msg":"slow fdatasync","took":"1.532s","expected-duration":"1s"}',
  // server/etcdserver/util.go:171 (v3.5.16): "apply request took too long" with took, expected-duration, prefix, request, response
  '{"level":"warn","ts":"2024-01-02T15:04:06.000001Z","caller":"etcdserver/util.go:170","msg":"apply request took too long","took":"212.1ms","expected-duration":"100ms","prefix":"","request":"header:<ID:1 > put:<key:\\"/a\\" value_size:3 >","response":"size:6"}',
  // server/etcdserver/api/rafthttp/probing_status.go:83 (v3.5.16): "prober found high clock drift"
  '{"level":"warn","ts":"2024-01-02T15:04:07.5Z","caller":"rafthttp/probing_status.go:82","msg":"prober found high clock drift","round-tripper-name":"ROUND_TRIPPER_RAFT_MESSAGE","remote-peer-id":"8211f1d0f64f3269","clock-drift":"1.8s","rtt":"1.2ms"}',
  // api/v3rpc/rpctypes/error.go:32: the NOSPACE error text in a zap line's error field
  '{"level":"warn","ts":"2024-01-02T15:04:08Z","caller":"v3rpc/interceptor.go:197","msg":"request stats","error":"etcdserver: mvcc: database space exceeded"}',
];
const HAND_WRITTEN_34 = [
  // wal/wal.go:814 (v3.4.23): plog.Warningf("sync duration of %v, expected less than %v", took, warnSyncDuration)
  '2024-01-02 15:04:05.123456 W | wal: sync duration of 1.532s, expected less than 1s',
  // etcdserver/util.go:183 (v3.4.23): plog.Warningf("%srequest %q with result %q took too long (%v) to execute", …)
  '2024-01-02 15:04:06.000001 W | etcdserver: read-only range request "key:\\"/registry/pods\\" " with result "range_response_count:0 size:6" took too long (212.1ms) to execute',
  '2024-01-02 15:04:06.100000 W | etcdserver: request "header:<ID:1 > put:<key:\\"/a\\" value_size:3 >" with result "size:6" took too long (150ms) to execute',
  // etcdserver/api/rafthttp/probing_status.go:95 (v3.4.23): "the clock difference against peer %s is too high [%v > %v]"
  '2024-01-02 15:04:07.500000 W | rafthttp: the clock difference against peer 8211f1d0f64f3269 is too high [1.8s > 1s]',
  // etcdserver/server.go:2274 (v3.4.23): plog.Errorf("applying raft message exceeded backend quota")
  '2024-01-02 15:04:08.000000 E | etcdserver: applying raft message exceeded backend quota',
];

test('hand-written lines: slow fdatasync, slow apply, clock drift and NOSPACE in 3.5 zap JSON and in 3.4 text', () => {
  const z = summarizeLog(HAND_WRITTEN_35.join('\n'));
  assert.deepEqual(found(z), { 'slow-fdatasync': '1', 'slow-apply': '1', 'clock-drift': '1', nospace: '1' });
  assert.equal(z.first, '2024-01-02T15:04:05.123Z');
  assert.equal(z.last, '2024-01-02T15:04:08.000Z');
  const t = summarizeLog(HAND_WRITTEN_34.join('\n'));
  assert.deepEqual(found(t), { 'slow-fdatasync': '1', 'slow-apply': '2', 'clock-drift': '1', nospace: '1' });
  assert.equal(t.unparseable, 0);
});

test("a zap time with an offset is converted to UTC; epoch-seconds ts (zap's default encoder) is read too", () => {
  const s = summarizeLog(
    [
      '{"level":"warn","ts":"2024-01-02T16:04:05.000000+0100","msg":"slow fdatasync","took":"2s"}',
      '{"level":"warn","ts":1704211445.5,"msg":"slow fdatasync","took":"2s"}',
    ].join('\n'),
  );
  const p = s.patterns.find((x) => x.id === 'slow-fdatasync')!;
  assert.equal(p.count, 2);
  assert.equal(p.first, '2024-01-02T15:04:05.000Z');
  assert.equal(p.last, '2024-01-02T16:04:05.500Z');
});

test('journal and syslog prefixes (short, short-precise, short-iso) are removed: the same counts as the raw log', () => {
  const raw = fixture('3.5-etcd-2.log');
  const lines = raw.trimEnd().split('\n');
  const prefixes = [
    'Nov 27 21:04:45 member-2 etcd[1234]: ',
    'Nov  7 21:04:45.123456 member-2 etcd[1234]: ',
    '2026-11-27T21:04:45+0000 member-2 etcd[1234]: ',
    '2026-11-27T22:04:45.123456+01:00 member-2 etcd: ',
  ];
  for (const prefix of prefixes) {
    const s = summarizeLog(lines.map((l) => prefix + l).join('\n'));
    assert.deepEqual(found(s), found(summarizeLog(raw)), prefix);
    assert.equal(s.unparseable, 0, prefix);
    // etcd's own time wins over the journal's.
    assert.equal(s.first, '2026-11-27T21:04:45.189Z', prefix);
  }
  const t = summarizeLog(
    fixture('3.4-etcd-2.log')
      .trimEnd()
      .split('\n')
      .map((l) => `2026-11-27T21:05:22+0000 member-2 etcd[77]: ${l}`)
      .join('\r\n'),
  );
  assert.deepEqual(found(t), found(summarizeLog(fixture('3.4-etcd-2.log'))));
});

test('3.4 under systemd writes bare capnslog messages to the journal: matched, timed from the journal prefix', () => {
  // `journalctl -o short-iso` of capnslog's journald formatter: no capnslog time, level or package.
  const s = summarizeLog(
    [
      '2024-01-02T15:04:05+0000 host etcd[5]: lost the TCP streaming connection with peer 8211f1d0f64f3269 (stream Message reader)',
      '2024-01-02T15:04:10+0000 host etcd[5]: health check for peer 8211f1d0f64f3269 could not connect: dial tcp 10.0.0.2:2380: connect: connection refused',
      'lost the TCP streaming connection with peer 8211f1d0f64f3269 (stream MsgApp v2 writer)',
    ].join('\n'),
  );
  assert.deepEqual(found(s), { 'lost-peer-stream': '2', 'prober-unhealthy': '1' });
  assert.equal(s.unparseable, 3);
  assert.equal(s.first, '2024-01-02T15:04:05.000Z');
  assert.equal(s.last, '2024-01-02T15:04:10.000Z');
});

test('the short journal format has no year: options.year is used', () => {
  const s = summarizeLog('Feb 29 10:00:00 h etcd[1]: lost the TCP streaming connection with peer 1 (stream Message reader)', {
    year: 2024,
  });
  assert.equal(s.first, '2024-02-29T10:00:00.000Z');
});

test('hostile text: a pattern inside a member name or another field does not count; only the msg field and message starts do', () => {
  const s = summarizeLog(
    [
      // a zap field carrying a forged raft message (the name is attacker-chosen)
      '{"level":"info","ts":"2024-01-02T15:04:05Z","msg":"published local member to cluster through raft","local-member-attributes":"{Name:raft.node: 1 lost leader 2 at term 99 ClientURLs:[]}"}',
      // a forged "msg" key inside a value is escaped by zap, so it is not the msg field
      '{"level":"info","ts":"2024-01-02T15:04:05Z","caller":"x","name":"\\"msg\\":\\"slow fdatasync","msg":"ok"}',
      // capnslog: the message starts with etcd's own words, not with the name
      '2024-01-02 15:04:05.000000 I | etcdserver: published {Name:raft.node: 1 elected leader 2 at term 99 ClientURLs:[]} to cluster 1',
      '2024-01-02 15:04:05.000000 I | etcdserver: name slow fdatasync',
      // a message that ends with a forged raft line: raft's messages are matched from the message start
      '2024-01-02 15:04:05.000000 W | etcdserver: unknown member evil raft.node: 1 elected leader 2 at term 99',
      'raft2024/01/02 15:04:05 INFO: x raft.node: 1 lost leader 2 at term 99',
    ].join('\n'),
  );
  assert.deepEqual(found(s), {});
});

test('control characters and ANSI escapes in example lines are made visible or removed; examples are clipped', () => {
  const long = 'x'.repeat(5000);
  const s = summarizeLog(
    [`2024-01-02 15:04:05.000000 W | wal: sync duration of 2s, expected less than 1s \u001b[31mred\u001b[0m \u0007 \u202e ${long}`].join(
      '\n',
    ),
  );
  const [example] = s.patterns.find((p) => p.id === 'slow-fdatasync')!.examples;
  // eslint-disable-next-line no-control-regex -- the test looks for control characters
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202e]/.test(example), example.slice(0, 120));
  assert.ok(example.includes('red') && !example.includes('[31m'));
  assert.ok(example.includes('\\x07') && example.includes('\\u202e'));
  assert.ok(example.length < MAX_EXAMPLE_CHARS + 40);
});

test('examples keep the first matching line and the two most recent', () => {
  const lines = Array.from(
    { length: 6 },
    (_, i) => `2024-01-02 15:04:0${i}.000000 W | wal: sync duration of ${i + 2}s, expected less than 1s`,
  );
  const p = summarizeLog(lines.join('\n')).patterns.find((x) => x.id === 'slow-fdatasync')!;
  assert.equal(p.count, 6);
  assert.deepEqual(
    p.examples.map((e) => /of (\d)s/.exec(e)![1]),
    ['2', '6', '7'],
  );
});

test('broken JSON and over-long lines: counted, never thrown on; a long line is cut at 64 KiB', () => {
  const huge = `{"level":"warn","ts":"2024-01-02T15:04:05Z","msg":"slow fdatasync","took":"${'9'.repeat(MAX_LINE_CHARS * 2)}"}`;
  const s = summarizeLog(['{"level":"warn","msg":"slow fdat', '{}', huge, '', '   '].join('\n'));
  assert.equal(s.lines, 3);
  assert.equal(s.unparseable, 2);
  assert.equal(s.truncatedLines, 1);
  assert.equal(count(s, 'slow-fdatasync'), 1);
});

test('a line crafted against the regular expressions is read in linear time', () => {
  const evil = `2024-01-02 15:04:05.000000 W | etcdserver: request "${'" with result " took too long (1s '.repeat(3000)}`;
  const started = performance.now();
  const s = summarizeLog(Array.from({ length: 20 }, () => evil).join('\n'));
  assert.equal(s.lines, 20);
  assert.ok(performance.now() - started < 1000, `${performance.now() - started} ms`);
});

test('more than MAX_LINES lines: the most recent MAX_LINES are read and the summary says older lines were skipped', () => {
  const older = '2024-01-02 15:04:05.000000 W | wal: sync duration of 2s, expected less than 1s\n';
  const text = older.repeat(5) + 'x\n'.repeat(MAX_LINES);
  const s = summarizeLog(text);
  assert.equal(s.skippedOlder, true);
  assert.equal(s.lines, MAX_LINES);
  assert.equal(count(s, 'slow-fdatasync'), 0);
});
