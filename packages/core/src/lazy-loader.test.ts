import { describe, expect, it } from 'vitest';
import type { LoadedModel, ModelLoader } from './interfaces/loader.js';
import { createLazyLoader } from './lazy-loader.js';
import { createLoaderRegistry } from './loader-registry.js';

function fakeLoader(name: string, extension: string): ModelLoader {
  return {
    specificationVersion: 'v1',
    name,
    canLoad: (path) => path.endsWith(extension),
    load: async (path) => ({ format: name, network: { name: path } }) as unknown as LoadedModel,
  };
}

describe('createLazyLoader', () => {
  it('imports nothing until asked, then once', async () => {
    let imports = 0;
    const lazy = createLazyLoader('fake', async () => {
      imports++;
      return fakeLoader('fake', '.fake');
    });
    expect(lazy.name).toBe('fake');
    expect(imports).toBe(0);
    expect(await lazy.canLoad('a.fake')).toBe(true);
    expect(await lazy.canLoad('a.other')).toBe(false);
    expect((await lazy.load('a.fake')).format).toBe('fake');
    expect(imports).toBe(1);
  });

  it('lets a registry import only the loaders a path reaches', async () => {
    const imported: string[] = [];
    const lazy = (name: string, extension: string) =>
      createLazyLoader(name, async () => {
        imported.push(name);
        return fakeLoader(name, extension);
      });
    const registry = createLoaderRegistry([lazy('first', '.a'), lazy('second', '.b')]);
    expect((await registry.load('model.a')).format).toBe('first');
    expect(imported).toEqual(['first']);
    await expect(registry.load('model.c')).rejects.toThrow('(tried: first, second)');
    expect(imported).toEqual(['first', 'second']);
  });

  it('tries the import again after it failed', async () => {
    let attempts = 0;
    const lazy = createLazyLoader('flaky', async () => {
      attempts++;
      if (attempts === 1) throw new Error('not installed');
      return fakeLoader('flaky', '.f');
    });
    await expect(lazy.canLoad('x.f')).rejects.toThrow('not installed');
    expect(await lazy.canLoad('x.f')).toBe(true);
    expect(attempts).toBe(2);
  });
});
