// What happened to a cluster, in order: leader changes, term increases, members going down and coming back,
// alarms, and the matching log lines when the logs were read. The extension keeps one per cluster while VS Code
// runs (fed by every complete refresh), the cause engine takes "down since" from it, and it exports as JSON,
// so "what happened first" is visible. Pure and bounded.
import type { LogSummary } from './logs/patterns';
import type { ClusterSnapshot, MemberReport } from './model';

export type TimelineKind =
  | 'leader-elected'
  | 'leader-changed'
  | 'leader-lost'
  | 'term'
  | 'member-down'
  | 'member-up'
  | 'member-added'
  | 'member-removed'
  | 'alarm-raised'
  | 'alarm-cleared'
  | 'log';

export interface TimelineEvent {
  /** ISO time: the refresh that saw it, or the log line's own time. */
  at: string;
  kind: TimelineKind;
  member?: string;
  text: string;
}

/** Events kept per cluster; the oldest go first. */
export const MAX_EVENTS = 2000;

const label = (m: Pick<MemberReport, 'name' | 'id'>): string => m.name || m.id;

export class Timeline {
  private readonly events: TimelineEvent[] = [];
  private previous: ClusterSnapshot | undefined;

  /** Compares a complete refresh with the one before and records what changed. */
  observe(s: ClusterSnapshot): void {
    const before = this.previous;
    this.previous = s;
    const at = s.takenAt;
    if (!before) {
      // The first look: the state as found, so the list starts from something.
      for (const m of s.members.filter((x) => x.started && !x.reachable))
        this.add({ at, kind: 'member-down', member: label(m), text: `${label(m)} down when first seen: ${m.error ?? 'no answer'}` });
      if (s.members.length > 0 && !s.leaderId) this.add({ at, kind: 'leader-lost', text: 'no leader when first seen' });
      return;
    }
    if (before.leaderId !== s.leaderId) {
      if (!s.leaderId) {
        if (s.members.length > 0)
          this.add({ at, kind: 'leader-lost', text: `no leader (was ${before.leaderName || before.leaderId || '?'})` });
      } else if (!before.leaderId)
        this.add({ at, kind: 'leader-elected', member: s.leaderName ?? undefined, text: `${s.leaderName || s.leaderId} elected leader` });
      else
        this.add({
          at,
          kind: 'leader-changed',
          member: s.leaderName ?? undefined,
          text: `leader ${before.leaderName || before.leaderId} → ${s.leaderName || s.leaderId}`,
        });
    }
    if (s.termChanges && s.termChanges > 0) this.add({ at, kind: 'term', text: `raft term +${s.termChanges}` });
    const old = new Map(before.members.map((m) => [m.id, m]));
    for (const m of s.members) {
      const was = old.get(m.id);
      if (!was) {
        this.add({ at, kind: 'member-added', member: label(m), text: `${label(m)} (${m.id}) in the member list` });
        continue;
      }
      if (was.reachable && !m.reachable && m.started)
        this.add({ at, kind: 'member-down', member: label(m), text: `${label(m)} down: ${m.error ?? 'no answer'}` });
      if (!was.reachable && m.reachable) this.add({ at, kind: 'member-up', member: label(m), text: `${label(m)} answers again` });
    }
    for (const m of before.members) {
      if (s.members.length > 0 && !s.members.some((x) => x.id === m.id))
        this.add({ at, kind: 'member-removed', member: label(m), text: `${label(m)} (${m.id}) no longer in the member list` });
    }
    const key = (a: { memberId: string; alarm: string }): string => `${a.memberId}/${a.alarm}`;
    const had = new Set(before.alarms.map(key));
    const has = new Set(s.alarms.map(key));
    for (const a of s.alarms)
      if (!had.has(key(a))) this.add({ at, kind: 'alarm-raised', text: `${a.alarm} alarm on ${memberName(s, a.memberId)}` });
    if (s.members.some((m) => m.status)) {
      for (const a of before.alarms)
        if (!has.has(key(a))) this.add({ at, kind: 'alarm-cleared', text: `${a.alarm} alarm on ${memberName(s, a.memberId)} cleared` });
    }
  }

  /** Adds the times of the runbook's log patterns found in a member's log (first and last matching line). */
  addLogs(member: string, summary: LogSummary): void {
    for (const p of summary.patterns) {
      if (p.count === 0) continue;
      const text = `${p.count}× ${p.id}${p.examples[0] ? `: ${p.examples[0]}` : ''}`;
      if (p.first) this.add({ at: p.first, kind: 'log', member, text: p.count > 1 ? `first of ${text}` : text });
      if (p.last && p.last !== p.first) this.add({ at: p.last, kind: 'log', member, text: `last of ${p.count}× ${p.id}` });
    }
  }

  /** When a member that is down now went down (the latest down event with no answer since), if seen. */
  downSince(memberId: string): string | undefined {
    const m = this.previous?.members.find((x) => x.id === memberId);
    if (!m || m.reachable) return undefined;
    const name = label(m);
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (e.member !== name) continue;
      if (e.kind === 'member-up') return undefined;
      if (e.kind === 'member-down') return e.at;
    }
    return undefined;
  }

  /** Every down member's "since", by member id. */
  downSinceAll(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of this.previous?.members ?? []) {
      const since = this.downSince(m.id);
      if (since) out[m.id] = since;
    }
    return out;
  }

  /** The events in time order (log lines carry their own times, so they are merged in place). */
  list(): TimelineEvent[] {
    const time = (e: TimelineEvent): number => Date.parse(e.at) || 0;
    return [...this.events].sort((a, b) => time(a) - time(b));
  }

  private add(e: TimelineEvent): void {
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
  }
}

function memberName(s: ClusterSnapshot, id: string): string {
  const m = s.members.find((x) => x.id === id);
  return m ? label(m) : id;
}
