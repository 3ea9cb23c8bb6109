"""Where a deployment's base store lives (its imported versions sit beside it, see ``versions``)."""

from __future__ import annotations

from pathlib import Path

from xingtu.settings import Settings, get_settings


def store_path(settings: Settings | None = None) -> Path:
    """The base store of the settings' province, counties and dataset."""
    settings = settings or get_settings()
    suffix = f"-{len(settings.counties)}c" if settings.counties else ""
    # an empty base has its own file, so its imported versions never sit on the sample's
    suffix += "-empty" if settings.dataset == "empty" else ""
    return settings.store_dir / f"xingtu-{settings.province}{suffix}.duckdb"
