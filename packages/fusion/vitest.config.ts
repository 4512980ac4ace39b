import { projectTestConfig } from '../../vitest.shared';

export default projectTestConfig('fusion', { testTimeoutMs: 120_000 });
