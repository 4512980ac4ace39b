/**
 * `err` restated for the sample it came from: the same class, code and fields (callers branch
 * on them: the CLI's exit code, a run's failure column), the sample's path in front of the
 * message, and `err` itself as the cause. A strict run that stopped on "the template holds 3
 * minutiae" did not say which of thousands of files held them.
 */
export function namingSample(path: string, err: unknown): Error {
  if (!(err instanceof Error)) return new Error(`${path}: ${String(err)}`, { cause: err });
  if (err.message.startsWith(`${path}:`)) return err;
  const message = `${path}: ${err.message}`;
  // A copy made from the prototype keeps the class whatever its constructor's parameters; the
  // own fields (code, reason, path, line) come along.
  const named = Object.assign(Object.create(Object.getPrototypeOf(err) as object) as Error, err);
  const hidden = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(named, 'message', hidden(message));
  Object.defineProperty(named, 'cause', hidden(err));
  const head = `${err.name}: ${err.message}`;
  const stack = err.stack?.startsWith(head) ? `${err.name}: ${message}${err.stack.slice(head.length)}` : err.stack;
  Object.defineProperty(named, 'stack', hidden(stack));
  return named;
}
