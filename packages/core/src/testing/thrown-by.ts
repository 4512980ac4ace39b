/**
 * The error a call throws, for tests that assert on its fields (reason, line, pairs) and not
 * only its message; a call that throws nothing fails the test.
 */
export function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`expected an Error, got ${String(err)}`);
  }
  throw new Error('expected an error, got none');
}
