// Keys etcd does not know in any version. Env: etcd warns "unrecognized environment variable" and runs on;
// YAML: the key is silently ignored. Either way the setting the operator meant is not applied.
import { distance } from 'fastest-levenshtein';
import { FLAGS, LEGACY_ENV, keyOf } from '../catalogue';
import { TLS_BLOCKS } from '../parse/yaml';
import { entryRule, finding, fix } from './helpers';

const suggestions = new Map<string, string | undefined>();

/** The closest known key, or undefined when nothing is close enough to be a typo. */
export function suggestKey(key: string, format: 'env' | 'yaml', block?: string): string | undefined {
  const memoKey = `${format}:${block ?? ''}:${key}`;
  if (suggestions.has(memoKey)) return suggestions.get(memoKey);
  const candidates =
    format === 'env'
      ? FLAGS.map((f) => f.env)
      : FLAGS.filter((f) => f.yaml !== undefined && (block ? f.yaml.startsWith(`${block}.`) : !f.yaml.includes('.')))
          .map((f) => keyOf(f, 'yaml') as string)
          .concat(block ? [] : [...TLS_BLOCKS]);
  const unprefixed = block ? key.replace(/^(peer|client)-/, '') : key;
  if (unprefixed !== key && candidates.includes(unprefixed)) {
    suggestions.set(memoKey, unprefixed);
    return unprefixed;
  }
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(norm(key), norm(c));
    if (d < bestD) [best, bestD] = [c, d];
  }
  const limit = Math.max(2, Math.floor(key.length / 5));
  const result = bestD <= limit ? best : undefined;
  suggestions.set(memoKey, result);
  return result;
}

export const unknownKey = entryRule('unknown-key', (e, ctx) => {
  if (e.spec !== undefined) return [];
  if (ctx.format === 'env') {
    if (!e.key.startsWith('ETCD_') || e.key === 'ETCD_UNSUPPORTED_ARCH') return [];
    if (LEGACY_ENV.has(e.key))
      return [finding('unknown-key', 'information', `${e.key} is a legacy etcd variable: etcd accepts it and ignores it.`, e.keyRange)];
  } else if (!e.block && (TLS_BLOCKS as readonly string[]).includes(e.key)) return [];
  const s = suggestKey(e.key, ctx.format, e.block);
  const how = ctx.format === 'env' ? 'etcd warns "unrecognized environment variable" and ignores it' : 'etcd silently ignores it';
  let message = `Unknown key "${e.key}"${e.block ? ` in ${e.block}` : ''}: ${how}.`;
  if (ctx.format === 'yaml' && e.block && /^(peer|client)-/.test(e.key)) {
    message += ` Inside ${e.block} the keys have no "${e.key.split('-')[0]}-" prefix.`;
  } else if (ctx.format === 'yaml' && !e.block && /^(peer-)?(cert-file|key-file|trusted-ca-file|client-cert-auth|auto-tls)$/.test(e.key)) {
    message += ` In YAML, TLS settings go under ${e.key.startsWith('peer-') ? 'peer' : 'client'}-transport-security.`;
  }
  if (s) message += ` Did you mean "${s}"?`;
  return [
    finding('unknown-key', 'warning', message, e.keyRange, s ? fix(`Rename to ${s}`, false, { range: e.keyRange, newText: s }) : undefined),
  ];
});
