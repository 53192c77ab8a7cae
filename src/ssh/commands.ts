// The commands run on member hosts, as templates with defaults for systemd hosts. A template is the
// operator's (settings, trusted workspace); the values put into it come from the cluster (member names,
// URLs, paths) and are untrusted: each is quoted for a POSIX shell with shell-quote, so nothing in a member
// name can run as a command. sudo is always `sudo -n`: it never waits for a password.
import { quote } from 'shell-quote';
import { SshError, type CommandResult } from './session';
import type { CommandName, SshOptions } from './target';

/** The defaults: etcd as the systemd unit {unit}. */
export const DEFAULT_COMMANDS: Record<CommandName, string> = {
  logs: 'journalctl -u {unit} -n {lines} --no-pager -o cat',
  logsSince: 'journalctl -u {unit} --since {since} --no-pager -o cat',
  status: 'systemctl show {unit} -p ActiveState -p SubState -p MainPID -p ExecMainStartTimestamp --no-pager',
  restart: 'sudo -n systemctl restart {unit}',
  start: 'sudo -n systemctl start {unit}',
  clock: 'date +%s.%N',
  ntp: 'timedatectl show -p NTPSynchronized -p NTP 2>/dev/null || chronyc -n tracking',
  portProbe: "timeout {seconds} bash -c 'exec 3<>/dev/tcp/$1/$2' _ {host} {port}",
  dataDir: 'sudo -n du -sb {dataDir} && sudo -n ls -la {dataDir}/member {dataDir}/member/snap {dataDir}/member/wal',
  configPath: 'systemctl show {unit} -p EnvironmentFiles --value',
};

/** Values a template may use. */
export type CommandValues = Partial<
  Record<'unit' | 'name' | 'lines' | 'since' | 'host' | 'port' | 'seconds' | 'dataDir' | 'peerUrl' | 'clientUrl', string | number>
>;

/** The template of a command for this cluster. */
export function template(name: CommandName, options: SshOptions): string {
  return options.commands?.[name] ?? DEFAULT_COMMANDS[name];
}

/**
 * A template with its `{placeholders}` replaced by shell-quoted values. An unknown placeholder, or one
 * without a value, throws: a command never runs with a hole in it.
 */
export function render(templateText: string, values: CommandValues): string {
  return templateText.replace(/\{([A-Za-z]+)\}/g, (_, key: string) => {
    const value = (values as Record<string, string | number | undefined>)[key];
    if (value === undefined) throw new Error(`the command template "${templateText}" uses {${key}}, which has no value here`);
    return quote([String(value)]);
  });
}

/** The command line for a member: the cluster's template with the member's values. */
export function commandFor(name: CommandName, options: SshOptions, values: CommandValues): string {
  return render(template(name, options), { unit: options.unit ?? 'etcd', ...values });
}

/** sudo's answers when it would need a password (`sudo -n`). */
const SUDO_PASSWORD = /sudo: (a password is required|a terminal is required)/;

/**
 * Turns a command's result into its output or an SshError that says what happened on which member:
 * a timeout, sudo wanting a password, or a non-zero exit with its stderr.
 */
export function outputOf(result: CommandResult, what: string, member: string): string {
  if (result.timedOut)
    throw new SshError('timeout', `${what} on ${member} did not finish within ${Math.round(result.tookMs)} ms and was stopped`);
  if (SUDO_PASSWORD.test(result.stderr))
    throw new SshError(
      'sudo-password',
      `sudo needs a password on ${member}: allow the command without a password (NOPASSWD) for this user, or run it yourself`,
    );
  if (result.code !== 0) {
    const detail = result.stderr.trim().split('\n').slice(-3).join(' / ') || result.stdout.trim().split('\n').slice(-1)[0] || 'no output';
    throw new SshError('command', `${what} on ${member} failed (exit ${result.code ?? 'signal'}): ${detail}`);
  }
  return result.stdout;
}
