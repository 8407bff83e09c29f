"""A published questionnaire's structure and items are built once per process; a draft's never."""

from django.utils import timezone

from surveys.models import Item
from surveys.selectors.questionnaires import published_items, published_structure
from surveys.tests.factories import make_questionnaire


def test_a_published_version_is_read_once(db, django_assert_num_queries):
    questionnaire = make_questionnaire(elements=2, items_per_element=2)
    first = published_structure(questionnaire=questionnaire)
    items = published_items(questionnaire=questionnaire)
    with django_assert_num_queries(0):
        assert published_structure(questionnaire=questionnaire) is first
        assert published_items(questionnaire=questionnaire) is items
    assert [i.code for i in items] == [i.code for i in first.items]


def test_a_draft_is_read_every_time(db):
    draft = make_questionnaire(elements=1, items_per_element=1, published=False)
    before = published_structure(questionnaire=draft)
    Item.objects.filter(questionnaire=draft, code="1.1").update(text="Câu đã sửa")
    after = published_structure(questionnaire=draft)
    assert after is not before
    assert "Câu đã sửa" in [i.text for i in after.items]


def test_a_new_publication_is_read_again(db):
    questionnaire = make_questionnaire(elements=1, items_per_element=1)
    before = published_structure(questionnaire=questionnaire)
    questionnaire.published_at = timezone.now()
    assert published_structure(questionnaire=questionnaire) is not before
