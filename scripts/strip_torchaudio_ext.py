"""Remove torchaudio's CUDA-linked extension after install (see requirements/constraints.txt).

The logic lives in `callqa.models.prepare.strip_torchaudio_extension` (also run by `callqa models --prepare`,
so a plain `pip install` gets the same environment); this script runs it before callqa itself is installed.
"""

import importlib.util
import pathlib
import sys

if importlib.util.find_spec("torchaudio") is None:
    raise SystemExit("torchaudio is not installed")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from callqa.models.prepare import strip_torchaudio_extension  # noqa: E402

removed = strip_torchaudio_extension()
print(f"torchaudio: removed CUDA-linked extension {removed or '(none to remove)'}")
