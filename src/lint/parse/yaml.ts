// Reads etcd's YAML --config-file with the `yaml` package, keeping exact positions. etcd reads YAML through
// sigs.k8s.io/yaml on top of go-yaml v2, i.e. YAML 1.1 scalars (`yes`/`on` are booleans); we resolve plain
// scalars with those rules rather than YAML 1.2's. etcd's config is one flat mapping (plus the two TLS
// blocks), so the text is cut into top-level keys and each piece is parsed and cached on its own: an edit
// reparses only the key it touches. Anything that is not a plain top-level mapping is parsed as a whole.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair, type Scalar } from 'yaml';
import { flagByYaml } from '../catalogue';
import type { Entry, ValueType } from '../document';
import type { LintDiagnostic, Range } from '../types';

/** The TLS blocks of etcd's YAML config, whose keys map to the client/peer TLS flags. */
export const TLS_BLOCKS = ['client-transport-security', 'peer-transport-security'] as const;

interface ChunkResult {
  entries: Entry[];
  syntax: LintDiagnostic[];
  /** The same result moved to the line it was last seen at, so an unmoved chunk hands back the same objects. */
  placed?: { at: number; entries: Entry[]; syntax: LintDiagnostic[] };
}

/** Cache of parsed top-level chunks, keyed by their text. */
export class YamlChunkCache {
  private map = new Map<string, ChunkResult>();
  get(text: string): ChunkResult | undefined {
    return this.map.get(text);
  }
  set(text: string, result: ChunkResult): void {
    if (this.map.size > 20_000) this.map.clear();
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
  const plain = raw.replace(/_/g, '');
  if (/^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/.test(plain)) return 'int';
  if (FLOAT.test(plain) || /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(raw)) return 'float';
  return 'string';
}

/** Parses the YAML config into entries and syntax findings. */
export function parseYaml(lines: readonly string[], cache?: YamlChunkCache): { entries: Entry[]; syntax: LintDiagnostic[] } {
  const starts = chunkStarts(lines);
  if (!starts) return parseChunk(lines.join('\n'));
  const entries: Entry[] = [];
  const syntax: LintDiagnostic[] = [];
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const to = k + 1 < starts.length ? starts[k + 1] : lines.length;
    const text = lines.slice(from, to).join('\n');
    let result = cache?.get(text);
    if (!result) {
      result = parseChunk(text);
      cache?.set(text, result);
    }
    if (from !== 0 && result.placed?.at !== from) {
      result.placed = {
        at: from,
        entries: result.entries.map((e) => shiftEntry(e, from)),
        syntax: result.syntax.map((d) => ({ ...d, range: shift(d.range, from) })),
      };
    }
    const placed = from === 0 ? result : (result.placed ?? result);
    for (const e of placed.entries) entries.push(e);
    for (const d of placed.syntax) syntax.push(d);
  }
  return { entries, syntax };
}

/** Line numbers where top-level keys begin, or undefined when the text needs a whole-document parse. */
function chunkStarts(lines: readonly string[]): number[] | undefined {
  const starts: number[] = [0];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
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

function shiftEntry(e: Entry, by: number): Entry {
  return { ...e, keyRange: shift(e.keyRange, by), valueRange: shift(e.valueRange, by), range: shift(e.range, by) };
}

function parseChunk(text: string): ChunkResult {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, keepSourceTokens: false, version: '1.1' });
  const pos = (offset: number): { line: number; character: number } => {
    const p = counter.linePos(offset);
    return { line: p.line - 1, character: p.col - 1 };
  };
  const range = (from: number, to: number): Range => ({ start: pos(from), end: pos(to) });
  const syntax: LintDiagnostic[] = doc.errors.map((e) => ({
    code: 'yaml-syntax',
    severity: 'error',
    message: `etcd cannot read this YAML and refuses to start: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
    range: range(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)),
  }));
  const entries: Entry[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { entries, syntax };
  if (!isMap(root)) {
    if (syntax.length === 0) {
      const r = root.range ?? [0, text.length, text.length];
      syntax.push({
        code: 'yaml-syntax',
        severity: 'error',
        message: 'etcd refuses to start: its configuration file must be a YAML mapping of keys to values.',
        range: range(r[0], r[1]),
      });
    }
    return { entries, syntax };
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
  return { entries, syntax };
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
