"""Spreadsheet files for the import tests, built in memory (.xlsx, .csv, and a minimal .xls: BIFF8
text cells in an OLE compound file, since no .xls writer is installed)."""
from __future__ import annotations

import csv
import io
import struct
import zipfile

from rectify.core.generic.exports import write_xlsx
from rectify.core.security.validators import uscc_check_char
from rectify.enterprises.importing import COLUMNS

HEADERS = [c.label for c in COLUMNS]


def code(n: int, region: str = "210100") -> str:
    first17 = f"91{region}{n:09d}"
    return first17 + uscc_check_char(first17)


def row(n: int, *, city: str = "沈阳市", county: str = "和平区", **over) -> list[str]:
    values = {"企业名称": f"沈阳测试防护用品有限公司{n:05d}", "统一社会信用代码": code(n), "主体类型": "企业法人",
              "所在市": city, "所在区县": county, "地址": f"和平区南京北街{n}号", "法定代表人": "王伟",
              "联系电话": "024-23456789", "生产产品类别": "口罩、熔喷布", "是否出口": "否",
              "许可证/注册证编号": f"辽械注准2020214{n:04d}", "有效期至": "2025-05-14"}
    values.update(over)
    return [values[h] for h in HEADERS]


def rows(count: int, start: int = 1, **over) -> list[list[str]]:
    return [row(n, **over) for n in range(start, start + count)]


def xlsx(data: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    return write_xlsx(headers, data)


def csv_bytes(data: list[list[str]], encoding: str = "utf-8", headers: list[str] = HEADERS) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(data)
    return buf.getvalue().encode(encoding)


def _rec(typ: int, data: bytes) -> bytes:
    return struct.pack("<HH", typ, len(data)) + data


def _bof(kind: int) -> bytes:
    return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _label(r: int, c: int, text: str) -> bytes:
    return _rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(text), 1) + text.encode("utf-16-le"))


def xls(data: list[list[str]], headers: list[str] = HEADERS) -> bytes:
    grid = [headers, *data]
    sheet = _bof(0x10) + _rec(0x0200, struct.pack("<IIHHH", 0, len(grid), 0, len(headers), 0))
    for r, values in enumerate(grid):
        for c, v in enumerate(values):
            if v:
                sheet += _label(r, c, v)
    sheet += _rec(0x000A, b"")
    name = "Sheet1".encode("utf-16-le")

    def globals_(offset: int) -> bytes:
        return (_bof(0x05) + _rec(0x0042, struct.pack("<H", 1200))
                + _rec(0x0085, struct.pack("<IBBBB", offset, 0, 0, 6, 1) + name) + _rec(0x000A, b""))

    head = globals_(0)
    stream = globals_(len(head)) + sheet
    return cfb({"Workbook": stream})


def cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file with one stream (padded past the 4096-byte mini-stream cutoff)."""
    (sname, stream), = streams.items()
    stream = stream + b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    n = len(stream) // 512
    assert n + 2 <= 128, "test file too large for the one-sector FAT"
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    fat = [fatsect, end] + [2 + i + 1 for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0) + struct.pack("<I", 0)
              + struct.pack("<I", free) * 108)

    def entry(name: str, typ: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00" if name else b""
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1 if typ else 0)
                + struct.pack("<III", nostream, nostream, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(sname, 2, nostream, 2, len(stream))
                 + entry("", 0, nostream, 0, 0) * 2)
    return header + struct.pack("<128I", *fat) + directory + stream


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    return buf.getvalue()


def entity_bomb() -> bytes:
    """A real workbook whose shared strings carry a billion-laughs DOCTYPE."""
    src = zipfile.ZipFile(io.BytesIO(xlsx(rows(2))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
                data = bomb + data.split(b"?>", 1)[1]
            z.writestr(info, data)
    return buf.getvalue()


def encrypted_xlsx() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE container with the encrypted package."""
    return cfb({"EncryptedPackage": b"\x00" * 5000})
