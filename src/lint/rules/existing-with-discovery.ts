// initial-cluster against this member: its own name must be listed (etcd refuses otherwise), its entry's
// URLs must equal --initial-advertise-peer-urls on a new cluster, URLs must be unique, names are taken
// verbatim (etcd does not trim them), and the size should be odd and at most 7.
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
