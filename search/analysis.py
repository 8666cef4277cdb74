"""The one Chinese text analysis every search backend uses, at index time and at query time.

Chinese has no spaces, and the database backends (SQLite FTS5, PostgreSQL tsvector) and a
whitespace-analysed Elasticsearch index all split text on spaces and punctuation. So text is
turned into space-separated tokens before any backend sees it:

- folding: NFKC (full-width letters and digits to ASCII), traditional to simplified Chinese
  (OpenCC t2s: 義工 → 义工, 志愿服務 → 志愿服务), lower case;
- Chinese runs are segmented with jieba and a user dictionary of the domain's terms
  (dictionaries/portal.txt: 七个有, 时间银行, 社工站 …); the index gets jieba's search mode (the
  words and the dictionary words inside them) plus every character, so a part of a word still
  matches; a query gets the accurate mode (its words);
- Latin words and numbers stay whole (Wagtail, ES9, 2019);
- a 文号 becomes one more token in a canonical form, however its brackets were typed:
  穗民〔2019〕62号 / 穗民[2019]62号 / 穗民（2019）62号 → 穗民2019年62号.
"""

import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import opencc
from django.core.exceptions import ValidationError

from home.base.docnumbers import DocNumber, parse_doc_number

USER_DICTIONARY = Path(__file__).parent / "dictionaries" / "portal.txt"
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<latin>[0-9a-z]+(?:[._+-][0-9a-z]+)*)")
# A 文号 inside running text; the issuer code's start is not marked, so its last few characters
# are tried (穗民, and 据穗民 when the text says 根据穗民…).
_DOCNO_IN_TEXT = re.compile(
    rf"(?P<issuer>[{CJK}]{{1,8}}?)"
    r"(?:[〔\[【(〖](?P<year>\d{4})[〕\]】)〗]第?(?P<serial>\d+)号|第(?P<decree>\d+)号)"
)
MAX_ISSUER = 6

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None


def segmenter() -> jieba.Tokenizer:
    """jieba with the portal's dictionary, built once per process (about a second)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.load_userdict(str(USER_DICTIONARY))
                _segmenter = tokenizer
    return _segmenter


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Full-width to ASCII, traditional to simplified, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    return _converter().convert(text).lower()


def fold_aligned(text: str) -> str:
    """`fold`, keeping one character per character, so positions found in the folded text mark
    the same characters of the original (for highlighting). A character whose folding would
    change the length (… → ..., ﬁ → fi) is kept as it is."""
    text = text or ""
    if unicodedata.is_normalized("NFKC", text):  # most text: no character to fold one by one
        chars = list(text)
    else:
        chars = []
        for ch in text:
            folded = unicodedata.normalize("NFKC", ch)
            chars.append(folded if len(folded) == 1 else ch)
    converted = _converter().convert("".join(chars))
    if len(converted) != len(chars):  # a phrase conversion changed the length: go by character
        converted = "".join(
            c if len(c) == 1 else ch for ch, c in ((ch, _converter().convert(ch)) for ch in chars)
        )
    lowered = converted.lower()
    return lowered if len(lowered) == len(converted) else converted


def docno_token(number: DocNumber) -> str:
    if number.year is None:
        return f"{number.issuer_code}第{number.serial}号"
    return f"{number.issuer_code}{number.year}年{number.serial}号"


def _docno_tokens(folded: str) -> list[str]:
    found = []
    for match in _DOCNO_IN_TEXT.finditer(folded):
        issuer = match["issuer"]
        if match["decree"]:
            if issuer.endswith("令"):
                found.append(f"{issuer[-MAX_ISSUER:]}第{int(match['decree'])}号")
            continue
        year, serial = int(match["year"]), int(match["serial"])
        for length in range(1, min(len(issuer), MAX_ISSUER) + 1):
            found.append(f"{issuer[-length:]}{year}年{serial}号")
    return found


def index_tokens(text: str) -> list[str]:
    """Tokens to index for a piece of text."""
    folded = fold(text)
    tokens = _docno_tokens(folded)
    cut = segmenter().cut_for_search
    for match in _RUNS.finditer(folded):
        if match["latin"]:
            tokens.append(match["latin"])
            continue
        run = match["cjk"]
        words = [w for w in cut(run, HMM=False) if w.strip()]
        tokens.extend(words)
        singles = {w for w in words if len(w) == 1}
        tokens.extend(ch for ch in run if ch not in singles)
    return tokens


def query_tokens(text: str) -> list[str]:
    """The words of a query, each of which a matching page must contain."""
    folded = fold(text)
    try:
        return [docno_token(parse_doc_number(folded))]
    except ValidationError:  # not a 文号: an ordinary query
        pass
    tokens = []
    for match in _RUNS.finditer(folded):
        if match["latin"]:
            tokens.append(match["latin"])
        else:
            tokens.extend(w for w in segmenter().cut(match["cjk"], HMM=False) if w.strip())
    return list(dict.fromkeys(tokens))


def query_characters(text: str) -> list[str]:
    """A looser form of a query: its Latin words and each of its Chinese characters."""
    folded = fold(text)
    tokens = []
    for match in _RUNS.finditer(folded):
        tokens.extend([match["latin"]] if match["latin"] else list(match["cjk"]))
    return list(dict.fromkeys(tokens))


class Analysed(str):
    """A query string already analysed: the backends pass it through unchanged."""


def index_text(text: str) -> str:
    return " ".join(index_tokens(text))
