import { selectBackend, type BackendSelection } from '@modscope/tfjs-runtime';

/** Tests run on wasm (the backend users get without tfjs-node), or on cpu where wasm fails. */
export async function useTestBackend(): Promise<BackendSelection> {
  try {
    return await selectBackend({ backend: 'wasm' });
  } catch {
    return selectBackend({ backend: 'cpu' });
  }
}
