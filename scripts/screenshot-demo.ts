// Takes screenshots of a running demo (scripts/demo.sh) for the README: the workbench with the etcd
// Inspector view open, and the sample etcd.conf.   node --import tsx scripts/screenshot-demo.ts URL [NAME]
import { openWorkbench, openViewContainer, runCommand } from '../test/e2e/harness/codeServer';

async function main(): Promise<void> {
  const url = process.argv[2];
  if (!url) throw new Error('usage: screenshot-demo.ts URL [NAME]');
  const workbench = await openWorkbench(url);
  try {
    await openViewContainer(workbench.page, 'etcd Inspector');
    await runCommand(workbench.page, 'etcd Inspector: Open Endpoint Status');
    await workbench.page.waitForTimeout(5000);
    console.log(await workbench.screenshot(process.argv[3] ?? 'demo'));
  } finally {
    await workbench.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
