// The command line's stdout and stderr, written with fs.writeSync as a Go program such as etcdctl writes
// them. Node builds process.stdout and process.stderr on first access: node:stream is compiled and a
// SyncWriteStream, socket or tty stream is set up, 5–9 ms of a 50 ms `--help` (measured with --cpu-prof).
import { writeSync } from 'node:fs';

/** A CliIo stream: `write` returns at once, the text written or handed to Node's stream. */
export interface SyncWriter {
  write(chunk: string): void;
  /** Calls `done` once everything written has left the process. */
  flush(done: () => void): void;
}

/**
 * Writes to `fd` synchronously. When the descriptor would block (a non-blocking pipe that is full), the rest
 * of the output goes through Node's own stream (`fallback`), in order. When the reader has gone (`| head`),
 * later output is dropped: the command still finishes and exits with its status.
 */
export function syncWriter(fd: number, fallback: () => NodeJS.WritableStream, write: typeof writeSync = writeSync): SyncWriter {
  let stream: NodeJS.WritableStream | undefined;
  let closed = false;
  return {
    write(chunk) {
      if (closed) return;
      if (stream) {
        stream.write(chunk);
        return;
      }
      let rest = Buffer.from(chunk, 'utf8');
      while (rest.length > 0) {
        try {
          rest = rest.subarray(write(fd, rest));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') {
            closed = true;
          } else {
            stream = fallback();
            stream.write(rest);
          }
          return;
        }
      }
    },
    flush(done) {
      if (stream) stream.write('', done);
      else done();
    },
  };
}
