"""The threat-phrasing rule: direct threats found (through obfuscation), ordinary talk of
violence, sport and politics left alone, offsets pointing at what the author typed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moderation.detectors import category_scores, detect
from moderation.detectors.threats import find_threats


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("I will find where you live and hurt you", "I will find where you live and hurt you"),
        ("Someone should shoot that judge and his family.", "Someone should shoot that judge"),
        ("Keep talking and I'll beat you until you can't walk.", "I'll beat you"),
        ("They deserve to be hanged, every one of them.", "deserve to be hanged"),
        ("I'll k!ll you if I see you again", "I'll k!ll you"),
        ("I will k i l l you", "I will k i l l you"),
        ("someone needs to stab him", "someone needs to stab him"),
        ("I know where you live.", "I know where you live"),
        ("kys loser", "kys"),
        ("I hope someone shoots him", "I hope someone shoots him"),
        ("I will find out where she works", "I will find out where she"),
        ("I will kill you in your sleep", "I will kill you"),
        ("I will slit your throat", "I will slit your throat"),
        ("They deserve to die.", "deserve to die"),
        ("someone should shoot that lying reporter", "someone should shoot that lying reporter"),
    ],
)
def test_threats_are_found(text: str, covered: str) -> None:
    findings = find_threats(text)
    assert findings, text
    assert any(f.text == covered for f in findings), findings
    assert all(text[f.start : f.end] == f.text and f.source == "rule:threat" for f in findings)
    assert category_scores(detect(text))["violence"] >= 0.6


@pytest.mark.parametrize(
    "text",
    [
        "We killed it last night, best game of the season!",
        "Kill the bill! Call your representative today.",
        "We should kill the bill before the vote.",
        "This heat is killing my tomato plants.",
        "I'd kill for a coffee right now.",
        "He was sentenced to 20 years for the assault.",
        "The film is about a soldier who kills to survive the war.",
        "I nearly died laughing at the cartoon.",
        "The council should end the contract with them.",
        "Historians estimate the bombing killed thousands of civilians.",
        "We need to shoot this scene again tomorrow.",
        "They should execute the plan faster.",
        "We should hang this painting in the lobby.",
        "You should cut your losses and sell.",
        "I'm gonna cut you some slack this time.",
        "I am going to bury you in paperwork lol",
        "I will beat you at chess next week.",
        "We're going to kick your butt in the finals!",
        "I will get you a coffee.",
        "They should burn the mortgage papers.",
    ],
)
def test_ordinary_talk_is_not_a_threat(text: str) -> None:
    assert find_threats(text) == []


@given(st.text(alphabet=st.sampled_from(list("ikl!1 youwhurtshoo\u200b.-")), max_size=80))
def test_offsets_always_slice_the_original(text: str) -> None:
    for f in find_threats(text):
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start : f.end] == f.text
