"""Letters to and from an enterprise: the warning letters sent and the commitments signed, with their scans."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import CampaignRecord
from rectify.core.security.validators import validate_not_future

from .enterprises import Enterprise

LETTER_MAX_BYTES = 20 * 1024 * 1024
LETTER_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "tif", "tiff"]
_LETTER_MAGIC = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG", b"II*\x00", b"MM\x00*")


def validate_scan(file) -> None:
    """A scanned letter: PDF or image, at most 20 MB, and the content must match (not a renamed
    executable or office document)."""
    if file.size > LETTER_MAX_BYTES:
        raise ValidationError(_("扫描件不能超过 20 MB。"), code="size")
    pos = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(pos)
    if not head.startswith(_LETTER_MAGIC):
        raise ValidationError(_("扫描件内容不是 PDF 或图片（JPG/PNG/TIFF）。"), code="type")


class Letter(CampaignRecord):
    """A warning letter sent to, or a commitment letter signed by, an enterprise. Owned by the
    unit that sent/collected it; placed in the enterprise's city."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("提醒告诫函")
        COMMITMENT = "commitment", _("承诺书")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"), validators=[validate_not_future])
    number = models.CharField(_("文号"), max_length=100, blank=True)
    batch = models.ForeignKey("LetterBatch", verbose_name=_("批量发放"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="letters", editable=False)
    returned_on = models.DateField(_("回执/签回日期"), null=True, blank=True, validators=[validate_not_future],
                                   help_text=_("告诫函的送达回执或签字承诺书收回之日；为空即尚未收回。"))
    document = models.FileField(_("扫描件"), upload_to="letters/%Y/%m/", blank=True,
                                validators=[FileExtensionValidator(LETTER_EXTENSIONS), validate_scan],
                                help_text=_("PDF 或图片，不超过 20 MB。"))
    notes = models.TextField(_("备注"), blank=True)

    # Stated explicitly: core.models.ScopedRecord does not set RECORD_SCOPE itself (reported).
    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("告诫函/承诺书")
        verbose_name_plural = _("告诫函与承诺书")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date", "-id"])]  # the list's order (core.generic.checks)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.enterprise}"

    def clean(self) -> None:
        super().clean()
        if self.returned_on and self.date and self.returned_on < self.date:
            raise ValidationError({"returned_on": _("回执/签回日期不能早于发放日期。")})


def validate_docx_template(file) -> None:
    """An uploaded letter template: a .docx (a zip holding word/document.xml) of at most 5 MB."""
    if file.size > 5 * 1024 * 1024:
        raise ValidationError(_("模板不能超过 5 MB。"), code="size")
    pos = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(4)
    file.seek(pos)
    if head != b"PK\x03\x04":
        raise ValidationError(_("模板不是 Word 文档（.docx）。"), code="type")


class LetterBatch(CampaignRecord):
    """One issue of warning or commitment letters to every listed producer of the unit's city (of
    one category, or of all), from a Word template; each letter is a Letter, its return tracked."""

    kind = models.CharField(_("类型"), max_length=20, choices=Letter.Kind.choices)
    category = models.ForeignKey("organisations.ProductCategory", verbose_name=_("产品类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("为空即本市清单内全部生产企业。"))
    date = models.DateField(_("发放日期"), validators=[validate_not_future])
    number_prefix = models.CharField(_("文号前缀"), max_length=60, blank=True,
                                     help_text=_("如“沈市监告〔2020〕”，各函依次编号为“…1号”“…2号”。"))
    body = models.TextField(_("正文"), blank=True,
                            help_text=_("写入模板的正文，可用{{ 企业名称 }}等占位；为空时使用系统的标准正文。"))
    template = models.FileField(_("Word 模板"), upload_to="letters/templates/%Y/", blank=True,
                                validators=[FileExtensionValidator(["docx"]), validate_docx_template],
                                help_text=_("可选：本单位的 .docx 模板；为空时使用系统模板。"))
    issued = models.PositiveIntegerField(_("发放份数"), default=0, editable=False)

    scope = RECORD_SCOPE

    class Meta:
        verbose_name = _("批量发函")
        verbose_name_plural = _("批量发函")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["-date", "-id"])]

    def __str__(self) -> str:
        what = self.category.name if self.category_id else _("全部类别")
        return f"{self.get_kind_display()} · {what} · {self.date:%Y-%m-%d}"
