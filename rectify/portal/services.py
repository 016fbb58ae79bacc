"""The public portal's services: rate limit, offline captcha, and filing a complaint through the
enforcement service. The public look-ups are in `selectors.py`."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from rectify.core import clock
from rectify.core.audit.events import record_event
from rectify.core.security.validators import normalise_uscc
from rectify.enforcement.models import Complaint
from rectify.enforcement.services import complaint_receive
from rectify.organisations.models import ProductCategory, Region, Unit
from rectify.prices.services import TRACKING_ALPHABET

from .models import ComplaintTracking

# -- rate limit -----------------------------------------------------------------------------------
RATE_LIMIT = 10          # POSTs
RATE_WINDOW = 10 * 60    # seconds


def client_ip(request: HttpRequest) -> str:
    # Behind the reverse proxy REMOTE_ADDR is the proxy; the accounts middleware already trusts
    # X-Forwarded-For only when configured, so the portal uses the same REMOTE_ADDR it logs.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_hit(request: HttpRequest, bucket: str = "post", limit: int | None = None,
                   window: int | None = None) -> bool:
    """Count one request of this IP; True while within the limit. A fixed window per IP in the
    shared cache: good enough against a script, and needs no database writes."""
    limit = limit or int(getattr(settings, "PORTAL_RATE_LIMIT", RATE_LIMIT))
    window = window or int(getattr(settings, "PORTAL_RATE_WINDOW", RATE_WINDOW))
    key = f"portal:rl:{bucket}:{hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= limit


# -- captcha --------------------------------------------------------------------------------------
CAPTCHA_SESSION_KEY = "portal_captcha"


def _digest(answer: str, salt: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{salt}:{answer.strip()}".encode(), hashlib.sha256).hexdigest()


def captcha_new(request: HttpRequest) -> str:
    """A fresh arithmetic question drawn as an SVG with noise (Pillow is not installed, and an SVG
    needs no image endpoint). Only a keyed hash of the answer is kept in the session."""
    rng = secrets.SystemRandom()
    a, b = rng.randint(2, 19), rng.randint(1, 9)
    op = rng.choice("+-×")
    answer = {"+": a + b, "-": a - b, "×": a * b}[op]
    salt = secrets.token_hex(8)
    request.session[CAPTCHA_SESSION_KEY] = {"salt": salt, "hash": _digest(str(answer), salt)}
    return _svg(f"{a} {op} {b} = ?", rng)


def _svg(text: str, rng) -> str:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48" role="img" '
             'aria-label="验证码" class="portal-captcha"><rect width="160" height="48" fill="#f4f6f9"/>']
    for _i in range(6):
        parts.append(f'<line x1="{rng.randint(0, 160)}" y1="{rng.randint(0, 48)}" x2="{rng.randint(0, 160)}" '
                     f'y2="{rng.randint(0, 48)}" stroke="#{rng.randint(0x888888, 0xcccccc):06x}" stroke-width="1"/>')
    x = 12
    for ch in text:
        if ch == " ":
            x += 6
            continue
        parts.append(f'<text x="{x}" y="{rng.randint(28, 36)}" font-size="{rng.randint(20, 26)}" '
                     f'font-family="monospace" fill="#{rng.randint(0x102040, 0x404080):06x}" '
                     f'transform="rotate({rng.randint(-15, 15)} {x} 30)">{ch}</text>')
        x += 16
    parts.append("</svg>")
    return "".join(parts)


def captcha_check(request: HttpRequest, answer: str) -> bool:
    """One attempt per question: the stored answer is removed whatever the outcome."""
    stored = request.session.pop(CAPTCHA_SESSION_KEY, None)
    if not stored or not (answer or "").strip():
        return False
    return hmac.compare_digest(stored["hash"], _digest(answer.strip(), stored["salt"]))


# -- complaints -----------------------------------------------------------------------------------
@dataclass
class IntakeActor:
    """The portal files complaints on behalf of a city office without a user account: an
    anonymous citizen has none, and a shared "portal" login would be a standing credential.
    Looks like a clerk of that office to the enforcement services (role codes and unit)."""

    unit: Unit
    username: str = "公众门户"
    pk: None = None
    is_authenticated: bool = True
    is_active: bool = True
    role_codes: set = field(default_factory=lambda: {"clerk"})

    @property
    def unit_id(self) -> int:
        return self.unit.pk

    def get_username(self) -> str:
        return self.username


def city_office(city: Region) -> Unit:
    office = (Unit.objects.filter(region=city, is_office=True, is_active=True)
              .select_related("department", "region").first())
    if office is None:
        raise ValidationError({"city": _("该市尚未开通网上投诉举报。")})
    return office


def _complaint_number(city: Region) -> str:
    return f"WS{city.code}{clock.today():%Y%m%d}{''.join(secrets.choice('0123456789') for _ in range(6))}"


@transaction.atomic
def portal_complaint_file(*, city: Region, kind: str, content: str, subject_name: str = "",
                          subject_credit_code: str = "", product_category: ProductCategory | None = None,
                          anonymous: bool = False, reporter_name: str = "", reporter_phone: str = "",
                          attachment: UploadedFile | None = None) -> tuple[Complaint, str]:
    """File a complaint or tip with the city office of `city`; returns it and the tracking code
    (shown once to the citizen, stored only as a hash). An anonymous tip keeps no name or phone."""
    if city.level != Region.Level.CITY:
        raise ValidationError({"city": _("请选择所在城市。")})
    office = city_office(city)
    if not anonymous and kind == Complaint.Kind.COMPLAINT and not reporter_phone.strip():
        # A complaint is mediated (a tip is not): the office must be able to call back.
        raise ValidationError({"reporter_phone": _("投诉需要留下联系电话以便调解；不愿留下身份请选择匿名举报。")})
    fields: dict[str, Any] = {
        "number": _complaint_number(city), "kind": kind, "channel": Complaint.Channel.PORTAL,
        "received_on": clock.today(), "anonymous": anonymous, "subject_name": subject_name.strip(),
        "subject_credit_code": normalise_uscc(subject_credit_code) if subject_credit_code else "",
        "product_category": product_category, "content": content.strip(),
        "reporter_name": "" if anonymous else reporter_name.strip(),
        "reporter_phone": "" if anonymous else reporter_phone.strip(),
    }
    if attachment is not None:
        fields["attachment"] = attachment
    complaint = complaint_receive(unit=office, actor=IntakeActor(unit=office), **fields)
    code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(16))
    ComplaintTracking.objects.create(complaint=complaint, code_hash=ComplaintTracking.hash_of(code))
    record_event("portal.complaint_file", complaint, detail={"anonymous": anonymous, "city": city.code})
    return complaint, code
