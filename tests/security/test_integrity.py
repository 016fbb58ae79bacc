"""Item 9: HMAC-SM3 integrity codes (core/integrity.py) and `rectify verify_integrity`."""
import hashlib
import hmac
import io
import os
import stat
from unittest import mock

from django.core.management import call_command
from django.db import models
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import isolate_apps

from rectify.core import integrity


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


class IntegrityMixinTests(SimpleTestCase):
    @isolate_apps("rectify.core")
    def test_seal_verify_and_tamper_detection(self):
        class Decision(integrity.IntegrityProtected):
            number = models.CharField(max_length=50)
            amount = models.DecimalField(max_digits=12, decimal_places=2)

            class Meta:
                app_label = "core"

            def integrity_fields(self):
                return {"number": self.number, "amount": self.amount}

        import decimal

        with mock.patch.dict(os.environ, {"RECTIFY_INTEGRITY_KEY": "test-key"}):
            good = Decision(pk=1, number="1号", amount=decimal.Decimal("5000"))
            good.seal()
            self.assertEqual(len(good.integrity_code), 64)
            self.assertTrue(good.verify())
            bad = Decision(pk=2, number="2号", amount=decimal.Decimal("5000"))
            bad.seal()
            bad.amount = decimal.Decimal("50")  # changed behind the application's back
            self.assertFalse(bad.verify())
            draft = Decision(pk=3, number="草稿", amount=decimal.Decimal("1"))  # never sealed
            self.assertEqual([o.pk for o in integrity.tampered([good, bad, draft])], [2])


class VerifyIntegrityCommandTests(TestCase):
    def test_command_walks_every_protected_model(self):
        # No model has adopted the mixin yet (reports and penalty decisions will): the walk must
        # still run, and report a clean result for whatever is there.
        out = io.StringIO()
        call_command("verify_integrity", stdout=out)
        self.assertTrue("完整性校验通过" in out.getvalue() or "没有启用完整性校验" in out.getvalue())
        for model in integrity.protected_models():
            self.assertTrue(hasattr(model, "integrity_fields"))

    def test_command_fails_on_a_tampered_row(self):
        from django.core.management import CommandError

        with mock.patch("rectify.core.management.commands.verify_integrity.verify_all",
                        return_value={"reports.WeeklyReport": ["7"]}), self.assertRaises(CommandError):
            call_command("verify_integrity", stdout=io.StringIO())
