// Checks across the configs of several members of one cluster: they must agree on initial-cluster,
// initial-cluster-token, heartbeat and election timeout, and each member's name and advertised peer URLs
// must match the entry the others list for it. Configs are grouped into clusters by a shared
// initial-cluster-token or a shared peer URL in initial-cluster, so unrelated clusters are never compared.
import type { EtcdVersion } from '../shared/settings';
import { RuleContext } from './context';
import type { ConfigDocument } from './document';
import type { LintDiagnostic, Range } from './types';
import { reporter } from './findings';
import { clip, fix } from './rules/helpers';

/** The cross-file codes, one reporter each (they are documented in ruleDocs.ts like the rules' codes). */
const JOIN = reporter('cross-file-join');
const INITIAL_CLUSTER = reporter('cross-file-initial-cluster');
const TOKEN = reporter('cross-file-token');
const TIMING = reporter('cross-file-timing');
const MEMBER = reporter('cross-file-member');
/** Every code checkAcrossFiles reports. */
export const CROSS_FILE_CODES: readonly string[] = [JOIN, INITIAL_CLUSTER, TOKEN, TIMING, MEMBER].map((r) => r.id);

/** One member's configuration, identified by its URI or path. */
export interface MemberConfig {
  uri: string;
  doc: ConfigDocument;
}

interface Facts {
  uri: string;
  ctx: RuleContext;
  name: string;
  token?: string;
  cluster: Map<string, string[]>;
  clusterText: string;
  advertise: string[];
  heartbeat?: number;
  election?: number;
  state: string;
}

const FACTS = new WeakMap<ConfigDocument, { version: EtcdVersion; uri: string; facts: Facts | undefined }>();

function factsOf(c: MemberConfig, version: EtcdVersion): Facts | undefined {
  const ctx = new RuleContext(c.doc, version);
  if (!ctx.isSet('initial-cluster') || ctx.cluster().malformed.length > 0) return undefined;
  const cluster = new Map<string, string[]>();
  for (const m of ctx.cluster().members) cluster.set(m.name, [...(cluster.get(m.name) ?? []), m.url].sort());
  return {
    uri: c.uri,
    ctx,
    name: ctx.valueOrDefault('name'),
    token: ctx.value('initial-cluster-token'),
    cluster,
    clusterText: [...cluster.entries()]
      .map(([n, u]) => `${n}=${u.join('|')}`)
      .sort()
      .join(','),
    advertise: ctx
      .urls('initial-advertise-peer-urls')
      .map((u) => u.text)
      .sort(),
    heartbeat: ctx.int('heartbeat-interval'),
    election: ctx.int('election-timeout'),
    state: ctx.valueOrDefault('initial-cluster-state'),
  };
}

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const base = (uri: string): string => clip(uri.replace(/\\/g, '/').split('/').pop() ?? uri);

/** Cross-file findings, keyed by URI. Only configs that set initial-cluster take part. */
export function checkAcrossFiles(configs: readonly MemberConfig[], version: EtcdVersion): Map<string, LintDiagnostic[]> {
  const out = new Map<string, LintDiagnostic[]>();
  // One config has nothing to be compared with (and its facts can be costly: 40,000 initial-cluster entries).
  if (configs.length < 2) return out;
  const facts: Facts[] = [];
  for (const c of configs) {
    // A document the last edit did not touch is the same object as before: reuse its facts.
    let hit = FACTS.get(c.doc);
    if (!hit || hit.version !== version || hit.uri !== c.uri) {
      hit = { version, uri: c.uri, facts: factsOf(c, version) };
      FACTS.set(c.doc, hit);
    }
    if (hit.facts) facts.push(hit.facts);
  }
  for (const group of groups(facts)) {
    if (group.length < 2) continue;
    for (const f of group) {
      const report = (d: LintDiagnostic): void => {
        out.set(f.uri, [...(out.get(f.uri) ?? []), d]);
      };
      const others = group.filter((g) => g !== f);
      const icRange = f.ctx.get('initial-cluster')?.valueRange ?? ZERO;
      // Joining member: the others do not list it yet, so it must start with state "existing".
      const listedByOthers = others.some((o) => o.cluster.has(f.name));
      if (!listedByOthers && f.state === 'new') {
        report(
          JOIN.finding(
            'warning',
            `No other member's initial-cluster lists "${clip(f.name)}" (${clip(others.map((o) => base(o.uri)).join(', '))}): if this member joins a running cluster (etcdctl member add, runbook step 6), set initial-cluster-state to existing.`,
            f.ctx.get('initial-cluster-state')?.keyRange ?? f.ctx.get('name')?.keyRange ?? icRange,
            fix('Set initial-cluster-state to existing', false, f.ctx.setValue('initial-cluster-state', 'existing')),
          ),
        );
      }
      const peer = others.find((o) => o.state === 'new' && f.state === 'new' && o.clusterText !== f.clusterText);
      if (peer) {
        report(
          INITIAL_CLUSTER.finding(
            'warning',
            `initial-cluster differs from ${base(peer.uri)} (${clip(peer.ctx.value('initial-cluster') ?? '')}): members bootstrapping one cluster must list the same members and URLs.`,
            icRange,
          ),
        );
      }
      const tokenPeer = others.find((o) => (o.token ?? 'etcd-cluster') !== (f.token ?? 'etcd-cluster'));
      if (tokenPeer) {
        report(
          TOKEN.finding(
            'warning',
            `initial-cluster-token "${clip(f.token ?? 'etcd-cluster')}" differs from "${clip(tokenPeer.token ?? 'etcd-cluster')}" in ${base(tokenPeer.uri)}: members with different tokens form different clusters.`,
            f.ctx.get('initial-cluster-token')?.valueRange ?? icRange,
          ),
        );
      }
      for (const [flag, mine] of [
        ['heartbeat-interval', f.heartbeat],
        ['election-timeout', f.election],
      ] as const) {
        const diff = others.find((o) => (flag === 'heartbeat-interval' ? o.heartbeat : o.election) !== mine);
        if (diff && mine !== undefined) {
          const theirs = flag === 'heartbeat-interval' ? diff.heartbeat : diff.election;
          report(
            TIMING.finding(
              'warning',
              `${flag} is ${mine} ms here but ${theirs} ms in ${base(diff.uri)}: every member should use the same heartbeat interval and election timeout.`,
              f.ctx.get(flag)?.valueRange ?? icRange,
              theirs !== undefined
                ? fix(`Set ${flag} to ${theirs} ms (as in ${base(diff.uri)})`, false, f.ctx.setValue(flag, String(theirs)))
                : undefined,
            ),
          );
        }
      }
      // This member as the others see it.
      for (const o of others) {
        const listed = o.cluster.get(f.name);
        if (!listed || listed.join(',') === f.advertise.join(',')) continue;
        const advEntry = f.ctx.get('initial-advertise-peer-urls');
        report(
          MEMBER.finding(
            'warning',
            `${base(o.uri)} lists ${clip(f.name)}=${clip(listed.join(','))}, but this member advertises ${clip(f.advertise.join(','))}: peers will not reach it at the address they expect.`,
            advEntry?.valueRange ?? f.ctx.get('name')?.keyRange ?? icRange,
            fix(`Advertise ${clip(listed.join(','))}`, false, f.ctx.setValue('initial-advertise-peer-urls', listed.join(','))),
          ),
        );
        break;
      }
      const twin = others.find((o) => o.name === f.name);
      if (twin) {
        report(
          MEMBER.finding(
            'warning',
            `${base(twin.uri)} uses the same name "${clip(f.name)}": every member needs its own --name.`,
            f.ctx.get('name')?.keyRange ?? icRange,
          ),
        );
      }
    }
  }
  return out;
}

/** Groups configs that belong to one cluster (shared token or shared peer URL). */
function groups(facts: Facts[]): Facts[][] {
  const parent = facts.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const byKey = new Map<string, number>();
  facts.forEach((f, i) => {
    const keys = [...(f.token ? [`token:${f.token}`] : []), ...[...f.cluster.values()].flat().map((u) => `url:${u}`)];
    for (const k of keys) {
      const j = byKey.get(k);
      if (j === undefined) byKey.set(k, i);
      else parent[find(i)] = find(j);
    }
  });
  const out = new Map<number, Facts[]>();
  facts.forEach((f, i) => out.set(find(i), [...(out.get(find(i)) ?? []), f]));
  return [...out.values()];
}
