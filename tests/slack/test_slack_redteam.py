"""Red-team findings reproduced end to end: the real `policybot serve` gets correctly signed
requests (as Slack, or anyone holding the signing secret, would send them) and talks to a fake
Slack Web API whose recorded calls show what each person was sent.

The module has its own server and fake Slack: administrators are configured (so alerts are
delivered and can be counted), and one extra Slack account claims the head teacher's e-mail.
Reports and queries are seeded through the core on the server's own database, as a second
process would; the server delivers them.
"""
from __future__ import annotations

import json
import re
import threading

import pytest
from sqlalchemy import func, select

from bot.core.app import Assistant
from bot.core.directory import FileDirectory
from bot.core.reports.types import ReportCategory, ReportInput
from bot.core.storage.db import Database
from bot.core.storage.models import OutboxMessage, Report
from tests.slack.conftest import slack_env, slack_users
from tests.slack.fake_slack import FakeSlack
from tests.slack.slack_requests import SlackSender, button, select_value, text_value, unique
from tests.slack.test_slack_delivery import running, wait_until
from tests.support.directory import PEOPLE, write_directory
from tests.support.env import server_env, sqlite_url
from tests.support.server import ServerProcess

REF = re.compile(r"\b([ER]-\d{4}-\d{4})\b")
HEAD = PEOPLE["head"]
IMPOSTOR = "U0IMPOSTOR"  # a real account in the workspace, not in the directory
REPORT_VIEW = {"type": "modal", "callback_id": "form:report", "private_metadata": "{}", "blocks": []}
ADMIN = PEOPLE["hr"]


@pytest.fixture(scope="module")
def fake():
    # The impostor set their Slack profile e-mail to the head teacher's; the directory lists her
    # real Slack id (U0HEAD), so the e-mail must not make this account her.
    slack = FakeSlack(users={**slack_users(), IMPOSTOR: HEAD.email}).start()
    yield slack
    slack.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory, policy_index_dir, fake):
    tmp = tmp_path_factory.mktemp("slack-redteam")
    url, directory = sqlite_url(tmp / "policybot.db"), write_directory(tmp / "directory.csv")
    env = slack_env(server_env(database_url=url, directory=directory, index_dir=policy_index_dir,
                               POLICYBOT_ADMIN_EMAILS=ADMIN.email), fake)
    server = ServerProcess(env, log_path=tmp / "server.log").start()
    db = Database(url)
    core = Assistant(db=db, directory=FileDirectory(directory))
    yield server, core
    server.stop()
    db.dispose()


@pytest.fixture(scope="module")
def sender(world) -> SlackSender:
    return SlackSender(world[0].url)


def dm(user: str) -> str:
    return "D" + user.lstrip("U")


def posted(fake: FakeSlack, channel: str, text: str):
    [post] = fake.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel and text in c.text())
    return post


def as_clicked(post) -> dict:
    """The message as Slack includes it in a block_actions payload."""
    return {"type": "message", "ts": post.ts, "blocks": post.params["blocks"], "text": post.params.get("text")}


def click(sender, fake, user: str, element: dict, post, channel: str, *, replied: bool = True):
    """Press `element` as `user`; returns what came back through the response_url (if `replied`)."""
    key = unique("press")
    assert sender.click(user, element, message=as_clicked(post), channel=channel,
                        response_url=fake.response_url(key)).status == 200
    return fake.wait_for("response_url", lambda c: c.params["key"] == key)[0] if replied else None


def report_to_head(core: Assistant, reporter: str, text: str) -> str:
    return core.submit_report(reporter=core.directory.get(PEOPLE[reporter].email), report=ReportInput(
        category=ReportCategory.PUPIL_COMMENTS, what_happened=text)).ref


def shown_strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in shown_strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in shown_strings(v)]
    return []


def test_an_account_with_the_head_teachers_profile_email_cannot_act_as_her(world, sender, fake):
    """Red-team finding 2: an account whose Slack profile e-mail is the head teacher's, while the
    directory lists her own Slack id, presses Acknowledge on her report (three times) and opens
    the App Home. Nothing is acknowledged, no report is listed, and the administrators are told
    once, whatever it tries."""
    server, core = world
    ref = report_to_head(core, "staff", f"Threats on TikTok {unique('imp-')}")
    card = posted(fake, dm(HEAD.slack_user_id), ref)
    acknowledge = button(card.params["blocks"], action_prefix="report.acknowledge")
    for _ in range(3):
        refusal = click(sender, fake, IMPOSTOR, acknowledge, card, dm(IMPOSTOR))
        assert "can't find your account" in refusal.text() and "Acknowledged" not in refusal.text()

    sender.event({"type": "app_home_opened", "user": IMPOSTOR, "channel": dm(IMPOSTOR), "tab": "home",
                  "event_ts": "1.0"})
    home = fake.wait_for("views.publish", lambda c: c.params.get("user_id") == IMPOSTOR)[-1]
    assert "can't find your account" in home.text()
    assert ref not in home.text() and "Open reports" not in home.text()

    # The impostor changed nothing: the head teacher's own press is the first acknowledgement.
    done = click(sender, fake, HEAD.slack_user_id, acknowledge, card, dm(HEAD.slack_user_id))
    assert "Acknowledged" in done.text() and "already" not in done.text()

    def alerts_settled():
        with core.db.transaction() as session:
            rows = session.scalars(select(OutboxMessage).where(
                OutboxMessage.kind == "admin.alert", OutboxMessage.dedupe_key.contains(IMPOSTOR))).all()
        return rows if rows and all(r.status == "delivered" for r in rows) else None

    assert len(wait_until(alerts_settled, 15, "the administrators' alert to be delivered")) == 1, server.log()
    alerts = fake.find("chat.postMessage", lambda c: c.params.get("channel") == dm(ADMIN.slack_user_id)
                       and IMPOSTOR in c.text())
    assert len(alerts) == 1 and "Account refused" in alerts[0].text() and HEAD.name in alerts[0].text()


def test_bidi_overrides_and_control_characters_never_reach_the_head_teachers_dm(world, sender, fake):
    """Red-team finding 13: a right-to-left override makes "invoice_\u202egnp.exe" read as
    "invoice_exe.png"; control characters can break the card. The head teacher's DM shows the
    words without them."""
    marker = unique("rlo-")
    hostile = "\u202e\u202d\u2066\u2069\x07\x08\x1b"
    values = {**select_value("category", "pupil_comments"),
              **text_value("what_happened", f"A pupil sent invoice_\u202egnp.exe \u2066to the class\u2069 "
                                            f"\x07\x08\x1b[2J{marker}"),
              **text_value("where", "Class \u202eWhatsApp"), **text_value("when", "Monday\x07"),
              **text_value("links", ""), **text_value("involved_text", "")}
    reply = sender.submit("U0TEACHER", REPORT_VIEW, values, view_id=unique("Vrlo"))
    assert reply.status == 200 and reply.json()["response_action"] == "update"
    ref = REF.search(json.dumps(reply.json())).group(1)
    card = posted(fake, dm(HEAD.slack_user_id), ref)
    shown = shown_strings({"text": card.params.get("text"), "blocks": card.params["blocks"]})
    assert [s for s in shown if set(s) & set(hostile)] == []
    everything = " ".join(shown)
    assert "invoice_gnp.exe" in everything and marker in everything and "to the class" in everything


def test_a_report_that_exists_and_one_that_does_not_are_refused_in_the_same_words(world, sender, fake):
    """Red-team finding 15 (existence oracle): a colleague pressing a report's buttons with a
    reference they may not see gets the same reply as for a reference that does not exist."""
    _, core = world
    ref = report_to_head(core, "teacher", f"Photos posted in a parents' group {unique('oracle-')}")
    card = posted(fake, dm(HEAD.slack_user_id), ref)
    missing = ref[:-4] + "9999"
    for prefix in ("report.acknowledge", "report.close"):
        real = button(card.params["blocks"], action_prefix=prefix)
        replies = []
        for target in (ref, missing):
            forged = {**real, "value": json.dumps({"ref": target})}
            text = click(sender, fake, "U0STAFF", forged, card, dm("U0STAFF")).text()
            replies.append(text.replace(target, "REF"))
        assert replies[0] == replies[1], prefix
        assert "REF" in replies[0] and HEAD.name not in replies[0]  # nothing about who holds it


def test_a_forged_card_location_in_a_modal_updates_nobody_elses_message(world, sender, fake):
    """Red-team finding 17: with the signing secret, someone submits a modal whose
    private_metadata names the head teacher's DM and the ts of her report card. Only the
    submitter's own cards, found from where the bot posted them, may be updated."""
    _, core = world
    report_ref = report_to_head(core, "teacher", f"Threats in a comment thread {unique('meta-')}")
    head_card = posted(fake, dm(HEAD.slack_user_id), report_ref)
    forged_location = {"channel": dm(HEAD.slack_user_id), "channel_id": dm(HEAD.slack_user_id),
                       "ts": head_card.ts, "message_ts": head_card.ts}

    # 1. A legitimate answer (the manager answering her own query), with a forged location added.
    question = f"Can I accept a friend request from a parent? {unique('q-')}"
    query = core.escalate(asker=core.directory.get(PEOPLE["staff"].email), question=question)
    manager = PEOPLE["manager"].slack_user_id
    manager_card = posted(fake, dm(manager), query.ref)
    before = len(fake.find("views.open"))
    answer = button(manager_card.params["blocks"], label_contains="Answer")
    click(sender, fake, manager, answer, manager_card, dm(manager), replied=False)  # opens the modal
    view = fake.wait_for("views.open", count=before + 1)[-1].params["view"]
    view = {**view, "private_metadata": json.dumps({**json.loads(view["private_metadata"]), **forged_location})}
    reply = sender.submit(manager, view, {**text_value("text", "Politely decline; it is school policy."),
                                          **text_value("guidance_text", "")})
    assert reply.json().get("response_action") == "update"
    # Her own card is updated (so the update step ran) ...
    own = (dm(manager), manager_card.ts)
    fake.wait_for("chat.update", lambda c: (c.params.get("channel"), c.params.get("ts")) == own)

    # 2. A refused close of the head teacher's report, with the same forged location.
    close = {"type": "modal", "callback_id": "form:report_close", "blocks": [],
             "private_metadata": json.dumps({"a": "report.close", "ref": report_ref, **forged_location})}
    refused = sender.submit("U0STAFF", close, text_value("outcome", "Nothing to see here."))
    assert refused.json().get("response_action") == "errors"

    # ... and the head teacher's card never is.
    assert not fake.find("chat.update", lambda c: c.params.get("channel") == dm(HEAD.slack_user_id))
    assert not fake.find("chat.update", lambda c: c.params.get("ts") == head_card.ts)


# -- two replicas on one PostgreSQL database ----------------------------------------------------



REPORTERS = ("staff", "teacher", "manager", "hr")


def test_two_replicas_taking_forty_reports_at_once_save_each_and_send_each_receipt_once(tmp_path, policy_index_dir,
                                                                                        pg_url):
    """Red-team finding 4: 20 report forms submitted at the same moment to each of two replicas
    on one PostgreSQL database. Every reporter gets a reference, every report is saved under
    its own, and every receipt reaches its reporter once."""
    fake = FakeSlack(users=slack_users()).start()
    try:
        directory = write_directory(tmp_path / "directory.csv")
        env = slack_env(server_env(database_url=pg_url, directory=directory, index_dir=policy_index_dir), fake)
        replicas = [ServerProcess(env, log_path=tmp_path / f"replica-{n}.log") for n in (1, 2)]
        with running(*replicas):
            senders = [SlackSender(r.url) for r in replicas]
            barrier, results = threading.Barrier(40), [None] * 40

            def submit(i: int) -> None:
                user = PEOPLE[REPORTERS[i % len(REPORTERS)]].slack_user_id
                values = {**select_value("category", "pupil_comments"),
                          **text_value("what_happened", f"Comments about a colleague, number {i}")}
                barrier.wait()
                try:
                    results[i] = (user, senders[i % 2].submit(user, REPORT_VIEW, values, view_id=f"Vrace{i:02d}"))
                except Exception as exc:  # a timeout or a refused connection counts as an error
                    results[i] = (user, exc)

            threads = [threading.Thread(target=submit, args=(i,)) for i in range(40)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            logs = "\n".join(r.log(40) for r in replicas)
            errors = [r for r in results if r is None or isinstance(r[1], Exception) or r[1].status != 200
                      or r[1].json().get("response_action") != "update"]  # None: still waiting after 60 s
            assert errors == [], logs
            refs = {REF.search(reply.body).group(1): user for user, reply in results}
            assert len(refs) == 40

            database = Database(pg_url)
            try:
                with database.transaction() as session:
                    assert session.scalar(select(func.count()).select_from(Report)) == 40

                def receipts_delivered():
                    with database.transaction() as session:
                        statuses = session.scalars(select(OutboxMessage.status)
                                                   .where(OutboxMessage.kind == "report.receipt")).all()
                    return len(statuses) == 40 and set(statuses) == {"delivered"}

                wait_until(receipts_delivered, 30, "40 receipts to be delivered")
            finally:
                database.dispose()
            for ref, user in refs.items():
                receipts = fake.find("chat.postMessage",
                                     lambda c: c.params.get("channel") == dm(user) and ref in c.text())
                assert len(receipts) == 1, (ref, user, logs)
    finally:
        fake.stop()
