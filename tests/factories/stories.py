"""Factories for commendation stories."""

import json

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory

from home.base.choices import Level
from stories.models import Award, HonoreeKind, StoryIndexPage, StoryPage
from tests.factories.home import make_site_tree


class StoryIndexPageFactory(wagtail_factories.PageFactory):
    title = "嘉许故事"
    slug = "stories"

    class Meta:
        model = StoryIndexPage


class AwardFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"优秀志愿者{n}")
    conferred_by = "广州市志愿者协会"
    level = Level.MUNICIPAL
    tier = 1

    class Meta:
        model = Award
        django_get_or_create = ("name",)


def paragraphs(*texts: str) -> str:
    """A story body of paragraph blocks, as the JSON StreamField accepts."""
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in texts])


class StoryPageFactory(wagtail_factories.PageFactory):
    """Pass parent=<StoryIndexPage>."""

    title = factory.Sequence(lambda n: f"社区里的好邻居{n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    summary = "十年如一日陪伴社区独居老人"
    story_date = factory.LazyFunction(timezone.localdate)
    honoree_kind = HonoreeKind.VOLUNTEER
    honoree_name = "陈姨（化名）"
    year = 2025
    body = factory.LazyFunction(lambda: paragraphs("她每周两次到社工站陪伴独居老人。"))

    class Meta:
        model = StoryPage


def make_story_site():
    """The default site with a story index: (home, story_index)."""
    home, _policies = make_site_tree()
    return home, StoryIndexPageFactory(parent=home, show_in_menus=True)
