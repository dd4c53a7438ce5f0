// What a queued piece is, and what its handler gets: shared by the executor, the worker and its threads.

/** One seeded, independent piece of an analysis, JSON-serializable: what to run (`kind`), with what, and its seed. */
export interface Piece {
  kind: string;
  payload: unknown;
  seed: number;
}

export interface JobData extends Piece {
  index: number;
  /** The submitter's `version`, where it gave one. */
  version?: string;
}

/** What a handler gets besides its piece: the side storage the submitter filled with `put`. */
export interface PieceContext {
  /** The bytes stored under a content hash; checked against the hash, fetched once per worker. */
  blob(hash: string): Promise<Uint8Array>;
}

/** Runs one piece of its kind and returns a JSON-serializable result. */
export type PieceHandler = (piece: Piece, context: PieceContext) => Promise<unknown>;
