// tls-pair (Error (https in use) / Warning): A cert without its key or a key without its cert.
import { refuses, secureListener, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const tlsPair = defineRule('tls-pair', (_doc, ctx, { finding }) => {
  const out: LintDiagnostic[] = [];
  // Only fatal when a listener actually uses TLS: etcd 3.4 and 3.5 start with a lone client-cert-file on
  // plain http listeners (oracle-checked, contrary to a reading of the source).
  const clientTls = secureListener(ctx, ['listen-client-urls', 'listen-client-http-urls']) !== undefined;
  const peerTls = secureListener(ctx, ['listen-peer-urls']) !== undefined;
  const pairs: [string, string, boolean][] = [
    ['cert-file', 'key-file', clientTls],
    ['peer-cert-file', 'peer-key-file', peerTls],
    ['client-cert-file', 'client-key-file', clientTls],
    ['peer-client-cert-file', 'peer-client-key-file', peerTls],
  ];
  for (const [cert, key, fatal] of pairs) {
    if (ctx.isSet(cert) === ctx.isSet(key)) continue;
    const [have, missing] = ctx.isSet(cert) ? [cert, key] : [key, cert];
    const e = ctx.get(have);
    if (!e || !e.spec?.versions.includes(ctx.version)) continue;
    out.push(
      fatal
        ? finding(
            'error',
            refuses('KeyFile and CertFile must both be present', `${ctx.keyName(have)} is set without ${ctx.keyName(missing)}`),
            e.keyRange,
          )
        : finding(
            'warning',
            `${ctx.keyName(have)} is set without ${ctx.keyName(missing)}, and no listener uses https: etcd ignores the TLS files ("scheme is http or unix while key and cert files are present; ignoring key and cert files").`,
            e.keyRange,
          ),
    );
  }
  return out;
});
