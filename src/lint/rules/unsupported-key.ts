// Keys another etcd version knows but the selected one does not: etcd warns "unrecognized environment
// variable" for env files and ignores the YAML key silently, so the setting is not applied.
import { knownIn } from '../catalogue';
import { defineEntryRule } from './helpers';

export const unsupportedKey = defineEntryRule('unsupported-key', (e, ctx, { finding }) => {
  const spec = e.spec;
  if (!spec || knownIn(spec, ctx.version)) return [];
  const known = spec.versions.join(', ');
  const ignored = ctx.format === 'env' ? 'it warns "unrecognized environment variable" and ignores it' : 'it ignores the key';
  return [finding('warning', `etcd ${ctx.version} does not know ${e.key} (known in etcd ${known}): ${ignored}.`, e.keyRange)];
});
