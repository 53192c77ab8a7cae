// Polling for tests: leadership, health and membership settle a little after a change.

/** Calls `fn` until `ok` holds of its value or `timeoutMs` passes; returns the last value either way. */
export async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await fn();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, everyMs));
    value = await fn();
  }
  return value;
}

/** Calls `fn` until it stops throwing or `timeoutMs` passes; then returns its value or throws its last error. */
export async function settles<T>(fn: () => Promise<T>, timeoutMs = 20000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
