# Written by hand (issue 16): only the validators of the two attachment fields change; no SQL.

import django.core.validators
from django.db import migrations, models

import rectify.core.security.validators
import rectify.enforcement.models.common


class Migration(migrations.Migration):

    dependencies = [
        ('enforcement', '0005_list_ordering_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='complaint',
            name='attachment',
            field=models.FileField(blank=True, upload_to='complaints/%Y/%m/', validators=[django.core.validators.FileExtensionValidator(['pdf', 'jpg', 'jpeg', 'png', 'doc', 'docx', 'xlsx']), rectify.enforcement.models.common.validate_file_size, rectify.core.security.validators.validate_file_content], verbose_name='附件'),
        ),
        migrations.AlterField(
            model_name='problem',
            name='evidence',
            field=models.FileField(blank=True, upload_to='problems/%Y/%m/', validators=[django.core.validators.FileExtensionValidator(['pdf', 'jpg', 'jpeg', 'png', 'doc', 'docx', 'xlsx']), rectify.enforcement.models.common.validate_file_size, rectify.core.security.validators.validate_file_content], verbose_name='整改佐证材料'),
        ),
    ]
