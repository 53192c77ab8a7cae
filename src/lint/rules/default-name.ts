// default-name (Information): 3.6: the member keeps the name `default`.
import { finding, type Rule } from './helpers';

export const defaultName: Rule = {
  id: 'default-name',
  check(doc, ctx) {
    if (ctx.version !== '3.6' || ctx.valueOrDefault('name') !== 'default' || doc.entries.length === 0) return [];
    const e = ctx.get('name');
    return [
      finding(
        'default-name',
        'information',
        'etcd 3.6 warns "it isn\'t recommended to use default name": give each member its own --name.',
        e?.keyRange ?? doc.entries[0].keyRange,
      ),
    ];
  },
};
