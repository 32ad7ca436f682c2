"""POST /v1alpha1/comments:analyze: Perspective API's request, answer and errors, through the
real app (tiny model for shapes, the shipped model for behaviour)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.api.app import create_app
from moderation.integrations.perspective import ATTRIBUTES
from moderation.settings import Settings
from tests.conftest import SHIPPED_MODELS

URL = "/v1alpha1/comments:analyze"

# Copied verbatim from conversationai/perspectiveapi: 2-api/methods.md (AnalyzeComment example)
METHODS_EXAMPLE = """{
  "comment": {
     "text": "What kind of idiot name is foo? Sorry, I like your name."
  },
  "languages": ["en"],
  "requestedAttributes": {
    "TOXICITY": {},
    "UNSUBSTANTIAL": {}
  }
}"""
# 1-get-started/sample.md: the cURL body (unquoted keys, as Google's front end accepts) ...
SAMPLE_CURL = """{comment: {text: "what kind of idiot name is foo?"},
          languages: ["en"],
          requestedAttributes: {TOXICITY:{}} }"""
# ... its Python example's dict, sent with json.dumps ...
SAMPLE_PYTHON = {
    "comment": {"text": "what kind of idiot name is foo?"},
    "languages": ["en"],
    "requestedAttributes": {"TOXICITY": {}},
}
# ... and its Node.js example's request object (a JavaScript literal).
SAMPLE_NODE = """{
    comment: {text: 'what kind of idiot name is foo?'},
    requestedAttributes: {'TOXICITY': {}}
  }"""


def post(client: TestClient, body: Any, **kwargs: Any) -> Any:
    if isinstance(body, str | bytes):
        return client.post(URL, content=body, headers={"content-type": "application/json"})
    return client.post(URL, json=body, **kwargs)


def assert_google_error(response: Any, status: int, error_type: str | None = None) -> dict:
    """Google's error shape: {"error": {code, message, status, details?}} and nothing else."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) <= {"code", "message", "status", "details"}
    assert error["code"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert error["status"] == {400: "INVALID_ARGUMENT", 503: "UNAVAILABLE"}[status]
    if error_type is not None:
        types = [d["errorType"] for d in error["details"] if "errorType" in d]
        assert types == [error_type], error
        assert all(d["@type"].startswith("type.googleapis.com/") for d in error["details"])
    return error


def assert_answer_shape(body: dict, attributes: list[str], *, spans: bool = False) -> None:
    assert set(body) <= {"attributeScores", "languages", "detectedLanguages", "clientToken"}
    assert list(body["attributeScores"]) == attributes
    for scores in body["attributeScores"].values():
        assert set(scores) == ({"summaryScore", "spanScores"} if spans else {"summaryScore"})
        assert scores["summaryScore"]["type"] == "PROBABILITY"
        assert 0.0 <= scores["summaryScore"]["value"] <= 1.0
    assert isinstance(body["languages"], list) and body["languages"]


# -- the documented examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [SAMPLE_CURL, SAMPLE_PYTHON, SAMPLE_NODE], ids=["curl", "python", "node"]
)
def test_perspectives_documented_requests_get_documented_answers(
    client: TestClient, body: Any
) -> None:
    response = post(client, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert_answer_shape(answer, ["TOXICITY"])
    assert answer["languages"] == ["en"]


def test_methods_md_example_is_refused_only_for_the_attribute_we_do_not_score(
    client: TestClient,
) -> None:
    """UNSUBSTANTIAL ("trivial or short comments") has no model here: a clear error, never a
    made-up score. Without it the same body is answered like Perspective's example."""
    error = assert_google_error(post(client, METHODS_EXAMPLE), 400, "INVALID_REQUEST")
    assert error["message"].startswith("Unknown requested attribute: UNSUBSTANTIAL")
    body = json.loads(METHODS_EXAMPLE)
    del body["requestedAttributes"]["UNSUBSTANTIAL"]
    answer = post(client, body).json()
    assert_answer_shape(answer, ["TOXICITY"])
    assert answer["languages"] == ["en"]


def test_every_attribute_requested_is_answered_in_request_order(client: TestClient) -> None:
    names = [*reversed(ATTRIBUTES), "TOXICITY@6", "INSULT@2"]
    body = {"comment": {"text": "You are a stupid idiot"}, "requestedAttributes": {}}
    body["requestedAttributes"] = {name: {} for name in names}
    answer = post(client, body).json()
    assert_answer_shape(answer, names)
    scores = {name: s["summaryScore"]["value"] for name, s in answer["attributeScores"].items()}
    assert scores["TOXICITY@6"] == scores["TOXICITY"] == scores["TOXICITY_FAST"]
    assert scores["SEVERE_TOXICITY"] <= scores["TOXICITY"]
    assert scores["INSULT"] == scores["DISCOURTESY"] == scores["INSULT_EXPERIMENTAL"]


def test_scores_are_our_categories_under_perspectives_names(client: TestClient) -> None:
    text = "You are a stupid idiot and I will hurt you"
    scores = client.post("/v1/moderate", json={"text": text}).json()["scores"]
    wanted = ["TOXICITY", "SEVERE_TOXICITY", "IDENTITY_ATTACK", "INSULT", "PROFANITY"]
    wanted += ["THREAT", "SEXUALLY_EXPLICIT", "SPAM", "OBSCENE", "DOXING"]
    body = {"comment": {"text": text}, "requestedAttributes": {name: {} for name in wanted}}
    got = {
        k: v["summaryScore"]["value"]
        for k, v in post(client, body).json()["attributeScores"].items()
    }
    toxic = ["violence", "racism", "profanity", "vulgarity", "discourtesy"]
    assert got["TOXICITY"] == max(scores[c] for c in toxic)
    severe = max(scores[c] for c in ["violence", "racism", "vulgarity", "discourtesy"])
    assert got["SEVERE_TOXICITY"] == round(severe**2, 4)
    assert got["IDENTITY_ATTACK"] == scores["racism"]
    assert got["INSULT"] == scores["discourtesy"]
    assert got["PROFANITY"] == scores["profanity"]
    assert got["THREAT"] == scores["violence"]
    assert got["SEXUALLY_EXPLICIT"] == scores["vulgarity"]
    assert got["SPAM"] == scores["spam"]
    assert got["OBSCENE"] == max(scores["profanity"], scores["vulgarity"])
    assert got["DOXING"] == scores["doxing"]


def test_documented_but_ignored_fields_are_accepted(client: TestClient) -> None:
    body = {
        "comment": {"text": "I disagree with this article.", "type": "PLAIN_TEXT"},
        "context": {"entries": [{"text": "The article.", "type": "PLAIN_TEXT"}]},
        "requestedAttributes": {
            "TOXICITY": {"scoreType": "PROBABILITY"},
            "INSULT": {"scoreType": "SCORE_TYPE_UNSPECIFIED"},
        },
        "languages": ["en-US"],
        "doNotStore": True,
        "sessionId": "s-1",
        "communityId": "/forum/news",
        "spanAnnotations": False,
        "somethingPerspectiveNeverHad": 1,
    }
    answer = post(client, body).json()
    assert_answer_shape(answer, ["TOXICITY", "INSULT"])
    assert answer["languages"] == ["en-US"]  # mirrors the request
    body["comment"] = {"text": "Fine.", "type": "TEXT_TYPE_UNSPECIFIED"}
    body["context"] = {"articleAndParentComment": {"parentComment": {"text": "Is it?"}}}
    assert_answer_shape(post(client, body).json(), ["TOXICITY", "INSULT"])


def test_proto_snake_case_field_names_are_accepted(client: TestClient) -> None:
    body = {
        "comment": {"text": "hello there"},
        "requested_attributes": {"INSULT": {"score_threshold": 0.0}},
        "client_token": "t-9",
        "span_annotations": True,
    }
    answer = post(client, body).json()
    assert_answer_shape(answer, ["INSULT"], spans=True)
    assert answer["clientToken"] == "t-9"


def test_client_token_is_echoed_and_absent_when_not_sent(client: TestClient) -> None:
    body: dict[str, Any] = {"comment": {"text": "nice"}, "requestedAttributes": {"TOXICITY": {}}}
    assert "clientToken" not in post(client, body).json()
    body["clientToken"] = "comment-53922"
    assert post(client, body).json()["clientToken"] == "comment-53922"


def test_key_query_parameter_is_accepted(client: TestClient) -> None:
    """Perspective clients send `?key=`; Google's client libraries add `alt=json`."""
    response = client.post(
        f"{URL}?key=AIzaSyNotARealKey&alt=json&prettyPrint=false", json=SAMPLE_PYTHON
    )
    assert response.status_code == 200, response.text
    assert_answer_shape(response.json(), ["TOXICITY"])


# -- scoreThreshold ---------------------------------------------------------------------------


def test_score_threshold_leaves_out_attributes_below_it(client: TestClient) -> None:
    body = {
        "comment": {"text": "Thanks, that is a helpful article."},
        "requestedAttributes": {"TOXICITY": {"scoreThreshold": 1.0}, "INSULT": {}},
    }
    answer = post(client, body).json()
    assert list(answer["attributeScores"]) == ["INSULT"]
    body["requestedAttributes"] = {"TOXICITY": {"scoreThreshold": 1.0}}
    answer = post(client, body).json()
    assert "attributeScores" not in answer  # Perspective (proto3 JSON) leaves the empty map out
    body["requestedAttributes"] = {"TOXICITY": {"scoreThreshold": 0.0}}
    assert_answer_shape(post(client, body).json(), ["TOXICITY"])


def test_score_threshold_filters_span_scores_too(client: TestClient) -> None:
    text = "What kind of idiot name is foo? Sorry, I like your name."
    body: dict[str, Any] = {
        "comment": {"text": text},
        "requestedAttributes": {"TOXICITY": {}},
        "spanAnnotations": True,
    }
    spans = post(client, body).json()["attributeScores"]["TOXICITY"]["spanScores"]
    summary = post(client, body).json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
    cut = sorted(s["score"]["value"] for s in spans)[len(spans) // 2]
    assert cut <= summary
    body["requestedAttributes"]["TOXICITY"]["scoreThreshold"] = cut
    kept = post(client, body).json()["attributeScores"]["TOXICITY"]["spanScores"]
    assert kept == [s for s in spans if s["score"]["value"] >= cut]


# -- spanAnnotations --------------------------------------------------------------------------

SPAN_TEXTS = [
    "What kind of idiot name is foo? Sorry, I like your name.",
    "Ça, c'est vraiment NUL… 😡😡 you f u c k i n g 1d10t 🙂 naïve café",
    "ｙｏｕ ａｒｅ ａｎ ｉｄｉｏｔ and a s.t.u.p.i.d jerk\u200b!!",
    "call him at (555) 867-5309 👉 42 Elm Street, 𝕪𝕠𝕦 𝕚𝕕𝕚𝕠𝕥",
]


def utf16_slice(text: str, begin: int, end: int) -> str:
    """What a JavaScript client gets from `text.slice(begin, end)`."""
    return text.encode("utf-16-le")[2 * begin : 2 * end].decode("utf-16-le")


@pytest.mark.parametrize("text", SPAN_TEXTS)
def test_span_offsets_index_the_original_text(client: TestClient, text: str) -> None:
    """Offsets count UTF-16 code units, as Perspective's API description says and JavaScript
    indexes strings; every word of the text is one span, and nothing else is."""
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"TOXICITY": {}, "INSULT": {}, "DOXING": {}},
        "spanAnnotations": True,
        "languages": ["en"],  # some of these are mostly French or undetectable
    }
    answer = post(client, body).json()
    assert_answer_shape(answer, ["TOXICITY", "INSULT", "DOXING"], spans=True)
    units = len(text.encode("utf-16-le")) // 2
    for scores in answer["attributeScores"].values():
        spans = scores["spanScores"]
        assert spans
        previous_end = 0
        for span in spans:
            begin, end = span["begin"], span["end"]
            assert previous_end <= begin < end <= units  # ordered, no overlap
            piece = utf16_slice(text, begin, end)  # never splits a surrogate pair
            assert piece == piece.strip() and piece  # a word, no surrounding space
            assert span["score"]["type"] == "PROBABILITY"
            assert 0.0 <= span["score"]["value"] <= 1.0
            previous_end = end
        between = [utf16_slice(text, a["end"], b["begin"]) for a, b in pairwise(spans)]
        between += [
            utf16_slice(text, 0, spans[0]["begin"]),
            utf16_slice(text, spans[-1]["end"], units),
        ]
        assert not any(ch.isalnum() for gap in between for ch in gap)  # no word left out


def test_obfuscated_words_are_one_span_each(client: TestClient) -> None:
    text = "you f u c k i n g 1d10t"
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"INSULT": {}},
        "spanAnnotations": True,
    }
    spans = post(client, body).json()["attributeScores"]["INSULT"]["spanScores"]
    assert [text[s["begin"] : s["end"]] for s in spans] == ["you", "f u c k i n g", "1d10t"]


def test_astral_characters_take_two_offsets(client: TestClient) -> None:
    """An emoji outside the BMP is two UTF-16 units: the word after it moves by two."""
    body: dict[str, Any] = {"requestedAttributes": {"INSULT": {}}, "spanAnnotations": True}
    body["comment"] = {"text": "😡 idiot, ça 👍 va"}
    spans = post(client, body).json()["attributeScores"]["INSULT"]["spanScores"]
    assert [(s["begin"], s["end"]) for s in spans] == [(0, 2), (3, 8), (10, 12), (13, 15), (16, 18)]


def test_no_span_scores_unless_asked(client: TestClient) -> None:
    answer = post(client, SAMPLE_PYTHON).json()
    assert "spanScores" not in answer["attributeScores"]["TOXICITY"]


# -- errors, in Google's shape ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error_type", "message"),
    [
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"FOO": {}}},
            "INVALID_REQUEST",
            "Unknown requested attribute: FOO",
        ),
        (
            {"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}},
            "COMMENT_EMPTY",
            "Comment must be non-empty.",
        ),
        (
            {"comment": {"text": " \n\t "}, "requestedAttributes": {"TOXICITY": {}}},
            "COMMENT_EMPTY",
            "Comment must be non-empty.",
        ),
        (
            {"comment": {"text": "\u200b\u200b"}, "requestedAttributes": {"TOXICITY": {}}},
            "COMMENT_EMPTY",
            "Comment must be non-empty.",
        ),
        ({"requestedAttributes": {"TOXICITY": {}}}, "COMMENT_EMPTY", "Comment must be non-empty."),
        ({"comment": {}, "requestedAttributes": {}}, "COMMENT_EMPTY", "Comment must be non-empty."),
        (
            {"comment": {"text": "hi"}},
            "NO_REQUESTED_ATTRIBUTES",
            "Missing requested_attributes",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {}},
            "NO_REQUESTED_ATTRIBUTES",
            "Missing requested_attributes",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreType": "RAW"}}},
            "INVALID_REQUEST",
            "Requested score type RAW is not supported by attribute TOXICITY",
        ),
        (
            {
                "comment": {"text": "<b>hi</b>", "type": "HTML"},
                "requestedAttributes": {"INSULT": {}},
            },
            "INVALID_REQUEST",
            "Currently, only 'PLAIN_TEXT' comments are supported",
        ),
    ],
)
def test_request_errors(client: TestClient, body: dict, error_type: str, message: str) -> None:
    error = assert_google_error(post(client, body), 400, error_type)
    assert error["message"].startswith(message)


def test_attribute_count_and_name_length_are_bounded(client: TestClient) -> None:
    many = {
        "comment": {"text": "hi"},
        "requestedAttributes": {f"TOXICITY@{i}": {} for i in range(33)},
    }
    error = assert_google_error(post(client, many), 400, "INVALID_REQUEST")
    assert error["message"].startswith("Too many requested attributes: 33")
    long = {"comment": {"text": "hi"}, "requestedAttributes": {"X" * 100_000: {}}}
    error = assert_google_error(post(client, long), 400, "INVALID_REQUEST")
    assert len(error["message"]) < 500


@pytest.mark.parametrize(
    "raw",
    [b'{"comment": {"text": "hi"', b"not json at all", b"\xff\xfe{}", b"[1, 2]", b"42"],
)
def test_malformed_json_is_a_google_error(client: TestClient, raw: bytes) -> None:
    error = assert_google_error(post(client, raw), 400)
    assert error["message"].startswith("Invalid JSON payload received.")


def test_wrong_types_are_a_google_error_naming_the_field(client: TestClient) -> None:
    body = {"comment": {"text": 42}, "requestedAttributes": {"TOXICITY": {}}}
    error = assert_google_error(post(client, body), 400)
    assert "comment.text" in error["message"]
    violations = [d for d in error["details"] if "fieldViolations" in d]
    assert violations[0]["fieldViolations"][0]["field"] == "comment.text"
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}}
    assert_google_error(post(client, body), 400)


def test_unsupported_requested_language(client: TestClient) -> None:
    body = {
        "comment": {"text": "Das ist ein Kommentar."},
        "languages": ["de"],
        "requestedAttributes": {"TOXICITY": {}, "INSULT": {}},
    }
    error = assert_google_error(post(client, body), 400, "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE")
    assert error["message"] == "Attribute TOXICITY does not support request languages: de"
    detail = error["details"][0]["languageNotSupportedByAttributeError"]
    assert detail == {"requestedLanguages": ["de"], "attribute": "TOXICITY"}


def test_unsupported_detected_language(client: TestClient) -> None:
    text = (
        "Ich finde diesen Artikel sehr interessant, aber die Schlussfolgerungen des Autors "
        "überzeugen mich überhaupt nicht. Die Zahlen sprechen eine andere Sprache."
    )
    body = {"comment": {"text": text}, "requestedAttributes": {"INSULT": {}}}
    error = assert_google_error(post(client, body), 400, "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE")
    assert error["message"] == "Attribute INSULT does not support request languages: de"
    detail = error["details"][0]["languageNotSupportedByAttributeError"]
    assert detail == {"detectedLanguages": ["de"], "attribute": "INSULT"}


def test_detected_language_is_answered_when_none_is_given(client: TestClient) -> None:
    text = "I read the whole article and I think the author makes a fair point about taxes."
    answer = post(client, {"comment": {"text": text}, "requestedAttributes": {"TOXICITY": {}}})
    assert answer.json()["languages"] == ["en"]
    assert answer.json()["detectedLanguages"] == ["en"]


def test_declared_languages_win_and_detection_is_still_reported(client: TestClient) -> None:
    text = "Ich finde diesen Artikel sehr interessant, aber der Autor irrt sich gewaltig."
    body = {"comment": {"text": text}, "languages": ["en"], "requestedAttributes": {"INSULT": {}}}
    answer = post(client, body).json()
    assert_answer_shape(answer, ["INSULT"])
    assert (answer["languages"], answer["detectedLanguages"]) == (["en"], ["de"])


def test_too_short_to_tell_is_scored_as_english(client: TestClient) -> None:
    answer = post(client, {"comment": {"text": "lol ok"}, "requestedAttributes": {"INSULT": {}}})
    assert_answer_shape(answer.json(), ["INSULT"])
    assert answer.json()["languages"] == ["en"]
    assert "detectedLanguages" not in answer.json()


@pytest.mark.parametrize("languages", [None, ["de"]])
def test_drop_unsupported_attributes_answers_without_them(
    client: TestClient, languages: list[str] | None
) -> None:
    """`dropUnsupportedAttributes` (in Perspective's API description): drop, don't fail."""
    text = "Ich finde diesen Artikel sehr interessant, aber der Autor irrt sich gewaltig."
    body = {
        "comment": {"text": text},
        "requestedAttributes": {"TOXICITY": {}, "INSULT": {}},
        "dropUnsupportedAttributes": True,
        "spanAnnotations": True,
        "clientToken": "c-7",
    }
    if languages:
        body["languages"] = languages
    response = post(client, body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer == {"languages": ["de"], "detectedLanguages": ["de"], "clientToken": "c-7"}


def test_too_long_comment(client: TestClient, settings: Settings) -> None:
    body = {
        "comment": {"text": "a" * (settings.max_text_chars + 1)},
        "requestedAttributes": {"TOXICITY": {}},
        "languages": ["en"],
    }
    assert_google_error(post(client, body), 400, "COMMENT_TOO_LONG")


def test_body_over_the_cap_is_a_google_error(client: TestClient) -> None:
    big = b'{"comment": {"text": "' + b"a" * 2_000_000 + b'"}}'
    error = assert_google_error(post(client, big), 400)
    assert error["message"].startswith("Request payload size exceeds the limit")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap bites while reading
        yield b'{"comment": {"text": "'
        for _ in range(200):
            yield b"a" * 10_000
        yield b'"}}'

    response = client.post(URL, content=chunks(), headers={"content-type": "application/json"})
    error = assert_google_error(response, 400)
    assert error["message"].startswith("Request payload size exceeds the limit")


def test_no_model_loaded_is_a_google_error(settings: Settings) -> None:
    client = TestClient(create_app(settings))  # no `with`: the lifespan never loads the model
    assert_google_error(client.post(URL, json=SAMPLE_PYTHON), 503)


def test_other_routes_keep_their_own_error_shape(client: TestClient) -> None:
    response = client.post(
        "/v1/moderate", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


# -- behaviour on the shipped model -----------------------------------------------------------


@pytest.fixture(scope="module")
def shipped_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(models_dir=SHIPPED_MODELS, dev_mode=True))) as test_client:
        yield test_client


def _summary(client: TestClient, text: str, attributes: list[str]) -> dict[str, float]:
    body = {"comment": {"text": text}, "languages": ["en"]}
    body["requestedAttributes"] = {name: {} for name in attributes}
    answer = post(client, body).json()["attributeScores"]
    return {name: answer[name]["summaryScore"]["value"] for name in attributes}


@pytest.mark.parametrize(
    ("toxic", "civil"),
    [
        ("You are a pathetic idiot and everyone here laughs at you.", "I see your point, thanks."),
        ("shut up you st*pid moron", "The council meets again on Tuesday evening."),
    ],
)
def test_an_insult_scores_higher_than_a_civil_comment(
    shipped_client: TestClient, toxic: str, civil: str
) -> None:
    attributes = ["TOXICITY", "INSULT", "SEVERE_TOXICITY"]
    high, low = (
        _summary(shipped_client, toxic, attributes),
        _summary(shipped_client, civil, attributes),
    )
    assert high["TOXICITY"] > 0.5 > low["TOXICITY"]
    assert high["INSULT"] > 0.5 > low["INSULT"]
    assert high["SEVERE_TOXICITY"] > low["SEVERE_TOXICITY"]


def test_a_threat_scores_on_threat_not_on_spam(shipped_client: TestClient) -> None:
    got = _summary(shipped_client, "I will find where you live and hurt you", ["THREAT", "SPAM"])
    assert got["THREAT"] > 0.5 > got["SPAM"]


def test_the_insulting_word_carries_the_span_score(shipped_client: TestClient) -> None:
    text = "What kind of 1d10t name is foo? Sorry, I like your name."
    body = {
        "comment": {"text": text},
        "languages": ["en"],
        "requestedAttributes": {"INSULT": {}},
        "spanAnnotations": True,
    }
    spans = post(shipped_client, body).json()["attributeScores"]["INSULT"]["spanScores"]
    top = max(spans, key=lambda s: s["score"]["value"])
    assert text[top["begin"] : top["end"]] == "1d10t"
    assert top["score"]["value"] > 0.5
    assert all(s["score"]["value"] < 0.2 for s in spans if s is not top)


def test_the_route_is_documented_with_its_request_schema(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"][URL]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" not in json.dumps(schema)  # stands alone: no dangling $defs reference
    assert {"comment", "requestedAttributes", "spanAnnotations", "clientToken"} <= set(
        schema["properties"]
    )
    assert [p["name"] for p in operation["parameters"]] == ["key"]
