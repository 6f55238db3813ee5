// The corpus module's public API: resolving category references, reading samples as sequences,
// and the built-in category sets (counting them is src/count/).
export * from './types.js';
export { resolveCategories, type ResolveOptions } from './resolve.js';
export { readSequences, type SampleSettings } from './read.js';
export {
  BUILTIN_SET_NAMES,
  type BuiltinSetName,
  type BuiltinCategory,
  type CategorySetInfo,
  isBuiltinSetName,
  listCategorySets,
  materializeSet,
} from './builtin/sets.js';
export { READABLE_EXTENSIONS, sourceFormatOf } from './formats.js';
