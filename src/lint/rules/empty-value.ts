// ETCD_X= with nothing after it: etcd treats it as unset (and warns "unrecognized environment variable").
import { defineEntryRule } from './helpers';

export const emptyValue = defineEntryRule('empty-value', (e, ctx, { finding }) => {
  if (ctx.format !== 'env' || !e.spec || e.value !== '') return [];
  return [
    finding('information', `${e.key} is empty: etcd treats it as unset and uses the default ("${e.spec.default ?? ''}").`, e.keyRange),
  ];
});
