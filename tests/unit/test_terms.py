"""Term lists: validation, whole-word matching on normalised text, the file store."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from moderation.errors import NotFound, PolicyError
from moderation.normalize import normalize
from moderation.terms import CompiledLists, ListStore, TermList, TermListBody
from moderation.terms.store import SHIPPED_DIR


def _deny(*terms: str, name: str = "site-deny", action: str = "flag") -> TermList:
    return TermList(
        name=name,
        origin="site",
        kind="deny",
        terms=[{"term": t, "category": "discourtesy", "action": action} for t in terms],
    )


def _allow(*terms: str, name: str = "site-allow") -> TermList:
    return TermList(name=name, origin="site", kind="allow", terms=[{"term": t} for t in terms])


def _matched(lists: CompiledLists, text: str) -> list[str]:
    norm = normalize(text)
    found = lists.match(norm)
    return [norm[h.start : h.end] for h in found.deny] + [norm[a:b] for a, b in found.allow]


@pytest.mark.parametrize(
    "text",
    ["what a libtard", "LIBTARD!", "l1btard", "l i b t a r d", "L-I-B-T-A-R-D", "lib\u200btard"],
)
def test_deny_terms_match_obfuscated_forms(text: str) -> None:
    assert _matched(CompiledLists([_deny("libtard")]), text) == ["libtard"]


@pytest.mark.parametrize("text", ["libtardism", "superlibtard", "lib tard", "library card"])
def test_deny_terms_match_whole_words_only(text: str) -> None:
    assert _matched(CompiledLists([_deny("libtard")]), text) == []


def test_substrings_of_innocent_words_never_match() -> None:
    lists = CompiledLists([_deny("cunt", "ass"), _allow("Scunthorpe")])
    assert _matched(lists, "Scunthorpe United won, a classic pass") == ["scunthorpe"]


def test_phrases_match_as_word_sequences() -> None:
    lists = CompiledLists([_deny("go back to your country"), _allow("knob noster")])
    assert _matched(lists, "Go back to your country!") == ["go back to your country"]
    assert _matched(lists, "go back to your home country") == []
    assert _matched(lists, "Knob Noster, Missouri") == ["knob noster"]


def test_the_digest_versions_the_lists() -> None:
    a = CompiledLists([_deny("libtard")])
    assert a.digest == CompiledLists([_deny("libtard")]).digest
    assert a.digest != CompiledLists([_deny("libtard", action="reject")]).digest
    assert a.digest != CompiledLists([]).digest


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "deny", "terms": [{"term": "libtard"}]},  # deny needs a category
        {"kind": "deny", "terms": [{"term": "x", "category": "rudeness"}]},
        {"kind": "allow", "terms": [{"term": "***"}]},  # nothing left once normalised
        {"kind": "allow", "terms": [{"term": "one two three four five six seven eight nine"}]},
        {"kind": "allow", "terms": [{"term": "x" * 101}]},
        {"kind": "block", "terms": []},
        {"kind": "allow", "terms": [], "extra": 1},
    ],
)
def test_invalid_lists_are_refused(body: dict) -> None:
    with pytest.raises(ValidationError):
        TermListBody.model_validate(body)


def test_shipped_lists_load_and_are_all_valid() -> None:
    store = ListStore(Path("/nonexistent"))
    names = {t.name for t in store.all()}
    assert names == {p.stem for p in SHIPPED_DIR.glob("*.toml")}
    assert all(t.origin == "shipped" for t in store.all())


def test_example_identity_list_is_valid() -> None:
    example = SHIPPED_DIR.parent / "examples" / "identity.toml"
    body = TermListBody.model_validate(
        {k: v for k, v in tomllib.loads(example.read_text()).items() if k != "revision"}
    )
    assert body.kind == "allow" and len(body.terms) > 40


def test_put_is_live_versioned_and_kept_in_history(tmp_path: Path) -> None:
    store = ListStore(tmp_path, check_interval=3600)
    before = store.version
    first = store.put("site-deny", TermListBody(kind="deny", terms=_deny("libtard").terms))
    assert (first.revision, first.origin) == (1, "site")
    assert store.version != before
    assert store.current().match("a libtard").deny  # live at once, despite the long interval
    second = store.put("site-deny", TermListBody(kind="deny", terms=_deny("moron").terms))
    assert second.revision == 2
    assert not store.current().match("a libtard").deny
    history = tmp_path / ".history" / "site-deny.r1.toml"
    assert "libtard" in history.read_text()


def test_a_site_list_overrides_the_shipped_one_until_deleted(tmp_path: Path) -> None:
    store = ListStore(tmp_path)
    assert store.current().match("scunthorpe").allow
    store.put("places", TermListBody(kind="allow", terms=[]))
    assert store.get("places").origin == "site"
    assert not store.current().match("scunthorpe").allow
    restored = store.delete("places")
    assert restored is not None and restored.origin == "shipped"
    assert store.current().match("scunthorpe").allow
    with pytest.raises(NotFound):
        store.delete("places")
    with pytest.raises(NotFound):
        store.get("nope")


def test_other_processes_see_a_change_without_restart(tmp_path: Path) -> None:
    writer = ListStore(tmp_path)
    reader = ListStore(tmp_path, check_interval=0)  # another worker, checking every call
    writer.put("site-deny", TermListBody(kind="deny", terms=_deny("libtard").terms))
    assert reader.current().match("libtard").deny
    assert reader.version == writer.version


def test_hand_edited_files_are_picked_up(tmp_path: Path) -> None:
    reader = ListStore(tmp_path, check_interval=0)
    (tmp_path / "mine.toml").write_text(
        'kind = "deny"\n[[terms]]\nterm = "numpty"\ncategory = "discourtesy"\naction = "reject"\n'
    )
    hit = reader.current().match("you numpty").deny[0]
    assert (hit.list_name, hit.action, hit.source) == ("mine", "reject", "list:mine")


def test_a_broken_file_stops_start_up_but_not_a_running_service(tmp_path: Path) -> None:
    good = tmp_path / "mine.toml"
    good.write_text('kind = "allow"\n[[terms]]\nterm = "numpty"\n')
    store = ListStore(tmp_path, check_interval=0)
    good.write_text('kind = "deny"\n[[terms]]\nterm = "numpty"\n')  # deny without a category
    os.utime(good, ns=(1, 1))
    assert store.current().match("numpty").allow  # the last good lists stay in force
    with pytest.raises(PolicyError, match=r"mine\.toml"):
        ListStore(tmp_path)
    good.unlink()
    (tmp_path / "other.toml").write_text('name = "wrong"\nkind = "allow"\n')
    with pytest.raises(PolicyError, match="must match the file"):
        ListStore(tmp_path)
