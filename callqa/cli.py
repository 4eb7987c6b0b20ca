"""Command line: `callqa score`, `rescore`, `show`, `report`, `export`, `models`, `checks`."""

from __future__ import annotations

import argparse
import sys


def _cmd_models(args: argparse.Namespace) -> int:
    from callqa.models.paths import campplus_checkpoint, segmentation_checkpoint, whisper_base_dir, whisper_tiny_en_dir

    base = whisper_base_dir()
    print(f"whisper base (multilingual): {base}")
    print(f"whisper tiny.en:             {whisper_tiny_en_dir()}")
    print(f"pyannote segmentation-3.0:   {segmentation_checkpoint()}")
    print(f"CAM++ speaker embedding:     {campplus_checkpoint()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callqa", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("models", help="prepare and list the local models")
    p.add_argument("--prepare", action="store_true", help="join/verify model files into the cache")
    p.set_defaults(func=_cmd_models)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
