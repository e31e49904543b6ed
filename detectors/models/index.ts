export {
  createModelStore,
  manifestSchema,
  ModelStoreError,
  type ModelManifest,
  type ModelStore,
  type NewModelVersion,
  type StoredModel,
} from './store.ts';
