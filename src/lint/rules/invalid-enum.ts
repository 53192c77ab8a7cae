// Values outside a flag's set. etcd refuses most (flag parsing or Config.Validate); a bad metrics or bbolt
// freelist type is accepted and falls back silently, so those are warnings.
import { clip, fix, refuses, defineRule } from './helpers';
import { enumValues } from '../catalogue';

const LENIENT = new Set(['metrics', 'backend-bbolt-freelist-type', 'experimental-backend-bbolt-freelist-type']);

export const invalidEnum = defineRule('invalid-enum', (_doc, ctx, { finding }) => {
  const out = [];
  // Only the value that wins matters: an overridden line is reported by duplicate-key.
  for (const e of ctx.effectiveEntries()) {
    const spec = e.spec;
    if (!spec || spec.kind !== 'enum' || e.value === null || e.value === '' || !spec.versions.includes(ctx.version)) continue;
    const values = enumValues(spec, ctx.version);
    let v = e.value;
    // zap parses levels case-insensitively from 3.5 on; 3.4 panics on "INFO".
    if (spec.name === 'log-level' && ctx.version !== '3.4') v = v.toLowerCase();
    if (values.includes(v)) continue;
    const close = values.find((x) => x.toLowerCase() === e.value?.toLowerCase().trim());
    const fixes = close ? fix(`Change to ${close}`, true, ctx.replaceValue(e, ctx.quote(close, e))) : undefined;
    const list = values.map((x) => `"${x}"`).join(', ');
    if (LENIENT.has(spec.name)) {
      out.push(
        finding('warning', `"${clip(e.value)}" is not one of ${list}: etcd ignores it and uses "${spec.default}".`, e.valueRange, fixes),
      );
      continue;
    }
    let msg: string;
    if (spec.name === 'initial-cluster-state')
      msg =
        ctx.format === 'env'
          ? `invalid value "${clip(e.value)}" for ${spec.env}: invalid value`
          : `unexpected clusterState "${clip(e.value)}"`;
    else if (spec.name === 'auto-compaction-mode') msg = `unknown auto-compaction-mode "${clip(e.value)}"`;
    else if (spec.name === 'log-level') msg = `unknown level "${clip(e.value)}"`;
    else if (spec.name === 'logger')
      msg = e.value === 'capnslog' ? `--logger=capnslog is removed in v${ctx.version}` : `unknown logger option "${clip(e.value)}"`;
    else if (spec.name.startsWith('tls-')) msg = `unexpected TLS version "${clip(e.value)}" (must be one of: TLS1.2, TLS1.3)`;
    else
      msg =
        ctx.format === 'env'
          ? `invalid value "${clip(e.value)}" for ${spec.env}: invalid value`
          : `invalid ${spec.name} "${clip(e.value)}"`;
    out.push(finding('error', refuses(msg, `Expected one of ${list}`), e.valueRange, fixes));
  }
  return out;
});
