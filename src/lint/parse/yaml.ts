// Reads etcd's YAML --config-file with the `yaml` package, keeping exact positions. etcd reads YAML through
// sigs.k8s.io/yaml on top of go-yaml v2, i.e. YAML 1.1 scalars (`yes`/`on` are booleans); we resolve plain
// scalars with those rules rather than YAML 1.2's. etcd's config is one flat mapping (plus the two TLS
// blocks), so the text is cut into top-level keys and each piece is parsed and cached on its own: an edit
// reparses only the key it touches. Anything that is not a plain top-level mapping is parsed as a whole.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type Scalar } from 'yaml';
import { flagByYaml } from '../catalogue';
import type { Entry, ValueType } from '../document';
import { reporter } from '../findings';
import { clip } from '../limits';
import type { LintDiagnostic, Range } from '../types';

/** The TLS blocks of etcd's YAML config, whose keys map to the client/peer TLS flags. */
/** The findings of YAML etcd cannot read (the yaml-syntax rule hands them on). */
export const YAML_SYNTAX = reporter('yaml-syntax');

export const TLS_BLOCKS = ['client-transport-security', 'peer-transport-security'] as const;

/** A parsed chunk, positioned at line `at` of the document. When the chunk is seen at another line it is moved
 * there (and cached so), so a chunk that did not move hands back the very same objects. */
interface ChunkResult {
  entries: readonly Entry[];
  syntax: readonly LintDiagnostic[];
  at: number;
}

/** Cache of parsed top-level chunks, keyed by their text. */
export class YamlChunkCache {
  private map = new Map<string, ChunkResult>();
  private capacity = 20_000;
  /** Keeps room for a document of this many chunks: a large document must not evict its own chunks (then
   * every keystroke would parse it all again). Documents are at most MAX_LINT_BYTES, so this stays bounded. */
  fit(chunks: number): void {
    this.capacity = Math.max(20_000, 2 * chunks);
  }
  get(text: string): ChunkResult | undefined {
    return this.map.get(text);
  }
  set(text: string, result: ChunkResult): void {
    if (this.map.size > this.capacity) this.map.clear();
    this.map.set(text, result);
  }
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS = new Set('y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF'.split(' '));
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** How go-yaml v2 resolves a plain scalar. */
export function resolvePlain(raw: string): ValueType {
  if (NULLS.has(raw)) return 'null';
  if (BOOLS.has(raw)) return 'bool';
  // Numbers start with a digit, a sign or a dot: a word needs none of the checks below (most keys and values).
  const c = raw.charCodeAt(0) | 0x20;
  if (c >= 0x61 && c <= 0x7a) return 'string';
  const plain = raw.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return 'int';
  if (FLOAT.test(plain) || /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(raw)) return 'float';
  return 'string';
}

/** Parses the YAML config into entries and syntax findings. */
export function parseYaml(
  lines: readonly string[],
  cache?: YamlChunkCache,
): { entries: readonly Entry[]; syntax: readonly LintDiagnostic[] } {
  const starts = chunkStarts(lines);
  if (!starts) {
    const whole = parseChunk(lines.join('\n'));
    return { entries: whole.entries, syntax: whole.syntax };
  }
  cache?.fit(starts.length);
  const entries: Entry[] = [];
  const syntax: LintDiagnostic[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const to = k + 1 < starts.length ? starts[k + 1] : lines.length;
    const text = to - from === 1 ? lines[from] : lines.slice(from, to).join('\n');
    let result = cache?.get(text);
    if (!result) {
      const simple = simpleEntry(lines, from, to);
      // Without a cache (the CLI's one-shot lint) a simple line needs no wrapper: that is most of a big file.
      if (simple && !cache) {
        entries.push(simple);
        continue;
      }
      result = simple ? { entries: [simple], syntax: NO_SYNTAX, at: from } : placedAt(parseChunk(text), from);
      cache?.set(text, result);
    } else if (result.at !== from) {
      result = placedAt(result, from);
      cache?.set(text, result);
    }
    for (const e of result.entries) entries.push(e);
    for (const d of result.syntax) syntax.push(d);
  }
  return { entries, syntax };
}

/** Line numbers where top-level keys begin, or undefined when the text needs a whole-document parse. */
function chunkStarts(lines: readonly string[]): number[] | undefined {
  const starts: number[] = [0];
  for (let i = 0; i < lines.length; i++) {
    // The yaml parser skips a byte-order mark at the start; so must the look at the first line.
    const l = i === 0 && lines[0].charCodeAt(0) === 0xfeff ? lines[0].slice(1) : lines[i];
    const c = l[0];
    if (c === undefined || c === ' ' || c === '\t' || c === '#' || c === '\r') continue;
    if (c === '-' && (l.startsWith('---') || l.length === 1 || l[1] === ' ')) {
      if (l.startsWith('---')) return undefined;
      continue; // a block sequence at column 0 still belongs to the key above
    }
    if ('{}[]&*!%?|>@`"\''.includes(c) || l.startsWith('...')) return undefined;
    if (/&|\*[A-Za-z]|<</.test(l)) return undefined; // anchors, aliases and merges tie keys together
    if (i > 0) starts.push(i);
  }
  return starts;
}

function shift(r: Range, by: number): Range {
  return { start: { line: r.start.line + by, character: r.start.character }, end: { line: r.end.line + by, character: r.end.character } };
}

/** The result moved to line `to`. */
function placedAt(result: ChunkResult, to: number): ChunkResult {
  const by = to - result.at;
  if (by === 0) return result;
  return {
    entries: result.entries.map((e) => shiftEntry(e, by)),
    syntax: result.syntax.map((d) => ({ ...d, range: shift(d.range, by) })),
    at: to,
  };
}

function shiftEntry(e: Entry, by: number): Entry {
  return { ...e, keyRange: shift(e.keyRange, by), valueRange: shift(e.valueRange, by), range: shift(e.range, by) };
}

// `key: value` on one line, the shape of nearly every line of an etcd config, is read without the yaml package,
// whose fixed cost per parse (about 30 µs) made a file of 200,000 top-level keys take seconds. Only the
// plainest form qualifies (printable ASCII, no tab, a word for a key that YAML 1.1 reads as that very string,
// a plain value that cannot be a flow collection, alias, tag, block scalar or nested mapping); anything else
// goes to the yaml package, and a test (yamlSimpleLines.test.ts) holds the two to the same result.
const SIMPLE_LINE = /^([A-Za-z][A-Za-z0-9_.-]*):(?: [\x20-\x7e]*)?$/;
// Keys the yaml package reads as something else than the string they spell (its YAML 1.1 floats include "e5").
const NOT_A_STRING_KEY = /^(?:[eE]-?[0-9]+|[Yy]|[Nn]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF|[Nn]ull|NULL)$/;
const BLANK_OR_COMMENT = /^ *(?:#.*)?$/;
const NOT_A_PLAIN_START = /^(?:[?:,[\]{}#&*!|>'"%@`]|-(?:$| ))/;

const NO_SYNTAX: readonly LintDiagnostic[] = Object.freeze([]);

/** The entry of a chunk that is one simple `key: value` line (and blank or comment lines), else undefined. */
export function simpleEntry(lines: readonly string[], from: number, to: number): Entry | undefined {
  const line = lines[from];
  const m = SIMPLE_LINE.exec(line);
  // YAML limits an implicit key to 1024 characters; leave the error to the yaml package.
  if (!m || m[1].length > 1000 || NOT_A_STRING_KEY.test(m[1])) return undefined;
  const key = m[1];
  let start = key.length + 1;
  while (line[start] === ' ') start++;
  // A comment starts at a `#` after a space; the value is what comes before it, without trailing spaces.
  const hash = line.indexOf(' #', key.length);
  const cut = hash < 0 ? line.length : hash < start ? start : hash;
  const raw = line.slice(start, cut).trimEnd();
  // An empty value followed by more lines may be a block the yaml package must see (its position too).
  if (raw === '' && to - from > 1) return undefined;
  for (let i = from + 1; i < to; i++) if (!BLANK_OR_COMMENT.test(lines[i])) return undefined;
  if (raw !== '' && (NOT_A_PLAIN_START.test(raw) || raw.includes(': ') || raw.endsWith(':'))) return undefined;
  const type = resolvePlain(raw);
  // A big file is mostly such lines: equal positions are one object (ranges are never changed in place).
  const keyStart = { line: from, character: 0 };
  const valueStart = { line: from, character: start };
  const valueEnd = raw === '' ? valueStart : { line: from, character: start + raw.length };
  return {
    key,
    spec: flagByYaml(key),
    value: type === 'null' ? null : raw,
    type,
    quoted: false,
    keyRange: { start: keyStart, end: { line: from, character: key.length } },
    valueRange: { start: valueStart, end: valueEnd },
    range: { start: keyStart, end: valueEnd },
  };
}

function parseChunk(text: string): ChunkResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, keepSourceTokens: false, version: '1.1' });
  const pos = (offset: number): { line: number; character: number } => {
    const p = counter.linePos(offset);
    return { line: p.line - 1, character: p.col - 1 };
  };
  const range = (from: number, to: number): Range => ({ start: pos(from), end: pos(to) });
  const syntax: LintDiagnostic[] = doc.errors.map((e) =>
    YAML_SYNTAX.finding(
      'error',
      // The parser's message may quote the text it choked on: clip it like any value.
      `etcd cannot read this YAML and refuses to start: ${clip(e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''))}`,
      range(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
    ),
  );
  const entries: Entry[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { entries, syntax, at: 0 };
  if (!isMap(root)) {
    if (syntax.length === 0) {
      const r = root.range ?? [0, text.length, text.length];
      syntax.push(
        YAML_SYNTAX.finding(
          'error',
          'etcd refuses to start: its configuration file must be a YAML mapping of keys to values.',
          range(r[0], r[1]),
        ),
      );
    }
    return { entries, syntax, at: 0 };
  }
  const collect = (items: readonly Pair<unknown, unknown>[], block: string | undefined): void => {
    for (const pair of items) {
      const keyNode = pair.key as YamlNode | null;
      if (!isScalar(keyNode) || !keyNode.range) continue;
      const key = String(keyNode.value);
      const valueNode = pair.value as YamlNode | null;
      const kr = range(keyNode.range[0], keyNode.range[1]);
      const vr = valueNode?.range ? range(valueNode.range[0], valueNode.range[1]) : { start: kr.end, end: kr.end };
      const entry: Entry = {
        key,
        spec: flagByYaml(block ? `${block}.${key}` : key),
        value: null,
        type: 'null',
        quoted: false,
        keyRange: kr,
        valueRange: vr,
        range: { start: kr.start, end: valueNode?.range ? pos(valueNode.range[1]) : kr.end },
      };
      if (block) entry.block = block;
      if (isScalar(valueNode)) {
        Object.assign(entry, scalar(valueNode, text));
      } else if (isSeq(valueNode)) {
        entry.type = 'seq';
        entry.items = valueNode.items.map((n) => (isScalar(n) && n.value !== null ? String(n.value) : ''));
      } else if (isMap(valueNode)) {
        entry.type = 'map';
      }
      entries.push(entry);
      if (!block && (TLS_BLOCKS as readonly string[]).includes(key) && isMap(valueNode)) collect(valueNode.items, key);
    }
  };
  collect(root.items, undefined);
  return { entries, syntax, at: 0 };
}

function scalar(node: Scalar, text: string): Pick<Entry, 'value' | 'type' | 'quoted'> {
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  if (quoted || node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
    return { value: String(node.value ?? ''), type: 'string', quoted };
  }
  const raw = node.range ? text.slice(node.range[0], node.range[1]).trim() : String(node.value ?? '');
  const type = resolvePlain(raw);
  return { value: type === 'null' ? null : raw, type, quoted: false };
}
