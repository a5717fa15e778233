"""The chains app's admin. Django's autodiscovery imports this package; importing each
module registers its models: `chain` (curation of chains and steps, with `usage` for
each provider call's usage and cost), `analysis` (the drift and atlas tables). `pages`
holds the intermediate action pages, shared with the gallery admin."""

from . import analysis, chain, ledger  # noqa: F401  (registers the models with the admin site)
