// Reads the commands back out of a generated markdown document, as an operator copying them would: the
// fenced code blocks (CommonMark: a block closes on a line of at least as many backticks as opened it), then
// each shell command with its `\` continuation lines joined. Shared by the unit and integration tiers.

/** The bodies of the fenced code blocks of a markdown document, in order. */
export function codeBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  let open: { fence: number; lines: string[] } | null = null;
  for (const line of markdown.split('\n')) {
    if (open) {
      const close = /^ {0,3}(`{3,})\s*$/.exec(line);
      if (close && close[1].length >= open.fence) {
        blocks.push(open.lines.join('\n'));
        open = null;
      } else open.lines.push(line);
      continue;
    }
    const start = /^ {0,3}(`{3,})[^`]*$/.exec(line);
    if (start) open = { fence: start[1].length, lines: [] };
  }
  if (open) throw new Error('a code block is never closed');
  return blocks;
}

/**
 * The shell commands of a code block: lines joined across `\` continuations, comment-only lines dropped.
 * A line break inside single quotes (a quoted value holding a newline) stays part of the command.
 */
export function shellCommands(block: string): string[] {
  const commands: string[] = [];
  let current = '';
  let state: 'plain' | 'single' | 'double' = 'plain';
  for (const line of block.split('\n')) {
    current = current ? `${current}\n${line}` : line;
    let continues = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (state === 'single') {
        if (c === "'") state = 'plain';
      } else if (c === '\\') {
        if (i === line.length - 1) continues = true;
        i++;
      } else if (state === 'double') {
        if (c === '"') state = 'plain';
      } else if (c === "'") state = 'single';
      else if (c === '"') state = 'double';
      else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) break;
    }
    if (state !== 'plain' || continues) continue;
    if (!/^\s*(#|$)/.test(current)) commands.push(current);
    current = '';
  }
  if (current) commands.push(current);
  return commands;
}

/** Every command of a document that starts with `prefix`. */
export function commandsStartingWith(markdown: string, prefix: string): string[] {
  return codeBlocks(markdown)
    .flatMap(shellCommands)
    .filter((c) => c.startsWith(prefix));
}
