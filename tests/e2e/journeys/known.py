"""The issue 14 §1 bugs that other branches fix, and which journey variants they hold back.

Each such variant is marked ``xfail(strict=True)``: it must fail until the fix is merged, and then
the mark has to go (a strict xfail that passes fails the run). Everything about the marks is here.
"""

from __future__ import annotations

import pytest

WIZARD = "issue 14 §1 the return wizard dead-ends with JavaScript on (htmx:targetError #main): fixed on branch shopper"
UPDATES_ITSELF = "issue 14 §1 without JavaScript the page says 'This page updates itself': fixed on branch shopper"
OLD_VARIANT = "issue 14 §1 an exchange parcel lists the old variant: fixed on branch shopper"

CUSTOMER_SIZES = ("desktop", "mobile")  # 390x844 and 1280x900
STAFF_SIZES = ("desktop",)


def variants(sizes: tuple[str, ...], **held: str) -> list[object]:
    """JavaScript on and off at each size, as ``js``/``nojs`` (``js_mobile``... with two sizes).

    ``held`` maps ``all``, ``js``, ``nojs`` or one id to the bug that holds those variants back."""
    params = []
    for js in (True, False):
        for size in sizes:
            mode = "js" if js else "nojs"
            ident = f"{mode}_{size}" if len(sizes) > 1 else mode
            reasons = [reason for key, reason in held.items() if key in ("all", mode, ident)]
            marks = [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []
            params.append(pytest.param(js, size, marks=marks, id=ident))
    return params
