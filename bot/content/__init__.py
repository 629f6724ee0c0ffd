"""The sample FAQ and response templates, shipped inside the package.

A team points ``SOCIALOPS_FAQ_DIR`` and ``SOCIALOPS_RESPONSES_DIR`` at its own folders (``socialops
faq export DIR`` copies the store's FAQ out to start one); until then the bot runs on these.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# A wheel installs as plain files, so these are real folders; nothing reads the project checkout.
SAMPLE_FAQ_DIR = Path(str(resources.files(__name__) / "faq"))
SAMPLE_RESPONSES_DIR = Path(str(resources.files(__name__) / "responses"))
