// A refresh through an SSH tunnel against the same refresh made directly, on a healthy 5-member etcd 3.5
// cluster, with the test harness's sshd on loopback as the SSH host.
//   npm run bench:tunnel
// Alternating refreshes, after a warm-up (the tunnel's SSH connection and every member's channel open); the
// SSH round trip is a direct-tcpip channel open and close through the tunnel. Target (issue 14): the
// tunnel's p50 within 2× the direct p50 plus one SSH round trip. Writes the table README shows.
import { EtcdCluster } from '../test/harness/etcdCluster';
import { Sshd } from '../test/harness/sshd';
import { ClusterInspector } from '../src/etcd/probe';
import { SshTunnel } from '../src/ssh/tunnel';
import { hostPort } from '../src/etcd/tcp';
import { measuredOn, publish } from './figures';
import { percentile } from './stats';

const ROUNDS = 200;
const TIMEOUT_MS = 2000;

const cell = (xs: number[]): string => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms (n=${xs.length})`;

async function main(): Promise<void> {
  const [sshd, cluster] = await Promise.all([Sshd.start(), EtcdCluster.start({ version: '3.5', size: 5 })]);
  try {
    const tunnel = await SshTunnel.create(`${sshd.user}@127.0.0.1`, sshd.clientOptions(), {
      credentials: { agent: null },
      onUnknownHostKey: async () => false,
      connectTimeoutMs: 5000,
    });
    const direct = new ClusterInspector({ name: 'direct', endpoints: cluster.endpoints, timeoutMs: TIMEOUT_MS });
    const tunnelled = new ClusterInspector({ name: 'tunnel', endpoints: cluster.endpoints, timeoutMs: TIMEOUT_MS, dial: tunnel.dial });
    try {
      for (let i = 0; i < 20; i++) await Promise.all([direct.refresh(), tunnelled.refresh()]);
      const times: Record<'direct' | 'tunnel' | 'ssh', number[]> = { direct: [], tunnel: [], ssh: [] };
      const target = hostPort(cluster.endpoints[0]);
      if (!target) throw new Error('no client address');
      for (let i = 0; i < ROUNDS; i++) {
        for (const [name, inspector] of i % 2 === 0
          ? ([
              ['direct', direct],
              ['tunnel', tunnelled],
            ] as const)
          : ([
              ['tunnel', tunnelled],
              ['direct', direct],
            ] as const)) {
          const started = performance.now();
          const s = await inspector.refresh();
          if (s.quorum.healthy !== 5) throw new Error(`${name}: ${s.quorum.healthy} of 5 healthy: ${s.errors.join('; ')}`);
          times[name].push(performance.now() - started);
        }
        const started = performance.now();
        (await tunnel.dial(target.host, target.port, new Date(Date.now() + TIMEOUT_MS))).destroy();
        times.ssh.push(performance.now() - started);
      }
      const limit = 2 * percentile(times.direct, 50) + percentile(times.ssh, 50);
      const met = percentile(times.tunnel, 50) <= limit;
      console.log(`direct ${cell(times.direct)}; tunnel ${cell(times.tunnel)}; SSH round trip ${cell(times.ssh)}`);
      await publish(
        'tunnel',
        {
          header: ['healthy 5-member etcd 3.5 refresh', 'time', 'target'],
          rows: [
            ['direct', cell(times.direct), ''],
            [
              'through the SSH tunnel (sshd on loopback)',
              cell(times.tunnel),
              `p50 ≤ 2 × direct + one SSH round trip (${limit.toFixed(1)} ms): ${met ? 'met' : '**not met**'}`,
            ],
            ['one SSH round trip (a channel opened and closed)', cell(times.ssh), ''],
          ],
        },
        measuredOn('npm run bench:tunnel'),
      );
    } finally {
      direct.dispose();
      tunnelled.dispose();
      tunnel.close();
    }
  } finally {
    await cluster.destroy();
    await sshd.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
