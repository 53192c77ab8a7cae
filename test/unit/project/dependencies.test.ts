// Every package that shipped code imports is declared in package.json's dependencies: a package that only
// arrives as someone else's dependency (cockatiel through etcd3) can vanish or change major version under us.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** The package name of a bare import specifier (`@scope/name/sub` → `@scope/name`), or null for relative ones. */
function packageOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

test('every package imported by src/ is a declared dependency', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const declared = new Set(Object.keys(pkg.dependencies));
  // `vscode` is provided by the editor (engines.vscode), `@types/*` are compile-time only.
  const provided = new Set(['vscode', ...builtinModules]);
  const missing = new Map<string, string>();
  for (const file of sources(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
      if (/^\s*(?:import|export)\s+type\s/.test(match[0])) continue;
      const name = packageOf(match[1]);
      if (name && !declared.has(name) && !provided.has(name)) missing.set(name, file.slice(ROOT.length + 1));
    }
  }
  assert.deepEqual([...missing], [], 'imported but not in dependencies');
});
