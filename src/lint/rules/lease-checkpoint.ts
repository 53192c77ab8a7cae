// lease-checkpoint (Error): lease checkpoint persist without lease checkpoint.
import { fix, refuses, defineRule } from './helpers';

export const leaseCheckpoint = defineRule('lease-checkpoint', (_doc, ctx, { finding }) => {
  const persist = ctx.get('experimental-enable-lease-checkpoint-persist');
  if (
    !persist ||
    ctx.bool('experimental-enable-lease-checkpoint-persist') !== true ||
    ctx.bool('experimental-enable-lease-checkpoint') === true
  )
    return [];
  return [
    finding(
      'error',
      refuses('setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint'),
      persist.keyRange,
      fix('Enable experimental-enable-lease-checkpoint', true, ctx.setValue('experimental-enable-lease-checkpoint', 'true')),
    ),
  ];
});
