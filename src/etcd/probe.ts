// One refresh of a cluster: discover the members through whichever endpoint answers first, then probe
// every member in parallel, each under its own deadline, reporting each member as soon as it is done.
// A dead, hung, TLS-refusing or garbage-speaking member costs its own row at most one deadline and
// delays no other row.
import { DeadlineError, EndpointClient, describeError, type RawMember, type RawStatus } from './client';
import { toHexId } from './ids';
import { DEFAULT_TIMEOUT_MS, type ConnectionProfile } from './profile';
import { tcpConnects } from './tcp';
import {
  NO_LEADER,
  deriveModel,
  termChangesBetween,
  quorumOf,
  type AlarmReport,
  type ClusterSnapshot,
  type MemberReport,
  type MemberStatus,
} from './model';
import { evaluateChecklist } from './checklist';
import { scrapeMetrics } from '../metrics/scrape';

/** Options of one refresh. */
export interface RefreshOptions {
  /** Called with each member's report as soon as it is complete (before derived cluster figures exist). */
  onMember?: (member: MemberReport) => void;
}

/** Quotas change only with a restart: re-read them this rarely. */
const QUOTA_TTL_MS = 5 * 60_000;

/** Parses the alarms a member lists in its status errors ("memberID:123 alarm:NOSPACE "). */
export function alarmsFromStatusErrors(errors: string[]): AlarmReport[] {
  return errors.flatMap((e) => {
    const match = /memberID:(\d+)\s+alarm:([A-Z]+)/.exec(e);
    return match ? [{ memberId: toHexId(match[1]), alarm: match[2] }] : [];
  });
}

/** Inspects one cluster; keeps its gRPC connections and the previous snapshot between refreshes. */
export class ClusterInspector {
  private readonly clients = new Map<string, EndpointClient>();
  private readonly quotas = new Map<string, { bytes: number; at: number }>();
  private previous: ClusterSnapshot | undefined;
  private knownEndpoints: string[] = [];

  constructor(readonly profile: ConnectionProfile) {}

  get timeoutMs(): number {
    return this.profile.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The last completed snapshot, if any. */
  get last(): ClusterSnapshot | undefined {
    return this.previous;
  }

  async refresh(options: RefreshOptions = {}): Promise<ClusterSnapshot> {
    const started = Date.now();
    const timeoutMs = this.timeoutMs;
    const snapshot: ClusterSnapshot = {
      name: this.profile.name,
      clusterId: null,
      leaderId: null,
      leaderName: null,
      leaderAgreement: null,
      quorum: quorumOf([]),
      members: [],
      alarms: [],
      checks: [],
      unmatchedEndpoints: [],
      errors: [],
      termChanges: null,
      takenAt: new Date(started).toISOString(),
      elapsedMs: 0,
    };

    // Discovery: the given endpoints plus every client URL learnt before, so the cluster stays reachable
    // through whichever member still answers.
    const candidates = [...new Set([...this.profile.endpoints, ...this.knownEndpoints])];
    const deadline = new Date(started + timeoutMs);
    const attempts = candidates.map((endpoint) =>
      this.client(endpoint)
        .memberList(deadline)
        .then((list) => ({ endpoint, list, error: null as string | null }))
        .catch((error: unknown) => ({ endpoint, list: null, error: describeError(error, timeoutMs) })),
    );
    const firstList = await firstSuccess(attempts);

    if (!firstList) {
      const results = await Promise.all(attempts);
      snapshot.errors = results.map((r) => `${r.endpoint}: ${r.error ?? 'no member list'}`);
      return this.finish(snapshot, started);
    }
    snapshot.clusterId = toHexId(firstList.clusterId);
    const members = firstList.members;
    this.knownEndpoints = members.flatMap((m) => m.clientURLs);

    // Probing: every member in parallel. Discovery and probes share one deadline, so a refresh never
    // takes longer than the deadline however the members fail.
    snapshot.members = await Promise.all(
      members.map(async (raw) => {
        const report = await this.probeMember(raw, deadline, timeoutMs);
        options.onMember?.(report);
        return report;
      }),
    );

    // Given endpoints that are no member's client URL (a typo, a proxy, a garbage port): say what they did.
    const memberUrls = new Set(snapshot.members.flatMap((m) => m.clientURLs));
    const unmatched = this.profile.endpoints.filter((e) => !memberUrls.has(e));
    if (unmatched.length > 0) {
      const results = await Promise.all(attempts.filter((_, i) => unmatched.includes(candidates[i])));
      snapshot.unmatchedEndpoints = results.map((r) => ({ endpoint: r.endpoint, error: r.error }));
    }
    this.dropClientsExcept(new Set([...candidates, ...memberUrls]));

    const alarms = new Map<string, AlarmReport>();
    for (const m of snapshot.members)
      for (const a of alarmsFromStatusErrors(m.status?.errors ?? [])) alarms.set(`${a.memberId}/${a.alarm}`, a);
    snapshot.alarms = [...alarms.values()];
    return this.finish(snapshot, started);
  }

  private finish(snapshot: ClusterSnapshot, started: number): ClusterSnapshot {
    deriveModel(snapshot);
    snapshot.termChanges = termChangesBetween(this.previous, snapshot);
    snapshot.checks = evaluateChecklist(snapshot);
    snapshot.elapsedMs = Date.now() - started;
    this.previous = snapshot;
    return snapshot;
  }

  private async probeMember(raw: RawMember, deadline: Date, timeoutMs: number): Promise<MemberReport> {
    const id = toHexId(raw.ID);
    const started = raw.name !== '' || raw.clientURLs.length > 0;
    const endpoint = this.pickEndpoint(raw.clientURLs);
    const report: MemberReport = {
      id,
      name: raw.name,
      peerURLs: raw.peerURLs,
      clientURLs: raw.clientURLs,
      isLearner: raw.isLearner,
      isLeader: false,
      started,
      endpoint,
      reachable: false,
      error: null,
      status: null,
      health: null,
      connectivity: { client: null, peer: null },
      raftIndexLag: null,
      fragmentationPercent: null,
    };
    const connectTimeout = Math.max(1, deadline.getTime() - Date.now());
    const peer = raw.peerURLs[0] ? tcpConnects(raw.peerURLs[0], connectTimeout) : Promise.resolve(null);
    if (!endpoint) {
      report.error = started ? 'the member advertises no client URL' : 'added to the cluster but not started yet';
      report.connectivity.peer = await peer;
      return report;
    }
    const clientPort = tcpConnects(endpoint, connectTimeout);
    const quota = this.quota(id, endpoint, deadline);
    const client = this.client(endpoint);
    const statusStarted = Date.now();
    try {
      const raw = await client.status(deadline);
      report.status = toMemberStatus(raw, Date.now() - statusStarted);
      report.reachable = true;
      if (report.status && toHexId(raw.header.member_id) !== id) {
        report.error = `${endpoint} answered as member ${toHexId(raw.header.member_id)}, not ${id}`;
      }
    } catch (error) {
      report.error = describeError(error, timeoutMs);
    }
    if (report.status) report.health = await this.health(client, report, deadline, timeoutMs);
    const [clientOk, peerOk, quotaBytes] = await Promise.all([clientPort, peer, quota]);
    report.connectivity = { client: clientOk, peer: peerOk };
    if (report.status && report.status.dbSizeQuota === null) report.status.dbSizeQuota = quotaBytes;
    return report;
  }

  /** etcd's health: the "health" key can be read and no NOSPACE/CORRUPT alarm is active. */
  private async health(client: EndpointClient, report: MemberReport, deadline: Date, timeoutMs: number): Promise<MemberReport['health']> {
    const status = report.status as MemberStatus;
    const started = Date.now();
    if (status.leaderId === NO_LEADER) return { healthy: false, tookMs: 0, error: 'etcdserver: no leader' };
    let error: string | null = null;
    try {
      // Learners serve no linearizable reads; etcd checks them with a serializable one.
      await client.healthGet(deadline, report.isLearner);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (!/permission denied/i.test(message))
        error = e instanceof DeadlineError ? describeError(e, timeoutMs) : describeError(e, timeoutMs);
    }
    const tookMs = Date.now() - started;
    const alarms = alarmsFromStatusErrors(status.errors).filter((a) => a.alarm === 'NOSPACE' || a.alarm === 'CORRUPT');
    if (error === null && alarms.length > 0) error = `Active Alarm(s): ${[...new Set(alarms.map((a) => a.alarm))].join(' ')}`;
    return { healthy: error === null, tookMs, error };
  }

  /** The member's backend quota from its metrics, cached: it only changes when etcd restarts. */
  private async quota(id: string, endpoint: string, deadline: Date): Promise<number | null> {
    const cached = this.quotas.get(id);
    if (cached && Date.now() - cached.at < QUOTA_TTL_MS) return cached.bytes;
    try {
      const metrics = await scrapeMetrics(endpoint, deadline, this.profile.tls);
      if (metrics.quotaBackendBytes === null) return null;
      this.quotas.set(id, { bytes: metrics.quotaBackendBytes, at: Date.now() });
      return metrics.quotaBackendBytes;
    } catch {
      return null;
    }
  }

  private pickEndpoint(clientURLs: string[]): string | null {
    // Prefer a URL the user named (it is the address known to work from here), then the first http(s) one.
    return clientURLs.find((u) => this.profile.endpoints.includes(u)) ?? clientURLs.find((u) => /^https?:/.test(u)) ?? null;
  }

  private client(endpoint: string): EndpointClient {
    let client = this.clients.get(endpoint);
    if (!client) {
      client = new EndpointClient(endpoint, this.profile);
      this.clients.set(endpoint, client);
    }
    return client;
  }

  private dropClientsExcept(keep: Set<string>): void {
    for (const [endpoint, client] of this.clients) {
      if (!keep.has(endpoint)) {
        client.close();
        this.clients.delete(endpoint);
      }
    }
  }

  /** Closes every connection. */
  dispose(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

function toMemberStatus(raw: RawStatus, tookMs: number): MemberStatus {
  return {
    version: raw.version,
    dbSize: Number(raw.dbSize),
    dbSizeInUse: Number(raw.dbSizeInUse),
    dbSizeQuota: null,
    raftTerm: Number(raw.raftTerm),
    raftIndex: Number(raw.raftIndex),
    raftAppliedIndex: Number(raw.raftAppliedIndex),
    leaderId: toHexId(raw.leader),
    errors: raw.errors ?? [],
    tookMs,
  };
}

/** Resolves with the first attempt that produced a member list, or undefined when all failed. */
function firstSuccess<T extends { list: unknown }>(
  attempts: Promise<T>[],
): Promise<(T & { list: NonNullable<T['list']> })['list'] | undefined> {
  return new Promise((resolve) => {
    let pending = attempts.length;
    if (pending === 0) resolve(undefined);
    for (const attempt of attempts) {
      void attempt.then((result) => {
        if (result.list) resolve(result.list as NonNullable<T['list']>);
        else if (--pending === 0) resolve(undefined);
      });
    }
  });
}
