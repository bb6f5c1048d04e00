"""The course definition under course/ loads, matches the course page, and rejects mistakes."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from deepcourse.course import CourseDataError, CourseDirNotFound, find_course_dir, load_course
from deepcourse.course.offering import Role


@pytest.fixture(scope="module")
def course(course_dir):
    return load_course(course_dir)


@pytest.fixture
def broken(tmp_path: Path, course_dir: Path):
    """A writable copy of course/ and a function that edits one of its files."""
    root = tmp_path / "course"
    shutil.copytree(course_dir, root)

    def edit(rel: str, old: str, new: str) -> Path:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return root

    return edit


def test_the_offering_is_046211_deep_learning_winter_2024_in_english(course):
    o = course.offering
    assert (o.number, o.name_en, o.name_he) == ("046211", "Deep Learning", "למידה עמוקה")
    assert (o.semester, o.weeks, o.language) == ("Winter 2024", 12, "English")


def test_capacity_is_40_with_a_waiting_list(course):
    assert course.offering.capacity == 40
    assert course.offering.waiting_list is True


def test_staff_are_the_lecturer_the_head_ta_and_the_grader(course):
    by_role = {s.role: s.name for s in course.offering.staff}
    assert by_role == {
        Role.LECTURER: "Daniel Soudry",
        Role.HEAD_TA: "Tal Daniel",
        Role.GRADER: "Noam Kasten",
    }


def test_lectures_and_tutorials_are_on_tuesday_in_meyer_352(course):
    slots = {(s.kind, s.day, s.start, s.end, s.room, s.given_by) for s in course.offering.sessions}
    assert slots == {
        ("lecture", "Tuesday", "10:30", "12:30", "Meyer 352", "Daniel Soudry"),
        ("tutorial", "Tuesday", "12:30", "13:30", "Meyer 352", "Tal Daniel"),
    }


def test_prerequisite_is_046195_or_236756(course):
    pre = course.offering.prerequisites
    assert [c.number for c in pre.courses] == ["046195", "236756"]
    assert pre.satisfied_by({"046195"}) and pre.satisfied_by({"236756"})
    assert not pre.satisfied_by({"044131"}) and not pre.satisfied_by(set())


def test_the_four_books_are_the_external_resources(course):
    titles = [r.title for r in course.offering.resources]
    assert titles == [
        "Dive into Deep Learning",
        "Machine Learning with PyTorch and Scikit-Learn",
        "Understand Deep Learning",
        "Deep Learning",
    ]


def test_three_learning_outcomes_in_both_languages(course):
    assert len(course.offering.outcomes) == 3
    assert all(o.en and o.he for o in course.offering.outcomes)


def test_syllabus_has_13_units_of_27_hours_25_in_winter_2024(course):
    s = course.syllabus
    assert [u.number for u in s.units] == list(range(1, 14))
    assert s.total_hours == 27
    assert s.winter_2024_hours == 25
    assert s.unit(13).hours == 3


def test_unit_11_compression_is_not_part_of_winter_2024(course):
    unit = course.syllabus.unit(11)
    assert unit.in_winter_2024 is False
    assert "Compression" in unit.title_en
    assert [u.number for u in course.syllabus.units if not u.in_winter_2024] == [11]


def test_every_unit_has_english_and_hebrew_titles_and_topics(course):
    for u in course.syllabus.units:
        assert u.title_en and u.title_he
        assert len(u.topics_en) == len(u.topics_he) >= 1


def test_hw0_is_binary_and_must_pass(course):
    hw0 = course.assessment.homework_by_id("hw0")
    assert hw0.grading == "binary" and hw0.must_pass and hw0.weight_percent == 0


def test_hw1_to_hw3_have_dry_and_wet_parts_in_pairs_with_no_handwritten_dry_parts(course):
    for hw_id in ("hw1", "hw2", "hw3"):
        hw = course.assessment.homework_by_id(hw_id)
        assert hw.parts == ("dry", "wet")
        assert hw.group_size == 2 and hw.submission == "jupyter"
        assert hw.handwritten_allowed is False and hw.dry_as_pdf_allowed is True
    assert course.assessment.homework_by_id("hw3").optional is True


def test_grade_weights_are_30_hw_30_project_40_exam_and_2_bonus(course):
    p = course.assessment.policy
    assert p.weights == {
        "hw1": Decimal(10), "hw2": Decimal(10), "hw3": Decimal(10),
        "project": Decimal(30), "exam": Decimal(40),
    }
    assert p.bonus_percent == 2 and p.pass_mark == 55 and p.final_cap == 100


def test_winter_2024_hw3_opt_out_moves_its_weight_to_the_exam(course):
    assert course.assessment.policy.hw3_opt_out == {
        "hw1": Decimal(10), "hw2": Decimal(10), "project": Decimal(30), "exam": Decimal(50),
    }


def test_project_proposals_are_due_in_weeks_6_and_7_and_presented_in_the_final_week(course):
    pj = course.assessment.project
    assert pj.proposal_weeks == (6, 7)
    assert pj.presentations == "final week" and pj.group_size == 2 and pj.must_pass


def test_find_course_dir_honours_the_environment(monkeypatch, course_dir, tmp_path):
    monkeypatch.setenv("DEEPCOURSE_COURSE_DIR", str(course_dir))
    assert find_course_dir(tmp_path) == course_dir
    monkeypatch.setenv("DEEPCOURSE_COURSE_DIR", str(tmp_path / "nowhere"))
    assert find_course_dir(tmp_path) != tmp_path / "nowhere"


def test_a_missing_course_dir_says_how_to_point_at_one(monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPCOURSE_COURSE_DIR", str(tmp_path))
    monkeypatch.setattr("deepcourse.course.loader.Path.is_file", lambda self: False)
    with pytest.raises(CourseDirNotFound, match="DEEPCOURSE_COURSE_DIR"):
        find_course_dir(tmp_path)


@pytest.mark.parametrize(
    ("rel", "old", "new", "key", "expected"),
    [
        ("course.toml", "capacity = 40", "capacity = -3", "offering.capacity", "integer >= 1"),
        ("course.toml", 'role = "grader"', 'role = "janitor"', "staff[2].role", "one of 'lecturer'"),
        ("course.toml", 'number = "046211"\n', "", "offering.number", "non-empty string"),
        ("course.toml", 'start = "10:30"', 'start = "25:99"', "session[0].start", "HH:MM"),
        ("course.toml", 'given_by = "Tal Daniel"', 'given_by = "Nobody"', "session[1].given_by", "staff member"),
        ("course.toml", "weeks = 12", 'weeks = "twelve"', "offering.weeks", "an integer"),
        ("assessment.toml", "exam = 40", 'exam = "forty"', "policy.weights.exam", "a number"),
        ("assessment.toml", "exam = 40", "exam = 45", "policy.weights", "adding up to 100"),
        ("assessment.toml", "exam = 50", "exam = 50\nhw3 = 0", "policy.hw3_opt_out.hw3", "no hw3 weight"),
        ("assessment.toml", "proposal_weeks = [6, 7]", "proposal_weeks = [6, 17]", "project.proposal_weeks", "12-week"),
        ("syllabus/04-single-neuron.toml", "hours = 2", "hours = -2", "hours", "integer >= 0"),
        ("syllabus/04-single-neuron.toml", "number = 4", "number = 3", "number", "numbered 1..13"),
        ("syllabus/04-single-neuron.toml", "in_winter_2024 = true", "in_winter_2024 = 1", "in_winter_2024", "true or false"),
    ],
)
def test_a_broken_course_file_names_the_file_the_key_and_the_expectation(broken, rel, old, new, key, expected):
    root = broken(rel, old, new)
    with pytest.raises(CourseDataError) as info:
        load_course(root)
    err = info.value
    assert err.key_path == key
    assert expected in str(err)
    assert Path(err.file).name == Path(rel).name or Path(err.file).name == "syllabus"


def test_invalid_toml_is_reported_with_the_file(broken):
    root = broken("course.toml", "[offering]", "[offering")
    with pytest.raises(CourseDataError, match=r"course\.toml: <file>: expected valid TOML"):
        load_course(root)


def test_course_data_errors_survive_pickling():
    import pickle

    err = CourseDataError("course.toml", "offering.capacity", "an integer", "x")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.key_path == "offering.capacity"
