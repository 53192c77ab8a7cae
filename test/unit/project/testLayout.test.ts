// The test tree mirrors src/ (issue 9): a test of src/<folder>/x.ts lives under test/<tier>/<folder>/, so the
// tests of a module are found where the module is; and no tier imports another tier's files (shared builders
// live in test/support/), so a tier can be run, moved or deleted on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const TIERS = ['unit', 'integration', 'e2e'] as const;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The tier a path under test/ belongs to, or undefined (support, harness, fixtures). */
function tierOf(path: string): string | undefined {
  const top = relative(join(ROOT, 'test'), path).split(sep)[0];
  return (TIERS as readonly string[]).includes(top) ? top : undefined;
}

test("no test tier imports another tier's files (shared code lives in test/support or test/harness)", () => {
  const offences: string[] = [];
  for (const tier of TIERS)
    for (const file of files(join(ROOT, 'test', tier))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = resolve(dirname(file), m[1]);
        const other = tierOf(target);
        if (other && other !== tier) offences.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
      }
    }
  assert.deepEqual(offences, []);
});

test('unit and integration test folders mirror src/ (plus unit/project for the repository and integration/harness)', () => {
  const src = new Set(readdirSync(join(ROOT, 'src')).filter((n) => statSync(join(ROOT, 'src', n)).isDirectory()));
  const allowed: Record<string, string[]> = { unit: ['project'], integration: ['harness'] };
  for (const tier of ['unit', 'integration'] as const) {
    for (const name of readdirSync(join(ROOT, 'test', tier))) {
      const p = join(ROOT, 'test', tier, name);
      if (!statSync(p).isDirectory()) {
        assert.fail(`test/${tier}/${name}: tests live in a folder named after the src/ folder they test`);
      }
      assert.ok(src.has(name) || allowed[tier].includes(name), `test/${tier}/${name} has no src/${name} to mirror`);
    }
  }
});
