import { projectTestConfig } from '../../vitest.shared';

export default projectTestConfig('fingerprint', { testTimeoutMs: 120_000 });
