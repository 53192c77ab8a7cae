// ETCD_X= with nothing after it: etcd treats it as unset (and warns "unrecognized environment variable").
import { entryRule, finding } from './helpers';

export const emptyValue = entryRule('empty-value', (e, ctx) => {
  if (ctx.format !== 'env' || !e.spec || e.value !== '') return [];
  return [
    finding(
      'empty-value',
      'information',
      `${e.key} is empty: etcd treats it as unset and uses the default ("${e.spec.default ?? ''}").`,
      e.keyRange,
    ),
  ];
});
