"""GB 32100-2015 unified social credit code (统一社会信用代码); dates of what has already happened;
attachment content types."""
from __future__ import annotations

import datetime
import re
import unicodedata
import zipfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rectify.core import clock

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """The reason a code is invalid, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return _("统一社会信用代码应为18位，实际为%(n)d位") % {"n": len(code)}
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return _("统一社会信用代码含有非法字符“%(ch)s”（不得含 I、O、S、V、Z 及小写字母）") % {"ch": bad[0]}
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return _("统一社会信用代码校验位错误：应为“%(exp)s”，实际为“%(got)s”") % {"exp": expected, "got": code[17]}
    return None


# Spaces of any kind (the ideographic space too) and the invisible characters a copy from a web page
# or a spreadsheet brings along.
_CODE_NOISE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


def normalise_uscc(value: str | None) -> str:
    """A credit code as it is stored and compared: full-width characters made half-width (NFKC:
    “９１２１ＡＢ” is “9121AB”), upper case, without spaces inside or around. The same firm typed
    twice in different ways must meet as one code."""
    return _CODE_NOISE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


def uscc_division(code: str) -> str:
    """The administrative-division code of the registering authority (positions 3-8), or "" when the
    code is too short to hold one."""
    division = normalise_uscc(code)[2:8]
    return division if len(division) == 6 and division.isdigit() else ""


def validate_uscc(value: str) -> None:
    error = uscc_error(normalise_uscc(value))
    if error:
        raise ValidationError(error, code="uscc")


# -- dates -----------------------------------------------------------------------------------------
def validate_not_future(value: datetime.date | None) -> None:
    """The date of something that has already happened (an approval, a listing, an inspection, a
    sample taken) cannot lie after today — today in Beijing, whatever the server's time zone."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = clock.beijing_date(value)
    today = clock.today()
    if value > today:
        raise ValidationError(_("日期不能晚于今天（%(today)s），%(value)s 是将来的日期。")
                              % {"value": value.isoformat(), "today": today.isoformat()}, code="future")


# -- attachments -----------------------------------------------------------------------------------
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# The first bytes each allowed attachment type begins with; the extension names the type, the
# content must agree. A zip-based type must also hold its package's marker part.
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "tif": (b"II*\x00", b"MM\x00*"), "tiff": (b"II*\x00", b"MM\x00*"),
    "doc": (OLE_SIGNATURE,), "xls": (OLE_SIGNATURE,),
    "docx": (ZIP_SIGNATURE,), "xlsx": (ZIP_SIGNATURE,), "ofd": (ZIP_SIGNATURE,),
}
ZIP_MARKERS = {"docx": "word/", "xlsx": "xl/", "ofd": "OFD.xml"}
# Named in the message when an upload turns out to be one of these.
KNOWN_HOSTILE = ((b"MZ", gettext_lazy("Windows 可执行程序")), (b"\x7fELF", gettext_lazy("Linux 可执行程序")),
                 (b"#!", gettext_lazy("脚本")), (b"\xcf\xfa\xed\xfe", gettext_lazy("macOS 可执行程序")),
                 (b"<", gettext_lazy("网页或脚本")))


def validate_file_content(file: File | None) -> None:
    """An attachment's content must be the type its extension says (PDF, JPEG, PNG, TIFF, Word,
    Excel, OFD): checked on the first bytes, not the name, so a renamed executable or script is
    refused. A file already stored (validated when it was uploaded) is not read again."""
    if not file or getattr(file, "_committed", False):
        return
    name = getattr(file, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    stream = getattr(file, "file", file)
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if ext not in FILE_SIGNATURES:
        raise ValidationError(_("不支持的附件类型“.%(ext)s”。") % {"ext": ext}, code="type")
    if not head.startswith(FILE_SIGNATURES[ext]):
        actual = next((label for magic, label in KNOWN_HOSTILE if head.startswith(magic)), _("其他内容"))
        raise ValidationError(_("附件内容与文件类型 .%(ext)s 不符（实际为%(actual)s），已拒绝。")
                              % {"ext": ext, "actual": actual}, code="type")
    if ext in ZIP_MARKERS:
        try:
            members = zipfile.ZipFile(stream).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            members = []
        finally:
            stream.seek(0)
        if not any(m.startswith(ZIP_MARKERS[ext]) for m in members):
            raise ValidationError(
                _("附件内容与文件类型 .%(ext)s 不符（压缩包中没有该类文档），已拒绝。") % {"ext": ext}, code="type")
