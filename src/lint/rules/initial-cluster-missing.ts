// initial-cluster-missing (Warning): a member set up to bootstrap a new cluster (its own name, a cluster token or
// state new, an advertised peer URL) without initial-cluster. etcd then derives initial-cluster from the name
// and the advertised peer URLs (embed.Config.UpdateDefaultClusterFromName: a name other than "default" with the
// default initial-cluster becomes InitialClusterFromName, `name=url` per advertised URL) and starts a
// one-member cluster: it does start (oracle-checked on 3.4 and 3.5), so this is a warning, not an error.
import { clip, defineRule, explicitUrls, fix } from './helpers';

/** The flags that bootstrap another way; with any of them etcd does not derive initial-cluster. */
const OTHER_BOOTSTRAP = ['discovery', 'discovery-srv', 'discovery-endpoints'];

export const initialClusterMissing = defineRule('initial-cluster-missing', (_doc, ctx, { finding }) => {
  // ETCD_CONFIG_FILE makes etcd ignore every other variable (config-file-overrides says so).
  if (ctx.get('initial-cluster') !== undefined || (ctx.format === 'env' && ctx.isSet('config-file'))) return [];
  if (OTHER_BOOTSTRAP.some((f) => ctx.isSet(f)) || ctx.valueOrDefault('proxy') !== 'off') return [];
  const name = ctx.get('name');
  const memberName = ctx.value('name');
  if (!name || !memberName || memberName === 'default' || ctx.valueOrDefault('initial-cluster-state') !== 'new') return [];
  // A cluster token or an explicit state new says this member means to bootstrap a cluster with others.
  if (!ctx.isSet('initial-cluster-token') && !ctx.get('initial-cluster-state')) return [];
  const advertised = explicitUrls(ctx, 'initial-advertise-peer-urls');
  if (!advertised || advertised.items.length === 0 || advertised.items.some((u) => u.error)) return [];
  const derived = advertised.items.map((u) => `${memberName}=${u.text}`).join(',');
  const key = ctx.keyName('initial-cluster');
  return [
    finding(
      'warning',
      `No ${key}: etcd derives it from this member's name and advertised peer URLs ("${clip(derived)}") and bootstraps a cluster of ` +
        `one member on its own, which the other members cannot join (each would form its own cluster). List every member of the new cluster in ${key}.`,
      name.keyRange,
      fix(`Add ${key} with this member (${clip(derived)}); then add the other members`, false, ctx.setValue('initial-cluster', derived)),
    ),
  ];
});
