// Rolling defragment against real etcd clusters (3.5 and 3.4), nothing mocked: a fragmented db shrinks on
// every member while a writer keeps writing, the leader last (in place, or after leadership moved); read-only, a duration
// retention without history and the quorum guard (a member down) all refuse before anything changes.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdCluster, startWriters } from '../../../harness/etcdCluster';
import type { HarnessEtcdVersion } from '../../../harness/binaries';
import { ClusterInspector } from '../../../../src/etcd/probe';
import { EndpointClient } from '../../../../src/etcd/client';
import { rollingDefrag } from '../../../../src/etcd/actions/defrag';
import { ActionRefusedError, readOnlyRefusal, type ActionContext } from '../../../../src/etcd/actions/action';
import type { ClusterSnapshot } from '../../../../src/etcd/model';

const VERSIONS: HarnessEtcdVersion[] = ['3.5', '3.4'];
const VALUE = Buffer.alloc(32 * 1024, 'x');

function inspectorFor(cluster: EtcdCluster): ClusterInspector {
  return new ClusterInspector({ name: 'test', endpoints: [cluster.endpoints[0]], timeoutMs: 1000 });
}

function contextFor(inspector: ClusterInspector, over: Partial<ActionContext> = {}): ActionContext & { lines: string[] } {
  const lines: string[] = [];
  return { inspector, log: (l) => lines.push(l), longCallMs: 60_000, lines, ...over };
}

/** Writes `count` 32 KiB values under `prefix`, deletes them and writes a marker: about count × 32 KiB the history still holds. Returns the marker's revision. */
async function fragment(cluster: EtcdCluster, prefix: string, count = 160): Promise<number> {
  const client = new EndpointClient(cluster.endpoints[0], { name: 'fill', endpoints: [cluster.endpoints[0]] });
  try {
    for (let i = 0; i < count; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, count - i) }, (_, j) => client.put(`${prefix}${i + j}`, VALUE, new Date(Date.now() + 10_000))),
      );
    }
    await client.deleteKey(prefix, new Date(Date.now() + 10_000), true);
    // One more revision: a compaction to it also removes the deletion's tombstones.
    return await client.put('/marker', prefix, new Date(Date.now() + 10_000));
  } finally {
    client.close();
  }
}

async function compactTo(cluster: EtcdCluster, revision: number): Promise<void> {
  const out = await cluster.etcdctl(['compact', String(revision), '--physical']);
  assert.equal(out.code, 0, out.stderr);
}

function sizes(s: ClusterSnapshot): Record<string, number> {
  return Object.fromEntries(s.members.map((m) => [m.name, m.status?.dbSize ?? -1]));
}

/**
 * What etcd answers a write that was in flight while leadership moved: the leader drops proposals during a
 * transfer ("raft proposal dropped"), and a proposal a follower forwarded then waits out etcd's request
 * timeout. Clients retry these; any other failure is a failure of the rolling defragment.
 */
const TRANSFER_ERRORS = /raft proposal dropped|leader changed|request timed out/;

/** A 3-member cluster and an inspector on it, both gone when the test ends. */
async function started(t: TestContext, version: HarnessEtcdVersion): Promise<{ cluster: EtcdCluster; inspector: ClusterInspector }> {
  const cluster = await EtcdCluster.start({ version, size: 3 });
  const inspector = inspectorFor(cluster);
  t.after(async () => {
    inspector.dispose();
    await cluster.destroy();
  });
  return { cluster, inspector };
}

/** Refreshes until every member is healthy (after a start or restart the health read may lag). */
async function healthy(inspector: ClusterInspector, members: number): Promise<ClusterSnapshot> {
  const until = Date.now() + 15_000;
  for (;;) {
    const s = await inspector.refresh();
    if (s.quorum.healthy === members && s.leaderAgreement === true) return s;
    if (Date.now() > until) throw new Error(`cluster not healthy: ${JSON.stringify(s.quorum)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const version of VERSIONS) {
  // The two versions take the two ways the leader goes last: 3.5 the default (a short defragment: in place,
  // as etcdctl does), 3.4 with moveLeader 'always' (leadership moved to a follower first).
  const moveLeader = version === '3.5' ? 'auto' : 'always';
  test(`etcd ${version}: a fragmented db shrinks on every member under a rolling defragment while a writer keeps writing; the leader goes last, ${moveLeader === 'auto' ? 'in place (predicted short)' : 'after leadership moved'}`, async (t) => {
    const { cluster, inspector } = await started(t, version);
    await fragment(cluster, '/fill/');
    // Healthy, and every follower has applied the fill (a slow one may still be applying it).
    let before = await healthy(inspector, 3);
    for (let i = 0; i < 50 && before.members.some((m) => (m.status?.dbSize ?? 0) <= 4 * 1024 * 1024); i++) {
      await new Promise((r) => setTimeout(r, 200));
      before = await healthy(inspector, 3);
    }
    const leaderBefore = before.leaderId;
    assert.ok(leaderBefore);
    for (const m of before.members) assert.ok((m.status?.dbSize ?? 0) > 4 * 1024 * 1024, `${m.name} holds the written values`);

    const writers = startWriters(cluster.endpoints, { pauseMs: 20, deadlineMs: 10_000 });
    const completed = (): number[] => writers.records.flatMap((r) => r.done).sort((a, b) => a - b);
    // The deleted values lie more than the 10 kept revisions back once the writers have written a few dozen.
    while (completed().length < 40) await new Promise((r) => setTimeout(r, 50));
    const startedAt = performance.now();
    const result = await rollingDefrag(contextFor(inspector), { compact: { keepRevisions: 10 }, catchUpTimeoutMs: 30_000, moveLeader });
    const endedAt = performance.now();
    await new Promise((r) => setTimeout(r, 300));
    const failures = (await writers.stop()).flatMap((r) => r.failed.map((f) => `${r.endpoint}: ${f}`));

    assert.equal(result.ok, true, JSON.stringify(result, null, 2));
    assert.equal(result.cancelled, false);
    assert.match(result.steps[0].text, /^compacted the history to revision \d+ /, 'compaction first');
    const defrags = result.steps.filter((s) => s.text.startsWith('defragmented'));
    assert.equal(defrags.length, 3, result.steps.map((s) => s.text).join('\n'));
    assert.equal(defrags.at(-1)?.memberId, leaderBefore, 'the leader is defragmented last');
    const moveIndex = result.steps.findIndex((s) => s.text.startsWith('moved leadership from'));
    if (moveLeader === 'always')
      assert.ok(moveIndex > 0 && moveIndex === result.steps.length - 2, 'leadership moved just before the old leader was defragmented');
    else
      assert.equal(
        moveIndex,
        -1,
        `a few MB defragment in well under 5 s: the leader in place\n${result.steps.map((s) => s.text).join('\n')}`,
      );
    for (const step of defrags) {
      const { dbSizeBefore, dbSizeAfter } = step.details as { dbSizeBefore: number; dbSizeAfter: number };
      assert.ok(dbSizeAfter < dbSizeBefore / 2, `${step.memberName}: ${dbSizeBefore} → ${dbSizeAfter}`);
    }
    const after = await inspector.refresh();
    if (moveLeader === 'always') assert.notEqual(after.leaderId, leaderBefore, 'the old leader no longer leads');
    else assert.equal(after.leaderId, leaderBefore, 'leadership stayed');
    for (const m of after.members) assert.ok((m.status?.dbSize ?? Infinity) < 3 * 1024 * 1024, `${m.name}: ${m.status?.dbSize}`);

    assert.deepEqual(
      failures.filter((f) => moveLeader === 'auto' || !TRANSFER_ERRORS.test(f)),
      [],
      moveLeader === 'auto' ? 'no write failed' : 'no write failed, except one in flight while leadership moved',
    );
    assert.ok(failures.length <= 3, failures.join('\n'));
    const during = completed().filter((at) => at >= startedAt && at <= endedAt);
    assert.ok(during.length >= 5, `writes kept completing during the defragment (${during.length} in ${endedAt - startedAt} ms)`);
    const gaps = [startedAt, ...during, endedAt].slice(1).map((at, i) => at - [startedAt, ...during][i]);
    assert.ok(Math.max(...gaps) < 2000, `writes completed throughout: never 2 s without one anywhere (longest ${Math.max(...gaps)} ms)`);
  });

  test(`etcd ${version}: read-only, a duration retention without history and the quorum guard with a member down refuse before any change; insisting overrides the guard`, async (t) => {
    const { cluster, inspector } = await started(t, version);
    const filledAt = await fragment(cluster, '/fill/', 96);
    const before = await healthy(inspector, 3);

    // Read-only: refused before the compaction (the old revision is still readable) and before any defragment.
    await assert.rejects(
      rollingDefrag(contextFor(inspector, { readOnly: true }), { compact: { keepRevisions: 0 } }),
      (e: unknown) => e instanceof ActionRefusedError && e.message === readOnlyRefusal('test'),
    );
    const old = await cluster.etcdctl(['get', '/fill/0', `--rev=${filledAt - 1}`]);
    assert.equal(old.code, 0, `history not compacted: ${old.stderr}`);
    // A db only grows until it is defragmented (bbolt may still be committing the fill: larger is fine).
    const now = sizes(await inspector.refresh());
    for (const [name, size] of Object.entries(sizes(before)))
      assert.ok(now[name] >= size, `${name} was not defragmented: ${size} → ${now[name]}`);

    // A duration retention needs a revision that old: a new inspector (as the CLI has) has none.
    const fresh = inspectorFor(cluster);
    try {
      await assert.rejects(rollingDefrag(contextFor(fresh), { compact: { keepDurationMs: 60_000 } }), (e: unknown) => {
        assert.ok(e instanceof ActionRefusedError);
        assert.match(e.message, /^no revision of 60 s ago is known: .*keep a number of revisions instead$/);
        return true;
      });
    } finally {
      fresh.dispose();
    }
    assert.equal((await cluster.etcdctl(['get', '/fill/0', `--rev=${filledAt - 1}`])).code, 0, 'still not compacted');

    // The guard: compact so that a defragment would shrink the db, then kill a follower.
    await compactTo(cluster, filledAt);
    const follower = before.members.find((m) => !m.isLeader);
    assert.ok(follower);
    await cluster.kill(follower.name);
    const down = await inspector.refresh();
    const lines: string[] = [];
    await assert.rejects(rollingDefrag(contextFor(inspector, { log: (l) => lines.push(l) }), {}), (e: unknown) => {
      assert.ok(e instanceof ActionRefusedError);
      assert.match(
        e.message,
        new RegExp(
          `^the quorum guard refuses: 3 voting members, 1 unhealthy \\(${follower.name}\\): defragmenting etcd-\\d leaves 1 of the 2 needed$`,
        ),
      );
      return true;
    });
    assert.deepEqual(lines, [], 'nothing was done');
    const still = await inspector.refresh();
    for (const m of still.members.filter((x) => x.reachable)) {
      const was = down.members.find((x) => x.id === m.id)?.status?.dbSize ?? Infinity;
      assert.ok((m.status?.dbSize ?? 0) >= was, `${m.name} was not defragmented: ${was} → ${m.status?.dbSize}`);
    }

    // The user insists: the two members left are defragmented (the dead one skipped) and shrink.
    const insisted = await rollingDefrag(contextFor(inspector, { insist: true }), { catchUpTimeoutMs: 30_000 });
    assert.equal(insisted.ok, true, JSON.stringify(insisted.error));
    assert.match(insisted.steps.find((st) => st.memberName === follower.name)?.text ?? '', /^skipped .*: out of service/);
    for (const step of insisted.steps.filter((st) => st.text.startsWith('defragmented'))) {
      const { dbSizeBefore, dbSizeAfter } = step.details as { dbSizeBefore: number; dbSizeAfter: number };
      assert.ok(dbSizeAfter < dbSizeBefore / 2, `${step.memberName}: ${dbSizeBefore} → ${dbSizeAfter}`);
    }
    assert.equal(insisted.steps.filter((st) => st.text.startsWith('defragmented')).length, 2);
  });

  test(`etcd ${version}: a duration retention compacts to the revision the cluster had that long ago, as seen by earlier refreshes; a cancelled run changes nothing`, async (t) => {
    const { cluster, inspector } = await started(t, version);
    const filledAt = await fragment(cluster, '/fill/', 32);
    await healthy(inspector, 3);
    await new Promise((r) => setTimeout(r, 1200));
    // Written after the sample: a duration retention of 1 s must keep these revisions.
    const client = new EndpointClient(cluster.endpoints[0], { name: 'w', endpoints: [cluster.endpoints[0]] });
    const later = await client.put('/later', '1', new Date(Date.now() + 10_000));
    client.close();
    // Cancelled before it began: nothing is compacted.
    const aborted = await rollingDefrag(contextFor(inspector, { signal: AbortSignal.abort() }), { compact: { keepDurationMs: 1000 } });
    assert.deepEqual({ ok: aborted.ok, cancelled: aborted.cancelled, steps: aborted.steps }, { ok: false, cancelled: true, steps: [] });
    assert.equal((await cluster.etcdctl(['get', '/fill/0', `--rev=${filledAt - 1}`])).code, 0, 'not compacted');

    const result = await rollingDefrag(contextFor(inspector), { compact: { keepDurationMs: 1000 } });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const { revision } = result.steps[0].details as { revision: number };
    assert.equal(revision, filledAt, 'the revision of the refresh taken more than 1 s before');
    assert.ok(revision < later);
    assert.equal((await cluster.etcdctl(['get', '/later', `--rev=${revision}`])).code, 0, 'the compaction revision is kept');
    const compacted = await cluster.etcdctl(['get', '/fill/0', `--rev=${revision - 1}`]);
    assert.match(compacted.stderr, /required revision has been compacted/);
  });
}
