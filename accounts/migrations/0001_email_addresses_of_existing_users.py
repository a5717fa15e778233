"""Give every account made before allauth an (unconfirmed) EmailAddress row.

allauth looks addresses up in its own table, in lower case: without these rows an
old account's address would look free (a second account could take it) and a
password reset could not find it. Unconfirmed, because the hand-written sign-up
never checked them: the owner confirms on the next log-in, before submitting.
"""

from django.conf import settings
from django.db import migrations


def add_email_addresses(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    taken = {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}
    for user in User.objects.exclude(email="").order_by("pk").iterator():
        email = user.email.strip().lower()
        if email in taken or EmailAddress.objects.filter(user=user).exists():
            continue
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        taken.add(email)


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(add_email_addresses, migrations.RunPython.noop)]
