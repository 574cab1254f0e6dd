"""Reply templates: the shipped set loads and renders; typos and missing values are caught before posting."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.templates import TemplateError, load_templates, parse_template, render, values_for

SCHOOL = parse_config({"schools": [{
    "slug": "oak-lane", "name": "Oak Lane Primary", "nation": "ENG", "official_phone": ["01632 960999"],
    "official_email": ["office@oak-lane.example.sch.uk"], "complaints_url": "https://oak-lane.example/complaints",
}]}).schools[0]


def test_the_shipped_templates_render_with_the_schools_details() -> None:
    templates = load_templates()
    assert {"removed_comment", "contact_office", "complaints_procedure", "acknowledge"} <= set(templates)
    values = values_for(SCHOOL, category="pupil_identified", due_at=datetime(2026, 11, 19, 11, 20, tzinfo=UTC))
    removed = render("removed_comment", values, templates)
    assert removed.startswith("We have removed a comment from this post because it named a pupil.")
    assert "#" not in removed and removed.endswith("Oak Lane Primary")
    assert "01632 960999" in render("contact_office", values, templates)
    assert "https://oak-lane.example/complaints" in render("complaints_procedure", values, templates)
    assert "by Thursday 19 November" in render("acknowledge", values, templates)


def test_a_missing_value_names_the_placeholder_and_where_it_comes_from() -> None:
    school = SCHOOL.model_copy(update={"complaints_url": None})
    with pytest.raises(TemplateError, match="needs a value for complaints_url .*schools.complaints_url"):
        render("complaints_procedure", values_for(school, category="abuse", due_at=None), load_templates())


def test_set_values_override_and_unknown_ones_are_refused() -> None:
    values = values_for(SCHOOL, category="abuse", due_at=None, overrides={"reason": "it broke our rules"})
    assert "because it broke our rules." in render("removed_comment", values, load_templates())
    with pytest.raises(TemplateError, match="unknown placeholder 'colour'"):
        values_for(SCHOOL, category="abuse", due_at=None, overrides={"colour": "red"})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("Dear {parent_name}, hello", "unknown placeholder {parent_name}"),
        ("Hello {school_name!r}", "unknown placeholder"),
        ("A lone { brace", "literal brace"),
        ("# only a comment\n", "empty"),
    ],
)
def test_template_mistakes_are_caught_when_loading(source: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        parse_template("x", source, origin="x.txt")


def test_templates_dir_from_config_resolves_next_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "replies").mkdir()
    (tmp_path / "replies" / "thanks.txt").write_text("Thank you! {school_name}", encoding="utf-8")
    config = tmp_path / "socialguard.toml"
    config.write_text('[replies]\ntemplates_dir = "replies"\n[[schools]]\nslug = "a"\nname = "A"\nnation = "ENG"\n',
                      encoding="utf-8")
    from bot.config import load_config

    settings = load_config(config)
    assert settings.replies.templates_dir == tmp_path / "replies"
    assert set(load_templates(settings.replies.templates_dir)) == {"thanks"}
    with pytest.raises(TemplateError, match="folder not found"):
        load_templates(tmp_path / "nope")
