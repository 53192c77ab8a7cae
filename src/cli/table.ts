// Plain-text tables in the style of etcdctl's `-w table` (tablewriter): +---+ borders, | cells |.

/** Renders a table; every cell is made printable and may not contain the column separator. */
export function renderTable(header: string[], rows: string[][]): string {
  const safeRows = rows.map((r) => r.map(cellText));
  const widths = header.map((h, i) => Math.max(h.length, ...safeRows.map((r) => (r[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const center = (text: string, width: number): string => {
    const left = Math.floor((width - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(width - text.length - left);
  };
  const row = (cells: string[], align: (t: string, w: number) => string): string =>
    `| ${cells.map((c, i) => align(c ?? '', widths[i])).join(' | ')} |`;
  return [line, row(header, center), line, ...safeRows.map((r) => row(r, (t, w) => t.padEnd(w))), line].join('\n') + '\n';
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

/** A table cell: printable, and a `|` (which would forge a column) escaped as `\x7c`. */
export function cellText(text: string): string {
  return printable(text).replace(/\|/g, '\\x7c');
}
