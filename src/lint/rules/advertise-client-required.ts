// advertise-client-required (Error): ETCD_LISTEN_CLIENT_URLS without ETCD_ADVERTISE_CLIENT_URLS (env only).
import { clip, finding, fix, refuses, type Rule } from './helpers';

export const advertiseClientRequired: Rule = {
  id: 'advertise-client-required',
  check(_doc, ctx) {
    if (ctx.format !== 'env' || !ctx.isSet('listen-client-urls') || ctx.isSet('advertise-client-urls')) return [];
    const e = ctx.get('listen-client-urls');
    if (!e) return [];
    const listen = ctx.urls('listen-client-urls').find((u) => u.parsed && !['0.0.0.0', '::', ''].includes(u.parsed.host));
    return [
      finding(
        'advertise-client-required',
        'error',
        refuses('--advertise-client-urls is required when --listen-client-urls is set explicitly'),
        e.keyRange,
        listen
          ? fix(`Add ETCD_ADVERTISE_CLIENT_URLS=${clip(listen.text)}`, false, ctx.setValue('advertise-client-urls', listen.text))
          : undefined,
      ),
    ];
  },
};
