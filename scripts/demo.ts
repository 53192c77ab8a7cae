// The demo: a local three-member etcd 3.5 cluster and a real VS Code (code-server) in the browser with
// etcd Inspector installed and the cluster configured. Started by scripts/demo.sh; Ctrl-C stops all.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EtcdCluster } from '../test/harness/etcdCluster';
import { CACHE_DIR } from '../test/harness/binaries';
import { startCodeServer } from '../test/e2e/harness/codeServer';

async function main(): Promise<void> {
  const vsix = process.argv[2];
  if (!vsix) throw new Error('usage: demo.ts <path of the .vsix>');
  const port = Number(process.env.DEMO_PORT ?? 8080);
  const demoDir = join(CACHE_DIR, 'demo');
  const workspace = join(demoDir, 'workspace');
  mkdirSync(workspace, { recursive: true });
  for (const name of ['etcd.conf', 'etcd.conf.yml'])
    copyFileSync(join(__dirname, '..', 'test', 'fixtures', 'demo', name), join(workspace, name));

  console.log('Starting a 3-member etcd 3.5 cluster on loopback...');
  // A fresh cluster in a temp folder each run; the harness removes it and every process on exit.
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3 });
  console.log(`  members: ${cluster.members.map((m) => `${m.name} ${m.clientUrl}`).join(', ')}`);
  await cluster.etcdctl(['put', 'demo/greeting', 'hello from etcd Inspector']);

  console.log('Starting code-server with etcd Inspector installed...');
  const server = await startCodeServer({
    vsixPath: vsix,
    workspaceDir: workspace,
    port,
    userSettings: {
      'etcdInspector.clusters': [{ name: 'demo', endpoints: [cluster.endpoints[0]] }],
      'workbench.colorTheme': 'Default Dark Modern',
    },
  });
  console.log(`\netcd Inspector demo is ready: ${server.url}\n`);
  console.log('Try: stop a member (kill the etcd process of one listed above) and watch the tree.');
  console.log(`etcdctl: ETCDCTL_API=3 ${cluster.binaries.etcdctl} --endpoints=${cluster.endpoints.join(',')} endpoint status -w table`);
  console.log('Press Ctrl-C to stop everything.');

  // Ctrl-C: the harnesses' exit hooks stop code-server and the etcd members and remove their folders.
  process.on('exit', () => console.log('\nStopped code-server and the etcd cluster.'));
  await new Promise<never>(() => undefined);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
