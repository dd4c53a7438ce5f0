import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../run-cli.js';

/** What the packing tests read of a workspace package's manifest. */
interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const workspaceDirs = ['packages', 'plugins', 'pipelines', 'apps'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name))
    .filter((dir) => existsSync(join(dir, 'package.json'))),
);

/** Every workspace package by name: its directory and manifest. */
export const manifests = new Map(
  workspaceDirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    return [manifest.name, { dir, manifest }] as const;
  }),
);

/** The wanted packages plus every workspace package they need at run time (dependencies, required peers). */
export function closure(names: string[]): string[] {
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const entry = manifests.get(name);
    if (!entry) throw new Error(`${name} is not a workspace package`);
    out.add(name);
    const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = entry.manifest;
    const needed = [...Object.keys(dependencies), ...Object.keys(peerDependencies).filter((p) => !peerDependenciesMeta[p]?.optional)];
    for (const dep of needed) if (manifests.has(dep)) visit(dep);
  };
  names.forEach(visit);
  return [...out].sort();
}

/** Runs a program to its end without blocking the event loop (long installs would stall the test runner's heartbeat). */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

/** npm as a user would run it: none of the `npm_*` settings of the `npm test` that runs this file. */
export async function npm(args: string[], cwd: string): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const r = await run('npm', args, { cwd, env });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed with status ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** `npm pack` of a package directory into `destination`: the tarball's path and the files it holds. */
export async function pack(dir: string, destination: string): Promise<{ tarball: string; paths: string[] }> {
  const [result] = JSON.parse(await npm(['pack', '--json', '--pack-destination', destination], dir)) as {
    filename: string;
    files: { path: string }[];
  }[];
  return { tarball: join(destination, result!.filename), paths: result!.files.map((f) => f.path) };
}
