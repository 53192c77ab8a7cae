// A stand-in for systemd on the member hosts of a harness cluster, for the SSH tests: a shell script
// `etcd-service start|restart|stop|show NAME` (show: systemctl show's ActiveState, SubState, MainPID) that stops a member (SIGTERM, waiting until it is gone, as
// `systemctl restart` does) and starts etcd again with the flags the harness launched it with, detached,
// its pid in NAME.pid. The SSH layer runs it through the cluster's command templates, as it would run
// `sudo -n systemctl restart etcd`. stopAll() ends what the script started (the harness does not know those).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from 'shell-quote';
import type { EtcdCluster } from './etcdCluster';

export class MemberService {
  private constructor(
    readonly dir: string,
    private readonly cluster: EtcdCluster,
  ) {}

  /** Writes the script and one launcher per member; their current processes become the service's. */
  static install(cluster: EtcdCluster): MemberService {
    const dir = join(cluster.baseDir, 'service');
    mkdirSync(dir, { recursive: true });
    for (const m of cluster.members) {
      if (!m.launched) throw new Error(`${m.name} was never launched`);
      const env = Object.entries(m.launched.env).map(([k, v]) => `${k}=${quote([v])}`);
      writeFileSync(
        join(dir, `${m.name}.run`),
        `#!/bin/sh\ncd ${quote([m.launched.cwd])}\nexec env ${env.join(' ')} ${quote([m.launched.binary, ...m.launched.args])} >> ${quote([m.logFile])} 2>&1 < /dev/null\n`,
        { mode: 0o755 },
      );
      if (m.process?.pid) writeFileSync(join(dir, `${m.name}.pid`), String(m.process.pid));
    }
    const script = join(dir, 'etcd-service');
    writeFileSync(
      script,
      `#!/bin/sh
# etcd-service start|restart|stop|show NAME
set -e
cmd="$1"; name="$2"; dir=$(dirname "$0")
case "$name" in ''|*/*|.*) echo "bad member name" >&2; exit 2;; esac
[ -x "$dir/$name.run" ] || { echo "Unit etcd-$name.service not found." >&2; exit 5; }
pidf="$dir/$name.pid"
running() { [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; }
if [ "$cmd" = show ]; then
  if running; then printf 'ActiveState=active\nSubState=running\nMainPID=%s\n' "$(cat "$pidf")"
  else printf 'ActiveState=failed\nSubState=failed\nMainPID=0\n'; fi
  exit 0
fi
if [ "$cmd" = stop ] || [ "$cmd" = restart ]; then
  if running; then pid=$(cat "$pidf"); kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; fi
  rm -f "$pidf"
fi
if [ "$cmd" = start ] || [ "$cmd" = restart ]; then
  running && exit 0
  setsid "$dir/$name.run" > /dev/null 2>&1 < /dev/null &
  echo $! > "$pidf"
fi
`,
    );
    chmodSync(script, 0o755);
    return new MemberService(dir, cluster);
  }

  /** The script's path, for command templates: \`\${script} restart {name}\`. */
  get script(): string {
    return join(this.dir, 'etcd-service');
  }

  /** The pid the service recorded for a member, or null. */
  pid(name: string): number | null {
    const file = join(this.dir, `${name}.pid`);
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || null : null;
  }

  /** Kills every member process the script started; then cluster.destroy() cleans up the rest. */
  stopAll(): void {
    for (const m of this.cluster.members) {
      const pid = this.pid(m.name);
      if (pid === null || pid === m.process?.pid) continue;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
