// The demo: a local three-member etcd 3.5 cluster and a real VS Code (code-server) in the browser with
// etcd Inspector installed and the cluster configured. Started by scripts/demo.sh; Ctrl-C stops all.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
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
  // A fresh cluster each run: old data dirs would carry another cluster's ids and ports.
  rmSync(join(demoDir, 'etcd'), { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  for (const name of ['etcd.conf', 'etcd.conf.yml'])
    copyFileSync(join(__dirname, '..', 'test', 'fixtures', 'demo', name), join(workspace, name));

  console.log('Starting a 3-member etcd 3.5 cluster on loopback...');
  const cluster = await EtcdCluster.start({ version: '3.5', size: 3, baseDir: join(demoDir, 'etcd') });
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

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server and the etcd cluster...');
    await server.stop().catch(() => undefined);
    await cluster.destroy();
    rmSync(join(demoDir, 'etcd'), { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  await new Promise<never>(() => undefined);
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
