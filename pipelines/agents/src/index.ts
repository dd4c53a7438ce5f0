// The public API of @modscope/agents: each export below is added with the module that defines it.
