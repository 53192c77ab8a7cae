// tls-options (Error): Unknown cipher suites (items are not trimmed), min > max TLS version, TLS1.3 with
// cipher suites, allowed CN with allowed hostname.
import { clip, refuses, CIPHER_SUITES, defineRule } from './helpers';
import { type LintDiagnostic } from '../types';

export const tlsOptions = defineRule('tls-options', (_doc, ctx, { finding }) => {
  const out: LintDiagnostic[] = [];
  if (ctx.isSet('peer-cert-allowed-cn') && ctx.isSet('peer-cert-allowed-hostname')) {
    const e = ctx.get('peer-cert-allowed-hostname');
    if (e)
      out.push(
        finding(
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
      out.push(finding('error', refuses(`unexpected TLS cipher suite "${clip(s)}"`, hint), suites.valueRange));
    }
  }
  const min = ctx.value('tls-min-version');
  const max = ctx.value('tls-max-version');
  const minE = ctx.get('tls-min-version');
  if (min && max && min === 'TLS1.3' && max === 'TLS1.2' && minE)
    out.push(finding('error', refuses('min version (TLS1.3) is greater than max version (TLS1.2)'), minE.valueRange));
  if (min === 'TLS1.3' && ctx.isSet('cipher-suites') && minE)
    out.push(finding('error', refuses('cipher suites cannot be configured when only TLS1.3 is enabled'), minE.valueRange));
  return out;
});
