"""A certificate's verification code (验证码): the venue prints it (scorer.reports.certificates) and
headquarters re-computes it from the results it recomputed (scorer.hq.certs), so both must use this
one function. Pure: no reportlab, nothing from the store."""

from __future__ import annotations

import base64
import hashlib
from decimal import Decimal


def verification_code(competition_id: str, event: str, code: str, award: str, total: Decimal | str) -> str:
    """The certificate's check code, which headquarters can re-compute from the results:

        base32(sha256("|".join([competition_id, event, code, award, str(total)]).encode("utf-8")))

    without "=" padding, first 10 characters (A–Z, 2–7). `total` is the rounded total as printed
    in the results (e.g. "88.15"). There is no secret in it yet: it shows a certificate matches a
    result, not who issued it; a signed version comes with the sync issue.
    """
    text = "|".join([competition_id, event, code, award, str(total)])
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=")[:10]
