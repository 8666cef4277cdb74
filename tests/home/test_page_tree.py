from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage, PolicyDocumentPage, PolicyIndexPage, StandardPage
from stations.models import ActivityIndexPage, RegistrationFormPage, StationIndexPage
from stories.models import StoryIndexPage, StoryPage


class PageTreeRulesTest(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_only(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)
        self.assertCanNotCreateAt(StandardPage, HomePage)
        self.assertCanNotCreateAt(PolicyIndexPage, HomePage)

    def test_standard_pages_under_home_and_each_other(self):
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(PolicyIndexPage, StandardPage)
        self.assertCanNotCreateAt(Page, StandardPage)

    def test_policy_register_under_home_only(self):
        self.assertCanCreateAt(HomePage, PolicyIndexPage)
        self.assertCanNotCreateAt(StandardPage, PolicyIndexPage)
        self.assertCanNotCreateAt(Page, PolicyIndexPage)
        self.assertCanNotCreateAt(PolicyIndexPage, PolicyIndexPage)

    def test_policy_documents_only_in_the_register_and_are_leaves(self):
        self.assertCanCreateAt(PolicyIndexPage, PolicyDocumentPage)
        self.assertCanNotCreateAt(HomePage, PolicyDocumentPage)
        self.assertCanNotCreateAt(StandardPage, PolicyDocumentPage)
        for child in (HomePage, StandardPage, PolicyIndexPage, PolicyDocumentPage):
            self.assertCanNotCreateAt(PolicyDocumentPage, child)

    def test_allowed_types_are_exactly_these(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                StandardPage,
                PolicyIndexPage,
                StationIndexPage,
                RegistrationFormPage,
                ActivityIndexPage,
                StoryIndexPage,
            },
        )
        self.assertAllowedSubpageTypes(PolicyIndexPage, {PolicyDocumentPage})
        self.assertAllowedSubpageTypes(PolicyDocumentPage, set())
        self.assertAllowedParentPageTypes(PolicyDocumentPage, {PolicyIndexPage})

    def test_stories_live_in_their_index_under_home(self):
        self.assertCanCreateAt(HomePage, StoryIndexPage)
        self.assertCanNotCreateAt(StandardPage, StoryIndexPage)
        self.assertCanNotCreateAt(StoryIndexPage, StoryIndexPage)
        self.assertCanCreateAt(StoryIndexPage, StoryPage)
        self.assertCanNotCreateAt(HomePage, StoryPage)
        self.assertCanNotCreateAt(StandardPage, StoryPage)
        self.assertAllowedSubpageTypes(StoryIndexPage, {StoryPage})
        self.assertAllowedSubpageTypes(StoryPage, set())
        self.assertAllowedParentPageTypes(StoryPage, {StoryIndexPage})
        self.assertAllowedParentPageTypes(StoryIndexPage, {HomePage})
