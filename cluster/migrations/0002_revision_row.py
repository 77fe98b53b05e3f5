from django.db import migrations


def create_revision_row(apps, schema_editor):
    Revision = apps.get_model("cluster", "Revision")
    Revision.objects.get_or_create(id=1, defaults={"value": 0})


class Migration(migrations.Migration):
    dependencies = [("cluster", "0001_initial")]
    operations = [migrations.RunPython(create_revision_row, migrations.RunPython.noop)]
