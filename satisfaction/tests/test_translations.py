"""The English catalogue: complete, not fuzzy, placeholders intact, and actually used."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
# %(name)s / %(count)d and bare %s / %d; a literal percent sign is written "%%".
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


@pytest.fixture
def compiled():
    """.mo files are not committed: compile them, then make Django reload its catalogues.

    Overriding LOCALE_PATHS (with the same value) fires Django's own handler, which drops any
    catalogue loaded before the .mo file existed or changed.
    """
    call_command("compile_translations", verbosity=0)
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        yield


def test_every_entry_is_translated_with_the_same_placeholders(catalogue):
    entries = [e for e in catalogue if not e.obsolete]
    assert entries, f"{PO_PATH} has no entries"
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        if not e.translated():
            problems.append(f"untranslated: {e.msgid!r}")
            continue
        if e.msgid_plural:
            expected = placeholders(e.msgid) | placeholders(e.msgid_plural)
            forms = [e.msgstr_plural[i] for i in sorted(e.msgstr_plural)]
        else:
            expected = placeholders(e.msgid)
            forms = [e.msgstr]
        for form in forms:
            if placeholders(form) != expected:
                problems.append(f"placeholders differ: {e.msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems)
    assert catalogue.percent_translated() == 100


def test_known_strings_come_out_in_english(compiled):
    with translation.override("en"):
        assert gettext("Cơ quan") == "Agencies"
        assert gettext("Đợt khảo sát") == "Survey campaigns"
        assert gettext("Sở Nội vụ") == "Department of Home Affairs"
        assert ngettext("%(n)s cơ quan", "%(n)s cơ quan", 1) % {"n": 1} == "1 agency"
        assert ngettext("%(n)s cơ quan", "%(n)s cơ quan", 3) % {"n": 3} == "3 agencies"
        rendered = Template(
            '{% load i18n %}{% translate "Phiếu khảo sát" %} · '
            '{% translate "Khoảng tin cậy 95%" %} · '
            "{% blocktranslate %}Xin chào, {{ name }}{% endblocktranslate %}"
        ).render(Context({"name": "Mai"}))
        assert rendered == "Questionnaires · 95% confidence interval · Hello, Mai"
    with translation.override("vi"):
        assert gettext("Cơ quan") == "Cơ quan"
