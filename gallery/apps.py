from django.apps import AppConfig


class GalleryConfig(AppConfig):
    """The public site: gallery pages and chain timelines."""

    name = "gallery"
    default_auto_field = "django.db.models.BigAutoField"
