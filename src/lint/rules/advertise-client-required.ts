// advertise-client-required (Error): ETCD_LISTEN_CLIENT_URLS without ETCD_ADVERTISE_CLIENT_URLS (env only).
import { clip, fix, refuses, defineRule } from './helpers';

export const advertiseClientRequired = defineRule('advertise-client-required', (_doc, ctx, { finding }) => {
  if (ctx.format !== 'env' || !ctx.isSet('listen-client-urls') || ctx.isSet('advertise-client-urls')) return [];
  const e = ctx.get('listen-client-urls');
  if (!e) return [];
  const listen = ctx.urls('listen-client-urls').find((u) => u.parsed && !['0.0.0.0', '::', ''].includes(u.parsed.host));
  return [
    finding(
      'error',
      refuses('--advertise-client-urls is required when --listen-client-urls is set explicitly'),
      e.keyRange,
      listen
        ? fix(`Add ETCD_ADVERTISE_CLIENT_URLS=${clip(listen.text)}`, false, ctx.setValue('advertise-client-urls', listen.text))
        : undefined,
    ),
  ];
});
