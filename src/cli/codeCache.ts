// V8's code cache for the CLI's command bundles (dist/cli-*.js), kept between runs.
//
// A fresh `lint` spends about 15 ms compiling the functions it runs and `status` about as much: V8 compiles
// each function the first time it is called. The cache is V8's own serialised bytecode, made *after* the
// command ran (vm.Script#createCachedData), so it holds every function that run compiled. (Node's own
// module.enableCompileCache, 22.1+, keeps what is compiled when a module loads: bench:startup saw no gain
// from it.) Measured here: lint of a 30-line file 94 → 78 ms, status of a 5-member cluster 247 → 231 ms.
// An entry is named by the bundle's stat and the Node that made it; V8 also checks its own version and
// flags and rejects what does not match. A rejected or missing entry is written again after the run.
// Off with NODE_DISABLE_COMPILE_CACHE, as Node's own.
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** The per-user folder of the cache: $XDG_CACHE_HOME (or ~/.cache)/etcd-inspector/code-cache, %LOCALAPPDATA% on Windows. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    process.platform === 'win32'
      ? (env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'))
      : env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'etcd-inspector', 'code-cache');
}

/**
 * Whether `dir` may be read from: an absolute path of a directory of this user's that no one else can write.
 * Code-cache data is executed as bytecode: a folder another user can write to must not provide it.
 */
export function privateDir(dir: string): boolean {
  // A relative path (no home directory, a relative $XDG_CACHE_HOME, which the XDG spec says to ignore)
  // would put the cache wherever the command runs.
  if (!isAbsolute(dir)) return false;
  try {
    const st = lstatSync(dir);
    if (!st.isDirectory()) return false;
    if (process.platform === 'win32') return true;
    return st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/** A bundle compiled through the cache, and whether its entry should be written after the run. */
interface Compiled {
  script: Script;
  entry: string;
  stale: boolean;
}

type Loader = (module: Module, filename: string) => void;

/**
 * Compiles the bundles of `bundleDir` named cli-*.js through the cache in `cacheDir()` from now on (every
 * other file as Node does). `save` writes the entries of bundles that had none (or a rejected one): call
 * it once the command has run. The cache never fails a command: without it the bundles load as before.
 */
export function useCodeCache(bundleDir: string, cacheDir: () => string): { save(): void } {
  const compiled: Compiled[] = [];
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const nodeLoader = extensions['.js'];
  // Checked when the first bundle loads: `--help` loads none and pays nothing.
  let readable: boolean | undefined;
  extensions['.js'] = function load(module, filename) {
    if (dirname(filename) !== bundleDir || !/^cli-[\w-]+\.js$/.test(basename(filename))) return nodeLoader(module, filename);
    const source = readFileSync(filename, 'utf8');
    let entry: string | undefined;
    let cachedData: Buffer | undefined;
    try {
      const dir = cacheDir();
      // Named per Node (one user may run several, nvm): a run replaces the entries of its own Node only.
      entry = join(dir, `${basename(filename, '.js')}-node${process.versions.node}-${process.arch}-${entryKey(filename)}.v8`);
      readable ??= privateDir(dir);
      if (readable) cachedData = readFileSync(entry);
    } catch {
      // No entry yet, or no home directory to keep one in.
      cachedData = undefined;
    }
    // Module.wrap gives the function Node itself would compile (the bundles carry no shebang line).
    const script = new Script(Module.wrap(source), { filename, cachedData });
    if (entry) compiled.push({ script, entry, stale: cachedData === undefined || script.cachedDataRejected === true });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
    const require = Module.createRequire(filename);
    wrapper.call(module.exports, module.exports, require, module, filename, dirname(filename));
    module.loaded = true;
  };
  return {
    save() {
      const stale = compiled.filter((c) => c.stale);
      if (stale.length === 0) return;
      try {
        const dir = cacheDir();
        if (!isAbsolute(dir)) return;
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        if (!privateDir(dir)) return;
        for (const c of stale) {
          const prefix = `${basename(c.entry).replace(/-[0-9a-f]+\.v8$/, '')}-`;
          for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old.endsWith('.v8')) rmSync(join(dir, old), { force: true });
          const tmp = `${c.entry}.${process.pid}.tmp`;
          writeFileSync(tmp, c.script.createCachedData(), { mode: 0o600 });
          renameSync(tmp, c.entry);
        }
      } catch {
        // A read-only home, a full disk: the next run compiles as this one did.
      }
    },
  };
}

/**
 * The entry's key: the bundle's path, size, modification time and inode. Not a hash
 * of the text: node:crypto costs 5 ms to load, and V8 itself checks only the source's length. A build
 * rewrites the file (a new time); whoever can change dist/ without that can change the code itself.
 */
function entryKey(filename: string): string {
  const st = statSync(filename);
  const key = [filename, st.size, st.mtimeMs, st.ino].join('\0');
  // FNV-1a, 32 bits twice (two offsets): a short, stable file name, no cryptographic claim.
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < key.length; i++) {
    a = Math.imul(a ^ key.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ key.charCodeAt(i), 0x01000193) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
