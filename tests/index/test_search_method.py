"""The search method's parts, each checked on phrasings written for these tests (not the dev set)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import text as textproc
from index.evaluation import evaluate, read_items
from index.types import AnswerStatus, Force

STAFF_QUESTIONS = Path(__file__).resolve().parents[1] / "data" / "staff_questions.jsonl"


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("can I share my holiday snaps with the nursery group", "permission"),
        ("is it ok to like a parent's post", "permission"),
        ("a parent left a horrible comment under my selfie, who do I tell?", "incident"),
        ("one of the older boys posted a video mocking me", "incident"),
        ("is pinterest covered by the policy", "scope"),
        ("does the policy apply to students on placement", "scope"),
        ("who deals with complaints about staff posts", "who"),
        ("when is the policy reviewed", None),
    ],
)
def test_question_intent(question, intent):
    assert textproc.question_intent(question) == intent


def concepts_of(index, question: str) -> list[str]:
    stems = [textproc.stem(w) for w in textproc.words(question)]
    return [c.expansion for c in index.reader.concepts.matched(stems)]


def test_everyday_words_map_to_policy_language(policy_index):
    assert "pupils" in concepts_of(policy_index, "can I add the kids' photos")
    # The policy's own subject words come from its search data (social_networking_policy.search.yml).
    assert "photographic images" in concepts_of(policy_index, "can I add the kids' photos")
    assert "pupil's family members" in concepts_of(policy_index, "my key child's grandad messaged me")
    assert "breach disciplinary action" in concepts_of(policy_index, "could I get sacked for this")


def test_stemming_does_not_confuse_similar_words(policy_index):
    # "the setting" is the nursery, not privacy settings; "networking" is not the school network.
    assert "privacy settings" not in concepts_of(policy_index, "I work at the setting")
    assert "school network" not in concepts_of(policy_index, "is social networking allowed")


def test_only_unknown_words_are_spell_corrected(policy_index):
    fixer = policy_index.reader.speller
    assert fixer.fix("freind") == "friend"
    assert fixer.fix("facebok") == "facebook"
    assert fixer.fix("nasty") == "nasty"
    assert fixer.fix("gardening") == "gardening"


def test_exception_comes_first_when_the_question_names_its_condition(policy_index):
    answer = policy_index.ask("my grandson is in the baby room, can we be facebook friends?")
    assert answer.answered
    assert answer.top.force is Force.EXCEPTION and answer.top.section == "2.1"
    assert any(c.force is Force.RECOMMENDATION for c in answer.qualifiers), "the rule it qualifies is shown"


def test_rule_comes_first_with_its_exception_alongside(policy_index):
    answer = policy_index.ask("should I accept a friend request from a pupil's dad?")
    assert answer.answered
    assert answer.top.section == "2.1" and answer.top.force is Force.RECOMMENDATION
    assert any(c.force is Force.EXCEPTION for c in answer.qualifiers)


def test_a_roles_duties_are_listed_in_policy_order(policy_index):
    answer = policy_index.ask("what are the governors responsible for?", top_k=2)
    assert [r.clause.group for r in answer.ranked] == ["Governors", "Governors"]
    assert answer.ranked[0].clause.order < answer.ranked[1].clause.order


@pytest.mark.parametrize(
    "question",
    ["what's on the lunch menu", "how do I book annual leave", "where do I hang my coat",
     "can I bring my dog to work", "who is the fire marshal"],
)
def test_other_workplace_topics_are_not_answered_with_a_clause(policy_index, question):
    answer = policy_index.ask(question)
    assert answer.status is AnswerStatus.NOT_COVERED
    assert len(answer.ranked) == 3, "the nearest clauses are still listed"


def test_quality_without_the_bank_on_staff_phrasings(policy_index):
    """An aggregate floor for the hybrid method alone (a policy without a question bank), on a
    question set written for the tests, so regressions show up without tying a test to one answer."""
    hybrid = policy_index.with_tuning(use_bank=False)
    report = evaluate(read_items(STAFF_QUESTIONS), lambda q: hybrid.ask(q))
    assert report.hit_at_1 >= 0.75
    assert report.recall_at_3 >= 0.9
    assert report.abstain >= 0.9
    assert report.false_abstain <= 0.05


def test_learnt_answers_hold_for_an_author_it_never_learnt_from(policy_index):
    """The learnt method's floor, measured honestly: trained without one author's questions,
    tested on exactly those (the project's targets for unseen phrasings)."""
    from index import crossval, learner
    from index.store import CLASSIFIER_STRENGTH, own_words_features

    learnt = policy_index.stored.learnt
    keep = np.array([a != "writer-c" for a in learnt.authors])
    X_own, y_own = own_words_features(policy_index.stored)
    fold = policy_index.with_classifier(learner.train(
        np.vstack([learnt.features[keep], X_own]), [l for l, k in zip(learnt.labels, keep) if k] + y_own,
        strength=CLASSIFIER_STRENGTH))
    report = evaluate(crossval.items_of(policy_index, "writer-c"), lambda q: fold.ask(q))
    assert report.answerable > 200 and report.unanswerable > 50
    assert report.hit_at_1 >= 0.85
    assert report.recall_at_3 >= 0.93  # one author, the hardest; the target (0.95) is for all of them
    assert report.abstain >= 0.88
    assert report.false_abstain <= 0.05


# Messages as staff write them (written for this test; none is in the bank or an evaluation set).
_STORY = (
    "Sorry this is a long one. On Saturday I went to my nephew's football tournament over in the next town and "
    "it rained the whole time, so we ended up in the clubhouse for most of the afternoon eating chips. I got "
    "chatting to a lovely woman who it turns out has a little girl in the toddler room here; she only started in "
    "September so I don't know her well yet. We talked about the traffic, the new housing estate, where to get "
    "decent coffee, how her daughter has settled in, and the cost of swimming lessons, which has gone up again. "
    "Then my sister rang about Christmas plans and I spent half an hour on the phone working out who is hosting "
    "and who is bringing what, because last year it ended in an argument about the turkey. By the time I got "
    "home the football had finished and my nephew's team had lost on penalties, which he took very badly. We "
    "had a takeaway, watched a film and I went to bed early because I was opening the baby room on Monday. "
    "Anyway, what I wanted to ask: she has sent me a friend request on Facebook, am I ok to accept it?"
)


def test_a_long_story_is_answered_by_the_question_at_its_end(policy_index):
    assert len(_STORY) > 1000  # more than the first thousand characters are read
    answer = policy_index.ask(_STORY)
    assert answer.answered and answer.top.section == "2.1", [r.clause.id for r in answer.ranked]


@pytest.mark.parametrize("message", ["thanks!", "cheers, that's really helpful", "ta, sorted x"])
def test_thanks_gets_a_short_reply_not_a_clause(policy_index, message):
    answer = policy_index.ask(message)
    assert answer.status is AnswerStatus.SMALL_TALK and answer.small_talk is textproc.SmallTalk.THANKS


@pytest.mark.parametrize("question", ["how many moons does jupiter have?", "what's a good recipe for banana bread?"])
def test_a_question_about_something_else_entirely_is_off_topic(policy_index, question):
    answer = policy_index.ask(question)
    assert answer.status is AnswerStatus.OFF_TOPIC and not answer.answered
