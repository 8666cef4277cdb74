"""schema.org data for stories (Article); see home/seo.py."""

from home.base.seo import iso, plain, publisher
from stories.models import HonoreeKind

SUBJECT_TYPES = {
    HonoreeKind.VOLUNTEER: "Person",
    HonoreeKind.TEAM: "Organization",
    HonoreeKind.ORGANISATION: "Organization",
    HonoreeKind.PROJECT: "Project",
    HonoreeKind.STATION: "Place",
}


def story_data(story, request) -> dict:
    subject = {"@type": SUBJECT_TYPES[story.honoree_kind], "name": story.honoree_name}
    if story.honoree_kind == HonoreeKind.STATION and story.station_id:
        subject["url"] = story.station.get_full_url(request)
    data = {
        "@type": "Article",
        "headline": story.title[:110],
        "description": plain(story.summary),
        "url": story.get_full_url(request),
        "mainEntityOfPage": story.get_full_url(request),
        "inLanguage": "zh-CN",
        "datePublished": iso(story.first_published_at) or iso(story.story_date),
        "dateModified": iso(story.last_published_at) or iso(story.story_date),
        "author": publisher(request),
        "publisher": publisher(request),
        "about": subject,
        "award": str(story.award_label),
    }
    if story.place_label:
        data["contentLocation"] = {"@type": "Place", "name": story.place_label}
    return data
