"""Readable ASCII slugs for pages with Chinese titles: 社区志愿服务站 → shequ-zhiyuan-fuwuzhan.

Wagtail makes a slug from the title (Page.full_clean on the server, the admin's slug field as the
title is typed). With Unicode slugs allowed (WAGTAIL_ALLOW_UNICODE_SLUGS, kept on so existing
Chinese slugs stay valid), a Chinese title keeps its characters and every link to the page is
percent-encoded: /stories/%E7%A4%BE%E5%8C%BA…/. Turning Unicode slugs off does not help: the
admin's transliteration then drops Chinese altogether.

So, on the server, a slug that was made from the title is replaced by the title in pinyin, one
hyphen per word (jieba's segmentation; pypinyin's phrase dictionary reads polyphonic characters
right: 银行 yinhang, 长者 zhangzhe). It holds for every way a page is made:

- pages made in code (add_child without a slug): `pre_save` on a new page, see connect_signals;
- the admin's create and edit views (their before_create_page / before_edit_page hooks in
  home/wagtail_hooks.py call rewrite_posted_slug): the posted slug is rewritten before the form
  sees it, so uniqueness is checked on the pinyin slug, and autosaved drafts follow the title.

A slug is "made from the title" when it is not ASCII and equals what Wagtail's slugify or the
admin's urlify make of the title (with Wagtail's "-2" suffix or not). Anything else an editor
typed, a Chinese slug of their own included, is kept; and a page once published keeps its slug
(the admin stops following the title then too), so no live URL changes.

Both libraries are imported on first use (together some 100 MB), so only a process that makes
such a page pays for them.
"""

import re
import threading
import unicodedata

from django.db.models.signals import pre_save
from django.utils.text import slugify
from wagtail.models import Page

# Readable in a URL, and room for Wagtail's "-2" suffixes within the slug field's 255.
SLUG_MAX_LENGTH = 80
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NUMBERED = re.compile(r"^(?P<base>.+)-\d+$")

_lock = threading.Lock()
_tokenizer = None
_converter = None


def _words(text: str) -> list[str]:
    """jieba's words of the text (its own dictionary; built once per process, ~1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return list(_tokenizer.cut(text))


def _simplified(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def _syllables(word: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


def pinyin_slug(title: str, *, max_length: int = SLUG_MAX_LENGTH) -> str:
    """The title as an ASCII slug: Chinese words in pinyin, a hyphen between words.

    Traditional characters are read as simplified (義工 as 义工) so they segment as words.
    ASCII titles get what Django's slugify makes of them. Cut at a hyphen to `max_length`.
    """
    title = unicodedata.normalize("NFKC", title or "").strip()
    if not _HAN.search(title):
        return _cut(slugify(title), max_length)
    words = _words(_simplified(title))
    spelled = (_syllables(word) if _HAN.search(word) else word for word in words)
    # slugify drops the punctuation and turns the spaces between words into hyphens.
    return _cut(slugify(" ".join(spelled)), max_length)


def _cut(slug: str, max_length: int) -> str:
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    if slug[max_length] != "-" and "-" in cut:
        cut = cut.rsplit("-", 1)[0]
    return cut.strip("-")


def _admin_urlify(title: str) -> str:
    """What the admin's slug field (Wagtail's w-slug urlify, Unicode allowed) makes of a title."""
    value = re.sub(r"[^-_\w\s]", "", title.strip().lower())
    return re.sub(r"[-\s]+", "-", value)[:255].rstrip("-")


def is_made_from_title(slug: str, title: str) -> bool:
    """Whether `slug` is the Unicode slug Wagtail or its admin made from `title`."""
    if not slug or slug.isascii() or not title:
        return False
    made = {slugify(title, allow_unicode=True), _admin_urlify(title)} - {""}
    numbered = _NUMBERED.match(slug)
    return slug in made or bool(numbered and numbered["base"] in made)


def unique_slug(base: str, *, parent, page=None, max_length: int = SLUG_MAX_LENGTH) -> str:
    """`base`, or `base-2`, `base-3` … : the first no sibling under `parent` has."""
    siblings = parent.get_children() if parent is not None else Page.objects.none()
    if page is not None and page.pk is not None:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, suffix = base, 1
    while candidate in taken:
        suffix += 1
        tail = f"-{suffix}"
        candidate = _cut(base, max_length - len(tail)) + tail
    return candidate


def readable_slug(*, title: str, slug: str, parent, page=None) -> str | None:
    """The pinyin slug to use instead of `slug`, or None to keep `slug` as it is."""
    if not (slug == "" or is_made_from_title(slug, title)):
        return None
    base = pinyin_slug(title)
    if not base:
        return None
    return unique_slug(base, parent=parent, page=page)


# --- where pages are made -----------------------------------------------------------------------


def _new_page(sender, instance, raw=False, **kwargs):
    """A page made in code: Wagtail has just filled its slug from the title (Page.save ran
    full_clean or minimal_clean) and set url_path from it; a new page has no descendants, so
    both can still change."""
    if raw or not isinstance(instance, Page) or instance.id is not None:
        return
    if instance.alias_of_id is not None or instance.depth is None or instance.depth <= 1:
        return  # an alias keeps its original's slug; the tree's root has none to speak of
    parent = instance.get_parent()
    slug = readable_slug(title=instance.title, slug=instance.slug, parent=parent)
    if slug and slug != instance.slug:
        instance.slug = slug
        instance.set_url_path(parent)


def connect_signals() -> None:
    pre_save.connect(_new_page, dispatch_uid="home.base.slugs.new_page")


def rewrite_posted_slug(request, *, parent, page=None) -> None:
    """Before the admin's page form reads the POST: put the pinyin slug where the admin (or an
    empty field, without JavaScript) would have sent a slug made from the title.

    On an existing page only while it has never been published and the slug is being changed:
    that is the admin following a draft's title; a published page keeps its URL.
    """
    if request.method != "POST" or "title" not in request.POST:
        return
    posted = request.POST.get("slug", "")
    if page is not None and (page.live or page.first_published_at or posted == page.slug):
        return
    slug = readable_slug(title=request.POST["title"], slug=posted, parent=parent, page=page)
    if slug:
        data = request.POST.copy()
        data["slug"] = slug
        request.POST = data
