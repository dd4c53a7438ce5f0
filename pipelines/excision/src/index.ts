// The public API of @modscope/excision; filled in as its modules move here.
export {};
