// Small text helpers for messages shown to users, shared by the linter, the inspection core, the CLI and the
// language server (all pure): quoting values (clip), untrusted text for a terminal (printable), binary sizes.

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

// C0 and C1 controls and DEL drive terminals (ESC sequences, BEL, CR/LF that forge lines); the Unicode
// bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) reorder what follows them
// on screen (a name with U+202E reads backwards); U+2028/U+2029 break lines in some terminals and editors;
// zero-width characters and the BOM hide text. All of them are shown as escapes.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Makes untrusted text (member names, server errors, file names, configuration values) safe for a terminal:
 * every control, bidirectional-override and invisible character becomes a visible escape (`\x1b`, `\u202e`).
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A byte count in binary units for limits and file sizes ("2 MiB", "2.5 MiB", "512 KiB"); etcdctl-style
 * decimal sizes are etcd/format.ts's formatBytes. */
export function formatBinaryBytes(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(bytes % MiB === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}

/**
 * Orders two strings by code point: the same order on every machine, and no ICU collator to build (the first
 * `localeCompare` of a process costs about 15 ms, a tenth of a whole `etcd-inspector status`).
 */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
