import { projectTestConfig } from '../../vitest.shared';

export default projectTestConfig('cli', { testTimeoutMs: 60_000 });
