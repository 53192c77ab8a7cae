// initial-cluster-advertise (Error (IPs/localhost) / Warning (host names: etcd resolves DNS)): initial-
// advertise-peer-urls differ from this member's initial-cluster entry (new cluster); fixes align either side.
import { clip, fix, refuses, clusterUsable, literalHost, defineRule } from './helpers';

export const initialClusterAdvertise = defineRule('initial-cluster-advertise', (_doc, ctx, { finding }) => {
  const ic = ctx.get('initial-cluster');
  if (!ic || !clusterUsable(ctx) || ctx.valueOrDefault('initial-cluster-state') !== 'new') return [];
  const name = ctx.valueOrDefault('name');
  const own = ctx.cluster().members.filter((m) => m.name === name);
  if (own.length === 0) return [];
  const adv = ctx.urls('initial-advertise-peer-urls');
  if (adv.some((u) => u.error) || own.some((m) => !/^[a-z]+:\/\/[^/]+$/i.test(m.url))) return [];
  const advUrls = [...new Set(adv.map((u) => u.text))].sort();
  const ownUrls = [...new Set(own.map((m) => m.url))].sort();
  if (advUrls.join(',') === ownUrls.join(',')) return [];
  const advText = adv.map((u) => u.text).join(',');
  const missingFromAdv = ownUrls.find((u) => !advUrls.includes(u));
  const etcdMsg = missingFromAdv
    ? `--initial-cluster has ${clip(name)}=${clip(missingFromAdv)} but missing from --initial-advertise-peer-urls=${clip(advText)}`
    : `--initial-advertise-peer-urls has ${clip(advUrls.find((u) => !ownUrls.includes(u)) ?? '')} but missing from --initial-cluster=${clip(ic.value ?? '')}`;
  const advEntry = ctx.get('initial-advertise-peer-urls');
  const fixes = [
    ...fix(
      `Set ${ctx.keyName('initial-advertise-peer-urls')} to ${clip(ownUrls.join(','))} (this member's entry)`,
      false,
      ctx.setValue('initial-advertise-peer-urls', ownUrls.join(',')),
    ),
  ];
  if (own.length === 1 && advUrls.length === 1) {
    const m = own[0];
    const r = ctx.rangeIn(ic, m.urlOffset, m.url.length);
    if (r !== ic.valueRange)
      fixes.push(
        ...fix(`Change this member's entry to ${clip(advUrls[0])} (the advertised URL)`, false, { range: r, newText: advUrls[0] }),
      );
  }
  const allLiteral = [...advUrls, ...ownUrls].every(literalHost);
  const range = advEntry?.valueRange ?? ic.valueRange;
  if (allLiteral) return [finding('error', refuses(etcdMsg), range, fixes)];
  return [
    finding(
      'warning',
      `${etcdMsg}. etcd resolves host names before comparing, so this starts only if both names resolve to the same addresses; this check compares the text.`,
      range,
      fixes,
    ),
  ];
});
