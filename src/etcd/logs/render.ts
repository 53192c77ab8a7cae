// The per-member log summary as text: the block at the top of the log editor and what `etcd-inspector logs`
// prints. Member names, errors and example lines are untrusted: ANSI sequences are removed and controls shown
// as escapes (safeText), names clipped.
import { clip } from '../../shared/text';
import { LOG_PATTERNS, safeText, type LogPatternCount, type LogSummary } from './patterns';

/** One member's log as the summary shows it: its summary, or why its log could not be read. */
export interface MemberLog {
  name: string;
  summary: LogSummary | null;
  /** Why the log could not be read (SSH refused, journalctl failed, …). */
  error?: string;
}

/** Options of renderLogSummary. */
export interface RenderLogOptions {
  /** What was read from each member, for the heading ("last 1000 lines", "since 2024-01-02 10:00"). */
  window?: string;
  /** Add up to three example lines under each pattern. */
  examples?: boolean;
}

/**
 * Why counts are lower bounds, checked against etcd's sources: the zap logger built from
 * logutil.DefaultZapLoggerConfig (client/pkg/logutil/zap.go in 3.5, pkg/logutil/zap.go in 3.4) samples with
 * Initial 100, Thereafter 100 per second (the journal writer of --log-outputs=systemd/journal does not sample;
 * 3.4's capnslog never does); rafthttp logs a lost stream once when it breaks and the prober an unreachable peer
 * every 5 s (probing_status.go's statusErrorInterval).
 */
export const LOWER_BOUND_NOTE =
  "Counts are lower bounds: etcd's zap logger (3.5, and 3.4 with --logger=zap) keeps only the first 100 lines with the same message in each second and then every 100th, and etcd logs some conditions once per change (a lost peer connection) or every 5 s while they last (an unreachable peer).";

const MAX_NAME_CHARS = 100;
const MAX_ERROR_CHARS = 300;

/** The summary block for these members: per member the lines read and time span, then each pattern found. */
export function renderLogSummary(members: readonly MemberLog[], options: RenderLogOptions = {}): string {
  const out: string[] = [];
  const window = options.window ? ` (${safeText(clip(options.window, 100))})` : '';
  out.push(`etcd log summary: ${members.length} member${members.length === 1 ? '' : 's'}${window}`);
  out.push(LOWER_BOUND_NOTE);
  const width = Math.max(...LOG_PATTERNS.map((p) => p.label.length));
  for (const member of members) {
    out.push('');
    const name = safeText(clip(member.name || '(unnamed)', MAX_NAME_CHARS));
    const s = member.summary;
    if (!s) {
      out.push(`${name}: log not read: ${safeText(clip(member.error ?? 'no log', MAX_ERROR_CHARS))}`);
      continue;
    }
    out.push(`${name}: ${lineCount(s.lines)}${span(s)}${s.skippedOlder ? ' (older lines skipped: too long)' : ''}`);
    const found = s.patterns.filter((p) => p.count > 0);
    if (found.length === 0) out.push(`  none of the ${LOG_PATTERNS.length} runbook patterns`);
    for (const p of found) {
      const label = LOG_PATTERNS.find((d) => d.id === p.id)?.label ?? p.id;
      out.push(`  ${label.padEnd(width)} ${String(p.count).padStart(6)}${details(p)}`);
      if (options.examples) for (const e of p.examples) out.push(`      ${e}`);
    }
    if (s.unparseable > 0) out.push(`  ${lineCount(s.unparseable)} in no etcd log format (matched as bare messages)`);
    if (s.truncatedLines > 0) out.push(`  ${lineCount(s.truncatedLines)} longer than 64 KiB (only their start read)`);
    if (member.error) out.push(`  warning: ${safeText(clip(member.error, MAX_ERROR_CHARS))}`);
  }
  return out.join('\n') + '\n';
}

function lineCount(n: number): string {
  return `${n.toLocaleString('en-US')} line${n === 1 ? '' : 's'}`;
}

/** ", 2024-01-02 10:00:00 to 11:30:00 UTC (1 h 30 min)" or "" when no line had a time. */
function span(s: LogSummary): string {
  if (!s.first || !s.last) return s.lines > 0 ? ', no timestamps' : '';
  const from = stamp(s.first);
  const to = stamp(s.last);
  const sameDay = from.slice(0, 10) === to.slice(0, 10);
  const ms = Date.parse(s.last) - Date.parse(s.first);
  return `, ${from} to ${sameDay ? to.slice(11) : to} UTC (${duration(ms)})`;
}

function details(p: LogPatternCount): string {
  const parts: string[] = [];
  if (p.terms) parts.push(p.terms.min === p.terms.max ? `term ${p.terms.min}` : `terms ${p.terms.min}–${p.terms.max}`);
  if (p.last) parts.push(`last ${stamp(p.last)}`);
  return parts.length ? `  (${parts.join(', ')})` : '';
}

/** "2024-01-02 10:00:00" from an ISO time (UTC). */
function stamp(isoTime: string): string {
  return isoTime.slice(0, 19).replace('T', ' ');
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}
