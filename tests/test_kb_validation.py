"""Each kind of broken knowledge base gives its own clear message naming file, topic and field."""

import shutil
import subprocess
import sys

import pytest
import yaml

from bot.wording.safety import REMINDER
from faq.loader import DEFAULT_KB_DIR, TOPICS_FILE, KnowledgeBaseError, load, read_topic_ids


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the shipped English knowledge base and topic list."""
    kb = tmp_path / "kb"
    kb.mkdir()
    shutil.copy(DEFAULT_KB_DIR / "en.yaml", kb / "en.yaml")
    topics = tmp_path / "topics.tsv"
    shutil.copy(TOPICS_FILE, topics)
    return kb, topics


def edit(kb, change):
    path = kb / "en.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["topics"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems(kb, topics):
    with pytest.raises(KnowledgeBaseError) as info:
        load(kb, topics, sms_suffix=REMINDER)
    return "\n".join(info.value.problems)


def test_shipped_knowledge_base_is_valid_and_complete():
    kb = load()
    for lang, entries in kb.entries.items():
        assert set(entries) == set(read_topic_ids()), lang


def test_unknown_topic_id(kb_copy):
    edit(kb_copy[0], lambda t: t.append({**t[0], "id": "made-up"}))
    assert "en.yaml: topic made-up: field id: unknown topic id" in problems(*kb_copy)


def test_duplicate_topic_id(kb_copy):
    edit(kb_copy[0], lambda t: t.append(dict(t[0])))
    assert f"en.yaml: topic {read_topic_ids()[0]}: field id: duplicate" in problems(*kb_copy)


def test_missing_topic_id(kb_copy):
    edit(kb_copy[0], lambda t: t.pop())
    assert f"topic {read_topic_ids()[-1]}: field id: missing for lang en" in problems(*kb_copy)


def test_over_long_sms_answer(kb_copy):
    edit(kb_copy[0], lambda t: t[1].update(short="word " * 70))
    msg = problems(*kb_copy)
    assert f"topic {read_topic_ids()[1]}: field short: " in msg and "two-SMS budget of 306" in msg


def test_non_gsm_character_shrinks_the_budget_to_134(kb_copy):
    edit(kb_copy[0], lambda t: t[1].update(short="Être prêt " * 14))
    assert "two-SMS budget of 134" in problems(*kb_copy)


def test_empty_list(kb_copy):
    edit(kb_copy[0], lambda t: t[2].update(keywords=[]))
    assert f"topic {read_topic_ids()[2]}: field keywords:" in problems(*kb_copy)


def test_missing_field(kb_copy):
    edit(kb_copy[0], lambda t: t[3].pop("reviewed"))
    assert f"topic {read_topic_ids()[3]}: field reviewed: Field required" in problems(*kb_copy)


def test_yaml_syntax_error_names_file_and_line(kb_copy):
    (kb_copy[0] / "en.yaml").write_text("topics:\n  - id: [unclosed\n", encoding="utf-8")
    assert "en.yaml line" in problems(*kb_copy) and "YAML error" in problems(*kb_copy)


def test_unknown_related_topic(kb_copy):
    edit(kb_copy[0], lambda t: t[0].update(related=["nowhere"]))
    assert "field related: unknown topic nowhere" in problems(*kb_copy)


def test_faq_check_command_passes_on_shipped_kb():
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "faq", "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("languages: en, fr")


def test_faq_check_warns_about_stale_entries():
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "faq", "check", "--max-age-days", "-1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0
    assert "warning: en/sro-role: last reviewed" in out.stdout


def test_an_adult_wording_needs_both_answers(kb_copy):
    edit(kb_copy[0], lambda t: t[0].update(adult_short="Worded for a parent."))
    found = problems(*kb_copy)
    assert (
        f"en.yaml: topic {read_topic_ids()[0]}: field (entry): adult_short and adult_long" in found
    )


def test_an_over_long_adult_sms_answer(kb_copy):
    edit(kb_copy[0], lambda t: t[0].update(adult_short="word " * 70, adult_long="A long answer."))
    found = problems(*kb_copy)
    assert f"topic {read_topic_ids()[0]}: field adult_short:" in found and "two-SMS" in found
