// The cluster timeline: what changed between refreshes, in order, with log lines merged by their own time;
// "down since" for the cause engine; bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EVENTS, Timeline } from '../../../src/etcd/timeline';
import { NO_LEADER, type ClusterSnapshot } from '../../../src/etcd/model';
import type { LogSummary } from '../../../src/etcd/logs/patterns';
import { A, B, C, member, snapshot } from '../../support/builders';

const at = (s: ClusterSnapshot, iso: string, termChanges: number | null = null): ClusterSnapshot => ({ ...s, takenAt: iso, termChanges });

test('leader lost and elected, members down and up, alarms: each once, in order; down since', () => {
  const t = new Timeline();
  t.observe(at(snapshot([member(A), member(B), member(C)]), '2026-11-27T12:00:00.000Z'));
  assert.deepEqual(t.list(), []);
  t.observe(at(snapshot([member(A), member(B), member(C, { reachable: false })]), '2026-11-27T12:00:05.000Z'));
  t.observe(at(snapshot([member(A), member(B), member(C, { reachable: false })]), '2026-11-27T12:00:10.000Z'));
  const lost = snapshot([member(A, { reachable: false }), member(B, { leader: NO_LEADER }), member(C, { reachable: false })]);
  t.observe(at(lost, '2026-11-27T12:04:11.000Z', 1));
  assert.equal(t.downSince(C), '2026-11-27T12:00:05.000Z');
  assert.equal(t.downSince(A), '2026-11-27T12:04:11.000Z');
  assert.equal(t.downSince(B), undefined);
  assert.deepEqual(t.downSinceAll(), { [A]: '2026-11-27T12:04:11.000Z', [C]: '2026-11-27T12:00:05.000Z' });
  t.observe(
    at(
      snapshot([member(A, { leader: B }), member(B, { leader: B }), member(C, { leader: B })], [{ memberId: A, alarm: 'NOSPACE' }]),
      '2026-11-27T12:05:00.000Z',
    ),
  );
  assert.deepEqual(
    t.list().map((e) => [e.at.slice(11, 19), e.kind, e.text]),
    [
      ['12:00:05', 'member-down', 'm-c down: connection refused (etcd not running or wrong port)'],
      ['12:04:11', 'leader-lost', 'no leader (was m-a)'],
      ['12:04:11', 'term', 'raft term +1'],
      ['12:04:11', 'member-down', 'm-a down: connection refused (etcd not running or wrong port)'],
      ['12:05:00', 'leader-elected', 'm-b elected leader'],
      ['12:05:00', 'member-up', 'm-a answers again'],
      ['12:05:00', 'member-up', 'm-c answers again'],
      ['12:05:00', 'alarm-raised', 'NOSPACE alarm on m-a'],
    ],
  );
  assert.equal(t.downSince(C), undefined, 'up again');
});

test('log lines are merged by their own time; the list is bounded', () => {
  const t = new Timeline();
  t.observe(at(snapshot([member(A), member(B, { reachable: false })]), '2026-11-27T12:00:00.000Z'));
  const summary = {
    patterns: [
      {
        id: 'lost-peer-stream',
        count: 2,
        first: '2026-11-27T11:59:58.000Z',
        last: '2026-11-27T12:00:01.000Z',
        terms: null,
        examples: ['lost TCP streaming connection'],
      },
      { id: 'slow-fdatasync', count: 0, first: null, last: null, terms: null, examples: [] },
    ],
  } as unknown as LogSummary;
  t.addLogs('m-a', summary);
  assert.deepEqual(
    t.list().map((e) => [e.at.slice(11, 19), e.kind, e.member]),
    [
      ['11:59:58', 'log', 'm-a'],
      ['12:00:00', 'member-down', 'm-b'],
      ['12:00:01', 'log', 'm-a'],
    ],
  );
  for (let i = 0; i < MAX_EVENTS + 10; i++) t.addLogs('m-a', summary);
  assert.equal(t.list().length, MAX_EVENTS);
});
