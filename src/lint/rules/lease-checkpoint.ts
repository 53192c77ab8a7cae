// lease-checkpoint (Error): lease checkpoint persist without lease checkpoint.
import { finding, fix, refuses, type Rule } from './helpers';

export const leaseCheckpoint: Rule = {
  id: 'lease-checkpoint',
  check(_doc, ctx) {
    const persist = ctx.get('experimental-enable-lease-checkpoint-persist');
    if (
      !persist ||
      ctx.bool('experimental-enable-lease-checkpoint-persist') !== true ||
      ctx.bool('experimental-enable-lease-checkpoint') === true
    )
      return [];
    return [
      finding(
        'lease-checkpoint',
        'error',
        refuses('setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint'),
        persist.keyRange,
        fix('Enable experimental-enable-lease-checkpoint', true, ctx.setValue('experimental-enable-lease-checkpoint', 'true')),
      ),
    ];
  },
};
