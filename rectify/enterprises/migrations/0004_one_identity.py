# One enterprise, one identity: the credit code normalised by its field; past dates not in the future.

import rectify.core.security.validators
import rectify.enterprises.identity
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0003_list_ordering_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='warnings',
            field=models.JSONField(blank=True, default=list, verbose_name='提示'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='approved_on',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='获批/成立日期'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='credit_code',
            field=rectify.enterprises.identity.CreditCodeField(blank=True, help_text='18位，按 GB 32100-2015 校验；全角字符、小写字母和空格自动规范；无代码的个体工商户可留空。', max_length=18, null=True, unique=True, validators=[rectify.core.security.validators.validate_uscc], verbose_name='统一社会信用代码'),
        ),
        migrations.AlterField(
            model_name='letter',
            name='date',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='日期'),
        ),
        migrations.AlterField(
            model_name='listentry',
            name='listed_on',
            field=models.DateField(validators=[rectify.core.security.validators.validate_not_future], verbose_name='列入日期'),
        ),
        migrations.AlterField(
            model_name='qualification',
            name='valid_from',
            field=models.DateField(blank=True, null=True, validators=[rectify.core.security.validators.validate_not_future], verbose_name='有效期自'),
        ),
    ]
