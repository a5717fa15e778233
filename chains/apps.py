from django.apps import AppConfig


class ChainsConfig(AppConfig):
    """The engine: chains, steps, providers and the generation loop."""

    name = "chains"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """The provider configuration is checked wherever Django runs its system checks."""
        from django.core import checks

        from .checks import providers_check

        checks.register(providers_check, "telephone")
