"""weights_set: a campaign's stratum weights saved, and its indices asked to be recomputed."""

from reports.models import IndexRun
from reports.services import weights_set
from reports.tasks import indices_refresh
from surveys.models import Campaign, CampaignAgency


def test_it_saves_the_weights_and_queues_a_recompute(
    world, hue, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(indices_refresh, "apply_async", lambda *a, **kw: calls.append(a))
    with django_capture_on_commit_callbacks(execute=True):
        changed = weights_set(
            campaign=hue, weighted=True, weights={world.phu_vang.pk: 2.0, world.tu_ha.pk: None}
        )
    assert changed == 1  # Tứ Hạ had no weight and still has none
    assert Campaign.objects.get(pk=hue.pk).weighted is True
    assert CampaignAgency.objects.get(campaign=hue, agency=world.phu_vang).weight == 2.0
    assert IndexRun.objects.get(campaign=hue).status == IndexRun.Status.QUEUED
    assert len(calls) == 1


def test_it_ignores_an_agency_outside_the_scope(world, hue):
    weights_set(campaign=hue, weighted=False, weights={world.da_nang.pk: 5.0})
    assert not CampaignAgency.objects.filter(agency=world.da_nang).exists()
