"""The gallery's views, one module per area of the site: `pages` (home, gallery, a
chain, a step), `people` (submit, star, report, branch, moderation), `atlas`,
`research` (compare, experiments, the CSV), `collections`, `exports` (JSON, ZIP,
animations) and `media` (private files). `_common` and `_caching` are the helpers
they share. `gallery/urls.py` routes to them."""
