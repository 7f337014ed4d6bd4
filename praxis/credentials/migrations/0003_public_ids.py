"""Programmes and issuer keys get an unguessable public id (their public addresses use it
instead of a sequential key or a community's slug). Existing rows each get their own."""

import secrets

from django.db import migrations, models

import praxis.credentials.models


def fill(apps, schema_editor):
    for name in ("Programme", "IssuerKey"):
        model = apps.get_model("credentials", name)
        for row in model.objects.only("pk"):
            row.public_id = secrets.token_urlsafe(16)
            row.save(update_fields=["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ('credentials', '0002_certificate_programme_restrict'),
    ]

    operations = [
        migrations.AddField(
            model_name='programme',
            name='public_id',
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.AddField(
            model_name='issuerkey',
            name='public_id',
            field=models.CharField(max_length=32, null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='programme',
            name='public_id',
            field=models.CharField(default=praxis.credentials.models.new_public_id,
                                   editable=False, max_length=32, unique=True),
        ),
        migrations.AlterField(
            model_name='issuerkey',
            name='public_id',
            field=models.CharField(default=praxis.credentials.models.new_public_id,
                                   editable=False, max_length=32, unique=True),
        ),
    ]
