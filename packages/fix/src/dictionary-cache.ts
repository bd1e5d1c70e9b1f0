import type { FixDefinitions, GetJsFixLogger, ISessionMsgFactory, ISessionDescription } from 'jspurefix';
import { DefinitionFactory, SessionContainer } from './jspurefix.js';

/** Distinct dictionaries kept per process (each is 10-13 MB parsed). */
export const DICTIONARIES_CACHED_MAX = 4;

type DependencyContainer = ReturnType<InstanceType<typeof SessionContainer>['newChild']>;

const cache = new Map<string, Promise<FixDefinitions>>();

/**
 * A jspurefix `DefinitionFactory` that parses each dictionary once per process
 * (jspurefix parses it again for every launcher: about 0.2-0.3 s and 10-13 MB
 * each). Parsed definitions are read-only after parsing, so sessions share them.
 */
export class CachedDefinitionFactory extends DefinitionFactory {
  override async getDefinitions(path: string, getLogger?: GetJsFixLogger): Promise<FixDefinitions> {
    const hit = cache.get(path);
    if (hit !== undefined) return hit;
    if (cache.size >= DICTIONARIES_CACHED_MAX) cache.delete(cache.keys().next().value!);
    const loading = super.getDefinitions(path, getLogger);
    cache.set(path, loading);
    loading.catch(() => cache.delete(path));
    return loading;
  }
}

const sharedFactory = new CachedDefinitionFactory();

/** jspurefix's SessionContainer with the dictionary cache wired into every session container. */
export class CachingSessionContainer extends SessionContainer {
  constructor(msgFactoryProvider: ((description: ISessionDescription) => ISessionMsgFactory | null) | null) {
    super(msgFactoryProvider);
  }

  override newChild(description: ISessionDescription): DependencyContainer {
    const child = super.newChild(description);
    child.registerInstance(DefinitionFactory, sharedFactory);
    return child;
  }
}
