// tls-listener (Error): An https/unixs listener without cert and key (or auto TLS).
import { clip, refuses, where, secureListener, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const tlsListener = defineRule('tls-listener', (doc, ctx, { finding }) => {
  const out: LintDiagnostic[] = [];
  const client = secureListener(ctx, ['listen-client-urls', 'listen-client-http-urls']);
  if (client && !(ctx.isSet('cert-file') && ctx.isSet('key-file')) && !ctx.bool('auto-tls')) {
    const at = ctx.get('listen-client-urls') ?? ctx.get('listen-client-http-urls');
    out.push(
      finding(
        'error',
        refuses(`TLS key/cert (--cert-file, --key-file) must be provided for client url ${clip(client)} with HTTPS scheme`),
        where(at, doc),
      ),
    );
  }
  const peer = secureListener(ctx, ['listen-peer-urls']);
  if (peer && !(ctx.isSet('peer-cert-file') && ctx.isSet('peer-key-file')) && !ctx.bool('peer-auto-tls')) {
    const m = /^[a-z]+:\/\/([^/]+)/.exec(peer);
    out.push(
      finding(
        'error',
        refuses(`cannot listen on TLS for ${clip(m?.[1] ?? peer)}: KeyFile and CertFile are not presented`),
        where(ctx.get('listen-peer-urls'), doc),
      ),
    );
  }
  const metrics = secureListener(ctx, ['listen-metrics-urls']);
  if (metrics && !(ctx.isSet('cert-file') && ctx.isSet('key-file')) && !ctx.bool('auto-tls')) {
    out.push(
      finding(
        'error',
        refuses(`TLS key/cert (--cert-file, --key-file) must be provided for metrics url ${clip(metrics)} with HTTPS scheme`),
        where(ctx.get('listen-metrics-urls'), doc),
      ),
    );
  }
  return out;
});
