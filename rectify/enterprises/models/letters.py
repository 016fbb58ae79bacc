"""Letters to and from an enterprise: the warning letters sent and the commitments signed, with their scans."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectify.core.access.scope import RECORD_SCOPE
from rectify.core.models import ScopedRecord
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


class Letter(ScopedRecord):
    """A warning letter sent to, or a commitment letter signed by, an enterprise. Owned by the
    unit that sent/collected it; placed in the enterprise's city."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("提醒告诫函")
        COMMITMENT = "commitment", _("承诺书")

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"), validators=[validate_not_future])
    number = models.CharField(_("文号"), max_length=100, blank=True)
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
