"""Server-drawn SVG figures, no JavaScript: `svg` (shared primitives: scales, axes
text, escaping), `drift` (the drift line and sparkline), `path` (a chain's path
through the caption space) and `atlas` (the atlas map and overlays)."""
