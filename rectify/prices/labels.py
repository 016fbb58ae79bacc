"""Prices' events in words, for the history tab (core.generic.display)."""
from django.apps import apps
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rectify.core.generic.display import label_events

label_events({
    "price.flag": _("价格预警"), "price.import": _("导入价格监测数据"), "price.observe": _("记录价格监测"),
    "service_request.receive": _("受理服务诉求"),
})
# the reference rows' writes (services/config.py): price.<model>.create / .update
for model in apps.get_app_config("prices").get_models():
    name = model._meta.verbose_name
    label_events({f"price.{model._meta.model_name}.create": format_lazy(_("新增{name}"), name=name),
                  f"price.{model._meta.model_name}.update": format_lazy(_("修改{name}"), name=name)})
