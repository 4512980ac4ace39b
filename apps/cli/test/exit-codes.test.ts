import { describe, expect, it } from 'vitest';
import { ConfigError, DatasetError } from '@biofuse/core';
import { EXIT, exitCodeFor, systemFailure, UsageError } from '../src/exit-codes';

describe('exit codes', () => {
  it('map usage, data and internal errors, and give a failure of the machine one line as a data error', () => {
    expect(exitCodeFor(new UsageError('x'))).toBe(EXIT.usage);
    expect(exitCodeFor(new ConfigError('x'))).toBe(EXIT.usage);
    expect(exitCodeFor(new DatasetError('x', '/a'))).toBe(EXIT.data);
    expect(exitCodeFor(new TypeError('x'))).toBe(EXIT.internal);
    // A debug image or results file written to a full disk was an "internal error" with a stack trace.
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/out/01-input.png' });
    expect(exitCodeFor(full)).toBe(EXIT.data);
    expect(systemFailure(full)).toBe('/out/01-input.png: write failed (ENOSPC)');
    // A bug that happens to carry a code is still a bug.
    expect(exitCodeFor(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(EXIT.internal);
    expect(systemFailure('ENOSPC')).toBeUndefined();
  });
});
