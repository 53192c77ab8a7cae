// initial-cluster-own-name (Error): This member's name missing from initial-cluster; fix adds it.
import { clip, fix, refuses, clusterUsable, defineRule } from './helpers';

export const initialClusterOwnName = defineRule('initial-cluster-own-name', (_doc, ctx, { finding }) => {
  const ic = ctx.get('initial-cluster');
  if (!ic || !clusterUsable(ctx)) return [];
  const name = ctx.valueOrDefault('name');
  const { members } = ctx.cluster();
  if (members.some((m) => m.name === name)) return [];
  const trimmedMatch = members.find((m) => m.name.trim() === name);
  if (trimmedMatch) return []; // initial-cluster-untrimmed explains this one, with its fix
  const peer = ctx.urls('initial-advertise-peer-urls').find((u) => u.parsed);
  const newValue = `${ic.value}${ic.value === '' ? '' : ','}${name}=${peer?.text ?? 'http://localhost:2380'}`;
  return [
    finding(
      'error',
      refuses(
        `couldn't find local name "${clip(name)}" in the initial cluster configuration`,
        `Add ${clip(name)}=<peer URL> to ${ctx.keyName('initial-cluster')}`,
      ),
      ic.valueRange,
      fix(`Add this member (${clip(name)}=${clip(peer?.text ?? 'http://localhost:2380')}) to initial-cluster`, false, {
        range: ic.valueRange,
        newText: ctx.quote(newValue, ic),
      }),
    ),
  ];
});
