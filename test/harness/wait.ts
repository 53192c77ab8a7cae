// Polling for tests: leadership, health and membership settle a little after a change.
import type { ClusterSnapshot } from '../../src/etcd/model';

/** Calls `fn` until `ok` holds of its value or `timeoutMs` passes; returns the last value either way. */
export async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await fn();
  }
  return value;
}

/** Calls `fn` until it stops throwing or `timeoutMs` passes; then returns its value or throws its last error. */
export async function settles<T>(fn: () => Promise<T>, timeoutMs = 20000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}

/**
 * A healthy 3-member cluster's snapshot whose /metrics figures are over an interval with writes in it: a
 * refresh until all three are healthy, 20 puts, then a refresh that waits for every member's /metrics read.
 */
export async function healthyWithMetrics(
  inspector: { refresh(options?: { waitForMetrics?: boolean }): Promise<ClusterSnapshot> },
  cluster: { etcdctl(args: string[]): Promise<unknown> },
): Promise<ClusterSnapshot> {
  await eventually(
    () => inspector.refresh(),
    (x) => x.quorum.healthy === 3,
  );
  for (let i = 0; i < 20; i++) await cluster.etcdctl(['put', `/k${i}`, 'v']);
  return inspector.refresh({ waitForMetrics: true });
}
