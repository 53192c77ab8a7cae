// existing-with-discovery (Error): initial-cluster-state existing together with discovery.
import { finding, refuses, type Rule } from './helpers';

export const existingWithDiscovery: Rule = {
  id: 'existing-with-discovery',
  check(_doc, ctx) {
    if (ctx.valueOrDefault('initial-cluster-state') !== 'existing' || !ctx.isSet('discovery')) return [];
    const e = ctx.get('discovery');
    return e
      ? [
          finding(
            'existing-with-discovery',
            'error',
            refuses('discovery URL should not be set when joining existing initial cluster'),
            e.keyRange,
          ),
        ]
      : [];
  },
};
