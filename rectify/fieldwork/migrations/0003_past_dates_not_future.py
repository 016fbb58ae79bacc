# Dates of what has already happened cannot lie in the future (core.security.validators.validate_not_future).

import rectify.core.security.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fieldwork', '0002_list_ordering_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='disposal',
            name='case_opened_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='立案日期'),
        ),
        migrations.AlterField(
            model_name='disposal',
            name='cause_analysis_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='收到原因分析日期'),
        ),
        migrations.AlterField(
            model_name='disposal',
            name='exposed_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='曝光日期'),
        ),
        migrations.AlterField(
            model_name='disposal',
            name='flow_traced_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='流向排查完成日期'),
        ),
        migrations.AlterField(
            model_name='disposal',
            name='recall_completed_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='召回完成日期'),
        ),
        migrations.AlterField(
            model_name='disposal',
            name='recall_ordered_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='责令召回日期'),
        ),
        migrations.AlterField(
            model_name='exportcheck',
            name='checked_on',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='查验日期'),
        ),
        migrations.AlterField(
            model_name='inspection',
            name='date',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='排查日期'),
        ),
        migrations.AlterField(
            model_name='ledgerentry',
            name='traded_on',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='交易日期'),
        ),
        migrations.AlterField(
            model_name='measure',
            name='date',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='日期'),
        ),
        migrations.AlterField(
            model_name='recall',
            name='recalled_on',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='召回日期'),
        ),
        migrations.AlterField(
            model_name='sample',
            name='notified_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='结果告知日期'),
        ),
        migrations.AlterField(
            model_name='sample',
            name='objection_filed_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='异议申请日期'),
        ),
        migrations.AlterField(
            model_name='sample',
            name='production_date',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='生产日期'),
        ),
        migrations.AlterField(
            model_name='sample',
            name='retested_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='复检日期'),
        ),
        migrations.AlterField(
            model_name='sample',
            name='sampled_on',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='抽样日期'),
        ),
    ]
