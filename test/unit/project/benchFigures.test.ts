// README's benchmark figures are the ones the benches last wrote: each table sits between
// `<!-- bench:<name>:begin/end -->` markers and must equal bench/results/<name>.md, which the bench that
// publishes <name> writes together with README (bench/figures.ts). A figure typed into README by hand, a
// table whose bench no longer produces it, or a region without results fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { README, RESULTS_DIR, ROOT, readmeRegion } from '../../../bench/figures';

/** The regions README must have, and the bench that writes each. */
const REGIONS: Record<string, string> = {
  startup: 'bench/startup.ts',
  status: 'bench/status.ts',
  lint: 'bench/lint.ts',
  'lint-hostile': 'bench/lint.ts',
  defrag: 'bench/defrag.ts',
  panel: 'bench/panelCpu.ts',
  tunnel: 'bench/tunnel.ts',
};

const readme = readFileSync(README, 'utf8');

test('README has a bench region for each benchmark table, and no other', () => {
  const found = [...readme.matchAll(/<!-- bench:([\w-]+):begin -->/g)].map((m) => m[1]);
  assert.deepEqual(found.sort(), Object.keys(REGIONS).sort());
  for (const name of found) assert.ok(readme.includes(`<!-- bench:${name}:end -->`), `${name} has an end marker`);
});

for (const [name, bench] of Object.entries(REGIONS)) {
  test(`README's ${name} figures are what ${bench} last wrote (bench/results/${name}.md)`, () => {
    const source = readFileSync(join(ROOT, bench), 'utf8');
    assert.match(source, new RegExp(`publish\\(\\s*'${name}'`), `${bench} publishes the ${name} table`);
    const results = join(RESULTS_DIR, `${name}.md`);
    assert.ok(existsSync(results), `bench/results/${name}.md exists: run the bench (${bench})`);
    assert.equal(readmeRegion(readme, name), readFileSync(results, 'utf8'), `README differs from bench/results/${name}.md`);
  });
}

test('every results file has its region in README', () => {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.md')) : [];
  for (const file of files) assert.ok(file.replace(/\.md$/, '') in REGIONS, `${file} is shown in README`);
});
