// Where benchmark figures go, so that README cannot show figures no bench produced: each bench writes its
// table to bench/results/<name>.md and the same text into README.md between
// `<!-- bench:<name>:begin -->` and `<!-- bench:<name>:end -->`. test/unit/project/benchFigures.test.ts
// fails when README's text differs from the results file (a figure typed in by hand, or a bench rerun
// without README).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');
export const README = join(ROOT, 'README.md');

/** The markers around a bench's region of README. */
export function markers(name: string): { begin: string; end: string } {
  return { begin: `<!-- bench:${name}:begin -->`, end: `<!-- bench:${name}:end -->` };
}

/** A Markdown table; cells are Markdown. */
export interface Table {
  header: string[];
  rows: string[][];
}

/** Where and on what the figures were taken, one line under each table. */
export function measuredOn(command: string): string {
  const cpu = cpus();
  const date = new Date().toISOString().slice(0, 10);
  return `Measured by \`${command}\` on ${date}: Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${process.platform}.`;
}

/** The region's text as Prettier formats it (README is formatted with Prettier, so the two stay equal). */
export async function renderRegion(table: Table, caption: string): Promise<string> {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const markdown = [line(table.header), line(table.header.map(() => '---')), ...table.rows.map(line), '', caption, ''].join('\n');
  const { format, resolveConfig } = await import('prettier');
  return format(markdown, { ...(await resolveConfig(README)), parser: 'markdown' });
}

/** The text between a bench's markers in README, or undefined when README has no such region. */
export function readmeRegion(readme: string, name: string): string | undefined {
  const { begin, end } = markers(name);
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return readme
    .slice(from + begin.length, to)
    .replace(/^\n+/, '')
    .replace(/\n+$/, '\n');
}

/** Writes bench/results/<name>.md and the same text into README's region (which must exist). */
export async function publish(name: string, table: Table, caption: string): Promise<void> {
  const text = await renderRegion(table, caption);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.md`), text);
  const readme = readFileSync(README, 'utf8');
  const { begin, end } = markers(name);
  const from = readme.indexOf(begin);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) {
    console.log(`README.md has no ${begin} … ${end} region: wrote bench/results/${name}.md only`);
    return;
  }
  writeFileSync(README, `${readme.slice(0, from + begin.length)}\n\n${text}\n${readme.slice(to)}`);
  console.log(`wrote bench/results/${name}.md and README.md (${name})`);
}

/** Median of samples (the lower middle one for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * A copy of the built bundles (dist/*.js) in a temporary folder, for the benches to run: a rebuild of dist/
 * during a run (`npm run build` empties it first) cannot fail it or change what is measured. The bundles need
 * nothing from node_modules, so they run from anywhere.
 */
export function builtBundles(): string {
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'cli.js')) || !existsSync(join(dist, 'server.js'))) throw new Error('dist/ is not built: run npm run build');
  const dir = mkdtempSync(join(tmpdir(), 'etcd-bench-dist-'));
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) copyFileSync(join(dist, file), join(dir, file));
  return dir;
}
