"""Field work's events in words, for the history tab (core.generic.display)."""
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events

from .models import Measure

label_events({
    "inspection.record": _("记录排查"), "sample.record": _("记录抽样"), "sample.result": _("录入检验结果"),
    "export_check.record": _("记录出口查验"), "covert_visit.record": _("记录暗访"),
    "disposal.start": _("开始处置"), "disposal.cancelled": _("撤销处置"), "ledger.import": _("导入问题台账"),
    **{f"inspection.measure.{kind}": label for kind, label in Measure.Kind.choices},
})
