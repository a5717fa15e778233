"""The site's two roles as groups: "moderator" and "researcher" (gallery/roles.py).

Permissions are normally created after migrations run; they are created here first so
the groups can be filled on a fresh database too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_PERMISSIONS = {
    "moderator": [
        "gallery.view_submission",
        "gallery.change_submission",
        "gallery.view_report",
        "gallery.change_report",
        "gallery.view_reportevent",
    ],
    "researcher": ["chains.view_experiment", "chains.add_experiment"],
}


def add_roles(apps, schema_editor):
    for label in ("gallery", "chains"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("gallery", "0001_initial"),
        ("chains", "0005_step_calls_and_prompt_cut"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(add_roles, remove_roles)]
