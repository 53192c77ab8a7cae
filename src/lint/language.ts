// Hover and completion over the flag catalogue, as plain data: the server turns these into LSP shapes.
import type { EtcdVersion } from '../shared/settings';
import { ALL_VERSIONS, enumValues, FLAGS, keyOf, type FlagSpec } from './catalogue';
import type { ConfigDocument, Entry } from './document';
import type { Position, Range } from './types';
import { measuredTimeoutsHover, type MeasuredPeers } from './measured';

const inside = (r: Range, p: Position): boolean =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

/** The entry whose key or value is at a position. */
export function entryAt(doc: ConfigDocument, pos: Position): { entry: Entry; on: 'key' | 'value' } | undefined {
  for (const entry of doc.entries) {
    if (inside(entry.keyRange, pos)) return { entry, on: 'key' };
    if (inside(entry.valueRange, pos)) return { entry, on: 'value' };
  }
  return undefined;
}

/** Markdown describing a flag: what it does, default, unit, versions. */
export function describeFlag(spec: FlagSpec, version: EtcdVersion): string {
  const lines = [
    `**${spec.env}** · \`--${spec.name}\`${spec.yaml ? ` · YAML \`${spec.yaml}\`` : ' · no YAML key'}`,
    '',
    spec.description || '(no description)',
    '',
  ];
  lines.push(`- Default: ${spec.default === '' ? '(empty)' : `\`${spec.default}\``}`);
  if (spec.unit) lines.push(`- Unit: ${spec.unit}`);
  if (spec.kind === 'enum')
    lines.push(
      `- Values: ${enumValues(spec, version)
        .map((v) => `\`${v}\``)
        .join(', ')}`,
    );
  const versions = ALL_VERSIONS.map((v) => (spec.versions.includes(v) ? (spec.deprecated?.[v] ? `${v} (deprecated)` : v) : `~~${v}~~`));
  lines.push(`- etcd versions: ${versions.join(', ')}${spec.versions.includes(version) ? '' : ` — not known to ${version}`}`);
  return lines.join('\n');
}

/** Hover text at a position, with the range it covers. */
export function hoverAt(
  doc: ConfigDocument,
  pos: Position,
  version: EtcdVersion,
  measured: readonly MeasuredPeers[] = [],
): { markdown: string; range: Range } | undefined {
  const hit = entryAt(doc, pos);
  if (!hit?.entry.spec) return undefined;
  const extra = measuredTimeoutsHover(doc, hit.entry, measured);
  return {
    markdown: describeFlag(hit.entry.spec, version) + (extra ? `\n\n---\n\n${extra}` : ''),
    range: hit.on === 'key' ? hit.entry.keyRange : hit.entry.valueRange,
  };
}

/** A completion item, format-specific. */
export interface CompletionEntry {
  label: string;
  kind: 'key' | 'value';
  insertText: string;
  detail: string;
  documentation?: string;
  deprecated?: boolean;
}

/** Keys (at the start of a line) or enum values (after `=` / `:`) for a position. */
export function completionsAt(doc: ConfigDocument, pos: Position, version: EtcdVersion): CompletionEntry[] {
  const line = doc.lines[pos.line] ?? '';
  const before = line.slice(0, pos.character);
  const sep = doc.format === 'env' ? before.indexOf('=') : before.indexOf(':');
  if (sep >= 0) {
    const key = before.slice(0, sep).trim();
    const spec = FLAGS.find((f) => (doc.format === 'env' ? f.env === key : keyOf(f, 'yaml') === key && !f.yaml?.includes('.')));
    if (!spec) return [];
    const values = spec.kind === 'enum' ? enumValues(spec, version) : spec.kind === 'bool' ? ['true', 'false'] : [];
    return values.map((v) => ({
      label: v,
      kind: 'value',
      insertText: doc.format === 'yaml' && before.endsWith(':') ? ` ${v}` : v,
      detail: `${key} value`,
    }));
  }
  const indented = /^\s+/.test(before);
  return FLAGS.filter((f) => f.versions.includes(version))
    .filter((f) => (doc.format === 'env' ? true : indented ? f.yaml?.includes('.') : f.yaml !== undefined && !f.yaml.includes('.')))
    .map((f) => {
      const key = doc.format === 'env' ? f.env : (keyOf(f, 'yaml') as string);
      return {
        label: key,
        kind: 'key' as const,
        insertText: doc.format === 'env' ? `${key}=` : `${key}: `,
        detail: `${f.kind}${f.unit ? ` (${f.unit})` : ''}, default ${f.default === '' ? '(empty)' : f.default}`,
        documentation: f.description,
        deprecated: f.deprecated?.[version] !== undefined,
      };
    });
}
