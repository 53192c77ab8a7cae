// initial-cluster against this member: its own name must be listed (etcd refuses otherwise), its entry's
// URLs must equal --initial-advertise-peer-urls on a new cluster, URLs must be unique, names are taken
// verbatim (etcd does not trim them), and the size should be odd and at most 7.
import type { RuleContext } from '../context';
import type { LintDiagnostic } from '../types';
import { isIpLiteral, type ClusterMember } from '../values';
import { finding, fix, refuses, type Rule } from './rule';

function usable(ctx: RuleContext): boolean {
  const ic = ctx.get('initial-cluster');
  return ic !== undefined && ctx.cluster().malformed.length === 0 && ic.value !== null;
}

export const initialClusterOwnName: Rule = {
  id: 'initial-cluster-own-name',
  check(_doc, ctx) {
    const ic = ctx.get('initial-cluster');
    if (!ic || !usable(ctx)) return [];
    const name = ctx.valueOrDefault('name');
    const { members } = ctx.cluster();
    if (members.some((m) => m.name === name)) return [];
    const trimmedMatch = members.find((m) => m.name.trim() === name);
    if (trimmedMatch) return []; // initial-cluster-untrimmed explains this one, with its fix
    const peer = ctx.urls('initial-advertise-peer-urls').find((u) => u.parsed);
    const newValue = `${ic.value}${ic.value === '' ? '' : ','}${name}=${peer?.text ?? 'http://localhost:2380'}`;
    return [
      finding(
        'initial-cluster-own-name',
        'error',
        refuses(
          `couldn't find local name "${name}" in the initial cluster configuration`,
          `Add ${name}=<peer URL> to ${ctx.keyName('initial-cluster')}`,
        ),
        ic.valueRange,
        fix(`Add this member (${name}=${peer?.text ?? 'http://localhost:2380'}) to initial-cluster`, false, {
          range: ic.valueRange,
          newText: ctx.quote(newValue, ic),
        }),
      ),
    ];
  },
};

/** Hosts whose comparison etcd cannot settle by DNS: IP literals and localhost (which etcd never resolves). */
function literalHost(u: string): boolean {
  const m = /^[a-z]+:\/\/(\[[^\]]+\]|[^:/]+)/i.exec(u);
  const h = m ? m[1].replace(/^\[|\]$/g, '') : '';
  return h === 'localhost' || isIpLiteral(h);
}

export const initialClusterAdvertise: Rule = {
  id: 'initial-cluster-advertise',
  check(_doc, ctx) {
    const ic = ctx.get('initial-cluster');
    if (!ic || !usable(ctx) || ctx.valueOrDefault('initial-cluster-state') !== 'new') return [];
    const name = ctx.valueOrDefault('name');
    const own = ctx.cluster().members.filter((m) => m.name === name);
    if (own.length === 0) return [];
    const adv = ctx.urls('initial-advertise-peer-urls');
    if (adv.some((u) => u.error) || own.some((m) => !/^[a-z]+:\/\/[^/]+$/i.test(m.url))) return [];
    const advUrls = [...new Set(adv.map((u) => u.text))].sort();
    const ownUrls = [...new Set(own.map((m) => m.url))].sort();
    if (advUrls.join(',') === ownUrls.join(',')) return [];
    const advText = adv.map((u) => u.text).join(',');
    const missingFromAdv = ownUrls.find((u) => !advUrls.includes(u));
    const etcdMsg = missingFromAdv
      ? `--initial-cluster has ${name}=${missingFromAdv} but missing from --initial-advertise-peer-urls=${advText}`
      : `--initial-advertise-peer-urls has ${advUrls.find((u) => !ownUrls.includes(u))} but missing from --initial-cluster=${ic.value}`;
    const advEntry = ctx.get('initial-advertise-peer-urls');
    const fixes = [
      ...fix(
        `Set ${ctx.keyName('initial-advertise-peer-urls')} to ${ownUrls.join(',')} (this member's entry)`,
        false,
        ctx.setValue('initial-advertise-peer-urls', ownUrls.join(',')),
      ),
    ];
    if (own.length === 1 && advUrls.length === 1) {
      const m = own[0];
      const r = ctx.rangeIn(ic, m.urlOffset, m.url.length);
      if (r !== ic.valueRange)
        fixes.push(...fix(`Change this member's entry to ${advUrls[0]} (the advertised URL)`, false, { range: r, newText: advUrls[0] }));
    }
    const allLiteral = [...advUrls, ...ownUrls].every(literalHost);
    const range = advEntry?.valueRange ?? ic.valueRange;
    if (allLiteral) return [finding('initial-cluster-advertise', 'error', refuses(etcdMsg), range, fixes)];
    return [
      finding(
        'initial-cluster-advertise',
        'warning',
        `${etcdMsg}. etcd resolves host names before comparing, so this starts only if both names resolve to the same addresses; this check compares the text.`,
        range,
        fixes,
      ),
    ];
  },
};

export const initialClusterDuplicateUrl: Rule = {
  id: 'initial-cluster-duplicate-url',
  check(_doc, ctx) {
    const ic = ctx.get('initial-cluster');
    if (!ic || !usable(ctx)) return [];
    const seen = new Map<string, ClusterMember>();
    const out: LintDiagnostic[] = [];
    for (const m of ctx.cluster().members) {
      const first = seen.get(m.url);
      if (first) {
        out.push(
          finding(
            'initial-cluster-duplicate-url',
            'error',
            refuses(`initial cluster ${ic.value} has duplicate url`, `${m.url} is listed for "${first.name}" and again for "${m.name}"`),
            ctx.rangeIn(ic, m.offset, m.length),
          ),
        );
      } else seen.set(m.url, m);
    }
    return out;
  },
};

export const initialClusterDuplicateName: Rule = {
  id: 'initial-cluster-duplicate-name',
  check(_doc, ctx) {
    const ic = ctx.get('initial-cluster');
    if (!ic || !usable(ctx)) return [];
    const seen = new Set<string>();
    const out: LintDiagnostic[] = [];
    for (const m of ctx.cluster().members) {
      if (seen.has(m.name)) {
        out.push(
          finding(
            'initial-cluster-duplicate-name',
            'warning',
            `"${m.name}" appears twice in initial-cluster: etcd gives that member both URLs (${m.url} is an extra peer URL), which is rarely what was meant.`,
            ctx.rangeIn(ic, m.offset, m.length),
          ),
        );
      }
      seen.add(m.name);
    }
    return out;
  },
};

export const initialClusterUntrimmed: Rule = {
  id: 'initial-cluster-untrimmed',
  check(_doc, ctx) {
    const ic = ctx.get('initial-cluster');
    if (!ic || !usable(ctx)) return [];
    const out: LintDiagnostic[] = [];
    for (const m of ctx.cluster().members) {
      if (m.name === m.name.trim()) continue;
      const r = ctx.rangeIn(ic, m.nameOffset, m.name.length);
      const own = m.name.trim() === ctx.valueOrDefault('name') && !ctx.cluster().members.some((x) => x.name === ctx.valueOrDefault('name'));
      out.push(
        finding(
          'initial-cluster-untrimmed',
          own ? 'error' : 'warning',
          own
            ? refuses(
                `couldn't find local name "${ctx.valueOrDefault('name')}" in the initial cluster configuration`,
                `etcd does not trim names: this entry is named "${m.name}"`,
              )
            : `etcd does not trim initial-cluster names: this member is named "${m.name}", with the spaces, and will not match its --name.`,
          r,
          r !== ic.valueRange ? fix(`Trim the name to "${m.name.trim()}"`, true, { range: r, newText: m.name.trim() }) : undefined,
        ),
      );
    }
    return out;
  },
};

export const clusterSize: Rule = {
  id: 'cluster-size',
  check(_doc, ctx) {
    const ic = ctx.get('initial-cluster');
    if (!ic || !usable(ctx)) return [];
    const n = new Set(ctx.cluster().members.map((m) => m.name.trim())).size;
    if (n > 7)
      return [
        finding(
          'cluster-size',
          'warning',
          `${n} members: etcd recommends at most 7 (5 is the usual production size); more members slow every write without adding useful fault tolerance.`,
          ic.keyRange,
        ),
      ];
    if (n >= 2 && n % 2 === 0)
      return [
        finding(
          'cluster-size',
          'warning',
          `${n} members is an even cluster size: it tolerates no more failures than ${n - 1} members (quorum is ${n / 2 + 1}). Use an odd number of members.`,
          ic.keyRange,
        ),
      ];
    return [];
  },
};

export const bootstrapConflict: Rule = {
  id: 'bootstrap-conflict',
  check(_doc, ctx) {
    const flags = ['initial-cluster', 'discovery', 'discovery-srv', ...(ctx.version === '3.6' ? ['discovery-endpoints'] : [])];
    const set = flags.filter((f) => ctx.isSet(f));
    if (set.length < 2) return [];
    return set
      .slice(1)
      .map((f) =>
        finding(
          'bootstrap-conflict',
          'error',
          refuses(
            'multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"',
            `Both ${set.map((x) => ctx.keyName(x)).join(' and ')} are set`,
          ),
          ctx.get(f)?.keyRange ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        ),
      );
  },
};

export const existingWithDiscovery: Rule = {
  id: 'existing-with-discovery',
  check(_doc, ctx) {
    if (ctx.valueOrDefault('initial-cluster-state') !== 'existing' || !ctx.isSet('discovery')) return [];
    const e = ctx.get('discovery');
    return e
      ? [
          finding(
            'existing-with-discovery',
            'error',
            refuses('discovery URL should not be set when joining existing initial cluster'),
            e.keyRange,
          ),
        ]
      : [];
  },
};
