"""Template context builders that pages share: `timeline` (a chain's steps),
`plots` (its drift and path figures) and `atlas` (the map and a step's figures).
They read through selectors and draw through `gallery.plots`; views only render."""
