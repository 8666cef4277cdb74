"""The ground floor: what more than one app builds on, importing no page app.

Abstract page mixins and snippet bases, shared choices, the GET-filter widgets and the filtered
listing, the view-restriction rule, routing by URL path, cache version tokens, blocks, sharing
metadata, feeds, 文号 parsing and the demo helpers. Every app may import these modules; they
import nothing of `home`'s pages, `stations`, `stories` or `search` (a test holds them to it).
"""
