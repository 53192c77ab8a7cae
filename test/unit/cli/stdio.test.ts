// The CLI's synchronous stdout/stderr writer: partial writes, a descriptor that would block, a reader gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { writeSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { syncWriter } from '../../../src/cli/stdio';

/** A writeSync stand-in: takes at most `max` bytes a call, then follows `script` (a number: bytes, a string: an error code). */
function fakeWrite(script: Array<number | string>, max = Infinity) {
  const written: Buffer[] = [];
  const write = ((fd: number, buffer: Buffer): number => {
    assert.equal(fd, 1);
    const step = script.shift();
    if (typeof step === 'string') throw Object.assign(new Error(step), { code: step });
    const n = Math.min(buffer.length, max, step ?? Infinity);
    written.push(Buffer.from(buffer.subarray(0, n)));
    return n;
  }) as unknown as typeof writeSync;
  return { write, text: () => Buffer.concat(written).toString('utf8') };
}

function collected(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

test('a partial write is continued until every byte is out, multi-byte characters included', () => {
  const fd = fakeWrite([], 3);
  const out = syncWriter(1, () => assert.fail('no fallback'), fd.write);
  out.write('été → ok\n');
  out.write('second\n');
  assert.equal(fd.text(), 'été → ok\nsecond\n');
  let flushed = false;
  out.flush(() => (flushed = true));
  assert.ok(flushed, 'nothing pending: flush calls back at once');
});

test('a descriptor that would block (EAGAIN): the rest and every later write go through the stream, in order', async () => {
  const fd = fakeWrite([4, 'EAGAIN']);
  const stream = new PassThrough();
  const text = collected(stream);
  let fallbacks = 0;
  const out = syncWriter(1, () => (fallbacks++, stream), fd.write);
  out.write('first line\n');
  out.write('second line\n');
  await new Promise<void>((resolve) => out.flush(resolve));
  assert.equal(fd.text(), 'firs');
  assert.equal(text(), 't line\nsecond line\n');
  assert.equal(fallbacks, 1);
});

test('the reader gone (EPIPE): later output is dropped without an error, the stream never built', () => {
  const fd = fakeWrite([5, 'EPIPE']);
  const out = syncWriter(1, () => assert.fail('no fallback after EPIPE'), fd.write);
  out.write('hello world\n');
  out.write('more\n');
  assert.equal(fd.text(), 'hello');
});
