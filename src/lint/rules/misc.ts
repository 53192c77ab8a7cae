// Smaller checks from etcd's Config.Validate and startup path, and the docs' advice on limits.
import { parseGoDuration } from '../values';
import type { LintDiagnostic } from '../types';
import { finding, fix, refuses, type Rule } from './rule';

export const authToken: Rule = {
  id: 'auth-token',
  check(_doc, ctx) {
    const e = ctx.get('auth-token');
    const v = ctx.value('auth-token');
    if (!e || v === undefined || v === '') return [];
    const [kind, ...opts] = v.split(',');
    if (kind === 'simple' && opts.length === 0) return [];
    if (kind === 'jwt' && opts.every((o) => /^[a-z-]+=.+$/.test(o))) return [];
    return [
      finding(
        'auth-token',
        'error',
        refuses('auth: invalid auth options', 'Use "simple" or "jwt,pub-key=...,priv-key=...,sign-method=..."'),
        e.valueRange,
      ),
    ];
  },
};

export const logOutputs: Rule = {
  id: 'log-outputs',
  check(_doc, ctx) {
    const e = ctx.get('log-outputs');
    if (!e || !ctx.check(e).ok) return [];
    const outputs = e.type === 'seq' ? (e.items ?? []) : (e.value ?? '').split(',');
    if (outputs.length < 2) return [];
    const logger = ctx.value('logger') ?? (ctx.version === '3.4' ? 'capnslog' : 'zap');
    if (logger === 'capnslog')
      return [
        finding(
          'log-outputs',
          'error',
          refuses(`--logger=capnslog supports only 1 value in '--log-outputs', got [${outputs.map((o) => `"${o}"`).join(' ')}]`),
          e.valueRange,
        ),
      ];
    if (outputs.includes('default'))
      return [finding('log-outputs', 'error', refuses('multi logoutput for "default" is not supported yet'), e.valueRange)];
    if (outputs.some((o) => o === 'systemd/journal'))
      return [finding('log-outputs', 'error', refuses('multi logoutput for "systemd/journal" is not supported yet'), e.valueRange)];
    return [];
  },
};

export const compactionRetention: Rule = {
  id: 'compaction-retention',
  check(_doc, ctx) {
    const e = ctx.get('auto-compaction-retention');
    const v = ctx.value('auto-compaction-retention');
    if (!e || v === undefined || v === '') return [];
    const mode = ctx.valueOrDefault('auto-compaction-mode');
    if (/^\d+$/.test(v)) return [];
    if (mode === 'periodic' && parseGoDuration(v) !== undefined) return [];
    const hint =
      mode === 'revision'
        ? 'In revision mode the retention is a number of revisions'
        : 'Use a number of hours or a Go duration such as 30m';
    return [
      finding('compaction-retention', 'error', refuses(`error parsing CompactionRetention: invalid value "${v}"`, hint), e.valueRange),
    ];
  },
};

export const leaseCheckpoint: Rule = {
  id: 'lease-checkpoint',
  check(_doc, ctx) {
    const persist = ctx.get('experimental-enable-lease-checkpoint-persist');
    if (
      !persist ||
      ctx.bool('experimental-enable-lease-checkpoint-persist') !== true ||
      ctx.bool('experimental-enable-lease-checkpoint') === true
    )
      return [];
    return [
      finding(
        'lease-checkpoint',
        'error',
        refuses('setting experimental-enable-lease-checkpoint-persist requires experimental-enable-lease-checkpoint'),
        persist.keyRange,
        fix('Enable experimental-enable-lease-checkpoint', true, ctx.setValue('experimental-enable-lease-checkpoint', 'true')),
      ),
    ];
  },
};

const GiB8 = 8 * 1024 * 1024 * 1024;

export const quotaTooLarge: Rule = {
  id: 'quota-too-large',
  check(_doc, ctx) {
    const e = ctx.get('quota-backend-bytes');
    const q = ctx.int('quota-backend-bytes');
    if (!e || q === undefined || q <= GiB8) return [];
    return [
      finding(
        'quota-too-large',
        'warning',
        `quota-backend-bytes ${q} is above 8 GiB: etcd warns "quota exceeds the maximum value" — large databases make snapshots, defragmentation and member recovery slow.`,
        e.valueRange,
        fix('Set the quota to 8 GiB (8589934592)', false, ctx.setValue('quota-backend-bytes', String(GiB8))),
      ),
    ];
  },
};

export const requestTooLarge: Rule = {
  id: 'request-too-large',
  check(_doc, ctx) {
    const e = ctx.get('max-request-bytes');
    const q = ctx.int('max-request-bytes');
    if (!e || q === undefined || q <= 10 * 1024 * 1024) return [];
    return [
      finding(
        'request-too-large',
        'warning',
        `max-request-bytes ${q} is above 10 MiB: etcd warns "exceeded recommended request limit"; large requests delay heartbeats and can trigger elections.`,
        e.valueRange,
      ),
    ];
  },
};

export const persistentDanger: Rule = {
  id: 'persistent-danger',
  check(_doc, ctx) {
    const out: LintDiagnostic[] = [];
    const fnc = ctx.get('force-new-cluster');
    if (fnc && ctx.bool('force-new-cluster') === true) {
      out.push(
        finding(
          'persistent-danger',
          'warning',
          'force-new-cluster is a one-time recovery step (runbook step 5): left in a persistent configuration it throws away the membership at every restart. Remove it once the cluster is back.',
          fnc.keyRange,
          fix('Remove force-new-cluster', false, {
            range: { start: fnc.range.start, end: { line: fnc.range.end.line + 1, character: 0 } },
            newText: '',
          }),
        ),
      );
    }
    const nofsync = ctx.get('unsafe-no-fsync');
    if (nofsync && ctx.bool('unsafe-no-fsync') === true) {
      out.push(
        finding(
          'persistent-danger',
          'warning',
          'unsafe-no-fsync disables fsync: a power loss or crash can lose committed data. Use it only for throwaway test clusters.',
          nofsync.keyRange,
        ),
      );
    }
    return out;
  },
};

export const configFileOverrides: Rule = {
  id: 'config-file-overrides',
  check(doc, ctx) {
    if (ctx.format !== 'env' || !ctx.isSet('config-file')) return [];
    return doc.entries
      .filter((e) => e.spec && e.spec.name !== 'config-file' && e.value !== '')
      .map((e) =>
        finding(
          'config-file-overrides',
          'warning',
          `ETCD_CONFIG_FILE is set, so etcd reads only that YAML file and ignores ${e.key} ("other configuration command line flags and environment variables will be ignored").`,
          e.keyRange,
        ),
      );
  },
};

export const v2Conflict: Rule = {
  id: 'v2-conflict',
  check(_doc, ctx) {
    if (ctx.version !== '3.5' || ctx.bool('enable-v2') !== true) return [];
    const dep = ctx.valueOrDefault('v2-deprecation') || 'not-yet';
    if (dep === 'not-yet') return [];
    const e = ctx.get('enable-v2');
    return e
      ? [finding('v2-conflict', 'error', refuses(`invalid value for --v2-deprecation=${dep}: --enable-v2 cannot be set`), e.keyRange)]
      : [];
  },
};

export const bcryptCost: Rule = {
  id: 'bcrypt-cost',
  check(_doc, ctx) {
    const e = ctx.get('bcrypt-cost');
    const v = ctx.int('bcrypt-cost');
    if (!e || v === undefined || (v >= 4 && v <= 31)) return [];
    return [finding('bcrypt-cost', 'warning', `bcrypt-cost ${v} is outside 4..31: etcd warns and uses the default (10).`, e.valueRange)];
  },
};

export const defaultName: Rule = {
  id: 'default-name',
  check(doc, ctx) {
    if (ctx.version !== '3.6' || ctx.valueOrDefault('name') !== 'default' || doc.entries.length === 0) return [];
    const e = ctx.get('name');
    return [
      finding(
        'default-name',
        'information',
        'etcd 3.6 warns "it isn\'t recommended to use default name": give each member its own --name.',
        e?.keyRange ?? doc.entries[0].keyRange,
      ),
    ];
  },
};
