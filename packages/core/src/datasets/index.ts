export type { DatasetSample, DatasetListing, ProtocolComparison, SkippedFile } from './samples';
export { readIdentityFolders, readSampleList, readPairsFile, pairsToComparisons, type SamplePair } from './generic';
export { readLfwPairs } from './lfw';
export { readFvcFolder, fvcProtocol } from './fvc';
export { readSvc2004Folder, svc2004Protocol, type Svc2004ProtocolOptions } from './svc2004';
export { readScoreMatrix, parseScoreMatrix, scoreMatrixToScoreSet, type ScoreMatrix } from './score-matrix';
export { parseDecimal } from './decimal';
export { readPadManifest, type PadPresentation } from './nuaa';
export * from './fetch/index';
