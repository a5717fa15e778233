"""Reads of the chains app, one module per area: `chains` (chains, steps, the loop's
next work, cards), `atlas` (the atlas map, attractors, search, similar steps) and
`research` (comparisons, experiments, the research export). Services write; these
only read. Import from the module that owns the read."""
