/** The few WebAssembly APIs used here (the project's TypeScript libs do not declare them). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** A compiled kernel: new instances (each with its own memory) of it, exports typed as `E`. */
export interface CompiledKernel<E> {
  /** A new instance; `imports` as WebAssembly takes them (`{ env: { memory } }` for a kernel that imports its memory). */
  instantiate(imports?: object): E;
}

/** Linear memory as the kernels export it. */
export interface KernelMemory {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  heapBase(): number;
}

/**
 * Compiles a kernel inlined as base64 (src/generated, from assembly/ by scripts/build-wasm.mjs); null
 * where the runtime has no WebAssembly or cannot compile it (no SIMD): callers then use JavaScript.
 */
export function compileKernel<E extends KernelMemory>(base64: string): CompiledKernel<E> | null {
  try {
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!api) return null;
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let p = 0; p < text.length; p++) bytes[p] = text.charCodeAt(p);
    const module = new api.Module(bytes);
    return { instantiate: (imports = {}) => new api.Instance(module, imports).exports as E };
  } catch {
    return null;
  }
}

/** Rounds a byte offset up to 16 (SIMD loads). */
export const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Grows a kernel's linear memory to hold at least `end` bytes (views of the old buffer are then stale). */
export function ensureMemory(kernel: KernelMemory, end: number): void {
  const have = kernel.memory.buffer.byteLength;
  if (end > have) kernel.memory.grow(Math.ceil((end - have) / 65536));
}
