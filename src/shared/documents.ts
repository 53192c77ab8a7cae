// Which documents are etcd configuration: shared by the language client (document selector), the server
// and the CLI (format detection).

/** Glob patterns of etcd YAML config files (kept in the `yaml` language). */
export const ETCD_YAML_GLOBS = ['**/etcd.conf.yml', '**/etcd.conf.yaml', '**/etcd.yaml', '**/etcd.yml', '**/*.etcd.yml', '**/*.etcd.yaml'];

/** The two configuration formats etcd reads. */
export type ConfigFormat = 'env' | 'yaml';

/** Decides a file's format from its name, falling back to its content. */
export function detectFormat(fileName: string, text: string): ConfigFormat {
  const base = fileName.replace(/\\/g, '/').split('/').pop() ?? fileName;
  if (/\.ya?ml$/i.test(base)) return 'yaml';
  if (/(^|\.)etcd\.(conf|env)$/i.test(base) || base === 'etcd' || /\.env$/i.test(base)) return 'env';
  // Content sniffing: an env file is lines of NAME=value; YAML config uses `key: value`.
  const significant = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^\s*[#;]/.test(l));
  const envLines = significant.filter((l) => /^\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l)).length;
  return envLines * 2 >= significant.length && significant.length > 0 ? 'env' : significant.length === 0 ? 'env' : 'yaml';
}
