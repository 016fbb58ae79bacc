"""The English translation: the language switch in the top bar turns the shell, list, detail, edit,
login and public pages into English; without it the site is in Chinese.

The catalogue is rectify/locale/en/LC_MESSAGES/django.po, compiled to django.mo (committed, so a
machine without gettext still has it).
"""
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rectify.core.registry import registry
from rectify.enterprises.models import Enterprise
from rectify.organisations.models import Region
from rectify.testing import WorldTestCase
from tests.enterprises.files import code

LOCALE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def catalogue_entries(po: str) -> list[dict]:
    """The entries of a .po text: each with its flags, msgid and msgstr (msgstr[n] for a plural),
    the quoted lines of a wrapped text joined; obsolete entries (#~) left out."""
    entries = []
    for block in re.split(r"\n\s*\n", po):
        entry: dict = {"flags": set(), "msgstr": {}}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid ", "msgid_plural ", "msgstr")):
                key, _sep, rest = line.partition(" ")
                text = "".join(_QUOTED.findall(rest))
                if key.startswith("msgstr"):
                    entry["msgstr"][key] = text
                else:
                    entry[key] = text
            elif line.startswith('"') and key is not None:
                text = "".join(_QUOTED.findall(line))
                if key.startswith("msgstr"):
                    entry["msgstr"][key] += text
                else:
                    entry[key] += text
        if "msgid" in entry:
            entries.append(entry)
    return entries


def untranslated(po: str) -> list[str]:
    """The messages of a catalogue without a usable English text: fuzzy (a changed source text whose
    old translation gettext ignores), or with an empty msgstr — for a plural, any empty form. The
    header (the empty msgid) is not a message."""
    return [entry["msgid"] for entry in catalogue_entries(po) if entry["msgid"]
            and ("fuzzy" in entry["flags"] or not entry["msgstr"] or not all(entry["msgstr"].values()))]


def test_catalogue_has_no_untranslated_or_fuzzy_message():
    """After `make messages` every new or changed message must be translated before the catalogue is
    committed: an empty msgstr shows the Chinese source in the English interface."""
    assert untranslated((LOCALE / "django.po").read_text(encoding="utf-8")) == []


def test_the_catalogue_check_finds_an_empty_a_fuzzy_and_a_half_plural_message():
    """The check above, run on a copy of the real catalogue with three entries spoilt as makemessages
    leaves them, names exactly those three."""
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    spoilt = po.replace('msgid "用户名"\nmsgstr "Username"', 'msgid "用户名"\nmsgstr ""', 1)
    spoilt = spoilt.replace('msgid "密码"\nmsgstr "Password"', '#, fuzzy\nmsgid "密码"\nmsgstr "Password"', 1)
    spoilt = spoilt.replace('msgstr[1] "%(n)s records"', 'msgstr[1] ""', 1)
    assert spoilt.count('msgstr ""') == po.count('msgstr ""') + 1  # the three edits took
    assert "#, fuzzy" in spoilt and 'msgstr[1] ""' in spoilt
    assert sorted(untranslated(spoilt)) == sorted(["用户名", "密码", "共 %(n)s 条"])


def test_every_registered_model_names_itself_its_fields_and_choices_in_english():
    """A model added to the registry without its English entries (docs/development.md, "Adding a
    model", point 7) would show Chinese headings, labels and choices in the English interface."""
    untranslated = []
    with translation.override("en"):
        for config in registry:
            meta = config.model._meta
            texts = [("", meta.verbose_name), ("", meta.verbose_name_plural)]
            for field in meta.get_fields():
                texts += [(field.name, getattr(field, "verbose_name", ""))]
                texts += [(field.name, label) for _value, label in getattr(field, "flatchoices", None) or ()]
            untranslated += [f"{meta.label}.{name}: {text}" for name, text in texts if CHINESE.search(str(text))]
    assert untranslated == []


class EnglishTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.enterprise = Enterprise.objects.create(name="沈阳华康医用防护用品有限公司", credit_code=code(950),
                                                   region=Region.objects.get(code="210100"))

    def switch(self, language: str):
        response = self.client.post(reverse("set_language"), {"language": language, "next": "/"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, language)

    def page(self, url: str):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def assert_english(self, html: str, english: list[str], chinese: list[str]):
        for word in english:
            self.assertIn(word, html)
        for word in chinese:
            self.assertNotIn(word, html)

    def test_catalogue_is_compiled_and_complete(self):
        self.assertTrue((LOCALE / "django.mo").exists())
        po = (LOCALE / "django.po").read_text(encoding="utf-8")
        self.assertNotIn("#, fuzzy", po)
        with translation.override("en"):
            self.assertEqual(translation.gettext("退出"), "Log out")
            self.assertEqual(translation.gettext("专项整治"), "专项整治")  # not a msgid: unchanged
            self.assertEqual(translation.ngettext("共 %(n)s 条", "共 %(n)s 条", 2) % {"n": 2}, "2 records")

    def test_chinese_is_the_default(self):
        self.login("shenyang_office")
        html = self.page(reverse("home"))
        self.assert_english(html, ["退出", "工作台", "企业名录"], ["Log out", "Dashboard"])
        html = self.page("/enterprises/enterprise/")
        self.assert_english(html, ["导出 Excel", "查询", "筛选"], ["Export", "Search"])

    def test_shell_list_detail_and_edit_in_english(self):
        self.login("shenyang_office")
        self.switch("en")

        html = self.page(reverse("home"))
        self.assert_english(html,
                            ['lang="en"', "Log out", "Dashboard", "Enterprise directory", "Law enforcement cases"],
                            ["退出", "工作台", "企业名录", "执法办案", "数据范围"])

        html = self.page("/enterprises/enterprise/")
        self.assert_english(html,
                            ["Log out", "Export to Excel", "Search", "Filter", "Clear filters", "Enterprise name"],
                            ["退出", "导出 Excel", "查询", "筛选", "清除条件", "企业名称"])

        detail = self.enterprise.get_absolute_url()
        html = self.page(detail)
        self.assert_english(html,
                            ["Log out", "Edit", "Change history", "Unified social credit code", self.enterprise.name],
                            ["退出", "变更历史", "统一社会信用代码"])

        html = self.page(reverse("enterprises:enterprise_edit", kwargs={"pk": self.enterprise.pk}))
        self.assert_english(html, ["Save", "Enterprise name"], ["保存", "企业名称"])

        # and back to Chinese
        self.switch("zh-hans")
        self.assertIn("退出", self.page(reverse("home")))

    def test_the_english_tables_page_says_the_official_tables_stay_chinese(self):
        self.login("shenyang_office")
        self.assertNotIn('id="official-chinese-note"', self.page(reverse("reports:tables")))
        self.switch("en")
        html = self.page(reverse("reports:tables"))
        self.assertIn('lang="en"', html)
        self.assertIn('id="official-chinese-note"', html)
        self.assertIn("附件1", html)  # the official table, as it is

    def test_login_and_public_portal_in_english(self):
        html = self.page(reverse("accounts:login"))
        self.assertIn("登录", html)
        self.switch("en")
        html = self.page(reverse("accounts:login"))
        self.assert_english(html, ["Log in", "Username", "Password"], ["登录", "用户名", "密码"])

        html = self.page("/public/")
        self.assert_english(html, ['lang="en"', "File a complaint or report", "Typical cases", "Track progress"],
                            ["我要投诉举报", "典型案例", "进度查询"])
