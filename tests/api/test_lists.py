"""`/v1/lists`: a site adds deny and allow terms and sees them take effect with no restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.settings import Settings
from tests.conftest import SHIPPED_MODELS


@pytest.fixture
def shipped_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(models_dir=SHIPPED_MODELS, lists_dir=tmp_path / "lists", dev_mode=True)
    with TestClient(create_app(settings)) as client:
        yield client


def _moderate(client: TestClient, text: str) -> dict:
    response = client.post("/v1/moderate", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_deny_and_allow_terms_take_effect_without_a_restart(shipped_client: TestClient) -> None:
    road = "Hoes Lane is closed for repairs"
    before = _moderate(shipped_client, road)
    assert before["decision"] == "reject"  # the model reads a local road name as profanity
    assert _moderate(shipped_client, "what a numpty")["decision"] != "reject"

    put_allow = shipped_client.put(
        "/v1/lists/local-places", json={"kind": "allow", "terms": [{"term": "Hoes Lane"}]}
    )
    assert put_allow.status_code == 201, put_allow.text
    put_deny = shipped_client.put(
        "/v1/lists/site-deny",
        json={
            "kind": "deny",
            "description": "Words our guidelines name",
            "terms": [{"term": "numpty", "category": "discourtesy", "action": "reject"}],
        },
    )
    assert put_deny.status_code == 201, put_deny.text

    after = _moderate(shipped_client, road)
    assert after["decision"] == "allow"
    assert after["policy_version"] != before["policy_version"]
    assert after["policy_version"] == put_deny.json()["policy_version"]
    # The allow term never triggers on its own; abuse around the same word still does.
    assert _moderate(shipped_client, "you dumb hoes")["decision"] == "reject"

    denied = _moderate(shipped_client, "What a NUMPTY.")
    assert denied["decision"] == "reject"
    [triggered] = [t for t in denied["triggered"] if t["category"] == "discourtesy"]
    assert triggered["action"] == "reject"
    assert triggered["score"] >= 0.8  # raised to the policy's reject threshold
    assert triggered["evidence"][0] == {
        "start": 7,
        "end": 13,
        "text": "NUMPTY",
        "source": "list:site-deny",
    }
    # Obfuscated forms match; a longer word containing the term does not.
    assert _moderate(shipped_client, "you n u m p t y")["decision"] == "reject"
    assert _moderate(shipped_client, "what a nump7y")["decision"] == "reject"
    numptyism = _moderate(shipped_client, "the numptyism of it all")
    assert not any(
        e["source"] == "list:site-deny" for t in numptyism["triggered"] for e in t["evidence"]
    )


def test_batch_and_single_answers_agree_with_lists(shipped_client: TestClient) -> None:
    shipped_client.put(
        "/v1/lists/site-deny",
        json={"kind": "deny", "terms": [{"term": "numpty", "category": "discourtesy"}]},
    )
    texts = ["what a numpty", "Hoes Lane is closed", "Bitchfield parish council"]
    batch = shipped_client.post("/v1/moderate/batch", json={"items": [{"text": t} for t in texts]})
    assert batch.status_code == 200
    for text, result in zip(texts, batch.json()["results"], strict=True):
        single = _moderate(shipped_client, text)
        assert (result["decision"], result["scores"]) == (single["decision"], single["scores"])
    assert batch.json()["results"][0]["decision"] == "flag"
    assert batch.json()["results"][2]["decision"] == "allow"  # shipped places list


def test_lists_are_listed_read_replaced_and_deleted(client: TestClient) -> None:
    index = client.get("/v1/lists").json()
    assert {"name": "places", "origin": "shipped"}.items() <= index["lists"][0].items()
    body = {"kind": "allow", "terms": [{"term": "Scunthorpe"}, {"term": "Hoes Lane"}]}
    assert client.put("/v1/lists/places", json=body).status_code == 201
    replaced = client.put("/v1/lists/places", json=body)
    assert replaced.status_code == 200
    assert (replaced.json()["revision"], replaced.json()["origin"]) == (2, "site")
    got = client.get("/v1/lists/places").json()
    assert [t["term"] for t in got["terms"]] == ["Scunthorpe", "Hoes Lane"]
    deleted = client.delete("/v1/lists/places")
    assert deleted.status_code == 200
    assert deleted.json()["now_active"]["origin"] == "shipped"
    assert client.get("/v1/lists/places").json()["origin"] == "shipped"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("get", "/v1/lists/nope", None, 404, "not_found"),
        ("delete", "/v1/lists/places", None, 404, "not_found"),  # shipped, not a site list
        ("put", "/v1/lists/Bad%20Name", {"kind": "allow", "terms": []}, 422, "invalid_input"),
        ("put", "/v1/lists/x", {"kind": "deny", "terms": [{"term": "a"}]}, 422, "invalid_input"),
        ("put", "/v1/lists/x", {"kind": "allow", "terms": [{"term": "..."}]}, 422, "invalid_input"),
        ("put", "/v1/lists/x", {"kind": "allow", "terms": "numpty"}, 422, "invalid_input"),
        ("put", "/v1/lists/x", {"kind": "allow", "oops": []}, 422, "invalid_input"),
    ],
)
def test_bad_list_requests_get_the_error_shape(
    client: TestClient, method: str, path: str, body: dict | None, status: int, code: str
) -> None:
    response = client.request(method.upper(), path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_a_refused_list_changes_nothing(client: TestClient) -> None:
    version = client.get("/v1/lists").json()["policy_version"]
    bad = {"kind": "deny", "terms": [{"term": "numpty", "category": "rudeness"}]}
    assert client.put("/v1/lists/site-deny", json=bad).status_code == 422
    assert client.get("/v1/lists").json()["policy_version"] == version
    assert client.get("/v1/lists/site-deny").status_code == 404


def test_perspective_answers_follow_the_lists(shipped_client: TestClient) -> None:
    shipped_client.put(
        "/v1/lists/site-deny",
        json={
            "kind": "deny",
            "terms": [{"term": "numpty", "category": "discourtesy", "action": "reject"}],
        },
    )
    body = {
        "comment": {"text": "what a numpty"},
        "requestedAttributes": {"INSULT": {}},
        "spanAnnotations": True,
    }
    answer = shipped_client.post("/v1alpha1/comments:analyze", json=body).json()
    insult = answer["attributeScores"]["INSULT"]
    assert insult["summaryScore"]["value"] >= 0.8
    [span] = [s for s in insult["spanScores"] if (s["begin"], s["end"]) == (7, 13)]
    assert span["score"]["value"] >= 0.8


def test_a_flag_term_flags_even_where_flag_and_reject_thresholds_meet(
    shipped_client: TestClient,
) -> None:
    # The shipped policy has spam flag == reject: lifting the score to the flag threshold
    # must not turn the site's "flag" into a reject.
    shipped_client.put(
        "/v1/lists/site-deny",
        json={"kind": "deny", "terms": [{"term": "crypto signals", "category": "spam"}]},
    )
    result = _moderate(shipped_client, "Anyone else here follow crypto signals?")
    [spam] = [t for t in result["triggered"] if t["category"] == "spam"]
    assert (result["decision"], spam["action"]) == ("flag", "flag")


def test_a_worker_starts_despite_a_broken_list_file(settings: Settings) -> None:
    # serve refuses a broken folder up front; a worker that uvicorn restarts later must still
    # come up, with the lists that read fine, and say what it left out.
    folder = settings.lists_dir
    assert folder is not None
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('kind = "deny"\n[[terms]]\nterm = "x"\n')
    (folder / "good.toml").write_text(
        'kind = "deny"\n[[terms]]\nterm = "numpty"\ncategory = "discourtesy"\n'
    )
    with TestClient(create_app(settings)) as client:
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready"
        [problem] = ready["term_lists"]["problems"]
        assert "broken.toml" in problem
        numpty = client.post("/v1/moderate", json={"text": "what a numpty"}).json()
        assert any(e["source"] == "list:good" for t in numpty["triggered"] for e in t["evidence"])


def test_evaluation_scores_leave_site_lists_out(settings: Settings) -> None:
    from moderation.scoring import Moderator
    from moderation.terms import TermListBody

    moderator = Moderator.load(settings=settings)
    before = moderator.score_texts(["what a numpty"])
    assert moderator.lists is not None
    moderator.lists.put(
        "site-deny",
        TermListBody.model_validate(
            {"kind": "deny", "terms": [{"term": "numpty", "category": "spam", "action": "reject"}]}
        ),
    )
    assert moderator.moderate("what a numpty").decision == "reject"
    # Figures measure the model: a local folder of lists does not change them.
    assert (moderator.score_texts(["what a numpty"]) == before).all()
