"""Navigation areas. Apps put their models in an area with ModelConfig.menu; extra links (reports,
imports...) are added with `add_link`. Only what the user may view is shown."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import model_allows
from rectify.core.registry import registry

AREAS = [
    ("registry", _("企业名录"), "bi-building"),
    ("fieldwork", _("排查抽检"), "bi-clipboard-check"),
    ("enforcement", _("执法办案"), "bi-shield-exclamation"),
    ("reports", _("统计报表"), "bi-table"),
    ("targeting", _("靶向监管"), "bi-bullseye"),
    ("service", _("价格与服务"), "bi-graph-up"),
    ("organisation", _("组织机构"), "bi-diagram-3"),
    ("system", _("系统管理"), "bi-gear"),
]


@dataclass
class Link:
    label: str
    url_name: str
    check: object = None  # callable(user) -> bool


@dataclass
class Area:
    key: str
    label: str
    icon: str
    links: list = field(default_factory=list)


_extra_links: dict[str, list[Link]] = {}


def add_link(area: str, label, url_name: str, check=None) -> None:
    _extra_links.setdefault(area, []).append(Link(label, url_name, check))


# Built menus, by who asks: the links depend on the user's roles and unit (permission checks) and
# the active language; an entry is dropped when the process has seen _MENU_CACHE_SIZE others.
_menus: dict[tuple, list[Area]] = {}
_MENU_CACHE_SIZE = 2048


def menu_for(user) -> list[Area]:
    """The user's menu. Building it walks the registry and reverses every URL, the same for
    every page, so it is kept per user, roles, unit and language for the life of the process."""
    key = (user.pk, frozenset(user.role_codes), user.unit_id, user.is_active, get_language())
    menu = _menus.get(key)
    if menu is None:
        if len(_menus) >= _MENU_CACHE_SIZE:
            _menus.clear()
        menu = _menus[key] = _build_menu(user)
    return menu


def _build_menu(user) -> list[Area]:
    areas = []
    for key, label, icon in AREAS:
        area = Area(key, label, icon)
        for config in registry:
            if config.menu == key and model_allows(user, config.model, "view"):
                area.links.append((config.verbose_name_plural, reverse(config.url_name("list"))))
        for link in _extra_links.get(key, []):
            if link.check is None or link.check(user):
                try:
                    area.links.append((link.label, reverse(link.url_name)))
                except NoReverseMatch:
                    continue
        if area.links:
            areas.append(area)
    return areas
