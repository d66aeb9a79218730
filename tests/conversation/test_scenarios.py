"""The same conversations on Slack and on Teams, asserting what each person sees.

Each test runs twice (the `chat` fixture is parametrised by platform) through the real adapter
in process. The index is a keyword fake (`tests.support.fakeindex`), so what is asked decides
exactly which clauses come back.
"""
from __future__ import annotations

from sqlalchemy import func, select

from bot.core.storage.models import AnswerFeedback, BankEntry, Escalation, OutboxMessage, Report

FRIEND_Q = "Can I accept a friend request from a parent?"


def only(seen, kind=None):
    found = [s for s in seen if kind is None or s.kind == kind]
    assert found, f"nothing of kind {kind!r} in {[(s.kind, s.text[:60]) for s in seen]}"
    return found[0]


def count(chat, model, *where) -> int:
    with chat.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


async def test_an_answer_quotes_the_clause_with_its_exception_status_and_buttons(chat):
    answer = only(await chat.say("staff", FRIEND_Q))
    assert answer.has("2.1 Friends/Befriending", "Recommendation", "strongly advises against")
    assert answer.has("Exception", "family members where a pupil is related")
    assert answer.has("review due Spring 2025", "overdue for review")
    assert answer.buttons == ["Helpful", "Not helpful", "Ask my line manager", "Report a concern"]
    assert FRIEND_Q not in str(answer.payload)  # the question never rides in the buttons


async def test_not_covered_lists_the_nearest_clauses_and_offers_the_line_manager(chat):
    answer = only(await chat.say("staff", "How do I book annual leave?"))
    assert answer.has("doesn't cover this", "Closest clauses", "Should raise any queries")
    assert answer.has("Your line manager can help")
    assert "Helpful" not in answer.buttons and "Not helpful" not in answer.buttons  # no clause was the answer
    assert "Ask my line manager" in answer.buttons


async def test_someone_not_in_the_directory_is_answered_and_told_why_not_more(chat):
    answer = only(await chat.say("stranger", FRIEND_Q))
    assert answer.has("strongly advises against", "can't find your account in the staff directory")
    assert "Ask my line manager" not in answer.buttons and "Report a concern" not in answer.buttons
    assert "press" not in answer.text.lower()  # never points at a button the person does not have
    refused = only(await chat.say("stranger", "report"))
    assert refused.has("can't find your account")


async def test_escalation_is_answered_and_the_answer_reaches_the_asker(chat):
    answer = only(await chat.say("staff", FRIEND_Q))
    sent = only(await chat.press("staff", answer, "Ask my line manager"))
    assert sent.has("Sent to Mia Manager", "E-20")
    await chat.deliver()
    [card] = chat.inbox("manager")
    assert card.has("Policy query", "from Sam Staff", FRIEND_Q)
    assert {"Answer", "Send answer"} & set(card.buttons)  # Teams puts the answer box on the card itself
    assert card.text.count("E-20") == 1  # the reference once, in the title
    await chat.fill("manager", card, "Answer" if chat.platform == "slack" else "Send answer",
                    {"text": "Politely decline: it is school policy.", "guidance_text": ""})
    await chat.deliver()
    [answered] = chat.inbox("staff")
    assert answered.has("Mia Manager answered", "Politely decline") and "Mark resolved" in answered.buttons
    with chat.db.transaction() as session:
        assert session.scalar(select(Escalation.status)) == "answered"


async def test_a_question_about_ones_own_line_manager_goes_past_them(chat):
    question = "My line manager Mia Manager posts photos of pupils on her Facebook, is she allowed to?"
    answer = only(await chat.say("staff", question))
    sent = only(await chat.press("staff", answer, "Ask my line manager"))
    assert sent.has("Sent to Helen Head") and not sent.has("Mia Manager (")
    await chat.deliver()
    assert chat.inbox("manager") == [] and chat.inbox("head")


async def test_pressing_ask_my_line_manager_again_sends_one_query(chat):
    answer = only(await chat.say("staff", FRIEND_Q))
    await chat.press("staff", answer, "Ask my line manager")
    again = only(await chat.press("staff", answer, "Ask my line manager"))
    assert again.has("Already sent")
    assert count(chat, Escalation) == 1


async def test_a_colleague_pressing_it_on_a_shared_answer_asks_their_own_manager(chat):
    answer = only(await chat.say("staff", FRIEND_Q, where="channel"))
    assert only(await chat.press("staff", answer, "Ask my line manager")).has("Sent to Mia Manager")
    assert only(await chat.press("hr", answer, "Ask my line manager")).has("Sent to Helen Head")
    assert count(chat, Escalation) == 2


async def test_report_reaches_the_head_and_the_reporter_gets_one_receipt(chat):
    form = await chat.open_report_form("teacher")
    values = {"category": "pupil_comments", "what_happened": "A pupil posted threats about me on TikTok.",
              "where": "TikTok", "when": "last night", "links": "https://tiktok.example/v/1", "involved_text": ""}
    done = await chat.submit("teacher", form, values, view_id="same-form")
    assert any(s.has("R-20") for s in done)
    await chat.submit("teacher", form, values, view_id="same-form")  # the same form sent again
    await chat.deliver()
    assert count(chat, Report) == 1
    [receipt] = chat.inbox("teacher")
    assert receipt.has("received", "R-20") and not receipt.has("threats")
    [report] = chat.inbox("head")
    assert report.has("Confidential report", "threats about me", "Tia Teacher")
    assert {"Acknowledge", "Start investigation"} <= set(report.buttons)
    # Typed "my reports" (a command in Teams' menu): the reporter sees it, and only the reporter.
    [mine] = await chat.say("teacher", "my reports")
    assert mine.has("R-20") and not mine.has("threats")


async def test_report_with_nothing_described_stays_open_and_saves_nothing(chat):
    form = await chat.open_report_form("teacher")
    shown = await chat.submit("teacher", form, {"category": "pupil_comments", "what_happened": ""})
    assert any(s.has("Please describe what happened") for s in shown)
    assert count(chat, Report) == 0


async def test_the_head_acknowledges_once_and_others_cannot(chat):
    form = await chat.open_report_form("teacher")
    await chat.submit("teacher", form, {"category": "pupil_comments", "what_happened": "Threats online."})
    await chat.deliver()
    [report] = chat.inbox("head")
    # Someone else pressing the head teacher's button (a forwarded card, a forged request) is refused.
    refused = only(await chat.press("teacher", report, "Acknowledge"))
    assert refused.has("no report") or refused.has("can see")
    first = await chat.press("head", report, "Acknowledge")
    assert any(s.has("Acknowledged") for s in first)
    again = await chat.press("head", report, "Acknowledge")
    assert any(s.has("already acknowledged") for s in again)
    await chat.deliver()
    statuses = [s for s in chat.inbox("teacher") if s.has("acknowledged")]
    assert len(statuses) == 1 and not statuses[0].has("Threats online")


async def test_helpful_is_counted_once_per_answer(chat):
    answer = only(await chat.say("staff", FRIEND_Q))
    for _ in range(3):
        assert only(await chat.press("staff", answer, "Helpful")).has("glad it helped")
    assert count(chat, AnswerFeedback) == 1


async def test_not_helpful_offers_the_other_clauses_and_a_pick_becomes_a_suggestion(chat):
    answer = only(await chat.say("staff", "can i post pics from the trip?"))
    follow_up = only(await chat.press("staff", answer, "Not helpful"))
    assert follow_up.has("Does one of these answer your question?") and "Ask my line manager" in follow_up.buttons
    choice = next(b for b in follow_up.buttons if b.startswith("1.3"))
    shown = only(await chat.press("staff", follow_up, choice))
    assert shown.has("Should raise any queries")
    with chat.db.transaction() as session:
        [entry] = session.scalars(select(BankEntry)).all()
    assert (entry.clause_id, entry.source, entry.status) == ("1.3.5", "not_helpful", "pending")
    assert "staff@" not in entry.question and "Sam" not in entry.question


async def test_did_you_mean_shows_the_other_clause_and_the_owner_teaches_the_bot(chat):
    question = "unsure: can parents see my private photos?"
    answer = only(await chat.say("staff", question))
    assert answer.has("Did you mean")
    choice = next(b for b in answer.buttons if b.startswith("2.3"))
    shown = only(await chat.press("staff", answer, choice))
    assert shown.has("only post content that they would wish to be in the public domain")
    # The head teacher (the policy's owner by default) reviews the suggestion and approves it.
    review = only(await chat.say("head", "suggestions"))
    assert review.has(question) and "Approve" in review.buttons
    approved = only(await chat.press("head", review, "Approve"))
    assert approved.has("approved")
    again = only(await chat.say("teacher", question))
    assert again.has("public domain") and not again.has("Did you mean")
    refused = only(await chat.say("staff", "suggestions"))
    assert refused.has("Only a policy's owner")


async def test_thanks_gets_a_short_reply_and_an_unrelated_question_no_offer(chat):
    thanks = only(await chat.say("staff", "thanks!"))
    assert thanks.has("You're welcome") and not thanks.has("for example")
    off = only(await chat.say("staff", "what is the capital of France?"))
    assert off.has("isn't something I can help with")
    assert "Ask my line manager" not in off.buttons and "line manager" not in off.text
    assert count(chat, OutboxMessage) == 0
