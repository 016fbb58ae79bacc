"""The enterprise list import: template, preview with row errors, all-or-nothing commit,
re-import, failed rows, formats, hostile files, region limits, the Celery path and the CLI."""
import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from openpyxl import load_workbook

from rectify.core.audit.models import ObjectChange
from rectify.enterprises.management.commands.import_enterprises import Command
from rectify.enterprises.models import Enterprise, ImportJob, ListEntry, Qualification
from rectify.enterprises.services import imports
from rectify.enterprises.tasks import import_check_task, import_commit_task
from rectify.testing import WorldTestCase

from . import files
from .files import HEADERS, code, row, rows, xlsx


class ImportTests(WorldTestCase):
    def upload(self, name, data, key="shenyang_samr"):
        self.login(key)
        return self.client.post("/enterprises/import/", {"file": SimpleUploadedFile(name, data)})

    def job(self):
        return ImportJob.objects.latest("pk")

    def test_template_download_has_headers_and_an_example(self):
        self.login("shenyang_samr")
        response = self.client.get("/enterprises/import/template/")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(values[0]), HEADERS)
        self.assertEqual(len(values), 2)
        # the example row itself imports cleanly
        self.upload("template.xlsx", response.content)
        self.assertEqual(self.job().status, ImportJob.Status.READY, self.job().errors)

    def test_200_rows_with_five_mistakes_give_exactly_five_errors(self):
        data = rows(200)
        mistakes = {  # data index -> (column, bad value)
            9: ("统一社会信用代码", code(10)[:-1] + ("0" if code(10)[-1] != "0" else "1")),
            49: ("所在区县", "不存在区"),
            99: ("生产产品类别", "口罩、火箭"),
            149: ("有效期至", "明年五月"),
            189: ("是否出口", "也许"),
        }
        for i, (col, bad) in mistakes.items():
            data[i][HEADERS.index(col)] = bad
        response = self.upload("list.xlsx", xlsx(data))
        job = self.job()
        self.assertRedirects(response, job.get_absolute_url())
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual([(e["row"], e["column"]) for e in job.errors],
                         [(i + 2, col) for i, (col, _) in mistakes.items()])
        self.assertTrue(all(e["reason"] for e in job.errors))
        self.assertIn("校验位错误", job.errors[0]["reason"])
        self.assertEqual((job.count_new, job.count_error), (195, 5))
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, "火箭")
        self.assertNotContains(page, "commit-import")
        self.assertEqual(Enterprise.objects.count(), 0)  # nothing written by the preview
        # the failed rows download with the reason column, fixed and re-uploaded they import
        failed = self.client.get(f"/enterprises/import/{job.pk}/failed-rows/")
        sheet = list(load_workbook(io.BytesIO(failed.content)).active.iter_rows(values_only=True))
        self.assertEqual(sheet[0][-1], "错误原因")
        self.assertEqual(len(sheet), 6)
        self.assertEqual([r[-2] for r in sheet[1:]], [11, 51, 101, 151, 191])
        fixed = rows(200)
        self.upload("list-fixed.xlsx", xlsx(fixed))
        job = self.job()
        self.assertEqual(job.status, ImportJob.Status.READY)
        self.client.post(f"/enterprises/import/{job.pk}/commit/")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE, job.message)
        self.assertEqual(Enterprise.objects.count(), 200)
        self.assertEqual(Qualification.objects.count(), 200)
        self.assertEqual(ListEntry.objects.filter(kind="producer").count(), 200)
        self.assertEqual(Enterprise.objects.get(credit_code=code(5)).categories.count(), 2)
        self.assertTrue(ObjectChange.objects.filter(action="create",
                                                    object_id=str(Enterprise.objects.first().pk)).exists())
        # re-importing the same file changes nothing
        data_changes = ObjectChange.objects.filter(content_type__model__in=["enterprise", "qualification", "listentry"])
        changes = data_changes.count()
        self.upload("list-fixed.xlsx", xlsx(fixed))
        job = self.job()
        self.assertEqual((job.count_new, job.count_update, job.count_unchanged), (0, 0, 200))
        self.client.post(f"/enterprises/import/{job.pk}/commit/")
        self.assertEqual(data_changes.count(), changes)
        # an edit shows as an update
        changed = rows(3)
        changed[0][HEADERS.index("地址")] = "新地址1号"
        self.upload("edit.csv", files.csv_bytes(changed))
        job = self.job()
        self.assertEqual((job.count_update, job.count_unchanged), (1, 2))
        self.assertEqual(job.preview[0]["changes"], "地址")

    def test_commit_is_all_or_nothing(self):
        self.upload("a.xlsx", xlsx(rows(20)))
        job = self.job()
        # the registry changes between preview and commit: row 11's code now belongs to Dalian
        Enterprise.objects.create(name="大连某公司", credit_code=code(10), region_id=self.unit("210200-samr").region_id)
        self.client.post(f"/enterprises/import/{job.pk}/commit/")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.INVALID)
        self.assertEqual(Enterprise.objects.count(), 1)
        # a failure in the middle of the writes rolls everything back
        Enterprise.objects.all().delete()
        self.upload("b.xlsx", xlsx(rows(20)))
        job = self.job()
        with mock.patch.object(ListEntry.objects, "bulk_create", side_effect=RuntimeError("disk full")), \
                self.assertRaises(RuntimeError):
            self.client.post(f"/enterprises/import/{job.pk}/commit/")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.FAILED)
        self.assertEqual(Enterprise.objects.count(), 0)
        self.assertEqual(Qualification.objects.count(), 0)

    def test_formats_csv_gbk_utf8_and_xls_and_english_headers(self):
        english = ["name", "credit code", "entity type", "city", "county", "address", "legal representative", "phone",
                   "categories", "exporter", "licence number", "valid to"]
        cases = [("gbk.csv", files.csv_bytes(rows(5), "gbk")), ("utf8.csv", b"\xef\xbb\xbf" + files.csv_bytes(rows(5))),
                 ("old.xls", files.xls(rows(5))), ("en.xlsx", xlsx(rows(5), headers=english))]
        for name, data in cases:
            self.upload(name, data)
            job = self.job()
            self.assertEqual((job.status, job.count_new), (ImportJob.Status.READY, 5), (name, job.message, job.errors))
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_hostile_files_are_refused_with_a_message_and_nothing_written(self):
        cases = {
            "bomb.xlsx": (files.zip_bomb(), "压缩炸弹"),
            "entity.xlsx": (files.entity_bomb(), "DOCTYPE"),
            "secret.xlsx": (files.encrypted_xlsx(), "加密"),
            "virus.xlsx": (b"MZ\x90\x00" + b"\x00" * 100, "不是 Excel"),
            "photo.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "不支持的文件类型"),
            "empty.csv": (b"", "空"),
            "header-only.csv": (files.csv_bytes([]), "没有数据行"),
            "wrong.xlsx": (xlsx(rows(2), headers=["名称", *HEADERS[1:3], "城市", *HEADERS[4:]]),
                           "缺少必需的列：企业名称、所在市"),
        }
        for name, (data, expected) in cases.items():
            response = self.upload(name, data)
            self.assertEqual(response.status_code, 400, name)
            self.assertContains(response, expected, status_code=400, msg_prefix=name)
        with override_settings(RECTIFY_UPLOAD_MAX_BYTES=10_000):
            response = self.upload("big.csv", files.csv_bytes(rows(200)))
            self.assertContains(response, "文件过大", status_code=400)
        self.assertEqual(ImportJob.objects.count(), 0)
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_city_user_cannot_import_another_citys_rows(self):
        data = rows(4) + [row(5, city="大连市", county="中山区")]
        self.upload("mixed.xlsx", xlsx(data))
        job = self.job()
        self.assertEqual(job.count_error, 1)
        self.assertEqual(job.errors[0]["column"], "所在市")
        self.assertIn("不能导入大连市的企业", job.errors[0]["reason"])
        # an existing Dalian enterprise cannot be rewritten into Shenyang either
        Enterprise.objects.create(name="大连某公司", credit_code=code(1), region_id=self.unit("210200-samr").region_id)
        self.upload("steal.xlsx", xlsx(rows(1)))
        self.assertIn("其他辖区", self.job().errors[0]["reason"])
        # the provincial office may import any city
        self.upload("mixed.xlsx", xlsx(rows(4, start=10) + [row(15, city="210200", county="")]), key="province_office")
        self.assertEqual(self.job().status, ImportJob.Status.READY)

    def test_progress_fragment_is_polled_with_htmx(self):
        self.upload("a.xlsx", xlsx(rows(3)))
        job = self.job()
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
        page = self.client.get(job.get_absolute_url())
        self.assertContains(page, 'hx-trigger="every 1s"')
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
        fragment = self.client.get(f"/enterprises/import/{job.pk}/progress/")
        self.assertEqual(fragment["HX-Refresh"], "true")
        self.login("dalian_samr")
        self.assertEqual(self.client.get(job.get_absolute_url()).status_code, 404)

    def test_large_file_through_celery_tasks(self):
        """The 100,000-row path, at 2,000 rows: upload without inline check, tasks (eager here)."""
        data = xlsx(rows(2000))
        self.login("shenyang_samr")
        with mock.patch.object(imports, "SYNC_MAX_BYTES", 0):
            self.client.post("/enterprises/import/", {"file": SimpleUploadedFile("big.xlsx", data)})
        job = self.job()
        self.assertEqual((job.status, job.total, job.count_new), (ImportJob.Status.READY, 2000, 2000))
        with mock.patch.object(imports, "SYNC_MAX_ROWS", 100):
            self.client.post(f"/enterprises/import/{job.pk}/commit/")
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.DONE, job.message)
        self.assertEqual(Enterprise.objects.count(), 2000)
        self.assertEqual(ObjectChange.objects.filter(action="create", content_type__model="enterprise").count(), 2000)
        # the tasks are idempotent: running them again changes nothing
        self.assertEqual(import_commit_task(job.pk), ImportJob.Status.DONE)
        self.assertEqual(import_check_task(job.pk), ImportJob.Status.DONE)
        self.assertEqual(Enterprise.objects.count(), 2000)

    def test_a_large_file_is_queued_once_and_only_when_checked(self):
        """Confirming a file committed in the background marks it and queues it once; confirming it
        again while it is being imported, or confirming a file with errors, is refused with a reason
        and starts nothing."""
        self.upload("a.xlsx", xlsx(rows(5)))
        job = self.job()
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
        with mock.patch.object(imports, "SYNC_MAX_ROWS", 1), \
                mock.patch("rectify.enterprises.views.import_commit_task") as task:
            page = self.client.post(f"/enterprises/import/{job.pk}/commit/", follow=True)
            self.assertContains(page, "该文件正在导入，请稍候刷新页面查看结果。")
            task.apply_async.assert_not_called()
            broken = rows(5)
            broken[1][HEADERS.index("所在市")] = "火星市"
            self.upload("b.xlsx", xlsx(broken))
            invalid = self.job()
            self.assertEqual(invalid.status, ImportJob.Status.INVALID)
            page = self.client.post(f"/enterprises/import/{invalid.pk}/commit/", follow=True)
            self.assertContains(page, "该文件尚未通过校验，不能导入。")
            task.apply_async.assert_not_called()
            self.assertEqual(ImportJob.objects.get(pk=invalid.pk).status, ImportJob.Status.INVALID)
            self.upload("c.xlsx", xlsx(rows(5, start=20)))
            ready = self.job()
            self.client.post(f"/enterprises/import/{ready.pk}/commit/")
            # sent once, through core.dispatch (which falls back to this process without a broker)
            task.apply_async.assert_called_once()
            self.assertEqual(task.apply_async.call_args.args[0], (ready.pk,))
            self.assertEqual(ImportJob.objects.get(pk=ready.pk).status, ImportJob.Status.COMMITTING)
        self.assertEqual(Enterprise.objects.count(), 0)

    def test_cli_summary_dry_run_and_exit_code(self):
        with tempfile.TemporaryDirectory() as tmp:
            good, bad = Path(tmp) / "good.xlsx", Path(tmp) / "bad.csv"
            good.write_bytes(xlsx(rows(10)))
            broken = rows(3)
            broken[1][HEADERS.index("所在市")] = "火星市"
            bad.write_bytes(files.csv_bytes(broken, "gbk"))
            out = io.StringIO()
            call_command("import_enterprises", str(good), "--dry-run", "--unit", "210100-samr", stdout=out)
            self.assertIn("新增 10", out.getvalue())
            self.assertEqual(Enterprise.objects.count(), 0)
            with self.assertRaises(CommandError) as ctx:
                call_command("import_enterprises", str(bad), stdout=io.StringIO())
            self.assertIn("1 行有错误", str(ctx.exception))
            with self.assertRaises(CommandError):
                call_command("import_enterprises", str(good), "--unit", "210200-samr", stdout=io.StringIO())
            call_command("import_enterprises", str(good), "--unit", "210100-samr", "--user", "t_shenyang_samr",
                         stdout=out)
            self.assertEqual(Enterprise.objects.count(), 10)
            self.assertEqual(ObjectChange.objects.filter(content_type__model="enterprise").first().username,
                             "t_shenyang_samr")
        parser = Command().create_parser("rectify", "import_enterprises")
        self.assertEqual(parser.parse_args(["x"]).unit, "210000-office")
