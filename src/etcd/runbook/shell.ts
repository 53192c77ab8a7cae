// What the runbook documents put into shell commands: etcdctl's connection flags for a profile, values
// quoted for sh, member names made safe for a comment, heredocs that no value can end early.
import type { MemberReport } from '../model';
import type { ConnectionProfile } from '../profile';

/** One word for sh: left bare when it holds only safe characters, else single-quoted. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** etcdctl's connection flags for a profile (never the password: etcdctl prompts for it). */
export function etcdctlFlags(profile: ConnectionProfile, endpoints: string[] = profile.endpoints): string {
  const flags = [`--endpoints=${endpoints.join(',')}`];
  if (profile.tls?.caFile) flags.push(`--cacert=${profile.tls.caFile}`);
  if (profile.tls?.certFile) flags.push(`--cert=${profile.tls.certFile}`);
  if (profile.tls?.keyFile) flags.push(`--key=${profile.tls.keyFile}`);
  if (profile.username) flags.push(`--user=${profile.username}`);
  return flags.map(shellQuote).join(' ');
}

/** Text for a `#` comment: untrusted names (members, clusters) lose anything that could end the line. */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ');
}

/** A member as a comment names it. */
export const memberLabel = (m: MemberReport): string => commentText(m.name || m.id);

/** The host of a URL, or a placeholder when there is none. */
export function hostOf(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '<host>';
  } catch {
    return '<host>';
  }
}

/**
 * `cat << 'EOF' > file` … `EOF`: the quoted delimiter keeps the body literal; a body line equal to the
 * delimiter would end the heredoc early and run the rest as commands, so the delimiter is one no line is.
 */
export function heredoc(file: string, body: string): string[] {
  const lines = body.replace(/\n$/, '').split('\n');
  let delimiter = 'EOF';
  for (let n = 1; lines.includes(delimiter); n++) delimiter = `EOF_${n}`;
  return [`cat << '${delimiter}' > ${shellQuote(file)}`, ...lines, delimiter];
}
