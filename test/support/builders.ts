// Hand-built snapshots for unit tests of pure logic (model, checklist, tree model, view-models).
import { deriveModel, quorumOf, NO_LEADER, type ClusterSnapshot, type MemberReport } from '../../src/etcd/model';
import { evaluateChecklist } from '../../src/etcd/checklist';

export const A = '000000000000000a';
export const B = '000000000000000b';
export const C = '000000000000000c';

export function member(
  id: string,
  over: Partial<MemberReport> & {
    leader?: string;
    raftIndex?: number;
    applied?: number;
    dbSize?: number;
    inUse?: number;
    quota?: number | null;
    term?: number;
    errors?: string[];
  } = {},
): MemberReport {
  const {
    leader,
    raftIndex = 100,
    applied,
    dbSize = 1000,
    inUse = 750,
    quota = 4000,
    term = 2,
    errors = [],
    clock = null,
    metrics = null,
    ...rest
  } = over;
  const reachable = rest.reachable ?? true;
  return {
    id,
    name: `m-${id.slice(-1)}`,
    peerURLs: [`http://127.0.0.1:2380`],
    clientURLs: [`http://127.0.0.1:2379`],
    isLearner: false,
    isLeader: false,
    started: true,
    endpoint: 'http://127.0.0.1:2379',
    reachable,
    error: reachable ? null : 'connection refused (etcd not running or wrong port)',
    status: reachable
      ? {
          version: '3.5.16',
          dbSize,
          dbSizeInUse: inUse,
          dbSizeQuota: quota,
          revision: raftIndex,
          raftTerm: term,
          raftIndex,
          raftAppliedIndex: applied ?? raftIndex,
          leaderId: leader ?? A,
          errors,
          tookMs: 1,
        }
      : null,
    health: reachable
      ? { healthy: (leader ?? A) !== NO_LEADER, tookMs: 1, error: (leader ?? A) !== NO_LEADER ? null : 'etcdserver: no leader' }
      : null,
    connectivity: { client: reachable, peer: reachable },
    raftIndexLag: null,
    fragmentationPercent: null,
    warnings: [],
    clock,
    metrics,
    ...rest,
  };
}

export function snapshot(members: MemberReport[], alarms: ClusterSnapshot['alarms'] = []): ClusterSnapshot {
  const s: ClusterSnapshot = {
    name: 't',
    clusterId: 'ffffffffffffffff',
    leaderId: null,
    leaderName: null,
    leaderAgreement: null,
    quorum: quorumOf([]),
    members,
    alarms,
    checks: [],
    unmatchedEndpoints: [],
    errors: [],
    termChanges: null,
    takenAt: '',
    elapsedMs: 0,
  };
  deriveModel(s);
  s.checks = evaluateChecklist(s);
  return s;
}
