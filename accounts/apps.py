from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up, log-in throttling and the profile page, on top of django.contrib.auth.

    No models: Django's User is enough, and throttle counters live in the cache.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The admin has its own log-in page; it must share the throttle, or guessing
        # would simply move there.
        from django.contrib import admin

        from .forms import AdminLoginForm

        admin.site.login_form = AdminLoginForm
