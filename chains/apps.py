from django.apps import AppConfig


class ChainsConfig(AppConfig):
    """The engine: chains, steps, providers and the generation loop."""

    name = "chains"
    default_auto_field = "django.db.models.BigAutoField"
