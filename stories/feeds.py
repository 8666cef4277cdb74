import datetime

from django.utils import timezone

from home.base.feeds import FEED_LENGTH, PageFeed


class StoryFeed(PageFeed):
    def items(self, index):
        from stories.listing import live_stories, newest_first

        return newest_first(live_stories().descendant_of(index))[:FEED_LENGTH]

    def item_pubdate(self, story):
        # The date the story carries (and the list is sorted by), not when it reached the site.
        return timezone.make_aware(datetime.datetime.combine(story.story_date, datetime.time()))

    def item_description(self, story):
        return story.summary

    def item_categories(self, story):
        labels = [story.get_honoree_kind_display(), str(story.year)]
        if story.award_id:
            labels.append(story.award.name)
        return labels
