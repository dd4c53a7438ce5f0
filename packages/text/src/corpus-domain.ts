import { basename, extname } from 'node:path';
import { InvalidArgumentError } from '@modscope/core';

/** One domain of a corpus: its name and its plain-text files, read in this order. */
export interface CorpusDomain {
  name: string;
  files: readonly string[];
}

/**
 * Parses `name=path[,path...]`, or a lone `path` whose domain is named after the file (`computers` for
 * `/usr/share/games/fortunes/computers`, `kjv` for `kjv.txt`). A path containing `=` needs the `name=` form.
 */
export function parseCorpusSpec(spec: string): CorpusDomain {
  const equals = spec.indexOf('=');
  if (equals < 0) {
    const name = basename(spec, extname(spec));
    if (!name) throw badSpec(spec, 'it names no file');
    return { name, files: [spec] };
  }
  const name = spec.slice(0, equals).trim();
  const files = spec.slice(equals + 1).split(',');
  if (!name) throw badSpec(spec, 'the domain name before = is empty');
  if (files.some((f) => f === '')) throw badSpec(spec, 'a file path after = is empty');
  return { name, files };
}

function badSpec(spec: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'corpus',
    message: `@modscope/text: cannot read the corpus domain '${spec}': ${why}.`,
    hint: 'Write a domain as name=path[,path...] (e.g. en=a.txt,b.txt) or as a single file path, named after the file.',
  });
}
