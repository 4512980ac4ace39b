export { sharedDataset, sharedDatasetsRoot, type SharedDataset } from './shared-data';
export { seededNoiseImage } from './noise-image';
export { thrownBy } from './thrown-by';
export { temporaryFolders } from './temporary-folders';
