// Reads an env file the way systemd's EnvironmentFile= does (src/basic/env-file.c): `#`/`;` start a comment
// only at the beginning of a line, quotes are recognised only where a value starts, an unquoted value runs to
// the end of the line (an inline `# ...` is part of it), backslash escapes and continues lines, and trailing
// whitespace is chomped. Assignments whose key is not a valid variable name are dropped by systemd.
// systemd does not skip a UTF-8 byte-order mark (src/basic/env-file.c reads bytes): it becomes part of the
// first name, which is then invalid, so that assignment is ignored. The linter says so, with a fix.
import { flagByEnv } from '../catalogue';
import { lineRange, type Entry } from '../document';
import { reporter } from '../findings';
import { clip } from '../limits';
import type { LintDiagnostic, Range } from '../types';

/** The result of parsing from one line: the entry (if any) and how many lines it consumed. */
interface Chunk {
  entry?: Entry;
  syntax?: LintDiagnostic;
  lines: number;
  /** The assignment was still open (quote or backslash) at the end of the text: never cache it. */
  open?: boolean;
}

/** The findings of lines systemd ignores (the env-syntax rule hands them on). */
export const ENV_SYNTAX = reporter('env-syntax');

const WS = ' \t';
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BOM = 0xfeff;
// Runs of characters with no special meaning in an unquoted, single-quoted or double-quoted value.
const PLAIN_RUN = /[^\\# \t]+/y;
const SINGLE_RUN = /[^']+/y;
const DOUBLE_RUN = /[^"\\]+/y;

/** Per-line parse cache: a single-line assignment parses the same wherever it sits, so typing on one line
 * reparses only that line. Bounded so a long session cannot grow it without limit. */
export class EnvLineCache {
  /** Chunks by line text, with the line they were parsed at (moved on a hit elsewhere, kept as is on the same). */
  private map = new Map<string, { chunk: Chunk; at: number }>();
  private capacity = 50_000;
  /** The previous run's chunks by start line: an unchanged line at the same index is reused as is. */
  prevLines: readonly string[] = [];
  prevChunks: (Chunk | undefined)[] = [];
  get(text: string, line: number): Chunk | undefined {
    const hit = this.map.get(text);
    return hit && relocate(hit.chunk, line - hit.at);
  }
  /** Keeps room for a document of this many lines (see YamlChunkCache.fit). */
  fit(lines: number): void {
    this.capacity = Math.max(50_000, 2 * lines);
  }
  set(text: string, chunk: Chunk, line: number): void {
    if (this.map.size > this.capacity) this.map.clear();
    this.map.set(text, { chunk, at: line });
  }
}

/** Parses the env file into entries and parser findings. */
export function parseEnv(lines: readonly string[], cache?: EnvLineCache): { entries: Entry[]; syntax: LintDiagnostic[] } {
  const entries: Entry[] = [];
  const syntax: LintDiagnostic[] = [];
  const chunks: (Chunk | undefined)[] = cache ? new Array<Chunk | undefined>(lines.length) : [];
  cache?.fit(lines.length);
  let i = 0;
  while (i < lines.length) {
    const text = lines[i];
    const same = cache && cache.prevLines[i] === text ? cache.prevChunks[i] : undefined;
    let chunk = same && same.lines === 1 && !same.open ? same : cache?.get(text, i);
    if (!chunk) {
      chunk = parseFrom(lines, i);
      // Kept where it was parsed: a file opened once is not copied line by line into the cache.
      if (chunk.lines === 1 && !chunk.open && cache) cache.set(text, chunk, i);
    }
    if (chunk.entry) entries.push(chunk.entry);
    if (chunk.syntax) syntax.push(chunk.syntax);
    if (cache) chunks[i] = chunk;
    i += Math.max(1, chunk.lines);
  }
  if (cache) {
    cache.prevLines = lines;
    cache.prevChunks = chunks;
  }
  return { entries, syntax };
}

function relocate(chunk: Chunk, by: number): Chunk {
  if (by === 0) return chunk;
  const r = (x: Range): Range => ({
    start: { line: x.start.line + by, character: x.start.character },
    end: { line: x.end.line + by, character: x.end.character },
  });
  const e = chunk.entry;
  const entry: Entry | undefined = e && { ...e, keyRange: r(e.keyRange), valueRange: r(e.valueRange), range: r(e.range) };
  if (e?.inlineComment && entry) entry.inlineComment = r(e.inlineComment);
  let syntax: LintDiagnostic | undefined;
  if (chunk.syntax) {
    syntax = { ...chunk.syntax, range: r(chunk.syntax.range) };
    if (chunk.syntax.fixes)
      syntax.fixes = chunk.syntax.fixes.map((f) => ({ ...f, edits: f.edits.map((x) => ({ ...x, range: r(x.range) })) }));
  }
  // One literal (not properties added one by one, which costs each copy a second backing store).
  return { entry, syntax, lines: chunk.lines };
}

/** Runs systemd's state machine from the start of line `first` until the assignment ends. */
function parseFrom(lines: readonly string[], first: number): Chunk {
  let line = first;
  let col = 0;
  let text = lines[line];
  // Skip leading whitespace; a comment or blank line consumes only this line (a comment ending in a backslash
  // no longer continues since systemd v254).
  while (col < text.length && WS.includes(text[col])) col++;
  if (col >= text.length || text[col] === '#' || text[col] === ';') return { lines: 1 };
  const keyStart = col;
  const eq = text.indexOf('=', col);
  if (eq < 0) {
    return {
      lines: 1,
      syntax: ENV_SYNTAX.finding(
        'warning',
        'systemd ignores this line: an EnvironmentFile line must be NAME=value.',
        lineRange(line, keyStart, text.length),
      ),
    };
  }
  const rawKey = text.slice(keyStart, eq);
  const key = rawKey.replace(/[ \t]+$/, '');
  const keyRange = lineRange(line, keyStart, keyStart + key.length);
  col = eq + 1;

  type State = 'pre' | 'value' | 'single' | 'double';
  let state: State = 'pre';
  let value = '';
  let lastWs = -1; // index in value where trailing whitespace began (unquoted only)
  let quoted = false;
  let valueStart: { line: number; character: number } | undefined;
  let valueEnd = { line, character: col };
  let inlineComment: Range | undefined;
  let prevWs = true;
  let open = false;
  /** Moves to the start of the next line (a backslash-newline continuation); false at the end of the file. */
  const nextLine = (): boolean => {
    if (line + 1 >= lines.length) return false;
    line++;
    text = lines[line];
    col = 0;
    return true;
  };
  for (;;) {
    if (col >= text.length) {
      // End of a physical line: inside quotes the value continues; elsewhere the assignment ends.
      if ((state === 'single' || state === 'double') && line + 1 < lines.length) {
        value += '\n';
        line++;
        text = lines[line];
        col = 0;
        continue;
      }
      break;
    }
    const c = text[col];
    if (state === 'pre') {
      if (WS.includes(c)) {
        col++;
        continue;
      }
      valueStart ??= { line, character: col };
      if (c === "'" || c === '"') {
        state = c === "'" ? 'single' : 'double';
        quoted = true;
        col++;
        continue;
      }
      state = 'value';
    }
    if (state === 'value') {
      // A run of ordinary characters at once: one at a time, a 1 MB value cost a million string appends and
      // position objects.
      PLAIN_RUN.lastIndex = col;
      if (PLAIN_RUN.test(text)) {
        value += text.slice(col, PLAIN_RUN.lastIndex);
        col = PLAIN_RUN.lastIndex;
        lastWs = -1;
        prevWs = false;
        valueEnd = { line, character: col };
        continue;
      }
      if (c === '\\') {
        lastWs = -1;
        if (col + 1 >= text.length) {
          // Backslash-newline: the value continues on the next line.
          if (!nextLine()) {
            open = true;
            break;
          }
          continue;
        }
        value += text[col + 1];
        col += 2;
        valueEnd = { line, character: col };
        prevWs = false;
        continue;
      }
      if (c === '#' && prevWs && value !== '' && !inlineComment) {
        // The inline comment starts at the whitespace before '#'.
        let s = col;
        while (s > 0 && WS.includes(text[s - 1])) s--;
        inlineComment = { start: { line, character: s }, end: { line, character: text.replace(/[ \t]+$/, '').length } };
      }
      if (WS.includes(c)) {
        if (lastWs < 0) lastWs = value.length;
        prevWs = true;
      } else {
        lastWs = -1;
        prevWs = false;
        valueEnd = { line, character: col + 1 };
      }
      value += c;
      col++;
      continue;
    }
    if (state === 'single') {
      SINGLE_RUN.lastIndex = col;
      if (SINGLE_RUN.test(text)) {
        value += text.slice(col, SINGLE_RUN.lastIndex);
        col = SINGLE_RUN.lastIndex;
        valueEnd = { line, character: col };
        continue;
      }
      if (c === "'") state = 'pre';
      else value += c;
      col++;
      valueEnd = { line, character: col };
      continue;
    }
    // double quotes: backslash escapes only the shell's special characters
    DOUBLE_RUN.lastIndex = col;
    if (DOUBLE_RUN.test(text)) {
      value += text.slice(col, DOUBLE_RUN.lastIndex);
      col = DOUBLE_RUN.lastIndex;
      valueEnd = { line, character: col };
      continue;
    }
    if (c === '"') {
      state = 'pre';
      col++;
      valueEnd = { line, character: col };
      prevWs = true;
      continue;
    }
    if (c === '\\') {
      if (col + 1 >= text.length) {
        if (!nextLine()) {
          open = true;
          break;
        }
        continue;
      }
      const n = text[col + 1];
      value += '"\\`$'.includes(n) ? n : '\\' + n;
      col += 2;
      continue;
    }
    value += c;
    col++;
    valueEnd = { line, character: col };
  }
  if (state === 'single' || state === 'double') open = true;
  if (state === 'value' && lastWs >= 0) value = value.slice(0, lastWs);
  const start = valueStart ?? { line: keyRange.start.line, character: eq + 1 };
  const consumed = line - first + 1;
  const range: Range = { start: keyRange.start, end: { line, character: lines[line].length } };
  if (!VALID_NAME.test(key)) {
    if (key.charCodeAt(0) === BOM && VALID_NAME.test(key.slice(1)))
      return { lines: consumed, open, syntax: bomFinding(key.slice(1), keyRange) };
    const exported = /^export\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(key);
    return {
      lines: consumed,
      open,
      syntax: ENV_SYNTAX.finding(
        'warning',
        exported
          ? `systemd ignores this line: "export" is shell syntax, so the variable name "${clip(key)}" is invalid and ${clip(exported[1])} stays unset.`
          : `systemd ignores this line: "${clip(key)}" is not a valid environment variable name.`,
        keyRange,
        exported
          ? [
              {
                title: `Remove "export" so systemd sets ${clip(exported[1])}`,
                safe: true,
                edits: [{ range: lineRange(keyRange.start.line, keyStart, keyStart + key.length - exported[1].length), newText: '' }],
              },
            ]
          : undefined,
      ),
    };
  }
  const entry: Entry = {
    key,
    spec: flagByEnv(key),
    value,
    type: 'string',
    quoted,
    keyRange,
    valueRange: { start, end: valueStart ? valueEnd : start },
    range,
  };
  if (inlineComment) entry.inlineComment = inlineComment;
  return { entry, lines: consumed, open };
}

/** The name is valid but for an invisible byte-order mark in front of it (an editor saved "UTF-8 with BOM"). */
function bomFinding(name: string, keyRange: Range): LintDiagnostic {
  const { line, character } = keyRange.start;
  return ENV_SYNTAX.finding(
    'warning',
    `systemd ignores this line: an invisible UTF-8 byte-order mark (U+FEFF) stands before ${clip(name)}, so systemd reads ` +
      `it as part of the name and ${clip(name)} stays unset. Save the file as UTF-8 without a BOM.`,
    keyRange,
    [{ title: 'Remove the byte-order mark', safe: true, edits: [{ range: lineRange(line, character, character + 1), newText: '' }] }],
  );
}
