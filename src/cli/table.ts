// Plain-text tables in the style of etcdctl's `-w table` (tablewriter): +---+ borders, | cells |.

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const center = (text: string, width: number): string => {
    const left = Math.floor((width - text.length) / 2);
    return ' '.repeat(left) + text + ' '.repeat(width - text.length - left);
  };
  const row = (cells: string[], align: (t: string, w: number) => string): string =>
    `| ${cells.map((c, i) => align(c ?? '', widths[i])).join(' | ')} |`;
  return [line, row(header, center), line, ...rows.map((r) => row(r, (t, w) => t.padEnd(w))), line].join('\n') + '\n';
}

/** Makes untrusted text (member names, server errors) safe for a terminal: no control characters. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
