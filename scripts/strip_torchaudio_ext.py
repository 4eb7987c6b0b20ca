"""Remove torchaudio's compiled extension after install (see requirements/constraints.txt).

The PyPI torchaudio wheel links against CUDA builds of libtorch and fails to load with the CPU torch.
torchaudio skips its extension when the files are absent, and what pyannote uses with in-memory audio
(kaldi fbank, resample) is pure PyTorch.
"""

import importlib.util
import pathlib

spec = importlib.util.find_spec("torchaudio")
if spec is None or not spec.submodule_search_locations:
    raise SystemExit("torchaudio is not installed")
lib = pathlib.Path(list(spec.submodule_search_locations)[0]) / "lib"
removed = [p.name for p in lib.glob("*.so")]
for p in lib.glob("*.so"):
    p.unlink()
print(f"torchaudio: removed CUDA-linked extension {removed or '(already removed)'}")
