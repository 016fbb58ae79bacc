"""Item 9: HMAC-SM3 integrity codes (core/audit/integrity.py) and `rectify verify_integrity`."""
import decimal
import hashlib
import hmac
import io
import os
import stat
from unittest import mock

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase, override_settings

from rectify.core.audit import integrity


class Sm3Tests(SimpleTestCase):
    def test_openssl_provides_sm3(self):
        # GB/T 32905-2016 appendix A.1 test vector
        self.assertEqual(hashlib.new("sm3", b"abc").hexdigest(),
                         "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")
        self.assertEqual(len(hmac.new(b"k", b"m", "sm3").hexdigest()), 64)


class IntegrityFunctionTests(SimpleTestCase):
    KEY = b"k" * 32

    def test_canonical_form_is_stable(self):
        import datetime
        import decimal

        a = {"b": decimal.Decimal("1.50"), "a": "罚款", "t": datetime.datetime(2025, 1, 1, 8, tzinfo=datetime.UTC)}
        b = {"t": datetime.datetime(2025, 1, 1, 16, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
             "a": "罚款", "b": decimal.Decimal("1.5")}
        self.assertEqual(integrity.canonical(a), integrity.canonical(b))
        self.assertEqual(integrity.compute(a, self.KEY), integrity.compute(b, self.KEY))
        self.assertEqual(integrity.compute(a, self.KEY),
                         hmac.new(self.KEY, integrity.canonical(a), "sm3").hexdigest())

    def test_any_change_or_another_key_breaks_the_code(self):
        fields = {"decision": "沈市监罚〔2025〕1号", "amount": "5000.00"}
        code = integrity.compute(fields, self.KEY)
        self.assertTrue(integrity.matches(fields, code, self.KEY))
        self.assertFalse(integrity.matches({**fields, "amount": "500.00"}, code, self.KEY))
        self.assertFalse(integrity.matches(fields, code, b"x" * 32))
        self.assertFalse(integrity.matches(fields, "", self.KEY))

    def test_a_code_tampered_with_non_ascii_characters_does_not_match(self):
        """A stored code rewritten with Chinese or full-width characters is a mismatch to report,
        not a TypeError that stops the check of every row after it."""
        fields = {"decision": "沈市监罚〔2025〕1号"}
        code = integrity.compute(fields, self.KEY)
        for forged in ("篡改" + code[2:], "ａ" * 64, code[:-1] + "é"):
            with self.subTest(forged=forged):
                self.assertFalse(integrity.matches(fields, forged, self.KEY))

    def test_key_from_environment_or_generated_once_outside_the_database(self):
        with mock.patch.dict(os.environ, {"RECTIFY_INTEGRITY_KEY": "from-env"}):
            self.assertEqual(integrity.integrity_key(), b"from-env")
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as tmp, override_settings(DATA_DIR=Path(tmp)), \
                mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("RECTIFY_INTEGRITY_KEY", None)
            first = integrity.integrity_key()
            self.assertEqual(integrity.integrity_key(), first)
            path = Path(tmp) / "integrity_key"
            self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)
            self.assertGreaterEqual(len(first), 64)


class Decision:
    """What `tampered` reads of a protected row: `integrity_code` and `integrity_fields()`."""

    def __init__(self, pk: int, number: str, amount: decimal.Decimal, sealed: bool = True) -> None:
        self.pk, self.number, self.amount = pk, number, amount
        self.integrity_code = integrity.compute(self.integrity_fields()) if sealed else ""

    def integrity_fields(self) -> dict:
        return {"number": self.number, "amount": self.amount}


class TamperDetectionTests(SimpleTestCase):
    def test_a_changed_row_is_found_and_a_draft_is_not(self):
        with mock.patch.dict(os.environ, {"RECTIFY_INTEGRITY_KEY": "test-key"}):
            good = Decision(1, "1号", decimal.Decimal("5000"))
            self.assertEqual(len(good.integrity_code), 64)
            bad = Decision(2, "2号", decimal.Decimal("5000"))
            bad.amount = decimal.Decimal("50")  # changed behind the application's back
            draft = Decision(3, "草稿", decimal.Decimal("1"), sealed=False)
            self.assertEqual([o.pk for o in integrity.tampered([good, bad, draft])], [2])


class VerifyIntegrityCommandTests(TestCase):
    def test_command_walks_every_protected_model(self):
        labels = {model._meta.label for model in integrity.protected_models()}
        self.assertLessEqual({"enforcement.Case", "enforcement.DecisionVersion", "reports.ReportVersion"}, labels)
        out = io.StringIO()
        call_command("verify_integrity", stdout=out)
        self.assertIn("完整性校验通过", out.getvalue())
        for label in labels:
            self.assertIn(f"{label}: 全部通过", out.getvalue())

    def test_command_fails_on_a_tampered_row(self):
        from django.core.management import CommandError

        with mock.patch("rectify.core.management.commands.verify_integrity.verify_all",
                        return_value={"reports.WeeklyReport": ["7"]}), self.assertRaises(CommandError):
            call_command("verify_integrity", stdout=io.StringIO())
