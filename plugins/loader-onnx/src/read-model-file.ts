import { readFile } from 'node:fs/promises';
import { CorruptFileError, MissingFileError } from '@modscope/core';

/** Reads a model file, turning "not found" into `MissingFileError` and "is a directory" into `CorruptFileError`. */
export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new MissingFileError({ path, what: 'ONNX model', hint: 'Check the path; ONNX models are single .onnx files.' });
    }
    if (code === 'EISDIR')
      throw new CorruptFileError({ path, format: 'ONNX', reason: 'it is a directory', hint: 'Pass the .onnx file inside it.' });
    throw error;
  }
}
