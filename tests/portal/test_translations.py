"""portal/translations.py: one dictionary per language, every lookup answering as before."""

import gettext as gettext_module

from django.utils.translation import trans_real

from portal.translations import flatten, flatten_languages


def every_key(translation):
    keys = set(translation._catalog.keys())
    fallback = translation._fallback
    while fallback is not None:
        keys |= set(fallback._catalog)
        fallback = fallback._fallback
    return keys


def answers(translation, keys):
    found = {}
    for key in keys:
        if isinstance(key, tuple):
            message = key[0]
            found[key] = tuple(translation.ngettext(message, message + "s", n) for n in (0, 1, 2))
        else:
            found[key] = translation.gettext(key)
    return found


def test_flattened_catalog_answers_every_message_as_the_chain_did():
    translation = trans_real.DjangoTranslation("zh-hans")  # a fresh one, not the shared
    assert translation._fallback is not None, "Wagtail's zh catalogs chain behind zh_Hans"
    keys = every_key(translation) | {"站点照片", "no such message"}
    before = answers(translation, keys)

    assert flatten(translation) is True

    assert translation._fallback is None
    assert len(translation._catalog._catalogs) == 1
    assert answers(translation, keys) == before
    assert translation.gettext("站点照片") == "站点照片"


def test_catalogs_with_another_plural_rule_are_left_chained():
    translation = trans_real.DjangoTranslation("zh-hans")
    other = gettext_module.GNUTranslations()
    other._catalog = {"apple": "苹果", ("apple", 0): "苹果", ("apple", 1): "苹果们"}
    other.plural = lambda n: int(n != 1)
    translation.add_fallback(other)
    chain = translation._fallback

    assert flatten(translation) is False

    assert translation._fallback is chain
    assert translation.ngettext("apple", "apples", 2) == "苹果们"


def test_every_offered_language_is_flattened_in_place():
    assert set(flatten_languages()) <= {"zh-hans", "en"}
    shared = trans_real.translation("zh-hans")
    assert shared._fallback is None
    assert shared.gettext("Search") == trans_real.DjangoTranslation("zh-hans").gettext("Search")
