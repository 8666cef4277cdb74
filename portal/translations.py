"""One dictionary per language for the translation catalogs, instead of a chain of them.

Django keeps each app's catalog apart when it cannot tell their plural rules are the same (it
compares a function's code with a function, so it never can), and gettext chains one more
catalog per app that ships both `zh_Hans` and `zh`: with Wagtail's, a lookup for zh-hans walks
19 dictionaries and then 12 fallbacks. The interface's own strings are written in Chinese and
have no entry anywhere, so each of the 50–100 on a page walks all 31 (8 µs against 2 µs for a
string found at once, about 0.6 ms of a station page).

`flatten` merges them into one dictionary with the same precedence, only when every catalog
and fallback has the same plural rule (otherwise a plural form could change); warm_up runs it
for every language in LANGUAGES before the first request. Reloaded catalogs (a test changing
LOCALE_PATHS) are simply chained again.
"""

import gettext as gettext_module

from django.conf import settings
from django.utils.translation import trans_real

# Plural rules agree if they agree on these counts (every rule gettext ships changes form
# below 200, the largest cycle being 100's).
_PLURAL_PROBES = range(0, 1001)


def _chain(translation) -> list | None:
    """The fallbacks behind `translation`, or None if one is not a plain gettext catalog."""
    fallbacks = []
    fallback = translation._fallback
    while fallback is not None:
        if type(fallback) is not gettext_module.GNUTranslations:
            return None
        fallbacks.append(fallback)
        fallback = fallback._fallback
    return fallbacks


def flatten(translation) -> bool:
    """Merge `translation`'s catalogs and fallbacks into one dictionary (a DjangoTranslation);
    False when it is left as it was."""
    catalog = getattr(translation, "_catalog", None)
    if not isinstance(catalog, trans_real.TranslationCatalog):
        return False
    fallbacks = _chain(translation)
    if fallbacks is None:
        return False
    # Highest precedence first, as lookups go: Django's catalogs in order, then the fallbacks.
    sources = list(zip(catalog._catalogs, catalog._plurals, strict=True))
    sources += [(fallback._catalog, fallback.plural) for fallback in fallbacks]
    rule = [translation.plural(n) for n in _PLURAL_PROBES]
    if any([plural(n) for n in _PLURAL_PROBES] != rule for _messages, plural in sources):
        return False
    merged = {}
    for messages, _plural in reversed(sources):
        merged.update(messages)
    catalog._catalogs = [merged]
    catalog._plurals = [translation.plural]
    translation._fallback = None
    return True


def flatten_languages() -> list[str]:
    """Load and flatten the catalogs of every language the site offers; those flattened."""
    done = []
    for code, _name in settings.LANGUAGES:
        if flatten(trans_real.translation(code)):
            done.append(code)
    return done
