// Hand-built cluster snapshots for the status view-model and the webview render test: the derived fields
// and the checklist come from the real model code, so wording and steps are what a refresh produces.
import { NO_LEADER, type AlarmReport, type ClusterSnapshot, type MemberReport } from '../../src/etcd/model';
import { snapshot as baseSnapshot } from './builders';
import type { MemberFigures } from '../../src/metrics/figures';
import { healthyFigures } from './figures';

/** Ids whose top bit is set: their decimal form needs all 64 bits (past Number.MAX_SAFE_INTEGER). */
export const ID1 = '8e9e05c52164694d';
export const ID2 = 'fd422379fda50e48';
export const ID3 = '91bc3c398fb3c146';
export const CLUSTER_ID = 'cdf818194e3a8c32';

/** The name etcd accepts and the webview must show as text. */
export const HOSTILE_NAME = '<b>x</b><script>window.__pwned=1</script>';
/** An error string from a broken endpoint, untrusted too. */
export const HOSTILE_ERROR = '<img src=x onerror=window.__pwned=2>';

const REFUSED = 'connection refused (etcd not running or wrong port)';

interface MemberOptions {
  name?: string;
  port: number;
  up?: boolean;
  leader?: string;
  term?: number;
  index?: number;
  errors?: string[];
  healthError?: string | null;
  learner?: boolean;
  started?: boolean;
  /** Its /metrics figures; by default a healthy member's when it is up. */
  figures?: MemberFigures | null;
}

export function member(id: string, o: MemberOptions): MemberReport {
  const up = o.up ?? true;
  const started = o.started ?? true;
  const healthError = o.healthError ?? null;
  return {
    id,
    name: started ? (o.name ?? `etcd-${o.port}`) : '',
    peerURLs: [`http://127.0.0.1:${o.port + 1}`],
    clientURLs: started ? [`http://127.0.0.1:${o.port}`] : [],
    isLearner: o.learner ?? false,
    isLeader: false,
    started,
    endpoint: started ? `http://127.0.0.1:${o.port}` : null,
    reachable: started && up,
    error: started && !up ? REFUSED : null,
    status:
      started && up
        ? {
            version: '3.5.16',
            dbSize: 20480,
            dbSizeInUse: 16384,
            dbSizeQuota: 2147483648,
            revision: 5,
            raftTerm: o.term ?? 2,
            raftIndex: o.index ?? 8,
            raftAppliedIndex: o.index ?? 8,
            leaderId: o.leader ?? ID1,
            errors: o.errors ?? [],
            tookMs: 3,
          }
        : null,
    health: started && up ? { healthy: healthError === null, tookMs: 2, error: healthError } : null,
    connectivity: { client: started ? up : null, peer: started ? up : null },
    raftIndexLag: null,
    fragmentationPercent: null,
    warnings: [],
    clock: null,
    metrics:
      o.figures !== undefined
        ? o.figures
        : started && up
          ? healthyFigures(
              {},
              [ID1, ID2, ID3].filter((x) => x !== id),
            )
          : null,
  };
}

/** A snapshot with derived figures and checks from the real model code (../builders), named and dated. */
export function snapshot(name: string, members: MemberReport[], alarms: AlarmReport[] = []): ClusterSnapshot {
  return {
    ...baseSnapshot(members, alarms),
    name,
    clusterId: members.some((m) => m.status) ? CLUSTER_ID : null,
    errors: members.length === 0 ? [`http://127.0.0.1:1: ${REFUSED}`] : [],
    takenAt: '2026-11-26T04:30:00.000Z',
    elapsedMs: 204,
  };
}

/** Three members, etcd-1 leads, all healthy. */
export function healthy(): ClusterSnapshot {
  return snapshot('prod', [
    member(ID1, { name: 'etcd-1', port: 2379 }),
    member(ID2, { name: 'etcd-2', port: 2389 }),
    member(ID3, { name: 'etcd-3', port: 2399 }),
  ]);
}

/** Two of three down; the survivor knows no leader and answers health with `etcdserver: no leader`. */
export function quorumLost(survivorName = 'etcd-3', survivorError = 'etcdserver: no leader'): ClusterSnapshot {
  return snapshot('prod', [
    member(ID1, { name: 'etcd-1', port: 2379, up: false }),
    member(ID2, { name: 'etcd-2', port: 2389, up: false }),
    member(ID3, { name: survivorName, port: 2399, leader: NO_LEADER, errors: [survivorError], healthError: survivorError }),
  ]);
}

/** Quorum lost with a hostile member name on the survivor and a hostile error string from it. */
export function hostile(): ClusterSnapshot {
  return quorumLost(HOSTILE_NAME, HOSTILE_ERROR);
}
