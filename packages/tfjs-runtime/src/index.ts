// The public API of @modscope/tfjs-runtime; filled in as its modules move here.
export {};
