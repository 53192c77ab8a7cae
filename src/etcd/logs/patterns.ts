// The runbook's log patterns (step 3, "Check Member Logs") as data, and summarizeLog(): per pattern how often it
// occurs in one member's log, when, at which raft terms, with a few example lines.
//
// etcd writes three line formats, all read here, with or without a syslog/journal prefix
// (`Nov 27 10:00:00 host etcd[123]: `, `2024-11-27T10:00:00+0000 host etcd[123]: `):
//   - zap JSON, etcd 3.5 and 3.4 with --logger=zap: `{"level":"info","ts":"…","caller":"…","msg":"…",…}`;
//     patterns match the `msg` field only (a member name or a request can sit in the other fields);
//   - capnslog text, etcd 3.4's default (Debian's etcd-server): `2024-01-02 15:04:05.123456 W | rafthttp: …`;
//     under systemd (parent pid 1) capnslog writes straight to the journal, so `journalctl -o cat` shows the bare
//     message: a line in no known format is still matched from its start;
//   - raft's own logger in 3.4 with capnslog is Go's log package with the prefix "raft":
//     `raft2024/01/02 15:04:05 INFO: raft.node: … elected leader … at term 2`.
// Every message form below is anchored at the start of the message and carries the etcd source line it was
// read from (tags v3.5.16 and v3.4.23 of etcd-io/etcd); hand-written fixtures copy these forms.
//
// Log lines are untrusted text: no eval, only linear regular expressions anchored at the message start, lines cut
// at MAX_LINE_CHARS, at most MAX_LINES lines and MAX_TEXT_CHARS characters read (the most recent ones kept),
// example lines clipped and made printable.
import { clip, printable } from '../../shared/text';
import type { StepId } from '../runbook/steps';

/** One pattern of the runbook's step 3 that summarizeLog counts. */
export type LogPatternId =
  | 'lost-leader'
  | 'elected-leader'
  | 'changed-leader'
  | 'new-election'
  | 'became-candidate'
  | 'prober-unhealthy'
  | 'clock-drift'
  | 'slow-fdatasync'
  | 'slow-apply'
  | 'heartbeat-late'
  | 'nospace'
  | 'lost-peer-stream';

/** How one etcd version and format writes a pattern's message. */
export interface MessageForm {
  /** 'json': the `msg` field of a zap line; 'text': a capnslog, raft (Go log) or bare journal message. */
  format: 'json' | 'text';
  /** For 'json' forms, the field matched instead of `msg`. */
  field?: 'error';
  /** Anchored at the message start; a named group `term` captures raft's term where the message has one. */
  message: RegExp;
  /** For 'json' forms, a further condition on the whole line (e.g. `"alarm":"NOSPACE"`). */
  line?: RegExp;
  /** Where etcd writes it (file:line at the tag). */
  source: string;
}

/** A log pattern of the runbook: what it means and how it is recognised. */
export interface LogPattern {
  id: LogPatternId;
  /** A few words for the summary line ("slow fdatasync"). */
  label: string;
  /** What it means for the operator. */
  meaning: string;
  /** The runbook step it sends the operator to. */
  step: StepId;
  forms: readonly MessageForm[];
}

const HEX = '[0-9a-f]+';
const TERM = 'at term (?<term>\\d{1,20})';

/**
 * raft's messages: the same text in zap's msg (3.5; 3.4 with --logger=zap) and in raft's Go log lines (3.4 with
 * capnslog), anchored at both ends.
 */
function raft(message: string, jsonSource: string, textSource: string): MessageForm[] {
  const re = new RegExp(`^${message}$`);
  return [
    { format: 'json', message: re, source: jsonSource },
    { format: 'text', message: re, source: textSource },
  ];
}

/** The runbook's log patterns, in the order the summary shows them. */
export const LOG_PATTERNS: readonly LogPattern[] = [
  {
    id: 'lost-leader',
    label: 'lost leader',
    meaning: 'this member stopped hearing from the leader (election timeout, partition or a leader that went away)',
    step: 'connectivity',
    forms: raft(
      `raft\\.node: ${HEX} lost leader ${HEX} ${TERM}`,
      'raft/node.go:335 (v3.5.16), :333 (v3.4.23)',
      'raft/node.go:333 (v3.4.23)',
    ),
  },
  {
    id: 'elected-leader',
    label: 'elected leader',
    meaning: 'a leader was elected after a time without one (also once at start-up)',
    step: 'status',
    forms: raft(
      `raft\\.node: ${HEX} elected leader ${HEX} ${TERM}`,
      'raft/node.go:329 (v3.5.16), :327 (v3.4.23)',
      'raft/node.go:327 (v3.4.23)',
    ),
  },
  {
    id: 'changed-leader',
    label: 'changed leader',
    meaning: 'leadership moved straight from one member to another',
    step: 'status',
    forms: raft(
      `raft\\.node: ${HEX} changed leader from ${HEX} to ${HEX} ${TERM}`,
      'raft/node.go:331 (v3.5.16), :329 (v3.4.23)',
      'raft/node.go:329 (v3.4.23)',
    ),
  },
  {
    id: 'new-election',
    label: 'new elections started',
    meaning: 'this member hit its election timeout and campaigned: heartbeats arrive late or not at all',
    step: 'timeouts',
    forms: raft(`${HEX} is starting a new election ${TERM}`, 'raft/raft.go:773 (v3.5.16), :929 (v3.4.23)', 'raft/raft.go:929 (v3.4.23)'),
  },
  {
    id: 'became-candidate',
    label: 'became candidate',
    meaning: "this member asked the others for votes (pre-candidates, 3.5's pre-vote, are not counted)",
    step: 'timeouts',
    forms: raft(`${HEX} became candidate ${TERM}`, 'raft/raft.go:699 (v3.5.16), :719 (v3.4.23)', 'raft/raft.go:719 (v3.4.23)'),
  },
  {
    id: 'prober-unhealthy',
    label: 'peer unreachable (prober)',
    meaning: 'the peer prober could not reach a member (logged every 5 s while it lasts): check the peer port',
    step: 'connectivity',
    forms: [
      {
        format: 'json',
        message: /^prober detected unhealthy status$/,
        source: 'server/etcdserver/api/rafthttp/probing_status.go:69 (v3.5.16), etcdserver/api/rafthttp/probing_status.go:71 (v3.4.23)',
      },
      {
        format: 'text',
        message: /^health check for peer \S+ could not connect/,
        source: 'etcdserver/api/rafthttp/probing_status.go:78 (v3.4.23, capnslog)',
      },
    ],
  },
  {
    id: 'clock-drift',
    label: 'clock drift',
    meaning: "a peer's clock differs from this member's by more than 1 s",
    step: 'clock',
    forms: [
      {
        format: 'json',
        message: /^prober found high clock drift$/,
        source: 'server/etcdserver/api/rafthttp/probing_status.go:83 (v3.5.16), :87 (v3.4.23)',
      },
      {
        format: 'text',
        message: /^the clock difference against peer \S+ is too high/,
        source: 'etcdserver/api/rafthttp/probing_status.go:95 (v3.4.23, capnslog)',
      },
    ],
  },
  {
    id: 'slow-fdatasync',
    label: 'slow fdatasync',
    meaning: 'a WAL sync took over 1 s: the disk is too slow for etcd, heartbeats stall and elections follow',
    step: 'timeouts',
    forms: [
      { format: 'json', message: /^slow fdatasync$/, source: 'server/wal/wal.go:806 (v3.5.16), wal/wal.go:809 (v3.4.23)' },
      { format: 'text', message: /^sync duration of \S+, expected less than /, source: 'wal/wal.go:814 (v3.4.23, capnslog)' },
    ],
  },
  {
    id: 'slow-apply',
    label: 'apply took too long',
    meaning: 'a request took longer than the warning threshold (100 ms by default) to apply: disk, CPU or large requests',
    step: 'defrag',
    forms: [
      {
        format: 'json',
        message: /^apply request took too long$/,
        source: 'server/etcdserver/util.go:171 (v3.5.16), etcdserver/util.go:168 (v3.4.23)',
      },
      {
        format: 'text',
        message: /^(?:read-only range )?request ".* took too long \([^)\s]{1,40}\) to execute$/,
        source: 'etcdserver/util.go:183 (v3.4.23, capnslog)',
      },
    ],
  },
  {
    id: 'heartbeat-late',
    label: 'heartbeat sent late',
    meaning: 'the leader could not send heartbeats on time (overloaded, slow disk, or it was paused): followers may start elections',
    step: 'timeouts',
    forms: [
      {
        format: 'json',
        message: /^leader failed to send out heartbeat on time; took too long/,
        source: 'server/etcdserver/raft.go:427 (v3.5.16), etcdserver/raft.go:441 (v3.4.23)',
      },
      { format: 'text', message: /^failed to send out heartbeat on time \(/, source: 'etcdserver/raft.go:448 (v3.4.23, capnslog)' },
    ],
  },
  {
    id: 'nospace',
    label: 'database space exceeded',
    meaning: 'the backend quota was reached: NOSPACE alarm, writes refused until compaction, defragmentation and disarm',
    step: 'defrag',
    forms: [
      {
        format: 'json',
        message: /^alarm raised$/,
        line: /"alarm":"NOSPACE"/,
        source: 'server/etcdserver/apply.go:752 (v3.5.16), etcdserver/apply.go:636 (v3.4.23)',
      },
      {
        format: 'json',
        message: /^message exceeded backend quota; raising alarm$/,
        source: 'server/etcdserver/server.go:2347 (v3.5.16), etcdserver/server.go:2268 (v3.4.23)',
      },
      // The client-facing error text (rpctypes.ErrGRPCNoSpace) in a zap line's msg or error field.
      { format: 'json', field: 'error', message: /database space exceeded/, source: 'api/v3rpc/rpctypes/error.go:32 (v3.5.16)' },
      { format: 'json', message: /database space exceeded/, source: 'api/v3rpc/rpctypes/error.go:32 (v3.5.16)' },
      { format: 'text', message: /^alarm NOSPACE raised by peer /, source: 'etcdserver/apply.go:638 (v3.4.23, capnslog)' },
      {
        format: 'text',
        message: /^applying raft message exceeded backend quota$/,
        source: 'etcdserver/server.go:2274 (v3.4.23, capnslog)',
      },
    ],
  },
  {
    id: 'lost-peer-stream',
    label: 'lost peer connection',
    meaning: 'a raft stream to a peer broke (the peer stopped, restarted or the link was cut); logged once per stream',
    step: 'connectivity',
    forms: [
      {
        format: 'json',
        message: /^lost TCP streaming connection with remote peer$/,
        source: 'server/etcdserver/api/rafthttp/stream.go:195, :224, :422 (v3.5.16)',
      },
      {
        format: 'text',
        message: /^lost the TCP streaming connection with peer \S+ \(/,
        source: 'etcdserver/api/rafthttp/stream.go:200, :231, :444 (v3.4.23, capnslog)',
      },
    ],
  },
];

/** Longest line read; the rest of a longer line is ignored (etcd's own lines are far shorter). */
export const MAX_LINE_CHARS = 64 * 1024;
/** At most this many lines are read (the most recent ones). */
export const MAX_LINES = 1_000_000;
/** At most this many characters are read (the most recent ones). */
export const MAX_TEXT_CHARS = 128 * 1024 * 1024;
/** Example lines kept per pattern. */
export const MAX_EXAMPLES = 3;
/** Characters an example line is clipped to. */
export const MAX_EXAMPLE_CHARS = 300;

/** One pattern's figures in one log. */
export interface LogPatternCount {
  id: LogPatternId;
  count: number;
  /** ISO time of the first and last matching line that carried a time. */
  first: string | null;
  last: string | null;
  /** The lowest and highest raft term in the matching lines (raft's patterns only). */
  terms: { min: number; max: number } | null;
  /** Up to MAX_EXAMPLES matching lines (the first, then the most recent), clipped and printable. */
  examples: string[];
}

/** What summarizeLog found in one member's log. */
export interface LogSummary {
  /** Non-empty lines read. */
  lines: number;
  /** Lines in etcd's zap JSON format and in its text formats (capnslog, raft's Go log). */
  json: number;
  text: number;
  /** Lines in no known format (bare journal messages, broken JSON): still matched as bare messages. */
  unparseable: number;
  /** Lines longer than MAX_LINE_CHARS (only their start was read). */
  truncatedLines: number;
  /** Whether older lines were skipped because the text exceeded MAX_LINES or MAX_TEXT_CHARS. */
  skippedOlder: boolean;
  /** ISO times of the earliest and latest line with a time: the span the log covers. */
  first: string | null;
  last: string | null;
  /** Every pattern of LOG_PATTERNS, in order, including those with count 0. */
  patterns: LogPatternCount[];
}

interface Compiled {
  index: number;
  form: MessageForm;
}

/** The forms that match one string (a zap line's msg or error field, a text line's message), with a prefilter. */
interface FormSet {
  forms: Compiled[];
  /** Every form's message in one alternation: most lines match no pattern and are rejected by one test. */
  any: RegExp;
}

function formSet(test: (f: MessageForm) => boolean): FormSet {
  const forms: Compiled[] = [];
  LOG_PATTERNS.forEach((p, index) => {
    for (const form of p.forms) if (test(form)) forms.push({ index, form });
  });
  // Named groups may not repeat in one expression: the prefilter has plain groups.
  const any = new RegExp(forms.map((c) => `(?:${c.form.message.source.replace(/\(\?<\w+>/g, '(')})`).join('|'));
  return { forms, any };
}

const JSON_MSG = formSet((f) => f.format === 'json' && f.field === undefined);
const JSON_ERROR = formSet((f) => f.format === 'json' && f.field === 'error');
const TEXT = formSet((f) => f.format === 'text');

// Syslog/journal prefixes: `Nov 27 10:00:00[.123456] host ident[pid]: ` (short, short-precise) and
// `2024-11-27T10:00:00[.123456]+0000 host ident[pid]: ` (short-iso, short-iso-precise, RFC 3339 syslog).
const JOURNAL_PREFIX =
  /^(?:(?<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(?<day>\d{1,2}) (?<hms>\d\d:\d\d:\d\d)(?<frac>\.\d{1,9})?|(?<iso>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)) [^\s]{1,255} [^\s:[\]]{1,255}(?:\[\d{1,10}\])?: /;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// capnslog: `2024-01-02 15:04:05.123456 I | pkg: message` (local time, no zone).
const CAPNSLOG = /^()\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})? [CEWNIDT] \| [\w./-]{1,100}: /;
// raft's default logger (Go's log with prefix "raft"): `raft2024/01/02 15:04:05 INFO: message`.
const RAFT_LOG = /^raft\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(\.\d{1,9})? (?:DEBUG|INFO|WARN|ERROR|FATAL|PANIC): /;
// zap's time: `2024-01-02T15:04:05.123456Z` (3.5), `2024-01-02T15:04:05.123Z` (3.4), or with an offset.
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|([+-])(\d\d):?(\d\d))?$/;

/** Options of summarizeLog (for the journal's short timestamps, which carry no year). */
export interface SummarizeOptions {
  /** The year of `Nov 27 10:00:00` journal timestamps; default: this year (UTC). */
  year?: number;
}

/**
 * Counts the runbook's patterns in one member's log text: zap JSON lines (etcd 3.5, 3.4 with --logger=zap),
 * capnslog and raft text lines (3.4), with or without a journal/syslog prefix. Times without a zone (capnslog,
 * raft's Go log, the journal's short format) are read as UTC.
 */
export function summarizeLog(text: string, options: SummarizeOptions = {}): LogSummary {
  const year = options.year ?? new Date().getUTCFullYear();
  const counts: LogPatternCount[] = LOG_PATTERNS.map((p) => ({ id: p.id, count: 0, first: null, last: null, terms: null, examples: [] }));
  const firstMs: number[] = LOG_PATTERNS.map(() => NaN);
  const lastMs: number[] = LOG_PATTERNS.map(() => NaN);
  const recent: string[][] = LOG_PATTERNS.map(() => []);
  const summary: LogSummary = {
    lines: 0,
    json: 0,
    text: 0,
    unparseable: 0,
    truncatedLines: 0,
    skippedOlder: false,
    first: null,
    last: null,
    patterns: counts,
  };
  let spanFirst = NaN;
  let spanLast = NaN;

  // Records one matching line for pattern `index`.
  const record = (index: number, term: string | undefined, raw: string, ms: number): void => {
    const c = counts[index];
    c.count++;
    if (!Number.isNaN(ms)) {
      if (!(ms >= firstMs[index])) firstMs[index] = ms;
      if (!(ms <= lastMs[index])) lastMs[index] = ms;
    }
    if (term !== undefined) {
      const t = Number(term);
      if (c.terms === null) c.terms = { min: t, max: t };
      else {
        if (t < c.terms.min) c.terms.min = t;
        if (t > c.terms.max) c.terms.max = t;
      }
    }
    if (c.examples.length === 0) c.examples.push(raw);
    else {
      const r = recent[index];
      r.push(raw);
      if (r.length > MAX_EXAMPLES - 1) r.shift();
    }
  };
  // Tests `value` against a set of forms; `matched` is a bit set of the patterns this line already counted.
  const match = (set: FormSet, value: string, line: string, json: boolean, matched: number, raw: string, ms: number): number => {
    if (!set.any.test(value)) return matched;
    for (const { index, form } of set.forms) {
      if (matched & (1 << index)) continue;
      const m = form.message.exec(value);
      if (!m || (json && form.line && !form.line.test(line))) continue;
      matched |= 1 << index;
      record(index, m.groups?.term, raw, ms);
    }
    return matched;
  };

  const start = readStart(text);
  summary.skippedOlder = start > 0;
  let pos = start;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    if (lineEnd - pos > MAX_LINE_CHARS) {
      lineEnd = pos + MAX_LINE_CHARS;
      summary.truncatedLines++;
    }
    const raw = lineEnd > pos ? text.slice(pos, lineEnd) : '';
    pos = end + 1;
    if (raw.trim() === '') continue;
    summary.lines++;

    // A journal or syslog prefix: remembered for its time, then removed.
    let line = raw;
    let prefix: RegExpExecArray | null = null;
    const c0 = raw.charCodeAt(0);
    if (c0 !== 123 /* { */) {
      prefix = JOURNAL_PREFIX.exec(raw);
      if (prefix) line = raw.slice(prefix[0].length);
    }

    let ms = NaN;
    let message: string;
    let set: FormSet;
    let error: string | undefined;
    let json = false;
    if (line.charCodeAt(0) === 123 /* { */) {
      const msg = jsonString(line, '"msg":"');
      if (msg === undefined) {
        summary.unparseable++;
        message = line;
        set = TEXT;
      } else {
        summary.json++;
        json = true;
        message = msg;
        set = JSON_MSG;
        ms = zapTime(line);
        if (line.includes('"error":"')) error = jsonString(line, '"error":"');
      }
    } else {
      const c = CAPNSLOG.exec(line);
      const m = c ?? RAFT_LOG.exec(line);
      if (m) {
        summary.text++;
        ms = c ? stampMs(line, 0, c[2]) : stampMs(line, 4, m[1]);
        message = line.slice(m[0].length);
      } else {
        summary.unparseable++;
        message = line;
      }
      set = TEXT;
    }
    // The journal's time only for lines without etcd's own.
    if (Number.isNaN(ms) && prefix) ms = journalTime(prefix.groups ?? {}, year);
    if (!Number.isNaN(ms)) {
      if (!(ms >= spanFirst)) spanFirst = ms;
      if (!(ms <= spanLast)) spanLast = ms;
    }

    const matched = match(set, message, line, json, 0, raw, ms);
    if (error !== undefined) match(JSON_ERROR, error, line, json, matched, raw, ms);
  }

  counts.forEach((c, i) => {
    c.examples = [...c.examples, ...recent[i]].map(exampleText);
    c.first = iso(firstMs[i]);
    c.last = iso(lastMs[i]);
  });
  summary.first = iso(spanFirst);
  summary.last = iso(spanLast);
  return summary;
}

/** Where reading starts so that at most MAX_TEXT_CHARS characters and MAX_LINES lines (the latest) are read. */
function readStart(text: string): number {
  let start = 0;
  if (text.length > MAX_TEXT_CHARS) {
    const nl = text.indexOf('\n', text.length - MAX_TEXT_CHARS);
    start = nl < 0 ? text.length : nl + 1;
  }
  // Count lines from the end only when there could be too many.
  if (text.length - start > MAX_LINES) {
    let p = text.length;
    if (text.charCodeAt(p - 1) === 10) p--;
    for (let n = 0; n < MAX_LINES; n++) {
      const nl = text.lastIndexOf('\n', p - 1);
      if (nl < start) return start;
      p = nl;
    }
    return p + 1;
  }
  return start;
}

/** The value of the first JSON string field starting with `key` (e.g. '"msg":"'), unescaped; undefined if none. */
function jsonString(line: string, key: string): string | undefined {
  const at = line.indexOf(key);
  if (at < 0) return undefined;
  const from = at + key.length;
  let i = from;
  let escaped = false;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c === 34 /* " */) break;
    if (c === 92 /* \ */) {
      escaped = true;
      i += 2;
      continue;
    }
    i++;
  }
  if (i >= line.length) return undefined;
  const raw = line.slice(from, i);
  if (!escaped) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

/** A zap line's `ts`: an ISO string (etcd's encoder) or epoch seconds (zap's default encoder). */
function zapTime(line: string): number {
  const at = line.indexOf('"ts":');
  if (at < 0) return NaN;
  const from = at + 5;
  if (line.charCodeAt(from) === 34) {
    const close = line.indexOf('"', from + 1);
    if (close < 0 || close - from > 40) return NaN;
    return isoMs(line.slice(from + 1, close));
  }
  const num = /^\d{9,11}(?:\.\d{1,9})?/.exec(line.slice(from, from + 24));
  return num ? Number(num[0]) * 1000 : NaN;
}

/** `2024-01-02T15:04:05[.123456][Z|+0100|+01:00]` as UTC milliseconds (no zone: UTC). */
function isoMs(text: string): number {
  const m = ISO_TIME.exec(text);
  if (!m) return NaN;
  const ms = stampMs(text, 0, m[1]);
  if (!m[3]) return ms;
  const offset = (Number(m[4]) * 60 + Number(m[5])) * 60_000;
  return m[3] === '+' ? ms - offset : ms + offset;
}

// Most lines of a log fall in the same second as the line before: one cached Date.UTC per second.
let lastStamp = '';
let lastStampMs = NaN;

/**
 * UTC milliseconds of the 19-character stamp `YYYY?MM?DD?hh:mm:ss` at `at` in `text` (the caller's regular
 * expression checked its digits and separators) plus the fraction `frac` (".123456"), NaN for an impossible date.
 */
function stampMs(text: string, at: number, frac: string | undefined): number {
  const stamp = text.slice(at, at + 19);
  if (stamp !== lastStamp) {
    const n = (i: number, len: number): number => Number(stamp.slice(i, i + len));
    const [mo, d, h, mi, s] = [n(5, 2), n(8, 2), n(11, 2), n(14, 2), n(17, 2)];
    const valid = mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
    lastStamp = stamp;
    lastStampMs = valid ? Date.UTC(n(0, 4), mo - 1, d, h, mi, s) : NaN;
  }
  if (!frac) return lastStampMs;
  let ms = 0;
  for (let i = 1; i <= 3; i++) ms = ms * 10 + (i < frac.length ? frac.charCodeAt(i) - 48 : 0);
  return lastStampMs + ms;
}

function journalTime(g: Record<string, string | undefined>, year: number): number {
  if (g.iso) return isoMs(g.iso);
  const month = MONTHS.indexOf(g.mon ?? '') + 1;
  const stamp = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${(g.day ?? '').padStart(2, '0')} ${g.hms ?? ''}`;
  return stampMs(stamp, 0, g.frac);
}

function iso(ms: number): string | null {
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

// ANSI escape sequences (CSI … final byte, OSC … BEL/ST): removed whole; other controls become visible escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;

/** Untrusted log or member text made safe to show as one line: ANSI sequences removed, controls escaped. */
export function safeText(text: string): string {
  return printable(text.replace(ANSI, ''));
}

function exampleText(line: string): string {
  return safeText(clip(line, MAX_EXAMPLE_CHARS));
}

/** The pattern with this id. */
export function logPattern(id: LogPatternId): LogPattern {
  return LOG_PATTERNS.find((p) => p.id === id) as LogPattern;
}
