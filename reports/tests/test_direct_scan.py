"""An update's few answers are added up cut by cut by the database (engine.direct_sql), not as
groups summed in pandas (engine.tally_frame): both give every cut the same counts."""

import random

import pandas as pd
import pytest
from django.db import connection

from reports import indices
from reports.engine import UntalliedAnswers, direct_cuts, direct_sql, tally_frame
from reports.tests.conftest import make_results_campaign, random_answers, untally
from surveys.services.questionnaires import questionnaires_load_national


def _direct(campaign, stored):
    """The cuts of the direct scan as a tally_frame."""
    spec = indices.questionnaire_spec(campaign.questionnaire)
    scan = direct_sql(spec, stored)
    with connection.cursor() as cursor:
        cursor.execute(scan.sql, [campaign.pk, 0, 2**62])
        cuts = direct_cuts(spec, scan, cursor.fetchone())
    frame = pd.DataFrame(cuts.counts, columns=cuts.names)
    frame.insert(0, "key", cuts.key)
    frame.insert(0, "cut", cuts.cut)
    return frame


def _grouped(campaign):
    spec = indices.questionnaire_spec(campaign.questionnaire)
    scans = indices._scans(spec, campaign, 0, 2**62, 1)
    return tally_frame(spec, scans)


def _sorted(frame):
    return frame.sort_values(["cut", "key"]).reset_index(drop=True)


@pytest.fixture
def national_campaign(world):
    def make(which, answers=60, seed=1):
        questionnaire = questionnaires_load_national()[which]
        agencies = [world.phu_vang, world.phu_thuan, world.huong_tra, world.tu_ha]
        campaign = make_results_campaign(
            world.home_affairs, questionnaire=questionnaire, scope=agencies
        )
        random_answers(campaign, agencies[:3], random.Random(seed), answers)
        indices.tallies_prepare(questionnaire=campaign.questionnaire)
        with connection.cursor() as cursor:
            # Answers of the 2-tier era (no district), and by other channels.
            cursor.execute(
                "UPDATE surveys_response SET district_id = NULL "
                "WHERE campaign_id = %s AND id %% 4 = 0",
                [campaign.pk],
            )
            cursor.execute(
                "UPDATE surveys_response SET channel = 'kiosk' "
                "WHERE campaign_id = %s AND id %% 3 = 0",
                [campaign.pk],
            )
        return campaign

    return make


@pytest.mark.parametrize("which", [0, 1], ids=["sipas-2017", "sipas-2023"])
def test_the_cuts_added_up_by_the_database_have_the_counts_of_the_groups(national_campaign, which):
    campaign = national_campaign(which)

    direct = _direct(campaign, campaign.questionnaire.tally_names)

    assert direct["cut"].iloc[0] == "campaign"
    assert set(direct["cut"]) >= {"campaign", "district", "commune", "agency", "channel"}
    pd.testing.assert_frame_equal(_sorted(direct), _sorted(_grouped(campaign)))
    # Without the stored tallies, from the answers themselves: the same.
    pd.testing.assert_frame_equal(_sorted(_direct(campaign, [])), _sorted(direct))


def test_answers_without_tallies_are_told(national_campaign):
    campaign = national_campaign(0, answers=10)
    untally(campaign, 3)

    with pytest.raises(UntalliedAnswers):
        _direct(campaign, campaign.questionnaire.tally_names)


def test_no_answers_make_the_campaign_alone(national_campaign):
    campaign = national_campaign(0, answers=0)

    direct = _direct(campaign, campaign.questionnaire.tally_names)

    assert direct["cut"].tolist() == ["campaign"]
    pd.testing.assert_frame_equal(_sorted(direct), _sorted(_grouped(campaign)))
