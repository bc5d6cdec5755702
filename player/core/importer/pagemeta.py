"""The five facts of a saved page that a story's header takes: title, author, address,
site name and date.

trafilatura's own metadata extraction finds these and more: categories, tags and a licence,
for which it probes every link in the page's footers (on a 1 MB page with a long footer,
three quarters of its metadata time). None of those reach a story, so the same steps as
``trafilatura.metadata.extract_metadata`` run here with those left out, and the extraction
itself runs without metadata. The fields found are the ones trafilatura would give.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def page_metadata(root: Any) -> Any:
    """A ``trafilatura.settings.Document`` with the page's ``title``, ``author``, ``url``,
    ``sitename`` and ``date`` (each None when the page does not say). ``root`` is the
    parsed page (an lxml HTML element); it is read, never changed."""
    # imported here: trafilatura takes a while and only importing a page needs it
    from htmldate import find_date
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )
    from trafilatura.settings import DEFAULT_CONFIG, set_date_params

    metadata = examine_meta(root)
    # As trafilatura: a one-word author from a meta tag is a site's handle, not a name.
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(root, metadata)
    # As trafilatura guards it: its JSON-LD reader has had bugs.
    except Exception as error:  # noqa: BLE001
        log.debug("JSON-LD metadata not read: %s", error)
    if not metadata.title:
        metadata.title = extract_title(root)
    if not metadata.author:
        metadata.author = extract_author(root)
    if not metadata.url:
        metadata.url = extract_url(root, None)
    # The date search's settings as bare_extraction() gives them to it.
    dates = set_date_params(DEFAULT_CONFIG.getboolean("DEFAULT", "EXTENSIVE_DATE_SEARCH"))
    metadata.date = find_date(root, **{**dates, "url": metadata.url})
    if not metadata.sitename:
        metadata.sitename = extract_sitename(root)
    if metadata.sitename:
        metadata.sitename = metadata.sitename.lstrip("@")
        if "." not in metadata.sitename and not metadata.sitename[:1].isupper():
            metadata.sitename = metadata.sitename.title()
    elif metadata.url and (match := META_URL.match(metadata.url)):
        metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata
