import * as tf from '@tensorflow/tfjs';

/** What the wasm backend offers JavaScript kernels: outputs allocated on its heap, and views of tensors there. */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

function heapBackend(): HeapBackend | null {
  if (tf.getBackend() !== 'wasm') return null;
  const backend = tf.backend() as unknown as Partial<HeapBackend>;
  return typeof backend.makeOutput === 'function' && typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : null;
}

/**
 * Runs a kernel written over float32 arrays on tensors: it reads `inputs` and writes outputs of
 * `outputShapes`, which come back as tensors. On the wasm backend the arrays are views of its heap, so
 * nothing is copied or allocated outside it (fresh megabyte-sized JavaScript buffers each step cost more
 * than the arithmetic, in garbage collection); elsewhere they are copies. The kernel must not keep them.
 */
export function runFloat32Kernel(
  inputs: readonly tf.Tensor[],
  outputShapes: readonly number[][],
  kernel: (inputs: Float32Array[], outputs: Float32Array[]) => void,
): tf.Tensor[] {
  const heap = heapBackend();
  if (heap) {
    // allocate first: growing the heap detaches views taken before
    const infos = outputShapes.map((shape) => heap.makeOutput([...shape], 'float32'));
    kernel(
      inputs.map((t) => heap.typedArrayFromHeap(t)),
      infos.map((info) => heap.typedArrayFromHeap(info)),
    );
    return infos.map((info) => tf.engine().makeTensorFromTensorInfo(info));
  }
  const outputs = outputShapes.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  kernel(
    inputs.map((t) => t.dataSync() as Float32Array),
    outputs,
  );
  return outputs.map((values, i) => tf.tensor(values, [...outputShapes[i]!]));
}

/** A float32 tensor holding a copy of `values` (on the wasm backend written straight into its heap). */
export function uploadFloat32(values: Float32Array, shape: readonly number[]): tf.Tensor {
  const [out] = runFloat32Kernel([], [[...shape]], (_, [a]) => a!.set(values));
  return out!;
}
