import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type TargetLookup = MetadataStorage['getTargetValidationMetadatas'];

/** The storage whose target lookups are already cached (class-validator's one global storage). */
const cached = new WeakSet<MetadataStorage>();

/**
 * Caches class-validator's rules per validated class. class-validator resolves a class's rules on every
 * object it validates (the request body and each nested DTO in it) by scanning every registered class
 * for its ancestors, with no cache (typestack/class-validator#2686): an inspection with two items paid
 * three scans of all the app's DTO classes. A class's own and inherited rules are registered when the
 * classes are defined, before any of them can be validated, so a lookup's answer never changes; the
 * cache is dropped anyway whenever a rule is registered later, so it can never hide one. Idempotent.
 */
export function cacheValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (cached.has(storage)) return;
  cached.add(storage);
  const lookUp: TargetLookup = storage.getTargetValidationMetadatas.bind(storage);
  const register = storage.addValidationMetadata.bind(storage);
  let answers = new WeakMap<object, Map<string, ReturnType<TargetLookup>>>();
  storage.addValidationMetadata = (metadata) => {
    answers = new WeakMap();
    register(metadata);
  };
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let byOptions = answers.get(target);
    if (!byOptions) answers.set(target, (byOptions = new Map<string, ReturnType<TargetLookup>>()));
    let rules = byOptions.get(key);
    if (!rules) byOptions.set(key, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  };
}
