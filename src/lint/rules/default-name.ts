// default-name (Information): 3.6: the member keeps the name `default`.
import { defineRule } from './helpers';

export const defaultName = defineRule('default-name', (doc, ctx, { finding }) => {
  if (ctx.version !== '3.6' || ctx.valueOrDefault('name') !== 'default' || doc.entries.length === 0) return [];
  const e = ctx.get('name');
  return [
    finding(
      'information',
      'etcd 3.6 warns "it isn\'t recommended to use default name": give each member its own --name.',
      e?.keyRange ?? doc.entries[0].keyRange,
    ),
  ];
});
