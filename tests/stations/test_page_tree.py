from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage, PolicyIndexPage, StandardPage
from stations.models import (
    ActivityIndexPage,
    ActivityPage,
    RegistrationFormPage,
    StationIndexPage,
    StationPage,
)


class StationTreeRulesTest(WagtailPageTestCase):
    def test_station_directory_under_home_only(self):
        self.assertCanCreateAt(HomePage, StationIndexPage)
        for parent in (Page, StandardPage, PolicyIndexPage, StationIndexPage, StationPage):
            self.assertCanNotCreateAt(parent, StationIndexPage)
        self.assertAllowedParentPageTypes(StationIndexPage, {HomePage})

    def test_stations_only_in_the_directory_and_are_leaves(self):
        self.assertCanCreateAt(StationIndexPage, StationPage)
        for parent in (HomePage, StandardPage, StationPage):
            self.assertCanNotCreateAt(parent, StationPage)
        self.assertAllowedSubpageTypes(StationIndexPage, {StationPage})
        self.assertAllowedSubpageTypes(StationPage, set())

    def test_registration_form_under_home_and_is_a_leaf(self):
        self.assertCanCreateAt(HomePage, RegistrationFormPage)
        for parent in (StationIndexPage, StationPage, StandardPage):
            self.assertCanNotCreateAt(parent, RegistrationFormPage)
        self.assertAllowedSubpageTypes(RegistrationFormPage, set())


class ActivityTreeRulesTest(WagtailPageTestCase):
    def test_activity_list_under_home_only_and_activities_in_it_as_leaves(self):
        self.assertCanCreateAt(HomePage, ActivityIndexPage)
        for parent in (StationIndexPage, StationPage, StandardPage, ActivityIndexPage):
            self.assertCanNotCreateAt(parent, ActivityIndexPage)
        self.assertAllowedSubpageTypes(ActivityIndexPage, {ActivityPage})
        self.assertAllowedParentPageTypes(ActivityPage, {ActivityIndexPage})
        self.assertAllowedSubpageTypes(ActivityPage, set())
