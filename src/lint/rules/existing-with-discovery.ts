// existing-with-discovery (Error): initial-cluster-state existing together with discovery.
import { refuses, defineRule } from './helpers';

export const existingWithDiscovery = defineRule('existing-with-discovery', (_doc, ctx, { finding }) => {
  if (ctx.valueOrDefault('initial-cluster-state') !== 'existing' || !ctx.isSet('discovery')) return [];
  const e = ctx.get('discovery');
  return e ? [finding('error', refuses('discovery URL should not be set when joining existing initial cluster'), e.keyRange)] : [];
});
