// What a rule sees: the parsed document plus the effective value of every flag (the last assignment wins,
// as in both systemd and etcd's YAML reader), typed accessors that return undefined for values etcd would
// reject (another rule reports those), and the derived lists several rules share, computed once per run.
import type { ConfigFormat } from '../shared/documents';
import type { EtcdVersion } from '../shared/settings';
import { flagByName, keyOf, type FlagSpec } from './catalogue';
import type { ConfigDocument, Entry } from './document';
import { checkValue, type ValueCheck } from './checkValue';
import type { FindingCap } from './limits';
import type { Range, Severity, TextEdit } from './types';
import { checkEtcdUrl, parseGoBool, parseGoInt, parseInitialCluster, splitUrlList, type ClusterMember, type ParsedUrl } from './values';

/** One URL of a URL-list flag with its parse result. */
export interface UrlRef {
  text: string;
  offset: number;
  parsed?: ParsedUrl;
  error?: string;
  kind?: 'scheme' | 'hostport' | 'path' | 'parse';
}

const CHECKS = new WeakMap<Entry, ValueCheck>();

/** The context a rule runs with. */
export class RuleContext {
  readonly format: ConfigFormat;
  private effective = new Map<string, Entry>();
  /** The last entry of each key as written (with its YAML block): the one systemd and etcd keep. */
  private lastByKey = new Map<string, Entry>();
  private memo = new Map<string, unknown>();
  /** Whether some key is written more than once (if not, no entry needs to look up its winner). */
  readonly anyRepeated: boolean = false;

  /** Findings counted past the cap so far (see `more`): the engine does not keep an entry's findings across
   * runs when some were only counted. */
  overflowed = 0;

  constructor(
    readonly doc: ConfigDocument,
    readonly version: EtcdVersion,
    /** The run's per-rule cap, when its findings are capped (the CLI and the language server). */
    private readonly cap?: Pick<FindingCap, 'room' | 'more'>,
  ) {
    this.format = doc.format;
    for (const e of doc.entries) {
      const size = this.lastByKey.size;
      this.lastByKey.set(e.block ? `${e.block}.${e.key}` : e.key, e);
      if (this.lastByKey.size === size) this.anyRepeated = true;
      if (!e.spec) continue;
      // ETCD_X="" counts as unset; a YAML null leaves the default in place.
      if (this.format === 'env' && e.value === '') this.effective.delete(e.spec.name);
      else if (this.format === 'yaml' && e.type === 'null') continue;
      else this.effective.set(e.spec.name, e);
    }
  }

  /**
   * How many more findings of `code` this run lists (Infinity when it lists them all). A rule that may fire on
   * every line of a generated file builds findings while there is room and hands the rest to `more`.
   */
  room(code: string): number {
    return this.cap ? this.cap.room(code) : Infinity;
  }

  /** Counts findings past the cap instead of building them (only when `room(code)` is 0). */
  more(code: string, severity: Severity, range: Range, count = 1): void {
    if (!this.cap) throw new Error(`RuleContext.more(${code}) in a run that lists every finding`);
    this.overflowed += count;
    this.cap.more(code, severity, range, count);
  }

  /** The entry that decides a flag's value, if the document sets it. */
  get(flag: string): Entry | undefined {
    return this.effective.get(flag);
  }

  /** The entries that decide a flag's value, one per flag the document sets. */
  effectiveEntries(): IterableIterator<Entry> {
    return this.effective.values();
  }

  /** The entry whose value wins for this entry's key (the last one written); `e` itself unless it is repeated. */
  winner(e: Entry): Entry {
    return this.lastByKey.get(e.block ? `${e.block}.${e.key}` : e.key) ?? e;
  }

  /** The effective raw value of a flag (undefined when unset). */
  value(flag: string): string | undefined {
    const e = this.effective.get(flag);
    if (!e) return undefined;
    if (e.type === 'seq') return (e.items ?? []).join(',');
    return e.value ?? undefined;
  }

  /** A flag's value, or etcd's default for it. */
  valueOrDefault(flag: string): string {
    return this.value(flag) ?? flagByName(flag)?.default ?? '';
  }

  /** Integer value when etcd accepts it, else undefined. Unset flags give their default. */
  int(flag: string): number | undefined {
    const e = this.effective.get(flag);
    const spec = flagByName(flag);
    if (!e || !spec) {
      const d = spec?.default;
      return d !== undefined && /^-?\d+$/.test(d) ? Number(d) : undefined;
    }
    if (!this.check(e).ok || e.value === null) return undefined;
    const v = parseGoInt(e.value, false) ?? parseGoInt(e.value, true);
    return v === undefined ? (e.type === 'float' ? Number(e.value) : undefined) : Number(v);
  }

  /** Boolean value when set and valid. */
  bool(flag: string): boolean | undefined {
    const e = this.effective.get(flag);
    if (!e || e.value === null || !this.check(e).ok) return undefined;
    if (this.format === 'yaml') return ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].includes(e.value);
    return parseGoBool(e.value);
  }

  /** Whether a flag is set (non-empty) in the document. */
  isSet(flag: string): boolean {
    const v = this.value(flag);
    return v !== undefined && v !== '';
  }

  /** The items of a URL-list flag (explicit or default) with their parse results. */
  urls(flag: string): UrlRef[] {
    return this.memoize(`urls:${flag}`, () => {
      const value = this.value(flag) ?? flagByName(flag)?.default ?? '';
      if (value === '') return [];
      // One object shape for every item (spreads made a list of 100,000 URLs slow to build and to search).
      return splitUrlList(value).map((item): UrlRef => {
        const checked = checkEtcdUrl(item.text);
        return { text: item.text, offset: item.offset, parsed: checked.url, error: checked.error, kind: checked.kind };
      });
    });
  }

  /** initial-cluster parsed (explicit or the default `default=http://localhost:2380`). */
  cluster(): { members: ClusterMember[]; malformed: { text: string; offset: number }[]; explicit: boolean } {
    return this.memoize('cluster', () => {
      const explicit = this.isSet('initial-cluster');
      return { ...parseInitialCluster(this.value('initial-cluster') ?? 'default=http://localhost:2380'), explicit };
    });
  }

  /** Checks an entry's value against what etcd accepts for its flag. */
  check(e: Entry): ValueCheck {
    // Entries of unchanged lines are reused across runs, so this cache spares retyping-time work.
    let r = CHECKS.get(e);
    if (!r) {
      r = checkValue(e, this.format);
      CHECKS.set(e, r);
    }
    return r;
  }

  /** The document range of part of an entry's value; the whole value when quoting or escapes blur the mapping. */
  rangeIn(e: Entry, offset: number, length: number): Range {
    const r = e.valueRange;
    if (r.start.line !== r.end.line || e.value === null) return r;
    const width = r.end.character - r.start.character;
    const q = e.quoted ? 1 : 0;
    if (width - 2 * q !== e.value.length && !(e.inlineComment && this.format === 'env')) return r;
    const start = r.start.character + q + offset;
    return { start: { line: r.start.line, character: start }, end: { line: r.start.line, character: start + length } };
  }

  /** An edit that sets a flag to a value: replaces the effective entry's value or appends a line. */
  setValue(flag: string, value: string): TextEdit | undefined {
    const spec = flagByName(flag);
    if (!spec) return undefined;
    const e = this.get(flag) ?? [...this.doc.entries].reverse().find((x) => x.spec?.name === flag);
    if (e) return this.replaceValue(e, this.quote(value, e));
    const key = keyOf(spec, this.format);
    if (!key || (this.format === 'yaml' && spec.yaml?.includes('.'))) return undefined;
    const last = this.doc.lines.length - 1;
    const lastText = this.doc.lines[last] ?? '';
    const sep = this.format === 'env' ? '=' : ': ';
    const line = `${key}${sep}${this.quote(value)}`;
    return lastText === ''
      ? { range: { start: { line: last, character: 0 }, end: { line: last, character: 0 } }, newText: `${line}\n` }
      : {
          range: { start: { line: last, character: lastText.length }, end: { line: last, character: lastText.length } },
          newText: `\n${line}`,
        };
  }

  /**
   * An edit that gives an entry a new value (text as it goes into the document). A YAML value that starts on a
   * line below its key (a block list or mapping) is replaced from the end of the key on, so that the new value
   * sits on the key's line: a scalar left where a `- item` line began would not be YAML.
   */
  replaceValue(e: Entry, newText: string): TextEdit {
    if (this.format === 'yaml' && e.valueRange.start.line > e.keyRange.end.line)
      return { range: { start: e.keyRange.end, end: e.valueRange.end }, newText: `: ${newText}` };
    return { range: e.valueRange, newText };
  }

  /** Formats a value for this document, keeping the quoting style of an existing entry. */
  quote(value: string, like?: Entry): string {
    if (this.format === 'env') {
      if (like?.quoted || /[\s#;"'\\]/.test(value)) return `"${value.replace(/(["\\`$])/g, '\\$1')}"`;
      return value;
    }
    const spec = like?.spec;
    const wantsString = spec ? !['uint', 'int', 'bool', 'duration'].includes(spec.kind) : false;
    if (like?.quoted || (wantsString && /^[\d.+-]|[:#{}[\],&*!|>'"%@`]|^$/.test(value) && !/^[a-z]+:\/\/[^\s#]*$/.test(value)))
      return JSON.stringify(value);
    return value;
  }

  /** The spec of a flag by name (rules refer to flags by name). */
  spec(flag: string): FlagSpec | undefined {
    return flagByName(flag);
  }

  /** What the document calls a flag: ETCD_X in env files, the YAML key otherwise. */
  keyName(flag: string): string {
    const spec = flagByName(flag);
    if (!spec) return flag;
    return this.format === 'env' ? spec.env : (spec.yaml ?? flag);
  }

  private memoize<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const v = compute();
    this.memo.set(key, v);
    return v;
  }
}
