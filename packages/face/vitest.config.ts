import { projectTestConfig } from '../../vitest.shared';

export default projectTestConfig('face', { testTimeoutMs: 120_000 });
