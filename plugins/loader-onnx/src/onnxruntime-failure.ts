import { CorruptFileError, ModscopeError, type Network } from '@modscope/core';

/** How messages name the model a network runs as: its file, else the network's name. */
export function modelLabel(network: Network): string {
  return network.source?.path ?? `network '${network.name}'`;
}

/**
 * The first line of an onnxruntime error, without what only its developers read: the C++ source location and
 * function signature it often starts with (`/onnxruntime_src/.../model.cc:191 onnxruntime::Model::Model(...) `),
 * the `[ONNXRuntimeError] : 2 : INVALID_ARGUMENT :` prefix, and anything past 240 characters.
 */
export function onnxRuntimeMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  let line = (text.split('\n').find((l) => l.trim() !== '') ?? '').trim();
  line = line.replace(/^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/, '');
  const located = /^\S+\.(?:cc|cpp|cxx|c|h|hpp):\d+\s+/.exec(line);
  if (located) {
    line = line.slice(located[0].length);
    const open = line.indexOf('(');
    if (open > 0 && line.slice(0, open).includes('::')) {
      let depth = 0;
      let close = open;
      for (; close < line.length; close++) {
        if (line[close] === '(') depth++;
        else if (line[close] === ')' && --depth === 0) break;
      }
      if (close < line.length) line = line.slice(close + 1).replace(/^\s*const\b/, '');
    }
  }
  line = line.trim().replace(/[.\s]+$/, '');
  if (line.length > 240) line = `${line.slice(0, 239)}…`;
  return line || 'no message';
}

/**
 * Runs one onnxruntime call (creating a session, running one) and turns any failure of onnxruntime into one
 * `CorruptFileError` line naming the model, saying onnxruntime rejected it, and quoting onnxruntime's first
 * line. modscope's own errors pass through unchanged.
 */
export async function guardOnnxRuntime<T>(model: string, stage: 'load' | 'run', call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (ModscopeError.isInstance(cause)) throw cause;
    throw new CorruptFileError({
      path: model,
      format: 'ONNX',
      reason: `onnxruntime rejected the model${stage === 'run' ? ' while running it' : ''} (${onnxRuntimeMessage(cause)})`,
      hint: 'modscope found nothing wrong with it, but onnxruntime-node cannot run it: check it with onnx.checker.check_model and re-export it, or report it with the file if it runs in another onnxruntime.',
      cause,
    });
  }
}
