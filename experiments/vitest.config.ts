import { projectTestConfig } from '../vitest.shared';

// Runs of whole protocols (SVC2004 through the signature modality) take 15-30 s on two busy cores.
export default projectTestConfig('experiments', { testTimeoutMs: 60_000 });
