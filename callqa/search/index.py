"""The search index of a results folder: one positional inverted index per night, built from the Parquet tables.

Each night's segment lives in `RESULTS/cache/search/night=<night>-<fingerprint>/`; the fingerprint is taken from
the size and modification time of that night's `utterances`, `calls` and `checks` partitions, so a night that
`callqa score` or `report` rewrote is indexed again on the next search (lazily, that night only) and the others
are reused. A segment holds, per key (stem, character or pinyin — `callqa.search.tokens`), the sorted codes
`row << 16 | position` of every occurrence, so phrases are found by shifting and intersecting those arrays. The
index is a cache: written atomically (a folder renamed into place), validated when read, rebuilt when damaged,
and kept in memory when the folder cannot be written.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from callqa.search.tokens import search_tokens

INDEX_VERSION = 1
INDEX_DIR = Path("cache") / "search"
POS_BITS = 16
MAX_POSITIONS = (1 << POS_BITS) - 256  # tokens indexed per utterance (a phrase shift never crosses a row)
ROLES = ("agent", "customer", "unknown")
_ARRAYS = ("call", "utt", "role", "speaker", "channel", "start_s", "end_s", "text_off", "post_off", "post",
           "surface_key")  # fmt: skip


class StaleIndex(ValueError):
    """A segment written by another index version: rebuilt without a warning."""


class SearchError(RuntimeError):
    """A results folder that cannot be searched; the message names the folder and the reason."""


@dataclass(frozen=True)
class Source:
    """The Parquet partitions one night's segment is built from."""

    night: str
    utterances: Path
    calls: Path | None
    checks: Path | None

    def fingerprint(self) -> str:
        parts: list[Any] = [INDEX_VERSION, self.night]
        for p in (self.utterances, self.calls, self.checks):
            st = p.stat() if p is not None and p.exists() else None
            parts.append(None if st is None else (st.st_size, st.st_mtime_ns))
        return hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:16]


def find_sources(root: Path) -> list[Source]:
    """The nights of a results folder, or SearchError saying what is missing."""
    if not root.exists():
        raise SearchError(f"{root}: no such results folder")
    if not root.is_dir():
        raise SearchError(f"{root}: not a folder (give the results folder of `callqa score --out`)")
    utt = root / "utterances.parquet"
    if utt.is_file():
        raise SearchError(
            f"{root}: tables in the old flat layout; run `callqa report {root}` once to convert them"
        )
    parts = sorted(utt.glob("night=*/part-0.parquet")) if utt.is_dir() else []
    if not parts:
        if any((root / "calls").glob("*.json")):
            raise SearchError(
                f"{root}: calls but no utterances table yet; run `callqa report {root}` to build it"
            )
        raise SearchError(
            f"{root}: no scored calls (no utterances.parquet/night=*/) — is this a results folder?"
        )
    out = []
    for p in parts:
        night = p.parent.name[len("night=") :]
        calls = root / "calls.parquet" / p.parent.name / "part-0.parquet"
        checks = root / "checks.parquet" / p.parent.name / "part-0.parquet"
        out.append(Source(night, p, calls if calls.exists() else None, checks if checks.exists() else None))
    return out


@dataclass(frozen=True)
class SegmentDetails:
    """The per-call part of a segment, read only when a filter or a hit needs it."""

    calls: list[dict[str, Any]]  # call_id, agent, agent_id, agent_name, language, audio, redacted, started_at
    speakers: list[str]
    statuses: dict[str, list[str | None]]  # check -> status per call
    pinyin: dict[str, str]  # Han key -> its pinyin key (so a query needs no pypinyin)


@dataclass(eq=False)
class Segment:
    """One night's index, in memory or memory-mapped from its folder."""

    night: str
    arrays: dict[str, np.ndarray]
    text_blob: bytes | np.ndarray
    keys: list[str]  # sorted; a key's id is its position
    surfaces: list[str]  # sorted normalized words (not Han), `surface_key` their key ids
    agents: list[str]  # the report's agent keys of the night's calls
    source: SegmentDetails | Path  # the details, or the file they are read from on first use

    @property
    def details(self) -> SegmentDetails:
        if isinstance(self.source, Path):
            d = json.loads(self.source.read_text(encoding="utf-8"))
            self.source = SegmentDetails(d["calls"], d["speakers"], d["statuses"], d["pinyin"])
        return self.source

    @property
    def calls(self) -> list[dict[str, Any]]:
        return self.details.calls

    @property
    def speakers(self) -> list[str]:
        return self.details.speakers

    @property
    def statuses(self) -> dict[str, list[str | None]]:
        return self.details.statuses

    @property
    def pinyin(self) -> dict[str, str]:
        return self.details.pinyin

    @property
    def n_rows(self) -> int:
        return int(self.arrays["call"].shape[0])

    def key_id(self, key: str) -> int | None:
        i = bisect.bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else None

    def postings(self, key_id: int) -> np.ndarray:
        off = self.arrays["post_off"]
        return self.arrays["post"][int(off[key_id]) : int(off[key_id + 1])]

    def prefix_key_ids(self, prefix: str) -> list[int]:
        lo = bisect.bisect_left(self.surfaces, prefix)
        hi = bisect.bisect_left(self.surfaces, prefix + "\U0010ffff")
        return sorted({int(k) for k in self.arrays["surface_key"][lo:hi]})

    def surface_key_ids(self, surfaces: list[str]) -> list[int]:
        ids = []
        for s in surfaces:
            i = bisect.bisect_left(self.surfaces, s)
            if i < len(self.surfaces) and self.surfaces[i] == s:
                ids.append(int(self.arrays["surface_key"][i]))
        return ids

    def text(self, row: int) -> str:
        off = self.arrays["text_off"]
        return bytes(self.text_blob[int(off[row]) : int(off[row + 1])]).decode("utf-8")


# ------------------------------------------------------------------------------------------ building
def _read(path: Path | None, columns: list[str]) -> dict[str, list[Any]]:
    import pyarrow.parquet as pq

    if path is None:
        return {c: [] for c in columns}
    table = pq.read_table(path, partitioning=None)
    return {c: (table.column(c).to_pylist() if c in table.column_names else [None] * table.num_rows)
            for c in columns}  # fmt: skip


def build_segment(source: Source) -> Segment:
    """Index one night: read its partitions, tokenize every utterance, sort the postings."""
    utt = _read(
        source.utterances, ["call_id", "index", "speaker", "role", "start_s", "end_s", "text", "channel"]
    )
    cols = [
        "call_id",
        "agent_id",
        "agent_name",
        "language",
        "audio_path",
        "audio_redacted_path",
        "started_at",
    ]
    calls_tab = _read(source.calls, cols)
    checks_tab = _read(source.checks, ["call_id", "check", "status"])
    call_index: dict[str, int] = {}
    calls: list[dict[str, Any]] = []
    for i, cid in enumerate(calls_tab["call_id"]):
        if cid is None or cid in call_index:
            continue
        row = {c: calls_tab[c][i] for c in cols}
        row["started_at"] = None if row["started_at"] is None else str(row["started_at"])
        row["agent"] = row["agent_id"] or row["agent_name"] or "(unknown)"  # the report's grouping key
        call_index[cid] = len(calls)
        calls.append(row)
    for cid in utt["call_id"]:  # an utterance whose call row is missing still gets a call
        if cid not in call_index:
            call_index[cid] = len(calls)
            calls.append({c: None for c in cols} | {"call_id": cid, "agent": "(unknown)"})
    statuses: dict[str, list[str | None]] = {}
    for cid, check, status in zip(
        checks_tab["call_id"], checks_tab["check"], checks_tab["status"], strict=True
    ):
        if cid in call_index and check:
            statuses.setdefault(check, [None] * len(calls))[call_index[cid]] = status
    speakers: dict[str, int] = {}
    n = len(utt["call_id"])
    texts = [t or "" for t in utt["text"]]
    blob = [t.encode("utf-8") for t in texts]
    text_off = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([len(b) for b in blob], out=text_off[1:])
    key_ids: dict[str, int] = {}
    surface_of: dict[str, int] = {}
    pin_of: dict[str, str] = {}
    k_list: list[int] = []
    c_list: list[int] = []
    from callqa.search.tokens import pinyin_key

    for r, text in enumerate(texts):
        base = r << POS_BITS
        for pos, t in enumerate(search_tokens(text)[:MAX_POSITIONS]):
            kid = key_ids.setdefault(t.key, len(key_ids))
            k_list.append(kid)
            c_list.append(base | pos)
            if t.han:
                pk = pin_of.get(t.key)
                if pk is None:
                    pk = pin_of[t.key] = pinyin_key(t.key)
                k_list.append(key_ids.setdefault(pk, len(key_ids)))
                c_list.append(base | pos)
            else:
                surface_of.setdefault(t.surface, kid)
    keys_sorted = sorted(key_ids)
    remap = np.empty(len(key_ids), dtype=np.int32)
    for new, k in enumerate(keys_sorted):
        remap[key_ids[k]] = new
    kk = remap[np.asarray(k_list, dtype=np.int64)] if k_list else np.zeros(0, dtype=np.int32)
    cc = np.asarray(c_list, dtype=np.int64)
    order = np.lexsort((cc, kk))
    post_off = np.zeros(len(keys_sorted) + 1, dtype=np.int64)
    np.cumsum(np.bincount(kk, minlength=len(keys_sorted)), out=post_off[1:])
    surfaces = sorted(surface_of)
    arrays: dict[str, np.ndarray] = {
        "call": np.asarray([call_index[c] for c in utt["call_id"]], dtype=np.int32),
        "utt": np.asarray([-1 if i is None else i for i in utt["index"]], dtype=np.int32),
        "role": np.asarray([ROLES.index(r) if r in ROLES else 2 for r in utt["role"]], dtype=np.int8),
        "speaker": np.asarray(
            [speakers.setdefault(str(s), len(speakers)) for s in utt["speaker"]], dtype=np.int32
        ),
        "channel": np.asarray([-1 if c is None else int(c) for c in utt["channel"]], dtype=np.int8),
        "start_s": np.asarray([np.nan if v is None else v for v in utt["start_s"]], dtype=np.float64),
        "end_s": np.asarray([np.nan if v is None else v for v in utt["end_s"]], dtype=np.float64),
        "text_off": text_off,
        "post_off": post_off,
        "post": cc[order].astype(np.uint32) if n < (1 << (32 - POS_BITS)) else cc[order],  # half the size
        "surface_key": np.asarray([remap[surface_of[s]] for s in surfaces], dtype=np.int32),
    }
    agents = sorted({str(c["agent"]) for c in calls})
    details = SegmentDetails(calls, list(speakers), statuses, pin_of)
    return Segment(source.night, arrays, b"".join(blob), keys_sorted, surfaces, agents, details)


def save_segment(seg: Segment, folder: Path, meta: dict[str, Any]) -> None:
    """Write `seg` into `folder` atomically: a temporary folder renamed into place (a reader never sees half).

    `data.bin` holds every array and the text back to back (8-byte aligned, one memory map), `meta.json` their
    layout, `keys.txt`/`surfaces.txt` the vocabulary, `details.json` the calls (read only when needed).
    """
    tmp = folder.with_name(f".tmp-{folder.name}-{os.getpid()}-{time.monotonic_ns()}")
    tmp.mkdir(parents=True)
    try:
        layout: dict[str, list[Any]] = {}
        with open(tmp / "data.bin", "wb") as f:
            pieces = [(n, np.ascontiguousarray(seg.arrays[n])) for n in _ARRAYS]
            pieces.append(("text", np.frombuffer(bytes(seg.text_blob), dtype=np.uint8)))
            pos = 0
            for name, arr in pieces:
                pad = -pos % 8
                f.write(b"\0" * pad)
                pos += pad
                layout[name] = [pos, arr.dtype.str, list(arr.shape)]
                f.write(arr.tobytes())
                pos += arr.nbytes
        (tmp / "keys.txt").write_text("\n".join(seg.keys), encoding="utf-8")
        (tmp / "surfaces.txt").write_text("\n".join(seg.surfaces), encoding="utf-8")
        d = seg.details
        details = {"calls": d.calls, "speakers": d.speakers, "statuses": d.statuses, "pinyin": d.pinyin}
        (tmp / "details.json").write_text(
            json.dumps(details, ensure_ascii=False, default=str), encoding="utf-8"
        )
        doc = {**meta, "version": INDEX_VERSION, "night": seg.night, "n_rows": seg.n_rows, "n_keys": len(seg.keys),
               "n_surfaces": len(seg.surfaces), "data_bytes": pos, "layout": layout, "agents": seg.agents}  # fmt: skip
        (tmp / "meta.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "meta.json").exists():  # not a concurrent search that got there first
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def load_segment(folder: Path) -> Segment:
    """A saved segment, memory-mapped; ValueError/OSError/KeyError when it is damaged or of another version."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("version") != INDEX_VERSION:
        raise StaleIndex(f"index version {meta.get('version')}")
    size = (folder / "data.bin").stat().st_size
    if size != meta["data_bytes"]:
        raise ValueError(f"data.bin has {size} bytes, expected {meta['data_bytes']} (damaged)")
    mm = np.memmap(folder / "data.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, dtype=np.uint8)
    views = {}
    for name, (off, dtype, shape) in meta["layout"].items():
        dt = np.dtype(dtype)
        n = int(np.prod(shape)) * dt.itemsize
        views[name] = mm[off : off + n].view(dt).reshape(shape)
    keys, surfaces, n = _lines(folder / "keys.txt"), _lines(folder / "surfaces.txt"), int(meta["n_rows"])
    if len(keys) != meta["n_keys"] or len(surfaces) != meta["n_surfaces"]:
        raise ValueError("vocabulary does not match (damaged)")
    arrays = {name: views[name] for name in _ARRAYS}
    if (arrays["call"].shape[0] != n or arrays["text_off"].shape[0] != n + 1
            or arrays["post_off"].shape[0] != len(keys) + 1 or int(arrays["post_off"][-1]) != arrays["post"].shape[0]
            or int(arrays["text_off"][-1]) != views["text"].shape[0]
            or arrays["surface_key"].shape[0] != len(surfaces)):  # fmt: skip
        raise ValueError("sizes do not match (damaged)")
    if not (folder / "details.json").is_file():
        raise ValueError("details.json is missing (damaged)")
    return Segment(
        meta["night"], arrays, views["text"], keys, surfaces, meta["agents"], folder / "details.json"
    )


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return text.split("\n") if text else []


# ------------------------------------------------------------------------------------------ the index
@dataclass
class IndexState:
    """What opening the index did: nights built now, and whether they could be saved."""

    built: list[str] = field(default_factory=list)
    reused: int = 0
    unsaved: str | None = None  # why the new segments stayed in memory
    build_s: float = 0.0


def open_index(root: str | Path, *, nights: tuple[str | None, str | None] = (None, None),
               warn: bool = True) -> tuple[list[Segment], IndexState]:  # fmt: skip
    """The segments of `root` whose night lies in `nights` (inclusive; None = open), building stale ones."""
    root = Path(root)
    state = IndexState()
    lo, hi = nights
    sources = [
        s for s in find_sources(root) if (lo is None or s.night >= lo) and (hi is None or s.night <= hi)
    ]
    base = root / INDEX_DIR
    segments: list[Segment] = []
    for src in sources:
        fp = src.fingerprint()
        folder = base / f"night={src.night}-{fp}"
        seg = None
        if folder.is_dir():
            try:
                seg = load_segment(folder)
                state.reused += 1
            except (OSError, ValueError, KeyError) as exc:  # damaged (e.g. a power cut): build it again
                if warn and not isinstance(exc, StaleIndex):
                    print(
                        f"callqa search: rebuilding a damaged index segment {folder} ({exc})", file=sys.stderr
                    )
                shutil.rmtree(folder, ignore_errors=True)
        if seg is None:
            t0 = time.perf_counter()
            try:
                seg = build_segment(src)
            except Exception as exc:  # noqa: BLE001 - a table pyarrow cannot read: name it
                raise SearchError(
                    f"{src.utterances}: cannot read the night's tables ({type(exc).__name__}: {exc})"
                ) from None
            state.build_s += time.perf_counter() - t0
            state.built.append(src.night)
            if state.unsaved is None:
                try:
                    save_segment(seg, folder, {"fingerprint": fp})
                    _drop_stale(base, src.night, keep=folder.name)
                except OSError as exc:
                    state.unsaved = f"{base}: {exc.strerror or exc}"
        segments.append(seg)
    if state.unsaved and warn:
        print(
            f"callqa search: could not save the index ({state.unsaved}); searched from memory",
            file=sys.stderr,
        )
    if not state.unsaved and base.is_dir():
        live = {s.night for s in find_sources(root)}
        for d in base.iterdir():  # nights that are gone, and temporary folders of searches that died
            if d.name.startswith(".tmp-"):
                if time.time() - d.stat().st_mtime > 3600:
                    shutil.rmtree(d, ignore_errors=True)
            elif _night_of(d.name) not in live:
                shutil.rmtree(d, ignore_errors=True)
    return segments, state


def _night_of(name: str) -> str | None:
    """`night=<night>-<16 hex>` -> night."""
    if name.startswith("night=") and len(name) > 23 and name[-17] == "-":
        return name[len("night=") : -17]
    return None


def _drop_stale(base: Path, night: str, *, keep: str) -> None:
    for d in base.iterdir():
        if d.name != keep and _night_of(d.name) == night:
            shutil.rmtree(d, ignore_errors=True)


def index_size_bytes(root: str | Path) -> int:
    base = Path(root) / INDEX_DIR
    return sum(p.stat().st_size for p in base.rglob("*") if p.is_file()) if base.is_dir() else 0
