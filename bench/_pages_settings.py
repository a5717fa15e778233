"""Settings for the public-pages benchmark: the site's own settings, one URLconf changed.

The benchmark needs a trivial view on the very same server (same middleware, same
workers) to compare the gallery against, and the project has none. Swapping
ROOT_URLCONF here adds one without touching app code; everything else (database,
Redis cache, DEBUG, media, whitenoise) still comes from the environment exactly as
in production.
"""

from telephone_site.settings import *  # noqa: F401,F403 - a settings module extends the project's, whole

ROOT_URLCONF = "bench._pages_urls"
