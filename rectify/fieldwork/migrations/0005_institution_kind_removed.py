# The directory's single kind gives way to the two flags filled in 0004.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fieldwork', '0004_institution_roles'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='testinginstitution',
            options={'ordering': ['jurisdiction', 'name'], 'verbose_name': '检验检测认证机构',
                     'verbose_name_plural': '检验检测认证机构名录'},
        ),
        # A default first, so that going back can add the column to existing rows (0004 then
        # sets each row's kind from its flags).
        migrations.AlterField(
            model_name='testinginstitution',
            name='kind',
            field=models.CharField(choices=[('testing', '检验检测机构'), ('certification', '认证机构')], default='testing',
                                   max_length=20, verbose_name='机构类型'),
        ),
        migrations.RemoveField(
            model_name='testinginstitution',
            name='kind',
        ),
        migrations.AddConstraint(
            model_name='testinginstitution',
            constraint=models.CheckConstraint(
                condition=models.Q(('is_testing_lab', True), ('is_certification_body', True), _connector='OR'),
                name='institution_has_a_role', violation_error_message='请至少勾选一项：检验检测机构或认证机构。'),
        ),
        migrations.AddConstraint(
            model_name='testinginstitution',
            constraint=models.UniqueConstraint(
                condition=models.Q(('accreditation_number', ''), _negated=True), fields=('accreditation_number',),
                name='institution_accreditation_unique',
                violation_error_message='该资质认定/批准编号已登记在名录中的另一机构名下。'),
        ),
    ]
