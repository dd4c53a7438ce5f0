// The public API of @modscope/results; filled in as its modules move here.
export {};
