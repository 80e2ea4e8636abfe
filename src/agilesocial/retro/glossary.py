"""The one line of plain words for the statistics that ends every retro and every analysis (text, Markdown, HTML)."""

from __future__ import annotations

GLOSSARY = (
    "Glossary: pts = percentage points (3.27 % → 4.77 % is +1.50 pts, or +46 % relative); 95 % CI = the range the "
    "true lift most likely lies in; p = how often a difference this large would appear by chance alone, adjusted for "
    "testing several metrics at once; inconclusive = not shown either way: the CI says how large a lift or a drop "
    "is still possible."
)
