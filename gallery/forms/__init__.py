"""The gallery's forms: `gallery` (the gallery's filters, index parsing), `people`
(submissions, reports, branches, moderation) and `atlas` (atlas, search, compare,
experiments)."""
