from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The site's side of django-allauth: adapter, profile page, Retry-After on refusals.

    No models: Django's User and allauth's EmailAddress are enough.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The admin's own log-in form knows nothing of allauth's rate limits or
        # e-mail verification; send it through allauth's log-in instead, or
        # guessing would simply move to /admin/login/.
        from allauth.account.decorators import secure_admin_login
        from django.contrib import admin

        admin.site.login = secure_admin_login(admin.site.login)
