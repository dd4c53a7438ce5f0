// The queue worker of bench/queue-scaleout.mjs: one process taking the bench's own pieces from a queue.
//   node bench/queue-bench-worker.mjs redis://127.0.0.1:PORT NAME [concurrency]
// Kinds: 'bench/echo' returns seed + payload at once (what a piece costs with no work in it); 'bench/blob'
// fetches the side storage's bytes named by the payload (context.blob: fetched and checked once, then kept)
// and returns their length and byte sum. Prints 'ready' once taking pieces; stops gracefully on SIGTERM,
// SIGINT, or when its standard input closes (the bench that started it has gone).
import { runWorker } from '@modscope/queue';

const [url, name, concurrency = '1'] = process.argv.slice(2);
if (!url || !name) {
  process.stderr.write('usage: node bench/queue-bench-worker.mjs redis://HOST:PORT NAME [concurrency]\n');
  process.exit(2);
}

/** The byte sum of what a piece fetched: the same work the worker-thread side does on its copy. */
function byteSum(bytes) {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum = (sum + bytes[i]) >>> 0;
  return sum;
}

const controller = new AbortController();
const stop = () => controller.abort();
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();

await runWorker({
  url,
  name,
  concurrency: Number(concurrency),
  signal: controller.signal,
  handlers: {
    'bench/echo': async (piece) => piece.seed + piece.payload,
    'bench/blob': async (piece, context) => {
      const bytes = await context.blob(piece.payload);
      return { bytes: bytes.length, sum: byteSum(bytes) };
    },
  },
  onReady: () => process.stdout.write('ready\n'),
});
process.exit(0);
