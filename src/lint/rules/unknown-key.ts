// Keys etcd does not know in any version. Env: etcd warns "unrecognized environment variable" and runs on;
// YAML: the key is silently ignored. Either way the setting the operator meant is not applied.
import { distance } from 'fastest-levenshtein';
import { FLAGS, LEGACY_ENV, keyOf } from '../catalogue';
import { TLS_BLOCKS } from '../parse/yaml';
import { clip, defineEntryRule, fix } from './helpers';

/** A key a suggestion may name, with the form distances are computed on and its characters counted. */
interface Candidate {
  key: string;
  norm: string;
  /** The distinct characters of `norm` (UTF-16 codes) and how often each occurs. */
  codes: readonly number[];
  counts: readonly number[];
}

/** The keys a suggestion may name in one place (env file, YAML top level, one YAML TLS block). */
interface Candidates {
  keys: ReadonlySet<string>;
  /** In catalogue order: of several equally close candidates the first is suggested. */
  list: readonly Candidate[];
  maxLength: number;
  /** The candidates whose length is within `limit` of `length`, in catalogue order, by `${length}:${limit}`. */
  windows: Map<string, readonly Candidate[]>;
}

const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

function candidate(key: string): Candidate {
  const n = norm(key);
  const count = new Map<number, number>();
  for (let i = 0; i < n.length; i++) count.set(n.charCodeAt(i), (count.get(n.charCodeAt(i)) ?? 0) + 1);
  return { key, norm: n, codes: [...count.keys()], counts: [...count.values()] };
}

// How often each character occurs in the key being looked up (cleared after each look-up).
const keyCounts = new Uint32Array(0x10000);

/**
 * A lower bound of the edit distance between the counted key (of length `length`) and a candidate, far cheaper
 * than the distance itself: every character one string has more often than the other costs at least one edit
 * (the "bag distance"). It also bounds by the difference in length.
 */
function bagBound(c: Candidate, length: number): number {
  let common = 0;
  for (let i = 0; i < c.codes.length; i++) common += Math.min(c.counts[i], keyCounts[c.codes[i]]);
  return Math.max(length - common, c.norm.length - common);
}

const candidateSets = new Map<string, Candidates>();

function candidatesFor(format: 'env' | 'yaml', block: string | undefined): Candidates {
  const id = `${format}:${block ?? ''}`;
  let c = candidateSets.get(id);
  if (!c) {
    const keys =
      format === 'env'
        ? FLAGS.map((f) => f.env)
        : FLAGS.filter((f) => f.yaml !== undefined && (block ? f.yaml.startsWith(`${block}.`) : !f.yaml.includes('.')))
            .map((f) => keyOf(f, 'yaml') as string)
            .concat(block ? [] : [...TLS_BLOCKS]);
    const list = keys.map(candidate);
    c = { keys: new Set(keys), list, maxLength: Math.max(0, ...list.map((x) => x.norm.length)), windows: new Map() };
    candidateSets.set(id, c);
  }
  return c;
}

/** The candidates that can be within `limit` edits of a key of this length (the rest are never looked at). */
function lengthWindow(c: Candidates, length: number, limit: number): readonly Candidate[] {
  const id = `${length}:${limit}`;
  let w = c.windows.get(id);
  if (!w) {
    w = c.list.filter((x) => Math.abs(x.norm.length - length) <= limit);
    // Real keys need a few dozen windows; keys padded with dashes or underscores could ask for many more.
    if (c.windows.size >= 1000) c.windows.clear();
    c.windows.set(id, w);
  }
  return w;
}

// Generated files repeat their unknown keys, so answers are remembered, but only so many: a file of 200,000
// distinct keys must not keep 200,000 answers alive.
const suggestions = new Map<string, string | undefined>();
const MAX_REMEMBERED = 10_000;

/** The closest known key, or undefined when nothing is close enough to be a typo. */
export function suggestKey(key: string, format: 'env' | 'yaml', block?: string): string | undefined {
  const candidates = candidatesFor(format, block);
  const unprefixed = block ? key.replace(/^(peer|client)-/, '') : key;
  if (unprefixed !== key && candidates.keys.has(unprefixed)) return unprefixed;
  const limit = Math.max(2, Math.floor(key.length / 5));
  const k = norm(key);
  // Only a candidate within the limit can be the answer, and the edit distance is at least the difference in
  // length (and at least bagBound): candidates whose bound already reaches the best distance so far are
  // skipped, which changes no answer and spares the distance computation for almost all of them. A key longer
  // than every candidate by more than the limit has no suggestion at all.
  if (k.length - candidates.maxLength > limit) return undefined;
  const memoKey = `${format}:${block ?? ''}:${key}`;
  if (suggestions.has(memoKey)) return suggestions.get(memoKey);
  let best: string | undefined;
  let bestD = limit + 1;
  for (let i = 0; i < k.length; i++) keyCounts[k.charCodeAt(i)]++;
  for (const c of lengthWindow(candidates, k.length, limit)) {
    if (bagBound(c, k.length) >= bestD) continue;
    const d = distance(k, c.norm);
    if (d < bestD) [best, bestD] = [c.key, d];
  }
  for (let i = 0; i < k.length; i++) keyCounts[k.charCodeAt(i)] = 0;
  if (suggestions.size >= MAX_REMEMBERED) suggestions.clear();
  suggestions.set(memoKey, best);
  return best;
}

export const unknownKey = defineEntryRule('unknown-key', (e, ctx, { finding, lazyFinding, room, more }) => {
  if (e.spec !== undefined) return [];
  if (ctx.format === 'env') {
    if (!e.key.startsWith('ETCD_') || e.key === 'ETCD_UNSUPPORTED_ARCH') return [];
    if (LEGACY_ENV.has(e.key))
      return [finding('information', `${e.key} is a legacy etcd variable: etcd accepts it and ignores it.`, e.keyRange)];
  } else if (!e.block && (TLS_BLOCKS as readonly string[]).includes(e.key)) return [];
  // A generated file may have an unknown key on every line: past what the run lists, they are only counted.
  if (room(ctx) <= 0) {
    more(ctx, 'warning', e.keyRange);
    return [];
  }
  const { format } = ctx;
  return [
    lazyFinding('warning', e.keyRange, () => {
      const s = suggestKey(e.key, format, e.block);
      const how = format === 'env' ? 'etcd warns "unrecognized environment variable" and ignores it' : 'etcd silently ignores it';
      let message = `Unknown key "${clip(e.key)}"${e.block ? ` in ${e.block}` : ''}: ${how}.`;
      if (format === 'yaml' && e.block && /^(peer|client)-/.test(e.key)) {
        message += ` Inside ${e.block} the keys have no "${e.key.split('-')[0]}-" prefix.`;
      } else if (format === 'yaml' && !e.block && /^(peer-)?(cert-file|key-file|trusted-ca-file|client-cert-auth|auto-tls)$/.test(e.key)) {
        message += ` In YAML, TLS settings go under ${e.key.startsWith('peer-') ? 'peer' : 'client'}-transport-security.`;
      }
      if (s) message += ` Did you mean "${s}"?`;
      return { message, fixes: s ? fix(`Rename to ${s}`, false, { range: e.keyRange, newText: s }) : undefined };
    }),
  ];
});
