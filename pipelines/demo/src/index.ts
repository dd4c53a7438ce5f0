// The public API of @modscope/demo; filled in as its modules move here.
export {};
