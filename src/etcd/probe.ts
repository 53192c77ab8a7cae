// One refresh of a cluster: discover the members through whichever endpoint answers first, then probe
// every member in parallel, each under its own deadline, reporting each member as soon as it is done.
// A dead, hung, TLS-refusing or garbage-speaking member costs its own row at most one deadline and
// delays no other row.
import { EndpointClient, REFUSED, describeError, type Failure, type RawMember, type RawStatus } from './client';
import { toHexId } from './ids';
import { DEFAULT_TIMEOUT_MS, metricsBaseUrl, type ConnectionProfile } from './profile';
import { probePort, tcpConnects, type PortState } from './tcp';
import {
  NO_LEADER,
  deriveModel,
  termChangesBetween,
  quorumOf,
  type AlarmReport,
  type ClusterSnapshot,
  type MemberHealth,
  type MemberReport,
  type MemberStatus,
  type MemberWarning,
  type MemberListView,
} from './model';
import { evaluateChecklist } from './checklist';
import { scrapeMember } from '../metrics/scrape';
import { MetricsHistory, type MemberFigures } from '../metrics/figures';
import { advertisedUrlProblem } from './advertised';
import { PeerClock, type ClockResult } from './clock';
import { chooseAnswer, coversMajority, type DiscoveryAnswer } from './discovery';

/** Options of one refresh. */
export interface RefreshOptions {
  /** Called with each member's report as soon as it is complete (before derived cluster figures exist). */
  onMember?: (member: MemberReport) => void;
  /**
   * Wait for every member's /metrics read. By default a member that has been read before does not make the
   * refresh wait for its page (etcd takes milliseconds of CPU to write it): the refresh takes the newest
   * figures at hand, and a read still running lands in the member's history for the next refresh. A
   * one-shot command that compares two reads (diagnose --interval) waits.
   */
  waitForMetrics?: boolean;
}

/** One /metrics read of a member, as a refresh uses it. */
interface Scraped {
  /** When the read ended (ms since the epoch). */
  at: number;
  figures: MemberFigures | null;
  quotaBytes: number | null;
  error: string | null;
  /** The error is a closed port or the deadline, what the member's own error says when it did not answer either. */
  redundant?: boolean;
}

/** How long the endpoint that answered last time gets before every other candidate is asked too. */
const HEDGE_MS = 100;

/** One endpoint's answer (or failure) to the discovery member list. */
interface DiscoveryAttempt {
  endpoint: string;
  list: Awaited<ReturnType<EndpointClient['memberList']>> | null;
  error: Failure | null;
}

/** A member list received in discovery: what discovery weighs of it, and the list. */
type Answered = DiscoveryAnswer & { list: NonNullable<DiscoveryAttempt['list']> };

/** A member whose status takes longer than this also gets a TCP connect to its client port. */
const CLIENT_PORT_PROBE_AFTER_MS = 50;
/** How long an open peer port is believed open while its member keeps answering. */
const PEER_CHECK_TTL_MS = 30_000;

/** A member's /metrics is read at most this often (the figures are over minutes; writing the page costs etcd CPU). */
const METRICS_MIN_INTERVAL_MS = 5000;

/** Quotas change only with a restart: a quota read this recently stands in when a scrape fails. */
const QUOTA_TTL_MS = 5 * 60_000;

/** Most (time, revision) samples kept for revisionAt(); when full, every other one is dropped (older ones thin out). */
const REVISION_SAMPLES = 512;

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
  /** Every member's recent /metrics scrapes: the figures of each refresh are differences against them. */
  readonly metrics = new MetricsHistory();
  /** The /metrics read running for a member, and the last one completed. */
  private readonly metricsReads = new Map<string, Promise<Scraped>>();
  private readonly lastMetrics = new Map<string, Scraped>();
  /** The current refresh's RefreshOptions.waitForMetrics. */
  private waitForMetrics = false;
  private previous: ClusterSnapshot | undefined;
  private knownEndpoints: string[] = [];
  private lastGood: string | undefined;
  /** The cluster a refresh chose because it accounts for most given endpoints: later refreshes take it at once. */
  private trustedClusterId: string | undefined;
  private lastMembers: RawMember[] = [];
  private readonly peerChecks = new Map<string, { url: string; at: number }>();
  /** Member id → a given endpoint that answered discovery as that member. */
  private readonly answeredAs = new Map<string, string>();
  /** (time, highest revision seen) per refresh, oldest first: what revisionAt() answers from. */
  private readonly revisions: Array<{ at: number; revision: number }> = [];
  /** Reads member clocks on their peer ports (GET /raft/probing), its connections kept between refreshes. */
  private readonly peerClock: PeerClock;

  constructor(readonly profile: ConnectionProfile) {
    this.peerClock = new PeerClock(profile.peerTls, profile.dial);
  }

  get timeoutMs(): number {
    return this.profile.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The last completed snapshot, if any. */
  get last(): ClusterSnapshot | undefined {
    return this.previous;
  }

  /**
   * The cluster's store revision `ms` ago, as seen by a refresh at or before then (so at most the revision
   * it had: compacting to it keeps at least the last `ms` of history), or null when no refresh is that old.
   */
  revisionAt(ms: number): number | null {
    const cutoff = Date.now() - ms;
    for (let i = this.revisions.length - 1; i >= 0; i--) if (this.revisions[i].at <= cutoff) return this.revisions[i].revision;
    return null;
  }

  /** Records the highest revision a refresh saw, stamped when it was seen. */
  private noteRevision(members: MemberReport[]): void {
    const revision = Math.max(0, ...members.map((m) => m.status?.revision ?? 0));
    if (revision <= 0) return;
    this.revisions.push({ at: Date.now(), revision });
    if (this.revisions.length > REVISION_SAMPLES) {
      const kept = this.revisions.filter((_, i) => i % 2 === 1 || i === this.revisions.length - 1);
      this.revisions.splice(0, this.revisions.length, ...kept);
    }
  }

  async refresh(options: RefreshOptions = {}): Promise<ClusterSnapshot> {
    const started = Date.now();
    this.waitForMetrics = options.waitForMetrics === true;
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
      discoveryErrors: [],
      termChanges: null,
      takenAt: new Date(started).toISOString(),
      elapsedMs: 0,
    };

    // Discovery: the endpoint that answered last time first; if it has not answered within HEDGE_MS (or
    // failed), every other candidate at once — the given endpoints plus every client URL learnt before —
    // so the cluster stays reachable through whichever member still answers.
    const deadline = new Date(started + timeoutMs);
    const candidates = [...new Set([...this.profile.endpoints, ...this.knownEndpoints])];
    const attempts = new Map<string, Promise<DiscoveryAttempt>>();
    /** The member lists received so far, in the order they came. */
    const answered: Answered[] = [];
    const attempt = (endpoint: string): Promise<DiscoveryAttempt> => {
      let pending = attempts.get(endpoint);
      if (!pending) {
        // Through a promise: a client that cannot be built (an unreadable TLS file) fails this attempt.
        pending = Promise.resolve()
          .then(() => this.client(endpoint).memberList(deadline))
          .then((list) => {
            // A given endpoint that answered as a member reaches that member, whatever the member advertises.
            if (this.profile.endpoints.includes(endpoint)) this.answeredAs.set(toHexId(list.memberId), endpoint);
            answered.push({ endpoint, clusterId: toHexId(list.clusterId), clientUrls: list.members.flatMap((m) => m.clientURLs), list });
            return { endpoint, list, error: null };
          })
          .catch((error: unknown) => ({ endpoint, list: null, error: describeError(error, timeoutMs) }));
        attempts.set(endpoint, pending);
      }
      return pending;
    };
    const choose = (settled: boolean): Answered | undefined =>
      chooseAnswer(this.profile.endpoints, answered, settled, this.trustedClusterId);
    // The members of the last refresh are probed while the member list is fetched again, saving a round
    // trip; a member whose entry changed meanwhile is probed afresh below.
    const speculative = new Map(this.lastMembers.map((raw) => [raw.ID, { raw, report: this.probeMember(raw, deadline, timeoutMs) }]));
    let found: Answered | undefined;
    if (this.lastGood && candidates.includes(this.lastGood)) {
      await Promise.race([attempt(this.lastGood), sleep(HEDGE_MS)]);
      found = choose(false);
    }
    found ??= await firstChosen(candidates.map(attempt), choose);

    if (!found) {
      const results = await Promise.all(candidates.map(attempt));
      snapshot.discoveryErrors = results.map((r) => ({
        endpoint: r.endpoint,
        error: r.error?.text ?? 'no member list',
        errorKind: r.error?.kind ?? 'other',
      }));
      snapshot.errors = snapshot.discoveryErrors.map((e) => `${e.endpoint}: ${e.error}`);
      return this.finish(snapshot, started);
    }
    this.lastGood = found.endpoint;
    snapshot.clusterId = found.clusterId;
    if (coversMajority(found, this.profile.endpoints, answered)) this.trustedClusterId = found.clusterId;
    const members = found.list.members;
    // Only URLs that pass the scheme policy become discovery candidates: a member cannot steer the next
    // refresh (and the password) to an address of its choosing.
    this.knownEndpoints = members.flatMap((m) => m.clientURLs).filter((u) => advertisedUrlProblem(u, this.profile.endpoints) === null);
    this.lastMembers = members;

    // Given endpoints that are no member's client URL (a typo, a proxy, a garbage port): say what they
    // did. Tried alongside the member probes, under the same deadline.
    const memberUrls = new Set(members.flatMap((m) => m.clientURLs));
    const unmatched = Promise.all(this.profile.endpoints.filter((e) => !memberUrls.has(e)).map(attempt));

    // Probing: every member in parallel. Discovery and probes share one deadline, so a refresh never
    // takes longer than the deadline however the members fail.
    snapshot.members = await Promise.all(
      members.map(async (raw) => {
        const early = speculative.get(raw.ID);
        const report = early && sameEntry(early.raw, raw) ? await early.report : await this.probeMember(raw, deadline, timeoutMs);
        options.onMember?.(report);
        return report;
      }),
    );
    snapshot.unmatchedEndpoints = (await unmatched).map((r) =>
      r.error
        ? { endpoint: r.endpoint, error: r.error.text, errorKind: r.error.kind }
        : {
            endpoint: r.endpoint,
            error: null,
            ...(r.list ? { clusterId: toHexId(r.list.clusterId), memberId: toHexId(r.list.memberId) } : {}),
          },
    );
    this.dropClientsExcept(new Set([...candidates, ...memberUrls]));
    this.metrics.keepOnly(new Set(members.map((m) => toHexId(m.ID))));

    const alarms = new Map<string, AlarmReport>();
    for (const m of snapshot.members)
      for (const a of alarmsFromStatusErrors(m.status?.errors ?? [])) alarms.set(`${a.memberId}/${a.alarm}`, a);
    snapshot.alarms = [...alarms.values()];
    this.noteRevision(snapshot.members);
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
    const problems = raw.clientURLs.map((u) => advertisedUrlProblem(u, this.profile.endpoints));
    const usable = raw.clientURLs.filter((_, i) => problems[i] === null);
    const warnings = problems.filter((p): p is string => p !== null).map((message): MemberWarning => ({ kind: 'advertised-url', message }));
    const endpoint = this.pickEndpoint(id, usable);
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
      warnings,
      clock: null,
      metrics: null,
    };
    const peerUrl = raw.peerURLs[0];
    const peer = peerUrl ? this.peerOpen(id, peerUrl, deadline) : Promise.resolve(null);
    // The clock is read on the peer port under the same deadline, once the member's other reads are done (or
    // half the deadline has passed): a round trip measured while this process and the member are busy with
    // them is long, so the reading would be vague and take every sample (in a fresh `status` process, five
    // members' clocks cost 25 round trips instead of 5). A member whose client port fails may still show its
    // clock, and a hung peer port costs no more than the deadline.
    let othersDone: () => void = () => undefined;
    const clock =
      started && peerUrl
        ? waitFor(new Promise<void>((resolve) => (othersDone = resolve)), timeoutMs / 2).then(() =>
            this.measureClock(peerUrl, deadline, timeoutMs),
          )
        : Promise.resolve(null);
    if (!endpoint) {
      othersDone();
      setError(report, {
        kind: 'other',
        text: !started
          ? 'added to the cluster but not started yet'
          : warnings.length > 0
            ? `not probed: the member ${warnings[0].message}`
            : 'the member advertises no client URL',
      });
      report.connectivity.peer = await peer;
      setClock(report, await clock);
      return report;
    }
    // A client that cannot be built (an unreadable TLS file) is this member's error, not the refresh's.
    let client: EndpointClient;
    try {
      client = this.client(endpoint);
    } catch (error) {
      setError(report, describeError(error, timeoutMs));
      othersDone();
      report.connectivity.peer = await peer;
      setClock(report, await clock);
      return report;
    }
    // Reached through a given endpoint rather than anything it advertises: the advertised URLs are what
    // other clients use, so check that they accept connections (TCP only: no request is sent there). When
    // the member is probed at one of its own URLs, the others are left alone: a second URL is often a
    // loopback one (http://127.0.0.1:2379), which from here would reach this machine, not the member.
    const reachedElsewhere = !usable.includes(endpoint);
    const advertisedChecks = Promise.all(
      (reachedElsewhere ? usable : []).map(async (u) => {
        const state = await probePort(u, Math.max(1, deadline.getTime() - Date.now()), this.profile.dial);
        if (state === 'open') return null;
        const message = `advertises ${u}, which ${portStateText(state)}: clients that use the member list cannot reach it`;
        return { kind: 'advertised-url', message } satisfies MemberWarning;
      }),
    );
    // An answer over the client port proves it open; only a member slow to answer gets the `nc -z` probe.
    const clientPortTimer = sleep(CLIENT_PORT_PROBE_AFTER_MS).then((): Promise<PortState> =>
      report.reachable ? Promise.resolve('open') : probePort(endpoint, Math.max(1, deadline.getTime() - Date.now()), this.profile.dial),
    );
    // At most one read of a member's /metrics at a time, and one every METRICS_MIN_INTERVAL_MS: the figures
    // are over minutes, and each read costs the member the CPU of writing its whole page.
    const previousMetrics = this.lastMetrics.get(id);
    const recent = previousMetrics && Date.now() - previousMetrics.at < METRICS_MIN_INTERVAL_MS;
    let reading = this.metricsReads.get(id) ?? (recent && !this.waitForMetrics ? Promise.resolve(previousMetrics) : undefined);
    if (!reading) {
      reading = this.scrape(id, endpoint, deadline).then((result) => {
        this.metricsReads.delete(id);
        this.lastMetrics.set(id, result);
        return result;
      });
      this.metricsReads.set(id, reading);
    }
    // Status and the health read go out together: one round trip per member instead of two.
    const statusStarted = Date.now();
    const healthRead = client.healthGet(deadline, raw.isLearner).then(
      () => ({ error: null as unknown, at: Date.now() }),
      (error: unknown) => ({ error, at: Date.now() }),
    );
    try {
      const answer = await client.status(deadline);
      report.status = toMemberStatus(answer, Date.now() - statusStarted);
      report.reachable = true;
      if (toHexId(answer.header.member_id) !== id) {
        setError(report, { kind: 'other', text: `${endpoint} answered as member ${toHexId(answer.header.member_id)}, not ${id}` });
      }
    } catch (error) {
      setError(report, describeError(error, timeoutMs));
    }
    if (report.status) report.health = await health(report.status, healthRead, statusStarted, timeoutMs);
    // Status answered (or failed) and health judged (a member without a leader is judged from its status,
    // without waiting for its health read, which would wait for a leader): the clock may start once the
    // /metrics read this refresh waits for is in.
    void Promise.resolve(this.waitForMetrics || !previousMetrics ? reading : undefined).then(othersDone);
    const [clientPort, peerOk, advertised, clockResult] = await Promise.all([
      report.reachable ? 'open' : clientPortTimer,
      peer,
      advertisedChecks,
      clock,
    ]);
    // The read of this refresh if it is done (or must be waited for), else the newest one at hand.
    const NOT_YET = Symbol('not yet');
    const scraped: Scraped =
      this.waitForMetrics || !previousMetrics || !report.reachable
        ? await reading
        : await Promise.race([reading, Promise.resolve(NOT_YET)]).then((r) => (r === NOT_YET ? previousMetrics : (r as Scraped)));
    setClock(report, clockResult);
    report.warnings.push(...advertised.filter((w) => w !== null));
    // A member that did not answer has that as its error; its /metrics refused or timing out too says nothing
    // more (a page too large, or not etcd's, still does).
    if (scraped.error && (report.reachable || !scraped.redundant)) {
      report.warnings.push({ kind: 'metrics', message: `its /metrics page could not be read: ${scraped.error}` });
    }
    // A member that did not answer shows no figures, not those of an earlier read.
    report.metrics = report.reachable ? scraped.figures : null;
    if (!report.metrics) {
      report.metricsError =
        this.profile.metrics === false
          ? 'metrics are off for this cluster'
          : !report.reachable && (scraped.redundant || !scraped.error)
            ? 'the member did not answer'
            : (scraped.error ?? 'no page');
    }
    report.connectivity = { client: clientPort === 'open', peer: peerOk };
    // gRPC reports a port it is backing off from, or a connection that just dropped, as "unavailable";
    // the port probe knows the reason that holds now.
    if (!report.reachable && clientPort !== 'open' && clientPort !== 'timeout' && report.errorKind === 'unavailable') {
      const route = this.profile.route;
      const refused: Failure = route
        ? { kind: 'refused', text: `connection refused from the SSH host (${route}): etcd not running or wrong port` }
        : REFUSED;
      setError(report, clientPort === 'refused' ? refused : { kind: 'unavailable', text: `cannot connect: ${clientPort}` });
    }
    if (!report.reachable) this.peerChecks.delete(id);
    if (report.status && report.status.dbSizeQuota === null) report.status.dbSizeQuota = scraped.quotaBytes;
    return report;
  }

  /**
   * `nc -z` on a member's peer port. An open port is remembered for a while (connect and close cost more
   * CPU than the rest of a refresh); a closed one, or any member that did not answer, is probed again.
   */
  private async peerOpen(id: string, url: string, deadline: Date): Promise<boolean> {
    const cached = this.peerChecks.get(id);
    if (cached && cached.url === url && Date.now() - cached.at < PEER_CHECK_TTL_MS) return true;
    const open = await tcpConnects(url, Math.max(1, deadline.getTime() - Date.now()), this.profile.dial);
    if (open) this.peerChecks.set(id, { url, at: Date.now() });
    else this.peerChecks.delete(id);
    return open;
  }

  /** The member's clock from its peer port (never rejects). Separate so that benchmarks can time a refresh without it. */
  private measureClock(peerUrl: string, deadline: Date, timeoutMs: number): Promise<ClockResult> {
    return this.peerClock.measure(peerUrl, deadline, timeoutMs);
  }

  /**
   * The member's /metrics, scraped on every refresh: its figures against the earlier scrapes, and its
   * backend quota (remembered: it only changes when etcd restarts, and a failed scrape still knows it).
   * Never rejects: a page that could not be read comes back as its error.
   */
  private async scrape(id: string, endpoint: string, deadline: Date): Promise<Scraped> {
    const cached = this.quotas.get(id);
    const cachedBytes = cached && Date.now() - cached.at < QUOTA_TTL_MS ? cached.bytes : null;
    // Metrics off for this cluster: only the quota, read when it is not known or too old.
    if (this.profile.metrics === false && cached && cachedBytes !== null)
      return { at: Date.now(), figures: null, quotaBytes: cachedBytes, error: null };
    try {
      const sample = await scrapeMember(
        endpoint,
        metricsBaseUrl(endpoint, this.profile.metrics),
        deadline,
        (path, by, maxBytes) => this.client(endpoint).httpGet(path, by, maxBytes),
        this.profile.tls,
        this.profile.dial,
      );
      if (sample.quotaBackendBytes !== null) this.quotas.set(id, { bytes: sample.quotaBackendBytes, at: Date.now() });
      const figures = this.profile.metrics === false ? null : this.metrics.add(id, sample);
      return { at: Date.now(), figures, quotaBytes: sample.quotaBackendBytes ?? cachedBytes, error: null };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const text = error instanceof Error ? error.message : String(error);
      // A closed port or the deadline: what the member's own error says when it did not answer either.
      const redundant = code === 'ECONNREFUSED' || code === 'ECONNRESET' || Date.now() >= deadline.getTime();
      return {
        at: Date.now(),
        figures: null,
        quotaBytes: cachedBytes,
        error: code === 'ECONNREFUSED' ? `connection refused (${text})` : text,
        redundant,
      };
    }
  }

  private pickEndpoint(id: string, usable: string[]): string | null {
    // Prefer a URL the user named (it is the address known to work from here), then a given endpoint that
    // answered as this member, then the first advertised URL that passed the scheme policy.
    return usable.find((u) => this.profile.endpoints.includes(u)) ?? this.answeredAs.get(id) ?? usable[0] ?? null;
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

  /**
   * Every reachable member's own member list, asked of that member (a diagnosis compares them: a member that
   * missed a membership change while cut off lists other members, or other peer URLs, than the rest).
   */
  async memberViews(s: ClusterSnapshot): Promise<MemberListView[]> {
    const deadline = new Date(Date.now() + this.timeoutMs);
    return Promise.all(
      s.members
        .filter((m) => m.reachable && m.endpoint)
        .map(async (m): Promise<MemberListView> => {
          const view: MemberListView = { member: m.name || m.id, memberId: m.id, members: null, error: null };
          try {
            const list = await this.client(m.endpoint as string).memberList(deadline);
            view.members = list.members.map((x) => ({ id: toHexId(x.ID), name: x.name, peerURLs: x.peerURLs, isLearner: x.isLearner }));
          } catch (error) {
            view.error = describeError(error, this.timeoutMs).text;
          }
          return view;
        }),
    );
  }

  /** Closes every connection. */
  dispose(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
    this.peerClock.dispose();
  }
}

/**
 * etcd's health: the "health" key can be read and no NOSPACE/CORRUPT alarm is active. Without a leader the
 * read would only time out, so the member is reported unhealthy at once with etcd's own words.
 */
async function health(
  status: MemberStatus,
  read: Promise<{ error: unknown; at: number }>,
  started: number,
  timeoutMs: number,
): Promise<MemberHealth> {
  if (status.leaderId === NO_LEADER) return { healthy: false, tookMs: 0, error: 'etcdserver: no leader', errorKind: 'no-leader' };
  const result = await read;
  const tookMs = result.at - started;
  if (result.error !== null) {
    const failure = describeError(result.error, timeoutMs);
    return { healthy: false, tookMs, error: failure.text, errorKind: failure.kind };
  }
  const alarms = [
    ...new Set(
      alarmsFromStatusErrors(status.errors)
        .map((a) => a.alarm)
        .filter((a) => a === 'NOSPACE' || a === 'CORRUPT'),
    ),
  ];
  if (alarms.length > 0) return { healthy: false, tookMs, error: `Active Alarm(s): ${alarms.join(' ')}`, errorKind: 'other', alarms };
  return { healthy: true, tookMs, error: null };
}

/** Sets a member's clock reading, or why there is none (nothing for a member whose clock was not read). */
function setClock(report: MemberReport, result: ClockResult | null): void {
  if (!result) return;
  report.clock = result.reading;
  if (result.error) report.clockError = result.error.text;
}

/** Sets a member's error and its kind together. */
function setError(report: MemberReport, failure: Failure): void {
  report.error = failure.text;
  report.errorKind = failure.kind;
}

function toMemberStatus(raw: RawStatus, tookMs: number): MemberStatus {
  return {
    version: raw.version,
    dbSize: Number(raw.dbSize),
    dbSizeInUse: Number(raw.dbSizeInUse),
    dbSizeQuota: null,
    revision: Number(raw.header.revision) || 0,
    raftTerm: Number(raw.raftTerm),
    raftIndex: Number(raw.raftIndex),
    raftAppliedIndex: Number(raw.raftAppliedIndex),
    leaderId: toHexId(raw.leader),
    errors: raw.errors ?? [],
    tookMs,
  };
}

/** True when a member's entry in the member list is unchanged (same name, URLs and role). */
function sameEntry(a: RawMember, b: RawMember): boolean {
  return (
    a.name === b.name &&
    a.isLearner === b.isLearner &&
    a.clientURLs.join(',') === b.clientURLs.join(',') &&
    a.peerURLs.join(',') === b.peerURLs.join(',')
  );
}

/**
 * Resolves with what `choose` takes as each attempt settles (`settled` once all have), or undefined when
 * it took nothing by then.
 */
function firstChosen<T>(attempts: Promise<unknown>[], choose: (settled: boolean) => T | undefined): Promise<T | undefined> {
  return new Promise((resolve) => {
    let pending = attempts.length;
    if (pending === 0) resolve(undefined);
    for (const a of attempts) {
      void a.then(() => {
        const chosen = choose(--pending === 0);
        if (chosen || pending === 0) resolve(chosen);
      });
    }
  });
}

// Not unref'd: a refresh awaits these timers, and an unref'd timer as the last pending thing lets Node
// exit mid-refresh (the CLI then exited 0 with no output when one member refused at once).
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What a failed TCP connect means, after "which". */
function portStateText(state: PortState): string {
  if (state === 'refused') return 'refuses connections';
  if (state === 'timeout') return 'does not accept connections within the deadline';
  return `cannot be connected to (${state})`;
}

/** Resolves when `event` does, or after `ms` at the latest (the timer is cleared when the event comes first). */
function waitFor(event: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([event, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}
