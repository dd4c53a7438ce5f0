// The layer rule of docs/architecture.md, checked on every import (npm test runs it after the build,
// so workspace imports resolve through node_modules to the packages' own folders).
//
//   core  ←  shared machinery  ←  plugins  ←  pipelines  ←  apps
//   packages/core   packages/*     plugins/*   pipelines/*   apps/*
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'nothing-imports-apps',
      comment: 'Apps compose the layers below them; nothing may import an app (tests and benches run its binary instead).',
      severity: 'error',
      from: { pathNot: '^apps/' },
      to: { path: '^apps/' },
    },
    {
      name: 'core-imports-nothing-of-ours',
      comment: '@modscope/core is the shared vocabulary: it depends on no other modscope package.',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^(packages/(?!core/)|plugins/|pipelines/|apps/)' },
    },
    {
      name: 'shared-imports-only-shared',
      comment: 'Shared machinery (packages/*) never imports a plugin, a pipeline or an app.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^(plugins|pipelines|apps)/' },
    },
    {
      name: 'plugins-import-only-below',
      comment: 'A plugin implements a core interface on top of core and shared machinery: it never imports a pipeline or an app.',
      severity: 'error',
      from: { path: '^plugins/' },
      to: { path: '^(pipelines|apps)/' },
    },
    {
      name: 'plugins-are-independent',
      comment: 'A plugin never imports another plugin: what two plugins share belongs in core or a shared package.',
      severity: 'error',
      from: { path: '^plugins/([^/]+)/' },
      to: { path: '^plugins/', pathNot: '^plugins/$1/' },
    },
    {
      name: 'no-circular',
      comment: 'Modules depend on each other in one direction only.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules', '/dist/'] },
    exclude: { path: ['\\.turbo/', '(^|/)fixtures/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
};
