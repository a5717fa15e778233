"""The Celery application; configuration is read from Django settings (CELERY_*)."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telephone_site.settings")

app = Celery("telephone_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
