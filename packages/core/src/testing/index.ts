export { sharedDataset, sharedDatasetsRoot, type SharedDataset } from './shared-data';
export { seededNoiseImage } from './noise-image';
export { thrownBy } from './thrown-by';
export { temporaryFolders } from './temporary-folders';
export { extremeValues, randomBytes, seededMutants, truncations, withField, type Field, type Mutant, type MutantOptions, type MutationKind } from './byte-mutations';
export { editedJson, jsonEntries, type Json, type JsonPath } from './json-edits';
export { unsealedTemplate } from './unsealed-template';
