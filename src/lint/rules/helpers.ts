// The shape of a lint rule and the helpers several rule files share (one rule per file lives next to this).
import type { ConfigDocument, Entry } from '../document';
import type { RuleContext } from '../context';
import { reporter, type Reporter } from '../findings';
import { clipMessage } from '../limits';
import type { LintDiagnostic, LintFix, Range, TextEdit } from '../types';
import { checkEtcdUrl, isIpLiteral } from '../values';

export { clip } from '../limits';
export type { Reporter } from '../findings';

/** A lint rule: its id is the diagnostic code of every finding it makes. Made by defineRule or defineEntryRule,
 * which hand the check a Reporter bound to the id: rule files never spell their code in a finding (and a unit
 * test runs every rule to check that none reports another code). */
export interface Rule {
  readonly id: string;
  check(doc: ConfigDocument, ctx: RuleContext): LintDiagnostic[];
  /**
   * Present on rules whose findings for an entry depend only on that entry, the format and the version (never on
   * other lines): the incremental linter keeps these per entry, so a keystroke re-checks only the lines it touched.
   */
  checkEntry?(e: Entry, ctx: RuleContext): LintDiagnostic[];
}

/** A rule that looks at the whole document (and the context's effective values). */
export function defineRule(id: string, check: (doc: ConfigDocument, ctx: RuleContext, r: Reporter) => LintDiagnostic[]): Rule {
  const r = reporter(id);
  return Object.freeze({ id, check: (doc: ConfigDocument, ctx: RuleContext) => check(doc, ctx, r) });
}

/** A rule that looks at one entry at a time; its `check` is the same check over every entry. */
export function defineEntryRule(id: string, checkEntry: (e: Entry, ctx: RuleContext, r: Reporter) => LintDiagnostic[]): Rule {
  const r = reporter(id);
  return Object.freeze({
    id,
    checkEntry: (e: Entry, ctx: RuleContext) => checkEntry(e, ctx, r),
    check: (doc: ConfigDocument, ctx: RuleContext) => doc.entries.flatMap((e) => checkEntry(e, ctx, r)),
  });
}

/** A fix from edits, dropping it when an edit could not be built. Titles quote values through clip(); the
 * edits themselves carry whole values. */
export function fix(title: string, safe: boolean, ...edits: (TextEdit | undefined)[]): LintFix[] {
  return edits.every((e): e is TextEdit => e !== undefined) ? [{ title: clipMessage(title), safe, edits }] : [];
}

/**
 * An edit that deletes an entry's lines (with its YAML block), the line break after them included; `line` is the
 * text of the entry's first line. Indentation before the entry goes too (left behind, it would indent the next
 * line), and a range that ends at the start of a line (a block followed by a blank line) holds its last break.
 */
export function removeLines(e: Entry, line: string): TextEdit {
  const { start, end } = e.range;
  const from = /^[ \t]*$/.test(line.slice(0, start.character)) ? 0 : start.character;
  const to = end.character === 0 && end.line > start.line ? end : { line: end.line + 1, character: 0 };
  return { range: { start: { line: start.line, character: from }, end: to }, newText: '' };
}

/** "etcd refuses to start: <etcd's message>", the form every Error message takes. */
export function refuses(etcdMessage: string, extra = ''): string {
  return `etcd refuses to start: "${etcdMessage}"${extra ? `. ${extra}` : ''}`;
}

/** The entry's key range, or the start of the document when the flag is unset (defaults). */
export function where(e: Entry | undefined, doc: ConfigDocument): Range {
  if (e) return e.keyRange;
  const first = doc.entries[0];
  return first ? first.keyRange : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

/** The two ways out of a bad election/heartbeat ratio: 10 x heartbeat (safe) or heartbeat = election / 10. */
export function timingFixes(ctx: RuleContext, heartbeat: number, election: number): LintFix[] {
  const out: LintFix[] = [];
  if (heartbeat * 10 <= 50000)
    out.push(
      ...fix(
        `Set election timeout to ${heartbeat * 10} ms (10 x heartbeat)`,
        true,
        ctx.setValue('election-timeout', String(heartbeat * 10)),
      ),
    );
  const hb = Math.floor(election / 10);
  if (hb > 0)
    out.push(...fix(`Set heartbeat interval to ${hb} ms (election timeout / 10)`, false, ctx.setValue('heartbeat-interval', String(hb))));
  return out;
}

/** Whether initial-cluster is set and parses, so the cluster rules have something to check. */
export function clusterUsable(ctx: RuleContext): boolean {
  const ic = ctx.get('initial-cluster');
  return ic !== undefined && ctx.cluster().malformed.length === 0 && ic.value !== null;
}

/** Hosts whose comparison etcd cannot settle by DNS: IP literals and localhost (which etcd never resolves). */
export function literalHost(u: string): boolean {
  const m = /^[a-z]+:\/\/(\[[^\]]+\]|[^:/]+)/i.exec(u);
  const h = m ? m[1].replace(/^\[|\]$/g, '') : '';
  return h === 'localhost' || isIpLiteral(h);
}

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

/** The first https/unixs URL of the given listener flags, if any. */
export function secureListener(ctx: RuleContext, flags: string[]): string | undefined {
  for (const f of flags) {
    const u = ctx.urls(f).find((x) => x.parsed && (x.parsed.scheme === 'https' || x.parsed.scheme === 'unixs'));
    if (u && (ctx.get(f) || f.startsWith('listen'))) return u.text;
  }
  return undefined;
}

/** Every URL-list flag etcd reads. */
export const URL_FLAGS = [
  'listen-peer-urls',
  'listen-client-urls',
  'listen-client-http-urls',
  'listen-metrics-urls',
  'initial-advertise-peer-urls',
  'advertise-client-urls',
];
/** The listen URL flags (bind addresses). */
export const LISTEN_FLAGS = URL_FLAGS.filter((f) => f.startsWith('listen-'));
/** The advertised URL flags. */
export const ADVERTISE_FLAGS = ['initial-advertise-peer-urls', 'advertise-client-urls'];

/** A URL-list flag the document sets for this version, with its parsed items. */
export function explicitUrls(ctx: RuleContext, flag: string) {
  const e = ctx.get(flag);
  if (!e || !e.spec?.versions.includes(ctx.version)) return undefined;
  return { entry: e, items: ctx.urls(flag) };
}

/** The network URLs (not unix sockets) that parse, of the URL-list flags the document sets for this version: each
 * with its host, its range in the document and how many items its flag lists. */
export function networkUrls(
  ctx: RuleContext,
  flags: readonly string[],
): { flag: string; text: string; host: string; range: Range; of: number }[] {
  const out: { flag: string; text: string; host: string; range: Range; of: number }[] = [];
  for (const flag of flags) {
    const found = explicitUrls(ctx, flag);
    if (!found) continue;
    for (const u of found.items) {
      if (!u.parsed || u.parsed.scheme.startsWith('unix')) continue;
      out.push({
        flag,
        text: u.text,
        host: u.parsed.host,
        range: ctx.rangeIn(found.entry, u.offset, u.text.length),
        of: found.items.length,
      });
    }
  }
  return out;
}

/** An etcd URL check result as error and kind, or undefined when the URL is fine. */
export function checkOne(u: string): { error: string; kind?: string } | undefined {
  const r = checkEtcdUrl(u);
  return r.error ? { error: r.error, kind: r.kind } : undefined;
}
