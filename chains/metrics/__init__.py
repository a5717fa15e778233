"""Pure maths on vectors and pictures, with no Django in them: `drift` (similarity
curves, projections, baselines), `atlas` (clustering the caption space into
attractors, the neighbour index) and `descriptors` (a picture's own colour and
texture vector). The services feed them rows and store what they return."""
