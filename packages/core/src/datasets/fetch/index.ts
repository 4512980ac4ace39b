export { DATASET_CATALOG, catalogEntry, type CatalogEntry, type RemoteFile } from './catalog';
export { fetchDataset, type FetchOptions, type FetchReport, type FetchedFile, type Verification } from './fetch-dataset';
