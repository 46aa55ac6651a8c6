"""Docs cannot rot: the README's settings table is the one generated from Settings."""

import re
from pathlib import Path

import pytest

from api.settings_doc import iter_settings, settings_table

pytestmark = pytest.mark.unit
README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_settings_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- settings:start -->\n(.*?)\n<!-- settings:end -->", text, re.S)
    assert block, "README lacks the settings block"
    assert block.group(1).strip() == settings_table().strip(), "run: policy-assistant settings"


def test_every_setting_has_a_description() -> None:
    assert all(description for *_, description in iter_settings())


def test_readme_names_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text
