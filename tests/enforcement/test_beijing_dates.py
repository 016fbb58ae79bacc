"""A date derived from a moment is the Beijing date: a case sent to the police at 05:46 Beijing
time (21:46 UTC the evening before) is dated that Beijing morning, so it lands in the right week."""
from __future__ import annotations

import datetime
from unittest import mock

from django.utils import timezone

from rectify.enforcement import services as s
from rectify.testing import WorldTestCase
from tests.enforcement.helpers import case, d, enterprise, unit

MORNING_IN_BEIJING = datetime.datetime(2020, 6, 3, 21, 46, tzinfo=datetime.UTC)  # 2020-06-04 05:46 +08:00


class BeijingDateTests(WorldTestCase):
    def test_a_transfer_to_the_police_at_dawn_is_dated_in_beijing(self):
        clerk = self.users["shenyang_samr"]
        c = case(unit("210100-samr"), ent=enterprise("210100"))
        s.case_transition(case=c, to="filed", actor=clerk, filed_on=d("2020-05-20"))
        with mock.patch("rectify.enforcement.services.transfers.timezone.now", return_value=MORNING_IN_BEIJING):
            transferred = s.case_transition(case=c, to="transferred", actor=clerk, to_unit=unit("210100-police"),
                                            reason="涉嫌生产销售伪劣产品罪")
        self.assertEqual(timezone.localdate(MORNING_IN_BEIJING), d("2020-06-04"))
        self.assertEqual(transferred.transferred_to_police_on, d("2020-06-04"))
