// ETCD_X= with nothing after it: etcd treats it as unset (and warns "unrecognized environment variable").
import { finding, type Rule } from './rule';

export const emptyValue: Rule = {
  id: 'empty-value',
  check(doc, ctx) {
    if (ctx.format !== 'env') return [];
    return doc.entries
      .filter((e) => e.spec && e.value === '')
      .map((e) =>
        finding(
          'empty-value',
          'information',
          `${e.key} is empty: etcd treats it as unset and uses the default ("${e.spec?.default ?? ''}").`,
          e.keyRange,
        ),
      );
  },
};
