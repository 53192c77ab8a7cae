// initial-cluster-untrimmed (Warning (Error when it is this member)): Spaces around a name: etcd does not
// trim them; fix trims.
import { clip, fix, refuses, clusterUsable, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const initialClusterUntrimmed = defineRule('initial-cluster-untrimmed', (_doc, ctx, { finding }) => {
  const ic = ctx.get('initial-cluster');
  if (!ic || !clusterUsable(ctx)) return [];
  const out: LintDiagnostic[] = [];
  for (const m of ctx.cluster().members) {
    if (m.name === m.name.trim()) continue;
    const r = ctx.rangeIn(ic, m.nameOffset, m.name.length);
    const own = m.name.trim() === ctx.valueOrDefault('name') && !ctx.cluster().members.some((x) => x.name === ctx.valueOrDefault('name'));
    out.push(
      finding(
        own ? 'error' : 'warning',
        own
          ? refuses(
              `couldn't find local name "${clip(ctx.valueOrDefault('name'))}" in the initial cluster configuration`,
              `etcd does not trim names: this entry is named "${clip(m.name)}"`,
            )
          : `etcd does not trim initial-cluster names: this member is named "${clip(m.name)}", with the spaces, and will not match its --name.`,
        r,
        r !== ic.valueRange ? fix(`Trim the name to "${clip(m.name.trim())}"`, true, { range: r, newText: m.name.trim() }) : undefined,
      ),
    );
  }
  return out;
});
