// Holds one ClusterInspector per configured cluster, refreshes them (on demand and, while a view that
// shows them is visible, every etcdInspector.refreshIntervalSeconds), and publishes member-by-member
// progress so that a hung member never freezes a view.
import * as vscode from 'vscode';
import { ClusterInspector } from '../../etcd/probe';
import { deriveModel, type ClusterSnapshot, type MemberReport } from '../../etcd/model';
import type { ConnectionProfile } from '../../etcd/profile';
import { SETTING_EFFECTS, tunnelLabel, type ClusterSetting, type SettingKey, type TunnelSetting } from '../../shared/settings';
import { DialError, type Dialer } from '../../etcd/dial';
import type { Settings } from '../settings';
import { leaderNotice, clusterState, type NoticeState } from '../../shared/clusterState';
import type { ClusterStateSource } from './source';
import { withSshFindings, type SshMeasurements } from '../../ssh/findings';
import { Timeline } from '../../etcd/timeline';

/** The SecretStorage key of a cluster user's password. */
export function passwordKey(cluster: string, username: string): string {
  return `etcdInspector.password/${cluster}/${username}`;
}

interface Entry {
  setting: ClusterSetting;
  inspector: ClusterInspector | undefined;
  /** The latest snapshot; during a refresh, members already probed replace their old rows. */
  live: ClusterSnapshot | undefined;
  refreshing: Promise<void> | undefined;
  leaderChanges: number;
  lastErrors: Map<string, string>;
  announced: NoticeState;
  /** The latest SSH measurements (Compare Clocks, Check Connectivity), applied to every refresh until stale. */
  ssh?: { measured: SshMeasurements; at: number };
  /** What happened to the cluster while VS Code runs (src/etcd/timeline.ts), fed by every complete refresh. */
  timeline: Timeline;
  /** The cluster's SSH tunnel (a `tunnel` setting), opened with the first profile and kept with the inspector. */
  tunnel?: Promise<Tunnel | { error: string }>;
  /** "via ops@bastion-1" once the tunnel resolved its host, else as the setting says. */
  route?: string;
}

/** An open SSH tunnel of a cluster (src/ssh/tunnel.ts), as the registry uses it. */
export interface Tunnel {
  readonly dial: Dialer;
  readonly route: string;
  close(): void;
}

/** Opens clusters' tunnels with the extension's SSH credentials and host-key questions (src/extension/ssh/hosts.ts). */
export interface TunnelOpener {
  /** `onTrusted` hears a host key the user trusted while a refresh waited. */
  openTunnel(setting: ClusterSetting & { tunnel: TunnelSetting }, onTrusted: () => void): Promise<Tunnel>;
  /** Questions the user declined (an unknown host key) are asked again. */
  forgetRefusals(): void;
}

/** How long SSH measurements keep feeding the checks: a link cut then may be open now, so they age out. */
export const SSH_FINDINGS_TTL_MS = 15 * 60_000;

/** The settings the registry reads each time it needs them, so settings changes apply without a restart. */
export type RegistrySettings = Pick<Settings, 'clusters' | 'requestTimeoutMs' | 'refreshIntervalSeconds'>;

export class ClusterRegistry implements ClusterStateSource, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;
  private readonly transitions = new vscode.EventEmitter<{
    name: string;
    kind: 'lost' | 'regained' | 'unreachable';
    snapshot: ClusterSnapshot;
  }>();
  /** Fires once when a cluster loses or regains its leader, or stops answering. */
  readonly onDidTransition = this.transitions.event;
  private entries = new Map<string, Entry>();
  private keepAlives = new Set<object>();
  private timer: NodeJS.Timeout | undefined;

  private readonly secretsSubscription: vscode.Disposable;

  constructor(
    private readonly settings: RegistrySettings,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly tunnels?: TunnelOpener,
  ) {
    this.reload();
    // A stored or deleted password (from any window) takes effect at the next refresh.
    this.secretsSubscription = secrets.onDidChange((e) => {
      for (const [name, entry] of this.entries) {
        if (entry.setting.username && e.key === passwordKey(name, entry.setting.username)) this.invalidate(name);
      }
    });
  }

  /** Forgets the connections of one cluster (or all), so the next refresh builds them from current settings and secrets. */
  invalidate(name?: string): void {
    for (const [n, entry] of this.entries) {
      if (name !== undefined && n !== name) continue;
      closeConnections(entry);
    }
  }

  /**
   * A manual refresh: host-key questions declined earlier are asked again, and a tunnel that could not be set
   * up (an ~/.ssh/config the user has since fixed) is set up again.
   */
  async askAgain(): Promise<void> {
    this.tunnels?.forgetRefusals();
    for (const entry of this.entries.values()) {
      const tunnel = entry.tunnel;
      if (tunnel && 'error' in (await tunnel) && entry.tunnel === tunnel) closeConnections(entry);
    }
  }

  /** "via …" for a cluster reached through an SSH host, else undefined. */
  route(name: string): string | undefined {
    return this.entries.get(name)?.route;
  }

  /**
   * Applies a settings change as SETTING_EFFECTS says: a changed clusters entry reconnects that cluster, a
   * changed connection setting (the deadline) every cluster, and both refresh; a changed interval
   * reschedules the timer. Settings of the language server need nothing here.
   */
  settingsChanged(keys: readonly SettingKey[]): void {
    const reconnect = keys.filter((k) => SETTING_EFFECTS[k] === 'reconnect');
    if (reconnect.some((k) => k !== 'clusters')) this.invalidate();
    if (reconnect.includes('clusters')) this.reload();
    if (reconnect.length > 0) void this.refresh();
    if (keys.some((k) => SETTING_EFFECTS[k] === 'reschedule')) this.schedule();
  }

  /** Re-reads the clusters setting: keeps state of unchanged clusters, drops removed ones. */
  reload(): void {
    const next = new Map<string, Entry>();
    for (const setting of this.settings.clusters) {
      if (next.has(setting.name)) {
        this.log.warn(`two clusters are named "${setting.name}": only the first is shown`);
        continue;
      }
      const old = this.entries.get(setting.name);
      if (old && JSON.stringify(old.setting) === JSON.stringify(setting)) {
        next.set(setting.name, old);
      } else {
        if (old) closeConnections(old);
        next.set(setting.name, {
          setting,
          inspector: undefined,
          live: undefined,
          refreshing: undefined,
          leaderChanges: 0,
          lastErrors: new Map(),
          announced: 'ok',
          // A changed setting is the same cluster (an edited endpoint list): its history stays.
          timeline: old?.timeline ?? new Timeline(),
          route: setting.tunnel ? tunnelLabel(setting.tunnel) : undefined,
        });
      }
    }
    for (const [name, entry] of this.entries) if (!next.has(name)) closeConnections(entry);
    this.entries = next;
    for (const name of next.keys()) this.changed.fire(name);
    this.schedule();
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  setting(name: string): ClusterSetting | undefined {
    return this.entries.get(name)?.setting;
  }

  snapshot(name: string): ClusterSnapshot | undefined {
    return this.entries.get(name)?.live;
  }

  /** When each down member of the cluster was first seen down, from its timeline. */
  downSince(name: string): Record<string, string> | undefined {
    return this.timeline(name)?.downSinceAll();
  }

  /** The cluster's timeline (undefined for an unknown cluster). */
  timeline(name: string): Timeline | undefined {
    return this.entries.get(name)?.timeline;
  }

  /** The connectivity matrix SSH measured for the cluster, while it is fresh. */
  sshMatrix(name: string): SshMeasurements['matrix'] {
    const ssh = this.entries.get(name)?.ssh;
    return ssh && Date.now() - ssh.at < SSH_FINDINGS_TTL_MS ? ssh.measured.matrix : null;
  }

  /**
   * Records what the SSH commands measured (clocks merged per member, the matrix replaced) and applies it to
   * the cluster's checks now and on every refresh for SSH_FINDINGS_TTL_MS: the clocks of members whose peer
   * port is not reachable from here, every host's NTP state, the links between the member hosts.
   */
  recordSsh(name: string, measured: Partial<Pick<SshMeasurements, 'clocks' | 'matrix'>>): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    const now = Date.now();
    const previous = entry.ssh && now - entry.ssh.at < SSH_FINDINGS_TTL_MS ? entry.ssh.measured : undefined;
    entry.ssh = {
      at: now,
      measured: {
        clocks: new Map([...(previous?.clocks ?? []), ...(measured.clocks ?? [])]),
        matrix: measured.matrix ?? previous?.matrix ?? null,
        matrixAt: measured.matrix ? now : previous?.matrixAt,
      },
    };
    if (entry.live) {
      entry.live = this.withSsh(entry, entry.live);
      this.changed.fire(name);
    }
  }

  /** The snapshot with the cluster's SSH measurements applied, unless there are none or they are stale. */
  private withSsh(entry: Entry, snapshot: ClusterSnapshot): ClusterSnapshot {
    if (!entry.ssh) return snapshot;
    if (Date.now() - entry.ssh.at >= SSH_FINDINGS_TTL_MS) {
      entry.ssh = undefined;
      return snapshot;
    }
    return withSshFindings(snapshot, entry.ssh.measured);
  }

  isRefreshing(name: string): boolean {
    return this.entries.get(name)?.refreshing !== undefined;
  }

  leaderChanges(name: string): number {
    return this.entries.get(name)?.leaderChanges ?? 0;
  }

  /**
   * The connection profile of a cluster, with its password from SecretStorage and, for a cluster with a
   * `tunnel` setting, the route through its SSH tunnel (one per cluster, shared by the refreshes and the
   * actions). A tunnel that cannot be set up (no such ~/.ssh/config alias, a bad jump host) gives a dialer
   * that fails with the reason: the cluster shows it, and is never reached directly instead.
   */
  async profile(name: string): Promise<ConnectionProfile | undefined> {
    const entry = this.entries.get(name);
    const setting = entry?.setting;
    if (!entry || !setting) return undefined;
    const profile: ConnectionProfile = { name: setting.name, endpoints: setting.endpoints, timeoutMs: this.settings.requestTimeoutMs };
    if (setting.tunnel) {
      const tunnel = await this.tunnelOf(entry, { ...setting, tunnel: setting.tunnel });
      profile.route = entry.route;
      profile.dial =
        'dial' in tunnel
          ? tunnel.dial
          : async () => {
              throw new DialError(`SSH ${entry.route ?? ''}: the tunnel could not be set up: ${tunnel.error}`, 'other');
            };
    }
    if (setting.tls) profile.tls = { ...setting.tls };
    if (setting.peerTls) profile.peerTls = { ...setting.peerTls };
    if (setting.metrics !== undefined) profile.metrics = setting.metrics === false ? false : { ...setting.metrics };
    if (setting.username) {
      profile.username = setting.username;
      profile.password = (await this.secrets.get(passwordKey(setting.name, setting.username))) ?? undefined;
    }
    return profile;
  }

  /** The entry's tunnel, opened once; why not (logged) when it cannot be set up. */
  private tunnelOf(entry: Entry, setting: ClusterSetting & { tunnel: TunnelSetting }): Promise<Tunnel | { error: string }> {
    entry.tunnel ??= (async () => {
      if (!this.tunnels) throw new Error('SSH tunnels are not available here');
      // A key trusted while a refresh waited: refresh again once that one is over (it ran out of time).
      const tunnel = await this.tunnels.openTunnel(setting, () => {
        void Promise.resolve(entry.refreshing).then(() => this.refresh(setting.name));
      });
      entry.route = tunnel.route;
      this.changed.fire(setting.name);
      return tunnel;
    })().catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.error(`${setting.name}: SSH tunnel ${tunnelLabel(setting.tunnel)}: ${reason}`);
      return { error: reason };
    });
    return entry.tunnel;
  }

  /**
   * The cluster's inspector (built as a refresh builds it), for the runbook actions: it keeps the revisions
   * its refreshes saw (a compaction retention in time needs them). Undefined for an unknown cluster.
   */
  async inspector(name: string): Promise<ClusterInspector | undefined> {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (!entry.inspector) {
      const profile = await this.profile(name);
      if (!profile) return undefined;
      entry.inspector ??= new ClusterInspector(profile);
    }
    return entry.inspector;
  }

  async refresh(name?: string): Promise<void> {
    const names = name === undefined ? this.names() : [name];
    await Promise.all(names.map((n) => this.refreshOne(n)));
  }

  private refreshOne(name: string): Promise<void> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.resolve();
    entry.refreshing ??= this.run(name, entry).finally(() => {
      entry.refreshing = undefined;
      this.changed.fire(name);
    });
    this.changed.fire(name);
    return entry.refreshing;
  }

  private async run(name: string, entry: Entry): Promise<void> {
    // The inspector (with its connections and the password read from SecretStorage) lives until the
    // cluster's settings, the timeout or the password change: a refresh does no set-up I/O.
    if (!entry.inspector) {
      try {
        const profile = await this.profile(name);
        if (!profile) return;
        if (profile.username && profile.password === undefined) {
          this.log.warn(`${name}: no password stored for user "${profile.username}": run "etcd Inspector: Set Password"`);
        }
        entry.inspector = new ClusterInspector(profile);
      } catch (error) {
        this.log.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
    const previous = entry.live;
    try {
      const snapshot = this.withSsh(entry, await entry.inspector.refresh({ onMember: (m) => this.arrived(name, entry, m) }));
      entry.live = snapshot;
      entry.timeline.observe(snapshot);
      entry.leaderChanges += snapshot.termChanges ?? 0;
      this.logRefresh(name, entry, snapshot);
      const { notice, announced } = leaderNotice(entry.announced, previous, snapshot);
      entry.announced = announced;
      if (notice) this.transitions.fire({ name, kind: notice, snapshot });
    } catch (error) {
      // The inspector reports failures in the snapshot; anything thrown is a bug or a bad profile.
      this.log.error(`${name}: refresh failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  /** A member's row arrived during a refresh: show it at once in place of its old row. */
  private arrived(name: string, entry: Entry, member: MemberReport): void {
    const live = entry.live;
    if (!live) return;
    // Copies: deriveModel writes the derived fields, and the old rows still belong to the last snapshot.
    const members = live.members.some((m) => m.id === member.id)
      ? live.members.map((m) => ({ ...(m.id === member.id ? member : m) }))
      : [...live.members.map((m) => ({ ...m })), { ...member }];
    entry.live = deriveModel({ ...live, members });
    this.changed.fire(name);
  }

  /** Logs what went wrong in a refresh; a problem that persists is logged again only at trace level. */
  private logRefresh(name: string, entry: Entry, s: ClusterSnapshot): void {
    const errors = new Map<string, string>();
    for (const e of s.errors) errors.set(e, e);
    for (const m of s.members) {
      const problem = m.error ?? (m.health && !m.health.healthy ? m.health.error : null);
      if (problem) errors.set(m.id, `${m.name || m.id} (${m.endpoint ?? 'no client URL'}): ${problem}`);
    }
    for (const [key, text] of errors) {
      if (entry.lastErrors.get(key) === text) this.log.trace(`${name}: still: ${text}`);
      else this.log.warn(`${name}: ${text}`);
    }
    for (const [key, text] of entry.lastErrors) if (!errors.has(key)) this.log.info(`${name}: recovered: ${text}`);
    entry.lastErrors = errors;
    this.log.debug(`${name}: ${clusterState(s).text} (${s.elapsedMs} ms)`);
  }

  keepAlive(_reason: string): vscode.Disposable {
    const token = {};
    this.keepAlives.add(token);
    this.schedule();
    return new vscode.Disposable(() => {
      this.keepAlives.delete(token);
      this.schedule();
    });
  }

  /** Runs the auto-refresh timer only while something visible needs it and the interval is not 0. */
  schedule(): void {
    const seconds = this.settings.refreshIntervalSeconds;
    const wanted = this.keepAlives.size > 0 && seconds > 0 && this.entries.size > 0;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!wanted) return;
    this.timer = setInterval(() => void this.refresh(), Math.max(1, seconds) * 1000);
  }

  dispose(): void {
    this.secretsSubscription.dispose();
    if (this.timer) clearInterval(this.timer);
    for (const entry of this.entries.values()) closeConnections(entry);
    this.entries.clear();
    this.changed.dispose();
    this.transitions.dispose();
  }
}

/** Ends a cluster's connections: its inspector's and its SSH tunnel (the next profile opens them again). */
function closeConnections(entry: Entry): void {
  entry.inspector?.dispose();
  entry.inspector = undefined;
  const tunnel = entry.tunnel;
  entry.tunnel = undefined;
  void tunnel?.then((t) => ('close' in t ? t.close() : undefined));
}
