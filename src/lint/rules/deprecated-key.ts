// Keys the selected version deprecates (v2, proxy, 3.6 renames of experimental flags): etcd still applies
// them but logs a deprecation warning, and the next version drops them.
import { knownIn } from '../catalogue';
import { defineEntryRule } from './helpers';

export const deprecatedKey = defineEntryRule('deprecated-key', (e, ctx, { finding }) => {
  const why = e.spec?.deprecated?.[ctx.version];
  if (!e.spec || !why || !knownIn(e.spec, ctx.version)) return [];
  return [finding('warning', `${e.key} is deprecated in etcd ${ctx.version}: ${why}.`, e.keyRange)];
});
