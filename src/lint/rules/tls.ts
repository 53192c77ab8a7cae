// TLS: https/unixs listeners need a cert and key (or auto TLS), certs and keys come in pairs, cipher suites
// and TLS versions must be ones Go knows, and a few options exclude each other.
import type { RuleContext } from '../context';
import type { LintDiagnostic } from '../types';
import { finding, refuses, where, type Rule } from './rule';

/** Cipher suite names Go's crypto/tls knows (tls.CipherSuites and tls.InsecureCipherSuites). */
export const CIPHER_SUITES = new Set([
  'TLS_RSA_WITH_RC4_128_SHA',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_RC4_128_SHA',
  'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

function secure(ctx: RuleContext, flags: string[]): string | undefined {
  for (const f of flags) {
    const u = ctx.urls(f).find((x) => x.parsed && (x.parsed.scheme === 'https' || x.parsed.scheme === 'unixs'));
    if (u && (ctx.get(f) || f.startsWith('listen'))) return u.text;
  }
  return undefined;
}

export const tlsListener: Rule = {
  id: 'tls-listener',
  check(doc, ctx) {
    const out: LintDiagnostic[] = [];
    const client = secure(ctx, ['listen-client-urls', 'listen-client-http-urls']);
    if (client && !(ctx.isSet('cert-file') && ctx.isSet('key-file')) && !ctx.bool('auto-tls')) {
      const at = ctx.get('listen-client-urls') ?? ctx.get('listen-client-http-urls');
      out.push(
        finding(
          'tls-listener',
          'error',
          refuses(`TLS key/cert (--cert-file, --key-file) must be provided for client url ${client} with HTTPS scheme`),
          where(at, doc),
        ),
      );
    }
    const peer = secure(ctx, ['listen-peer-urls']);
    if (peer && !(ctx.isSet('peer-cert-file') && ctx.isSet('peer-key-file')) && !ctx.bool('peer-auto-tls')) {
      const m = /^[a-z]+:\/\/([^/]+)/.exec(peer);
      out.push(
        finding(
          'tls-listener',
          'error',
          refuses(`cannot listen on TLS for ${m?.[1] ?? peer}: KeyFile and CertFile are not presented`),
          where(ctx.get('listen-peer-urls'), doc),
        ),
      );
    }
    const metrics = secure(ctx, ['listen-metrics-urls']);
    if (metrics && !(ctx.isSet('cert-file') && ctx.isSet('key-file')) && !ctx.bool('auto-tls')) {
      out.push(
        finding(
          'tls-listener',
          'error',
          refuses(`TLS key/cert (--cert-file, --key-file) must be provided for metrics url ${metrics} with HTTPS scheme`),
          where(ctx.get('listen-metrics-urls'), doc),
        ),
      );
    }
    return out;
  },
};

export const tlsPair: Rule = {
  id: 'tls-pair',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    // Only fatal when a listener actually uses TLS: etcd 3.4 and 3.5 start with a lone client-cert-file on
    // plain http listeners (oracle-checked, contrary to a reading of the source).
    const clientTls = secure(ctx, ['listen-client-urls', 'listen-client-http-urls']) !== undefined;
    const peerTls = secure(ctx, ['listen-peer-urls']) !== undefined;
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
              'tls-pair',
              'error',
              refuses('KeyFile and CertFile must both be present', `${ctx.keyName(have)} is set without ${ctx.keyName(missing)}`),
              e.keyRange,
            )
          : finding(
              'tls-pair',
              'warning',
              `${ctx.keyName(have)} is set without ${ctx.keyName(missing)}, and no listener uses https: etcd ignores the TLS files ("scheme is http or unix while key and cert files are present; ignoring key and cert files").`,
              e.keyRange,
            ),
      );
    }
    return out;
  },
};

export const tlsOptions: Rule = {
  id: 'tls-options',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    if (ctx.isSet('peer-cert-allowed-cn') && ctx.isSet('peer-cert-allowed-hostname')) {
      const e = ctx.get('peer-cert-allowed-hostname');
      if (e)
        out.push(
          finding(
            'tls-options',
            'error',
            refuses('cannot set both peer-cert-allowed-cn and peer-cert-allowed-hostname: they are mutually exclusive'),
            e.keyRange,
          ),
        );
    }
    const suites = ctx.get('cipher-suites');
    if (suites && ctx.isSet('cipher-suites')) {
      const list = suites.type === 'seq' ? (suites.items ?? []) : (suites.value ?? '').split(',');
      for (const s of list) {
        if (CIPHER_SUITES.has(s)) continue;
        const hint = CIPHER_SUITES.has(s.trim())
          ? 'etcd does not trim the items: remove the space after the comma'
          : 'use a Go crypto/tls cipher suite name';
        out.push(finding('tls-options', 'error', refuses(`unexpected TLS cipher suite "${s}"`, hint), suites.valueRange));
      }
    }
    const min = ctx.value('tls-min-version');
    const max = ctx.value('tls-max-version');
    const minE = ctx.get('tls-min-version');
    if (min && max && min === 'TLS1.3' && max === 'TLS1.2' && minE)
      out.push(finding('tls-options', 'error', refuses('min version (TLS1.3) is greater than max version (TLS1.2)'), minE.valueRange));
    if (min === 'TLS1.3' && ctx.isSet('cipher-suites') && minE)
      out.push(finding('tls-options', 'error', refuses('cipher suites cannot be configured when only TLS1.3 is enabled'), minE.valueRange));
    return out;
  },
};
