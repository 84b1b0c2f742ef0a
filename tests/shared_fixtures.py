"""Where the workspace's shared webhook fixtures are (Shopify's public SDK fixtures, never committed).

They live in ``../shared/fixtures/webhooks`` beside the project. A clone made elsewhere (CI clones
the repository to a temporary directory) finds them beside the repository it was cloned from;
``SHIPLOG_WEBHOOK_FIXTURES`` names the folder outright.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELATIVE = Path("shared") / "fixtures" / "webhooks"


def _origin() -> Path | None:
    """The local repository this checkout was cloned from, if any."""
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
            capture_output=True, text=True, check=False, timeout=10,
        ).stdout.strip()  # fmt: skip
    except OSError:
        return None
    return Path(found).resolve() if found and "://" not in found and Path(found).is_dir() else None


def webhook_fixtures() -> Path:
    named = os.environ.get("SHIPLOG_WEBHOOK_FIXTURES")
    candidates = [Path(named)] if named else []
    candidates += [parent / RELATIVE for parent in ROOT.parents]
    origin = _origin()
    candidates += [parent / RELATIVE for parent in origin.parents] if origin else []
    for candidate in candidates:
        if (candidate / "shopify-order.json").is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"shared webhook fixtures not found (set SHIPLOG_WEBHOOK_FIXTURES); looked in {searched}")


FIXTURES = webhook_fixtures()
