// URL lists: every item needs scheme http/https/unix/unixs, host:port for http(s), and no path (not even a
// trailing slash). Listen URLs must bind to an IP literal or localhost; advertised URLs need a host.
import type { RuleContext } from '../context';
import type { LintDiagnostic } from '../types';
import { checkEtcdUrl, isIpLiteral } from '../values';
import { finding, fix, refuses, type Rule } from './rule';

/** Every URL-list flag etcd reads. */
export const URL_FLAGS = [
  'listen-peer-urls',
  'listen-client-urls',
  'listen-client-http-urls',
  'listen-metrics-urls',
  'initial-advertise-peer-urls',
  'advertise-client-urls',
];
const LISTEN = URL_FLAGS.filter((f) => f.startsWith('listen-'));
const ADVERTISE = ['initial-advertise-peer-urls', 'advertise-client-urls'];

function explicitUrls(ctx: RuleContext, flag: string) {
  const e = ctx.get(flag);
  if (!e || !e.spec?.versions.includes(ctx.version)) return undefined;
  return { entry: e, items: ctx.urls(flag) };
}

export const urlFormat: Rule = {
  id: 'url-format',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    for (const flag of URL_FLAGS) {
      const found = explicitUrls(ctx, flag);
      if (!found) continue;
      const { entry, items } = found;
      for (const u of items) {
        if (!u.error || u.text === '') continue;
        const range = ctx.rangeIn(entry, u.offset, u.text.length);
        const prefix = ctx.format === 'env' ? `invalid value "${entry.value}" for ${entry.spec?.env}: ` : '';
        const fixes =
          u.kind === 'path' && /^[a-z]+:\/\/[^/]+\/$/.test(u.text)
            ? fix('Remove the trailing slash', true, { range: ctx.rangeIn(entry, u.offset + u.text.length - 1, 1), newText: '' })
            : undefined;
        // rangeIn falls back to the whole value when it cannot map offsets: never delete the whole value.
        const safeFixes = fixes && range !== entry.valueRange ? fixes : undefined;
        out.push(finding('url-format', 'error', refuses(prefix + u.error), range, safeFixes));
      }
    }
    // initial-cluster URLs go through the same checks.
    const ic = ctx.get('initial-cluster');
    if (ic) {
      const { members, malformed } = ctx.cluster();
      for (const m of malformed) {
        out.push(
          finding(
            'url-format',
            'error',
            refuses(
              'error setting up initial cluster: URL scheme must be http, https, unix, or unixs: ',
              `"${m.text}" has no "=": initial-cluster items are name=url`,
            ),
            ctx.rangeIn(ic, m.offset, m.text.length),
          ),
        );
      }
      for (const m of members) {
        const r = checkOne(m.url);
        if (!r) continue;
        const range = ctx.rangeIn(ic, m.urlOffset, m.url.length);
        const fixes =
          r.kind === 'path' && /^[a-z]+:\/\/[^/]+\/$/.test(m.url) && range !== ic.valueRange
            ? fix('Remove the trailing slash', true, { range: ctx.rangeIn(ic, m.urlOffset + m.url.length - 1, 1), newText: '' })
            : undefined;
        out.push(finding('url-format', 'error', refuses(`error setting up initial cluster: ${r.error}`), range, fixes));
      }
    }
    return out;
  },
};

function checkOne(u: string): { error: string; kind?: string } | undefined {
  const r = checkEtcdUrl(u);
  return r.error ? { error: r.error, kind: r.kind } : undefined;
}

export const bindIp: Rule = {
  id: 'bind-ip',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    for (const flag of LISTEN) {
      const found = explicitUrls(ctx, flag);
      if (!found) continue;
      for (const u of found.items) {
        if (!u.parsed || u.parsed.scheme.startsWith('unix')) continue;
        const h = u.parsed.host;
        if (h === 'localhost' || isIpLiteral(h)) continue;
        out.push(
          finding(
            'bind-ip',
            'error',
            refuses(
              `expected IP in URL for binding (${u.text})`,
              'Listen URLs take an IP address (or 0.0.0.0 / localhost); host names belong in the advertise URLs',
            ),
            ctx.rangeIn(found.entry, u.offset, u.text.length),
          ),
        );
      }
    }
    return out;
  },
};

export const advertiseUrl: Rule = {
  id: 'advertise-url',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    for (const flag of ADVERTISE) {
      const found = explicitUrls(ctx, flag);
      if (!found) continue;
      for (const u of found.items) {
        if (!u.parsed || u.parsed.scheme.startsWith('unix')) continue;
        const range = ctx.rangeIn(found.entry, u.offset, u.text.length);
        const h = u.parsed.host;
        if (h === '') {
          out.push(finding('advertise-url', 'error', refuses(`--${flag} "${u.text}" must be "host:port" (unexpected empty host)`), range));
        } else if (h === '0.0.0.0' || h === '::') {
          out.push(
            finding(
              'advertise-url',
              'warning',
              `${u.text} is a wildcard address: other members and clients cannot connect to it. Advertise this member's real address.`,
              range,
            ),
          );
        } else if (
          flag === 'advertise-client-urls' &&
          (h === 'localhost' || h.startsWith('127.') || h === '::1') &&
          found.items.length === 1
        ) {
          out.push(
            finding(
              'advertise-url',
              'information',
              `Only ${u.text} is advertised to clients: remote clients (and etcdctl --cluster) will not reach this member.`,
              range,
            ),
          );
        }
      }
    }
    return out;
  },
};

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
          ? fix(`Add ETCD_ADVERTISE_CLIENT_URLS=${listen.text}`, false, ctx.setValue('advertise-client-urls', listen.text))
          : undefined,
      ),
    ];
  },
};

export const listenDuplicate: Rule = {
  id: 'listen-duplicate',
  check(_doc, ctx) {
    const http = explicitUrls(ctx, 'listen-client-http-urls');
    if (!http) return [];
    const grpc = new Set(ctx.urls('listen-client-urls').map((u) => u.text));
    return http.items
      .filter((u) => grpc.has(u.text))
      .map((u) =>
        finding(
          'listen-duplicate',
          'error',
          refuses(`${u.text} is in both --listen-client-urls and --listen-client-http-urls`, 'etcd cannot bind the same address twice'),
          ctx.rangeIn(http.entry, u.offset, u.text.length),
        ),
      );
  },
};
