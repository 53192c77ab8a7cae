// Small text helpers for messages shown to users, shared by the linter, the inspection core, the CLI and the
// language server (all pure).

/** How many characters of a value a message quotes at most. */
export const MAX_QUOTED_CHARS = 200;

/**
 * A value as a message quotes it: the whole value when it is short, else its first `max` characters, an
 * ellipsis and its length. Values come from files and clusters and may be megabytes long; quoting them whole
 * made the linter's work grow with the square of a value (each item of a list quoted the whole list).
 */
export function clip(value: string, max = MAX_QUOTED_CHARS): string {
  if (value.length <= max) return value;
  // Never cut a surrogate pair in half: a lone surrogate is not valid UTF-8 in the CLI's output.
  const end = /[\ud800-\udbff]/.test(value[max - 1]) ? max - 1 : max;
  return `${value.slice(0, end)}…(${value.length} characters)`;
}

/** A byte count in binary units for limits and file sizes ("2 MiB", "2.5 MiB", "512 KiB"); etcdctl-style
 * decimal sizes are etcd/format.ts's formatBytes. */
export function formatBinaryBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}
