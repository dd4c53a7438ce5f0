// The public API of @modscope/training-run; filled in as its modules move here.
export {};
