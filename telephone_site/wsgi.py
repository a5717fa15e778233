"""WSGI entry point (gunicorn telephone_site.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephone_site.settings")
application = get_wsgi_application()
