export { sharedDataset, sharedDatasetsRoot, type SharedDataset } from './shared-data';
