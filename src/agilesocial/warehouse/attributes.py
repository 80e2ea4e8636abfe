"""Derived post attributes, computed in SQL from what the exports store and kept in ``posts``.

Each attribute is NULL where the export cannot tell (no text, no post type), so a selector never guesses:

- ``is_reply``     X: the text starts with ``@``; other platforms' post exports hold no replies (FALSE).
- ``is_repost``    the text starts with ``RT @`` (X's retweet form).
- ``has_link``     the text holds an http(s) URL, or the post is a link post.
- ``hashtag_count`` distinct hashtags in the text; ``has_hashtag`` = at least one.
- ``duration_s``   video length in seconds (stored at ingest from ``Duration`` / ``Duration (sec)`` columns).
- ``is_short``     a post type naming Shorts; YouTube: at most 60 s, or at most 180 s with ``#shorts`` in the title.
- ``format``       one vocabulary across platforms (:data:`agilesocial.plan.experiment.FORMATS`) from the raw post
                   type; X exports have no post type: text or link posts without media, unknown (NULL) with media.
- ``has_media``    the format carries a photo or video; X: the post had media views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

#: Stored attribute columns of ``posts`` and their types (``duration_s`` is loaded, the others derived).
ATTRIBUTE_COLUMNS: dict[str, str] = {
    "duration_s": "DOUBLE",
    "format": "VARCHAR",
    "is_reply": "BOOLEAN",
    "is_repost": "BOOLEAN",
    "has_link": "BOOLEAN",
    "has_media": "BOOLEAN",
    "has_hashtag": "BOOLEAN",
    "hashtag_count": "INTEGER",
    "is_short": "BOOLEAN",
}
DERIVED: tuple[str, ...] = tuple(c for c in ATTRIBUTE_COLUMNS if c != "duration_s")

#: Raw post types -> format, first match wins (RE2 on the lower-cased type; 'video' is resolved after Shorts).
_FORMAT_RULES: tuple[tuple[str, str], ...] = (
    (r"short", "short"),
    (r"reel", "reel"),
    (r"carousel|album|multi", "carousel"),
    (r"stor(y|ies)", "story"),
    (r"\blive", "live"),
    (r"document|pdf", "document"),
    (r"poll", "poll"),
    (r"photo|image|picture", "photo"),
    (r"video", "video"),
    (r"link|article", "link"),
    (r"text|status", "text"),
)
_MEDIA_FORMATS = ("photo", "video", "reel", "short", "carousel", "story", "live", "document")
_LINK_RE = r"https?://[^\s]"
_TAG_RE = r"#([\p{L}\p{N}_]+)"


def _type_format(pt: str) -> str:
    whens = " ".join(f"WHEN regexp_matches({pt}, '{rx}') THEN '{fmt}'" for rx, fmt in _FORMAT_RULES)
    return f"CASE {whens} END"


def _derive_sql(where: str) -> str:
    """One row per post matching ``where`` (on ``posts p``) with every derived attribute."""
    source = f"""(
    WITH media AS (
        SELECT platform, post_id, bool_or(video_views > 0) AS viewed
        FROM post_metrics WHERE platform = 'x' AND video_views IS NOT NULL GROUP BY ALL
    )
    SELECT p.platform, p.post_id, p.text, p.post_type, p.hashtags, p.duration_s, m.viewed
    FROM posts p LEFT JOIN media m ON m.platform = p.platform AND m.post_id = p.post_id
    WHERE {where}
)"""
    return derive_from(source)


def derive_from(source: str, keep: str = "platform, post_id", *, distinct_tags: bool = False) -> str:
    """The derived attributes of the rows of ``source``, a subquery with the columns ``platform``, ``post_id``,
    ``text``, ``post_type``, ``hashtags``, ``duration_s`` and ``viewed`` (X: the post had media views; NULL when
    unknown): ``SELECT {keep}, <every derived attribute>``. ``keep`` names columns of ``source`` to pass through;
    ``distinct_tags``: ``hashtags`` is already distinct (as ingest writes it), so it is only counted."""
    tags = "hashtags" if distinct_tags else "list_distinct(hashtags)"
    media_formats = ", ".join(f"'{f}'" for f in _MEDIA_FORMATS)
    return f"""
WITH base AS (
    SELECT *,
        {_type_format("lower(post_type)")} AS _type_format,
        CASE WHEN text IS NULL THEN NULL ELSE regexp_matches(text, '{_LINK_RE}') END AS _text_link,
        CASE WHEN text IS NULL AND hashtags IS NULL THEN NULL
            WHEN hashtags IS NOT NULL THEN len({tags})
            ELSE len(list_distinct(regexp_extract_all(lower(text), '{_TAG_RE}', 1))) END AS _tags,
        CASE WHEN regexp_matches(lower(coalesce(post_type, '')), 'short') THEN TRUE
            WHEN platform <> 'youtube' THEN NULL
            WHEN duration_s IS NOT NULL
                THEN duration_s <= 60 OR (duration_s <= 180 AND regexp_matches(lower(coalesce(text, '')),
                    '#shorts?\\b'))
            WHEN regexp_matches(lower(coalesce(text, '')), '#shorts?\\b') THEN TRUE
        END AS _short
    FROM {source}
),
fmt AS (
    SELECT *,
        CASE WHEN _type_format = 'video' AND _short THEN 'short'
            WHEN _type_format IS NOT NULL THEN _type_format
            WHEN platform = 'x' AND viewed THEN NULL
            WHEN platform = 'x' AND _text_link THEN 'link'
            WHEN platform = 'x' AND text IS NOT NULL THEN 'text'
        END AS _format
    FROM base
)
SELECT {keep}, _format AS format,
    CASE WHEN text IS NULL THEN NULL WHEN platform = 'x' THEN regexp_matches(text, '^\\s*@\\w') ELSE FALSE END
        AS is_reply,
    CASE WHEN text IS NULL THEN NULL ELSE regexp_matches(text, '^\\s*RT @\\w') END AS is_repost,
    CASE WHEN _format = 'link' THEN TRUE ELSE _text_link END AS has_link,
    CASE WHEN viewed IS NOT NULL THEN viewed WHEN _format IN ({media_formats}) THEN TRUE
        WHEN _format IS NOT NULL THEN FALSE END AS has_media,
    _tags > 0 AS has_hashtag,
    _tags AS hashtag_count,
    _short AS is_short
FROM fmt
"""


def derive_attributes(con: duckdb.DuckDBPyConnection, *, ingest_id: int | None = None) -> None:
    """Recompute the derived attributes of the posts one ingest wrote (``ingest_id``), or of every post.

    Runs inside the caller's transaction (ingest) or migration.
    """
    where, params = ("p.ingest_id = ?", [ingest_id]) if ingest_id is not None else ("TRUE", [])
    sets = ", ".join(f"{c} = d.{c}" for c in DERIVED)
    con.execute(
        f"UPDATE posts SET {sets} FROM ({_derive_sql(where)}) d"
        " WHERE posts.platform = d.platform AND posts.post_id = d.post_id",
        params,
    )


def backfill_sql() -> str:
    """The migration that adds the attribute columns to an existing warehouse and fills them from stored data."""
    adds = "\n".join(f"ALTER TABLE posts ADD COLUMN {c} {t};" for c, t in ATTRIBUTE_COLUMNS.items())
    sets = ", ".join(f"{c} = d.{c}" for c in DERIVED)
    update = (
        f"UPDATE posts SET {sets} FROM ({_derive_sql('TRUE')}) d"
        " WHERE posts.platform = d.platform AND posts.post_id = d.post_id;"
    )
    return f"{adds}\n{update}\n"
