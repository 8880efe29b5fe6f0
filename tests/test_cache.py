"""The loaded-library cache: a warm load parses nothing; any change, damage or doubt means loading from the files."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from costmodel.data import cache, reader
from costmodel.data.catalog import Catalog, bundled_dir, load_catalog


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """(pricing, scenarios, cache folder): a private copy of the bundled data and an empty cache."""
    for name in ("pricing", "scenarios"):
        shutil.copytree(bundled_dir(name), tmp_path / name)
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cache.CACHE_SWITCH_ENV, raising=False)
    return tmp_path / "pricing", tmp_path / "scenarios", folder


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.library")) if folder.exists() else []


def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every YAML parse from now on (the warm path must make none)."""
    calls: list[str] = []
    original = reader.parse_yaml

    def counting(text: str, path: str | Path) -> object:
        calls.append(str(path))
        return original(text, path)

    monkeypatch.setattr(reader, "parse_yaml", counting)
    monkeypatch.setattr("costmodel.data.validation.parse_yaml", counting)  # load_model parses through this name
    return calls


def test_a_warm_load_parses_no_yaml_and_gives_the_same_library(library, monkeypatch) -> None:
    pricing, scenarios, folder = library
    cold = load_catalog(pricing, scenarios)
    assert len(entries(folder)) == 1
    calls = parses(monkeypatch)
    warm = load_catalog(pricing, scenarios)
    assert calls == []
    assert warm.skus == cold.skus and warm.stacks == cold.stacks and warm.scenarios == cold.scenarios
    assert warm.fx == cold.fx and warm.files == cold.files and warm.sku_paths == cold.sku_paths


def test_an_edited_file_is_loaded_from_the_files(library, monkeypatch) -> None:
    pricing, scenarios, folder = library
    load_catalog(pricing, scenarios)
    path = scenarios / "support-call-5min.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    calls = parses(monkeypatch)
    edited = load_catalog(pricing, scenarios)
    assert calls  # the files were read again
    assert edited.scenarios["support-call-5min"].title.startswith("Edited")
    assert len(entries(folder)) == 2  # one entry per distinct set of file contents


def test_a_damaged_entry_is_ignored_and_rewritten(library, monkeypatch) -> None:
    pricing, scenarios, folder = library
    load_catalog(pricing, scenarios)
    (entry,) = entries(folder)
    blob = bytearray(entry.read_bytes())
    blob[-10] ^= 0xFF  # one flipped bit in the payload: its digest no longer matches
    entry.write_bytes(bytes(blob))
    calls = parses(monkeypatch)
    assert load_catalog(pricing, scenarios).skus
    assert calls
    assert cache.read_entry(entry, entry.read_bytes()[len(cache.MAGIC) : len(cache.MAGIC) + 32], Catalog) is not None


@pytest.mark.parametrize("damage", ["truncated", "empty", "wrong magic", "not a pickle"])
def test_an_unreadable_entry_is_ignored(library, monkeypatch, damage: str) -> None:
    pricing, scenarios, folder = library
    load_catalog(pricing, scenarios)
    (entry,) = entries(folder)
    blob = entry.read_bytes()
    head = len(cache.MAGIC)
    import hashlib

    damaged = {
        "truncated": blob[: head + 40],
        "empty": b"",
        "wrong magic": b"x" * head + blob[head:],
        "not a pickle": blob[: head + 32] + hashlib.sha256(b"junk").digest() + b"junk",
    }[damage]
    entry.write_bytes(damaged)
    key = blob[head : head + 32]
    assert cache.read_entry(entry, key, Catalog) is None
    assert load_catalog(pricing, scenarios).skus


def test_an_entry_others_may_write_is_not_trusted(library) -> None:
    pricing, scenarios, folder = library
    load_catalog(pricing, scenarios)
    (entry,) = entries(folder)
    key = entry.read_bytes()[len(cache.MAGIC) : len(cache.MAGIC) + 32]
    assert cache.read_entry(entry, key, Catalog) is not None
    entry.chmod(entry.stat().st_mode | stat.S_IWOTH)
    assert cache.read_entry(entry, key, Catalog) is None


def test_a_link_in_place_of_an_entry_is_not_followed(library, tmp_path: Path) -> None:
    pricing, scenarios, folder = library
    load_catalog(pricing, scenarios)
    (entry,) = entries(folder)
    key = entry.read_bytes()[len(cache.MAGIC) : len(cache.MAGIC) + 32]
    real = tmp_path / "elsewhere.library"
    entry.rename(real)
    entry.symlink_to(real)
    assert cache.read_entry(entry, key, Catalog) is None


def test_cache_off_writes_nothing(library, monkeypatch) -> None:
    pricing, scenarios, folder = library
    monkeypatch.setenv(cache.CACHE_SWITCH_ENV, "off")
    assert load_catalog(pricing, scenarios).skus
    assert entries(folder) == []


def test_a_read_only_cache_folder_only_costs_speed(library) -> None:
    pricing, scenarios, folder = library
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: make the folder a file instead
            folder.chmod(0o700)
            folder.rmdir()
            folder.write_text("not a folder")
        assert load_catalog(pricing, scenarios).skus
        assert load_catalog(pricing, scenarios).skus
    finally:
        if folder.is_dir():
            folder.chmod(0o700)


def test_bad_data_is_reported_and_never_cached(library) -> None:
    pricing, scenarios, folder = library
    (scenarios / "broken.yaml").write_text("schema_version: 1\ntitle: [unclosed\n", encoding="utf-8")
    from costmodel.errors import InputError

    with pytest.raises(InputError, match=r"broken\.yaml:\d+: "):
        load_catalog(pricing, scenarios)
    with pytest.raises(InputError, match=r"broken\.yaml:\d+: "):
        load_catalog(pricing, scenarios)
    assert entries(folder) == []


def test_entries_are_pruned_to_the_newest(library, monkeypatch) -> None:
    pricing, scenarios, folder = library
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    path = scenarios / "support-call-5min.yaml"
    original = path.read_text(encoding="utf-8")
    for edit in range(4):
        path.write_text(original.replace("title:", f"title: v{edit}", 1), encoding="utf-8")
        load_catalog(pricing, scenarios)
    assert len(entries(folder)) == 2
