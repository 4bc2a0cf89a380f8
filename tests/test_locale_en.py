"""English is a complete second language: the en catalog translates every msgid, keeps its
placeholders and HTML tags, is compiled, and pages switch to it with the language cookie."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tuoyu.core.roles import Role
from tuoyu.institutions.choices import ServiceModel, Status

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[sdif]|\{[A-Za-z_]\w*\}")
BRACES = re.compile(r"\{[A-Za-z_]\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _back_to_the_default_language():
    """LocaleMiddleware activates the request's language in this thread and leaves it active, so
    a request with the English cookie would leave later tests in this worker running in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def parse_po(path: Path) -> list[dict]:
    """A .po file as a list of entries: {"flags", "msgctxt", "msgid", "msgid_plural", "msgstr": {i: s}}.
    Just enough of the format for a makemessages file; obsolete (#~) entries are skipped."""
    entries: list[dict] = []
    entry: dict = {}
    key = None

    def finish() -> None:
        nonlocal entry, key
        if "msgid" in entry:
            entries.append(entry)
        entry, key = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                finish()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                finish()
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
            continue
        word, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        m = re.fullmatch(r"msgstr\[(\d+)\]", word)
        if m:
            key = ("msgstr", int(m.group(1)))
            entry.setdefault("msgstr", {})[key[1]] = value
        elif word == "msgstr":
            key = ("msgstr", 0)
            entry.setdefault("msgstr", {})[0] = value
        elif word in ("msgctxt", "msgid", "msgid_plural"):
            if word in entry or (word in ("msgctxt", "msgid") and "msgstr" in entry):
                finish()
            key = word
            entry[word] = value
        else:
            raise AssertionError(f"unexpected line in {path.name}: {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[dict]:
    entries = parse_po(PO_PATH)
    header = [e for e in entries if e["msgid"] == ""]
    assert len(header) == 1 and "Language: en" in header[0]["msgstr"][0]
    body = [e for e in entries if e["msgid"] != ""]
    assert len(body) > 500, "the catalog looks truncated; run `tuoyu makemessages -l en`"
    return body


def test_every_entry_is_translated_and_not_fuzzy(catalog):
    untranslated = [e["msgid"] for e in catalog if not all(s.strip() for s in e["msgstr"].values())]
    assert not untranslated, untranslated[:10]
    fuzzy = [e["msgid"] for e in catalog if "fuzzy" in e.get("flags", ())]
    assert not fuzzy, fuzzy[:10]
    plural_counts = {len(e["msgstr"]) for e in catalog if "msgid_plural" in e}
    assert plural_counts <= {2}, "English has two plural forms"


def test_translations_keep_placeholders_and_tags(catalog):
    problems = []
    for e in catalog:
        pattern = PLACEHOLDER if "python-format" in e.get("flags", ()) else BRACES
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for i, text in e["msgstr"].items():
            source = sources[min(i, 1)]
            if sorted(pattern.findall(text)) != sorted(pattern.findall(source)):
                problems.append((e["msgid"], text))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(source)):
                problems.append((e["msgid"], text))
    assert not problems, problems[:10]


def test_translations_are_english(catalog):
    # A few translations quote input the parsers accept in Chinese (2023年5月6日, 95.3万, 街道, 区/县):
    # those may keep Chinese, but only inside an otherwise English sentence.
    mostly_chinese = [
        e["msgid"] for e in catalog for s in e["msgstr"].values()
        if len(CJK.findall(s)) * 4 > len(s)
    ]
    assert not mostly_chinese, mostly_chinese[:10]


def test_compiled_catalog_matches_po(catalog):
    """The committed .mo is compiled from the current .po (run `tuoyu compilemessages`)."""
    assert MO_PATH.exists()
    stale = []
    with translation.override("en"):
        for e in catalog:
            if "msgctxt" in e:
                continue
            if "msgid_plural" in e:
                got = [translation.ngettext(e["msgid"], e["msgid_plural"], n) for n in (1, 2)]
                want = [e["msgstr"][0], e["msgstr"][1]]
            else:
                got, want = [translation.gettext(e["msgid"])], [e["msgstr"][0]]
            if got != want:
                stale.append(e["msgid"])
    assert not stale, stale[:10]


def test_known_labels_translate():
    with translation.override("en"):
        assert str(Role.DISTRICT_OFFICER.label) == "District administrator"
        assert str(Role.HEALTH_MANAGER.label) == "Health manager"
        assert str(Status.FILED.label) == "Filed"
        assert str(Status.DEREGISTERED.label) == "Deregistered"
        assert str(ServiceModel.HOME_BASED.label) == "Home-based point"
        assert translation.gettext("托育机构") == "Institutions"
        assert translation.gettext("每千人口托位数") == "Places per 1,000 population"
    with translation.override("zh-hans"):
        assert str(Status.FILED.label) == "已备案"


def test_login_page_in_english(client, db):
    # The language switch's cookie chooses English (the browser's Accept-Language is not consulted).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Log in</button>" in html
    assert "Please log in with the account your organisation assigned to you." in html
    assert "Username" in html and "Password" in html
    assert "登录" not in html


def test_login_page_defaults_to_chinese(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "登录</button>" in html


def test_institution_list_in_english(client, world):
    client.force_login(world.users[Role.DISTRICT_OFFICER])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("institutions:list")).content.decode()
    assert "Childcare institutions" in html
    assert "Filed" in html  # the status badge of the district's filed institutions
    assert "托育机构列表" not in html
