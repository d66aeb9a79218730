"""Directory parsing, validation (with line numbers), reload-on-change and routing rules."""
from __future__ import annotations

import os
import time

from bot.core.directory import FileDirectory, Role, parse_directory, routing
from tests.core.corefakes import DIRECTORY_CSV

HEADER = "name,email,role,line_manager_email,slack_user_id,teams_user_id\n"


def problems(text: str) -> list[str]:
    return [str(p) for p in parse_directory(HEADER + text).problems]


def test_sample_directory_is_valid(directory):
    assert directory.ok, directory.problems
    assert directory.head_teacher.email == "head@hardmoor.example"
    assert directory.deputy.role is Role.DEPUTY
    assert directory.chair_of_governors.email == "chair@hardmoor.example"
    assert directory.by_platform_id("slack", "U0STAFF001").name == "Amy Green"
    assert directory.by_platform_id("teams", "6f1c2a10-0000-4000-8000-000000000009").name == "Chloe Irwin"


def test_unknown_manager_and_missing_manager_are_named_with_line():
    found = problems("Head,h@x.org,head_teacher,,,\nAnn,a@x.org,staff,nobody@x.org,,\nBob,b@x.org,staff,,,\n")
    assert "line 3: unknown line manager 'nobody@x.org' for a@x.org" in found
    assert "line 4: b@x.org has no line_manager_email" in found


def test_cycle_is_reported_once():
    found = problems("Head,h@x.org,head_teacher,,,\nAnn,a@x.org,staff,b@x.org,,\nBob,b@x.org,manager,a@x.org,,\n")
    cycles = [p for p in found if "cycle" in p]
    assert len(cycles) == 1 and cycles[0].startswith("line 3:") and "lines 3, 4" in cycles[0]


def test_duplicate_ids():
    found = problems("Head,h@x.org,head_teacher,,U1,\nAnn,a@x.org,staff,h@x.org,U1,T1\nAnn2,A@x.org,staff,h@x.org,,T1\n")
    assert "line 3: duplicate slack_user_id 'U1' (first used on line 2)" in found
    assert "line 4: duplicate email 'a@x.org' (first used on line 3)" in found
    assert "line 4: duplicate teams_user_id 't1' (first used on line 3)" in found


def test_no_head_teacher_and_bad_role_and_header():
    found = problems("Ann,a@x.org,teacher,,,\n")
    assert "no head teacher: one row must have role head_teacher" in found
    assert any(p.startswith("line 2: unknown role 'teacher'") for p in found)
    bad = parse_directory("name,email,role\nA,a@x.org,staff\n")
    assert bad.problems[0].line == 1 and "header must be exactly" in bad.problems[0].message


def test_file_directory_reloads_and_keeps_last_good(tmp_path):
    path = tmp_path / "dir.csv"
    path.write_text(DIRECTORY_CSV.read_text())
    source = FileDirectory(path)
    assert len(source.current().people) == 10
    path.write_text(path.read_text() + "New Person,new@hardmoor.example,staff,head@hardmoor.example,,\n")
    os.utime(path, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert source.current().get("new@hardmoor.example") is not None
    path.unlink()
    kept = source.current()
    assert len(kept.people) == 11 and any("cannot read directory" in p.message for p in kept.problems)


def test_routing_rules(directory, people):
    assert routing.line_manager_route(directory, people.amy).person == people.tom
    assert routing.line_manager_route(directory, people.head).person == people.chair
    # A query about one's own manager goes up the chain.
    route = routing.avoid_concerned(directory, routing.line_manager_route(directory, people.amy), [people.tom.email])
    assert route.person == people.deputy and "concerns Tom Ellery" in route.note
    # Something about the head teacher goes to the deputy, then the chair.
    head = routing.Route(people.head)
    assert routing.avoid_concerned(directory, head, [people.head.email]).person == people.deputy
    assert routing.avoid_concerned(directory, head, [people.head.email, people.deputy.email]).person == people.chair
    assert routing.overdue_fallback(directory, people.head) == people.deputy
    assert routing.overdue_fallback(directory, people.deputy) == people.chair


def test_head_without_chair_keeps_own_queries():
    d = parse_directory(HEADER + "Head,h@x.org,head_teacher,,,\nAnn,a@x.org,staff,h@x.org,,\n")
    route = routing.line_manager_route(d, d.head_teacher)
    assert route.person == d.head_teacher and "no chair" in route.note
