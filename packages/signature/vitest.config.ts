import { projectTestConfig } from '../../vitest.shared';

export default projectTestConfig('signature', { testTimeoutMs: 120_000 });
