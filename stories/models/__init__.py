from .pages import HonoreeKind, StoryIndexPage, StoryPage
from .snippets import Award, Occasion

__all__ = ["Award", "HonoreeKind", "Occasion", "StoryIndexPage", "StoryPage"]
